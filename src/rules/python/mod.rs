//! The `python` domain: rules that read notebook cells and `.py` files as Python code.
//!
//! Every rule here works from the shared parse ([`crate::rules::FileChecker::python`]):
//! each cell or file is parsed once, and not at all when none of these rules (nor the
//! `paths` rules) is selected. A cell that does not parse is reported once (`PY000`) and
//! skipped by the other rules.

mod names;
pub mod syntax_error;
pub mod undefined_name;
pub mod used_before_defined;

use serde::Deserialize;

use crate::registry::RuleMeta;
use crate::rules::paths::{HARD_CODED_LOCAL_PATH, MISSING_INPUT_FILE};
use crate::rules::{Check, FileCheck, FileChecker, rule_count, rules_of};
use crate::settings::Settings;
use crate::source::SourceKind;
use crate::source::python::{Needs, StringNeeds};

pub use syntax_error::SYNTAX_ERROR;
pub use undefined_name::UNDEFINED_NAME;
pub use used_before_defined::USED_BEFORE_DEFINED;

/// The Python rules, in the order they run. `NB010` and `NB011` share one pass (one name
/// resolution over the notebook's cells; it runs on notebooks only).
pub const CHECKS: &[Check<FileCheck>] = &[
    check![SYNTAX_ERROR => syntax_error::check],
    check![USED_BEFORE_DEFINED, UNDEFINED_NAME => names::check],
];

pub const RULES: &[&RuleMeta] = &rules_of::<_, { rule_count(CHECKS) }>(CHECKS);

/// Options from the `[python]` table of the config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Report `PY000 syntax-error` for notebook cells too (by default only `.py` files:
    /// notebooks often keep cells of other languages or deliberate errors).
    pub notebook_syntax_errors: bool,
}

pub fn check(checker: &mut FileChecker<'_>) {
    if !matches!(checker.file.kind, SourceKind::Python | SourceKind::Notebook)
        || !checker.any_enabled(RULES)
    {
        return;
    }
    checker.run(CHECKS);
}

/// What the enabled rules read from the shared parse of a file of this kind
/// ([`FileChecker::python`]): the parse collects nothing else and skips notebook cells that
/// cannot hold anything wanted. A rule that starts reading another part of
/// [`crate::source::python::Facts`] must be added here.
pub fn needs(settings: &Settings, kind: SourceKind) -> Needs {
    let notebook = kind == SourceKind::Notebook;
    Needs {
        names: notebook
            && (settings.enabled(&USED_BEFORE_DEFINED) || settings.enabled(&UNDEFINED_NAME)),
        strings: if settings.enabled(&MISSING_INPUT_FILE) {
            StringNeeds::All
        } else if settings.enabled(&HARD_CODED_LOCAL_PATH) {
            StringNeeds::PathLike
        } else {
            StringNeeds::None
        },
        status: settings.enabled(&SYNTAX_ERROR)
            && (!notebook || settings.python.notebook_syntax_errors),
        imports: false,
        calls: crate::rules::repro::needs_calls(settings, kind),
    }
}
