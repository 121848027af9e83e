//! ENV010: dependencies (or Python) without a version pin (opt-in).

use crate::diagnostic::Diagnostic;
use crate::source::TextRange;

use super::Context;
use super::env_files::EnvKind;

crate::declare_rule! {
    /// ## What it does
    /// Reports dependencies with no exact or prefix pin (`==`, `~=`, conda `=`), and conda
    /// or python_env files that do not pin Python. Not selected by default.
    ///
    /// ## Why is this bad?
    /// The environment built next month differs from the one that produced the results: the
    /// run is not reproducible. MLflow itself warns when a conda file without `python` is
    /// converted to a virtualenv.
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - pandas>=1.0
    ///   - scikit-learn
    /// ```
    ///
    /// ## How to fix
    /// Pin versions (`pandas==2.1.4`, conda `pandas=2.1`) and Python (`python=3.10`).
    pub static UNPINNED_DEPENDENCY = {
        code: "ENV010",
        name: "unpinned-dependency",
        domain: Environment,
        severity: Warning,
        default: false,
        fix: None,
        summary: "dependency or Python without a version pin (opt-in)",
    }
}

const TOOLS: &[&str] = &["pip", "setuptools", "wheel"];

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&UNPINNED_DEPENDENCY) {
        return;
    }
    let mut out = Vec::new();
    for d in &cx.project.env.deps {
        if d.is_pinned() || TOOLS.contains(&d.name.as_str()) {
            continue;
        }
        // A requirement that does not parse (`numpy=1.26.2` in a pip list) is ENV005's:
        // calling it unversioned would be wrong.
        if cx.project.env.problems.iter().any(|p| {
            p.kind == super::env_files::ProblemKind::InvalidRequirement
                && p.file == d.file
                && p.range == d.range
        }) {
            continue;
        }
        let file = &cx.project.env.files[d.file].source;
        let how = if d.spec.is_some() {
            format!("`{}` allows a range of versions", d.raw_name)
        } else {
            format!("`{}` has no version", d.raw_name)
        };
        out.push(
            Diagnostic::new(
                &UNPINNED_DEPENDENCY,
                file,
                d.range,
                format!("{how}: the environment is not reproducible"),
            )
            .with_help("pin the version (`==` for pip, `=` for conda)"),
        );
    }
    // The conda file of an MLflow project: its `python` entry is ENV016's (one finding for
    // one fault).
    let mlflow_conda = super::conda_python_not_pinned::governed(cx);
    for (i, f) in cx.project.env.files.iter().enumerate() {
        if matches!(f.kind, EnvKind::Conda | EnvKind::PythonEnv)
            && f.python.is_none()
            && f.yaml.as_ref().is_some_and(|y| y.as_map().is_some())
        {
            let deps = f.yaml.as_ref().and_then(|y| y.entry("dependencies"));
            // A bare `- python` is the line to fix; else the `dependencies:` key.
            let bare = deps.and_then(|(_, v)| v.as_seq()).and_then(|items| {
                items.iter().find(|i| {
                    i.as_str()
                        .is_some_and(|t| super::env_files::parse_conda_spec(t).0 == "python")
                })
            });
            let (at, message) = match bare {
                Some(_) if mlflow_conda == Some(i) => continue,
                Some(item) => (
                    item.range,
                    "`python` has no version: the environment uses whatever Python is current",
                ),
                None => (
                    deps.map_or(TextRange::empty(0), |(k, _)| k.range),
                    "no Python version: the environment uses whatever Python is current",
                ),
            };
            out.push(
                Diagnostic::new(&UNPINNED_DEPENDENCY, &f.source, at, message).with_help(
                    if f.kind == EnvKind::Conda {
                        "add `- python=3.10` (your version) to `dependencies`"
                    } else {
                        "add `python: \"3.10\"` (your version)"
                    },
                ),
            );
        }
    }
    for d in out {
        cx.push(d);
    }
}
