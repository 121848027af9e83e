//! `--output-format human`: miette's graphical reports, the only place mlcheck uses miette.
//!
//! Each finding becomes a report headed by its code and rule name, with the message, a code
//! frame and the help:
//!
//! ```text
//! NB001 out-of-order-execution
//!
//!   ⚠ cell 3 ran before cell 2
//!    ╭─[train.ipynb:cell 3:1:1]
//!  1 │ model.fit(x, y)
//!    · ───────┬───────
//!    ·        ╰── ran first
//!    ╰────
//!   help: Restart the kernel and run all cells in order
//! ```
//!
//! Frames: a position in a notebook cell's source is shown in that cell's *decoded* text
//! with cell-relative line numbers (a frame never crosses cells, `path:cell N:line:col`);
//! positions in outputs, cell metadata or other files are shown as raw lines with raw line
//! numbers (`path:cell N (output)`, `path:cell N`, `path:line:col`). Labels in another
//! cell or file get their own frame, headed by that label's text (`☞ first assigned here`). Frames are excerpts: long lines
//! (a base64 image in an output) are cut around the label, labels over many lines are cut
//! to their first line, and control characters are replaced so a file cannot drive the
//! terminal. Text is never wrapped, so the output does not depend on the terminal width.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Finding, Position, RenderOptions, Tally, statistics_table, summary};
use crate::diagnostic::{Diagnostic, FileError, Label, Severity};
use crate::source::notebook::Cell;
use crate::source::span::floor_char_boundary;
use crate::source::{CellPart, LineIndex, SourceFile, TextRange};

/// Lines longer than this many characters are cut around the label.
const MAX_LINE_CHARS: usize = 160;
/// Characters kept before a label's start when its line is cut.
const LINE_LEAD: usize = 40;
/// A label over more lines than this is shown on its first line only.
const MAX_LABEL_LINES: usize = 12;
/// Labels in one cell or file more than this many lines apart get separate frames.
const MAX_FRAME_GAP: usize = 6;
/// Bytes scanned for secrets on each side of a shown window (longer than any one-line
/// secret with its keyword).
const REDACTION_CONTEXT: usize = 1024;

/// One finding: its report, or a plain line when it was resolved for another format.
pub(super) fn write(out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
    match &f.report {
        Some(report) => out.write_all(report.as_bytes())?,
        None => out.write_all(plain_line(f).as_bytes())?,
    }
    out.write_all(b"\n")
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
        let line = summary(tally, errors, opts);
        if opts.color {
            // Bold, like the summaries of ruff and cargo.
            writeln!(out, "\x1b[1m{}\x1b[0m", line.trim_end())?;
        } else {
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(())
}

/// `path:cell 3:2:5: NB001 out-of-order-execution message`, with its newline.
fn plain_line(f: &Finding) -> String {
    format!(
        "{}: {} {} {}\n",
        f.primary.position.display(),
        f.rule.code,
        f.rule.name,
        f.message
    )
}

/// miette's graphical handler, set up for mlcheck (no links, no wrapping, one line of
/// context, no terminal-width dependence). Shared by the threads that resolve findings.
pub(super) struct Handler(GraphicalReportHandler);

impl Handler {
    pub(super) fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Self(
            GraphicalReportHandler::new_themed(theme)
                .with_links(false)
                .with_urls(false)
                .without_primary_span_start()
                .with_wrap_lines(false)
                .with_width(usize::MAX / 2)
                .with_context_lines(1)
                .without_syntax_highlighting(),
        )
    }

    /// Render one finding into `out` (miette writes to a `fmt::Write`): the main report,
    /// then one short report per related frame (a label in another cell or file), then the
    /// help.
    ///
    /// The related frames are rendered as reports of their own rather than through miette's
    /// `related()`, which would head each with a bare `Advice: ` line.
    pub(super) fn render_one(&self, d: &Diagnostic, out: &mut String) {
        let (main, related) = reports(d);
        let ok = self.0.render_report(out, &main).is_ok()
            && related.iter().all(|r| self.0.render_report(out, r).is_ok());
        if !ok {
            // miette failed to lay out a frame (it should not): still say what was found.
            let pos = Position::of(&d.primary);
            out.push_str(&format!(
                "{}: {} {} {}\n",
                pos.display(),
                d.rule.code,
                d.rule.name,
                d.message
            ));
        }
    }
}

