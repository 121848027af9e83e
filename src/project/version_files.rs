//! `.python-version` and `runtime.txt`: a Python version only.

use super::environment::*;
use crate::source::TextRange;

impl EnvSet {
    pub(super) fn read_python_version(&mut self, idx: usize) {
        let src = self.text(idx);
        let mut offset = 0;
        for line in src.text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let t = strip_comment(line).trim();
            if t.is_empty() {
                continue;
            }
            let lead = line.len() - line.trim_start().len();
            let range = TextRange::new(start + lead, start + lead + t.len());
            if let Some(spec) = python_prefix_spec(t) {
                self.files[idx].python = Some(PythonReq {
                    file: idx,
                    range,
                    text: t.to_string(),
                    spec,
                });
            } else if !(t == "system"
                || t.starts_with("pypy")
                || t.contains('/')
                || t.starts_with("miniconda")
                || t.starts_with("anaconda"))
            {
                self.problem(
                    idx,
                    range,
                    ProblemKind::Invalid,
                    format!("`{t}` is not a Python version"),
                    Some("write a version such as `3.10.12`"),
                );
            }
            break; // the first version is the one pyenv/uv use
        }
    }

    pub(super) fn read_runtime_txt(&mut self, idx: usize) {
        let src = self.text(idx);
        let t = src.text.trim();
        if t.is_empty() {
            return;
        }
        let start = src.text.find(t).unwrap_or(0);
        let range = TextRange::new(start, start + t.len());
        let version = t
            .strip_prefix("python-")
            .or_else(|| t.strip_prefix("python"));
        match version.and_then(python_prefix_spec) {
            Some(spec) => {
                self.files[idx].python = Some(PythonReq {
                    file: idx,
                    range,
                    text: t.to_string(),
                    spec,
                })
            }
            None => {
                // runtime.txt is also used by R (`r-4.2-…`) on Binder: only flag python ones.
                if t.starts_with("python") {
                    self.problem(
                        idx,
                        range,
                        ProblemKind::Invalid,
                        format!("`{t}` is not a valid runtime: expected `python-3.X.Y`"),
                        Some("write the version as `python-3.10.12`"),
                    );
                }
            }
        }
    }
}
