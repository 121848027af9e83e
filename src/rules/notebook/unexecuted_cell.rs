use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;

use super::Ctx;

declare_rule! {
    /// ## What it does
    /// Flags a non-empty code cell that was never run (`execution_count: null`) although
    /// code cells above and below it were. In a Python notebook, a cell that holds only
    /// comments (commented-out code) or only a string literal does nothing when run, so
    /// skipping it changes nothing and it is not flagged; in other kernels `#` lines can
    /// be directives (`#r "nuget: …"` in C#) and are flagged as code.
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
    let python = crate::source::python::notebook_is_python(checker.file);
    for cell in &code[first_run..last_run] {
        if cell.execution_count.is_some() || cell.source.text.trim().is_empty() {
            continue;
        }
        if python
            && crate::source::python::cell_is_python(checker.file, cell)
            && does_nothing(&cell.source.text)
        {
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

/// Python source that has no effect when run: only comments and blank lines, or one
/// triple-quoted string literal.
fn does_nothing(text: &str) -> bool {
    let t = text.trim();
    if t.lines().all(|l| {
        let l = l.trim_start();
        l.is_empty() || l.starts_with('#')
    }) {
        return true;
    }
    ["\"\"\"", "'''"].iter().any(|q| {
        t.len() >= 6 && t.starts_with(q) && t.ends_with(q) && !t[3..t.len() - 3].contains(q)
    })
}
