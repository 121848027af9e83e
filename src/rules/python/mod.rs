//! The `python` domain (placeholder: rules arrive with their issue).

use serde::Deserialize;

use crate::registry::RuleMeta;
use crate::rules::FileChecker;

pub const RULES: &[&RuleMeta] = &[];

/// Options from the `[python]` table of the config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {}

pub fn check(_checker: &mut FileChecker<'_>) {}
