//! ENV015: a declared distribution nothing imports (opt-in).

use std::collections::HashSet;

use crate::diagnostic::Diagnostic;

use super::Context;
use super::env_files::{EnvKind, Syntax, normalize};
use super::imports::{Usage, conda_to_pypi, declared, providers};

crate::declare_rule! {
    /// ## What it does
    /// Reports distributions declared in the environment that no import of the project's
    /// code or notebooks uses (mapped through the same import table as `ENV014`). Tools
    /// (`pip`, `jupyter`, `pytest` …), plugins and runtime-only packages are often declared
    /// on purpose, so this rule is not selected by default.
    ///
    /// ## Why is this bad?
    /// Unused packages slow every environment build and widen the attack surface, and they
    /// hide which packages the code really needs.
    ///
    /// ## Example
    /// `requirements.txt` lists `seaborn`, and no file imports it.
    ///
    /// ## How to fix
    /// Remove the dependency, or ignore the finding if it is needed at run time.
    pub static UNUSED_DEPENDENCY = {
        code: "ENV015",
        name: "unused-dependency",
        domain: Environment,
        severity: Info,
        default: false,
        fix: None,
        summary: "a declared distribution nothing imports (opt-in)",
    }
}

const TOOLS: &[&str] = &[
    "pip",
    "setuptools",
    "wheel",
    "python",
    "jupyter",
    "jupyterlab",
    "notebook",
    "ipykernel",
    "pytest",
    "black",
    "ruff",
    "flake8",
    "mypy",
    "pre-commit",
    "nbdime",
    "mlflow",
    "mlflow-skinny",
];

pub(super) fn check(cx: &mut Context<'_>, usage: &Usage) {
    if !cx.enabled(&UNUSED_DEPENDENCY) || !usage.any_code {
        return;
    }
    let Some((_, files)) = declared(cx) else {
        return;
    };
    let mut used: HashSet<String> = HashSet::new();
    for imp in &usage.imports {
        let (dists, _) = providers(cx, &imp.module);
        used.extend(dists);
        let top = imp.module.split('.').next().unwrap_or(&imp.module);
        used.insert(normalize(top));
    }
    let mut out = Vec::new();
    for &f in &files {
        if matches!(
            cx.project.env.files[f].kind,
            EnvKind::PythonVersionFile | EnvKind::RuntimeTxt
        ) {
            continue;
        }
        for &i in &cx.project.env.files[f].deps {
            let d = &cx.project.env.deps[i];
            // Development and test tools (a dev group, `requirements-dev.txt`) are run, not
            // imported.
            if d.dev {
                continue;
            }
            let n = if d.syntax == Syntax::Conda {
                conda_to_pypi(&d.name)
            } else {
                d.name.clone()
            };
            if n.is_empty() || TOOLS.contains(&n.as_str()) || used.contains(&n) {
                continue;
            }
            let variants = [
                n.trim_start_matches("python-").to_string(),
                n.trim_end_matches("-python").to_string(),
                n.trim_start_matches("py").to_string(),
            ];
            if variants.iter().any(|v| used.contains(v)) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &UNUSED_DEPENDENCY,
                    &cx.project.env.files[f].source,
                    d.range,
                    format!(
                        "`{}` is declared but nothing in the project imports it",
                        d.raw_name
                    ),
                )
                .with_help("remove it if it is not needed at run time"),
            );
        }
    }
    for d in out {
        cx.push(d);
    }
}
