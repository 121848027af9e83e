//! `--output-format concise`: one line per finding, as ruff's `concise`, then the summary:
//!
//! ```text
//! train.ipynb:cell 3:2:5: NB001 [error] cell 3 ran before cell 2
//! conda.yaml:4:3: ENV007 [warning] a conda `pip:` list without `pip` …
//! Found 2 findings (1 error, 1 warning), 2 at or above --fail-on=warning.
//! ```
//!
//! Meant for a first look at a large repository and for editors that read `path:line:col`.
//! Control characters in messages are replaced, so one finding is always one line.

use std::io::Write;

use super::{Finding, RenderOptions, Tally, statistics_table, summary};
use crate::diagnostic::FileError;

pub(super) fn write(out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
    out.write_all(line(f).as_bytes())
}

/// After the findings: the statistics table (`--statistics`), then the summary.
pub(super) fn finish(
    out: &mut dyn Write,
    tally: &Tally,
    errors: &[FileError],
    opts: &RenderOptions,
) -> std::io::Result<()> {
    if opts.statistics {
        out.write_all(statistics_table(tally).as_bytes())?;
    }
    if !opts.quiet {
        out.write_all(summary(tally, errors, opts).as_bytes())?;
    }
    Ok(())
}

/// `path:cell 3:2:5: NB001 [error] message`, with its newline.
fn line(f: &Finding) -> String {
    let mut message = String::with_capacity(f.message.len());
    for c in f.message.chars() {
        message.push(if c.is_control() { ' ' } else { c });
    }
    format!(
        "{}: {} [{}] {}\n",
        f.primary.position.display(),
        f.rule.code,
        f.severity.as_str(),
        message
    )
}
