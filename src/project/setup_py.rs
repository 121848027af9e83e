//! setuptools' `setup.py`: a literal `install_requires=[…]`, `tests_require=[…]`,
//! `extras_require={…}` and `python_requires=` (never run).

use std::str::FromStr;

use pep508_rs::pep440_rs::VersionSpecifiers;

use super::environment::*;
use crate::source::TextRange;

impl EnvSet {
    pub(super) fn read_setup_py(&mut self, idx: usize) {
        let src = self.text(idx);
        let text = src.text.as_str();
        let Some(at) = find_keyword_arg(text, "install_requires") else {
            // No literal list: computed elsewhere (or no dependencies at all).
            self.files[idx].opaque = text.contains("install_requires");
            if let Some((v, range)) = setup_py_string(text, "python_requires")
                && let Ok(spec) = VersionSpecifiers::from_str(&v)
            {
                self.files[idx].python = Some(PythonReq {
                    file: idx,
                    range,
                    text: v,
                    spec,
                });
            }
            return;
        };
        if self.read_setup_py_list(idx, text, at).is_none() {
            self.files[idx].opaque = true;
        }
        // Test and extra dependencies: declared too (dev when the extra's name says so).
        if let Some(at) = find_keyword_arg(text, "tests_require") {
            self.dev_context = Some("tests_require".into());
            self.read_setup_py_list(idx, text, at);
            self.dev_context = None;
        }
        if let Some(at) = find_keyword_arg(text, "extras_require") {
            self.read_setup_py_extras(idx, text, at);
        }
        if let Some((v, range)) = setup_py_string(text, "python_requires")
            && let Ok(spec) = VersionSpecifiers::from_str(&v)
        {
            self.files[idx].python = Some(PythonReq {
                file: idx,
                range,
                text: v,
                spec,
            });
        }
    }

    /// The string literals of the list literal at `at` (`["a", 'b>=1']`), each read as a
    /// requirement; the offset just past the list, or `None` when the value is not such a
    /// list (computed: a name, a call).
    fn read_setup_py_list(&mut self, idx: usize, text: &str, at: usize) -> Option<usize> {
        if !text[at..].starts_with('[') {
            return None;
        }
        let bytes = text.as_bytes();
        let mut i = at + 1;
        while i < text.len() {
            let c = bytes[i];
            match c {
                b']' => return Some(i + 1),
                b'"' | b'\'' => {
                    let end = text[i + 1..].find(c as char)?;
                    let value = &text[i + 1..i + 1 + end];
                    let range = TextRange::new(i + 1, i + 1 + end);
                    self.read_requirement_line(idx, value, range, None);
                    i += end + 2;
                }
                b'#' => {
                    i = text[i..].find('\n').map_or(text.len(), |n| i + n);
                }
                b',' | b' ' | b'\n' | b'\r' | b'\t' => i += 1,
                _ => return None,
            }
        }
        None
    }

    /// A dict literal `{"extra": ["req", …], …}` at `at`: each list read as requirements,
    /// dev when the extra's name is a development one (`test`, `dev`, `docs` …). Stops at
    /// the first value that is not a literal list.
    fn read_setup_py_extras(&mut self, idx: usize, text: &str, at: usize) {
        if !text[at..].starts_with('{') {
            return;
        }
        let bytes = text.as_bytes();
        let mut i = at + 1;
        while i < text.len() {
            let c = bytes[i];
            match c {
                b'}' => return,
                b'"' | b'\'' => {
                    let Some(end) = text[i + 1..].find(c as char) else {
                        return;
                    };
                    let key = &text[i + 1..i + 1 + end];
                    i += end + 2;
                    let rest = text[i..].trim_start_matches([' ', '\t', '\n', '\r']);
                    let Some(value) = rest.strip_prefix(':') else {
                        return;
                    };
                    let value = value.trim_start_matches([' ', '\t', '\n', '\r']);
                    let list_at = text.len() - value.len();
                    self.dev_context = is_dev_name(key).then(|| key.to_string());
                    let end = self.read_setup_py_list(idx, text, list_at);
                    self.dev_context = None;
                    let Some(end) = end else {
                        return;
                    };
                    i = end;
                }
                b'#' => {
                    i = text[i..].find('\n').map_or(text.len(), |n| i + n);
                }
                b',' | b' ' | b'\n' | b'\r' | b'\t' => i += 1,
                _ => return,
            }
        }
    }
}

/// The offset just after `name=` (spaces allowed) in a `setup(...)` call, at the value.
pub fn find_keyword_arg(text: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = text[from..].find(name) {
        let at = from + p;
        from = at + name.len();
        let before_ok = at == 0
            || !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = text[from..].trim_start_matches([' ', '\t']);
        if before_ok
            && let Some(v) = after.strip_prefix('=')
            && !v.starts_with('=')
        {
            let v2 = v.trim_start();
            return Some(text.len() - v2.len());
        }
    }
    None
}

/// A literal string keyword argument of `setup(...)` (`python_requires=">=3.8"`).
pub fn setup_py_string(text: &str, name: &str) -> Option<(String, TextRange)> {
    let at = find_keyword_arg(text, name)?;
    let q = text[at..]
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')?;
    let end = text[at + 1..].find(q)?;
    Some((
        text[at + 1..at + 1 + end].to_string(),
        TextRange::new(at + 1, at + 1 + end),
    ))
}
