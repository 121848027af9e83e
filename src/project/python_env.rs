//! MLflow's `python_env.yaml` (`python`, `build_dependencies`, `dependencies`); a conda-format
//! file named as one is read as conda.

use std::path::Path;
use std::str::FromStr;

use super::environment::*;
use super::requirements::split_requirement_options;
use crate::source::yaml::Resolved;
use crate::source::yaml::{self, YamlNode};
use pep508_rs::Requirement;

impl EnvSet {
    pub(super) fn read_python_env(&mut self, idx: usize) {
        // A conda file named as `python_env` (`python_env: conda.yaml`): read it as what it
        // is, and let the MLproject rule say so once, instead of a finding per conda key.
        {
            let src = self.text(idx);
            if let Ok(root) = yaml::parse(&src.text)
                && looks_like_conda(&root)
            {
                self.files[idx].kind = EnvKind::Conda;
                self.files[idx].conda_as_python_env = true;
                self.read_conda(idx);
                return;
            }
        }
        let Some(root) = self.parse_yaml(idx) else {
            return;
        };
        let Some(map) = root.as_map() else {
            if !root.is_null() {
                self.problem(
                    idx,
                    root.range,
                    ProblemKind::PythonEnvSchema,
                    format!(
                        "`python_env.yaml` must be a mapping, found {}",
                        root.kind_name()
                    ),
                    None,
                );
            }
            return;
        };
        let src = self.text(idx);
        let base = src.path.parent().map(Path::to_path_buf);
        for (k, v) in map {
            let key = k.scalar_text().unwrap_or("");
            match key {
                "python" => {
                    match v.as_scalar() {
                        Some(s) if s.resolve() == Resolved::Str => {
                            if let Some(spec) = python_prefix_spec(&s.text) {
                                self.files[idx].python = Some(PythonReq {
                                    file: idx,
                                    range: v.range,
                                    text: s.text.clone(),
                                    spec,
                                });
                            } else {
                                self.problem(
                                    idx,
                                    v.range,
                                    ProblemKind::PythonEnvSchema,
                                    format!("`python: {}` is not a Python version", s.text),
                                    Some("write a version such as \"3.10\" or \"3.10.12\""),
                                );
                            }
                        }
                        Some(s) if matches!(s.resolve(), Resolved::Float(_) | Resolved::Int) => {
                            // Reported once, as an unquoted version when it loses digits,
                            // else as a schema error (MLflow raises a TypeError for any number).
                            if s.resolve() == Resolved::Int || float_repr(&s.text) == s.text {
                                self.problem(
                                    idx,
                                    v.range,
                                    ProblemKind::PythonEnvSchema,
                                    format!("`python` must be a string, but `{}` is a number: MLflow raises a TypeError", s.text),
                                    Some("quote the version: python: \"3.9\""),
                                );
                            }
                            if let Some(spec) = python_prefix_spec(&s.text) {
                                self.files[idx].python = Some(PythonReq {
                                    file: idx,
                                    range: v.range,
                                    text: s.text.clone(),
                                    spec,
                                });
                            }
                        }
                        _ => self.problem(
                            idx,
                            v.range,
                            ProblemKind::PythonEnvSchema,
                            format!("`python` must be a string, found {}", v.kind_name()),
                            Some("write the version as a quoted string: python: \"3.10\""),
                        ),
                    }
                }
                "build_dependencies" | "dependencies" => match v.as_seq() {
                    Some(items) => {
                        for item in items {
                            match item.scalar_text().filter(|t| !t.is_empty()) {
                                Some(line) => {
                                    if key == "dependencies" {
                                        self.read_requirement_line(
                                            idx,
                                            line,
                                            item.range,
                                            base.as_deref(),
                                        );
                                    } else {
                                        // Build deps (pip, setuptools, wheel) are checked for
                                        // syntax only.
                                        let (_, req) = split_requirement_options(line);
                                        if !req.is_empty()
                                            && Requirement::<pep508_rs::VerbatimUrl>::from_str(req)
                                                .is_err()
                                        {
                                            self.problem(
                                                idx,
                                                item.range,
                                                ProblemKind::InvalidRequirement,
                                                format!("`{line}` is not a valid requirement"),
                                                None,
                                            );
                                        }
                                    }
                                }
                                None => self.problem(
                                    idx,
                                    item.range,
                                    ProblemKind::PythonEnvSchema,
                                    format!(
                                        "`{key}` entries must be strings, found {}",
                                        item.kind_name()
                                    ),
                                    None,
                                ),
                            }
                        }
                    }
                    None => self.problem(
                        idx,
                        v.range,
                        ProblemKind::PythonEnvSchema,
                        format!(
                            "`{key}` must be a list, found {}: MLflow raises a TypeError",
                            v.kind_name()
                        ),
                        Some("write the dependencies as a YAML list"),
                    ),
                },
                _ => {
                    let suggestion = crate::suggest::did_you_mean(
                        key,
                        &["python", "build_dependencies", "dependencies"],
                    );
                    self.problem(
                        idx,
                        k.range,
                        ProblemKind::PythonEnvSchema,
                        format!(
                            "unknown key `{key}` in python_env.yaml: MLflow raises a TypeError{}",
                            suggestion
                                .map(|s| format!(" (did you mean `{s}`?)"))
                                .unwrap_or_default()
                        ),
                        Some("keep only `python`, `build_dependencies` and `dependencies`"),
                    );
                }
            }
        }
        self.files[idx].yaml = Some(root);
    }
}

/// Whether a YAML root is a conda environment (`channels`, `name`, or a `pip:` mapping in
/// `dependencies`) rather than a `python_env.yaml` (`python`, `build_dependencies`,
/// `dependencies`).
pub fn looks_like_conda(root: &YamlNode) -> bool {
    root.as_map().is_some()
        && (root.get("channels").is_some()
            || root.get("name").is_some()
            || root
                .get("dependencies")
                .and_then(YamlNode::as_seq)
                .is_some_and(|items| items.iter().any(|i| i.as_map().is_some())))
        && root.get("build_dependencies").is_none()
}
