use std::collections::HashMap;

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::FileChecker;
use crate::source::TextRange;

use super::Ctx;

declare_rule! {
    /// ## What it does
    /// Flags a code cell of five or more non-blank lines that repeats an earlier cell of the
    /// same notebook exactly (ignoring trailing whitespace).
    ///
    /// ## Why is this bad?
    /// Copy-and-paste experiments drift apart: a fix lands in one copy and not the other,
    /// and readers cannot tell which copy produced the results.
    ///
    /// ## Example
    /// The same 12-line training loop pasted into cells 4 and 9.
    ///
    /// ## How to fix
    /// Move the code into a function (in the notebook or a module) and call it twice with
    /// different arguments.
    ///
    /// ## Options
    /// - `notebook.duplicate-min-lines` (default 5)
    pub static NB009 = {
        code: "NB009",
        name: "duplicate-cell",
        domain: Notebook,
        severity: Info,
        default: false,
        fix: None,
        summary: "A code cell repeats an earlier one",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    let min_lines = checker.settings.notebook.duplicate_min_lines;
    let mut seen: HashMap<String, &crate::source::notebook::Cell> = HashMap::new();
    for cell in ctx.nb.code_cells() {
        let normalised: Vec<&str> = cell.source.text.lines().map(str::trim_end).collect();
        let non_blank = normalised.iter().filter(|l| !l.is_empty()).count();
        if non_blank < min_lines {
            continue;
        }
        let key = normalised.join("\n").trim().to_string();
        match seen.get(&key) {
            Some(first) => {
                let whole = |c: &crate::source::notebook::Cell| {
                    let first_line = c.lines.line_range(0, &c.source.text);
                    c.to_raw(TextRange::new(first_line.start(), first_line.end()))
                };
                checker.push(
                    Diagnostic::new(
                        &super::NB009,
                        checker.file,
                        whole(cell),
                        format!(
                            "cell {} repeats cell {} ({non_blank} lines)",
                            cell.number, first.number
                        ),
                    )
                    .with_label(
                        Label::new(checker.file, whole(first))
                            .with_message(format!("first written in cell {}", first.number)),
                    )
                    .with_help("Move the shared code into a function and call it from both places"),
                );
            }
            None => {
                seen.insert(key, cell);
            }
        }
    }
}
