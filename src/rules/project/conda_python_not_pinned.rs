//! ENV016: the conda file of an MLflow project gives `python` no exact version.

use crate::diagnostic::Diagnostic;
use crate::source::yaml::YamlNode;

use super::Context;
use super::env_files::{EnvKind, parse_conda_spec};

crate::declare_rule! {
    /// ## What it does
    /// Reports the `python` dependency of the conda file an MLflow project uses when it has
    /// no version (`- python`) or a comparator instead of a version (`python>3.9`,
    /// `python>=3.8,<3.11`).
    ///
    /// ## Why is this bad?
    /// MLflow reads the project's Python version from `python=X.Y` in the conda file to
    /// build a virtualenv/uv environment from it; with no version or a range it refuses the
    /// file. Under conda the environment gets whatever Python the solver picks that day,
    /// which is not reproducible either.
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - python>3.9
    ///   - pip
    /// ```
    ///
    /// ## How to fix
    /// Pin the version the project was run with: `- python=3.10`.
    pub static CONDA_PYTHON_NOT_PINNED = {
        code: "ENV016",
        name: "conda-python-not-pinned",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "the conda file of an MLflow project gives `python` no version, or a range",
    }
}

/// The environment file this rule reads, when it runs: the conda file an MLproject uses.
/// Its `python` entries are this rule's to report (ENV010 leaves them alone).
pub(super) fn governed(cx: &Context<'_>) -> Option<usize> {
    if !cx.enabled(&CONDA_PYTHON_NOT_PINNED) || cx.project.mlproject().is_none() {
        return None;
    }
    let sel = cx.project.selected_env?;
    (cx.project.env.files[sel].kind == EnvKind::Conda).then_some(sel)
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some(sel) = governed(cx) else {
        return;
    };
    let file = &cx.project.env.files[sel];
    let Some(items) = file
        .yaml
        .as_ref()
        .and_then(|r| r.get("dependencies"))
        .and_then(YamlNode::as_seq)
    else {
        return;
    };
    let mut out = Vec::new();
    for item in items {
        let Some(spec) = item.as_str() else { continue };
        let (name, _, rest) = parse_conda_spec(spec);
        if name != "python" {
            continue;
        }
        let rest = rest.trim();
        let message = if rest.is_empty() {
            format!(
                "`{}` has no version: MLflow needs `python=X.Y` to rebuild the environment",
                spec.trim()
            )
        } else if rest.starts_with(['>', '<', '!', '~']) || rest.contains(',') {
            format!(
                "`{}` is a range, not a version: MLflow needs `python=X.Y` to rebuild the environment",
                spec.trim()
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(&CONDA_PYTHON_NOT_PINNED, &file.source, item.range, message)
                .with_help("pin the Python the project runs with, e.g. `- python=3.10`"),
        );
    }
    for d in out {
        cx.push(d);
    }
}
