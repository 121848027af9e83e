//! ENV003: `python_env.yaml` with unknown keys, a non-string `python` or non-list dependencies

use super::Context;
use super::env_files::ProblemKind;

crate::declare_rule! {
    /// ## What it does
    /// Checks `python_env.yaml` against what MLflow accepts: only `python` (a string),
    /// `build_dependencies` and `dependencies` (lists of requirement strings).
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
}
