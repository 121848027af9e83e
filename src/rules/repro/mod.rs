//! The `REP` domain: what makes an ML result irreproducible beyond notebook hygiene.
//!
//! File-level rules ([`check`]) read notebooks and `.py` files: unseeded randomness
//! (`REP001`) and scikit-learn calls without `random_state` (`REP002`) read the calls of the
//! shared parse ([`crate::source::python::Facts::calls_info`], no second parse); unpinned
//! notebook installs (`REP003`) scan the cells' `%pip` / `!pip` / `%conda` lines.
//!
//! Tree-level rules ([`check_tree`]) run once per run: model and data files tracked in the
//! git index (`REP004`, sizes from the index entries, never from blobs), DVC pipelines that
//! do not add up (`REP005`), `dvc.yaml` files that do not parse or hold unknown keys
//! (`REP006`), and DVC-tracked files also committed to git (`REP007`).

mod calls;
mod dvc;
mod git_index;
pub mod missing_random_state;
pub mod unpinned_notebook_install;
pub mod unseeded_randomness;

use std::path::PathBuf;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, FileError};
use crate::registry::RuleMeta;
use crate::rules::{Check, FileCheck, FileChecker, rule_count, rules_of};
use crate::settings::Settings;
use crate::source::SourceKind;

pub use dvc::{BROKEN_DVC_PIPELINE, DVC_OUTPUT_IN_GIT, INVALID_DVC_FILE};
pub use git_index::MODEL_FILE_IN_GIT;
pub use missing_random_state::MISSING_RANDOM_STATE;
pub use unpinned_notebook_install::UNPINNED_NOTEBOOK_INSTALL;
pub use unseeded_randomness::UNSEEDED_RANDOMNESS;

/// The `REP` rules. The file-level ones run in table order on notebooks and `.py` files
/// ([`check`]); `REP001` and `REP002` share one pass (one call graph of the file). The
/// tree-level ones ([`TREE`]) are reported by [`check_tree`], once per run.
pub const CHECKS: &[Check<FileCheck>] = &[
    check![UNPINNED_NOTEBOOK_INSTALL => unpinned_notebook_install::check],
    check![UNSEEDED_RANDOMNESS, MISSING_RANDOM_STATE => call_rules],
    TREE,
];

/// The tree-level rules ([`check_tree`]).
const TREE: Check<FileCheck> = check![
    MODEL_FILE_IN_GIT,
    BROKEN_DVC_PIPELINE,
    INVALID_DVC_FILE,
    DVC_OUTPUT_IN_GIT
];

pub const RULES: &[&RuleMeta] = &rules_of::<_, { rule_count(CHECKS) }>(CHECKS);

/// Options from the `[repro]` table of the config file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// `REP004`: a model or binary data file tracked in git is reported from this size
    /// (bytes, as recorded in the git index).
    pub max_model_size: u64,
    /// `REP004`: a text data file (`.csv`, `.tsv`, `.jsonl`) is reported from this size.
    pub max_data_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_model_size: 1024 * 1024,
            max_data_size: 10 * 1024 * 1024,
        }
    }
}

/// Whether the enabled rules read calls from the shared parse of a file of this kind.
pub fn needs_calls(settings: &Settings, kind: SourceKind) -> bool {
    matches!(kind, SourceKind::Python | SourceKind::Notebook)
        && (settings.enabled(&UNSEEDED_RANDOMNESS) || settings.enabled(&MISSING_RANDOM_STATE))
}

/// The file-level `REP` rules.
pub fn check(checker: &mut FileChecker<'_>) {
    match checker.file.kind {
        SourceKind::Notebook | SourceKind::Python => {}
        _ => return,
    }
    checker.run(CHECKS);
    distinguish_repeats(&mut checker.diagnostics);
}

/// `REP001` and `REP002`: one call graph of the file, read by both.
fn call_rules(checker: &mut FileChecker<'_>) {
    let parsed = checker.python();
    let program = calls::Program::new(checker.file, &parsed);
    if checker.enabled(&UNSEEDED_RANDOMNESS) {
        unseeded_randomness::check(checker, &parsed, &program);
    }
    if checker.enabled(&MISSING_RANDOM_STATE) {
        missing_random_state::check(checker, &parsed, &program);
    }
}

/// The same call or install line written twice in a file gives two findings with the same
/// content: number the repeats so that each has its own fingerprint (still independent of
/// line numbers), and a baseline or ledger entry stands for one of them.
fn distinguish_repeats(diagnostics: &mut [Diagnostic]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for d in diagnostics.iter_mut() {
        if d.rule.domain != crate::registry::Domain::Repro || d.fingerprint.is_some() {
            continue;
        }
        let base = d.fingerprint();
        let n = seen.entry(base.clone()).or_insert(0);
        if *n > 0 {
            d.fingerprint = Some(crate::fingerprint(&[&base, &n.to_string()]));
        }
        *n += 1;
    }
}

/// The tree-level `REP` rules over the checked `paths` (`files` were discovered under them):
/// the git index of the repository holding them (only staged entries with `staged`), and
/// every `dvc.yaml` among `files`.
pub fn check_tree(
    paths: &[PathBuf],
    files: &[PathBuf],
    settings: &Settings,
    staged: bool,
) -> (Vec<Diagnostic>, Vec<FileError>) {
    if !TREE.rules.iter().any(|r| settings.enabled(r)) {
        return (Vec::new(), Vec::new());
    }
    let mut diags = Vec::new();
    let mut errors = Vec::new();
    let dvc = dvc::Project::load(files, settings, &mut diags, &mut errors);
    if settings.enabled(&MODEL_FILE_IN_GIT) || settings.enabled(&DVC_OUTPUT_IN_GIT) {
        git_index::check(paths, settings, staged, &dvc, &mut diags);
    }
    (diags, errors)
}

/// Test files (`tests/`, `test_*.py`, `*_test.py`, `conftest.py`) use randomness on purpose.
pub(crate) fn is_test_file(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py" {
        return true;
    }
    path.components().any(|c| {
        matches!(
            c.as_os_str().to_str(),
            Some("tests" | "test" | "testing" | "unittests")
        )
    })
}
