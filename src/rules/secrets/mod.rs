//! The `secrets` domain (`SEC…`): hard-coded credentials in code, notebooks (sources and
//! text outputs, never images or widget state) and config files.
//!
//! Patterns are data (`rules/secrets.toml`, see [`pattern_set`]); [`scan`] finds them in a
//! [`SourceFile`](crate::source::SourceFile) and [`hardcoded_secret`] turns findings into
//! redacted diagnostics with content fingerprints.

pub mod hardcoded_secret;
pub mod pattern_set;
pub mod scan;
pub mod service_account;

use std::sync::{Arc, OnceLock};

use serde::Deserialize;

pub use hardcoded_secret::{GENERIC_SECRET, HARDCODED_SECRET};
pub use pattern_set::{PatternSet, RawPattern};
pub use scan::{Finding, scan_file, scan_text};

use crate::registry::RuleMeta;
use crate::rules::FileChecker;

pub const RULES: &[&RuleMeta] = &[&HARDCODED_SECRET, &GENERIC_SECRET];

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
                    PatternSet::from_toml(
                        pattern_set::BUILTIN_TOML,
                        &self.extend_patterns,
                        &self.disable_patterns,
                    )
                    .map(Arc::new)
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

/// Check one file: every enabled `SEC` rule.
pub fn check(checker: &mut FileChecker<'_>) {
    if !checker.any_enabled(RULES) {
        return;
    }
    let settings = checker.settings;
    let Ok(set) = settings.secrets.patterns() else {
        // Invalid user patterns are reported when the config is loaded.
        return;
    };
    let findings = scan_file(checker.file, &set, &settings.secrets);
    for finding in &findings {
        let rule = if finding.generic {
            &GENERIC_SECRET
        } else {
            &HARDCODED_SECRET
        };
        if checker.enabled(rule) {
            let diag = hardcoded_secret::diagnostic(checker.file, finding, settings);
            checker.push(diag);
        }
    }
}

/// Byte ranges of `text` to hide wherever source text is shown (code frames): every secret
/// the built-in patterns find, minus its short visible prefix. Cached per text, since a
/// renderer asks once per frame.
pub fn redaction_ranges(text: &str) -> Arc<Vec<crate::source::TextRange>> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    type Cache = Mutex<HashMap<(usize, usize, u64), Arc<Vec<crate::source::TextRange>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    // Keyed by address and length plus a hash of the ends: hashing the whole text on every
    // frame cost seconds on large notebooks. Renderers keep every text alive while they run,
    // so an address is not reused for other content within one render.
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let b = text.as_bytes();
        b[..b.len().min(64)].hash(&mut h);
        b[b.len().saturating_sub(64)..].hash(&mut h);
        (text.as_ptr() as usize, text.len(), h.finish())
    };
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return hit;
    }
    let ranges: Vec<crate::source::TextRange> = match PatternSet::builtin() {
        Ok(set) => scan_text(text, &set, true)
            .into_iter()
            .filter_map(|f| {
                let shown = text.get(f.range.start()..f.range.end())?;
                let keep_chars = (shown.chars().count() / 4).min(4);
                let keep: usize = shown.chars().take(keep_chars).map(char::len_utf8).sum();
                Some(crate::source::TextRange::new(
                    f.range.start() + keep,
                    f.range.end(),
                ))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let ranges = Arc::new(ranges);
    if let Ok(mut c) = cache.lock() {
        if c.len() > 256 {
            c.clear();
        }
        c.insert(key, Arc::clone(&ranges));
    }
    ranges
}
