use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::FileChecker;

use super::Ctx;

declare_rule! {
    /// ## What it does
    /// Flags execution counts that skip or repeat: the first executed cell is not `[1]`, or
    /// a count is not exactly one more than the executed cell above it.
    ///
    /// ## Why is this bad?
    /// A gap means cells were run and then deleted or re-run: the kernel held state that
    /// the saved notebook no longer shows (hidden state). A repeat means two runs' outputs
    /// are mixed.
    ///
    /// ## Example
    /// Counts `[1]`, `[2]`, `[7]`: five executions happened that the notebook does not show.
    ///
    /// ## How to fix
    /// Restart the kernel and run all cells in order, then save.
    ///
    /// ## References
    /// - check-execution-order `--strict`, Julynter `h3`/`h4`
    pub static NB006 = {
        code: "NB006",
        name: "execution-count-gap",
        domain: Notebook,
        severity: Info,
        default: false,
        fix: None,
        summary: "Execution counts skip or repeat (hidden state)",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    let mut prev: Option<(&crate::source::notebook::Cell, i64)> = None;
    for cell in ctx.nb.code_cells() {
        let (Some(count), Some(range)) = (cell.execution_count, cell.execution_count_range) else {
            continue;
        };
        match prev {
            None if count != 1 => checker.push(
                Diagnostic::new(
                    &super::NB006,
                    checker.file,
                    range,
                    format!(
                        "the first executed cell (cell {}) has count {count}, not 1",
                        cell.number
                    ),
                )
                .with_help("Restart the kernel and run all cells in order"),
            ),
            Some((prev_cell, prev_count)) if count > prev_count + 1 || count == prev_count => {
                let what = if count == prev_count {
                    format!("repeats execution count {count}")
                } else {
                    format!("skips from {prev_count} to {count}")
                };
                checker.push(
                    Diagnostic::new(
                        &super::NB006,
                        checker.file,
                        range,
                        format!("cell {} {what}", cell.number),
                    )
                    .with_label(
                        Label::new(
                            checker.file,
                            prev_cell
                                .execution_count_range
                                .unwrap_or(prev_cell.node.range),
                        )
                        .with_message(format!("cell {} ran as {prev_count}", prev_cell.number)),
                    )
                    .with_help("Restart the kernel and run all cells in order"),
                );
            }
            _ => {}
        }
        prev = Some((cell, count));
    }
}
