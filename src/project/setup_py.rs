//! setuptools' `setup.py`: a literal `install_requires=[…]` and `python_requires=` (never run).

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
        let rest = &text[at..];
        if !rest.starts_with('[') {
            self.files[idx].opaque = true;
        } else {
            // String literals up to the closing bracket; anything else makes it computed.
            let mut i = at + 1;
            let bytes = text.as_bytes();
            while i < text.len() {
                let c = bytes[i];
                match c {
                    b']' => break,
                    b'"' | b'\'' => {
                        let Some(end) = text[i + 1..].find(c as char) else {
                            break;
                        };
                        let value = &text[i + 1..i + 1 + end];
                        let range = TextRange::new(i + 1, i + 1 + end);
                        self.read_requirement_line(idx, value, range, None);
                        i += end + 2;
                    }
                    b'#' => {
                        i = text[i..].find('\n').map_or(text.len(), |n| i + n);
                    }
                    b',' | b' ' | b'\n' | b'\r' | b'\t' => i += 1,
                    _ => {
                        self.files[idx].opaque = true;
                        break;
                    }
                }
            }
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
