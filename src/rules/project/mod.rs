//! Project rules: `PRJ…` for the MLproject file, `ENV…` for environment files.
//!
//! These run once per project, not per file ([`check_project`]): the MLproject and every
//! environment file of the project are read and parsed exactly once, whatever the number of
//! notebooks. A project is the folder holding an MLproject (or the config/git root the
//! pipeline hands us). Every finding points at the key or line it concerns; where two files
//! disagree, the other file gets a secondary label.

mod env_files;
mod imports;
mod mlproject;

mod conda_only_dependency;
mod conda_python_not_pinned;
mod conflicting_pins;
mod deprecated_package;
mod duplicate_dependency;
mod environment_file_not_found;
mod implicit_environment;
mod invalid_command_template;
mod invalid_docker_env;
mod invalid_entry_points;
mod invalid_environment_file;
mod invalid_mlproject;
mod invalid_parameter_default;
mod invalid_parameters;
mod invalid_python_env;
mod invalid_requirement;
mod missing_entry_point_script;
mod missing_environment_file;
mod missing_main_entry_point;
mod missing_mlproject;
mod missing_project_name;
mod multiple_environments;
mod no_mlproject;
mod non_portable_environment_path;
mod pip_without_pip;
mod platform_specific_environment;
mod python_version_mismatch;
mod required_parameter;
mod requirements_include_not_found;
mod undeclared_import;
mod undeclared_parameter;
mod unknown_mlproject_key;
mod unknown_parameter_type;
mod unpinned_dependency;
mod unquoted_python_version;
mod unresolvable_local_version;
mod unused_dependency;
mod unused_parameter;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, FileError, Label};
use crate::registry::RuleMeta;
use crate::settings::Settings;
use crate::source::yaml::{self, YamlNode};
use crate::source::{SourceFile, SourceKind, TextRange};

pub use env_files::{EnvFile, EnvKind, EnvSet};
pub(crate) use imports::count_read;
pub use imports::{CodeFacts, DISK_READS, Preloaded};

pub const RULES: &[&RuleMeta] = &[
    &invalid_mlproject::INVALID_MLPROJECT,
    &invalid_entry_points::INVALID_ENTRY_POINTS,
    &invalid_parameters::INVALID_PARAMETERS,
    &unknown_mlproject_key::UNKNOWN_MLPROJECT_KEY,
    &missing_project_name::MISSING_PROJECT_NAME,
    &multiple_environments::MULTIPLE_ENVIRONMENTS,
    &invalid_docker_env::INVALID_DOCKER_ENV,
    &environment_file_not_found::ENVIRONMENT_FILE_NOT_FOUND,
    &non_portable_environment_path::NON_PORTABLE_ENVIRONMENT_PATH,
    &implicit_environment::IMPLICIT_ENVIRONMENT,
    &undeclared_parameter::UNDECLARED_PARAMETER,
    &unused_parameter::UNUSED_PARAMETER,
    &invalid_command_template::INVALID_COMMAND_TEMPLATE,
    &unknown_parameter_type::UNKNOWN_PARAMETER_TYPE,
    &invalid_parameter_default::INVALID_PARAMETER_DEFAULT,
    &missing_entry_point_script::MISSING_ENTRY_POINT_SCRIPT,
    &required_parameter::REQUIRED_PARAMETER,
    &missing_main_entry_point::MISSING_MAIN_ENTRY_POINT,
    &missing_mlproject::MISSING_MLPROJECT,
    &no_mlproject::NO_MLPROJECT,
    &missing_environment_file::MISSING_ENVIRONMENT_FILE,
    &invalid_environment_file::INVALID_ENVIRONMENT_FILE,
    &invalid_python_env::INVALID_PYTHON_ENV,
    &unquoted_python_version::UNQUOTED_PYTHON_VERSION,
    &invalid_requirement::INVALID_REQUIREMENT,
    &requirements_include_not_found::REQUIREMENTS_INCLUDE_NOT_FOUND,
    &pip_without_pip::PIP_WITHOUT_PIP,
    &python_version_mismatch::PYTHON_VERSION_MISMATCH,
    &conflicting_pins::CONFLICTING_PINS,
    &unpinned_dependency::UNPINNED_DEPENDENCY,
    &conda_only_dependency::CONDA_ONLY_DEPENDENCY,
    &deprecated_package::DEPRECATED_PACKAGE,
    &duplicate_dependency::DUPLICATE_DEPENDENCY,
    &undeclared_import::UNDECLARED_IMPORT,
    &unused_dependency::UNUSED_DEPENDENCY,
    &conda_python_not_pinned::CONDA_PYTHON_NOT_PINNED,
    &unresolvable_local_version::UNRESOLVABLE_LOCAL_VERSION,
    &platform_specific_environment::PLATFORM_SPECIFIC_ENVIRONMENT,
];