/// The miette view of one finding: the report with the primary frame, and one report per
/// other frame. The help goes on the last of them so it closes the finding.
fn reports(d: &Diagnostic) -> (Report, Vec<Report>) {
    let mut frames: Vec<Frame<'_>> = Vec::new();
    add_label(&mut frames, &d.primary, true);
    for label in &d.secondary {
        add_label(&mut frames, label, false);
    }
    let mut frames = frames.into_iter();
    let (source, labels) = frames
        .next()
        .map(Frame::finish)
        .map_or((None, Vec::new()), |(s, l)| (Some(s), l));

    let mut related: Vec<Report> = frames
        .map(|frame| {
            // The first label's text heads the related report; its underline stays bare.
            let message = frame.labels[0]
                .message
                .clone()
                .unwrap_or_else(|| "related location".to_string());
            let (source, mut labels) = frame.finish();
            if let Some(first) = labels.first_mut() {
                *first = LabeledSpan::new_primary_with_span(None, *first.inner());
            }
            Report {
                message,
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: Some(source),
                labels,
            }
        })
        .collect();

    let mut main = Report {
        message: d.message.clone(),
        code: Some(format!("{} {}", d.rule.code, d.rule.name)),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: None,
        source,
        labels,
    };
    match related.last_mut() {
        Some(last) => last.help = d.help.clone(),
        None => main.help = d.help.clone(),
    }
    (main, related)
}

/// Which text a frame shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Coords {
    /// The decoded source of the notebook cell at this index of `Notebook::cells`.
    Cell(usize),
    /// The file's raw text.
    Raw,
}

struct FrameLabel {
    /// Range in the frame's text (decoded cell text or raw file).
    range: TextRange,
    message: Option<String>,
    primary: bool,
}

/// Labels that share one code frame: same file, same cell (or raw text), close together.
struct Frame<'a> {
    file: &'a Arc<SourceFile>,
    coords: Coords,
    /// `path:cell 3:2:5` or `path:12:5`: where the frame's first label starts.
    name: String,
    labels: Vec<FrameLabel>,
    /// 0-based first and last line covered by the labels.
    first: usize,
    last: usize,
}

impl<'a> Frame<'a> {
    fn text(&self) -> &'a str {
        match self.coords {
            Coords::Cell(i) => self.cell(i).map_or("", |c| c.source.text.as_str()),
            Coords::Raw => &self.file.text,
        }
    }

    fn lines(&self) -> &'a LineIndex {
        match self.coords {
            Coords::Cell(i) => self.cell(i).map_or(self.file.lines(), |c| &c.lines),
            Coords::Raw => self.file.lines(),
        }
    }

    fn cell(&self, index: usize) -> Option<&'a Cell> {
        let file: &'a SourceFile = self.file;
        file.notebook.as_ref()?.cells.get(index)
    }

    /// Build the excerpt and the miette labels in its coordinates.
    fn finish(self) -> (Excerpt, Vec<LabeledSpan>) {
        let text = self.text();
        let lines = self.lines();
        let line_count = lines.line_count().max(1);
        let lo = self.first.saturating_sub(1);
        let mut hi = (self.last + 1).min(line_count - 1);
        // Do not show the empty "line" after a final newline as context.
        if hi > self.last && lines.line_range(hi, text).is_empty() {
            hi -= 1;
        }

        // The byte window of each shown line: all of it, or a cut around its first label.
        let windows: Vec<(TextRange, usize, usize)> = (lo..=hi)
            .map(|line| {
                let full = lines.line_range(line, text);
                let anchor = self
                    .labels
                    .iter()
                    .map(|l| l.range.start())
                    .filter(|&s| s >= full.start() && s <= full.end())
                    .min()
                    .unwrap_or(full.start());
                let (ws, we) = window(text, full, anchor);
                (full, ws, we)
            })
            .collect();
        // Never print a secret in a code frame, whichever rule the frame is for.
        let raw = self.coords == Coords::Raw;
        let hidden = hidden_ranges(self.file, raw, text, lines, lo, &windows);

        let mut excerpt = String::new();
        let mut maps: Vec<LineMap> = Vec::with_capacity(hi + 1 - lo);
        for (i, &(full, ws, we)) in windows.iter().enumerate() {
            if ws > full.start() {
                excerpt.push('…');
            }
            let out_start = excerpt.len();
            push_masked(&mut excerpt, text, ws, we, &hidden);
            if we < full.end() {
                excerpt.push('…');
            }
            maps.push(LineMap { ws, we, out_start });
            if lo + i < hi {
                excerpt.push('\n');
            }
        }

        let map = |offset: usize| -> usize {
            let line = lines.line_of(offset);
            if line < lo {
                0
            } else if line > hi {
                excerpt.len()
            } else {
                let m = &maps[line - lo];
                m.out_start + (offset.clamp(m.ws, m.we) - m.ws)
            }
        };
        let labels = self
            .labels
            .iter()
            .map(|l| {
                let start = map(l.range.start());
                let end = map(l.range.end()).max(start);
                let span = SourceSpan::new(start.into(), end - start);
                if l.primary {
                    LabeledSpan::new_primary_with_span(l.message.clone(), span)
                } else {
                    LabeledSpan::new_with_span(l.message.clone(), span)
                }
            })
            .collect();
        (
            Excerpt {
                name: self.name,
                text: excerpt,
                first_line: lo,
            },
            labels,
        )
    }
}

