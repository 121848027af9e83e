//! Renderers: turn sorted [`Diagnostic`]s into one of mlcheck's four output formats.
//!
//! - `human` (`human.rs`, the only module that knows miette): a code frame per finding,
//!   located `path:cell N:line:col` in a notebook cell and `path:line:col` elsewhere;
//! - `json` (`json.rs`): one array, raw-file positions plus cell coordinates;
//! - `sarif` (`sarif.rs`): SARIF 2.1.0, raw-file regions, `partialFingerprints`;
//! - `github` (`github.rs`): GitHub Actions workflow commands (`::error file=…::…`).
//!
//! Promises: every position is 1-based; raw-file columns count Unicode scalar values (SARIF's
//! `unicodeCodePoints`); end positions are exclusive (the character after the range), as
//! in SARIF. Output is byte-for-byte deterministic for the same input (no timestamps, no
//! absolute paths that were not given, no terminal-width dependence).

mod github;
mod human;
mod json;
mod sarif;

use std::io::Write;

use crate::cli::OutputFormat;
use crate::diagnostic::{Applicability, Diagnostic, FileError, Label, Severity};
use crate::registry::{FixAvailability, RuleMeta};
use crate::source::{CellLocation, CellPart, LineCol};

/// How to render. The caller decides `color` (a terminal, and neither `--no-color` nor
/// `NO_COLOR`); only the human format uses it.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub format: OutputFormat,
    pub color: bool,
    /// Print a count per rule instead of the findings (human, github: a table; json: an
    /// array of `{code, name, count}`; SARIF has no such form and ignores it).
    pub statistics: bool,
    /// Human format: no summary line.
    pub quiet: bool,
}

/// Write `diagnostics` (already sorted by [`Diagnostic::sort_key`]) to `out`.
///
/// `errors` are files that could not be checked. The human format leaves them to the
/// caller (stderr) and only counts them in the summary; SARIF records them as tool
/// notifications with `executionSuccessful: false`; GitHub emits one `::error` each; JSON
/// keeps its single array of findings and leaves them out.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    errors: &[FileError],
    opts: &RenderOptions,
) -> std::io::Result<()> {
    match opts.format {
        OutputFormat::Human => human::render(out, diagnostics, errors, opts),
        OutputFormat::Json => json::render(out, diagnostics, opts),
        OutputFormat::Sarif => sarif::render(out, diagnostics, errors),
        OutputFormat::Github => github::render(out, diagnostics, errors, opts),
    }
}

/// Where a label starts and ends, in both coordinate systems.
#[derive(Clone, Debug)]
pub(crate) struct Position {
    /// The path with forward slashes, as given.
    pub path: String,
    /// 1-based raw-file line and column of the start.
    pub start: LineCol,
    /// 1-based raw-file line and column just past the end.
    pub end: LineCol,
    /// Cell coordinates of the start, for notebooks.
    pub cell: Option<CellLocation>,
}

impl Position {
    pub fn of(label: &Label) -> Self {
        let file = &label.file;
        let start = file.location(label.range.start());
        let end = file.lines.line_col(label.range.end(), &file.text);
        Self {
            path: file.path_slash(),
            start: start.raw,
            end,
            cell: start.cell,
        }
    }

    pub fn cell_number(&self) -> Option<usize> {
        self.cell.map(|c| c.cell)
    }

    /// 1-based line and column in the cell's decoded source, when the start is there.
    pub fn cell_line_col(&self) -> Option<LineCol> {
        match self.cell?.part {
            CellPart::Source(lc) => Some(lc),
            CellPart::Output | CellPart::Cell => None,
        }
    }

    pub fn in_output(&self) -> bool {
        matches!(
            self.cell,
            Some(CellLocation {
                part: CellPart::Output,
                ..
            })
        )
    }

    /// The ruff-style locator: `path:cell 3:2:5`, `path:cell 3 (output)`, `path:cell 3`
    /// (elsewhere in the cell object) or `path:12:5`.
    pub fn display(&self) -> String {
        format!("{}:{}", self.path, self.locator())
    }

