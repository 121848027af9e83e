//! Resolved settings (ripgrep's "high args"): the config file merged with the command-line
//! flags and validated. The rest of mlcheck sees only this.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::diagnostic::Severity;
use crate::registry::RuleMeta;
use crate::rules;
use crate::rules::all_rules;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Codes of the selected rules.
    pub enabled: HashSet<&'static str>,
    /// Per-code severity overrides from config.
    pub severity: HashMap<&'static str, Severity>,
    /// `(glob, codes)` pairs: findings of those codes in matching files are dropped.
    pub per_file_ignores: Vec<(globset::GlobMatcher, Vec<&'static str>)>,
    /// Globs of paths not to check (`exclude` + `extend-exclude`).
    pub exclude: GlobList,
    /// Apply `exclude` to files named on the command line too.
    pub force_exclude: bool,
    /// The folder holding the config file, or the working directory; globs and the
    /// baseline are relative to it.
    pub root: PathBuf,
    /// The config file that was used, if any.
    pub config_path: Option<PathBuf>,
    /// A baseline file of known findings.
    pub baseline: Option<PathBuf>,
    /// `fail-on`: findings of this severity or worse make `check` exit 1 (default: warning,
    /// so the `info` findings of opt-in advice rules are reported without failing a run).
    pub fail_on: Severity,
    pub notebook: rules::notebook::Options,
    pub secrets: rules::secrets::Options,
    pub paths: rules::paths::Options,
    pub python: rules::python::Options,
    pub project: rules::project::Options,
    pub repro: rules::repro::Options,
    pub strip: crate::strip::Options,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            enabled: all_rules()
                .iter()
                .filter(|r| r.default_enabled)
                .map(|r| r.code)
                .collect(),
            severity: HashMap::new(),
            per_file_ignores: Vec::new(),
            exclude: GlobList::default(),
            force_exclude: false,
            root: PathBuf::from("."),
            config_path: None,
            baseline: None,
            fail_on: Severity::Warning,
            notebook: Default::default(),
            secrets: Default::default(),
            paths: Default::default(),
            python: Default::default(),
            project: Default::default(),
            repro: Default::default(),
            strip: Default::default(),
        }
    }
}

impl Settings {
    pub fn enabled(&self, rule: &RuleMeta) -> bool {
        self.enabled.contains(rule.code)
    }

    /// Settings with exactly these rules selected (for tests and `--select`).
    pub fn with_rules(rules: &[&'static RuleMeta]) -> Self {
        Self {
            enabled: rules.iter().map(|r| r.code).collect(),
            ..Self::default()
        }
    }

    pub fn severity_of(&self, rule: &RuleMeta) -> Severity {
        self.severity
            .get(rule.code)
            .copied()
            .unwrap_or(rule.severity)
    }
}

/// A list of globs compiled in time linear in their number. Globs that are plain paths (a
/// name, or a folder with `/**`) go into one `GlobSet` (hash and prefix lookups); globs
/// with wildcards into sets of at most [`GlobList::WILD_CHUNK`], because globset compiles
/// a set's wildcard globs into one regex, which grows past its size limit ("error building
/// NFA") at a few thousand globs.
#[derive(Clone, Debug, Default)]
pub struct GlobList {
    sets: Vec<globset::GlobSet>,
}

impl GlobList {
    pub const WILD_CHUNK: usize = 1000;

    pub fn build(globs: Vec<globset::Glob>) -> Result<Self, globset::Error> {
        let mut plain = globset::GlobSetBuilder::new();
        let mut wild: Vec<globset::GlobSetBuilder> = Vec::new();
        let (mut n_plain, mut n_wild) = (0usize, 0usize);
        for glob in globs {
            let text = glob.glob();
            let stem = text.strip_suffix("/**").unwrap_or(text);
            if stem.contains(['*', '?', '[', '{', '\\']) {
                if n_wild % Self::WILD_CHUNK == 0 {
                    wild.push(globset::GlobSetBuilder::new());
                }
                n_wild += 1;
                if let Some(b) = wild.last_mut() {
                    b.add(glob);
                }
            } else {
                n_plain += 1;
                plain.add(glob);
            }
        }
        let mut sets = Vec::with_capacity(wild.len() + 1);
        if n_plain > 0 {
            sets.push(plain.build()?);
        }
        for b in wild {
            sets.push(b.build()?);
        }
        Ok(Self { sets })
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    pub fn is_match(&self, path: impl AsRef<std::path::Path>) -> bool {
        if self.sets.is_empty() {
            return false;
        }
        let candidate = globset::Candidate::new(path.as_ref());
        self.sets.iter().any(|s| s.is_match_candidate(&candidate))
    }
}

#[cfg(test)]
mod glob_list_tests {
    use super::GlobList;

    fn list(globs: &[&str]) -> GlobList {
        GlobList::build(
            globs
                .iter()
                .map(|g| {
                    globset::GlobBuilder::new(g)
                        .literal_separator(false)
                        .build()
                        .unwrap()
                })
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn plain_and_wildcard_globs_match_across_sets() {
        assert!(GlobList::default().is_empty());
        assert!(!GlobList::default().is_match("a.ipynb"));
        let l = list(&["legacy", "legacy/**", "*.draft.ipynb", "data/**/raw_*.csv"]);
        assert!(l.is_match("legacy/old.ipynb"));
        assert!(l.is_match("notes/x.draft.ipynb"));
        assert!(l.is_match("data/2024/raw_1.csv"));
        assert!(!l.is_match("legacy2/old.ipynb"));
        assert!(!l.is_match("data/2024/clean.csv"));
    }

    /// More wildcard globs than one regex set can hold ("error building NFA" at a few
    /// thousand in one `GlobSet`): split into sets, every one still matches.
    #[test]
    fn many_wildcard_globs_build_and_match() {
        let globs: Vec<String> = (0..5 * GlobList::WILD_CHUNK + 7)
            .map(|i| format!("dir{i}/*.ipynb"))
            .collect();
        let refs: Vec<&str> = globs.iter().map(String::as_str).collect();
        let l = list(&refs);
        assert!(l.is_match("dir0/a.ipynb"));
        assert!(l.is_match(format!("dir{}/b.ipynb", 5 * GlobList::WILD_CHUNK + 6)));
        assert!(!l.is_match("dir0/a.py"));
    }
}