/// Options from the `[project]` table of the config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Extra import name → distribution names (`{ mylib = ["my-lib-dist"] }`), merged over
    /// `rules/import_map.toml`.
    pub import_map: BTreeMap<String, Vec<String>>,
    /// Import names that are first-party or provided by the platform: never reported.
    pub known_first_party: Vec<String>,
}

/// The MLproject of a project, read once.
pub(crate) struct MlProjectFile {
    pub source: Arc<SourceFile>,
    /// `None` when the YAML does not parse.
    pub root: Option<YamlNode>,
}

/// Everything the project rules look at, built once per project.
pub(crate) struct Context<'a> {
    /// The project root as the user sees it.
    pub root: &'a Path,
    /// Files under the root (minus nested projects), as the user sees them.
    pub files: Vec<&'a Path>,
    pub settings: &'a Settings,
    pub mlproject: Option<MlProjectFile>,
    pub env: EnvSet,
    /// The environment file MLflow will use (index into `env.files`), when known.
    pub selected_env: Option<usize>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the project's Python files and notebooks hold, read on first use.
    pub code_cache: std::sync::OnceLock<Vec<Arc<imports::CodeFile>>>,
    /// Facts the per-file stage already took from code files.
    pub known: Option<&'a CodeFacts>,
    /// Folders below the root are projects of their own (they declare an environment):
    /// their files are not in `files`.
    pub has_nested: bool,
}

impl Context<'_> {
    pub fn enabled(&self, rule: &RuleMeta) -> bool {
        self.settings.enabled(rule)
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        if self.settings.enabled(diagnostic.rule) {
            self.diagnostics.push(diagnostic);
        }
    }

    /// The MLproject's source and parsed root, when it parsed to a mapping.
    pub fn mlproject(&self) -> Option<(&Arc<SourceFile>, &YamlNode)> {
        let m = self.mlproject.as_ref()?;
        let root = m.root.as_ref()?;
        root.as_map()?;
        Some((&m.source, root))
    }

    /// A path relative to the project root, as shown to the user.
    pub fn shown(&self, rel: &str) -> PathBuf {
        if self.root == Path::new(".") || self.root.as_os_str().is_empty() {
            PathBuf::from(rel)
        } else {
            self.root.join(rel)
        }
    }

    pub fn env_label(&self, file: usize, range: TextRange, message: impl Into<String>) -> Label {
        Label::new(&self.env.files[file].source, range).with_message(message)
    }
}

/// Names MLflow and conda look for at the project root, with how to read them.
const ENV_FILE_NAMES: &[(&str, EnvKind)] = &[
    ("python_env.yaml", EnvKind::PythonEnv),
    ("python_env.yml", EnvKind::PythonEnv),
    ("conda.yaml", EnvKind::Conda),
    ("conda.yml", EnvKind::Conda),
    ("environment.yml", EnvKind::Conda),
    ("environment.yaml", EnvKind::Conda),
    ("requirements.txt", EnvKind::Requirements),
    ("pyproject.toml", EnvKind::Pyproject),
    (".python-version", EnvKind::PythonVersionFile),
    ("runtime.txt", EnvKind::RuntimeTxt),
    ("Pipfile", EnvKind::Pipfile),
    ("setup.cfg", EnvKind::SetupCfg),
    ("setup.py", EnvKind::SetupPy),
    ("Dockerfile", EnvKind::Dockerfile),
];

