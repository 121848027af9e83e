//! PRJ019: the repository looks like an MLflow project but has no MLproject.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::TextRange;

use super::{Context, EnvKind, imports};

crate::declare_rule! {
    /// ## What it does
    /// Reports a project without an `MLproject` file when it shows it is an MLflow project:
    /// it has a `python_env.yaml` (MLflow's own environment format), or a `conda.yaml` while
    /// its code imports `mlflow`. `import mlflow` alone (tracking, tracing) or an `mlruns/`
    /// folder does not make a folder a Project, nor does an MLflow Recipe (`recipe.yaml`) or
    /// a saved model (`MLmodel`).
    ///
    /// ## Why is this bad?
    /// Without an MLproject there is no reproducible entry point: `mlflow run . -P alpha=0.5`
    /// cannot run it with its pinned environment, and runs depend on how each person starts
    /// the notebook or script.
    ///
    /// ## Example
    /// A folder with `train.py` doing `import mlflow` and a `conda.yaml`, but no MLproject.
    ///
    /// ## How to fix
    /// Add an `MLproject` with `name`, `conda_env`/`python_env` and an entry point `main`
    /// whose `command` runs the training script.
    pub static MISSING_MLPROJECT = {
        code: "PRJ019",
        name: "missing-mlproject",
        domain: Project,
        severity: Warning,
        default: true,
        fix: None,
        summary: "an MLflow environment file (`python_env.yaml`, or `conda.yaml` with code importing mlflow) but no MLproject",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    if cx.project.mlproject.is_some() || !cx.enabled(&MISSING_MLPROJECT) {
        return;
    }
    let dir = if cx.project.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        cx.project.root
    };
    // An MLflow Recipe (`recipe.yaml`) or a saved model (`MLmodel`) is not a Project.
    if dir.join("recipe.yaml").is_file() || dir.join("MLmodel").is_file() {
        return;
    }
    let help = "add an MLproject with `name`, an environment and a `main` entry point";
    // An env file MLflow projects use.
    if let Some(i) = cx.project.env.files.iter().position(|f| {
        matches!(f.kind, EnvKind::Conda | EnvKind::PythonEnv)
            && f.disk_path
                .file_name()
                .is_some_and(|n| n == "conda.yaml" || n == "python_env.yaml")
    }) {
        let file = Arc::clone(&cx.project.env.files[i].source);
        let name = file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some((src, range)) = imports::find_mlflow_import(cx) {
            cx.push(
                Diagnostic::new(
                    &MISSING_MLPROJECT,
                    &src,
                    range,
                    format!(
                        "the code imports `mlflow` and the project has a `{name}`, but no MLproject"
                    ),
                )
                .with_label(cx.env_label(i, TextRange::empty(0), "MLflow environment file"))
                .with_help(help),
            );
        } else if name.starts_with("python_env") {
            // `python_env.yaml` is MLflow's own format; a `conda.yaml` alone is any conda
            // environment.
            cx.push(
                Diagnostic::new(
                    &MISSING_MLPROJECT,
                    &file,
                    TextRange::empty(0),
                    format!(
                        "`{name}` is an MLflow environment file, but the project has no MLproject"
                    ),
                )
                .with_help(help),
            );
        }
    }
    // `import mlflow` alone is tracking or tracing, and `mlruns/` holds tracked runs: neither
    // makes a folder an MLflow Project.
}
