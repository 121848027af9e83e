//! ENV005: a requirement that is not valid PEP 508 (or conda) syntax

use super::Context;
use super::env_files::ProblemKind;

crate::declare_rule! {
    /// ## What it does
    /// Parses every pip requirement (requirements files, conda `pip:` lists, python_env
    /// `dependencies`, pyproject `dependencies`, `requires-python`) as PEP 508 / PEP 440, the
    /// grammar pip uses; `-r`, `-e`, URLs, `--hash` and other options are understood.
    ///
    /// ## Why is this bad?
    /// pip rejects the line when the environment is built, and under conda that surfaces only
    /// as `CondaEnvException: Pip failed` (mlflow/mlflow#2201). A conda-style `numpy=1.26` in a
    /// pip list is the usual cause.
    ///
    /// ## Example
    /// ```text
    /// numpy=1.26
    /// scikit-learn>=1.0<2
    /// ```
    ///
    /// ## How to fix
    /// Use pip operators: `numpy==1.26.*`, `scikit-learn>=1.0,<2`.
    pub static INVALID_REQUIREMENT = {
        code: "ENV005",
        name: "invalid-requirement",
        domain: Environment,
        severity: Error,
        default: true,
        fix: None,
        summary: "a requirement that is not valid PEP 508 (or conda) syntax",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    super::report_problems(cx, ProblemKind::InvalidRequirement, &INVALID_REQUIREMENT);
}
