//! PRJ011: `{p}` in a command with no parameter `p` declared.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;
use super::mlproject::{Field, entry_points, scalar_subrange, template_fields};
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `{name}` placeholder in an entry point's `command` when the entry point
    /// declares no parameter `name`.
    ///
    /// ## Why is this bad?
    /// MLflow fills the command with Python's `str.format` over the declared parameters only:
    /// an undeclared placeholder is a bare `KeyError: 'name'` when the run starts, after the
    /// environment was built.
    ///
    /// ## Example
    /// ```yaml
    /// main:
    ///   parameters:
    ///     alpha: float
    ///   command: "python train.py --alpha {alpha} --l1 {l1_ratio}"
    /// ```
    ///
    /// ## How to fix
    /// Declare the parameter (`l1_ratio: {type: float, default: 0.1}`) or fix its name.
    pub static UNDECLARED_PARAMETER = {
        code: "PRJ011",
        name: "undeclared-parameter",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "`{p}` used in a command but not declared",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let mut out = Vec::new();
    for ep in entry_points(root) {
        let Some(cmd) = ep.command() else { continue };
        // A malformed `parameters` is PRJ003's finding; do not repeat it per placeholder.
        if ep
            .node
            .get("parameters")
            .is_some_and(|p| p.as_map().is_none())
        {
            continue;
        }
        let text = cmd.as_str().unwrap_or("");
        let params = ep.params();
        let names: Vec<&str> = params.iter().map(|p| p.name).collect();
        for f in template_fields(text, &names) {
            let (name, range) = match &f {
                Field::Name { name, range }
                | Field::FormatSpec { name, range }
                | Field::Attribute { name, range } => (name, *range),
                _ => continue,
            };
            if names.contains(&name.as_str()) {
                continue;
            }
            let hint = did_you_mean(name, &names);
            let msg = match hint {
                Some(h) => format!(
                    "`{{{name}}}` is not a declared parameter of entry point `{}` (did you mean `{h}`?): MLflow fails with `KeyError`",
                    ep.name
                ),
                None => format!(
                    "`{{{name}}}` is not a declared parameter of entry point `{}`: MLflow fails with `KeyError`",
                    ep.name
                ),
            };
            let mut d = Diagnostic::new(&UNDECLARED_PARAMETER, &file, scalar_subrange(&file, cmd, range), msg)
                .with_help(format!("declare `{name}` under `parameters:` (or write `{{{{{name}}}}}` for literal braces)"));
            if let Some(p) = params.iter().find(|p| Some(p.name) == hint) {
                d = d.with_label(
                    crate::diagnostic::Label::new(&file, p.key.range)
                        .with_message("similar parameter declared here"),
                );
            }
            out.push(d);
        }
    }
    for d in out {
        cx.push(d);
    }
}
