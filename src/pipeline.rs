//! The check pipeline: discover → read → per-file rules (in parallel) → project rules (once
//! per project) → suppressions → sorted diagnostics.
//!
//! Bad input never stops the run: a file that cannot be read (permission denied, a named
//! symlink or FIFO, too large) is an `MLC001` finding, text that is not UTF-8 an `MLC002`
//! finding, a broken notebook an `NB000` finding, and every other file is still checked.
//! Only a named path that does not exist is a [`FileError`] (bad usage, exit 2).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, FileError};
use crate::discovery;
use crate::rules::{self, FileChecker};
use crate::settings::Settings;
use crate::source::{SourceFile, SourceKind, read_source, source_from_bytes};

/// What a run found. `T` is [`Diagnostic`] (tied to its loaded file) or a form resolved per
/// file for output ([`crate::render::Finding`]), which lets each file be dropped as soon as
/// it is checked.
#[derive(Debug)]
pub struct Outcome<T = Diagnostic> {
    pub diagnostics: Vec<T>,
    pub errors: Vec<FileError>,
    pub files_checked: usize,
}

impl<T> Default for Outcome<T> {
    fn default() -> Self {
        Self {
            diagnostics: Vec::new(),
            errors: Vec::new(),
            files_checked: 0,
        }
    }
}

/// What the pipeline keeps of a diagnostic: something it can sort.
pub trait Item: Send {
    /// Output order: path, position, code.
    fn sort_key(&self) -> (&Path, u32, &'static str, u32);
}

impl Item for Diagnostic {
    fn sort_key(&self) -> (&Path, u32, &'static str, u32) {
        Diagnostic::sort_key(self)
    }
}

impl Item for crate::render::Finding {
    fn sort_key(&self) -> (&Path, u32, &'static str, u32) {
        crate::render::Finding::sort_key(self)
    }
}

/// Turns one file's diagnostics (suppressions applied) into what the run keeps; runs on the
/// worker threads while the file is still loaded.
pub type Resolve<'a, T> = dyn Fn(Vec<Diagnostic>) -> Vec<T> + Sync + 'a;

impl<T: Item> Outcome<T> {
    fn absorb(&mut self, results: Vec<(Vec<T>, Option<FileError>)>) {
        for (diags, error) in results {
            self.diagnostics.extend(diags);
            self.errors.extend(error);
        }
    }

