//! PRJ017: a parameter without a default (informational, opt-in).

use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;
use super::mlproject::entry_points;

crate::declare_rule! {
    /// ## What it does
    /// Lists parameters without a default (or with `default: null`): every run must pass
    /// them with `-P`. Not selected by default.
    ///
    /// ## Why is this bad?
    /// `mlflow run .` without `-P name=…` stops with `No value given for missing
    /// parameters`. That is often intended, so this is informational.
    ///
    /// ## Example
    /// ```yaml
    /// parameters:
    ///   data_path: path
    /// ```
    ///
    /// ## How to fix
    /// Give the parameter a `default`, or document the `-P` it needs.
    pub static REQUIRED_PARAMETER = {
        code: "PRJ017",
        name: "required-parameter",
        domain: Project,
        severity: Info,
        default: false,
        fix: None,
        summary: "parameter without a default must always be passed with `-P`",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&REQUIRED_PARAMETER) {
        return;
    }
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let mut out = Vec::new();
    for ep in entry_points(root) {
        for p in ep.params() {
            if p.default().is_none_or(|d| d.is_null()) {
                out.push(Diagnostic::new(&REQUIRED_PARAMETER, &file, p.key.range, format!("parameter `{}` of entry point `{}` has no default: runs must pass `-P {}=…`", p.name, ep.name, p.name))
                    .with_help("add a `default` if the parameter is optional"));
            }
        }
    }
    for d in out {
        cx.push(d);
    }
}
