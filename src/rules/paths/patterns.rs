//! The hard-coded path patterns of `rules/paths.toml`, compiled once.

use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFile {
    pattern: Vec<RawPattern>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPattern {
    id: String,
    description: String,
    regex: String,
    #[serde(default)]
    file_api_only: bool,
    examples: Examples,
}

/// A pattern's must-match and must-not-match examples.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Examples {
    #[serde(rename = "match")]
    pub matches: Vec<String>,
    pub no_match: Vec<String>,
}

#[derive(Debug)]
pub struct PathPattern {
    pub id: String,
    pub description: String,
    pub regex: Regex,
    /// Only when the literal is handed straight to a call (`~/…`).
    pub file_api_only: bool,
    pub examples: Examples,
}

/// A pattern that matched a literal: which one, and where in the literal's value.
#[derive(Debug, Clone, Copy)]
pub struct PathMatch<'p> {
    pub pattern: &'p PathPattern,
    pub start: usize,
    pub end: usize,
}

/// Parse and compile a patterns file; errors name the pattern.
pub fn load(text: &str) -> Result<Vec<PathPattern>, String> {
    let raw: RawFile = toml::from_str(text).map_err(|e| format!("rules/paths.toml: {e}"))?;
    let mut out: Vec<PathPattern> = Vec::new();
    for p in raw.pattern {
        if out.iter().any(|o| o.id == p.id) {
            return Err(format!("rules/paths.toml: duplicate pattern id `{}`", p.id));
        }
        let regex = Regex::new(&format!("^(?:{})", p.regex))
            .map_err(|e| format!("rules/paths.toml: pattern `{}`: {e}", p.id))?;
        out.push(PathPattern {
            id: p.id,
            description: p.description,
            regex,
            file_api_only: p.file_api_only,
            examples: p.examples,
        });
    }
    Ok(out)
}

/// The built-in patterns (`rules/paths.toml`, compiled in and tested).
pub fn builtin() -> &'static [PathPattern] {
    static PATTERNS: OnceLock<Vec<PathPattern>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        // The file is part of the binary and `tests/it/paths.rs` loads it: it cannot fail at
        // run time unless the build itself is broken.
        load(include_str!("../../../rules/paths.toml")).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The first pattern matching a string literal's value, at its start or after a space,
/// tab or `=`. URLs (anything with `://` other than `file://`) never match.
pub fn find<'p>(patterns: &'p [PathPattern], value: &str, file_api: bool) -> Option<PathMatch<'p>> {
    if !value.contains(['/', '\\']) {
        return None;
    }
    let mut v = value;
    let mut offset = 0;
    if let Some(rest) = v.strip_prefix("file://") {
        offset = 7;
        v = rest;
    }
    if v.contains("://") {
        return None;
    }
    let bytes = v.as_bytes();
    let starts = std::iter::once(0).chain(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, b' ' | b'\t' | b'=' | b'\n'))
            .map(|(i, _)| i + 1),
    );
    for start in starts {
        let Some(rest) = v.get(start..) else { continue };
        if !rest.starts_with(['/', '\\', '~']) && rest.as_bytes().get(1).is_none_or(|b| *b != b':')
        {
            continue;
        }
        for p in patterns {
            if p.file_api_only && !file_api {
                continue;
            }
            if let Some(m) = p.regex.find(rest) {
                return Some(PathMatch {
                    pattern: p,
                    start: offset + start,
                    end: offset + start + m.end(),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_examples_hold() {
        let patterns = builtin();
        assert!(patterns.len() >= 10);
        for p in patterns {
            for ex in &p.examples.matches {
                let m = find(std::slice::from_ref(p), ex, true);
                assert!(m.is_some(), "{}: should match {ex:?}", p.id);
            }
            for ex in &p.examples.no_match {
                let m = find(std::slice::from_ref(p), ex, true);
                assert!(m.is_none(), "{}: should not match {ex:?}", p.id);
            }
        }
    }

    #[test]
    fn bad_files_name_the_pattern() {
        let bad = "[[pattern]]\nid = \"x\"\ndescription = \"d\"\nregex = \"(\"\nexamples.match = []\nexamples.no-match = []\n";
        assert!(load(bad).unwrap_err().contains("`x`"));
        let dup = "[[pattern]]\nid = \"x\"\ndescription = \"d\"\nregex = \"a\"\nexamples.match = []\nexamples.no-match = []\n".repeat(2);
        assert!(load(&dup).unwrap_err().contains("duplicate"));
    }

    #[test]
    fn not_flagged() {
        for v in [
            "/tmp/x.csv",
            "/dev/null",
            "/etc/hosts",
            "/usr/share/dict/words",
            "data/train.csv",
            "https://x.org/home/bob/a",
            "~/.kaggle/kaggle.json",
            "/root/.cache",
        ] {
            assert!(find(builtin(), v, true).is_none(), "{v}");
        }
        assert!(find(builtin(), "~/data/x.csv", false).is_none());
        assert!(find(builtin(), "~/data/x.csv", true).is_some());
    }
}
