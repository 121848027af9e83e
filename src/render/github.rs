//! `--output-format github`: GitHub Actions workflow commands, one line per finding, which
//! the runner turns into annotations on the pull request's diff:
//! `::warning file=train.ipynb,line=40,col=7,endLine=40,endColumn=9,title=NB001 out-of-order-execution::…`.
//!
//! Positions are raw-file lines and columns (GitHub's file view shows a notebook's JSON);
//! the message starts with the cell locator (`cell 3:2:5: `) so the annotation still says
//! where in Jupyter to look. Escaping follows `@actions/core` (`toolkit/packages/core/src/command.ts`):
//! `%`, `\r`, `\n` in the message; additionally `:` and `,` in properties.

use std::io::Write;

use super::{Finding, RenderOptions, Tally, statistics_table};
use crate::diagnostic::{FileError, Severity};

pub(super) fn write(out: &mut dyn Write, d: &Finding) -> std::io::Result<()> {
    out.write_all(command(d).as_bytes())
}

/// After the findings: one `::error` per file not checked, or with `--statistics` the
/// table alone.
pub(super) fn finish(
    out: &mut dyn Write,
    tally: &Tally,
    errors: &[FileError],
    opts: &RenderOptions,
) -> std::io::Result<()> {
    if opts.statistics {
        return out.write_all(statistics_table(tally).as_bytes());
    }
    for e in errors {
        writeln!(
            out,
            "::error file={},title={}::{}",
            escape_property(&crate::source::path_slash(
                &crate::secrets::redact::mask_path(&e.path),
            )),
            escape_property("mlcheck: file not checked"),
            escape_data(&e.message)
        )?;
    }
    Ok(())
}

/// The workflow command for one finding, with its trailing newline.
fn command(d: &Finding) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let pos = &d.primary.position;
    let mut message = String::new();
    if pos.cell.is_some() {
        message.push_str(&pos.locator());
        message.push_str(": ");
    }
    message.push_str(&d.message);
    if let Some(label) = &d.primary.message {
        message.push_str(&format!(" ({label})"));
    }
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for label in &d.secondary {
        let at = &label.position;
        message.push_str("\nsee: ");
        message.push_str(&at.display());
        if let Some(text) = &label.message {
            message.push_str(": ");
            message.push_str(text);
        }
    }
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        escape_property(&pos.path),
        pos.start.line,
        pos.start.column,
        pos.end.line,
        pos.end.column,
        escape_property(&format!("{} {}", d.rule.code, d.rule.name)),
        escape_data(&message),
    )
}

/// Files listed in the step summary's table of the worst files.
const SUMMARY_FILES: usize = 10;

/// The Markdown job summary (`$GITHUB_STEP_SUMMARY`): GitHub shows only a limited number of
/// annotations per step, so the summary carries the whole picture: the counts, findings per
/// rule, the files with the most findings and the fix command.
pub fn step_summary(tally: &Tally, errors: &[FileError], opts: &RenderOptions) -> String {
    let mut md = String::from("## mlcheck\n\n");
    let text = super::summary(tally, errors, opts);
    for line in text.lines() {
        md.push_str(line);
        md.push_str("  \n");
    }
    if tally.is_empty() {
        return md;
    }
    md.push_str("\n| Rule | Name | Severity | Findings |\n|---|---|---|---:|\n");
    for (rule, n) in tally.statistics() {
        let severity = tally.worst(rule.code).map_or("", |s| s.as_str());
        md.push_str(&format!(
            "| `{}` | {} | {severity} | {n} |\n",
            rule.code, rule.name
        ));
    }
    let mut per_file: Vec<(&str, usize)> = tally.per_file().collect();
    per_file.sort_by(|(a, n), (b, m)| m.cmp(n).then_with(|| a.cmp(b)));
    md.push_str(&format!(
        "\n**Files with the most findings** ({} of {}):\n\n| File | Findings |\n|---|---:|\n",
        per_file.len().min(SUMMARY_FILES),
        per_file.len()
    ));
    for (path, n) in per_file.iter().take(SUMMARY_FILES) {
        md.push_str(&format!(
            "| `{}` | {n} |\n",
            path.replace('|', "\\|").replace('`', "'")
        ));
    }
    md
}

/// `escapeData` of `@actions/core`.
pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty` of `@actions/core`.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages and properties that hold the command syntax cannot break out of it.
    #[test]
    fn escapes_follow_actions_core() {
        assert_eq!(escape_data("100% a\r\nb: c,d"), "100%25 a%0D%0Ab: c,d");
        assert_eq!(escape_property("dir,x/a:b%.py\n"), "dir%2Cx/a%3Ab%25.py%0A");
    }
}