/// The secrets to mask in a frame whose lines `first..` show the byte windows `windows`
/// (full line, window start, window end) of `text`. Only the text around the windows is
/// scanned, not the whole file (a notebook can be megabytes of outputs): each window with
/// the line before and after it (a key on one line, its value on the next), at most
/// [`REDACTION_CONTEXT`] bytes either side, reaching further back only to where a secret
/// that spans lines (a PEM key) begins. The secrets reported in `file` are hidden too
/// (their raw ranges when the frame shows raw text).
fn hidden_ranges(
    file: &Arc<SourceFile>,
    raw: bool,
    text: &str,
    lines: &LineIndex,
    first: usize,
    windows: &[(TextRange, usize, usize)],
) -> Vec<TextRange> {
    use crate::secrets::{MULTILINE_REACH, last_multiline_keyword, redaction_ranges};
    let last_line = lines.line_count().saturating_sub(1);
    let mut regions: Vec<(usize, usize)> = Vec::with_capacity(windows.len() + 1);
    for (i, &(_, ws, we)) in windows.iter().enumerate() {
        let line = first + i;
        let before = lines.line_range(line.saturating_sub(1), text).start();
        let after = lines.line_range((line + 1).min(last_line), text).end();
        let start = before.max(ws.saturating_sub(REDACTION_CONTEXT));
        let end = after.min(we.saturating_add(REDACTION_CONTEXT)).max(we);
        regions.push((start, end));
    }
    // A secret that spans lines is matched from its keyword's line to as far as the
    // scanner reaches past it: look back once for the frame, from its first region.
    if let (Some(&(start, _)), Some(&(_, _, we))) = (regions.first(), windows.last()) {
        let reach = floor_char_boundary(text, start.saturating_sub(MULTILINE_REACH));
        if let Some(k) = last_multiline_keyword(&text[reach..floor_char_boundary(text, we)]) {
            let keyword_line = lines.line_range(lines.line_of(reach + k), text).start();
            regions.push((keyword_line, keyword_line + MULTILINE_REACH));
        }
    }
    regions.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(regions.len());
    for (start, end) in regions {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let regions = merged;
    let mut hidden = Vec::new();
    for (start, end) in regions {
        let a = floor_char_boundary(text, start);
        let b = floor_char_boundary(text, end);
        hidden.extend(redaction_ranges(&text[a..b]).iter().map(|r| r.offset(a)));
        // The secrets this run reported in the file, by any pattern (the user's too).
        hidden.extend(crate::secrets::redact::reported_ranges(
            file,
            text,
            (a, b),
            raw,
        ));
    }
    hidden
}

/// How one excerpt line maps back: raw bytes `[ws, we)` of the frame text were copied to
/// the excerpt at `out_start`.
struct LineMap {
    ws: usize,
    we: usize,
    out_start: usize,
}

/// The byte window of a line to show: all of it, or at most [`MAX_LINE_CHARS`] characters
/// starting a little before `anchor`.
fn window(text: &str, line: TextRange, anchor: usize) -> (usize, usize) {
    let s = &text[line.start()..line.end()];
    if s.len() <= MAX_LINE_CHARS || s.chars().nth(MAX_LINE_CHARS).is_none() {
        return (line.start(), line.end());
    }
    let anchor = floor_char_boundary(s, anchor.saturating_sub(line.start()));
    let lead_start = s[..anchor]
        .char_indices()
        .rev()
        .nth(LINE_LEAD.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let rest = &s[lead_start..];
    let len = rest
        .char_indices()
        .nth(MAX_LINE_CHARS)
        .map_or(rest.len(), |(i, _)| i);
    (line.start() + lead_start, line.start() + lead_start + len)
}

/// Copy `text[ws..we]` like [`push_sanitized`], with the bytes of `hidden` ranges shown
/// as `*` (one per byte, so offsets stay valid).
fn push_masked(out: &mut String, text: &str, ws: usize, we: usize, hidden: &[TextRange]) {
    if !hidden.iter().any(|h| h.start() < we && ws < h.end()) {
        push_sanitized(out, &text[ws..we]);
        return;
    }
    for (i, ch) in text[ws..we].char_indices() {
        let at = ws + i;
        if hidden.iter().any(|h| h.start() <= at && at < h.end()) {
            for _ in 0..ch.len_utf8() {
                out.push('*');
            }
        } else {
            push_sanitized(out, ch.encode_utf8(&mut [0u8; 4]));
        }
    }
}

/// Copy `s`, replacing characters that would drive or garble a terminal by ones of the
/// same UTF-8 length (so byte offsets stay valid): C0 controls but tab and DEL become a
/// space, C1 controls `·`, bidirectional overrides `�` (Trojan Source, CVE-2021-42574).
fn push_sanitized(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '\t' => out.push('\t'),
            '\0'..='\x1f' | '\x7f' => out.push(' '),
            '\u{80}'..='\u{9f}' => out.push('·'),
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => out.push('\u{fffd}'),
            _ => out.push(ch),
        }
    }
}

