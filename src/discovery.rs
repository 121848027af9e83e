//! Which files to check: directories are walked with the `ignore` crate (honouring
//! `.gitignore`, `.ignore`, `.git/info/exclude` and git's global excludes), files named on
//! the command line are always checked unless `--force-exclude` applies (pre-commit passes
//! names explicitly: typos#347).
//!
//! Promises: symlinks are never followed, walked or named (so nothing outside the tree is
//! read, and a symlink loop cannot hang the walk) — except a named folder that is a link,
//! which is the tree asked for and is walked: a named symlink to a file, a FIFO or device is
//! [`Discovered::refused`] with the reason, a walked symlink is listed in
//! [`Discovered::links`] (`fix` says it left it alone); `.git`, virtualenvs (a folder holding
//! `pyvenv.cfg`), `node_modules`, `site-packages`, `__pycache__` and `.ipynb_checkpoints`
//! are skipped; the result is sorted, so output order never depends on thread timing.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{DirEntry, WalkBuilder, WalkState};

use crate::diagnostic::FileError;
use crate::settings::Settings;
use crate::source::{SourceKind, io_reason, symlink_reason};

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
    /// Named paths that do not exist or cannot be looked at (bad usage: exit 2).
    pub errors: Vec<FileError>,
    /// Paths found or named that mlcheck will not read: a named symlink or non-regular file,
    /// a folder that could not be walked. `check` reports each as an `MLC001` finding,
    /// `fix` as an error.
    pub refused: Vec<FileError>,
    /// Symlinks met while walking whose names mlcheck reads (never followed), sorted.
    pub links: Vec<PathBuf>,
}

/// Find the files under `paths` that mlcheck reads.
pub fn discover(paths: &[PathBuf], settings: &Settings) -> Discovered {
    let mut out = Discovered::default();
    for path in paths {
        // `lstat`: a named symlink is refused like a walked one is skipped, so nothing
        // outside the checked tree is ever read through it.
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(err) => {
                out.errors.push(FileError {
                    path: path.clone(),
                    message: io_reason(&err),
                });
                continue;
            }
        };
        if meta.file_type().is_symlink() && std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
            // A named folder that is a link is the tree asked for (`mlcheck check ~/proj`):
            // walked, with no link inside it followed.
            walk_dir(path, settings, &mut out);
        } else if meta.file_type().is_symlink() {
            out.refused.push(FileError {
                path: path.clone(),
                message: symlink_reason(path),
            });
        } else if meta.is_dir() {
            walk_dir(path, settings, &mut out);
        } else if !meta.is_file() {
            // A FIFO or device would block or never end: never read one.
            out.refused.push(FileError {
                path: path.clone(),
                message: NOT_REGULAR.into(),
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
    out.links.sort();
    out.links.dedup();
    out.refused.sort_by(|a, b| a.path.cmp(&b.path));
    out.refused.dedup();
    out
}

/// Why a FIFO, socket or device is not read.
pub const NOT_REGULAR: &str = "not a regular file (a FIFO, socket or device); not read";

fn walk_dir(root: &Path, settings: &Settings, out: &mut Discovered) {
    let files = Mutex::new(Vec::new());
    let links = Mutex::new(Vec::new());
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
        let links = &links;
        let errors = &errors;
        Box::new(move |result| {
            match result {
                Ok(entry) if entry.depth() > 0 && entry.path_is_symlink() => {
                    // Never followed (`follow_links(false)`); `fix` names what it skipped.
                    if SourceKind::from_path(entry.path()).is_some() {
                        links
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(entry.into_path());
                    }
                }
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    if SourceKind::from_path(entry.path()).is_none() {
                    } else if is_file {
                        files
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(entry.into_path());
                    } else if !is_dir && entry.file_type().is_some() {
                        // A FIFO, socket or device with a name mlcheck reads: never opened.
                        errors
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(FileError {
                                path: entry.into_path(),
                                message: NOT_REGULAR.into(),
                            });
                    }
                }
                Err(err) => {
                    let path = err_path(&err).unwrap_or_else(|| PathBuf::from("<walk>"));
                    errors
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(FileError {
                            path,
                            message: walk_reason(&err),
                        });
                }
            }
            WalkState::Continue
        })
    });
    out.files
        .extend(files.into_inner().unwrap_or_else(|e| e.into_inner()));
    out.links
        .extend(links.into_inner().unwrap_or_else(|e| e.into_inner()));
    out.refused
        .extend(errors.into_inner().unwrap_or_else(|e| e.into_inner()));
}

fn keep_entry(entry: &DirEntry, root: &Path, excludes: &crate::settings::GlobList) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let name = entry.file_name().to_string_lossy();
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    if is_dir
        && (SKIPPED_DIRS.contains(&name.as_ref()) || entry.path().join("pyvenv.cfg").is_file())
    {
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

/// `cannot walk: permission denied; nothing below it was checked`.
fn walk_reason(err: &ignore::Error) -> String {
    let what = match err.io_error() {
        Some(e) => io_reason(e),
        None => err.to_string(),
    };
    format!("cannot walk: {what}; nothing below it was checked")
}
