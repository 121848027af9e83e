//! `--output-format json`: one pretty-printed array, one object per finding.
//!
//! Every finding carries raw-file `location` / `end_location` (1-based, end exclusive) so a
//! tool can open the file itself, and for notebooks `cell`, `cell_line`, `cell_column` (the
//! decoded-source coordinates Jupyter shows); those three are `null` outside notebooks, and
//! `cell_line` / `cell_column` are `null` (with `in_output: true`) for positions in outputs.
//! With `--statistics` the array holds `{code, name, count}` objects instead.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::{Finding, Located, RenderOptions, Tally};

#[derive(Serialize)]
struct JsonLocation {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    /// The primary label's own text, if any ("ran before cell 4").
    label: Option<&'a str>,
    #[serde(flatten)]
    position: JsonPosition,
    fix: &'a str,
    fixable: bool,
    fingerprint: &'a str,
    labels: Vec<JsonLabel<'a>>,
    properties: &'a BTreeMap<String, serde_json::Value>,
}

#[derive(Serialize)]
struct JsonPosition {
    path: String,
    location: JsonLocation,
    end_location: JsonLocation,
    cell: Option<usize>,
    cell_line: Option<usize>,
    cell_column: Option<usize>,
    in_output: bool,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: Option<&'a str>,
    #[serde(flatten)]
    position: JsonPosition,
}

#[derive(Serialize)]
struct JsonStatistic<'a> {
    code: &'a str,
    name: &'a str,
    count: usize,
}

fn position(label: &Located) -> JsonPosition {
    let pos = &label.position;
    let cell_lc = pos.cell_line_col();
    JsonPosition {
        location: JsonLocation {
            line: pos.start.line,
            column: pos.start.column,
        },
        end_location: JsonLocation {
            line: pos.end.line,
            column: pos.end.column,
        },
        cell: pos.cell_number(),
        cell_line: cell_lc.map(|lc| lc.line),
        cell_column: cell_lc.map(|lc| lc.column),
        in_output: pos.in_output(),
        path: pos.path.clone(),
    }
}

/// One element of the array, written as `serde_json::to_writer_pretty` writes it inside the
/// array (two spaces deeper; a newline in pretty JSON is always between tokens, never in a
/// string), after `[` or a comma.
pub(super) fn write(out: &mut dyn Write, d: &Finding, first: bool) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&finding(d))?;
    out.write_all(if first { b"[\n  " } else { b",\n  " })?;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n  ")?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Close the array (`[]` when empty); with `--statistics`, write the counts instead.
pub(super) fn finish(
    out: &mut dyn Write,
    tally: &Tally,
    opts: &RenderOptions,
) -> std::io::Result<()> {
    if opts.statistics {
        let stats: Vec<JsonStatistic<'_>> = tally
            .statistics()
            .into_iter()
            .map(|(rule, count)| JsonStatistic {
                code: rule.code,
                name: rule.name,
                count,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &stats)?;
    } else if tally.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"\n]")?;
    }
    out.write_all(b"\n")
}

fn finding(d: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        code: d.rule.code,
        name: d.rule.name,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        label: d.primary.message.as_deref(),
        position: position(&d.primary),
        fix: d.rule.fix.as_str(),
        fixable: d.fixable,
        fingerprint: &d.fingerprint,
        labels: d
            .secondary
            .iter()
            .map(|l| JsonLabel {
                message: l.message.as_deref(),
                position: position(l),
            })
            .collect(),
        properties: &d.properties,
    }
}
