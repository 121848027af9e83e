//! ENV006: `-r`/`-c` names a requirements file that does not exist

use super::Context;
use super::env_files::ProblemKind;

crate::declare_rule! {
    /// ## What it does
    /// Checks that files included with `-r file` or `-c file` exist, relative to the file
    /// that includes them (as pip resolves them).
    ///
    /// ## Why is this bad?
    /// pip stops with `Could not open requirements file` when the environment is built.
    ///
    /// ## Example
    /// ```text
    /// -r requirements/base.txt
    /// ```
    ///
    /// ## How to fix
    /// Fix the path or add the included file.
    pub static REQUIREMENTS_INCLUDE_NOT_FOUND = {
        code: "ENV006",
        name: "requirements-include-not-found",
        domain: Environment,
        severity: Error,
        default: true,
        fix: None,
        summary: "`-r`/`-c` names a requirements file that does not exist",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    super::report_problems(
        cx,
        ProblemKind::MissingInclude,
        &REQUIREMENTS_INCLUDE_NOT_FOUND,
    );
}
