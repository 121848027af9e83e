//! PRJ020: a project with code but no MLproject (opt-in).

use crate::diagnostic::Diagnostic;
use crate::source::TextRange;

use super::{Context, imports};

crate::declare_rule! {
    /// ## What it does
    /// Reports a project with notebooks or Python code and no `MLproject`, whatever else it
    /// holds. Not selected by default; `PRJ019` covers projects that already use MLflow.
    ///
    /// ## Why is this bad?
    /// Notebooks run cell by cell, in an order and an environment nobody recorded. An
    /// MLproject gives the repository one reproducible entry point with a pinned environment:
    /// `mlflow run . -P alpha=0.5`.
    ///
    /// ## Example
    /// A repository of notebooks and a `requirements.txt`, with no MLproject.
    ///
    /// ## How to fix
    /// Add an `MLproject` whose `main` entry point runs the pipeline (a script, or
    /// `papermill` over the notebook).
    pub static NO_MLPROJECT = {
        code: "PRJ020",
        name: "no-mlproject",
        domain: Project,
        severity: Info,
        default: false,
        fix: None,
        summary: "a project with code but no MLproject (opt-in)",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    if cx.project.mlproject.is_some() || !cx.enabled(&NO_MLPROJECT) {
        return;
    }
    let Some((src, n)) = imports::first_code_file(cx) else {
        return;
    };
    cx.push(
        Diagnostic::new(
            &NO_MLPROJECT,
            &src,
            TextRange::empty(0),
            format!(
                "no MLproject in `{}` ({n} code file{}): there is no reproducible entry point",
                cx.project.root.display(),
                if n == 1 { "" } else { "s" }
            ),
        )
        .with_help("add an MLproject with a `main` entry point that runs this code"),
    );
}
