//! Where projects are: every folder holding an `MLproject` or an environment file is the
//! root of one, and each code file belongs to the nearest root at or above it.
//!
//! Roots are found from the discovered files (one look at each file's name) plus, for each
//! checked path, one walk up its ancestors; files are then assigned by walking each file's
//! ancestors against the set of roots. Both are linear in the number of files: there is no
//! roots × files loop.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{Preloaded, same_dir};
use crate::settings::Settings;

/// The files of one project: its root, the discovered files it governs (nearest root), and
/// whether folders below it are projects of their own.
#[derive(Debug)]
pub struct ProjectFiles {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    pub has_nested: bool,
}

/// The projects the checked `paths` belong to, each with its files (`files` are those
/// discovered under `paths`). The project of a named file (a pre-commit run names only
/// staged files) owns files that were not named: those are discovered once, for that root
/// only. A checked folder inside a project keeps to its own files (the project's
/// environment is still read).
pub fn assign(
    paths: &[PathBuf],
    files: &[PathBuf],
    settings: &Settings,
    preloaded: Option<&Preloaded>,
) -> Vec<ProjectFiles> {
    let roots = project_roots_with(paths, files, settings, preloaded);
    let mut by_root: BTreeMap<PathBuf, Vec<PathBuf>> =
        roots.iter().map(|r| (r.clone(), Vec::new())).collect();
    for f in files {
        if let Some(r) = nearest_root(f, &roots) {
            by_root.entry(r).or_default().push(f.clone());
        }
    }
    let named_only = paths.iter().all(|p| !p.is_dir());
    for root in &roots {
        if named_only && !paths.iter().any(|p| p.is_dir() && root.starts_with(p)) {
            let found = crate::discovery::discover(std::slice::from_ref(root), settings).files;
            let own: Vec<PathBuf> = found
                .into_iter()
                .filter(|f| nearest_root(f, &roots).as_ref() == Some(root))
                .collect();
            by_root.insert(root.clone(), own);
        }
    }
    // Roots with another root below them (one walk up per root: linear).
    let with_nested: BTreeSet<PathBuf> = roots
        .iter()
        .filter_map(|r| {
            let above = r.parent()?;
            let probe = above.join("_");
            nearest_root(&probe, &roots).filter(|n| n != r)
        })
        .collect();
    by_root
        .into_iter()
        .map(|(root, files)| ProjectFiles {
            has_nested: with_nested.contains(&root),
            root,
            files,
        })
        .collect()
}

/// The projects the checked files belong to. Every folder holding an `MLproject` or an
/// environment file ([`is_project_marker`]) is a project: a code file is governed by the
/// nearest one above it. A checked directory is a project too (for the files no nearer
/// project holds); when it declares nothing itself, the nearest folder above it that does
/// is taken instead, never above its repository (the folder holding `.git`, or the config
/// file's folder). The same repository gives the same projects with or without `.git`, and
/// nested in another work tree.
pub fn project_roots(
    paths: &[PathBuf],
    files: &[PathBuf],
    settings: &Settings,
) -> BTreeSet<PathBuf> {
    project_roots_with(paths, files, settings, None)
}

/// [`project_roots`], reading marker files the per-file stage loaded from `preloaded`.
pub fn project_roots_with(
    paths: &[PathBuf],
    files: &[PathBuf],
    settings: &Settings,
    preloaded: Option<&Preloaded>,
) -> BTreeSet<PathBuf> {
    let mut roots = BTreeSet::new();
    for f in files {
        if marker_with(f, preloaded) {
            roots.insert(parent_or_dot(f));
        }
    }
    for p in paths {
        if p.is_dir() {
            roots.insert(declaring_ancestor(p, settings, preloaded).unwrap_or_else(|| p.clone()));
        } else {
            let dir = parent_or_dot(p);
            roots.insert(
                declaring_ancestor(&dir, settings, preloaded)
                    .unwrap_or_else(|| fallback(&dir, settings)),
            );
        }
    }
    roots
}

/// `dir` or its nearest ancestor that declares a project (MLproject or environment file),
/// not above the repository `dir` is in (its `.git` folder's parent, or the config file's
/// folder). `None` when none does, or when `dir` is in no repository and declares nothing.
pub fn declaring_ancestor(
    dir: &Path,
    settings: &Settings,
    preloaded: Option<&Preloaded>,
) -> Option<PathBuf> {
    let eff = |d: &Path| {
        if d.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            d.to_path_buf()
        }
    };
    let boundary = fallback(dir, settings);
    let mut cur = Some(dir);
    while let Some(d) = cur {
        let de = eff(d);
        if declares_project(&de, preloaded) {
            return Some(de);
        }
        if same_dir(&de, &boundary) || d.as_os_str().is_empty() {
            return None;
        }
        cur = d.parent();
    }
    None
}

