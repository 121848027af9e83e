//! Readers for the files that declare a project's environment: `conda.yaml` /
//! `environment.yml`, `python_env.yaml`, `requirements*.txt` (with `-r` includes),
//! `pyproject.toml`, `.python-version` and `runtime.txt`.
//!
//! Each reader turns one file into an [`EnvFile`]: the dependencies it declares and the Python
//! version it asks for, each with the byte range it came from, plus the structural problems it
//! found ([`Problem`]) for the rules to report. Readers never panic on user input and never
//! touch the network; a file is read and parsed once per project.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use pep508_rs::pep440_rs::{Operator, Version, VersionSpecifier, VersionSpecifiers};
use pep508_rs::{Requirement, VersionOrUrl};

use crate::source::yaml::{self, Resolved, YamlNode};
use crate::source::{SourceFile, SourceKind, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvKind {
    Conda,
    PythonEnv,
    Requirements,
    Pyproject,
    PythonVersionFile,
    RuntimeTxt,
    /// Pipenv's `Pipfile` (`[packages]`, `[dev-packages]`, `[requires] python_version`).
    Pipfile,
    /// setuptools' `setup.cfg` (`[options] install_requires`, `python_requires`,
    /// `[options.extras_require]`).
    SetupCfg,
    /// setuptools' `setup.py`: literal `install_requires=[…]` and `python_requires=`.
    SetupPy,
    /// A `Dockerfile`: `RUN pip install …` lines and the Python of `FROM python:3.X`.
    Dockerfile,
}

impl EnvKind {
    pub fn describe(self) -> &'static str {
        match self {
            EnvKind::Conda => "conda environment",
            EnvKind::PythonEnv => "python_env",
            EnvKind::Requirements => "requirements",
            EnvKind::Pyproject => "pyproject",
            EnvKind::PythonVersionFile => ".python-version",
            EnvKind::RuntimeTxt => "runtime.txt",
            EnvKind::Pipfile => "Pipfile",
            EnvKind::SetupCfg => "setup.cfg",
            EnvKind::SetupPy => "setup.py",
            EnvKind::Dockerfile => "Dockerfile",
        }
    }
}

/// How a dependency was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// A conda MatchSpec in a conda file's `dependencies`.
    Conda,
    /// A PEP 508 requirement (pip list, requirements.txt, python_env, pyproject).
    Pip,
}

#[derive(Clone, Debug)]
pub struct Dep {
    /// Index of the file in `EnvSet::files` it was read from.
    pub file: usize,
    pub range: TextRange,
    /// The name as written.
    pub raw_name: String,
    /// PEP 503-normalised distribution name (conda names mapped to PyPI names by the caller).
    pub name: String,
    pub syntax: Syntax,
    /// The versions allowed, in PEP 440 terms (`None`: any version, or a URL/path).
    pub spec: Option<VersionSpecifiers>,
    /// The version text as written (`=1.2`, `>=1,<2`, `~=1.4.6`).
    pub spec_text: String,
    /// Installed from a URL, a path or in editable mode.
    pub url: bool,
    /// A development or test dependency (`[dev-packages]`, a dependency group, a
    /// `requirements-dev.txt`). ENV014 counts them for every file: in ML repositories the
    /// training code is often what "dev" requirements install (measured on the ecosystem).
    pub dev: bool,
}

impl Dep {
    /// Pinned: an exact version or a prefix pin (`==`, `===`, `~=`, conda `=`).
    pub fn is_pinned(&self) -> bool {
        self.url
            || self.spec.as_ref().is_some_and(|s| {
                s.iter().any(|v| {
                    matches!(
                        v.operator(),
                        Operator::Equal
                            | Operator::EqualStar
                            | Operator::ExactEqual
                            | Operator::TildeEqual
                    )
                })
            })
    }
}

/// A Python version request found in a file.
#[derive(Clone, Debug)]
pub struct PythonReq {
    pub file: usize,
    pub range: TextRange,
    /// As written (`3.10`, `>=3.9`, `python-3.10.12`).
    pub text: String,
    /// The versions it allows.
    pub spec: VersionSpecifiers,
}

/// Something structurally wrong in an environment file, reported by the rule named in `rule`.
#[derive(Clone, Debug)]
pub struct Problem {
    pub file: usize,
    pub range: TextRange,
    pub kind: ProblemKind,
    pub message: String,
    pub help: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file does not parse or has the wrong shape.
    Invalid,
    /// `python_env.yaml` schema (keys, types).
    PythonEnvSchema,
    /// A requirement that is not valid PEP 508 (or conda MatchSpec).
    InvalidRequirement,
    /// `-r file` naming a file that does not exist.
    MissingInclude,
    /// `pip:` list in conda deps without `pip` itself.
    PipWithoutPip,
    /// `python: 3.10` read as a float.
    UnquotedVersion,
}

