//! ENV011: conda packages MLflow drops under `--env-manager virtualenv`/`uv` (opt-in).

use crate::diagnostic::Diagnostic;

use super::Context;
use super::env_files::{EnvKind, Syntax};

crate::declare_rule! {
    /// ## What it does
    /// Reports conda dependencies other than `python`, `pip`, `setuptools` and `wheel` in the
    /// conda file of an MLflow project. Not selected by default.
    ///
    /// ## Why is this bad?
    /// Run with `--env-manager virtualenv` or `uv`, MLflow converts the conda file and drops
    /// every other conda package with only a warning (`The following conda dependencies will
    /// not be installed …`): `scikit-learn` or `pyspark` is then silently missing.
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - python=3.10
    ///   - scikit-learn=1.3
    ///   - pip
    ///   - pip:
    ///     - mlflow
    /// ```
    ///
    /// ## How to fix
    /// Move Python packages to the `pip:` list (or a `python_env.yaml`), keeping only
    /// `python` and `pip` as conda dependencies.
    pub static CONDA_ONLY_DEPENDENCY = {
        code: "ENV011",
        name: "conda-only-dependency",
        domain: Environment,
        severity: Warning,
        default: false,
        fix: None,
        summary: "conda package dropped when MLflow runs with virtualenv/uv (opt-in)",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&CONDA_ONLY_DEPENDENCY) || cx.project.mlproject.is_none() {
        return;
    }
    let Some(sel) = cx.project.selected_env else {
        return;
    };
    if cx.project.env.files[sel].kind != EnvKind::Conda {
        return;
    }
    let mut out = Vec::new();
    for &i in &cx.project.env.files[sel].deps {
        let d = &cx.project.env.deps[i];
        if d.syntax != Syntax::Conda
            || matches!(d.name.as_str(), "python" | "pip" | "setuptools" | "wheel")
        {
            continue;
        }
        out.push(Diagnostic::new(&CONDA_ONLY_DEPENDENCY, &cx.project.env.files[sel].source, d.range, format!("conda package `{}` is dropped when MLflow runs with `--env-manager virtualenv` or `uv`", d.raw_name))
            .with_help("move it to the `pip:` list so every env manager installs it"));
    }
    for d in out {
        cx.push(d);
    }
}
