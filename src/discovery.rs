//! Which files to check: directories are walked with the `ignore` crate (honouring
//! `.gitignore`, `.ignore`, `.git/info/exclude` and git's global excludes), files named on
//! the command line are always checked unless `--force-exclude` applies (pre-commit passes
//! names explicitly: typos#347).
//!
//! Promises: symlinks are never followed while walking (so nothing outside the tree is
//! read, and a symlink loop cannot hang the walk); `.git`, virtualenvs (a folder holding
//! `pyvenv.cfg`), `node_modules`, `site-packages`, `__pycache__` and `.ipynb_checkpoints`
//! are skipped; the result is sorted, so output order never depends on thread timing.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{DirEntry, WalkBuilder, WalkState};

use crate::diagnostic::FileError;
use crate::settings::Settings;
use crate::source::SourceKind;

/// Folder names never descended into.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "site-packages",
    "__pycache__",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".tox",
    ".nox",
];

#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to check, sorted and deduplicated.
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked or do not exist.
    pub errors: Vec<FileError>,
}

/// Find the files under `paths` that mlcheck reads.
pub fn discover(paths: &[PathBuf], settings: &Settings) -> Discovered {
    let mut out = Discovered::default();
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(err) => {
                out.errors.push(FileError {
                    path: path.clone(),
                    message: io_reason(&err),
                });
                continue;
            }
        };
        if meta.is_dir() {
            walk_dir(path, settings, &mut out);
        } else if !meta.is_file() {
            // A FIFO or device would block or never end: never read one.
            out.errors.push(FileError {
                path: path.clone(),
                message: "not a regular file; skipped".into(),
            });
        } else if !(settings.force_exclude && is_excluded(path, path, settings)) {
            // Named explicitly: always checked. A name mlcheck does not know is read as
            // text (for secrets: `config.js`, `deploy.go`); binary files are skipped quietly
            // when read (pre-commit may pass anything, typos#1126).
            out.files.push(path.clone());
        }
    }
    out.files.sort();
    out.files.dedup();
    out
}

fn walk_dir(root: &Path, settings: &Settings, out: &mut Discovered) {
    let files = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let root_owned = root.to_path_buf();
    let excludes = settings.exclude.clone();
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .filter_entry(move |entry| keep_entry(entry, &root_owned, &excludes))
        .threads(2)
        .build_parallel();
    walker.run(|| {
        let files = &files;
        let errors = &errors;
        Box::new(move |result| {
            match result {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && SourceKind::from_path(entry.path()).is_some() {
                        files
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(entry.into_path());
                    }
                }
                Err(err) => {
                    let path = err_path(&err).unwrap_or_else(|| PathBuf::from("<walk>"));
                    errors
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(FileError {
                            path,
                            message: format!(
                                "cannot walk: {}",
                                strip_path_prefix(&err.to_string())
                            ),
                        });
                }
            }
            WalkState::Continue
        })
    });
    out.files
        .extend(files.into_inner().unwrap_or_else(|e| e.into_inner()));
    out.errors
        .extend(errors.into_inner().unwrap_or_else(|e| e.into_inner()));
}

fn keep_entry(entry: &DirEntry, root: &Path, excludes: &globset::GlobSet) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let name = entry.file_name().to_string_lossy();
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    if is_dir {
        if SKIPPED_DIRS.contains(&name.as_ref()) || entry.path().join("pyvenv.cfg").is_file() {
            return false;
        }
    } else if entry.path_is_symlink() {
        return false;
    }
    if excludes.is_empty() {
        return true;
    }
    let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
    !(excludes.is_match(rel) || excludes.is_match(name.as_ref()) || excludes.is_match(entry.path()))
}

/// Whether a path matches the `exclude` globs (by its path relative to the walk root, by
/// its file name, or as given).
pub fn is_excluded(path: &Path, root: &Path, settings: &Settings) -> bool {
    if settings.exclude.is_empty() {
        return false;
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let rel_cfg = path.strip_prefix(&settings.root).unwrap_or(path);
    let name = path.file_name().map(Path::new).unwrap_or(path);
    settings.exclude.is_match(rel)
        || settings.exclude.is_match(rel_cfg)
        || settings.exclude.is_match(name)
        || settings.exclude.is_match(path)
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

fn strip_path_prefix(msg: &str) -> String {
    msg.to_string()
}

/// A short human reason for an I/O error ("no such file or directory").
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match err.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        _ => {
            let s = err.to_string();
            // Drop the " (os error N)" suffix std adds.
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}
