//! The project model, below the rules: what a project declares, read once.
//!
//! A project is a folder that declares an environment (or an `MLproject`); each code file
//! belongs to the nearest one above it ([`roots`]). The model of one project
//! ([`model::Project`]) is its root, its MLproject, its environment files
//! ([`environment::EnvSet`], one reader module per format) and the facts of its code
//! ([`code::CodeFacts`]), all built
//! from what the per-file stage already loaded ([`Preloaded`]): the project stage reads from
//! disk only files the walk does not load (a `Pipfile`, a `.python-version`), once, and
//! counts every such read ([`DISK_READS`]). The `PRJ`/`ENV` rules (`rules::project`) take
//! the model and emit diagnostics; nothing here reports anything itself.

pub mod code;
pub mod environment;
pub mod model;
pub mod roots;

mod conda;
mod dockerfile;
mod pipfile;
mod pyproject;
mod python_env;
mod requirements;
mod setup_cfg;
mod setup_py;
mod version_files;

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::source::SourceFile;

/// MLproject and environment files the per-file stage loaded, by normalised path.
#[derive(Clone, Debug, Default)]
pub struct Preloaded(Arc<Mutex<HashMap<PathBuf, Arc<SourceFile>>>>);

impl Preloaded {
    /// The loaded file at `path` (`./a/b` and `a/b` are one path).
    pub fn get(&self, path: &Path) -> Option<Arc<SourceFile>> {
        self.0.lock().ok()?.get(&normalize_path(path)).cloned()
    }

    /// Drop the file at `path`: its project has been checked.
    pub fn remove(&self, path: &Path) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&normalize_path(path));
        }
    }

    /// Keep a loaded file for the project stage.
    pub fn insert(&self, file: &Arc<SourceFile>) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(normalize_path(&file.path), Arc::clone(file));
        }
    }
}

/// Files read from disk by the project stage (MLproject, environment and code files it was
/// not handed by the per-file stage). `MLCHECK_DEBUG_PROJECT_READS=1` prints the count.
pub static DISK_READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Count one read from disk by the project stage.
pub fn count_read() {
    DISK_READS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// Whether two folders are the same folder: the one test every part of mlcheck uses.
/// Paths as the walk writes them are compared as written (`""`, `.` and `./a` vs `a`
/// folded); only when the two are written in different forms (one absolute, or one going
/// up with `..`) is the file system asked, so the common case costs no system call.
pub fn same_dir(a: &Path, b: &Path) -> bool {
    let goes_up = |p: &Path| p.components().any(|c| c == Component::ParentDir);
    if !goes_up(a) && !goes_up(b) {
        if normalize_path(a) == normalize_path(b) {
            return true;
        }
        if a.is_absolute() == b.is_absolute() {
            return false;
        }
    }
    let on_disk = |p: &Path| {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        std::fs::canonicalize(p).ok()
    };
    matches!((on_disk(a), on_disk(b)), (Some(x), Some(y)) if x == y)
}

/// `./a/../b` → `b`: a path without `.` and `..` components, for lookups.
pub fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_dir_folds_spellings_and_asks_the_disk_only_across_forms() {
        assert!(same_dir(Path::new(""), Path::new(".")));
        assert!(same_dir(Path::new("./src"), Path::new("src")));
        assert!(same_dir(Path::new("src/./a/"), Path::new("src/a")));
        assert!(!same_dir(Path::new("src"), Path::new("tests")));
        // Different forms of one folder: absolute against relative, and `..`.
        let cwd = std::env::current_dir().unwrap();
        assert!(same_dir(&cwd.join("src"), Path::new("src")));
        assert!(same_dir(Path::new("src/../tests"), Path::new("tests")));
        assert!(!same_dir(&cwd.join("src"), Path::new("tests")));
        assert!(!same_dir(Path::new("../src"), Path::new("src")));
    }
}