/// Put a label into a frame: the last compatible one, or a new one.
fn add_label<'a>(frames: &mut Vec<Frame<'a>>, label: &'a Label, primary: bool) {
    let file = &label.file;
    let pos = Position::of(label);
    let (coords, mut range) = match (&file.notebook, pos.cell) {
        (Some(nb), Some(loc)) if matches!(loc.part, CellPart::Source(_)) => {
            match nb.cells.iter().position(|c| c.number == loc.cell) {
                Some(index) => {
                    let cell = &nb.cells[index];
                    let start = decoded(cell, label.range.start());
                    let end = decoded(cell, label.range.end()).max(start);
                    (Coords::Cell(index), TextRange::new(start, end))
                }
                None => (Coords::Raw, clamp(&file.text, label.range)),
            }
        }
        _ => (Coords::Raw, clamp(&file.text, label.range)),
    };
    let mut frame_probe = Frame {
        file,
        coords,
        name: pos.display(),
        labels: Vec::new(),
        first: 0,
        last: 0,
    };
    let text = frame_probe.text();
    let lines = frame_probe.lines();
    // A range that ends with a line break is shown on the line it ends.
    let bytes = text.as_bytes();
    if range.end() > range.start() && bytes.get(range.end() - 1) == Some(&b'\n') {
        let mut end = range.end() - 1;
        if end > range.start() && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        range = TextRange::new(range.start(), end);
    }
    let first = lines.line_of(range.start());
    let mut last = lines.line_of(range.end());
    if last + 1 - first > MAX_LABEL_LINES {
        let end = lines.line_range(first, text).end().max(range.start());
        range = TextRange::new(range.start(), end);
        last = first;
    }
    let entry = FrameLabel {
        range,
        message: label.message.clone(),
        primary,
    };
    if let Some(frame) = frames.iter_mut().rev().find(|f| {
        Arc::ptr_eq(f.file, file)
            && f.coords == coords
            && first <= f.last + MAX_FRAME_GAP
            && last + MAX_FRAME_GAP >= f.first
    }) {
        frame.first = frame.first.min(first);
        frame.last = frame.last.max(last);
        frame.labels.push(entry);
        return;
    }
    frame_probe.first = first;
    frame_probe.last = last;
    frame_probe.labels.push(entry);
    frames.push(frame_probe);
}

/// The decoded offset in `cell`'s source of a raw offset; between two list items (or
/// outside the literals) it snaps to the next literal's start, else the text's end.
fn decoded(cell: &Cell, raw: usize) -> usize {
    let text = &cell.source.text;
    let offset = cell.source.from_raw(raw).unwrap_or_else(|| {
        cell.source
            .segments
            .iter()
            .find(|s| s.raw as usize >= raw)
            .map_or(text.len(), |s| s.decoded as usize)
    });
    floor_char_boundary(text, offset)
}

/// A range clamped to the text and to char boundaries.
fn clamp(text: &str, range: TextRange) -> TextRange {
    let start = floor_char_boundary(text, range.start());
    let end = floor_char_boundary(text, range.end()).max(start);
    TextRange::new(start, end)
}

/// An excerpt of a frame's text that reports its real line numbers to miette.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line number, in the frame's text, of the excerpt's first line.
    first_line: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A finding as miette sees it.
#[derive(Debug)]
struct Report {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}
