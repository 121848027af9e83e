//! setuptools' `setup.cfg`: `[options] install_requires`, `tests_require`, `python_requires`,
//! `[options.extras_require]`.

use std::str::FromStr;

use pep508_rs::pep440_rs::VersionSpecifiers;

use super::environment::*;
use crate::source::TextRange;

impl EnvSet {
    pub(super) fn read_setup_cfg(&mut self, idx: usize) {
        let src = self.text(idx);
        let text = src.text.as_str();
        let mut section = String::new();
        // (key, [(value line, range)]) of the current multi-line value.
        let mut key: Option<String> = None;
        let mut offset = 0;
        let mut entries: Vec<(String, String, String, TextRange)> = Vec::new();
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            let trimmed = content.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            let indented = content.starts_with([' ', '\t']);
            if !indented && trimmed.starts_with('[') && trimmed.ends_with(']') {
                section = trimmed[1..trimmed.len() - 1].trim().to_string();
                key = None;
                continue;
            }
            let lead = content.len() - content.trim_start().len();
            if indented {
                if let Some(k) = &key {
                    let range = TextRange::new(start + lead, start + lead + trimmed.len());
                    entries.push((section.clone(), k.clone(), trimmed.to_string(), range));
                }
                continue;
            }
            if let Some(sep) = content.find(['=', ':']) {
                let k = content[..sep].trim().to_string();
                let after = &content[sep + 1..];
                let v = after.trim();
                if !v.is_empty() {
                    let vs = start + sep + 1 + (after.len() - after.trim_start().len());
                    entries.push((
                        section.clone(),
                        k.clone(),
                        v.to_string(),
                        TextRange::new(vs, vs + v.len()),
                    ));
                }
                key = Some(k);
            } else {
                key = None;
            }
        }
        for (section, key, value, range) in entries {
            let deps = (section == "options"
                && matches!(key.as_str(), "install_requires" | "tests_require"))
                || section == "options.extras_require";
            if deps {
                if value.starts_with("file:") || value.starts_with("attr:") {
                    self.files[idx].opaque = true;
                    continue;
                }
                self.dev_context = (key == "tests_require"
                    || section == "options.extras_require" && is_dev_name(&key))
                .then(|| key.clone());
                self.read_requirement_line(idx, &value, range, None);
                self.dev_context = None;
            } else if section == "options" && key == "python_requires" {
                match VersionSpecifiers::from_str(&value) {
                    Ok(spec) => {
                        self.files[idx].python = Some(PythonReq {
                            file: idx,
                            range,
                            text: value.clone(),
                            spec,
                        })
                    }
                    Err(e) => self.problem(
                        idx,
                        range,
                        ProblemKind::InvalidRequirement,
                        format!(
                            "`python_requires = {value}` is not a valid version specifier: {}",
                            first_line(&e.to_string())
                        ),
                        None,
                    ),
                }
            }
        }
    }
}
