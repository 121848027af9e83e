//! `mlcheck fix --strip-outputs`: nbstripout-compatible stripping (placeholder).

use serde::Deserialize;

/// Options from the `[strip]` table of the config file (nbstripout's flags).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {}
