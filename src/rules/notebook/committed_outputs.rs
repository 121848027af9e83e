use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;

use super::{Ctx, cell_list, head};

declare_rule! {
    /// ## What it does
    /// Flags a notebook whose code cells carry committed outputs that
    /// `mlcheck fix --strip-outputs` would remove: the rule asks the stripper's own keep
    /// decision, so what it keeps is exempt (notebook metadata `keep_output: true`, a cell's
    /// `keep_output` metadata or tag, `init_cell` cells, and the `[strip]` settings
    /// `keep-output`, `max-size`, `keep-output-type`, `drop-output-type`,
    /// `strip-init-cells`).
    ///
    /// ## Why is this bad?
    /// Outputs bloat the repository (images are base64 text), make every diff noisy, leak
    /// data and secrets printed by the code, and go stale as soon as the code changes.
    ///
    /// ## Example
    /// A cell that printed a DataFrame, saved with its `outputs`.
    ///
    /// ## How to fix
    /// Run `mlcheck fix --strip-outputs` (byte-identical to nbstripout), or install the git
    /// filter with `mlcheck install` so outputs never reach a commit. Mark a cell whose output
    /// must stay with the `keep_output` tag.
    pub static NB002 = {
        code: "NB002",
        name: "committed-outputs",
        domain: Notebook,
        severity: Warning,
        default: true,
        fix: StripOutputs,
        summary: "Code cells have committed outputs",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    let mut cells = Vec::new();
    let mut first = None;
    let mut code_cells = 0;
    for cell in ctx.nb.code_cells() {
        code_cells += 1;
        let Some(outputs) = cell.outputs.as_ref() else {
            continue;
        };
        let keep = ctx.keeps_output(cell);
        if outputs
            .as_array()
            .is_some_and(|o| o.iter().any(|out| !ctx.keeps_one_output(keep, out)))
        {
            cells.push(cell.number);
            first.get_or_insert(outputs);
        }
    }
    let Some(first) = first else {
        return;
    };
    checker.push(
        Diagnostic::new(
            &super::NB002,
            checker.file,
            head(first),
            format!(
                "`outputs` committed in {} of {code_cells} code cells ({})",
                cells.len(),
                cell_list(&cells)
            ),
        )
        .with_help("Strip them with `mlcheck fix --strip-outputs`, or tag a cell `keep_output` to keep its output")
        .with_property("cells", cells),
    );
}
