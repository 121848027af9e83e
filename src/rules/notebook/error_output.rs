use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;

use super::Ctx;

declare_rule! {
    /// ## What it does
    /// Flags an `error` output (a traceback; `pyerr` in nbformat 3) committed in a cell.
    ///
    /// ## Why is this bad?
    /// The notebook did not run clean when it was saved: either the code is broken, or the
    /// outputs below the error come from some other run. Tracebacks also leak local paths
    /// and user names.
    ///
    /// ## Example
    /// A cell whose saved output is `ZeroDivisionError: division by zero`.
    ///
    /// ## How to fix
    /// Fix the cell and re-run the notebook from the top, or strip outputs with
    /// `mlcheck fix --strip-outputs`. A cell that is meant to show an error can carry the
    /// tag `mlcheck-ignore:NB004`.
    pub static NB004 = {
        code: "NB004",
        name: "error-output",
        domain: Notebook,
        severity: Error,
        default: true,
        fix: StripOutputs,
        summary: "A cell's committed output is an error traceback",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    for cell in ctx.nb.code_cells() {
        for output in cell.output_nodes() {
            let Some((kind, kind_node)) = ctx.output_type(output) else {
                continue;
            };
            if kind != "error" && kind != "pyerr" {
                continue;
            }
            let ename = output
                .get(ctx.text, "ename")
                .and_then(|n| n.as_str(ctx.text))
                .filter(|s| !s.is_empty())
                .map_or_else(|| "an exception".to_string(), |s| format!("`{s}`"));
            checker.push(
                Diagnostic::new(
                    &super::NB004,
                    checker.file,
                    kind_node.range,
                    format!("cell {} raised {ename} in its committed output", cell.number),
                )
                .with_help("Fix the cell and re-run the notebook from the top, or strip outputs with `mlcheck fix --strip-outputs`"),
            );
        }
    }
}
