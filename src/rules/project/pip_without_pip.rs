//! ENV007: a conda `pip:` list without `pip` among the conda dependencies

use super::Context;
use super::env_files::ProblemKind;

crate::declare_rule! {
    /// ## What it does
    /// Reports a conda environment file with a `pip:` list but no `pip` conda dependency.
    ///
    /// ## Why is this bad?
    /// conda warns and may install the pip packages with whatever `pip` it finds, outside the
    /// environment; the upstream `sklearn_logistic_regression` example has this mistake.
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - python=3.10
    ///   - pip:
    ///     - mlflow
    /// ```
    ///
    /// ## How to fix
    /// Add `- pip` to `dependencies`, before the `pip:` list.
    pub static PIP_WITHOUT_PIP = {
        code: "ENV007",
        name: "pip-without-pip",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "a conda `pip:` list without `pip` among the conda dependencies",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    super::report_problems(cx, ProblemKind::PipWithoutPip, &PIP_WITHOUT_PIP);
}