/// The repository a folder is in: the config file's folder when `p` is inside it, else the
/// nearest ancestor holding `.git`, else `p` itself.
fn fallback(p: &Path, settings: &Settings) -> PathBuf {
    if let Some(dir) = settings.config_path.as_deref().and_then(Path::parent) {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if p.starts_with(dir) || same_dir(p, dir) {
            return dir.to_path_buf();
        }
    }
    let mut cur = Some(p);
    while let Some(d) = cur {
        let d_eff = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if d_eff.join(".git").exists() {
            return d_eff.to_path_buf();
        }
        cur = d.parent();
    }
    p.to_path_buf()
}

/// Whether the folder holds an `MLproject` or an environment file.
fn declares_project(dir: &Path, preloaded: Option<&Preloaded>) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries
        .flatten()
        .any(|e| e.file_type().is_ok_and(|t| t.is_file()) && marker_with(&e.path(), preloaded))
}

/// Whether a file name is one the project stage reads as an environment file.
pub fn is_environment_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "environment.yml"
            | "environment.yaml"
            | "conda.yaml"
            | "conda.yml"
            | "python_env.yaml"
            | "python_env.yml"
            | "pipfile"
            | "setup.py"
            | "setup.cfg"
            | "pyproject.toml"
            | "runtime.txt"
            | ".python-version"
            | "dockerfile"
    ) || lower.starts_with("requirements") && lower.ends_with(".txt")
        || path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|d| d == "requirements")
            && lower.ends_with(".txt")
}

/// Whether a file makes its folder a project: an `MLproject`, or a file declaring a Python
/// environment (`requirements*.txt`, a conda or python_env file, `Pipfile`, `setup.py`,
/// a `setup.cfg` with `install_requires`, a `pyproject.toml` with dependencies). A
/// `pyproject.toml` or `setup.cfg` that only configures tools declares nothing.
pub fn is_project_marker(path: &Path) -> bool {
    marker_with(path, None)
}

/// [`is_project_marker`], reading a `pyproject.toml` or `setup.cfg` the per-file stage
/// loaded from `preloaded`.
pub fn marker_with(path: &Path, preloaded: Option<&Preloaded>) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let read = |p: &Path| -> Option<String> {
        if let Some(f) = preloaded.and_then(|pre| pre.get(p)) {
            return Some(f.text.clone());
        }
        super::count_read();
        std::fs::read_to_string(p).ok()
    };
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "mlproject" | "environment.yml" | "environment.yaml" | "conda.yaml" | "conda.yml"
        | "python_env.yaml" | "python_env.yml" | "pipfile" | "setup.py" => true,
        "pyproject.toml" => read(path).is_some_and(|t| pyproject_declares_dependencies(&t)),
        "setup.cfg" => read(path).is_some_and(|t| t.contains("install_requires")),
        _ => lower.starts_with("requirements") && lower.ends_with(".txt"),
    }
}

fn parent_or_dot(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `path` (as shown) lies inside the checked folder `dir`.
pub fn inside(path: &Path, dir: &Path) -> bool {
    if dir == Path::new(".") || dir.as_os_str().is_empty() {
        return !path.starts_with("..") && !path.is_absolute()
            || std::fs::canonicalize(path)
                .ok()
                .zip(std::fs::canonicalize(".").ok())
                .is_some_and(|(p, d)| p.starts_with(d));
    }
    let strip = |p: &Path| {
        p.strip_prefix(".")
            .map(Path::to_path_buf)
            .unwrap_or(p.to_path_buf())
    };
    strip(path).starts_with(strip(dir))
}

/// The nearest of `roots` at or above `file`'s folder.
pub fn nearest_root(file: &Path, roots: &BTreeSet<PathBuf>) -> Option<PathBuf> {
    let mut dir = file.parent();
    while let Some(d) = dir {
        let d_eff = if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        };
        if roots.contains(d_eff) {
            return Some(d_eff.to_path_buf());
        }
        if d.as_os_str().is_empty() {
            break;
        }
        dir = d.parent();
    }
    None
}

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
