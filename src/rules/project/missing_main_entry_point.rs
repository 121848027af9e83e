//! PRJ018: entry points exist but none is called `main`, the one `mlflow run` uses.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// ## What it does
    /// Reports an MLproject whose `entry_points` has no `main` entry but one whose name is a
    /// near-miss of it (`mian`, `Main`, `mains`). Projects that name their entry points
    /// otherwise on purpose (and run them with `-e`) are not reported.
    ///
    /// ## Why is this bad?
    /// `mlflow run .` without `-e` runs the entry point `main`. Without one, MLflow tries to
    /// run a file named `main` and fails with `Could not find main among entry points`.
    /// A misspelt `mian:` is the usual cause.
    ///
    /// ## Example
    /// ```yaml
    /// entry_points:
    ///   mian:
    ///     command: "python train.py"
    /// ```
    ///
    /// ## How to fix
    /// Name the default entry point `main` (or always pass `-e <name>`).
    pub static MISSING_MAIN_ENTRY_POINT = {
        code: "PRJ018",
        name: "missing-main-entry-point",
        domain: Project,
        severity: Warning,
        default: true,
        fix: None,
        summary: "an entry point misspelling `main`, the one `mlflow run` runs by default",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let Some((key, eps)) = root.entry("entry_points") else {
        return;
    };
    let Some(map) = eps.as_map() else { return };
    if map.is_empty() || map.iter().any(|(k, _)| k.scalar_text() == Some("main")) {
        return;
    }
    let close = map.iter().find(|(k, _)| {
        k.scalar_text()
            .is_some_and(|n| did_you_mean(n, &["main"]).is_some())
    });
    // Projects that always run with `-e <name>` are fine; a near-miss of `main` is not.
    let Some((k, _)) = close else { return };
    let _ = key;
    let d = Diagnostic::new(
        &MISSING_MAIN_ENTRY_POINT,
        &file,
        k.range,
        format!(
            "no `main` entry point, but `{}` looks like it was meant to be: `mlflow run` without `-e` fails",
            k.scalar_text().unwrap_or("")
        ),
    )
    .with_help("rename the entry point to `main`");
    cx.push(d);
}