    /// [`Self::display`] without the path.
    pub fn locator(&self) -> String {
        match self.cell {
            Some(CellLocation {
                cell,
                part: CellPart::Source(lc),
            }) => format!("cell {cell}:{}:{}", lc.line, lc.column),
            Some(CellLocation {
                cell,
                part: CellPart::Output,
            }) => format!("cell {cell} (output)"),
            Some(CellLocation {
                cell,
                part: CellPart::Cell,
            }) => format!("cell {cell}"),
            None => format!("{}:{}", self.start.line, self.start.column),
        }
    }
}

/// Whether `mlcheck fix` can repair this finding.
pub(crate) fn fixable(diagnostic: &Diagnostic) -> bool {
    match diagnostic.rule.fix {
        FixAvailability::StripOutputs => true,
        FixAvailability::Safe | FixAvailability::Unsafe => diagnostic
            .fix
            .as_ref()
            .is_some_and(|f| f.applicability != Applicability::DisplayOnly && !f.edits.is_empty()),
        FixAvailability::None | FixAvailability::DisplayOnly => false,
    }
}

/// Findings per rule, most frequent first (ties by code order), as `--statistics` prints.
pub(crate) fn statistics(diagnostics: &[Diagnostic]) -> Vec<(&'static RuleMeta, usize)> {
    let mut counts: Vec<(&'static RuleMeta, usize)> = Vec::new();
    for d in diagnostics {
        match counts.iter_mut().find(|(r, _)| r.code == d.rule.code) {
            Some((_, n)) => *n += 1,
            None => counts.push((d.rule, 1)),
        }
    }
    counts.sort_by(|(a, n), (b, m)| {
        m.cmp(n)
            .then_with(|| code_key(a.code).cmp(&code_key(b.code)))
    });
    counts
}

/// Sort `NB2` before `NB10`.
fn code_key(code: &str) -> (&str, u32) {
    let split = code
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(code.len());
    (&code[..split], code[split..].parse().unwrap_or(0))
}

/// The plain statistics table: `count  code  name`, columns aligned.
pub(crate) fn statistics_table(diagnostics: &[Diagnostic]) -> String {
    let stats = statistics(diagnostics);
    let count_w = stats
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let code_w = stats.iter().map(|(r, _)| r.code.len()).max().unwrap_or(1);
    let mut out = String::new();
    for (rule, n) in stats {
        out.push_str(&format!(
            "{n:>count_w$}  {:<code_w$}  {}\n",
            rule.code, rule.name
        ));
    }
    out
}

/// `Found 3 findings (2 errors, 1 warning).`, or `All checks passed.`
pub(crate) fn summary(diagnostics: &[Diagnostic], errors: &[FileError]) -> String {
    let mut out = String::new();
    if diagnostics.is_empty() {
        if errors.is_empty() {
            out.push_str("All checks passed.");
        } else {
            out.push_str("No findings.");
        }
    } else {
        let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        let mut parts = Vec::new();
        for (sev, one, many) in [
            (Severity::Error, "error", "errors"),
            (Severity::Warning, "warning", "warnings"),
            (Severity::Info, "info", "info"),
        ] {
            match count(sev) {
                0 => {}
                1 => parts.push(format!("1 {one}")),
                n => parts.push(format!("{n} {many}")),
            }
        }
        out.push_str(&format!(
            "Found {} ({}).",
            plural(diagnostics.len(), "finding", "findings"),
            parts.join(", ")
        ));
        let strip = diagnostics
            .iter()
            .filter(|d| d.rule.fix == FixAvailability::StripOutputs)
            .count();
        if strip > 0 {
            out.push_str(&format!(
                "\n{strip} fixable with `mlcheck fix --strip-outputs`."
            ));
        }
    }
    if !errors.is_empty() {
        out.push_str(&format!(
            "\n{} could not be checked.",
            plural(errors.len(), "file", "files")
        ));
    }
    out.push('\n');
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
