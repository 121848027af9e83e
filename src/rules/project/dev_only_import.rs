//! ENV019: runtime code imports a package declared only for development or tests.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Label};

use super::Context;
use super::imports::{SatisfiedMemo, Usage, declared, declared_where, satisfied};

crate::declare_rule! {
    /// ## What it does
    /// Checks the imports of runtime code against the dependencies declared for it. A
    /// package declared only in a group, extra, table or file named for development or
    /// tests (`[dependency-groups] test`, Poetry's `[tool.poetry.group.dev]`, uv's
    /// `dev-dependencies`, an extra named `test` or `dev`, Pipenv's `[dev-packages]`,
    /// `tests_require`) is not installed by `pip install .` (or `pipenv install`); runtime
    /// code that imports it fails where only the runtime dependencies are installed.
    ///
    /// Only the groups of a package's metadata count (`pyproject.toml`, `Pipfile`,
    /// `setup.cfg`, `setup.py`): in ML repositories a `requirements-dev.txt` often installs
    /// what the training code needs, beside a "prod" file for serving.
    ///
    /// Test and development files may import such packages freely: files under a `tests/`,
    /// `test/`, `testing/`, `docs/`, `doc/`, `examples/`, `scripts/`, `benchmarks/`,
    /// `tools/` or `notebooks/` folder or a hidden one (`.github/`), `test_*.py`,
    /// `*_test.py`, `test.py`, `conftest.py`, `noxfile.py` and `setup.py` (folders are
    /// judged inside the project). Notebooks are judged by their folder like any file: a
    /// `notebooks/` folder is exploration, never installed. Optional imports (`try: …
    /// except ImportError`) are skipped. A group not named for development (a PEP 735
    /// group `train`) counts as runtime. Each package is reported once, at its first
    /// runtime import.
    ///
    /// Like deptry's DEP004 (a dev dependency used in non-dev code).
    ///
    /// ## Why is this bad?
    /// The package is there on the developer's machine and in CI (which install the dev
    /// group), so nothing fails until a user installs the project and runs it.
    ///
    /// ## Example
    /// `pyproject.toml` lists `rich` under `[dependency-groups] dev`, and `src/train.py`
    /// does `import rich`.
    ///
    /// ## How to fix
    /// Move the package to the runtime dependencies, or make the import optional.
    pub static DEV_ONLY_IMPORT = {
        code: "ENV019",
        name: "dev-only-import",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "runtime code imports a package declared only for development or tests",
    }
}

/// Whether a code file is test or development code (it may import dev-only packages).
pub(super) fn is_dev_code(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if name.starts_with("test_")
        || name.ends_with("_test.py")
        || matches!(
            name.as_str(),
            "conftest.py" | "noxfile.py" | "setup.py" | "test.py" | "tests.py"
        )
    {
        return true;
    }
    path.parent().is_some_and(|dir| {
        dir.components().any(|c| {
            let c = c.as_os_str().to_string_lossy().to_ascii_lowercase();
            // `.github/`, `.circleci/`, `.devcontainer/`: CI and tooling.
            (c.starts_with('.') && c != "." && c != "..")
                || matches!(
                    c.as_str(),
                    "tests"
                        | "test"
                        | "testing"
                        | "docs"
                        | "doc"
                        | "examples"
                        | "example"
                        | "scripts"
                        | "benchmarks"
                        | "benchmark"
                        | "tools"
                        | "notebooks"
                        | "notebook"
                )
        })
    })
}

pub(super) fn check(cx: &mut Context<'_>, usage: &Usage) {
    if !cx.enabled(&DEV_ONLY_IMPORT) {
        return;
    }
    let Some((all, files)) = declared(cx) else {
        return;
    };
    let governing: Vec<usize> = files
        .iter()
        .flat_map(|&f| cx.project.env.deps_with_includes(f))
        .collect();
    // Development files (`requirements-dev.txt`, `requirements/dev.txt`) are left out: in
    // ML repositories they often install what the training code needs, next to a "prod"
    // file for serving (measured on the ecosystem). A group of a package's metadata is
    // what `pip install .` leaves out.
    let dev_only = |d: &super::env_files::Dep| {
        d.dev_only() && cx.project.env.files[d.file].kind != super::EnvKind::Requirements
    };
    let Some((runtime, _)) = declared_where(cx, |d| !dev_only(d)) else {
        return;
    };
    let none = std::collections::HashSet::new();
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut in_all = SatisfiedMemo::new(&all, &usage.notebook_installs);
    let mut in_runtime = SatisfiedMemo::new(&runtime, &usage.notebook_installs);
    for imp in &usage.imports {
        // Judged inside the project: a project kept under `examples/` has runtime code too.
        let rel = imp
            .file
            .path
            .strip_prefix(cx.project.root)
            .unwrap_or(&imp.file.path);
        if is_dev_code(rel) || !in_all.get(cx, &imp.module) || in_runtime.get(cx, &imp.module) {
            continue;
        }
        // The dev-only declaration that provides it.
        let Some(dep) = governing
            .iter()
            .map(|&i| &cx.project.env.deps[i])
            .find(|d| {
                dev_only(d)
                    && satisfied(
                        cx,
                        &imp.module,
                        &std::iter::once(d.name.clone()).collect(),
                        &none,
                    )
            })
        else {
            continue;
        };
        if seen.contains(&dep.name) {
            continue;
        }
        seen.push(dep.name.clone());
        let Some(file) = imp.file.source() else {
            continue;
        };
        let env = &cx.project.env.files[dep.file].source;
        let group = dep.group.as_deref().unwrap_or("dev");
        let place = if env.path.file_name().and_then(|n| n.to_str()) == Some(group) {
            format!("in `{}`", env.path_slash())
        } else {
            format!("in the `{group}` group of `{}`", env.path_slash())
        };
        out.push(
            Diagnostic::new(
                &DEV_ONLY_IMPORT,
                &file,
                imp.range,
                format!(
                    "`{}` is declared only {place}, but `{}` imports it at runtime",
                    dep.raw_name,
                    file.path_slash()
                ),
            )
            .with_help(format!(
                "move `{}` to the runtime dependencies, or make the import optional",
                dep.raw_name
            ))
            .with_label(Label::new(env, dep.range).with_message("declared for development only"))
            .with_property("module", imp.module.split('.').next().unwrap_or("")),
        );
    }
    for d in out {
        cx.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::is_dev_code;
    use std::path::Path;

    #[test]
    fn test_and_tooling_files_are_dev_code() {
        for p in [
            "tests/test_a.py",
            "pkg/tests/helpers.py",
            "test_train.py",
            "train_test.py",
            "conftest.py",
            "docs/conf.py",
            "examples/demo.ipynb",
            "scripts/release.py",
            "benchmarks/run.py",
            "notebooks/explore.ipynb",
            ".github/actions/check.py",
        ] {
            assert!(is_dev_code(Path::new(p)), "{p}");
        }
        for p in ["train.py", "src/pkg/model.py", "train.ipynb", "testdata.py"] {
            assert!(!is_dev_code(Path::new(p)), "{p}");
        }
    }
}
