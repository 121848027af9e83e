//! PRJ009: an environment path that is absolute or leaves the project.

use std::path::{Component, Path};
use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `conda_env` / `python_env` path that is absolute or climbs out of the project
    /// folder (`../env/conda.yaml`).
    ///
    /// ## Why is this bad?
    /// MLflow joins the value to the project folder with `os.path.join`, so an absolute path
    /// wins and `..` escapes. Either works on one machine and breaks once the repository is
    /// cloned elsewhere or run from Git (`mlflow run https://…`), which fetches only the
    /// project folder.
    ///
    /// ## Example
    /// ```yaml
    /// conda_env: /home/alice/envs/conda.yaml
    /// ```
    ///
    /// ## How to fix
    /// Put the environment file inside the project and use a relative path.
    pub static NON_PORTABLE_ENVIRONMENT_PATH = {
        code: "PRJ009",
        name: "non-portable-environment-path",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "environment file path is absolute or outside the project",
    }
}

/// Whether a relative path climbs above its base.
pub(super) fn escapes(rel: &str) -> bool {
    let mut depth: i32 = 0;
    for c in Path::new(rel).components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            _ => {}
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let mut out = Vec::new();
    for key in ["conda_env", "python_env"] {
        let Some(rel) = root.get(key).and_then(|v| v.as_str().map(|s| (v, s))) else {
            continue;
        };
        let (node, rel) = rel;
        let absolute = Path::new(rel).is_absolute()
            || rel.starts_with('~')
            || rel.as_bytes().get(1) == Some(&b':');
        let msg = if absolute {
            format!("`{key}` is an absolute path `{rel}`: it only exists on this machine")
        } else if escapes(rel) {
            format!(
                "`{key}` points outside the project (`{rel}`): not part of the project when it is cloned or run from Git"
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::new(&NON_PORTABLE_ENVIRONMENT_PATH, &file, node.range, msg).with_help(
                "move the environment file into the project folder and use a relative path",
            ),
        );
    }
    for d in out {
        cx.push(d);
    }
}
