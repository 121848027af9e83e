//! ENV009: the same package pinned to disjoint versions in different files.

use crate::diagnostic::Diagnostic;

use super::env_files::Syntax;
use super::{Context, disjoint, imports};

crate::declare_rule! {
    /// ## What it does
    /// Compares the versions each environment file allows for the same package (conda names
    /// mapped to PyPI names, e.g. `py-xgboost` → `xgboost`) and reports pairs that share no
    /// version. Conda's `=1.2` is a prefix match (`1.2.*`) and pip's `==1.2` is exact; both
    /// are compared as PEP 440 version sets.
    ///
    /// ## Why is this bad?
    /// Which version you get depends on which file the tool (conda, pip, MLflow's env
    /// manager) reads: the environment is not the same for everyone.
    ///
    /// ## Example
    /// `conda.yaml` has `scikit-learn=1.3` and `requirements.txt` has `scikit-learn==1.4.2`.
    ///
    /// ## How to fix
    /// Pin the package to the same version everywhere, or keep it in one file only.
    pub static CONFLICTING_PINS = {
        code: "ENV009",
        name: "conflicting-pins",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "the same package pinned to different versions in different files",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&CONFLICTING_PINS) {
        return;
    }
    let deps = &cx.project.env.deps;
    let canon = |i: usize| -> String {
        let d = &deps[i];
        if d.syntax == Syntax::Conda {
            imports::conda_to_pypi(&d.name)
        } else {
            d.name.clone()
        }
    };
    let mut out = Vec::new();
    let mut reported: Vec<(String, usize, usize)> = Vec::new();
    for b in 0..deps.len() {
        let Some(sb) = &deps[b].spec else { continue };
        let nb = canon(b);
        if nb.is_empty() || nb == "python" {
            continue;
        }
        for a in 0..b {
            if deps[a].file == deps[b].file {
                continue;
            }
            let Some(sa) = &deps[a].spec else { continue };
            if canon(a) != nb || !disjoint(sa, sb) {
                continue;
            }
            if reported
                .iter()
                .any(|(n, fa, fb)| *n == nb && *fa == deps[a].file && *fb == deps[b].file)
            {
                continue;
            }
            reported.push((nb.clone(), deps[a].file, deps[b].file));
            let fa = &cx.project.env.files[deps[a].file].source;
            let fb = &cx.project.env.files[deps[b].file].source;
            out.push(
                Diagnostic::new(
                    &CONFLICTING_PINS,
                    fb,
                    deps[b].range,
                    format!(
                        "`{}` is pinned to `{}` here but to `{}` in `{}`: no version satisfies both",
                        deps[b].raw_name,
                        deps[b].spec_text,
                        deps[a].spec_text,
                        fa.path_slash()
                    ),
                )
                .with_label(crate::diagnostic::Label::new(fa, deps[a].range).with_message(format!("`{}` pinned here", deps[a].raw_name)))
                .with_help("pin the package to the same version in every file"),
            );
        }
    }
    for d in out {
        cx.push(d);
    }
}
