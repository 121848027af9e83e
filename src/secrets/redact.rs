//! Never a secret printed whole: what to hide wherever mlcheck shows file text.
//!
//! Promises: the ranges hidden come from the findings the run reported (every pattern the
//! configuration selects, the user's `[[secrets.extend-patterns]]` included): each file's
//! reported secrets are recorded when it is checked ([`record`]) and code frames mask their
//! ranges and every other occurrence of the same text ([`reported_ranges`]). Text that no
//! check ran on (a `fix --diff`, a frame of a rule run without `SEC`) is scanned with the
//! configured patterns ([`active_patterns`]), never with the built-in set alone. Masks keep
//! at most the first four characters of a secret (a quarter of it), like the messages.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use super::pattern_set::PatternSet;
use super::scan::Finding;
use crate::source::{SourceFile, SourceKind, TextRange};

/// The pattern set of the loaded configuration, when it differs from the built-in one.
static ACTIVE: Mutex<Option<Arc<PatternSet>>> = Mutex::new(None);

/// Secrets reported per file (keyed by the `SourceFile`'s address, checked by a weak
/// reference so a freed file's entry is never applied to another).
type Registry = HashMap<usize, (Weak<SourceFile>, Vec<(TextRange, String)>)>;

fn registry() -> &'static Mutex<Registry> {
    static REPORTED: OnceLock<Mutex<Registry>> = OnceLock::new();
    REPORTED.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Remember the configured set (called when a configuration's patterns are compiled).
pub fn set_active(set: &Arc<PatternSet>) {
    if let Ok(mut active) = ACTIVE.lock() {
        *active = Some(Arc::clone(set));
    }
}

/// The configured patterns: the user's set when a configuration added or removed
/// patterns, else the built-in one.
pub fn active_patterns() -> Option<Arc<PatternSet>> {
    if let Ok(active) = ACTIVE.lock()
        && let Some(set) = active.as_ref()
    {
        return Some(Arc::clone(set));
    }
    PatternSet::builtin().ok()
}

/// Record the secrets found in `file` (before suppressions: a suppressed finding's secret
/// is hidden all the same).
pub fn record(file: &Arc<SourceFile>, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    let Ok(mut reg) = registry().lock() else {
        return;
    };
    // Forget freed files now and then (not on every call: that would be quadratic).
    if reg.len() % 256 == 255 {
        reg.retain(|_, (weak, _)| weak.strong_count() > 0);
    }
    let entry = reg
        .entry(Arc::as_ptr(file) as usize)
        .or_insert_with(|| (Arc::downgrade(file), Vec::new()));
    if !std::ptr::eq(entry.0.as_ptr(), Arc::as_ptr(file)) {
        *entry = (Arc::downgrade(file), Vec::new());
    }
    for f in findings {
        entry.1.push((f.range, f.secret.clone()));
    }
}

/// The part of `range` of `text` to hide: all but the first `min(4, len / 4)` characters.
pub fn hidden_part(text: &str, range: TextRange) -> Option<TextRange> {
    let shown = text.get(range.start()..range.end())?;
    let keep_chars = (shown.chars().count() / 4).min(4);
    let keep: usize = shown.chars().take(keep_chars).map(char::len_utf8).sum();
    let hidden = TextRange::new(range.start() + keep, range.end());
    (!hidden.is_empty()).then_some(hidden)
}

/// Ranges of `text[region]` to hide for the secrets reported in `file`: their raw ranges
/// when `raw` (the text is the file's own), and every occurrence of each secret's text.
pub fn reported_ranges(
    file: &Arc<SourceFile>,
    text: &str,
    region: (usize, usize),
    raw: bool,
) -> Vec<TextRange> {
    let Ok(reg) = registry().lock() else {
        return Vec::new();
    };
    let Some((weak, secrets)) = reg.get(&(Arc::as_ptr(file) as usize)) else {
        return Vec::new();
    };
    if !std::ptr::eq(weak.as_ptr(), Arc::as_ptr(file)) {
        return Vec::new();
    }
    let (a, b) = region;
    let Some(slice) = text.get(a..b) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (range, secret) in secrets {
        if raw && range.start() < b && a < range.end() && range.end() <= text.len() {
            out.extend(hidden_part(text, *range));
        }
        if secret.len() >= 4 {
            for (at, _) in slice.match_indices(secret.as_str()) {
                out.extend(hidden_part(
                    text,
                    TextRange::new(a + at, a + at + secret.len()),
                ));
            }
        }
    }
    out
}

/// `text` (the contents of a file at `path`) with every secret the configured patterns find
/// masked by `*` (one per byte, so lines and offsets keep their shape): for diffs.
pub fn mask_file_text(path: &Path, text: &str) -> String {
    let Some(set) = active_patterns() else {
        return text.to_string();
    };
    let kind = SourceKind::from_path(path).unwrap_or(SourceKind::Text);
    let file = SourceFile::new(path.to_path_buf(), text.to_string(), kind);
    let options = super::Options::default();
    let findings = super::scan::scan_file(&file, &set, &options);
    let mut ranges: Vec<TextRange> = Vec::new();
    for f in &findings {
        ranges.extend(hidden_part(text, f.range));
        // The same secret elsewhere in the file (written another way in the raw JSON).
        if f.secret.len() >= 4 {
            for (at, _) in text.match_indices(f.secret.as_str()) {
                ranges.extend(hidden_part(text, TextRange::new(at, at + f.secret.len())));
            }
        }
    }
    mask(text, &ranges)
}

/// `text` with the bytes of `ranges` replaced by `*` (whole characters).
pub fn mask(text: &str, ranges: &[TextRange]) -> String {
    if ranges.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (i, ch) in text.char_indices() {
        if ranges.iter().any(|r| r.start() <= i && i < r.end()) {
            for _ in 0..ch.len_utf8() {
                out.push('*');
            }
        } else {
            out.push(ch);
        }
    }
    out
}

/// A path with any secret the configured patterns find in it masked. A bare high-entropy
/// piece is left alone (content-addressed caches name files by hashes, and the path must
/// still lead to the file).
pub fn mask_name(name: &str) -> String {
    // Paths repeat (one per finding): remember the answers.
    static CACHE: OnceLock<Mutex<HashMap<String, String>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(c) = cache.lock()
        && let Some(hit) = c.get(name)
    {
        return hit.clone();
    }
    let masked = mask_uncached(name, false);
    // A run writes each file's findings together: a small cache, emptied when full, keeps
    // memory flat however many files have findings.
    if let Ok(mut c) = cache.lock() {
        if c.len() >= 4096 {
            c.clear();
        }
        c.insert(name.to_string(), masked.clone());
    }
    masked
}

/// A `PathBuf` with any secret in it masked ([`mask_name`]).
pub fn mask_path(path: &Path) -> std::path::PathBuf {
    match path.to_str() {
        Some(s) => {
            let masked = mask_name(s);
            if masked == s {
                path.to_path_buf()
            } else {
                std::path::PathBuf::from(masked)
            }
        }
        None => path.to_path_buf(),
    }
}

/// A message quoting text mlcheck did not write (a config error, an I/O error naming a
/// file): [`mask_name`], and also any long high-entropy piece the generic rule would call a
/// secret were it assigned to a key.
pub fn mask_message(text: &str) -> String {
    mask_uncached(text, true)
}

fn mask_uncached(name: &str, loose: bool) -> String {
    let Some(set) = active_patterns() else {
        return name.to_string();
    };
    let findings = super::scan::scan_text(name, &set, false);
    let mut ranges: Vec<TextRange> = findings
        .iter()
        .filter_map(|f| hidden_part(name, f.range))
        .collect();
    // Each piece between separators (and a file name without its extension, since a
    // token must end at a quote or space): a provider's token alone (`sk-proj-….txt`);
    // when `loose`, also a value the generic rule would call a secret under a key name.
    for (start, piece) in pieces(name) {
        if piece.len() < 8 {
            continue;
        }
        let mut probes = vec![(format!("\"{piece}\""), 1, false)];
        if loose && piece.len() >= 16 {
            probes.push((format!("api_key = \"{piece}\""), "api_key = \"".len(), true));
        }
        for (probe, offset, generic) in probes {
            for f in super::scan::scan_text(&probe, &set, false) {
                if f.range.start() >= offset && (generic || !f.generic) {
                    let end = (f.range.end() - offset).min(piece.len());
                    let r = TextRange::new(start + f.range.start() - offset, start + end);
                    ranges.extend(hidden_part(name, r));
                }
            }
        }
    }
    mask(name, &ranges)
}

/// The pieces of a path or key between `/`, `\`, `.` (when followed by an extension-like
/// tail), quotes and spaces, with their byte offsets.
fn pieces(name: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices() {
        if matches!(c, '/' | '\\' | ' ' | '"' | '\'' | '`' | '\n') {
            if i > start {
                out.push((start, &name[start..i]));
            }
            start = i + c.len_utf8();
        }
    }
    if start < name.len() {
        out.push((start, &name[start..]));
    }
    // A file name's extension is not part of a token.
    let mut more = Vec::new();
    for &(s, p) in &out {
        if let Some((stem, _)) = p.rsplit_once('.') {
            more.push((s, stem));
        }
    }
    out.extend(more);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_a_short_prefix() {
        let text = "key sk-proj-abcdefghijklmnop end";
        let r = hidden_part(text, TextRange::new(4, 28)).unwrap();
        assert_eq!(mask(text, &[r]), "key sk-p******************** end");
    }

    #[test]
    fn a_token_in_a_name_is_masked() {
        let name = "keys/sk-proj-Wq3Ht8Zr5Kc2Nv7Lb4Xm9Pd6Fs1Gy0Jt5Qe8Rw2Ua7Io4Sd1Fg6Hj3Kl9Zx.txt";
        let masked = mask_name(name);
        assert!(
            !masked.contains("Wq3Ht8Zr5Kc2Nv7Lb4Xm9Pd6Fs1Gy0Jt5"),
            "{masked}"
        );
        assert!(masked.ends_with(".txt"), "{masked}");
        // A content-addressed file keeps its name (the path must lead to it).
        let cache = ".dvc/cache/3f/a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6";
        assert_eq!(mask_name(cache), cache);
        let name = "notes/ghp_k8Hq2Wn5Zp9Rt3Yx7Lm1Vb4Nc6Dj0Fg2Hs8Kq.txt";
        let masked = mask_name(name);
        assert!(
            !masked.contains("k8Hq2Wn5Zp9Rt3Yx7Lm1Vb4Nc6Dj0Fg2Hs8Kq"),
            "{masked}"
        );
        assert!(masked.starts_with("notes/ghp_"), "{masked}");
        assert_eq!(mask_name("src/train.py"), "src/train.py");
    }
}
