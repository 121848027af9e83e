//! The baseline file (`.mlcheck-baseline.json`): known findings recorded by content
//! fingerprint so that `mlcheck check --baseline FILE` shows only new ones.
//!
//! Promises: the file holds fingerprints only (sha256 of code, repo-relative path and the
//! secret or flagged text: never a secret, never a line number), sorted and de-duplicated,
//! with no timestamp, so writing it twice gives the same bytes and moving code around
//! changes nothing. [`filter`] hides known findings and returns the entries that matched
//! nothing, so a stale baseline can be pruned.
//!
//! Format:
//! ```json
//! {
//!   "version": 1,
//!   "fingerprints": ["0f3c…", "9a1d…"]
//! }
//! ```

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;
use crate::diagnostic::Diagnostic;
use crate::render::Finding;

/// The current format version.
pub const VERSION: u32 = 1;

/// The default file name.
pub const DEFAULT_FILE: &str = ".mlcheck-baseline.json";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Sorted, unique, lower-case hex sha256 strings.
    pub fingerprints: Vec<String>,
}

impl Baseline {
    /// The baseline of these findings.
    pub fn from_diagnostics(diags: &[Diagnostic]) -> Self {
        let set: BTreeSet<String> = diags.iter().map(Diagnostic::fingerprint).collect();
        Self {
            version: VERSION,
            fingerprints: set.into_iter().collect(),
        }
    }

    /// Parse a baseline; errors name the problem (the caller adds the path).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut b: Baseline =
            serde_json::from_str(text).map_err(|e| format!("not a baseline file: {e}"))?;
        if b.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {VERSION})",
                b.version
            ));
        }
        if let Some(bad) = b
            .fingerprints
            .iter()
            .find(|f| f.len() != 64 || !f.bytes().all(|c| c.is_ascii_hexdigit()))
        {
            return Err(format!("`{bad}` is not a sha256 fingerprint"));
        }
        for f in &mut b.fingerprints {
            f.make_ascii_lowercase();
        }
        b.fingerprints.sort();
        b.fingerprints.dedup();
        Ok(b)
    }

    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::msg(format!("cannot read baseline {}: {e}", path.display())))?;
        Self::parse(&text).map_err(|e| Error::msg(format!("{}: {e}", path.display())))
    }

    /// The file's bytes: pretty JSON, one fingerprint a line, trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Write atomically (temp file + rename) next to `path`.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| Error::msg(format!("cannot write baseline {}: {e}", path.display())))?;
        std::io::Write::write_all(&mut tmp, self.to_json().as_bytes())
            .map_err(|e| Error::msg(format!("cannot write baseline {}: {e}", path.display())))?;
        tmp.persist(path)
            .map_err(|e| Error::msg(format!("cannot write baseline {}: {e}", path.display())))?;
        Ok(())
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints
            .binary_search_by(|f| f.as_str().cmp(fingerprint))
            .is_ok()
    }
}

/// Something with a published fingerprint: a [`Diagnostic`] or a resolved [`Finding`].
pub trait Fingerprinted {
    fn published_fingerprint(&self) -> Cow<'_, str>;
}

impl Fingerprinted for Diagnostic {
    fn published_fingerprint(&self) -> Cow<'_, str> {
        Cow::Owned(self.fingerprint())
    }
}

impl Fingerprinted for Finding {
    fn published_fingerprint(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.fingerprint)
    }
}

/// Hide the findings recorded in `baseline`. Returns the findings left and the baseline
/// entries that matched no finding (sorted), which the caller reports as stale.
pub fn filter<T: Fingerprinted>(findings: Vec<T>, baseline: &Baseline) -> (Vec<T>, Vec<String>) {
    let mut filter = Filter::new(baseline);
    let kept = filter.keep(findings);
    (kept, filter.unused())
}

/// [`filter`] applied a batch at a time (one file's findings as the run writes them): it
/// keeps one flag per baseline entry, never the findings.
pub struct Filter<'a> {
    baseline: &'a Baseline,
    used: Vec<bool>,
}

impl<'a> Filter<'a> {
    pub fn new(baseline: &'a Baseline) -> Self {
        Self {
            baseline,
            used: vec![false; baseline.fingerprints.len()],
        }
    }

    /// The findings of `findings` the baseline does not record.
    pub fn keep<T: Fingerprinted>(&mut self, mut findings: Vec<T>) -> Vec<T> {
        findings.retain(|d| {
            let fp = d.published_fingerprint();
            match self
                .baseline
                .fingerprints
                .binary_search_by(|f| f.as_str().cmp(&fp))
            {
                Ok(i) => {
                    self.used[i] = true;
                    false
                }
                Err(_) => true,
            }
        });
        findings
    }

    /// The baseline entries that matched no finding so far (sorted).
    pub fn unused(&self) -> Vec<String> {
        self.baseline
            .fingerprints
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(f, _)| f.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_rejects_bad_files_with_a_reason() {
        assert!(
            Baseline::parse("[]")
                .unwrap_err()
                .contains("not a baseline")
        );
        assert!(
            Baseline::parse(r#"{"version": 2, "fingerprints": []}"#)
                .unwrap_err()
                .contains("version 2")
        );
        assert!(
            Baseline::parse(r#"{"version": 1, "fingerprints": ["abc"]}"#)
                .unwrap_err()
                .contains("`abc`")
        );
    }

    #[test]
    fn json_is_sorted_and_stable() {
        let a = "a".repeat(64);
        let b = "b".repeat(64);
        let text = format!(r#"{{"version": 1, "fingerprints": ["{b}", "{a}", "{b}"]}}"#);
        let parsed = Baseline::parse(&text).unwrap();
        assert_eq!(parsed.fingerprints, vec![a.clone(), b.clone()]);
        assert_eq!(Baseline::parse(&parsed.to_json()).unwrap(), parsed);
        assert!(parsed.to_json().ends_with("]\n}\n"));
    }
}
