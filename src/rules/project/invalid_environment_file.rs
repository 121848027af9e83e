//! ENV002: an environment file that does not parse or has the wrong shape

use super::Context;
use super::env_files::ProblemKind;

crate::declare_rule! {
    /// ## What it does
    /// Checks that environment files parse and have the shape their tools expect: a conda
    /// file is a mapping with `channels` (a list of strings) and `dependencies` (a list of
    /// specs plus at most a `pip:` list); `pyproject.toml` is valid TOML; `.python-version`
    /// and `runtime.txt` hold a version. A YAML key written twice (the loader keeps the last
    /// and drops the first silently) and a file that cannot be read (unreadable, not UTF-8,
    /// too large) are reported too: an environment file is never skipped without a word (a
    /// file the walk loads itself has its encoding reported by MLC002 instead, once).
    ///
    /// ## Why is this bad?
    /// `conda env create` and MLflow fail on these only when the environment is built, or
    /// silently read something else (a `pip:` that is not indented under the list item).
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - numpy=1.26
    ///   - pip:
    ///     mlflow
    /// ```
    ///
    /// ## How to fix
    /// Write `channels` and `dependencies` as lists and nest pip requirements as a list
    /// under `- pip:`.
    pub static INVALID_ENVIRONMENT_FILE = {
        code: "ENV002",
        name: "invalid-environment-file",
        domain: Environment,
        severity: Error,
        default: true,
        fix: None,
        summary: "an environment file that does not parse or has the wrong shape",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    super::report_problems(cx, ProblemKind::Invalid, &INVALID_ENVIRONMENT_FILE);
}