/// Whether a `pyproject.toml` declares an environment (dependencies of the project, its
/// extras or groups, Poetry's or uv's), rather than only configuring tools.
pub fn pyproject_declares_dependencies(text: &str) -> bool {
    let Ok(value) = toml::from_str::<toml::Table>(text) else {
        return false;
    };
    let non_empty = |v: Option<&toml::Value>| match v {
        Some(toml::Value::Array(a)) => !a.is_empty(),
        Some(toml::Value::Table(t)) => !t.is_empty(),
        _ => false,
    };
    let project = value.get("project");
    let tool = value.get("tool");
    let poetry = tool.and_then(|t| t.get("poetry"));
    non_empty(project.and_then(|p| p.get("dependencies")))
        || non_empty(project.and_then(|p| p.get("optional-dependencies")))
        || project
            .and_then(|p| p.get("dynamic"))
            .and_then(|d| d.as_array())
            .is_some_and(|d| d.iter().any(|v| v.as_str() == Some("dependencies")))
        || non_empty(value.get("dependency-groups"))
        || non_empty(
            tool.and_then(|t| t.get("uv"))
                .and_then(|u| u.get("dev-dependencies")),
        )
        || poetry
            .and_then(|p| p.get("dependencies"))
            .and_then(|d| d.as_table())
            .is_some_and(|d| d.keys().any(|k| k != "python"))
        || non_empty(poetry.and_then(|p| p.get("dev-dependencies")))
        || non_empty(poetry.and_then(|p| p.get("group")))
}

/// Run the project rules for the project rooted at `root`. `files` are all the files that
/// discovery found under `root` (already filtered by excludes and `.gitignore`), relative
/// paths as the user sees them.
pub fn check_project(
    root: &Path,
    files: &[PathBuf],
    settings: &Settings,
) -> (Vec<Diagnostic>, Vec<FileError>) {
    check_project_with(root, files, settings, None)
}

/// [`check_project`], with the facts of code files the per-file stage already read.
pub fn check_project_with(
    root: &Path,
    files: &[PathBuf],
    settings: &Settings,
    known: Option<&CodeFacts>,
) -> (Vec<Diagnostic>, Vec<FileError>) {
    check_project_in(root, files, settings, known, false)
}

