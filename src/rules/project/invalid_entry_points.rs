//! PRJ002: `entry_points` must be a mapping of entries, each with a string `command`.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::TextRange;
use crate::source::yaml::YamlNode;

use super::Context;
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// ## What it does
    /// Checks that the MLproject has `entry_points`, that it is a mapping from entry-point
    /// name to a mapping, and that each entry point has a `command` that is a string. When
    /// the missing key is there but misspelt (`comand:`, `entry_point:`), the finding is at
    /// the misspelt key and says so (PRJ004 then leaves that key alone: one mistake, one
    /// finding).
    ///
    /// ## Why is this bad?
    /// MLflow never validates this part. A list, a null entry or a missing `command` crashes
    /// at load or run time with `AttributeError` or `'NoneType' object has no attribute
    /// 'format'`, and a project without `entry_points` cannot run anything by name.
    ///
    /// ## Example
    /// ```yaml
    /// entry_points:
    ///   main:
    ///     parameters:
    ///       alpha: float
    ///     comand: "python train.py {alpha}"
    /// ```
    ///
    /// ## How to fix
    /// Give every entry point a `command:` string (quote it if it contains `:` or `{`).
    pub static INVALID_ENTRY_POINTS = {
        code: "PRJ002",
        name: "invalid-entry-points",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "`entry_points` missing or malformed, or an entry point without a string `command`",
    }
}

/// A key of `map` that misspells the required key `missing` (which `map` lacks).
pub(super) fn misspelt<'m>(map: &'m YamlNode, missing: &str) -> Option<&'m YamlNode> {
    if map.entry(missing).is_some() {
        return None;
    }
    map.as_map()?.iter().map(|(k, _)| k).find(|k| {
        k.scalar_text()
            .is_some_and(|t| t != missing && did_you_mean(t, &[missing]).is_some())
    })
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let mut out = Vec::new();
    match root.entry("entry_points") {
        None => {
            if root.get("databricks_spark_job").is_none() {
                out.push(match misspelt(root, "entry_points") {
                    Some(k) => {
                        let typo = k.scalar_text().unwrap_or("");
                        Diagnostic::new(
                            &INVALID_ENTRY_POINTS,
                            &file,
                            k.range,
                            format!("MLproject has no `entry_points` (`{typo}` is a misspelling, which MLflow ignores): `mlflow run` has no command to run"),
                        )
                        .with_help(format!("rename `{typo}` to `entry_points`"))
                    }
                    None => Diagnostic::new(
                        &INVALID_ENTRY_POINTS,
                        &file,
                        TextRange::empty(0),
                        "MLproject has no `entry_points`: `mlflow run` has no command to run",
                    )
                    .with_help("add `entry_points:` with a `main:` entry and its `command`"),
                });
            }
        }
        Some((key, value)) => match value.as_map() {
            None => out.push(
                Diagnostic::new(
                    &INVALID_ENTRY_POINTS,
                    &file,
                    if value.is_null() { key.range } else { value.range },
                    format!(
                        "`entry_points` must be a mapping of entry points, found {}: MLflow crashes loading it",
                        value.kind_name()
                    ),
                )
                .with_help("write each entry point as `name:` with `command:` (and `parameters:`) under it"),
            ),
            Some(entries) => {
                for (k, v) in entries {
                    let name = k.scalar_text().unwrap_or("?");
                    if v.as_map().is_none() {
                        out.push(
                            Diagnostic::new(
                                &INVALID_ENTRY_POINTS,
                                &file,
                                if v.is_null() { k.range } else { v.range },
                                format!("entry point `{name}` must be a mapping with `command`, found {}", v.kind_name()),
                            )
                            .with_help("write `command: \"…\"` under the entry point"),
                        );
                        continue;
                    }
                    match v.entry("command") {
                        None => out.push(match misspelt(v, "command") {
                            Some(typo_key) => {
                                let typo = typo_key.scalar_text().unwrap_or("");
                                Diagnostic::new(
                                    &INVALID_ENTRY_POINTS,
                                    &file,
                                    typo_key.range,
                                    format!("entry point `{name}` has no `command` (`{typo}` is a misspelling, which MLflow ignores): MLflow fails with `'NoneType' object has no attribute 'format'`"),
                                )
                                .with_help(format!("rename `{typo}` to `command`"))
                            }
                            None => Diagnostic::new(
                                &INVALID_ENTRY_POINTS,
                                &file,
                                k.range,
                                format!("entry point `{name}` has no `command`: MLflow fails with `'NoneType' object has no attribute 'format'`"),
                            )
                            .with_help("add `command:` with the shell command to run"),
                        }),
                        Some((ck, cv)) if cv.as_str().is_none() => out.push(
                            Diagnostic::new(
                                &INVALID_ENTRY_POINTS,
                                &file,
                                if cv.is_null() { ck.range } else { cv.range },
                                format!("`command` of entry point `{name}` must be a string, found {}", cv.kind_name()),
                            )
                            .with_help("write the command as one quoted string"),
                        ),
                        Some(_) => {}
                    }
                }
            }
        },
    }
    for d in out {
        cx.push(d);
    }
}