    fn finish(mut self) -> Self {
        self.diagnostics
            .sort_unstable_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.errors.sort_by(|a, b| a.path.cmp(&b.path));
        self
    }
}

/// Check files and directories on disk.
pub fn check_paths(paths: &[PathBuf], settings: &Settings) -> Outcome {
    check_paths_with(paths, settings, &|diags| diags)
}

/// [`check_paths`], turning each file's diagnostics into `T` while the file is loaded.
pub fn check_paths_with<T: Item>(
    paths: &[PathBuf],
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> Outcome<T> {
    let found = discovery::discover(paths, settings);
    let mut outcome = Outcome {
        errors: found.errors,
        ..Outcome::default()
    };
    // Named symlinks and FIFOs, folders that could not be walked: never read, reported.
    let refused: Vec<_> = found
        .refused
        .into_iter()
        .map(|e| check_loaded(Err(e), settings, resolve))
        .collect();
    outcome.absorb(refused);
    // What project rules read of code files is taken while the per-file stage has them.
    let facts = rules::project::RULES
        .iter()
        .any(|r| settings.enabled(r))
        .then(rules::project::CodeFacts::default);
    let results: Vec<_> = found
        .files
        .par_iter()
        .map(|path| {
            let loaded = read_source(path);
            match (&facts, loaded) {
                (Some(facts), Ok(Some(file))) => {
                    // The project stage takes the file's imports from the rules' parse.
                    let mut checker = FileChecker::new(&file, settings);
                    checker.with_imports = true;
                    rules::check_file(&mut checker);
                    facts.record(&file, checker.parsed().map(Arc::as_ref));
                    let diags = crate::suppress::apply(checker.diagnostics, settings);
                    let found = if diags.is_empty() {
                        Vec::new()
                    } else {
                        resolve(diags)
                    };
                    (found, None)
                }
                (_, loaded) => check_loaded(loaded, settings, resolve),
            }
        })
        .collect();
    outcome.absorb(results);
    outcome.files_checked = found.files.len();
    check_projects(
        paths,
        &found.files,
        settings,
        resolve,
        facts.as_ref(),
        &mut outcome,
    );
    let (diags, errors) = rules::repro::check_tree(paths, &found.files, settings, false);
    if !diags.is_empty() {
        outcome.absorb(vec![(
            resolve(crate::suppress::apply(diags, settings)),
            None,
        )]);
    }
    outcome.errors.extend(errors);
    outcome.finish()
}

/// Run the project rules (`PRJ`, `ENV`) once per project the checked `paths` belong to;
/// `files` are those discovered under `paths`. Each file goes to the nearest project root
/// among its ancestors (one walk up per file against a set of roots: linear in the number
/// of files), and the projects are checked in parallel. Only findings located inside the
/// checked folders are kept: a project may read files above them for context.
fn check_projects<T: Item>(
    paths: &[PathBuf],
    files: &[PathBuf],
    settings: &Settings,
    resolve: &Resolve<'_, T>,
    known: Option<&rules::project::CodeFacts>,
    outcome: &mut Outcome<T>,
) {
    if !rules::project::RULES.iter().any(|r| settings.enabled(r)) {
        return;
    }
    let preloaded = known.map(rules::project::CodeFacts::preloaded);
    let roots = project_roots_with(paths, files, settings, preloaded.as_ref());
    let mut by_root: std::collections::BTreeMap<PathBuf, Vec<PathBuf>> =
        roots.iter().map(|r| (r.clone(), Vec::new())).collect();
    for f in files {
        if let Some(r) = nearest_root(f, &roots) {
            by_root.entry(r).or_default().push(f.clone());
        }
    }
    // The project of a named file (a pre-commit run names only staged files) owns files
    // that were not named: find those once, for that root only. A checked folder inside a
    // project keeps to its own files (the project's environment is still read).
    let named_only = paths.iter().all(|p| !p.is_dir());
    for root in &roots {
        if named_only && !paths.iter().any(|p| p.is_dir() && root.starts_with(p)) {
            let found = discovery::discover(std::slice::from_ref(root), settings).files;
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
    let dirs: Vec<&PathBuf> = paths.iter().filter(|p| p.is_dir()).collect();
    let only_dirs = !dirs.is_empty() && dirs.len() == paths.len();
    let results: Vec<_> = by_root
        .par_iter()
        .map(|(root, project_files)| {
            let has_nested = with_nested.contains(root);
            let (mut diags, errors) =
                rules::project::check_project_in(root, project_files, settings, known, has_nested);
            if only_dirs {
                diags.retain(|d| {
                    let path = &d.file().path;
                    dirs.iter().any(|p| inside(path, p))
                });
            }
            // Group by file so suppression markers are read once per file.
            diags.sort_by(|a, b| a.file().path.cmp(&b.file().path));
            (resolve(crate::suppress::apply(diags, settings)), errors)
        })
        .collect();
    for (diags, errors) in results {
        outcome.diagnostics.extend(diags);
        outcome.errors.extend(errors);
    }
    if std::env::var_os("MLCHECK_DEBUG_PROJECT_READS").is_some() {
        eprintln!(
            "mlcheck: project stage read {} file(s) from disk",
            rules::project::DISK_READS.load(std::sync::atomic::Ordering::Relaxed)
        );
    }
}

/// Whether `path` (as shown) lies inside the checked folder `dir`.
fn inside(path: &Path, dir: &Path) -> bool {
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
fn nearest_root(file: &Path, roots: &BTreeSet<PathBuf>) -> Option<PathBuf> {
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

/// Check in-memory sources (e.g. blobs staged in git), named by their paths.
pub fn check_sources(sources: Vec<(PathBuf, Vec<u8>)>, settings: &Settings) -> Outcome {
    check_sources_with(sources, settings, &|diags| diags)
}

/// [`check_sources`], turning each file's diagnostics into `T` while the file is loaded.
pub fn check_sources_with<T: Item>(
    sources: Vec<(PathBuf, Vec<u8>)>,
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> Outcome<T> {
    let mut outcome = Outcome {
        files_checked: sources.len(),
        ..Outcome::default()
    };
    let results: Vec<_> = sources
        .into_par_iter()
        .filter(|(path, _)| SourceKind::from_path(path).is_some())
        .map(|(path, bytes)| check_loaded(source_from_bytes(path, bytes), settings, resolve))
        .collect();
    outcome.absorb(results);
    outcome.finish()
}

/// [`check_sources_with`] for the files staged in git, then the project rules of the
/// projects they belong to. Project rules read their files (MLproject, environment files,
/// the code they follow) from the working tree: they look at a project as a whole, and
/// the index holds only part of it.
pub fn check_staged_with<T: Item>(
    sources: Vec<(PathBuf, Vec<u8>)>,
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> Outcome<T> {
    let named: Vec<PathBuf> = sources
        .iter()
        .map(|(path, _)| path.clone())
        .filter(|path| path.is_file())
        .collect();
    let mut outcome = check_sources_with(sources, settings, resolve);
    if !named.is_empty() {
        check_projects(&named, &named, settings, resolve, None, &mut outcome);
    }
    let (diags, errors) = rules::repro::check_tree(&[], &named, settings, true);
    if !diags.is_empty() {
        outcome.absorb(vec![(
            resolve(crate::suppress::apply(diags, settings)),
            None,
        )]);
    }
    outcome.errors.extend(errors);
    outcome.finish()
}

/// Check a file that loaded, or report why it did not as an `MLC001` finding (`Ok(None)`
/// was skipped on purpose). A file read despite a problem (not UTF-8) gives its findings
/// and an `MLC002` finding.
fn check_loaded<T>(
    loaded: Result<Option<Arc<SourceFile>>, FileError>,
    settings: &Settings,
    resolve: &Resolve<'_, T>,
) -> (Vec<T>, Option<FileError>) {
    let diags = match loaded {
        Ok(Some(file)) => check_source(&file, settings),
        Ok(None) => Vec::new(),
        Err(e) if settings.enabled(&rules::meta::MLC001) => {
            crate::suppress::apply(vec![rules::meta::unreadable(&e.path, &e.message)], settings)
        }
        Err(_) => Vec::new(),
    };
    let found = if diags.is_empty() {
        Vec::new()
    } else {
        resolve(diags)
    };
    (found, None)
}

/// Run every file-level rule on one loaded file; suppressions and severity overrides are
/// applied.
pub fn check_source(file: &Arc<SourceFile>, settings: &Settings) -> Vec<Diagnostic> {
    let mut checker = FileChecker::new(file, settings);
    rules::check_file(&mut checker);
    crate::suppress::apply(checker.diagnostics, settings)
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
fn project_roots_with(
    paths: &[PathBuf],
    files: &[PathBuf],
    settings: &Settings,
    preloaded: Option<&rules::project::Preloaded>,
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
fn declaring_ancestor(
    dir: &Path,
    settings: &Settings,
    preloaded: Option<&rules::project::Preloaded>,
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
        if de == boundary || same_dir(&de, &boundary) || d.as_os_str().is_empty() {
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
fn declares_project(dir: &Path, preloaded: Option<&rules::project::Preloaded>) -> bool {
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

fn marker_with(path: &Path, preloaded: Option<&rules::project::Preloaded>) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let read = |p: &Path| -> Option<String> {
        if let Some(f) = preloaded.and_then(|pre| pre.get(p)) {
            return Some(f.text.clone());
        }
        rules::project::count_read();
        std::fs::read_to_string(p).ok()
    };
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "mlproject" | "environment.yml" | "environment.yaml" | "conda.yaml" | "conda.yml"
        | "python_env.yaml" | "python_env.yml" | "pipfile" | "setup.py" => true,
        "pyproject.toml" => {
            read(path).is_some_and(|t| crate::rules::project::pyproject_declares_dependencies(&t))
        }
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

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
