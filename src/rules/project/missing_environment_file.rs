//! ENV001: code but no environment file at all.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::source::TextRange;

use super::{Context, imports};

crate::declare_rule! {
    /// ## What it does
    /// Reports a checked folder (or the repository it is in) whose notebooks or Python code
    /// import a third-party module but that holds no file declaring its environment
    /// (the same with or without `.git`; code that imports only the standard library
    /// needs none): no `conda.yaml`/`environment.yml`, `python_env.yaml`,
    /// `requirements*.txt`, `pyproject.toml`, `setup.py`, `Pipfile` or `Dockerfile`.
    ///
    /// ## Why is this bad?
    /// Nobody can rebuild the environment the results came from: which packages, which
    /// versions, which Python.
    ///
    /// ## Example
    /// A folder of notebooks importing `pandas` and `sklearn`, and nothing else.
    ///
    /// ## How to fix
    /// Add a `requirements.txt` (or `conda.yaml`) listing the packages the code imports,
    /// with versions.
    pub static MISSING_ENVIRONMENT_FILE = {
        code: "ENV001",
        name: "missing-environment-file",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "notebooks or Python code but no environment file",
    }
}

const OTHER_DECLARATIONS: &[&str] = &[
    "setup.py",
    "setup.cfg",
    "Pipfile",
    "Pipfile.lock",
    "poetry.lock",
    "uv.lock",
    "Dockerfile",
    "environment.yaml",
    "conda-lock.yml",
    "pixi.toml",
    "requirements.in",
];

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&MISSING_ENVIRONMENT_FILE) || !cx.project.env.files.is_empty() {
        return;
    }
    // With an MLproject, PRJ010 (implicit-environment) reports the same gap at its source.
    if cx.project.mlproject.is_some()
        && cx.enabled(&super::implicit_environment::IMPLICIT_ENVIRONMENT)
    {
        return;
    }
    if let Some((_, root)) = cx.project.mlproject()
        && root.get("docker_env").is_some_and(|d| !d.is_null())
    {
        return;
    }
    let dir = if cx.project.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        cx.project.root
    };
    if OTHER_DECLARATIONS.iter().any(|n| dir.join(n).exists()) {
        return;
    }
    // Environment files further down (requirements/base.txt, env/environment.yml …).
    let declared_below = cx.project.files.iter().any(|f| {
        let name = f
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        (name.starts_with("requirements") && name.ends_with(".txt"))
            || name == "environment.yml"
            || name == "environment.yaml"
            || name == "conda.yaml"
            || name == "python_env.yaml"
            || name == "pyproject.toml"
            || name == "dockerfile"
    });
    if declared_below || cx.project.has_nested {
        return;
    }
    // Code that imports only the standard library (or nothing) needs no environment file.
    if imports::collect(cx).imports.is_empty() {
        return;
    }
    let Some((src, n)) = imports::first_code_file(cx) else {
        return;
    };
    cx.push(
        Diagnostic::new(
            &MISSING_ENVIRONMENT_FILE,
            &src,
            TextRange::empty(0),
            format!("no environment file for the {n} notebook/Python file{} in `{}`: the environment cannot be rebuilt", if n == 1 { "" } else { "s" }, cx.project.root.display()),
        )
        .with_help("add a `requirements.txt` or `conda.yaml` listing the packages the code imports, with versions"),
    );
}