#[derive(Debug)]
pub struct EnvFile {
    pub source: Arc<SourceFile>,
    /// Absolute (or root-joined) path on disk.
    pub disk_path: PathBuf,
    pub kind: EnvKind,
    pub python: Option<PythonReq>,
    /// Indices into `EnvSet::deps`.
    pub deps: Vec<usize>,
    /// For conda files: the range of the `pip:` key, if any.
    pub yaml: Option<YamlNode>,
    /// Files this one includes (`-r`), as indices into `EnvSet::files`.
    pub includes: Vec<usize>,
    /// The dependencies are computed (`dynamic`, a variable in `setup.py`): what the file
    /// declares cannot be known without running code.
    pub opaque: bool,
    /// The file names a package index or link page (`--index-url`, `--extra-index-url`,
    /// `--find-links`, a uv/Poetry source): local versions such as `+cu118` can resolve.
    pub index_options: bool,
    /// A conda-format file that an MLproject names under `python_env`.
    pub conda_as_python_env: bool,
}

/// All environment files of one project, read once.
#[derive(Debug, Default)]
pub struct EnvSet {
    /// Reading a development table (`[dev-packages]`, a dependency group): its deps are dev.
    pub(crate) dev_context: bool,
    /// Files the per-file stage already loaded: taken from here, not read again.
    pub preloaded: super::imports::Preloaded,
    pub files: Vec<EnvFile>,
    pub deps: Vec<Dep>,
    pub problems: Vec<Problem>,
}

impl EnvSet {
    /// The file index of `disk_path`, if it was read.
    pub fn find(&self, disk_path: &Path) -> Option<usize> {
        self.files.iter().position(|f| f.disk_path == disk_path)
    }

