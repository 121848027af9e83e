use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;

use super::{Ctx, cell_list};

declare_rule! {
    /// ## What it does
    /// Flags a notebook with non-null execution counts: on code cells, and on
    /// `execute_result` outputs that are kept.
    ///
    /// ## Why is this bad?
    /// Counts change every time a cell is re-run, so they make diffs and merge conflicts
    /// out of nothing, and they record an execution history the repository cannot replay.
    ///
    /// ## Example
    /// `"execution_count": 7` on a code cell.
    ///
    /// ## How to fix
    /// Run `mlcheck fix --strip-outputs` (it sets counts to `null`, like nbstripout), or use
    /// the git filter installed by `mlcheck install`.
    ///
    /// ## Options
    /// With `[strip] keep-count = true` the team keeps counts, `fix --strip-outputs` keeps
    /// them, and this rule reports nothing.
    pub static NB003 = {
        code: "NB003",
        name: "committed-execution-counts",
        domain: Notebook,
        severity: Warning,
        default: true,
        fix: StripOutputs,
        summary: "Execution counts are committed",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    if ctx.strip.keep_count {
        // `[strip] keep-count = true`: `fix --strip-outputs` keeps counts, so do we.
        return;
    }
    let mut cells = Vec::new();
    let mut first = None;
    for cell in ctx.nb.code_cells() {
        let mut hit = cell
            .execution_count_range
            .filter(|_| cell.execution_count.is_some());
        // Counts inside outputs (execute_result) count too: nbstripout nulls them.
        for output in cell.output_nodes() {
            if let Some(ec) = output.get(ctx.text, "execution_count")
                && !ec.is_null()
            {
                hit = hit.or(Some(ec.range));
            }
        }
        if let Some(range) = hit {
            cells.push(cell.number);
            first.get_or_insert(range);
        }
    }
    let Some(first) = first else {
        return;
    };
    checker.push(
        Diagnostic::new(
            &super::NB003,
            checker.file,
            first,
            format!(
                "execution counts committed in {} ({})",
                plural(cells.len()),
                cell_list(&cells)
            ),
        )
        .with_help("Reset them with `mlcheck fix --strip-outputs`")
        .with_property("cells", cells),
    );
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 code cell".into()
    } else {
        format!("{n} code cells")
    }
}
