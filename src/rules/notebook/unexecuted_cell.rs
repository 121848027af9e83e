use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;

use super::Ctx;

declare_rule! {
    /// ## What it does
    /// Flags a non-empty code cell that was never run (`execution_count: null`) although
    /// code cells above and below it were.
    ///
    /// ## Why is this bad?
    /// The saved results were produced without this cell. If later cells need it, "Restart
    /// & Run All" gives different results; if they don't, it is dead code.
    ///
    /// ## Example
    /// Counts `[1]`, `[ ]`, `[2]`: the middle cell was skipped.
    ///
    /// ## How to fix
    /// Run the notebook from the top, or delete the cell, or strip all counts and outputs
    /// with `mlcheck fix --strip-outputs`.
    ///
    /// ## References
    /// - pynblint `non-executed-cells`, Julynter `c1`
    pub static NB005 = {
        code: "NB005",
        name: "unexecuted-cell",
        domain: Notebook,
        severity: Warning,
        default: true,
        fix: None,
        summary: "A code cell was skipped between executed cells",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    let code: Vec<_> = ctx.nb.code_cells().collect();
    let Some(first_run) = code.iter().position(|c| c.execution_count.is_some()) else {
        return;
    };
    let last_run = code
        .iter()
        .rposition(|c| c.execution_count.is_some())
        .unwrap_or(first_run);
    for cell in &code[first_run..last_run] {
        if cell.execution_count.is_some() || cell.source.text.trim().is_empty() {
            continue;
        }
        let range = cell
            .execution_count_range
            .unwrap_or_else(|| super::head(&cell.node));
        checker.push(
            Diagnostic::new(
                &super::NB005,
                checker.file,
                range,
                format!(
                    "cell {} was never run, but cells above and below it were",
                    cell.number
                ),
            )
            .with_help("Run the notebook from the top, or delete the cell if it is not needed"),
        );
    }
}