    /// Read `disk_path` (shown to the user as `shown`) as `kind`, following `-r` includes.
    /// Returns the file's index, or `None` when it cannot be read.
    pub fn load(&mut self, disk_path: &Path, shown: &Path, kind: EnvKind) -> Option<usize> {
        if let Some(i) = self.find(disk_path) {
            return Some(i);
        }
        // A file that cannot be read is reported (ENV002), never dropped silently.
        let mut unread: Option<(usize, String)> = None;
        let preloaded = self.preloaded.get(disk_path);
        if preloaded.is_none() {
            super::imports::count_read();
        }
        let read = match &preloaded {
            Some(file) => Ok(file.text.clone().into_bytes()),
            None => std::fs::read(disk_path),
        };
        let text = match read {
            Ok(bytes) if bytes.len() > 4 * 1024 * 1024 => {
                unread = Some((
                    0,
                    format!(
                        "environment file too large to read ({} MiB): its dependencies are not checked",
                        bytes.len() / (1024 * 1024)
                    ),
                ));
                String::new()
            }
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let byte = e.as_bytes()[at];
                    // A lone high byte (not a UTF-8 lead followed by continuations) is
                    // what Windows-1252 / Latin-1 text looks like.
                    let lone = e.utf8_error().error_len() == Some(1);
                    let guess = if lone && byte >= 0x80 {
                        ", the file looks like Windows-1252"
                    } else {
                        ""
                    };
                    unread = Some((
                        at,
                        format!(
                            "not valid UTF-8 (byte 0x{byte:02X} at offset {at}{guess}): read with invalid bytes as `?`"
                        ),
                    ));
                    let mut text = String::new();
                    for chunk in e.as_bytes().utf8_chunks() {
                        text.push_str(chunk.valid());
                        text.extend(std::iter::repeat_n('?', chunk.invalid().len()));
                    }
                    text
                }
            },
            Err(e) => {
                unread = Some((0, format!("cannot read the environment file: {e}")));
                String::new()
            }
        };
        let source_kind = match kind {
            EnvKind::Conda | EnvKind::PythonEnv => SourceKind::Yaml,
            EnvKind::Requirements => SourceKind::Requirements,
            EnvKind::Pyproject | EnvKind::Pipfile => SourceKind::Toml,
            _ => SourceKind::Text,
        };
        let source = Arc::new(SourceFile::new(shown.to_path_buf(), text, source_kind));
        let idx = self.files.len();
        self.files.push(EnvFile {
            source: Arc::clone(&source),
            disk_path: disk_path.to_path_buf(),
            kind,
            python: None,
            deps: Vec::new(),
            yaml: None,
            includes: Vec::new(),
            opaque: false,
            index_options: false,
            conda_as_python_env: false,
        });
        if let Some((at, message)) = unread {
            self.problem(
                idx,
                TextRange::empty(at.min(self.files[idx].source.text.len())),
                ProblemKind::Invalid,
                message,
                None,
            );
            if self.files[idx].source.text.is_empty() {
                return Some(idx);
            }
        }
        match kind {
            EnvKind::Conda => self.read_conda(idx),
            EnvKind::PythonEnv => self.read_python_env(idx),
            EnvKind::Requirements => self.read_requirements(idx),
            EnvKind::Pyproject => self.read_pyproject(idx),
            EnvKind::PythonVersionFile => self.read_python_version(idx),
            EnvKind::RuntimeTxt => self.read_runtime_txt(idx),
            EnvKind::Pipfile => self.read_pipfile(idx),
            EnvKind::SetupCfg => self.read_setup_cfg(idx),
            EnvKind::SetupPy => self.read_setup_py(idx),
            EnvKind::Dockerfile => self.read_dockerfile(idx),
        }
        Some(idx)
    }

    fn problem(
        &mut self,
        file: usize,
        range: TextRange,
        kind: ProblemKind,
        message: String,
        help: Option<&str>,
    ) {
        self.problems.push(Problem {
            file,
            range,
            kind,
            message,
            help: help.map(str::to_string),
        });
    }

    fn text(&self, file: usize) -> Arc<SourceFile> {
        Arc::clone(&self.files[file].source)
    }

    fn parse_yaml(&mut self, idx: usize) -> Option<YamlNode> {
        let src = self.text(idx);
        match yaml::parse(&src.text) {
            Ok(root) => {
                self.unquoted_versions(idx, &root);
                let dups: Vec<(TextRange, String, TextRange)> = root
                    .duplicate_keys()
                    .into_iter()
                    .map(|(first, dup)| {
                        (
                            dup.range,
                            dup.scalar_text().unwrap_or("").to_string(),
                            first.range,
                        )
                    })
                    .collect();
                for (range, key, first) in dups {
                    let line = src.location(first.start()).raw.line;
                    self.problem(
                        idx,
                        range,
                        ProblemKind::Invalid,
                        format!("duplicate key `{key}`: the YAML loader keeps this one and silently drops the one on line {line}"),
                        Some("merge the two entries into one"),
                    );
                }
                Some(root)
            }
            Err(e) => {
                self.problem(
                    idx,
                    TextRange::empty(e.offset.min(src.text.len())),
                    ProblemKind::Invalid,
                    format!("invalid YAML: {}", e.message),
                    Some("fix the YAML syntax"),
                );
                None
            }
        }
    }

    /// `python: 3.10` (and other version-like keys) that YAML reads as a float that loses
    /// digits (`3.10` → `3.1`).
    pub fn unquoted_versions(&mut self, idx: usize, root: &YamlNode) {
        let mut found = Vec::new();
        collect_unquoted_versions(root, &mut found);
        for (range, text) in found {
            self.problem(
                idx,
                range,
                ProblemKind::UnquotedVersion,
                format!(
                    "unquoted version `{text}` is read by YAML as the number `{}`",
                    float_repr(&text)
                ),
                Some("quote the version: \"3.10\""),
            );
        }
    }

    fn read_conda(&mut self, idx: usize) {
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

    fn read_python_env(&mut self, idx: usize) {
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
                    let suggestion = crate::rules::project::did_you_mean(
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

    fn read_requirements(&mut self, idx: usize) {
        let src = self.text(idx);
        let base = src.path.parent().map(Path::to_path_buf);
        let text = src.text.as_str();
        let mut offset = 0;
        let mut logical = String::new();
        let mut start: Option<usize> = None;
        for line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            let st = *start.get_or_insert(line_start);
            if let Some(cont) = content.strip_suffix('\\') {
                logical.push_str(cont);
                logical.push(' ');
                continue;
            }
            logical.push_str(content);
            let end = line_start + content.len();
            let l = std::mem::take(&mut logical);
            start = None;
            // Comments: `#` at the start or after whitespace.
            let code = strip_comment(&l);
            let trimmed = code.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = code.len() - code.trim_start().len();
            let range = TextRange::new(
                st + lead,
                (st + lead + trimmed.len()).min(end).max(st + lead),
            );
            self.read_requirement_line(idx, trimmed, range, base.as_deref());
        }
    }

    /// One requirement line (requirements.txt, a `pip:` item, a python_env dependency).
    fn read_requirement_line(
        &mut self,
        idx: usize,
        line: &str,
        range: TextRange,
        base: Option<&Path>,
    ) {
        let line = strip_comment(line).trim();
        // A template placeholder (`kedro~={{ cookiecutter.kedro_version }}`) is filled in
        // when the template is rendered: nothing to check yet.
        if line.is_empty() {
            return;
        }
        if line.contains("{{") || line.contains("{%") {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                self.push_dep(Dep {
                    file: idx,
                    range,
                    raw_name: name.clone(),
                    name: normalize(&name),
                    syntax: Syntax::Pip,
                    spec: None,
                    spec_text: String::new(),
                    url: true,
                    dev: false,
                });
            }
            return;
        }
        if let Some(rest) = line
            .strip_prefix("-r ")
            .or_else(|| line.strip_prefix("--requirement "))
            .or_else(|| line.strip_prefix("--requirement="))
            .or_else(|| line.strip_prefix("-c "))
            .or_else(|| line.strip_prefix("--constraint "))
            .or_else(|| line.strip_prefix("-r"))
        {
            let target = rest.trim();
            let constraint = line.starts_with("-c") || line.starts_with("--constraint");
            if target.is_empty() || target.contains("://") || target.contains('$') {
                return;
            }
            let dir = self.files[idx]
                .disk_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let disk = dir.join(target);
            if !disk.is_file() {
                self.problem(
                    idx,
                    range,
                    ProblemKind::MissingInclude,
                    format!("`{line}` includes `{target}`, which does not exist"),
                    Some("fix the path (it is relative to the file that includes it) or add the file"),
                );
                return;
            }
            if constraint {
                return;
            }
            let shown = base.map_or_else(|| PathBuf::from(target), |b| b.join(target));
            if let Some(inc) = self.load(&disk, &shown, EnvKind::Requirements)
                && inc != idx
                && !self.files[idx].includes.contains(&inc)
            {
                self.files[idx].includes.push(inc);
            }
            return;
        }
        let (editable, req) = split_requirement_options(line);
        if [
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
        ]
        .iter()
        .any(|o| {
            line.strip_prefix(o)
                .is_some_and(|r| r.starts_with([' ', '=', '\t']))
        }) {
            self.files[idx].index_options = true;
        }
        if req.is_empty() {
            return; // an option line: --index-url, --find-links, --pre …
        }
        // Local paths and bare URLs (`-e .`, `./pkg`, `git+https://…`): nothing to compare.
        let looks_path = req.starts_with('.')
            || req.starts_with('/')
            || req.contains("://") && !req.contains(" @ ") && !req.contains('@')
            || req.starts_with("git+");
        if editable || looks_path {
            if let Some(egg) = req.split("#egg=").nth(1) {
                let name = egg.split(['&', ' ', '[']).next().unwrap_or("");
                if !name.is_empty() {
                    self.push_dep(Dep {
                        file: idx,
                        range,
                        raw_name: name.to_string(),
                        name: normalize(name),
                        syntax: Syntax::Pip,
                        spec: None,
                        spec_text: String::new(),
                        url: true,
                        dev: false,
                    });
                }
            }
            return;
        }
        match Requirement::<pep508_rs::VerbatimUrl>::from_str(req) {
            Ok(r) => {
                let (spec, url) = match &r.version_or_url {
                    Some(VersionOrUrl::VersionSpecifier(s)) => (Some(s.clone()), false),
                    Some(VersionOrUrl::Url(_)) => (None, true),
                    None => (None, false),
                };
                let name = r.name.to_string();
                let spec_text = spec.as_ref().map(ToString::to_string).unwrap_or_default();
                self.push_dep(Dep {
                    file: idx,
                    range,
                    raw_name: req
                        .split(|c: char| {
                            !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                        })
                        .next()
                        .unwrap_or(&name)
                        .to_string(),
                    name: normalize(&name),
                    syntax: Syntax::Pip,
                    spec: spec.filter(|s| !s.is_empty()),
                    spec_text,
                    url,
                    dev: false,
                });
            }
            Err(e) => {
                let help = conda_style_hint(req);
                let msg = match &help {
                    Some(_) => format!(
                        "`{req}` is not a valid pip requirement: a single `=` is conda syntax"
                    ),
                    None => format!(
                        "`{req}` is not a valid pip requirement: {}",
                        first_line(&e.to_string())
                    ),
                };
                self.problem(
                    idx,
                    range,
                    ProblemKind::InvalidRequirement,
                    msg,
                    help.as_deref(),
                );
                // Keep the package as declared (unversioned) so other rules do not cascade.
                let name: String = req
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    self.push_dep(Dep {
                        file: idx,
                        range,
                        raw_name: name.clone(),
                        name: normalize(&name),
                        syntax: Syntax::Pip,
                        spec: None,
                        spec_text: String::new(),
                        url: false,
                        dev: false,
                    });
                }
            }
        }
    }

    fn read_pyproject(&mut self, idx: usize) {
        let src = self.text(idx);
        let text = src.text.as_str();
        let value: toml::Table = match toml::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                self.problem(
                    idx,
                    TextRange::empty(at.min(text.len())),
                    ProblemKind::Invalid,
                    format!("invalid TOML: {}", first_line(e.message())),
                    None,
                );
                return;
            }
        };
        let project = value.get("project").and_then(|p| p.as_table());
        let mut search_from = 0;
        if let Some(project) = project {
            if let Some(rp) = project.get("requires-python").and_then(|v| v.as_str()) {
                let range = find_quoted(text, rp, 0);
                match VersionSpecifiers::from_str(rp) {
                    Ok(spec) => {
                        self.files[idx].python = Some(PythonReq {
                            file: idx,
                            range,
                            text: rp.to_string(),
                            spec,
                        })
                    }
                    Err(e) => self.problem(
                        idx,
                        range,
                        ProblemKind::InvalidRequirement,
                        format!(
                            "`requires-python = \"{rp}\"` is not a valid version specifier: {}",
                            first_line(&e.to_string())
                        ),
                        None,
                    ),
                }
            }
            if let Some(deps) = project.get("dependencies").and_then(|v| v.as_array()) {
                if let Some(p) = text.find("dependencies") {
                    search_from = p;
                }
                for d in deps.iter().filter_map(|d| d.as_str()) {
                    let range = find_quoted(text, d, search_from);
                    search_from = range.end();
                    self.read_requirement_line(idx, d, range, None);
                }
            }
        }
        if let Some(project) = project {
            if project
                .get("dynamic")
                .and_then(|d| d.as_array())
                .is_some_and(|d| d.iter().any(|v| v.as_str() == Some("dependencies")))
            {
                self.files[idx].opaque = true;
            }
            // Extras: `[project.optional-dependencies] test = ["pytest"]`.
            if let Some(extras) = project
                .get("optional-dependencies")
                .and_then(|v| v.as_table())
            {
                for list in extras.values().filter_map(|v| v.as_array()) {
                    self.read_toml_list(idx, list, &mut search_from);
                }
            }
        }
        let tool = value.get("tool");
        if tool.and_then(|t| t.get("uv")).is_some_and(|u| {
            u.get("index").is_some() || u.get("sources").is_some() || u.get("find-links").is_some()
        }) || tool
            .and_then(|t| t.get("poetry"))
            .is_some_and(|p| p.get("source").is_some())
        {
            self.files[idx].index_options = true;
        }
        // PEP 735 `[dependency-groups]` (`{include-group = …}` entries are skipped).
        self.dev_context = true;
        if let Some(groups) = value.get("dependency-groups").and_then(|v| v.as_table()) {
            for list in groups.values().filter_map(|v| v.as_array()) {
                self.read_toml_list(idx, list, &mut search_from);
            }
        }
        // uv's dev dependencies.
        if let Some(list) = value
            .get("tool")
            .and_then(|t| t.get("uv"))
            .and_then(|u| u.get("dev-dependencies"))
            .and_then(|d| d.as_array())
        {
            self.read_toml_list(idx, list, &mut search_from);
        }
        self.dev_context = false;
        // Poetry: `[tool.poetry.dependencies]`, the old `dev-dependencies`, and groups.
        if let Some(poetry) = value.get("tool").and_then(|t| t.get("poetry")) {
            if let Some(t) = poetry.get("dependencies").and_then(|v| v.as_table()) {
                self.read_toml_table(idx, t, true);
            }
            let mut dev: Vec<&toml::Table> = poetry
                .get("dev-dependencies")
                .and_then(|v| v.as_table())
                .into_iter()
                .collect();
            if let Some(groups) = poetry.get("group").and_then(|g| g.as_table()) {
                dev.extend(
                    groups
                        .values()
                        .filter_map(|g| g.get("dependencies").and_then(|d| d.as_table())),
                );
            }
            self.dev_context = true;
            for table in dev {
                self.read_toml_table(idx, table, true);
            }
            self.dev_context = false;
        }
        // Poetry's `python = "^3.10"`.
        if self.files[idx].python.is_none()
            && let Some(py) = value
                .get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.get("python"))
                .and_then(|p| p.as_str())
            && let Some(spec) = poetry_spec(py)
        {
            let range = find_quoted(text, py, 0);
            self.files[idx].python = Some(PythonReq {
                file: idx,
                range,
                text: py.to_string(),
                spec,
            });
        }
    }

    /// Requirement strings of a TOML array, each located at its quoted text.
    fn read_toml_list(&mut self, idx: usize, list: &[toml::Value], search_from: &mut usize) {
        let text = self.text(idx);
        for d in list.iter().filter_map(|d| d.as_str()) {
            let range = find_quoted(&text.text, d, *search_from);
            if range.end() > 0 {
                *search_from = range.end();
            }
            self.read_requirement_line(idx, d, range, None);
        }
    }

    /// A TOML table of `name = "version"` / `name = { version = … }` (Poetry, Pipfile). The
    /// `python` key is the interpreter, not a package, when `skip_python`.
    fn read_toml_table(&mut self, idx: usize, table: &toml::Table, skip_python: bool) {
        let src = self.text(idx);
        let text = src.text.as_str();
        for (name, value) in table {
            if skip_python && name == "python" {
                continue;
            }
            let version = match value {
                toml::Value::String(v) => Some(v.as_str()),
                toml::Value::Table(t) => t.get("version").and_then(|v| v.as_str()),
                _ => None,
            };
            let url = matches!(value, toml::Value::Table(t) if ["git", "path", "url", "file"].iter().any(|k| t.contains_key(*k)));
            let range = find_key(text, name);
            let spec = version.filter(|v| *v != "*").and_then(|v| {
                VersionSpecifiers::from_str(v)
                    .ok()
                    .or_else(|| poetry_spec(v))
            });
            self.push_dep(Dep {
                file: idx,
                range,
                raw_name: name.clone(),
                name: normalize(name),
                syntax: Syntax::Pip,
                spec_text: spec.as_ref().map(ToString::to_string).unwrap_or_default(),
                spec,
                url,
                dev: false,
            });
        }
    }

    fn read_pipfile(&mut self, idx: usize) {
        let src = self.text(idx);
        let text = src.text.as_str();
        let value: toml::Table = match toml::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                self.problem(
                    idx,
                    TextRange::empty(at.min(text.len())),
                    ProblemKind::Invalid,
                    format!("invalid TOML: {}", first_line(e.message())),
                    None,
                );
                return;
            }
        };
        for key in ["packages", "dev-packages"] {
            if let Some(t) = value.get(key).and_then(|v| v.as_table()) {
                self.dev_context = key == "dev-packages";
                self.read_toml_table(idx, t, false);
                self.dev_context = false;
            }
        }
        if let Some(v) = value
            .get("requires")
            .and_then(|r| {
                r.get("python_full_version")
                    .or_else(|| r.get("python_version"))
            })
            .and_then(|v| v.as_str())
            && let Some(spec) = python_prefix_spec(v)
        {
            self.files[idx].python = Some(PythonReq {
                file: idx,
                range: find_quoted(text, v, 0),
                text: v.to_string(),
                spec,
            });
        }
    }

    fn read_setup_cfg(&mut self, idx: usize) {
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
                self.dev_context = key == "tests_require"
                    || section == "options.extras_require" && is_dev_name(&key);
                self.read_requirement_line(idx, &value, range, None);
                self.dev_context = false;
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

    fn read_setup_py(&mut self, idx: usize) {
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

    fn read_dockerfile(&mut self, idx: usize) {
        let src = self.text(idx);
        let text = src.text.as_str();
        // Logical lines: `\` continues an instruction on the next line.
        let mut offset = 0;
        let mut start: Option<usize> = None;
        let mut logical = String::new();
        let mut lines: Vec<(usize, String)> = Vec::new();
        for line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            if content.trim_start().starts_with('#') {
                continue;
            }
            start.get_or_insert(line_start);
            match content.strip_suffix('\\') {
                Some(head) => {
                    logical.push_str(head);
                    logical.push(' ');
                }
                None => {
                    logical.push_str(content);
                    lines.push((
                        start.take().unwrap_or(line_start),
                        std::mem::take(&mut logical),
                    ));
                }
            }
        }
        for (at, line) in lines {
            let t = line.trim_start();
            let lead = line.len() - t.len();
            let upper = t.get(..5).map(str::to_ascii_uppercase).unwrap_or_default();
            if upper.starts_with("FROM ") && self.files[idx].python.is_none() {
                // `FROM python:3.10-slim AS base`: the image's Python.
                let image = t[5..]
                    .split_whitespace()
                    .find(|w| !w.starts_with("--"))
                    .unwrap_or("");
                let name = image.rsplit('/').next().unwrap_or(image);
                if let Some(tag) = name.strip_prefix("python:") {
                    let version: String = tag
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || *c == '.')
                        .collect();
                    if let Some(spec) = python_prefix_spec(version.trim_end_matches('.')) {
                        let s = at + lead + t.find(tag).unwrap_or(0);
                        self.files[idx].python = Some(PythonReq {
                            file: idx,
                            range: TextRange::new(s, s + version.len()),
                            text: version.clone(),
                            spec,
                        });
                    }
                }
                continue;
            }
            if !upper.starts_with("RUN ") {
                continue;
            }
            // Each `pip install` command of the RUN line (`&&`-chained commands too).
            for cmd in t[4..].split("&&").flat_map(|c| c.split(';')) {
                // A template (`{{ cookiecutter.x }}`) is filled in when it is rendered.
                if cmd.contains("{{") || cmd.contains("{%") {
                    continue;
                }
                let words: Vec<&str> = cmd.split_whitespace().collect();
                let Some(pos) = words.windows(2).position(|w| {
                    (w[0] == "pip" || w[0] == "pip3" || w[0].ends_with("/pip")) && w[1] == "install"
                }) else {
                    continue;
                };
                let mut it = words[pos + 2..].iter();
                while let Some(w) = it.next() {
                    if matches!(*w, "-r" | "--requirement" | "-c" | "--constraint") {
                        it.next();
                        continue;
                    }
                    if matches!(
                        *w,
                        "-i" | "--index-url" | "--extra-index-url" | "-f" | "--find-links"
                    ) {
                        self.files[idx].index_options = true;
                        it.next();
                        continue;
                    }
                    // Options, variables, paths, wheels, URLs and template placeholders name
                    // no package here.
                    if w.starts_with(['-', '$', '.', '/'])
                        || w.contains(['{', '}'])
                        || w.contains("://")
                        || w.ends_with(".whl")
                        || w.ends_with(".tar.gz")
                    {
                        continue;
                    }
                    let req = w.trim_matches(|c| c == '"' || c == '\'');
                    let Some(p) = text[at..].find(req) else {
                        continue;
                    };
                    let range = TextRange::new(at + p, at + p + req.len());
                    self.read_requirement_line(idx, req, range, None);
                }
            }
        }
    }

    fn read_python_version(&mut self, idx: usize) {
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

    fn read_runtime_txt(&mut self, idx: usize) {
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

    fn push_dep(&mut self, mut dep: Dep) {
        let file = dep.file;
        dep.dev = dep.dev || self.dev_context || is_dev_file(&self.files[file].disk_path);
        let i = self.deps.len();
        self.deps.push(dep);
        self.files[file].deps.push(i);
    }

    /// Every dependency index a file declares, following its `-r` includes.
    pub fn deps_with_includes(&self, file: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![file];
        let mut seen = Vec::new();
        while let Some(f) = stack.pop() {
            if seen.contains(&f) {
                continue;
            }
            seen.push(f);
            out.extend(self.files[f].deps.iter().copied());
            stack.extend(self.files[f].includes.iter().copied());
        }
        out
    }
}

/// Whether a group, extra or file-name token names development work (`dev`, `test`,
/// `lint`, `docs` …).
pub fn is_dev_name(name: &str) -> bool {
    name.to_ascii_lowercase().split(['-', '_', '.']).any(|t| {
        matches!(
            t,
            "dev"
                | "develop"
                | "development"
                | "test"
                | "tests"
                | "testing"
                | "lint"
                | "linting"
                | "doc"
                | "docs"
                | "ci"
                | "typing"
                | "style"
        )
    })
}

/// A requirements file for development (`requirements-dev.txt`, `requirements/test.txt`,
/// `test-requirements.txt`).
fn is_dev_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "txt")
        && path
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(is_dev_name)
}

