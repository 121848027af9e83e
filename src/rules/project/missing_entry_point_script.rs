//! PRJ016: the script or module a command runs does not exist.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::mlproject::{command_scripts, entry_points, scalar_subrange};
use super::{Context, imports};

crate::declare_rule! {
    /// ## What it does
    /// Checks that the file an entry point's `command` runs exists: `python train.py`,
    /// `python -m pkg.module`, `bash run.sh`, `Rscript fit.R`, launchers such as `torchrun`,
    /// also after `cd dir &&` (and that `dir` exists).
    ///
    /// ## Why is this bad?
    /// MLflow never checks: the shell fails only after the environment was built, often
    /// minutes in.
    ///
    /// ## Example
    /// ```yaml
    /// command: "python src/trian.py {alpha}"
    /// ```
    ///
    /// ## How to fix
    /// Fix the path (relative to the MLproject folder, or to the `cd` target).
    pub static MISSING_ENTRY_POINT_SCRIPT = {
        code: "PRJ016",
        name: "missing-entry-point-script",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "the script or module a command runs does not exist",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&MISSING_ENTRY_POINT_SCRIPT) {
        return;
    }
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let dir = if cx.project.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        cx.project.root
    };
    let declared = imports::declared_import_names(cx);
    let installable = ["setup.py", "pyproject.toml", "setup.cfg"]
        .iter()
        .any(|n| dir.join(n).is_file());
    let mut out = Vec::new();
    for ep in entry_points(root) {
        let Some(cmd) = ep.command() else { continue };
        let mut missing_cd: Option<String> = None;
        for s in command_scripts(cmd.as_str().unwrap_or("")) {
            if let Some(cd) = &missing_cd
                && s.path.starts_with(cd.as_str())
            {
                continue; // already reported the missing folder
            }
            let range = scalar_subrange(&file, cmd, s.range);
            if s.is_cd {
                if !dir.join(&s.path).is_dir() {
                    out.push(
                        Diagnostic::new(
                            &MISSING_ENTRY_POINT_SCRIPT,
                            &file,
                            range,
                            format!(
                                "`cd {}` in entry point `{}`: the folder does not exist",
                                s.path, ep.name
                            ),
                        )
                        .with_help("fix the folder (relative to the MLproject folder)"),
                    );
                    missing_cd = Some(s.path.clone());
                }
                continue;
            }
            if let Some(m) = &s.module {
                let (cwd, module) = match m.split_once('\u{0}') {
                    Some((c, m)) => (dir.join(c), m.to_string()),
                    None => (dir.to_path_buf(), m.clone()),
                };
                let parts: Vec<&str> = module.split('.').collect();
                let rel = parts.join("/");
                let exists = [
                    format!("{rel}.py"),
                    format!("{rel}/__main__.py"),
                    format!("src/{rel}.py"),
                    format!("src/{rel}/__main__.py"),
                ]
                .iter()
                .any(|p| cwd.join(p).is_file());
                if exists {
                    continue;
                }
                let top = parts[0];
                let local_top = cwd.join(top).is_dir()
                    || cwd.join(format!("{top}.py")).is_file()
                    || cwd.join("src").join(top).is_dir();
                if !local_top
                    && (imports::is_stdlib(top)
                        || imports::is_known_third_party(top)
                        || declared.contains(&top.to_ascii_lowercase())
                        || installable)
                {
                    continue;
                }
                let what = if local_top {
                    "the module file does not exist".to_string()
                } else {
                    format!(
                        "no module `{top}` in the project, and it is not a known installed package"
                    )
                };
                out.push(
                    Diagnostic::new(
                        &MISSING_ENTRY_POINT_SCRIPT,
                        &file,
                        range,
                        format!("`python -m {module}` in entry point `{}`: {what}", ep.name),
                    )
                    .with_help(format!(
                        "add `{rel}.py` (or `{rel}/__main__.py`) or fix the module name"
                    )),
                );
                continue;
            }
            if !dir.join(&s.path).is_file() {
                out.push(
                    Diagnostic::new(
                        &MISSING_ENTRY_POINT_SCRIPT,
                        &file,
                        range,
                        format!(
                            "entry point `{}` runs `{}`, which does not exist",
                            ep.name, s.path
                        ),
                    )
                    .with_help("fix the path (relative to the MLproject folder) or add the script"),
                );
            }
        }
    }
    for d in out {
        cx.push(d);
    }
}
