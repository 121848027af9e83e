//! Where secrets are looked for in a file, and how a match in decoded text gets back to a
//! raw byte range.
//!
//! Promises: a notebook is scanned cell by cell on the *decoded* source (so JSON escapes
//! do not hide a key) and output by output on the decoded text of `stream` text,
//! `text/*` data and error tracebacks; image data, widget state, ids and metadata are
//! never read. Text outputs are first tested for keywords on their raw bytes, so an output
//! with no keyword is never decoded. Other files are scanned as they are. Lines carrying
//! `pragma: allowlist secret` or `gitleaks:allow` (or below `pragma: allowlist nextline
//! secret`) are skipped.

use crate::registry::Severity;
use crate::source::json::{Node, Value};
use crate::source::notebook::mapped_multiline;
use crate::source::{CellKind, SourceFile, SourceKind, TextRange};

use super::Options;
use super::pattern_set::{Match, PatternSet};
use super::service_account;

/// One secret found in a file.
#[derive(Clone, Debug)]
pub struct Finding {
    pub pattern_id: String,
    pub description: String,
    /// Reported as `SEC002 generic-secret`.
    pub generic: bool,
    /// The pattern's own severity, if it sets one.
    pub severity: Option<Severity>,
    /// Raw byte range of the secret in the file.
    pub range: TextRange,
    /// The secret (decoded). Only for fingerprints and de-duplication: never print it.
    pub secret: String,
    /// The notebook cell (1-based) it was found in.
    pub cell: Option<usize>,
    /// Found in the cell's outputs rather than its source.
    pub in_output: bool,
    /// Found in the notebook's or the cell's metadata.
    pub in_metadata: bool,
}

/// File names never scanned: lock files and dependency manifests of hashes.
fn skipped_name(file: &SourceFile) -> bool {
    let name = file
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        name.as_str(),
        "package-lock.json"
            | "yarn.lock"
            | "poetry.lock"
            | "pipfile.lock"
            | "pdm.lock"
            | "uv.lock"
            | "cargo.lock"
            | "composer.lock"
            | "go.sum"
            | "pnpm-lock.yaml"
            | "conda-lock.yml"
            | "conda-lock.yaml"
    ) || name.ends_with(".min.js")
}

/// Every secret in one file.
pub fn scan_file(file: &SourceFile, set: &PatternSet, options: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    if skipped_name(file) {
        return out;
    }
    let text = file.text.as_str();
    let sa = options.service_account_enabled();
    if let Some(nb) = &file.notebook {
        let mut matches = Vec::new();
        for cell in &nb.cells {
            let src = &cell.source.text;
            if !src.is_empty() {
                matches.clear();
                if cell.kind == CellKind::Code && !src.trim_start().starts_with("%%") {
                    set.scan_code(src, &mut matches);
                } else {
                    set.scan(src, &mut matches);
                }
                push_matches(
                    &mut out,
                    set,
                    src,
                    &matches,
                    Some(cell.number),
                    false,
                    |r| cell.to_raw(r),
                );
                if sa {
                    for (range, secret) in service_account::find(src) {
                        push_structural(
                            &mut out,
                            cell.to_raw(range),
                            secret,
                            Some(cell.number),
                            false,
                        );
                    }
                }
            }
            if let Some(meta) = &cell.metadata {
                for range in raw_json_parts(text, meta, CELL_METADATA_SKIPPED) {
                    scan_raw_json(
                        &mut out,
                        set,
                        text,
                        range,
                        Some(cell.number),
                        false,
                        options,
                    );
                }
            }
            if cell.kind != CellKind::Code {
                continue;
            }
            for output in cell.output_nodes() {
                for range in json_data(text, output) {
                    scan_raw_json(&mut out, set, text, range, Some(cell.number), true, options);
                }
                for node in text_nodes(text, output) {
                    let raw = &text[node.range.start()..node.range.end()];
                    if raw.len() as u64 > options.max_file_size || !set.has_keyword(raw) {
                        continue;
                    }
                    let Some(mapped) = mapped_multiline(text, node) else {
                        continue;
                    };
                    matches.clear();
                    set.scan(&mapped.text, &mut matches);
                    push_matches(
                        &mut out,
                        set,
                        &mapped.text,
                        &matches,
                        Some(cell.number),
                        true,
                        |r| mapped.range_to_raw(r),
                    );
                    if sa {
                        for (range, secret) in service_account::find(&mapped.text) {
                            push_structural(
                                &mut out,
                                mapped.range_to_raw(range),
                                secret,
                                Some(cell.number),
                                true,
                            );
                        }
                    }
                }
            }
        }
        if let Some(meta) = nb.notebook_metadata(text) {
            for range in raw_json_parts(text, meta, NOTEBOOK_METADATA_SKIPPED) {
                scan_raw_json(&mut out, set, text, range, None, false, options);
            }
        }
    } else {
        if file.kind != SourceKind::Notebook && text.len() as u64 > options.max_file_size {
            return out;
        }
        if text.as_bytes()[..text.len().min(8192)].contains(&0) {
            return out;
        }
        out = scan_plain(text, set, sa, file.kind == SourceKind::Python);
    }
    dedupe(&mut out);
    once_per_place(&mut out, text);
    out
}