/// Whether a YAML root is a conda environment (`channels`, `name`, or a `pip:` mapping in
/// `dependencies`) rather than a `python_env.yaml` (`python`, `build_dependencies`,
/// `dependencies`).
fn looks_like_conda(root: &YamlNode) -> bool {
    root.as_map().is_some()
        && (root.get("channels").is_some()
            || root.get("name").is_some()
            || root
                .get("dependencies")
                .and_then(YamlNode::as_seq)
                .is_some_and(|items| items.iter().any(|i| i.as_map().is_some())))
        && root.get("build_dependencies").is_none()
}

/// The offset just after `name=` (spaces allowed) in a `setup(...)` call, at the value.
fn find_keyword_arg(text: &str, name: &str) -> Option<usize> {
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
fn setup_py_string(text: &str, name: &str) -> Option<(String, TextRange)> {
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

/// Where a TOML key is written (`name = …` at a line start, bare or quoted).
fn find_key(text: &str, name: &str) -> TextRange {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let lead = line.len() - t.len();
        for cand in [name.to_string(), format!("\"{name}\"")] {
            if let Some(rest) = t.strip_prefix(cand.as_str())
                && rest.trim_start().starts_with('=')
            {
                let s = offset + lead + usize::from(cand.starts_with('"'));
                return TextRange::new(s, s + name.len());
            }
        }
        offset += line.len();
    }
    TextRange::empty(0)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

/// Strip a `#` comment (at the start or after whitespace, as pip does).
pub fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    let b = line.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'#' && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return &line[..i];
        }
    }
    line
}

