//! PRJ001: the MLproject file must be YAML that parses to a mapping.

use crate::diagnostic::Diagnostic;
use crate::source::TextRange;
use crate::source::yaml;

use super::Context;

crate::declare_rule! {
    /// ## What it does
    /// Checks that `MLproject` is valid YAML whose top level is a mapping, with no key written
    /// twice in one mapping (two entry points named `main`: the YAML loader keeps the last
    /// and drops the first without a word).
    ///
    /// ## Why is this bad?
    /// MLflow reads the file with `yaml.safe_load` and has no schema: a syntax error stops
    /// `mlflow run` at once, and an empty file or a top-level list crashes the loader with a
    /// raw `AttributeError` instead of a message.
    ///
    /// ## Example
    /// ```yaml
    /// name: tutorial
    /// entry_points:
    ///   main:
    ///     command: "python train.py {alpha}
    /// ```
    ///
    /// ## How to fix
    /// Fix the YAML so that the file is a mapping with `name`, an environment key and
    /// `entry_points`.
    pub static INVALID_MLPROJECT = {
        code: "PRJ001",
        name: "invalid-mlproject",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "MLproject is not YAML that parses to a mapping, or repeats a key",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some(m) = cx.project.mlproject.as_ref() else {
        return;
    };
    let file = std::sync::Arc::clone(&m.source);
    let diag = match yaml::parse(&file.text) {
        Err(e) if e.message.contains("indentation in quoted scalar") => {
            // YAML 1.2 forbids it, PyYAML (which MLflow uses) tolerates it.
            let mut d = Diagnostic::new(
                &INVALID_MLPROJECT,
                &file,
                TextRange::empty(e.offset.min(file.text.len())),
                "quoted string continues on a line indented no deeper than its key: invalid YAML 1.2 (PyYAML tolerates it, other tools do not)",
            )
            .with_help("indent the continuation lines further, or use a folded block (`command: >`)");
            d.severity = crate::diagnostic::Severity::Warning;
            Some(d)
        }
        Err(e) => Some(
            Diagnostic::new(
                &INVALID_MLPROJECT,
                &file,
                TextRange::empty(e.offset.min(file.text.len())),
                format!("MLproject is not valid YAML: {}", e.message),
            )
            .with_help("fix the YAML syntax; `mlflow run` cannot load the project"),
        ),
        Ok(root) if root.is_null() => Some(
            Diagnostic::new(
                &INVALID_MLPROJECT,
                &file,
                TextRange::empty(0),
                "MLproject is empty: MLflow crashes loading it",
            )
            .with_help("add `name`, an environment key and `entry_points`"),
        ),
        Ok(root) if root.as_map().is_none() => Some(
            Diagnostic::new(
                &INVALID_MLPROJECT,
                &file,
                root.range,
                format!("MLproject must be a mapping, found {}", root.kind_name()),
            )
            .with_help("write MLproject as `key: value` pairs (`name`, `entry_points` …)"),
        ),
        Ok(root) => {
            // A key written twice: the YAML loader keeps the last and drops the first.
            let found: Vec<Diagnostic> = root
                .duplicate_keys()
                .into_iter()
                .map(|(first, dup)| {
                    let key = dup.scalar_text().unwrap_or("");
                    let line = file.location(first.range.start()).raw.line;
                    Diagnostic::new(
                        &INVALID_MLPROJECT,
                        &file,
                        dup.range,
                        format!("duplicate key `{key}`: MLflow keeps this one and silently drops the one on line {line}"),
                    )
                    .with_label(crate::diagnostic::Label::new(&file, first.range).with_message("dropped"))
                    .with_help("rename one of them, or merge them into one entry")
                })
                .collect();
            for d in found {
                cx.push(d);
            }
            None
        }
    };
    if let Some(d) = diag {
        cx.push(d);
    }
}