/// One finding per secret per cell source, cell output, metadata or line: a URL printed
/// twice by `!wget`, a pip log repeating one requirement, a key echoed in two outputs of a
/// cell are one finding each (the first).
fn once_per_place(out: &mut Vec<Finding>, text: &str) {
    if out.len() < 2 {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    let (mut line, mut counted) = (0usize, 0usize);
    out.retain(|f| {
        let place = if f.cell.is_some() || f.in_metadata {
            usize::MAX
        } else {
            // Findings are sorted by position: count line breaks incrementally.
            let at = f.range.start().min(text.len()).max(counted);
            line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted..at]).count();
            counted = at;
            line
        };
        seen.insert((f.cell, f.in_output, f.in_metadata, place, f.secret.clone()))
    });
}

/// Every secret in a plain text (ranges are ranges of `text`).
pub fn scan_text(text: &str, set: &PatternSet, service_account: bool) -> Vec<Finding> {
    scan_plain(text, set, service_account, false)
}

/// [`scan_text`], for Python source when `code`.
fn scan_plain(text: &str, set: &PatternSet, service_account: bool, code: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut matches = Vec::new();
    if code {
        set.scan_code(text, &mut matches);
    } else {
        set.scan(text, &mut matches);
    }
    push_matches(&mut out, set, text, &matches, None, false, |r| r);
    if service_account {
        for (range, secret) in service_account::find(text) {
            push_structural(&mut out, range, secret, None, false);
        }
    }
    dedupe(&mut out);
    out
}

fn push_structural(
    out: &mut Vec<Finding>,
    range: TextRange,
    secret: String,
    cell: Option<usize>,
    in_output: bool,
) {
    out.push(Finding {
        pattern_id: service_account::PATTERN_ID.to_string(),
        description: service_account::DESCRIPTION.to_string(),
        generic: false,
        severity: None,
        range,
        secret,
        cell,
        in_output,
        in_metadata: false,
    });
}

#[allow(clippy::too_many_arguments)]
fn push_matches(
    out: &mut Vec<Finding>,
    set: &PatternSet,
    text: &str,
    matches: &[Match],
    cell: Option<usize>,
    in_output: bool,
    to_raw: impl Fn(TextRange) -> TextRange,
) {
    for m in matches {
        if allowlisted_line(text, m.secret.start()) {
            continue;
        }
        let pattern = &set.patterns[m.pattern];
        out.push(Finding {
            pattern_id: pattern.id.clone(),
            description: pattern.description.clone(),
            generic: pattern.generic,
            severity: pattern.severity,
            range: to_raw(m.secret),
            secret: text[m.secret.start()..m.secret.end()].to_string(),
            cell,
            in_output,
            in_metadata: false,
        });
    }
}

/// A service-account finding replaces the private-key finding inside it, a provider's
/// finding replaces a generic one at the same place; one secret at one place is reported
/// once.
fn dedupe(out: &mut Vec<Finding>) {
    if out.len() < 2 {
        return;
    }
    let sa: Vec<TextRange> = out
        .iter()
        .filter(|f| f.pattern_id == service_account::PATTERN_ID)
        .map(|f| f.range)
        .collect();
    if !sa.is_empty() {
        out.retain(|f| {
            f.pattern_id == service_account::PATTERN_ID
                || !sa
                    .iter()
                    .any(|r| f.range.start() < r.end() && r.start() < f.range.end())
        });
    }
    out.sort_by_key(|f| (f.range.start(), f.range.end()));
    out.dedup_by(|a, b| a.range == b.range && a.pattern_id == b.pattern_id);
    // A value a provider's pattern names is not reported again as a generic secret.
    if out.iter().any(|f| f.generic) && out.iter().any(|f| !f.generic) {
        let specific: Vec<TextRange> = out.iter().filter(|f| !f.generic).map(|f| f.range).collect();
        out.retain(|f| {
            !f.generic
                || !specific
                    .iter()
                    .any(|r| f.range.start() < r.end() && r.start() < f.range.end())
        });
    }
}