/// Split leading pip options from a requirement line; returns (editable, requirement).
/// `--hash=…` and other trailing options are dropped; option-only lines give "".
fn split_requirement_options(line: &str) -> (bool, &str) {
    let line = line.trim();
    if let Some(rest) = line
        .strip_prefix("-e ")
        .or_else(|| line.strip_prefix("--editable "))
        .or_else(|| line.strip_prefix("--editable="))
    {
        return (true, rest.trim());
    }
    if line.starts_with('-') {
        return (false, "");
    }
    // Trailing per-requirement options: ` --hash=sha256:…`, ` --config-settings …`.
    let req = match line.find(" --").or_else(|| line.find("\t--")) {
        Some(i) => &line[..i],
        None => line,
    };
    (false, req.trim())
}

/// `numpy=1.2` in a pip list: suggest `==`.
fn conda_style_hint(req: &str) -> Option<String> {
    let i = req.find('=')?;
    let before = req[..i].trim_end();
    let after = &req[i + 1..];
    if before.ends_with(['<', '>', '!', '~', '=']) || after.starts_with('=') {
        return None;
    }
    let name = before.trim();
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '[' | ']' | ',')))
    .then(|| {
        format!(
            "write `{name}=={}` (pip) or move it to the conda dependencies",
            after.trim()
        )
    })
}

