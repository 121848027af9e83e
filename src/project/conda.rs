//! `conda.yaml` / `environment.yml`: conda specs, the `pip:` list, channels.

use std::path::Path;

use super::environment::*;
use crate::source::TextRange;

impl EnvSet {
    pub(super) fn read_conda(&mut self, idx: usize) {
        let Some(root) = self.parse_yaml(idx) else {
            return;
        };
        let src = self.text(idx);
        if root.is_null() {
            self.files[idx].yaml = Some(root);
            return;
        }
        if root.as_map().is_none() {
            self.problem(
                idx,
                root.range,
                ProblemKind::Invalid,
                format!(
                    "a conda environment file must be a mapping, found {}",
                    root.kind_name()
                ),
                None,
            );
            return;
        }
        if let Some(ch) = root.get("channels")
            && !ch.is_null()
        {
            match ch.as_seq() {
                Some(items) => {
                    for item in items {
                        if item.as_str().is_none() {
                            self.problem(
                                idx,
                                item.range,
                                ProblemKind::Invalid,
                                format!(
                                    "`channels` entries must be strings, found {}",
                                    item.kind_name()
                                ),
                                None,
                            );
                        }
                    }
                }
                None => self.problem(
                    idx,
                    ch.range,
                    ProblemKind::Invalid,
                    format!("`channels` must be a list, found {}", ch.kind_name()),
                    Some("write `channels:` as a list (`- conda-forge`)"),
                ),
            }
        }
        let Some(deps) = root.get("dependencies") else {
            self.files[idx].yaml = Some(root);
            return;
        };
        let Some(items) = deps.as_seq() else {
            if !deps.is_null() {
                self.problem(
                    idx,
                    deps.range,
                    ProblemKind::Invalid,
                    format!("`dependencies` must be a list, found {}", deps.kind_name()),
                    Some("write `dependencies:` as a list (`- numpy=1.26`)"),
                );
            }
            self.files[idx].yaml = Some(root);
            return;
        };
        let mut has_pip = false;
        let mut pip_key: Option<TextRange> = None;
        for item in items {
            if let Some(s) = item.scalar_text().filter(|_| item.as_scalar().is_some()) {
                if item.is_null() {
                    continue;
                }
                let (name, spec, spec_text) = parse_conda_spec(s);
                if name.is_empty() {
                    self.problem(
                        idx,
                        item.range,
                        ProblemKind::InvalidRequirement,
                        format!("`{s}` is not a valid conda package spec"),
                        None,
                    );
                    continue;
                }
                if name == "pip" {
                    has_pip = true;
                }
                if name == "python" {
                    if let Some(spec) = spec.clone() {
                        self.files[idx].python = Some(PythonReq {
                            file: idx,
                            range: item.range,
                            text: s.trim().to_string(),
                            spec,
                        });
                    }
                    continue;
                }
                self.push_dep(Dep {
                    file: idx,
                    range: item.range,
                    raw_name: name.clone(),
                    name: normalize(&name),
                    syntax: Syntax::Conda,
                    spec,
                    spec_text,
                    url: false,
                    dev: false,
                    group: None,
                });
            } else if let Some(map) = item.as_map() {
                for (k, v) in map {
                    if k.scalar_text() != Some("pip") {
                        self.problem(
                            idx,
                            k.range,
                            ProblemKind::Invalid,
                            format!(
                                "unknown dependency mapping `{}`: conda only understands `pip:`",
                                k.scalar_text().unwrap_or("?")
                            ),
                            None,
                        );
                        continue;
                    }
                    pip_key = Some(k.range);
                    match v.as_seq() {
                        Some(reqs) => {
                            for r in reqs {
                                match r
                                    .as_str()
                                    .or_else(|| r.scalar_text().filter(|t| !t.is_empty()))
                                {
                                    Some(line) => {
                                        let base = src.path.parent().map(Path::to_path_buf);
                                        self.read_requirement_line(
                                            idx,
                                            line,
                                            r.range,
                                            base.as_deref(),
                                        );
                                    }
                                    None => self.problem(
                                        idx,
                                        r.range,
                                        ProblemKind::Invalid,
                                        format!(
                                            "`pip:` entries must be strings, found {}",
                                            r.kind_name()
                                        ),
                                        None,
                                    ),
                                }
                            }
                        }
                        None if v.is_null() => {}
                        None => {
                            // Still read a lone requirement, so other rules do not cascade.
                            if let Some(line) = v.as_str() {
                                let base = src.path.parent().map(Path::to_path_buf);
                                self.read_requirement_line(idx, line, v.range, base.as_deref());
                            }
                            self.problem(
                                idx,
                                v.range,
                                ProblemKind::Invalid,
                                format!(
                                    "`pip:` must be a list of requirements, found {}",
                                    v.kind_name()
                                ),
                                Some("indent the requirements under `pip:` as a list"),
                            );
                        }
                    }
                }
            } else {
                self.problem(
                    idx,
                    item.range,
                    ProblemKind::Invalid,
                    format!(
                        "a dependency must be a string or `pip:` list, found {}",
                        item.kind_name()
                    ),
                    None,
                );
            }
        }
        if let Some(range) = pip_key
            && !has_pip
        {
            self.problem(
                idx,
                range,
                ProblemKind::PipWithoutPip,
                "`pip:` dependencies but `pip` itself is not a conda dependency".to_string(),
                Some("add `- pip` to `dependencies` so conda installs the pip packages with the environment's own pip"),
            );
        }
        self.files[idx].yaml = Some(root);
    }
}
