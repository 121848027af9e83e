use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::FileChecker;

use super::Ctx;

declare_rule! {
    /// ## What it does
    /// Flags a code cell whose execution count is not greater than that of the executed
    /// code cell above it: the notebook was not run top to bottom. One finding per notebook
    /// points at the first such cell and lists the others; a run of cells that all repeat
    /// one count (every count `0`, as some tools save notebooks) counts as one place.
    ///
    /// ## Why is this bad?
    /// The saved outputs were produced by an order of execution that "Restart & Run All"
    /// does not reproduce. A cell may depend on state made by a cell further down, or on a
    /// variable since changed; readers and CI cannot tell.
    ///
    /// ## Example
    /// Cells saved with counts `[1]`, `[5]`, `[3]`: the third cell ran before the second.
    ///
    /// ## How to fix
    /// Restart the kernel and run all cells in order, then save; or clear counts and outputs
    /// with `mlcheck fix --strip-outputs` if the repository should hold none.
    ///
    /// ## References
    /// - check-execution-order (MarcoGorelli), pynblint `non-linear-execution`, Julynter `c2`
    pub static NB001 = {
        code: "NB001",
        name: "out-of-order-execution",
        domain: Notebook,
        severity: Error,
        default: true,
        fix: StripOutputs,
        summary: "Code cells were executed out of order",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    use crate::source::notebook::Cell;
    // Each executed code cell with the count of the executed one above it.
    let mut steps: Vec<(&Cell, i64, &Cell, i64)> = Vec::new();
    let mut prev: Option<(&Cell, i64)> = None;
    for cell in ctx.nb.code_cells() {
        let (Some(count), Some(_)) = (cell.execution_count, cell.execution_count_range) else {
            continue;
        };
        if let Some((prev_cell, prev_count)) = prev
            && count <= prev_count
        {
            steps.push((cell, count, prev_cell, prev_count));
        }
        prev = Some((cell, count));
    }
    // A run of cells that all repeat one count (a notebook saved with every count 0, or
    // re-run cell by cell with one count) is one place, not one per cell.
    let mut places: Vec<(usize, usize)> = Vec::new(); // first and last step of each place
    let mut i = 0;
    while i < steps.len() {
        let (_, count, _, prev_count) = steps[i];
        let mut last = i;
        if count == prev_count {
            while let Some(&(_, next_count, next_prev, _)) = steps.get(last + 1) {
                if next_count != count || !std::ptr::eq(next_prev, steps[last].0) {
                    break;
                }
                last += 1;
            }
        }
        places.push((i, last));
        i = last + 1;
    }
    // One finding per notebook (like check-execution-order and pynblint): the first place,
    // and how many more there are.
    let Some(&(first, last)) = places.first() else {
        return;
    };
    let (cell, count, prev_cell, prev_count) = steps[first];
    let range = cell.execution_count_range.unwrap_or(cell.node.range);
    let prev_range = prev_cell
        .execution_count_range
        .unwrap_or(prev_cell.node.range);
    let repeat = count == prev_count;
    let mut message = if last == first && repeat {
        // Two cells with one count ran in different kernel sessions: not "before".
        format!(
            "cell {} repeats the execution count {count} of cell {} above it (the kernel restarted in between)",
            cell.number, prev_cell.number
        )
    } else if last == first {
        format!(
            "cell {} ran before cell {} above it (execution count {count} after {prev_count})",
            cell.number, prev_cell.number
        )
    } else {
        format!(
            "cells {} to {} ({} code cells) repeat the execution count {count} of cell {} above them",
            cell.number,
            steps[last].0.number,
            last - first + 1,
            prev_cell.number
        )
    };
    if places.len() > 1 {
        let more: Vec<usize> = places[1..]
            .iter()
            .map(|&(f, _)| steps[f].0.number)
            .collect();
        message.push_str(&format!(
            "; out of order again at {}",
            super::cell_list(&more)
        ));
    }
    let (primary, secondary) = if last == first && !repeat {
        (
            format!("execution count {count}"),
            format!("cell {} ran later, as {prev_count}", prev_cell.number),
        )
    } else {
        (
            format!("execution count {count} again"),
            format!("cell {} has execution count {count}", prev_cell.number),
        )
    };
    checker.push(
        Diagnostic::new(&super::NB001, checker.file, range, message)
            .with_primary_message(primary)
            .with_label(Label::new(checker.file, prev_range).with_message(secondary))
            .with_help(
                "Restart the kernel and run all cells in order, or strip outputs with `mlcheck fix --strip-outputs`",
            ),
    );
}