/// PEP 503 normalisation: lower-case, runs of `-`, `_`, `.` folded to `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// Parse a conda MatchSpec into (name, allowed versions as PEP 440, version text).
/// `numpy=1.2` is a prefix match (`==1.2.*`), `numpy==1.2` exact, `numpy 1.2.*`, ranges
/// `>=1.2,<2`; `pkg=1.2.3=build` pins a build (the build is ignored here); `channel::pkg`.
pub fn parse_conda_spec(s: &str) -> (String, Option<VersionSpecifiers>, String) {
    let s = s.trim();
    let s = s.rsplit_once("::").map_or(s, |(_, rest)| rest);
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(s.len());
    let name = s[..end].to_ascii_lowercase();
    let rest = s[end..].trim();
    // `pkg[version='>=1']`
    let rest = if let Some(inner) = rest.strip_prefix('[') {
        inner
            .split(',')
            .find_map(|kv| kv.trim().strip_prefix("version="))
            .map(|v| v.trim_matches(|c| c == '\'' || c == '"' || c == ']'))
            .unwrap_or("")
    } else {
        rest
    };
    let text = rest.to_string();
    if rest.is_empty() || rest.contains('|') {
        return (name, None, text);
    }
    let spec = conda_version_to_pep440(rest);
    (name, spec, text)
}

