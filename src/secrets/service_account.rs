//! The `gcp-service-account-key` check: a JSON object (a `.json` file, a dict in a cell,
//! a printed output) with `"type": "service_account"` and a `"private_key"`.
//!
//! Structural, not one regex: each `"type": "service_account"` is taken to its enclosing
//! `{…}` object; the object is parsed as JSON when it is JSON (else read as a Python dict
//! literal), and reported when it holds a `private_key` that looks like a real PEM key
//! (a long body, not a run of one character). The secret is the private key's value.

use regex::Regex;
use std::sync::OnceLock;

use crate::source::TextRange;
use crate::source::json;

pub const PATTERN_ID: &str = "gcp-service-account-key";
pub const DESCRIPTION: &str = "Google Cloud service-account key (JSON with a private key)";

/// How far from the `type` member the object's braces are looked for.
const MAX_OBJECT: usize = 64 * 1024;

fn type_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"\\*["']type\\*["']\s*:\s*\\*["']service_account\\*["']"#)
            .expect("static regex")
    })
}

fn key_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"\\*["']private_key\\*["']\s*:\s*\\*["'](-----BEGIN[^"']{40,}?-----END[ A-Z]*PRIVATE KEY-----[^"']*?)\\*["']"#)
            .expect("static regex")
    })
}

/// `(range of the private key value, decoded key)` for each service-account object.
pub fn find(text: &str) -> Vec<(TextRange, String)> {
    let mut out = Vec::new();
    static FINDER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let finder = FINDER.get_or_init(|| memchr::memmem::Finder::new("service_account"));
    if finder.find(text.as_bytes()).is_none() {
        return out;
    }
    let mut last_end = 0;
    for m in type_regex().find_iter(text) {
        if m.start() < last_end {
            continue;
        }
        let Some((open, close)) = enclosing_object(text, m.start()) else {
            continue;
        };
        last_end = close;
        let object = &text[open..close];
        if let Some((range, key)) = private_key_in(object) {
            if !plausible_key(&key) {
                continue;
            }
            out.push((range.offset(open), key));
        }
    }
    out
}

/// The key's range inside `object` and its decoded value.
fn private_key_in(object: &str) -> Option<(TextRange, String)> {
    // Parsed as JSON when it is JSON.
    if let Ok(root) = json::parse(object)
        && let Some(key) = root.get(object, "private_key")
        && key.is_string()
    {
        let value = key.as_str(object)?.into_owned();
        let r = key.range;
        return Some((TextRange::new(r.start() + 1, r.end() - 1), value));
    }
    // A Python dict or an escaped JSON string: find the member textually.
    let caps = key_regex().captures(object)?;
    let g = caps.get(1)?;
    Some((TextRange::new(g.start(), g.end()), g.as_str().to_string()))
}

fn plausible_key(key: &str) -> bool {
    let body: String = key
        .lines()
        .flat_map(|l| l.split("\\n"))
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let body = body.trim();
    if body.len() < 64 {
        return false;
    }
    super::pattern_set::shannon_entropy(body) >= 4.0
}

/// The `{`…`}` around `at`, by brace depth (strings in service-account JSON hold no
/// braces).
fn enclosing_object(text: &str, at: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let lo = at.saturating_sub(MAX_OBJECT);
    let mut depth = 0i32;
    let mut open = None;
    for i in (lo..at).rev() {
        match bytes[i] {
            b'}' => depth += 1,
            b'{' if depth == 0 => {
                open = Some(i);
                break;
            }
            b'{' => depth -= 1,
            _ => {}
        }
    }
    let open = open?;
    let hi = (at + MAX_OBJECT).min(bytes.len());
    let mut depth = 0i32;
    for (i, &b) in bytes.iter().enumerate().take(hi).skip(open) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open, i + 1));
                }
            }
            _ => {}
        }
    }
    None
}
