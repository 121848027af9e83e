//! `--output-format sarif`: one SARIF 2.1.0 log (OASIS, errata 01) with one run.
//!
//! - `tool.driver.rules` lists the rules that have findings (sorted by code, so output does
//!   not churn as rules are added), each with its summary, its Markdown docs as `help`, and
//!   its default level; `results[*].ruleIndex` points into that list.
//! - Regions are raw-file coordinates (1-based, `endColumn` exclusive) with
//!   `columnKind: "unicodeCodePoints"`; notebook findings add `properties.cell` (and
//!   `cell_line` / `cell_column` in the cell's decoded source).
//! - `partialFingerprints["mlcheck/v1"]` is the content fingerprint, which survives line moves.
//! - Files that could not be checked become `toolExecutionNotifications`, and then
//!   `executionSuccessful` is `false`.
//!
//! `tests/it/render.rs` validates the output against the official schema.

use std::io::Write;
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{Finding, Located, code_key};
use crate::diagnostic::{FileError, Severity};
use crate::registry::RuleMeta;

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub(super) fn render(
    out: &mut dyn Write,
    diagnostics: &[Finding],
    errors: &[FileError],
) -> std::io::Result<()> {
    let log = log(diagnostics, errors);
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn log(diagnostics: &[Finding], errors: &[FileError]) -> Value {
    // The rules in use, by code order; their position is each result's `ruleIndex`.
    let mut rules: Vec<&'static RuleMeta> = Vec::new();
    for d in diagnostics {
        if !rules.iter().any(|r| r.code == d.rule.code) {
            rules.push(d.rule);
        }
    }
    rules.sort_by(|a, b| code_key(a.code).cmp(&code_key(b.code)));

    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let index = rules.iter().position(|r| r.code == d.rule.code);
            result(d, index.unwrap_or(0))
        })
        .collect();

    let notifications: Vec<Value> = errors
        .iter()
        .map(|e| {
            // Never a secret in a file or folder name printed whole.
            let path = crate::secrets::redact::mask_path(&e.path);
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", crate::source::path_slash(&path), e.message) },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": uri(&path) } }
                }],
            })
        })
        .collect();
    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), Value::Bool(errors.is_empty()));
    if !notifications.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }

    let mut driver = Map::new();
    driver.insert("name".into(), json!("mlcheck"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert(
        "rules".into(),
        Value::Array(rules.iter().map(|r| rule(r)).collect()),
    );

    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// The project's home page, from `Cargo.toml` (`homepage`, else `repository`); omitted
/// when neither is set rather than made up.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(rule: &RuleMeta) -> Value {
    let docs = rule.docs();
    let what = section(&docs, "What it does").unwrap_or(rule.summary);
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": what },
        "help": { "text": docs.trim(), "markdown": docs.trim() },
        "defaultConfiguration": {
            "level": level(rule.severity),
            "enabled": rule.default_enabled,
        },
        "properties": {
            "domain": rule.domain.as_str(),
            "fix": rule.fix.as_str(),
            "tags": [rule.domain.as_str()],
        },
    })
}

/// The body of the `## {title}` section of a rule's Markdown docs.
fn section<'a>(docs: &'a str, title: &str) -> Option<&'a str> {
    let heading = format!("## {title}");
    let start = docs.find(&heading)? + heading.len();
    let rest = &docs[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let body = rest[..end].trim();
    (!body.is_empty()).then_some(body)
}