fn conda_version_to_pep440(rest: &str) -> Option<VersionSpecifiers> {
    // `=1.2.3=build` / `1.2.3 build`: keep the version part.
    let (op, body) = if let Some(b) = rest.strip_prefix("==") {
        ("==", b)
    } else if let Some(b) = rest.strip_prefix('=') {
        ("=", b)
    } else if rest.starts_with(['<', '>', '!', '~']) {
        ("", rest)
    } else {
        ("=", rest) // bare version after a space: fuzzy, like `=`
    };
    let body = body.trim();
    let body = if op.is_empty() {
        body.split(' ').next().unwrap_or("")
    } else {
        body.split(['=', ' ']).next().unwrap_or("")
    };
    if body.is_empty() {
        return None;
    }
    let pep = match op {
        "==" => format!("=={body}"),
        "=" => {
            let b = body
                .trim_end_matches(".*")
                .trim_end_matches('*')
                .trim_end_matches('.');
            if b.is_empty() {
                return None;
            }
            format!("=={b}.*")
        }
        _ => body.to_string(),
    };
    VersionSpecifiers::from_str(&pep).ok()
}

/// `3.10` / `3.10.12` / `3` as the versions it selects by prefix (`==3.10.*`).
pub fn python_prefix_spec(v: &str) -> Option<VersionSpecifiers> {
    let v = v.trim().trim_end_matches(".*").trim_end_matches('*');
    if v.is_empty()
        || !v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || !v.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let version = Version::from_str(v).ok()?;
    let spec = VersionSpecifier::from_pattern(
        pep508_rs::pep440_rs::Operator::Equal,
        pep508_rs::pep440_rs::VersionPattern::wildcard(version),
    )
    .ok()?;
    Some(VersionSpecifiers::from_iter([spec]))
}

