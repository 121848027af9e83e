//! ENV014: the code imports a third-party module no environment file declares.

use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::source::TextRange;

use super::Context;
use super::imports::{SatisfiedMemo, Usage, declared, providers};

crate::declare_rule! {
    /// ## What it does
    /// Checks every third-party import of the code the MLproject runs (its entry-point
    /// scripts and the local modules they import) and of the project's notebooks against the
    /// environment MLflow uses (the file `conda_env`/`python_env` names, with its `pip:` list
    /// and `-r` includes). Without an MLproject, each code file is governed by the nearest
    /// folder above it that declares an environment (never above its repository), and every
    /// environment file there counts: `requirements*.txt` and `requirements/*.txt`, conda and
    /// python_env files, `pyproject.toml` (project dependencies, extras, PEP 735 groups,
    /// Poetry groups, uv dev dependencies), `Pipfile`, `setup.cfg`, a literal
    /// `install_requires` in `setup.py`, and `RUN pip install` lines of a `Dockerfile`. A
    /// `pyproject.toml` that only configures tools declares nothing. Development and test
    /// groups count as declared for every file here; runtime code that needs a package
    /// declared only in one of them is reported by ENV019.
    ///
    /// Imports are read from the parsed code (as `mlcheck imports` reads them); optional
    /// imports (`try: … except ImportError`) and `if TYPE_CHECKING:` imports are skipped.
    /// Import names are mapped to distributions (`sklearn` → `scikit-learn`, `pylab` →
    /// `matplotlib`, `azure.search.documents` → `azure-search-documents`, conda `pytorch` →
    /// `torch`); a module in no table that matches no declared name is reported with
    /// severity info. First-party code is not reported: modules and packages of the project
    /// (namespace folders too), modules in a folder above the file, and modules a notebook
    /// writes itself (`%%writefile helper.py`). Packages a notebook installs
    /// (`%pip install x`, `!pip install -qU \` continued lines, `git+…/x.git`, an install
    /// the markdown tells the reader to run) count as declared, and so does IPython in a
    /// notebook. Each module is reported once, at its first import, naming the other files
    /// that import it.
    ///
    /// ## Why is this bad?
    /// The run fails with `ModuleNotFoundError` after the environment was built
    /// (mlflow/mlflow#4861), or works only on machines where the package happens to be
    /// installed.
    ///
    /// ## Example
    /// `train.py` does `import xgboost`, and `conda.yaml` lists only `scikit-learn` and
    /// `pandas`.
    ///
    /// ## How to fix
    /// Add the distribution to the environment file. For a module mlcheck cannot map, add it
    /// to `[project] import-map` (or `known-first-party` if it is your own).
    pub static UNDECLARED_IMPORT = {
        code: "ENV014",
        name: "undeclared-import",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "a third-party import that no environment file declares",
    }
}

pub(super) fn check(cx: &mut Context<'_>, usage: &Usage) {
    if !cx.enabled(&UNDECLARED_IMPORT) {
        return;
    }
    let Some((names, files)) = declared(cx) else {
        return;
    };
    let env_names: Vec<String> = files
        .iter()
        .take(2)
        .map(|&f| format!("`{}`", cx.project.env.files[f].source.path_slash()))
        .collect();
    let where_ = env_names.join(", ");
    // One finding per missing distribution (per top-level name when unmapped), at its first
    // import; the other files that import it are named (a missing distribution is one fix,
    // however many notebooks import it). `azure.identity` and `azure.storage.blob` are two.
    struct Group<'u> {
        key: String,
        top: String,
        imports: Vec<&'u super::imports::Import>,
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    let mut is_declared = SatisfiedMemo::new(&names, &usage.notebook_installs);
    for imp in &usage.imports {
        if is_declared.get(cx, &imp.module) {
            continue;
        }
        let top = imp.module.split('.').next().unwrap_or(&imp.module);
        let (dists, known) = providers(cx, &imp.module);
        let key = if known {
            dists.join(",")
        } else {
            format!("?{top}")
        };
        match groups.iter_mut().find(|g| g.key == key) {
            Some(g) => g.imports.push(imp),
            None => groups.push(Group {
                key,
                top: top.to_string(),
                imports: vec![imp],
            }),
        }
    }
    let mut out = Vec::new();
    for Group { key, top, imports } in groups {
        // Code files are kept as facts; the one a finding points into is loaded again (the
        // first that still loads).
        let Some((imp, file)) = imports
            .iter()
            .find_map(|imp| imp.file.source().map(|f| (*imp, f)))
        else {
            continue;
        };
        let mut others: Vec<&std::path::Path> = Vec::new();
        for other in &imports {
            let path = other.file.path.as_path();
            if path != imp.file.path && !others.contains(&path) {
                others.push(path);
            }
        }
        let also = super::others_named("and in", "file", &others);
        let (dists, known) = providers(cx, &imp.module);
        let mut d = if known {
            let dist = dists.first().cloned().unwrap_or_default();
            Diagnostic::new(
                &UNDECLARED_IMPORT,
                &file,
                imp.range,
                format!(
                    "`{}` is imported{also} but its distribution `{dist}` is not declared in {where_}",
                    imp.module
                ),
            )
            .with_help(format!("add `{dist}` (with a version) to {where_}"))
        } else {
            let mut d = Diagnostic::new(
                &UNDECLARED_IMPORT,
                &file,
                imp.range,
                format!("`{top}` is imported{also} but no declared distribution provides it (none is named `{top}`, and mlcheck knows no other distribution that installs it)"),
            )
            .with_help("declare the distribution that provides it, or map it in `[project] import-map` (or `known-first-party`)");
            d.severity = Severity::Info;
            d
        };
        if let Some(&f) = files.first() {
            d = d.with_label(
                Label::new(&cx.project.env.files[f].source, TextRange::empty(0))
                    .with_message("environment used"),
            );
        }
        // Stable while other files start or stop importing it: not the message.
        let env = files
            .first()
            .map(|&f| cx.project.env.files[f].source.path_slash())
            .unwrap_or_default();
        d = d.with_fingerprint(crate::fingerprint(&[UNDECLARED_IMPORT.code, &env, &key]));
        out.push(d.with_property("module", top));
    }
    for d in out {
        cx.push(d);
    }
}
