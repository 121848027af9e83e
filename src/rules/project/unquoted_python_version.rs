//! ENV004: an unquoted version such as `python: 3.10` that YAML reads as `3.1`

use super::Context;
use super::env_files::ProblemKind;

crate::declare_rule! {
    /// ## What it does
    /// Reports a version under a Python/version key written as a bare YAML number that
    /// loses digits: `python: 3.10` is the float `3.1`.
    ///
    /// ## Why is this bad?
    /// The tool gets Python 3.1 (or fails to find it): in `python_env.yaml` MLflow raises a
    /// `TypeError`, elsewhere the wrong interpreter is requested (actions/setup-python#198).
    ///
    /// ## Example
    /// ```yaml
    /// python: 3.10
    /// ```
    ///
    /// ## How to fix
    /// Quote it: `python: "3.10"`.
    pub static UNQUOTED_PYTHON_VERSION = {
        code: "ENV004",
        name: "unquoted-python-version",
        domain: Environment,
        severity: Error,
        default: true,
        fix: None,
        summary: "an unquoted version such as `python: 3.10` that YAML reads as `3.1`",
    }
}

/// Environment files, then the MLproject.
pub(super) fn check(cx: &mut Context<'_>) {
    super::report_problems(cx, ProblemKind::UnquotedVersion, &UNQUOTED_PYTHON_VERSION);
    check_mlproject(cx);
}

/// The MLproject is YAML too: `python: 3.10` anywhere in it.
fn check_mlproject(cx: &mut Context<'_>) {
    if !cx.enabled(&UNQUOTED_PYTHON_VERSION) {
        return;
    }
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = std::sync::Arc::clone(file);
    let mut found = Vec::new();
    super::env_files::collect_unquoted_versions(root, &mut found);
    for (range, text) in found {
        cx.push(
            crate::diagnostic::Diagnostic::new(
                &UNQUOTED_PYTHON_VERSION,
                &file,
                range,
                format!(
                    "unquoted version `{text}` is read by YAML as the number `{}`",
                    super::env_files::float_repr(&text)
                ),
            )
            .with_help("quote the version: \"3.10\""),
        );
    }
}
