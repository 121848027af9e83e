//! ENV003: `python_env.yaml` with unknown keys, a non-string `python` or non-list dependencies

use super::Context;
use super::env_files::ProblemKind;

crate::declare_rule! {
    /// ## What it does
    /// Checks `python_env.yaml` against what MLflow accepts: only `python` (a string),
    /// `build_dependencies` and `dependencies` (lists of requirement strings). A conda-format
    /// file named under `python_env` (`python_env: conda.yaml`) is reported once, at the
    /// MLproject's `python_env` value.
    ///
    /// ## Why is this bad?
    /// MLflow passes the file to `_PythonEnv(**yaml)`: any other key, a numeric `python` or a
    /// dependency string instead of a list raises a `TypeError` when the environment is
    /// created, after the project was accepted.
    ///
    /// ## Example
    /// ```yaml
    /// python: 3.8
    /// requirements:
    ///   - mlflow
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// python: "3.8"
    /// build_dependencies: [pip]
    /// dependencies: [mlflow==2.9.2]
    /// ```
    pub static INVALID_PYTHON_ENV = {
        code: "ENV003",
        name: "invalid-python-env",
        domain: Environment,
        severity: Error,
        default: true,
        fix: None,
        summary: "`python_env.yaml` with unknown keys, a non-string `python` or non-list dependencies",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    super::report_problems(cx, ProblemKind::PythonEnvSchema, &INVALID_PYTHON_ENV);
    // `python_env: conda.yaml`: one finding at the MLproject line, not one per conda key.
    if !cx.enabled(&INVALID_PYTHON_ENV) {
        return;
    }
    let Some(sel) = cx.project.selected_env else {
        return;
    };
    if !cx.project.env.files[sel].conda_as_python_env {
        return;
    }
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let Some(value) = root.get("python_env") else {
        return;
    };
    let d = crate::diagnostic::Diagnostic::new(
        &INVALID_PYTHON_ENV,
        file,
        value.range,
        format!(
            "`python_env` names `{}`, a conda-format file (`channels`/`name`/`pip:`): MLflow reads it as a python_env and fails",
            value.as_str().unwrap_or("")
        ),
    )
    .with_label(cx.env_label(sel, crate::source::TextRange::empty(0), "conda format"))
    .with_help("use `conda_env:` for a conda file, or write a `python_env.yaml` (`python`, `build_dependencies`, `dependencies`)");
    cx.push(d);
}
