//! PRJ010: no environment key in MLproject, and MLflow's default pick is a surprise.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Label};
use crate::source::TextRange;

use super::{Context, EnvKind, env_keys};

crate::declare_rule! {
    /// ## What it does
    /// For an MLproject without `conda_env`, `python_env` or `docker_env`, reports when the
    /// environment MLflow picks is likely not the one intended: both `python_env.yaml` and
    /// `conda.yaml` exist (MLflow takes `python_env.yaml`), or neither does (MLflow runs in
    /// the caller's interpreter with no dependencies, even if an `environment.yml` or
    /// `requirements.txt` is there).
    ///
    /// ## Why is this bad?
    /// The run does not get the dependencies the author maintained, and nothing says so.
    ///
    /// ## Example
    /// ```yaml
    /// name: tutorial
    /// entry_points:
    ///   main:
    ///     command: "python train.py"
    /// ```
    /// next to an `environment.yml`.
    ///
    /// ## How to fix
    /// Name the environment explicitly: `conda_env: environment.yml` or
    /// `python_env: python_env.yaml`.
    pub static IMPLICIT_ENVIRONMENT = {
        code: "PRJ010",
        name: "implicit-environment",
        domain: Project,
        severity: Warning,
        default: true,
        fix: None,
        summary: "no environment key and MLflow's default choice is likely a surprise",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    if !env_keys(root).is_empty() {
        return;
    }
    let file = Arc::clone(file);
    let at = root
        .as_map()
        .and_then(|m| m.first())
        .map_or(TextRange::empty(0), |(k, _)| k.range);
    let dir = if cx.project.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        cx.project.root
    };
    let py = cx.project.env.find(&dir.join("python_env.yaml"));
    let conda = cx.project.env.find(&dir.join("conda.yaml"));
    let d = match (py, conda) {
        (Some(p), Some(c)) => Diagnostic::new(
            &IMPLICIT_ENVIRONMENT,
            &file,
            at,
            "no environment key: MLflow uses `python_env.yaml` and ignores `conda.yaml`",
        )
        .with_label(cx.env_label(p, TextRange::empty(0), "used by MLflow"))
        .with_label(cx.env_label(c, TextRange::empty(0), "ignored by MLflow"))
        .with_help("name the environment you mean: `python_env: python_env.yaml` or `conda_env: conda.yaml`"),
        (None, None) => {
            let others: Vec<usize> = (0..cx.project.env.files.len())
                .filter(|&i| matches!(cx.project.env.files[i].kind, EnvKind::Conda | EnvKind::Requirements | EnvKind::PythonEnv))
                .collect();
            let mut d = Diagnostic::new(
                &IMPLICIT_ENVIRONMENT,
                &file,
                at,
                if others.is_empty() {
                    "no environment key and no `python_env.yaml`/`conda.yaml`: MLflow runs in the caller's interpreter with no dependencies".to_string()
                } else {
                    "no environment key and no `python_env.yaml`/`conda.yaml`: MLflow ignores the environment files here and runs in the caller's interpreter".to_string()
                },
            );
            for i in others.into_iter().take(3) {
                d = d.with_label(cx.env_label(i, TextRange::empty(0), "not used by `mlflow run`"));
            }
            d.with_help("add `conda_env: <file>` or `python_env: <file>` to MLproject")
        }
        _ => return,
    };
    let _ = Label::new;
    cx.push(d);
}
