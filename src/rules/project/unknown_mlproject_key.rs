//! PRJ004: keys MLflow does not read, at any level of MLproject (typos lose intent).

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::yaml::YamlNode;

use super::Context;
use super::mlproject::{
    DOCKER_KEYS, ENTRY_POINT_KEYS, PARAM_KEYS, TOLERATED_DOCKER_KEYS, TOLERATED_TOP_KEYS, TOP_KEYS,
    entry_points,
};
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// ## What it does
    /// Reports keys MLflow does not read: at the top level (`entry_point`, `conda-env`), in
    /// an entry point (`paramters`), in a parameter (`defualt`) and in `docker_env`, with a
    /// "did you mean" when a known key is close.
    ///
    /// ## Why is this bad?
    /// MLflow has no schema: an unknown key is silently ignored, so a typo drops the
    /// environment, the parameters or a default without any error.
    ///
    /// ## Example
    /// ```yaml
    /// conda-env: conda.yaml
    /// entry_points:
    ///   main:
    ///     parameters:
    ///       alpha: {type: float, defualt: 0.5}
    /// ```
    ///
    /// ## How to fix
    /// Rename the key to the one MLflow reads, or remove it.
    pub static UNKNOWN_MLPROJECT_KEY = {
        code: "PRJ004",
        name: "unknown-mlproject-key",
        domain: Project,
        severity: Warning,
        default: true,
        fix: None,
        summary: "a key MLflow ignores (often a typo) in MLproject",
    }
}

fn unknown(
    file: &Arc<crate::source::SourceFile>,
    map: &YamlNode,
    known: &[&str],
    tolerated: &[&str],
    place: &str,
    out: &mut Vec<Diagnostic>,
) {
    unknown_but(file, map, known, tolerated, place, None, out);
}

/// [`unknown`], leaving out `reported`: a misspelt required key PRJ002 reports.
fn unknown_but(
    file: &Arc<crate::source::SourceFile>,
    map: &YamlNode,
    known: &[&str],
    tolerated: &[&str],
    place: &str,
    reported: Option<&YamlNode>,
    out: &mut Vec<Diagnostic>,
) {
    for (k, _) in map.as_map().unwrap_or(&[]) {
        let Some(key) = k.scalar_text() else { continue };
        if known.contains(&key)
            || tolerated.contains(&key)
            || reported.is_some_and(|r| r.range == k.range)
        {
            continue;
        }
        let hint = did_you_mean(key, known);
        if let Some((k1, v1)) = key.split_once(':')
            && known.contains(&k1.trim())
        {
            // `{type:float}`: without a space YAML reads one key `type:float`.
            out.push(
                Diagnostic::new(
                    &UNKNOWN_MLPROJECT_KEY,
                    file,
                    k.range,
                    format!("`{key}` is read as one key (no space after `:`), so `{}` is ignored {place}", k1.trim()),
                )
                .with_help(format!("write `{}: {}`", k1.trim(), v1.trim())),
            );
            continue;
        }
        let msg = match hint {
            Some(h) => {
                format!("unknown key `{key}` {place}: MLflow ignores it (did you mean `{h}`?)")
            }
            None => format!("unknown key `{key}` {place}: MLflow ignores it"),
        };
        let help = match hint {
            Some(h) => format!("rename `{key}` to `{h}`"),
            None => format!(
                "remove `{key}` or use one of {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push(Diagnostic::new(&UNKNOWN_MLPROJECT_KEY, file, k.range, msg).with_help(help));
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let mut out = Vec::new();
    // A misspelt `entry_points` or `command` is PRJ002's finding (the key is missing).
    let prj002 = cx.enabled(&super::invalid_entry_points::INVALID_ENTRY_POINTS);
    fn misspelt<'m>(on: bool, map: &'m YamlNode, key: &str) -> Option<&'m YamlNode> {
        on.then(|| super::invalid_entry_points::misspelt(map, key))
            .flatten()
    }
    unknown_but(
        &file,
        root,
        TOP_KEYS,
        TOLERATED_TOP_KEYS,
        "at the top of MLproject",
        if root.get("databricks_spark_job").is_none() {
            misspelt(prj002, root, "entry_points")
        } else {
            None
        },
        &mut out,
    );
    for ep in entry_points(root) {
        unknown_but(
            &file,
            ep.node,
            ENTRY_POINT_KEYS,
            &[],
            &format!("in entry point `{}`", ep.name),
            misspelt(prj002, ep.node, "command"),
            &mut out,
        );
        for p in ep.params() {
            if p.spec.as_map().is_some() {
                unknown(
                    &file,
                    p.spec,
                    PARAM_KEYS,
                    &[],
                    &format!("in parameter `{}`", p.name),
                    &mut out,
                );
            }
        }
    }
    if let Some(d) = root.get("docker_env").filter(|d| d.as_map().is_some()) {
        unknown(
            &file,
            d,
            DOCKER_KEYS,
            TOLERATED_DOCKER_KEYS,
            "in `docker_env`",
            &mut out,
        );
    }
    for d in out {
        cx.push(d);
    }
}