/// Poetry's `^3.10`, `~3.10`, `>=3.9,<3.12`, `3.10.*`.
fn poetry_spec(s: &str) -> Option<VersionSpecifiers> {
    let s = s.trim();
    if let Some(v) = s.strip_prefix('^') {
        let major = v.split('.').next()?.parse::<u64>().ok()?;
        return VersionSpecifiers::from_str(&format!(">={v},<{}", major + 1)).ok();
    }
    if let Some(v) = s.strip_prefix('~').filter(|v| !v.starts_with('=')) {
        let parts: Vec<&str> = v.split('.').collect();
        if parts.len() >= 2 {
            return VersionSpecifiers::from_str(&format!(">={v},=={}.{}.*", parts[0], parts[1]))
                .ok();
        }
        return None;
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return python_prefix_spec(s);
    }
    VersionSpecifiers::from_str(s).ok()
}

/// The range of `"value"` (or `'value'`) in `text`, searching from `from`.
fn find_quoted(text: &str, value: &str, from: usize) -> TextRange {
    for q in ['"', '\''] {
        let needle = format!("{q}{value}{q}");
        if let Some(p) = text.get(from..).and_then(|t| t.find(&needle)) {
            return TextRange::new(from + p, from + p + needle.len());
        }
    }
    TextRange::empty(from.min(text.len()))
}

/// How Python prints the float a plain scalar resolves to (`3.10` → `3.1`).
pub fn float_repr(text: &str) -> String {
    match text.parse::<f64>() {
        Ok(f) if f.fract() == 0.0 && f.abs() < 1e16 => format!("{f:.1}"),
        Ok(f) => format!("{f}"),
        Err(_) => text.to_string(),
    }
}

/// Plain floats under version-like keys whose text YAML would change (`3.10` → `3.1`).
pub(super) fn collect_unquoted_versions(node: &YamlNode, out: &mut Vec<(TextRange, String)>) {
    let is_versionish = |k: &str| {
        let k = k.to_ascii_lowercase();
        k.contains("python") || k.ends_with("version") || k.ends_with("version_") || k == "versions"
    };
    match &node.value {
        yaml::YamlValue::Map(entries) => {
            for (k, v) in entries {
                let key = k.scalar_text().unwrap_or("");
                if is_versionish(key) {
                    let candidates: Vec<&YamlNode> = match v.as_seq() {
                        Some(items) => items.iter().collect(),
                        None => vec![v],
                    };
                    for c in candidates {
                        if let Some(s) = c.as_scalar()
                            && matches!(s.resolve(), Resolved::Float(_))
                            && float_repr(&s.text) != s.text
                            && s.text.contains('.')
                            && !s.text.contains(['e', 'E'])
                        {
                            out.push((c.range, s.text.clone()));
                        }
                    }
                }
                collect_unquoted_versions(v, out);
            }
        }
        yaml::YamlValue::Seq(items) => {
            for i in items {
                collect_unquoted_versions(i, out);
            }
        }
        yaml::YamlValue::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conda_specs_become_pep440() {
        let (n, s, _) = parse_conda_spec("numpy=1.26");
        assert_eq!(n, "numpy");
        let s = s.unwrap();
        assert!(s.contains(&Version::from_str("1.26.4").unwrap()));
        assert!(!s.contains(&Version::from_str("1.27").unwrap()));
        let (_, s, _) = parse_conda_spec("cudf=0.19.2=cuda_11");
        assert!(s.unwrap().contains(&Version::from_str("0.19.2").unwrap()));
        let (n, s, _) = parse_conda_spec("conda-forge::scikit-learn>=1.0,<2");
        assert_eq!(n, "scikit-learn");
        assert!(s.unwrap().contains(&Version::from_str("1.5").unwrap()));
        assert!(parse_conda_spec("pip").1.is_none());
    }

    #[test]
    fn names_normalise_and_floats_print_like_python() {
        assert_eq!(normalize("Scikit_Learn"), "scikit-learn");
        assert_eq!(normalize("zope.interface"), "zope-interface");
        assert_eq!(float_repr("3.10"), "3.1");
        assert_eq!(float_repr("3.9"), "3.9");
        assert_eq!(float_repr("3"), "3.0");
    }
}
