//! The secret scanner: a library layer below the rules and the renderers. It finds
//! secrets in a [`SourceFile`](crate::source::SourceFile) ([`scan`]) with the patterns of
//! `rules/secrets.toml` ([`pattern_set`]) plus the structural service-account check
//! ([`service_account`]), and hides them wherever mlcheck shows text ([`redact`]). The
//! `SEC` rules (`crate::rules::secrets`) turn its findings into diagnostics; the renderers
//! use its redaction without knowing any rule.

pub mod pattern_set;
pub mod redact;
pub mod scan;
pub mod service_account;

use std::sync::{Arc, OnceLock};

use serde::Deserialize;

pub use pattern_set::{PatternSet, RawPattern};
pub use scan::{Finding, scan_file, scan_text};

/// Options from the `[secrets]` table of the config file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// More patterns, with the schema of `rules/secrets.toml`'s `[[pattern]]` tables.
    pub extend_patterns: Vec<RawPattern>,
    /// Ids of built-in patterns to turn off (e.g. `jwt`, `generic-secret`).
    pub disable_patterns: Vec<String>,
    /// Files larger than this many bytes are not scanned (notebooks: per output).
    pub max_file_size: u64,
    #[serde(skip)]
    compiled: OnceLock<Result<Arc<PatternSet>, String>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            extend_patterns: Vec::new(),
            disable_patterns: Vec::new(),
            max_file_size: 5 * 1024 * 1024,
            compiled: OnceLock::new(),
        }
    }
}

impl Options {
    /// The patterns these options select: the built-in set, or a copy with the user's
    /// additions and removals. An error names the offending pattern.
    pub fn patterns(&self) -> Result<Arc<PatternSet>, String> {
        self.compiled
            .get_or_init(|| {
                if self.extend_patterns.is_empty() && self.disable_patterns.is_empty() {
                    PatternSet::builtin()
                } else {
                    let set = PatternSet::from_toml(
                        pattern_set::BUILTIN_TOML,
                        &self.extend_patterns,
                        &self.disable_patterns,
                    )
                    .map(Arc::new)?;
                    // What is hidden in output is what this configuration finds.
                    redact::set_active(&set);
                    Ok(set)
                }
            })
            .clone()
    }

    /// Check the options (for config loading): compiles the patterns once.
    pub fn validate(&self) -> Result<(), String> {
        self.patterns().map(|_| ())
    }

    /// Whether the structural GCP service-account check is on.
    pub fn service_account_enabled(&self) -> bool {
        !self
            .disable_patterns
            .iter()
            .any(|p| p == service_account::PATTERN_ID)
    }
}

/// Byte ranges of `text` to hide wherever source text is shown (code frames): every secret
/// the configured patterns find, minus its short visible prefix (added to the ranges of the
/// secrets the run reported, [`redact::reported_ranges`]). Callers pass the excerpt
/// they show plus some context (see [`last_multiline_keyword`] for how far back to reach).
pub fn redaction_ranges(text: &str) -> Vec<crate::source::TextRange> {
    let Some(set) = redact::active_patterns() else {
        return Vec::new();
    };
    scan_text(text, &set, true)
        .into_iter()
        .filter_map(|f| redact::hidden_part(text, f.range))
        .collect()
}

/// Where the last keyword of a built-in pattern that spans lines (PEM keys, `.netrc`
/// entries, `curl` commands, Kubernetes manifests) starts in `text`, if any: a secret shown
/// on one line may begin there, up to [`MULTILINE_REACH`] bytes earlier, so redaction must
/// scan from that point. Keywords are looked for as written, in lower case and in upper
/// case (SIMD substring searches: a code frame asks this of 16 KiB before it, and an
/// automaton was a third of the time of rendering many frames).
pub fn last_multiline_keyword(text: &str) -> Option<usize> {
    static FINDERS: OnceLock<Vec<memchr::memmem::Finder<'static>>> = OnceLock::new();
    let finders = FINDERS.get_or_init(|| {
        let Ok(set) = PatternSet::builtin() else {
            return Vec::new();
        };
        let mut forms: Vec<String> = Vec::new();
        for keyword in set
            .patterns
            .iter()
            .filter(|p| p.multiline)
            .flat_map(|p| p.keywords.iter())
        {
            for form in [
                keyword.clone(),
                keyword.to_ascii_lowercase(),
                keyword.to_ascii_uppercase(),
            ] {
                if !form.is_empty() && !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        forms
            .into_iter()
            .map(|f| memchr::memmem::Finder::new(f.as_bytes()).into_owned())
            .collect()
    });
    // Forward searches: memchr's are SIMD-accelerated, its reverse ones are not.
    finders
        .iter()
        .filter_map(|f| f.find_iter(text.as_bytes()).last())
        .max()
}

/// How far before a shown line a multiline secret may start.
pub const MULTILINE_REACH: usize = 16 * 1024;
