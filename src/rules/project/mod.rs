//! Project rules (`PRJ…` for MLproject, `ENV…` for environment files) (placeholder).
//!
//! These run once per project, not per file: see [`check_project`].

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, FileError};
use crate::registry::RuleMeta;
use crate::settings::Settings;

pub const RULES: &[&RuleMeta] = &[];

/// Options from the `[project]` table of the config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {}

/// Run the project rules for the project rooted at `root`. `files` are all the files that
/// discovery found under `root` (already filtered by excludes and `.gitignore`), relative
/// paths as the user sees them.
pub fn check_project(
    _root: &Path,
    _files: &[PathBuf],
    _settings: &Settings,
) -> (Vec<Diagnostic>, Vec<FileError>) {
    (Vec::new(), Vec::new())
}
