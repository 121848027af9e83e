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
