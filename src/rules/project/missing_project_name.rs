//! PRJ005: MLproject without a `name`.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::TextRange;

use super::Context;

crate::declare_rule! {
    /// ## What it does
    /// Checks that MLproject has a non-empty string `name`.
    ///
    /// ## Why is this bad?
    /// The name labels runs and, for docker projects, tags the image: without it a
    /// `docker_env` project fails at run time with `Project name in MLProject must be
    /// specified when using docker for image tagging`. The docs say the name defaults to the
    /// folder name; the code leaves it `None`.
    ///
    /// ## Example
    /// ```yaml
    /// conda_env: conda.yaml
    /// entry_points:
    ///   main:
    ///     command: "python train.py"
    /// ```
    ///
    /// ## How to fix
    /// Add `name: my-project` at the top of the file.
    pub static MISSING_PROJECT_NAME = {
        code: "PRJ005",
        name: "missing-project-name",
        domain: Project,
        severity: Warning,
        default: true,
        fix: None,
        summary: "MLproject has no `name` (required for docker projects)",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let docker = root.get("docker_env").is_some_and(|d| !d.is_null());
    let d = match root.entry("name") {
        None => Some(Diagnostic::new(
            &MISSING_PROJECT_NAME,
            &file,
            TextRange::empty(0),
            if docker {
                "MLproject has no `name`: docker projects fail at run time without it".to_string()
            } else {
                "MLproject has no `name`".to_string()
            },
        )),
        Some((k, v)) if v.is_null() || v.as_scalar().is_none() || v.scalar_text() == Some("") => {
            Some(Diagnostic::new(
                &MISSING_PROJECT_NAME,
                &file,
                if v.is_null() { k.range } else { v.range },
                format!(
                    "MLproject `name` must be a non-empty string, found {}",
                    v.kind_name()
                ),
            ))
        }
        Some(_) => None,
    };
    if let Some(d) = d {
        cx.push(d.with_help("add `name: <project-name>` at the top of MLproject"));
    }
}
