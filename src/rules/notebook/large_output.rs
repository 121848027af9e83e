use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;

use super::{Ctx, head};

declare_rule! {
    /// ## What it does
    /// Flags one committed output larger than a limit (default 500 kB of JSON,
    /// `[notebook] max-output-size`): big plots, long logs, rendered HTML tables, widget
    /// views.
    ///
    /// ## Why is this bad?
    /// Large outputs bloat every clone of the repository forever (git keeps every version),
    /// slow down diffs, reviews and tools, and often hold data that should not be shared.
    ///
    /// ## Example
    /// A cell that printed a whole DataFrame to HTML, 3 MB of it.
    ///
    /// ## How to fix
    /// Strip outputs with `mlcheck fix --strip-outputs` (`--max-size 500K` keeps the small
    /// ones), write large artefacts to files tracked elsewhere (DVC, an artefact store), or
    /// print a summary instead.
    ///
    /// ## Options
    /// - `notebook.max-output-size` (bytes, default 500000)
    pub static NB008 = {
        code: "NB008",
        name: "large-output",
        domain: Notebook,
        severity: Warning,
        default: true,
        fix: StripOutputs,
        summary: "A committed output is larger than the limit",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    let limit = checker.settings.notebook.max_output_size;
    for cell in ctx.nb.code_cells() {
        for output in cell.output_nodes() {
            let size = output.range.len() as u64;
            if size <= limit {
                continue;
            }
            let range = ctx
                .output_type(output)
                .map_or_else(|| head(output), |(_, n)| n.range);
            checker.push(
                Diagnostic::new(
                    &super::NB008,
                    checker.file,
                    range,
                    format!("an output of cell {} is {} (limit {})", cell.number, human_size(size), human_size(limit)),
                )
                .with_help("Strip outputs with `mlcheck fix --strip-outputs`, or save large results to files outside git")
                .with_property("bytes", size),
            );
        }
    }
}

/// `532 B`, `12.4 kB`, `3.1 MB` (decimal units, as the limit is written).
pub(crate) fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{:.1} MB", b as f64 / 1e6),
    }
}
