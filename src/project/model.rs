//! One project as the rules see it ([`Project`]): its root, the files it governs, its
//! MLproject, its environment files and the facts of its code, built once from what the
//! per-file stage loaded. Nothing here reports a finding: the `PRJ`/`ENV` rules read this.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::code::{CodeFacts, CodeFile};
use super::environment::{EnvKind, EnvSet};
use super::same_dir;
use crate::diagnostic::FileError;
use crate::source::yaml::{self, YamlNode};
use crate::source::{SourceFile, SourceKind};

/// The MLproject of a project, read once.
pub struct MlProjectFile {
    pub source: Arc<SourceFile>,
    /// `None` when the YAML does not parse.
    pub root: Option<YamlNode>,
}

/// One project: a folder that declares an environment or an MLproject, with what it holds.
pub struct Project<'a> {
    /// The project root as the user sees it.
    pub root: &'a Path,
    /// Files under the root (minus nested projects), as the user sees them.
    pub files: Vec<&'a Path>,
    pub mlproject: Option<MlProjectFile>,
    /// Every environment file of the project, each read by its format's reader.
    pub env: EnvSet,
    /// The environment file MLflow will use (index into `env.files`), when known.
    pub selected_env: Option<usize>,
    /// Folders below the root are projects of their own (they declare an environment):
    /// their files are not in `files`.
    pub has_nested: bool,
    /// Facts the per-file stage already took from code files.
    known: Option<&'a CodeFacts>,
    /// What the project's Python files and notebooks hold, gathered on first use.
    code: OnceLock<Vec<Arc<CodeFile>>>,
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

impl<'a> Project<'a> {
    /// The project rooted at `root`. `files` are the files discovery found under `root`
    /// (already filtered by excludes and `.gitignore`), as the user sees them; files of a
    /// nested MLproject folder are left to that project. `known` holds what the per-file
    /// stage took from the files it loaded: those are not read again. An MLproject that
    /// cannot be read is an error; an environment file that cannot be read is a problem of
    /// that file (`EnvSet::problems`), never dropped.
    pub fn build(
        root: &'a Path,
        files: &'a [PathBuf],
        known: Option<&'a CodeFacts>,
        has_nested: bool,
    ) -> (Self, Vec<FileError>) {
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
            super::count_read();
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
        let mut project = Project {
            root,
            files: own,
            mlproject,
            env: EnvSet {
                preloaded,
                ..EnvSet::default()
            },
            selected_env: None,
            has_nested,
            known,
            code: OnceLock::new(),
        };
        project.load_env_files();
        (project, errors)
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

    /// Python files and notebooks of the project, sorted.
    pub fn code_files(&self) -> Vec<&'a Path> {
        let mut v: Vec<&Path> = self
            .files
            .iter()
            .copied()
            .filter(|p| {
                matches!(
                    SourceKind::from_path(p),
                    Some(SourceKind::Python | SourceKind::Notebook)
                )
            })
            .collect();
        v.sort();
        v
    }

    /// What the project's Python files and notebooks hold: from the per-file stage when it
    /// read them, else read once, in parallel.
    pub fn code(&self) -> &[Arc<CodeFile>] {
        use rayon::prelude::*;
        self.code.get_or_init(|| {
            self.code_files()
                .into_par_iter()
                .filter_map(|path| {
                    self.known
                        .and_then(|k| k.get(path))
                        .or_else(|| CodeFile::load(path).map(Arc::new))
                })
                .collect()
        })
    }

    /// Whether the code's facts are at hand without reading every code file (the per-file
    /// stage took them, or [`Project::code`] already ran).
    pub fn code_at_hand(&self) -> bool {
        self.known.is_some() || self.code.get().is_some()
    }

    /// Read the env files: the ones MLproject names, then the usual names at the root.
    fn load_env_files(&mut self) {
        let dir = if self.root.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            self.root.to_path_buf()
        };
        // Referenced by MLproject.
        let mut referenced: Option<(String, EnvKind)> = None;
        if let Some((_, root)) = self.mlproject() {
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
                let shown = self.shown(rel);
                self.selected_env = self.env.load(&disk, &shown, *kind);
            }
        }
        for (name, kind) in ENV_FILE_NAMES {
            let disk = dir.join(name);
            if disk.is_file() {
                let shown = self.shown(name);
                self.env.load(&disk, &shown, *kind);
            }
        }
        // Other requirements files at the root (requirements-dev.txt …).
        let extra: Vec<&Path> = self
            .files
            .iter()
            .copied()
            .filter(|f| {
                SourceKind::from_path(f) == Some(SourceKind::Requirements)
                    && f.parent().is_some_and(|p| same_dir(p, self.root))
            })
            .collect();
        for f in extra {
            let disk = f.to_path_buf();
            self.env.load(&disk, f, EnvKind::Requirements);
        }
        // A `requirements/` folder at the root (`requirements/base.txt`, `requirements/dev.txt`).
        let mut folder: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(dir.join("requirements"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_str()?.to_string();
                (name.ends_with(".txt") && e.path().is_file())
                    .then(|| (e.path(), self.shown(&format!("requirements/{name}"))))
            })
            .collect();
        folder.sort();
        for (disk, shown) in folder {
            self.env.load(&disk, &shown, EnvKind::Requirements);
        }
        // MLflow's default pick when the MLproject has no env key.
        if self.selected_env.is_none()
            && let Some((_, root)) = self.mlproject()
            && env_keys(root).is_empty()
        {
            for name in ["python_env.yaml", "conda.yaml"] {
                if let Some(i) = self.env.find(&dir.join(name)) {
                    self.selected_env = Some(i);
                    break;
                }
            }
        }
    }
}

/// The environment keys present in an MLproject, in order, null ones included.
pub fn env_keys(root: &YamlNode) -> Vec<&(YamlNode, YamlNode)> {
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