/// `pragma: allowlist secret` / `gitleaks:allow` on the line, or `pragma: allowlist
/// nextline secret` on the line above.
fn allowlisted_line(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
    let end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |p| at + p);
    let line = &text[start..end];
    if line.contains("pragma: allowlist secret") || line.contains("gitleaks:allow") {
        return true;
    }
    if start > 0 {
        let prev_start = memchr::memrchr(b'\n', &bytes[..start - 1]).map_or(0, |p| p + 1);
        if text[prev_start..start].contains("pragma: allowlist nextline secret") {
            return true;
        }
    }
    false
}

/// Metadata members never scanned: widget state and editor ids are random by design.
const NOTEBOOK_METADATA_SKIPPED: &[&str] = &["widgets", "vscode"];
/// Cell metadata members never scanned: timings and execution records.
const CELL_METADATA_SKIPPED: &[&str] = &["ExecuteTime", "execution"];

/// The raw ranges (`"key": value`) of an object's members, less the `skipped` keys.
fn raw_json_parts(text: &str, object: &Node, skipped: &[&str]) -> Vec<TextRange> {
    object.as_object().map_or_else(Vec::new, |members| {
        members
            .iter()
            .filter(|m| {
                !skipped
                    .iter()
                    .any(|k| crate::source::json::key_eq(text, m.key, k))
            })
            .map(|m| TextRange::new(m.key.start(), m.value.range.end()))
            .collect()
    })
}

/// The raw ranges of an output's JSON data (`application/json`, `application/*+json`), not
/// widget views.
fn json_data(text: &str, output: &Node) -> Vec<TextRange> {
    let Some(Value::Object(data)) = output.get(text, "data").map(|d| &d.value) else {
        return Vec::new();
    };
    data.iter()
        .filter(|d| {
            let mime = crate::source::json::decode(text, d.key);
            mime.starts_with("application/")
                && (mime.ends_with("/json") || mime.ends_with("+json"))
                && !mime.contains("widget")
        })
        .map(|d| d.value.range)
        .collect()
}

/// Metadata and JSON outputs are scanned as the JSON text they are: the patterns match
/// `"api_key": "…"` as they do in a `.json` file, and ranges are the file's own.
fn scan_raw_json(
    out: &mut Vec<Finding>,
    set: &PatternSet,
    text: &str,
    range: TextRange,
    cell: Option<usize>,
    in_output: bool,
    options: &Options,
) {
    let raw = &text[range.start()..range.end()];
    if raw.len() as u64 > options.max_file_size || !set.has_keyword(raw) {
        return;
    }
    let first = out.len();
    let mut matches = Vec::new();
    set.scan(raw, &mut matches);
    let offset = range.start();
    push_matches(out, set, raw, &matches, cell, in_output, |r| {
        r.offset(offset)
    });
    if options.service_account_enabled() {
        for (r, secret) in service_account::find(raw) {
            push_structural(out, r.offset(offset), secret, cell, in_output);
        }
    }
    for f in &mut out[first..] {
        f.in_metadata = !in_output;
    }
}

/// The string nodes of one output that hold text a person reads: `stream` text,
/// `text/*` data (`text/plain`, `text/html`, `text/markdown`, `text/latex`), error
/// `evalue`/`traceback`, and nbformat 3's `text`/`html` keys. Never `image/*`, widget
/// views, JSON data or metadata.
fn text_nodes<'a>(text: &str, output: &'a Node) -> Vec<&'a Node> {
    let mut nodes = Vec::new();
    let Some(members) = output.as_object() else {
        return nodes;
    };
    for m in members {
        let key = crate::source::json::decode(text, m.key);
        match key.as_ref() {
            "text" | "html" | "latex" | "markdown" | "evalue" | "traceback" => nodes.push(&m.value),
            "data" => {
                if let Value::Object(data) = &m.value.value {
                    for d in data {
                        let mime = crate::source::json::decode(text, d.key);
                        if mime.starts_with("text/") {
                            nodes.push(&d.value);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    nodes
}
