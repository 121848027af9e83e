//! PRJ008: the environment file MLproject names does not exist (or is not a path).

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;

crate::declare_rule! {
    /// ## What it does
    /// Checks that the file named by `conda_env` or `python_env` exists (relative to the
    /// project root) and that the value is a path string.
    ///
    /// ## Why is this bad?
    /// MLflow refuses to load the project: `Project specified conda environment file <path>,
    /// but no such file was found`. A mapping or list in place of the path crashes instead.
    ///
    /// ## Example
    /// ```yaml
    /// conda_env: conda.yml   # the file is conda.yaml
    /// ```
    ///
    /// ## How to fix
    /// Point the key at the environment file, relative to the folder holding MLproject.
    pub static ENVIRONMENT_FILE_NOT_FOUND = {
        code: "PRJ008",
        name: "environment-file-not-found",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "`conda_env`/`python_env` names a file that does not exist",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let dir = if cx.project.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        cx.project.root
    };
    let mut out = Vec::new();
    for key in ["conda_env", "python_env"] {
        let Some(v) = root.get(key) else { continue };
        if v.is_null() || v.scalar_text() == Some("") {
            continue; // skipped by MLflow
        }
        let Some(rel) = v.as_str() else {
            out.push(
                Diagnostic::new(
                    &ENVIRONMENT_FILE_NOT_FOUND,
                    &file,
                    v.range,
                    format!(
                        "`{key}` must be the path of an environment file, found {}",
                        v.kind_name()
                    ),
                )
                .with_help(format!(
                    "move the environment into a file and write `{key}: <file>.yaml`"
                )),
            );
            continue;
        };
        if Path::new(rel).is_absolute() || rel.contains("://") {
            continue; // PRJ009
        }
        let disk = dir.join(rel);
        if disk.is_file() {
            continue;
        }
        let what = if key == "conda_env" {
            "conda environment"
        } else {
            "python_env"
        };
        let candidates: Vec<&str> = [
            "conda.yaml",
            "conda.yml",
            "environment.yml",
            "environment.yaml",
            "python_env.yaml",
        ]
        .into_iter()
        .filter(|n| dir.join(n).is_file())
        .collect();
        let help = match candidates.first() {
            Some(c) => format!("did you mean `{c}`? Point `{key}` at an existing file"),
            None => format!("add `{rel}` or fix the path (relative to the MLproject folder)"),
        };
        let reason = if disk.is_dir() {
            "is a directory"
        } else {
            "does not exist"
        };
        out.push(
            Diagnostic::new(
                &ENVIRONMENT_FILE_NOT_FOUND,
                &file,
                v.range,
                format!("{what} file `{rel}` {reason}: MLflow refuses to load the project"),
            )
            .with_help(help),
        );
    }
    for d in out {
        cx.push(d);
    }
}
