//! The environment files of a project ([`EnvSet`]): what each declares, read once. The
//! readers of each format live beside this module (`conda`, `python_env`, `requirements`,
//! `pyproject`, `pipfile`, `setup_cfg`, `setup_py`, `dockerfile`, `version_files`).
//!
//! Each reader turns one file into an [`EnvFile`]: the dependencies it declares and the Python
//! version it asks for, each with the byte range it came from, plus the structural problems it
//! found ([`Problem`]) for the rules to report. Readers never panic on user input and never
//! touch the network; a file is read and parsed once per project.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use pep508_rs::pep440_rs::{Operator, Version, VersionSpecifier, VersionSpecifiers};

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
    /// ENV019 reports runtime code that needs one declared only in a group named for
    /// development ([`Dep::dev_only`]).
    pub dev: bool,
    /// For a development dependency: the group, extra, table or file it is declared in
    /// (`test`, `dev-packages`, `requirements-dev.txt`).
    pub group: Option<String>,
}

impl Dep {
    /// Declared only for development or tests: in a group, extra, table or file whose
    /// name says so (`dev`, `test`, `lint`, `docs` …; a PEP 735 or Poetry group named
    /// `train` is a development group to pip, but not by its name, and does not count).
    pub fn dev_only(&self) -> bool {
        self.dev && self.group.as_deref().is_some_and(is_dev_name)
    }

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
    /// Reading a development table (`[dev-packages]`, a dependency group): its name; its
    /// deps are dev.
    pub(crate) dev_context: Option<String>,
    /// Files the per-file stage already loaded: taken from here, not read again.
    pub preloaded: super::Preloaded,
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
            super::count_read();
        }
        let read = match &preloaded {
            // Loaded (and its encoding already reported) by the per-file stage.
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

    pub(super) fn problem(
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

    pub(super) fn text(&self, file: usize) -> Arc<SourceFile> {
        Arc::clone(&self.files[file].source)
    }

    pub(super) fn parse_yaml(&mut self, idx: usize) -> Option<YamlNode> {
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

    /// A TOML environment file (`pyproject.toml`, `Pipfile`) as a table; `None` after
    /// recording why it is not TOML.
    pub(super) fn parse_toml(&mut self, idx: usize, text: &str) -> Option<toml::Table> {
        match toml::from_str(text) {
            Ok(v) => Some(v),
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                self.problem(
                    idx,
                    TextRange::empty(at.min(text.len())),
                    ProblemKind::Invalid,
                    format!("invalid TOML: {}", first_line(e.message())),
                    None,
                );
                None
            }
        }
    }

    /// A dependency known only by its name (a template line, an egg, a requirement that
    /// does not parse): declared, unversioned.
    pub(super) fn push_bare_dep(&mut self, idx: usize, range: TextRange, name: &str, url: bool) {
        self.push_dep(Dep {
            file: idx,
            range,
            raw_name: name.to_string(),
            name: normalize(name),
            syntax: Syntax::Pip,
            spec: None,
            spec_text: String::new(),
            url,
            dev: false,
            group: None,
        });
    }

    pub(super) fn push_dep(&mut self, mut dep: Dep) {
        let file = dep.file;
        let path = &self.files[file].disk_path;
        if let Some(group) = &self.dev_context {
            dep.dev = true;
            dep.group.get_or_insert_with(|| group.clone());
        } else if is_dev_file(path) {
            dep.dev = true;
            dep.group = path.file_name().map(|n| n.to_string_lossy().into_owned());
        }
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
pub fn is_dev_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "txt")
        && path
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(is_dev_name)
}

/// Where a TOML key is written (`name = …` at a line start, bare or quoted).
pub fn find_key(text: &str, name: &str) -> TextRange {
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

pub fn first_line(s: &str) -> String {
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

pub fn conda_version_to_pep440(rest: &str) -> Option<VersionSpecifiers> {
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
pub fn poetry_spec(s: &str) -> Option<VersionSpecifiers> {
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
pub fn find_quoted(text: &str, value: &str, from: usize) -> TextRange {
    for q in ['"', '\''] {
        let needle = format!("{q}{value}{q}");
        if let Some(p) = text.get(from..).and_then(|t| t.find(&needle)) {
            return TextRange::new(from + p, from + p + needle.len());
        }
    }
    TextRange::empty(from.min(text.len()))
}

/// How Python prints the float a plain scalar resolves to (`3.10` → `3.1`): the one
/// Python float repr, the stripper's (`strip::pyrepr`).
pub fn float_repr(text: &str) -> String {
    match text.parse::<f64>() {
        Ok(f) => {
            let mut out = String::new();
            crate::strip::pyrepr::push_float_repr(&mut out, f);
            out
        }
        Err(_) => text.to_string(),
    }
}

/// Plain floats under version-like keys whose text YAML would change (`3.10` → `3.1`).
pub fn collect_unquoted_versions(node: &YamlNode, out: &mut Vec<(TextRange, String)>) {
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
        // Python's repr, not Rust's Display: exponents past 1e16, and no spurious digits.
        assert_eq!(float_repr("1e16"), "1e+16");
        assert_eq!(float_repr("0.00001"), "1e-05");
    }
}