fn result(d: &Finding, rule_index: usize) -> Value {
    let pos = &d.primary.position;
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(d.rule.code));
    result.insert("ruleIndex".into(), json!(rule_index));
    result.insert("level".into(), json!(level(d.severity)));
    result.insert("message".into(), json!({ "text": d.message }));
    let mut location = json!({ "physicalLocation": physical_location(&d.primary) });
    if let Some(text) = &d.primary.message {
        location["message"] = json!({ "text": text });
    }
    result.insert("locations".into(), json!([location]));
    if !d.secondary.is_empty() {
        let related: Vec<Value> = d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let at = &label.position;
                let mut loc = json!({
                    "id": i + 1,
                    "physicalLocation": physical_location(label),
                });
                if let Some(text) = &label.message {
                    loc["message"] = json!({ "text": text });
                }
                if let Some(cell) = at.cell_number() {
                    loc["properties"] = json!({ "cell": cell });
                }
                loc
            })
            .collect();
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    result.insert(
        "partialFingerprints".into(),
        json!({ "mlcheck/v1": d.fingerprint }),
    );
    if let Some(fix) = fix(d) {
        result.insert("fixes".into(), json!([fix]));
    }

    let mut properties = Map::new();
    if let Some(cell) = pos.cell_number() {
        properties.insert("cell".into(), json!(cell));
        if let Some(lc) = pos.cell_line_col() {
            properties.insert("cell_line".into(), json!(lc.line));
            properties.insert("cell_column".into(), json!(lc.column));
        }
        if pos.in_output() {
            properties.insert("in_output".into(), json!(true));
        }
    }
    if let Some(help) = &d.help {
        properties.insert("help".into(), json!(help));
    }
    properties.insert("fixable".into(), json!(d.fixable));
    for (k, v) in &d.properties {
        properties.entry(k.clone()).or_insert_with(|| v.clone());
    }
    result.insert("properties".into(), Value::Object(properties));
    Value::Object(result)
}

fn physical_location(label: &Located) -> Value {
    let pos = &label.position;
    json!({
        "artifactLocation": { "uri": uri(&label.file) },
        "region": {
            "startLine": pos.start.line,
            "startColumn": pos.start.column,
            "endLine": pos.end.line,
            "endColumn": pos.end.column,
        },
    })
}

/// A safe or unsafe edit as a SARIF `fix` (byte regions of the raw file).
fn fix(d: &Finding) -> Option<Value> {
    if d.edits.is_empty() {
        return None;
    }
    let replacements: Vec<Value> = d
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": { "byteOffset": e.range.start, "byteLength": e.range.len() },
                "insertedContent": { "text": e.content },
            })
        })
        .collect();
    let mut value = json!({
        "artifactChanges": [{
            "artifactLocation": { "uri": uri(d.path()) },
            "replacements": replacements,
        }],
    });
    if let Some(help) = &d.help {
        value["description"] = json!({ "text": help });
    }
    Some(value)
}

/// A path as a URI reference: relative paths stay relative (forward slashes,
/// percent-encoded), absolute ones become `file://` URIs.
pub(crate) fn uri(path: &Path) -> String {
    let slashed = crate::source::path_slash(path);
    let encoded = percent_encode(&slashed, path.is_absolute());
    if path.is_absolute() {
        if encoded.starts_with('/') {
            format!("file://{encoded}")
        } else {
            // A Windows drive path (`C:/x`).
            format!("file:///{encoded}")
        }
    } else {
        encoded
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters, `/`, and (in an absolute
/// path) a drive colon. A relative path's colon must be encoded, or `a:b` reads as a scheme.
fn percent_encode(s: &str, absolute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, b) in s.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            // `C:/…`: keep a drive letter's colon readable.
            || (absolute && b == b':' && i == 1 && s.as_bytes()[0].is_ascii_alphabetic());
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths with spaces and non-ASCII names are still valid URI references.
    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            uri(Path::new("./notebooks/a b.ipynb")),
            "notebooks/a%20b.ipynb"
        );
        assert_eq!(uri(Path::new("données/x.py")), "donn%C3%A9es/x.py");
        assert_eq!(uri(Path::new("a:b#c.py")), "a%3Ab%23c.py");
        if cfg!(unix) {
            assert_eq!(uri(Path::new("/tmp/x y.py")), "file:///tmp/x%20y.py");
        }
    }

    #[test]
    fn section_extracts_one_heading() {
        let docs = "## What it does\nFlags X.\n\n## Why is this bad?\nBecause.\n";
        assert_eq!(section(docs, "What it does"), Some("Flags X."));
        assert_eq!(section(docs, "Why is this bad?"), Some("Because."));
        assert_eq!(section(docs, "Example"), None);
    }
}
