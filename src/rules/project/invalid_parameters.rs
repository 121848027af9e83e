//! PRJ003: `parameters` must be a mapping of `name: type` or `name: {type, default}`.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;
use super::mlproject::entry_points;

crate::declare_rule! {
    /// ## What it does
    /// Checks that each entry point's `parameters` is a mapping, and that each parameter is
    /// either a type name (`alpha: float`) or a mapping (`alpha: {type: float, default: 0.5}`).
    ///
    /// ## Why is this bad?
    /// `parameters:` left empty (null) or written as a list crashes `mlflow run` with a raw
    /// `AttributeError` (mlflow/mlflow#1541, still present). A parameter written as a list or
    /// with a non-string `type` is read in ways the author did not mean.
    ///
    /// ## Example
    /// ```yaml
    /// entry_points:
    ///   main:
    ///     parameters:
    ///     command: "python train.py"
    /// ```
    ///
    /// ## How to fix
    /// Remove an empty `parameters:` key, or write it as a mapping of parameter names.
    pub static INVALID_PARAMETERS = {
        code: "PRJ003",
        name: "invalid-parameters",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "`parameters` is null or not a mapping, or a parameter spec is malformed",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let mut out = Vec::new();
    for ep in entry_points(root) {
        let Some((key, params)) = ep.node.entry("parameters") else {
            continue;
        };
        let Some(map) = params.as_map() else {
            let why = if params.is_null() {
                "`parameters` is empty (null): MLflow crashes with `AttributeError` (mlflow/mlflow#1541)".to_string()
            } else {
                format!(
                    "`parameters` of entry point `{}` must be a mapping, found {}: MLflow crashes loading it",
                    ep.name,
                    params.kind_name()
                )
            };
            out.push(
                Diagnostic::new(&INVALID_PARAMETERS, &file, if params.is_null() { key.range } else { params.range }, why)
                    .with_help("remove `parameters:` or write `name: {type: float, default: 0.5}` entries under it"),
            );
            continue;
        };
        for (k, v) in map {
            let name = k.scalar_text().unwrap_or("?");
            if v.as_seq().is_some() {
                out.push(
                    Diagnostic::new(
                        &INVALID_PARAMETERS,
                        &file,
                        v.range,
                        format!("parameter `{name}` must be a type or a mapping, found a list"),
                    )
                    .with_help("write `name: {type: float, default: 0.5}`"),
                );
            } else if v.as_map().is_some()
                && let Some(t) = v.get("type")
                && t.as_str().is_none()
            {
                out.push(
                    Diagnostic::new(
                        &INVALID_PARAMETERS,
                        &file,
                        t.range,
                        format!(
                            "`type` of parameter `{name}` must be a string, found {}",
                            t.kind_name()
                        ),
                    )
                    .with_help("use one of `string`, `float`, `path`, `uri`"),
                );
            }
        }
    }
    for d in out {
        cx.push(d);
    }
}
