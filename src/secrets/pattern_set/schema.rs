//! The pattern file's format: `rules/secrets.toml` and `[[secrets.extend-patterns]]`, as
//! written (serde), before any validation.

use serde::Deserialize;

use crate::registry::Severity;

/// The built-in pattern file.
pub const BUILTIN_TOML: &str = include_str!("../../../rules/secrets.toml");

/// One `[[pattern]]` table as written (also the schema of `[[secrets.extend-patterns]]`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPattern {
    pub id: String,
    pub description: String,
    /// A full regex; the secret is `secret-group` (default: the first group that matched).
    #[serde(default)]
    pub regex: Option<String>,
    /// A token body, wrapped with gitleaks' boundaries (see `rules/README.md`).
    #[serde(default)]
    pub token: Option<String>,
    /// With `token`: names the token must be assigned to (case-insensitive regexes).
    #[serde(default)]
    pub identifiers: Vec<String>,
    #[serde(default)]
    pub secret_group: Option<usize>,
    pub keywords: Vec<String>,
    /// A cheaper regex that matches (in Unicode mode) somewhere in every window where
    /// `regex` matches: windows where it does not are skipped without running `regex`.
    #[serde(default)]
    pub prefilter: Option<String>,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Regexes on the secret that mark it as not a secret.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Regexes on the text of the secret's line before it: a match means the value is not
    /// a secret where it stands (an access key id as a presigned URL's `X-Amz-Credential=`).
    #[serde(default)]
    pub allow_before: Vec<String>,
    /// A regex that must match within a few lines of the finding.
    #[serde(default)]
    pub context: Option<String>,
    /// The match may span lines (scanned in a window after the keyword).
    #[serde(default)]
    pub multiline: bool,
    /// Severity of this pattern's findings (default: the rule's).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Reported as `SEC002 generic-secret`, with the `[generic]` filters.
    #[serde(default)]
    pub generic: bool,
    #[serde(default)]
    pub examples: Examples,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Examples {
    #[serde(rename = "match", default)]
    pub matches: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawGlobal {
    #[serde(default)]
    pub(super) allow: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawGeneric {
    #[serde(default)]
    pub(super) stop_identifiers: Vec<String>,
    #[serde(default)]
    pub(super) defer_prefixes: Vec<String>,
    #[serde(default)]
    pub(super) stopwords: Vec<String>,
    #[serde(default)]
    pub(super) sequential_run: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) global: RawGlobal,
    #[serde(default)]
    pub(super) generic: RawGeneric,
    #[serde(default)]
    pub(super) pattern: Vec<RawPattern>,
}
