//! Notebook hygiene rules (`NB…`).

use serde::Deserialize;

use crate::registry::RuleMeta;
use crate::rules::FileChecker;

pub const RULES: &[&RuleMeta] = &[];

/// Options from the `[notebook]` table of the config file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// `NB008 large-output`: the size, in bytes, above which one output is flagged.
    pub max_output_size: u64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_output_size: 500_000,
        }
    }
}

pub fn check(_checker: &mut FileChecker<'_>) {}
