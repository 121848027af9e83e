//! ENV013: the same package declared twice in one file.

use crate::diagnostic::{Diagnostic, Label};

use super::env_files::Syntax;
use super::{Context, imports};

crate::declare_rule! {
    /// ## What it does
    /// Reports a package declared twice in the same environment file, including once as a
    /// conda dependency and once in its `pip:` list (`mlflow` in both).
    ///
    /// ## Why is this bad?
    /// The two entries drift apart; conda and pip then install the package twice or fight
    /// over which version wins.
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - pandas=2.1
    ///   - pip:
    ///     - pandas==2.0.3
    /// ```
    ///
    /// ## How to fix
    /// Keep one entry per package.
    pub static DUPLICATE_DEPENDENCY = {
        code: "ENV013",
        name: "duplicate-dependency",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "the same package declared twice in one file",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&DUPLICATE_DEPENDENCY) {
        return;
    }
    let mut out = Vec::new();
    for f in &cx.project.env.files {
        // One list per file: TOML/INI files hold several (extras, groups) that may repeat
        // a package on purpose.
        if !matches!(
            f.kind,
            super::EnvKind::Conda | super::EnvKind::PythonEnv | super::EnvKind::Requirements
        ) {
            continue;
        }
        let ids = &f.deps;
        for (j, &b) in ids.iter().enumerate() {
            let db = &cx.project.env.deps[b];
            let cb = if db.syntax == Syntax::Conda {
                imports::conda_to_pypi(&db.name)
            } else {
                db.name.clone()
            };
            if cb.is_empty() {
                continue;
            }
            let Some(&a) = ids[..j].iter().find(|&&a| {
                let da = &cx.project.env.deps[a];
                // Two conda packages are the same only by name: `pytorch` and `pytorch-gpu`
                // are different builds, not one package twice.
                if da.syntax == Syntax::Conda && db.syntax == Syntax::Conda {
                    return da.name == db.name;
                }
                let ca = if da.syntax == Syntax::Conda {
                    imports::conda_to_pypi(&da.name)
                } else {
                    da.name.clone()
                };
                ca == cb
            }) else {
                continue;
            };
            let da = &cx.project.env.deps[a];
            // Environment markers (`; python_version < "3.10"`) make repeated lines legitimate.
            if f.source.slice(db.range).contains(';') {
                continue;
            }
            let both = match (da.syntax != db.syntax, da.raw_name == db.raw_name) {
                (true, true) => " (as a conda and as a pip package)".to_string(),
                (true, false) => {
                    format!(" (as conda `{}` and as pip `{}`)", da.raw_name, db.raw_name)
                }
                _ => String::new(),
            };
            out.push(
                Diagnostic::new(
                    &DUPLICATE_DEPENDENCY,
                    &f.source,
                    db.range,
                    format!("`{}` is declared twice in this file{both}", db.raw_name),
                )
                .with_label(Label::new(&f.source, da.range).with_message("first declared here"))
                .with_help("keep a single entry for the package"),
            );
        }
    }
    for d in out {
        cx.push(d);
    }
}
