//! PRJ006: more than one of `conda_env`, `python_env`, `docker_env` (even a null one).

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Label};

use super::{Context, env_keys};

crate::declare_rule! {
    /// ## What it does
    /// Reports an MLproject with more than one environment key among `conda_env`,
    /// `python_env` and `docker_env`. A key left empty (`docker_env:`) still counts.
    ///
    /// ## Why is this bad?
    /// MLflow compares key *names*: with two of them it refuses to load the project
    /// (`Project cannot contain multiple environment fields`).
    ///
    /// ## Example
    /// ```yaml
    /// conda_env: conda.yaml
    /// python_env: python_env.yaml
    /// ```
    ///
    /// ## How to fix
    /// Keep exactly one environment key.
    pub static MULTIPLE_ENVIRONMENTS = {
        code: "PRJ006",
        name: "multiple-environments",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "more than one environment key in MLproject",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let keys = env_keys(root);
    let Some((first, _)) = keys.first() else {
        return;
    };
    let first_name = first.scalar_text().unwrap_or("").to_string();
    let mut out = Vec::new();
    for (k, v) in keys.iter().skip(1) {
        let name = k.scalar_text().unwrap_or("");
        let null = if v.is_null() {
            " (even empty, it counts)"
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                &MULTIPLE_ENVIRONMENTS,
                &file,
                k.range,
                format!("`{name}`{null} next to `{first_name}`: MLflow rejects a project with more than one environment field"),
            )
            .with_label(Label::new(&file, first.range).with_message(format!("`{first_name}` declared here")))
            .with_help("keep only one of `conda_env`, `python_env`, `docker_env`"),
        );
    }
    for d in out {
        cx.push(d);
    }
}