/// [`check_project_with`] for one project of several: `has_nested` when folders below
/// `root` are projects of their own (their files are not among `files`).
pub fn check_project_in(
    root: &Path,
    files: &[PathBuf],
    settings: &Settings,
    known: Option<&CodeFacts>,
    has_nested: bool,
) -> (Vec<Diagnostic>, Vec<FileError>) {
    if !RULES.iter().any(|r| settings.enabled(r)) {
        return (Vec::new(), Vec::new());
    }
    let mut errors = Vec::new();
    // Files of nested projects (a sub-folder with its own MLproject) belong to those.
    let nested: Vec<&Path> = files
        .iter()
        .filter(|f| SourceKind::from_path(f) == Some(SourceKind::MlProject))
        .filter_map(|f| f.parent())
        .filter(|d| !same_dir(d, root))
        .collect();
    let own: Vec<&Path> = files
        .iter()
        .map(PathBuf::as_path)
        .filter(|f| !nested.iter().any(|n| f.starts_with(n)))
        .collect();

    let preloaded = known.map(CodeFacts::preloaded).unwrap_or_default();
    let mlproject = find_mlproject(root, &own).and_then(|path| {
        if let Some(file) = preloaded.get(&path) {
            let root = yaml::parse(&file.text).ok();
            return Some(MlProjectFile { source: file, root });
        }
        imports::count_read();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let root = yaml::parse(&text).ok();
                Some(MlProjectFile {
                    source: Arc::new(SourceFile::new(path, text, SourceKind::MlProject)),
                    root,
                })
            }
            Err(e) => {
                errors.push(FileError {
                    path,
                    message: format!("cannot read: {e}"),
                });
                None
            }
        }
    });

    let mut cx = Context {
        root,
        files: own,
        settings,
        mlproject,
        env: EnvSet {
            preloaded,
            ..EnvSet::default()
        },
        selected_env: None,
        diagnostics: Vec::new(),
        code_cache: std::sync::OnceLock::new(),
        known,
        has_nested,
    };
    load_env_files(&mut cx);

    // MLproject structure.
    invalid_mlproject::check(&mut cx);
    invalid_entry_points::check(&mut cx);
    invalid_parameters::check(&mut cx);
    unknown_mlproject_key::check(&mut cx);
    missing_project_name::check(&mut cx);
    multiple_environments::check(&mut cx);
    invalid_docker_env::check(&mut cx);
    missing_main_entry_point::check(&mut cx);
    // Environment references.
    environment_file_not_found::check(&mut cx);
    non_portable_environment_path::check(&mut cx);
    implicit_environment::check(&mut cx);
    missing_mlproject::check(&mut cx);
    no_mlproject::check(&mut cx);
    missing_environment_file::check(&mut cx);
    // Parameters and commands.
    undeclared_parameter::check(&mut cx);
    unused_parameter::check(&mut cx);
    invalid_command_template::check(&mut cx);
    unknown_parameter_type::check(&mut cx);
    invalid_parameter_default::check(&mut cx);
    required_parameter::check(&mut cx);
    missing_entry_point_script::check(&mut cx);
    // Environment files.
    invalid_environment_file::check(&mut cx);
    invalid_python_env::check(&mut cx);
    unquoted_python_version::check(&mut cx);
    unquoted_python_version::check_mlproject(&mut cx);
    invalid_requirement::check(&mut cx);
    requirements_include_not_found::check(&mut cx);
    pip_without_pip::check(&mut cx);
    // Consistency.
    python_version_mismatch::check(&mut cx);
    conflicting_pins::check(&mut cx);
    unpinned_dependency::check(&mut cx);
    conda_only_dependency::check(&mut cx);
    deprecated_package::check(&mut cx);
    duplicate_dependency::check(&mut cx);
    conda_python_not_pinned::check(&mut cx);
    unresolvable_local_version::check(&mut cx);
    platform_specific_environment::check(&mut cx);
    // Imports against declarations.
    if (cx.enabled(&undeclared_import::UNDECLARED_IMPORT)
        || cx.enabled(&unused_dependency::UNUSED_DEPENDENCY))
        && imports::declared(&cx).is_some()
    {
        let usage = imports::collect(&cx);
        undeclared_import::check(&mut cx, &usage);
        unused_dependency::check(&mut cx, &usage);
    }
    (cx.diagnostics, errors)
}

/// ` (also imported in 2 other files: `a.py`, `b.ipynb`)`: the other places of a finding
/// reported once, the first three by name; `""` when there are none. `lead` starts the
/// parenthesis (`also imported in`), `noun` is counted (`file`, `notebook`).
pub(crate) fn others_named(lead: &str, noun: &str, others: &[&Path]) -> String {
    let n = others.len();
    if n == 0 {
        return String::new();
    }
    let mut names: Vec<String> = others
        .iter()
        .take(3)
        .map(|p| format!("`{}`", crate::source::path_slash(p)))
        .collect();
    if n > 3 {
        names.push(format!("{} more", n - 3));
    }
    format!(
        " ({lead} {n} other {noun}{}: {})",
        if n == 1 { "" } else { "s" },
        names.join(", ")
    )
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let norm = |p: &Path| {
        if p.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            p.to_path_buf()
        }
    };
    norm(a) == norm(b)
}

/// The MLproject at the root: from the files, else from disk (any case of the name).
fn find_mlproject(root: &Path, files: &[&Path]) -> Option<PathBuf> {
    if let Some(f) = files.iter().find(|f| {
        SourceKind::from_path(f) == Some(SourceKind::MlProject)
            && f.parent().is_some_and(|p| same_dir(p, root))
    }) {
        return Some(f.to_path_buf());
    }
    let dir = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
        let name = e.file_name();
        let name = name.to_str()?;
        (name.eq_ignore_ascii_case("mlproject") && e.path().is_file()).then(|| {
            if root.as_os_str().is_empty() {
                PathBuf::from(name)
            } else {
                root.join(name)
            }
        })
    })
}

