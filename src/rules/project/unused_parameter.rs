//! PRJ012: a declared parameter the command never uses.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;
use super::mlproject::{Field, entry_points, template_fields};

crate::declare_rule! {
    /// ## What it does
    /// Reports a parameter declared for an entry point that its `command` never uses as
    /// `{name}`.
    ///
    /// ## Why is this bad?
    /// MLflow silently drops it: `mlflow run . -P name=…` is accepted, logged, and has no
    /// effect on the run.
    ///
    /// ## Example
    /// ```yaml
    /// main:
    ///   parameters:
    ///     alpha: float
    ///     l1_ratio: float
    ///   command: "python train.py {alpha}"
    /// ```
    ///
    /// ## How to fix
    /// Pass it to the command (`--l1-ratio {l1_ratio}`) or remove the declaration.
    pub static UNUSED_PARAMETER = {
        code: "PRJ012",
        name: "unused-parameter",
        domain: Project,
        severity: Warning,
        default: true,
        fix: None,
        summary: "declared parameter never used in the command",
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
        let params = ep.params();
        let names: Vec<&str> = params.iter().map(|p| p.name).collect();
        let fields = template_fields(cmd.as_str().unwrap_or(""), &names);
        let used: Vec<&str> = fields
            .iter()
            .filter_map(|f| match f {
                Field::Name { name, .. }
                | Field::FormatSpec { name, .. }
                | Field::Attribute { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        for p in &params {
            if !used.contains(&p.name) {
                out.push(
                    Diagnostic::new(&UNUSED_PARAMETER, &file, p.key.range, format!("parameter `{}` is declared but entry point `{}` never uses `{{{}}}`: MLflow drops its value", p.name, ep.name, p.name))
                        .with_label(crate::diagnostic::Label::new(&file, cmd.range).with_message("command without it"))
                        .with_help(format!("pass `{{{}}}` in the command or remove the parameter", p.name)),
                );
            }
        }
    }
    for d in out {
        cx.push(d);
    }
}