/// Read the env files: the ones MLproject names, then the usual names at the root.
fn load_env_files(cx: &mut Context<'_>) {
    let dir = if cx.root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cx.root.to_path_buf()
    };
    // Referenced by MLproject.
    let mut referenced: Option<(String, EnvKind)> = None;
    if let Some((_, root)) = cx.mlproject() {
        for (key, kind) in [
            ("python_env", EnvKind::PythonEnv),
            ("conda_env", EnvKind::Conda),
        ] {
            if let Some(v) = root.get(key).and_then(YamlNode::as_str) {
                referenced = Some((v.to_string(), kind));
            }
        }
    }
    if let Some((rel, kind)) = &referenced {
        let disk = dir.join(rel);
        if disk.is_file() && !Path::new(rel).is_absolute() {
            cx.selected_env = cx.env.load(&disk, &cx.shown(rel), *kind);
        }
    }
    for (name, kind) in ENV_FILE_NAMES {
        let disk = dir.join(name);
        if disk.is_file() {
            cx.env.load(&disk, &cx.shown(name), *kind);
        }
    }
    // Other requirements files at the root (requirements-dev.txt …).
    let extra: Vec<&Path> = cx
        .files
        .iter()
        .copied()
        .filter(|f| {
            SourceKind::from_path(f) == Some(SourceKind::Requirements)
                && f.parent().is_some_and(|p| same_dir(p, cx.root))
        })
        .collect();
    for f in extra {
        let disk = f.to_path_buf();
        cx.env.load(&disk, f, EnvKind::Requirements);
    }
    // A `requirements/` folder at the root (`requirements/base.txt`, `requirements/dev.txt`).
    let mut folder: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(dir.join("requirements"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            (name.ends_with(".txt") && e.path().is_file())
                .then(|| (e.path(), cx.shown(&format!("requirements/{name}"))))
        })
        .collect();
    folder.sort();
    for (disk, shown) in folder {
        cx.env.load(&disk, &shown, EnvKind::Requirements);
    }
    // MLflow's default pick when the MLproject has no env key.
    if cx.selected_env.is_none()
        && let Some((_, root)) = cx.mlproject()
        && env_keys(root).is_empty()
    {
        for name in ["python_env.yaml", "conda.yaml"] {
            if let Some(i) = cx.env.find(&dir.join(name)) {
                cx.selected_env = Some(i);
                break;
            }
        }
    }
}

/// The environment keys present in an MLproject, in order, null ones included.
pub(crate) fn env_keys(root: &YamlNode) -> Vec<&(YamlNode, YamlNode)> {
    root.as_map()
        .unwrap_or(&[])
        .iter()
        .filter(|(k, _)| {
            matches!(
                k.scalar_text(),
                Some("conda_env" | "python_env" | "docker_env")
            )
        })
        .collect()
}

/// Report the reader problems of one kind under `rule`.
pub(crate) fn report_problems(
    cx: &mut Context<'_>,
    kind: env_files::ProblemKind,
    rule: &'static RuleMeta,
) {
    if !cx.enabled(rule) {
        return;
    }
    let found: Vec<Diagnostic> = cx
        .env
        .problems
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| {
            let d = Diagnostic::new(
                rule,
                &cx.env.files[p.file].source,
                p.range,
                p.message.clone(),
            );
            match &p.help {
                Some(h) => d.with_help(h.clone()),
                None => d,
            }
        })
        .collect();
    for d in found {
        cx.push(d);
    }
}

/// Whether two version sets share no version.
pub(crate) fn disjoint(
    a: &pep508_rs::pep440_rs::VersionSpecifiers,
    b: &pep508_rs::pep440_rs::VersionSpecifiers,
) -> bool {
    let ra = pep508_rs::pep440_rs::release_specifiers_to_ranges(a.clone());
    let rb = pep508_rs::pep440_rs::release_specifiers_to_ranges(b.clone());
    ra.intersection(&rb).is_empty()
}
