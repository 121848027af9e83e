//! Resolved settings (ripgrep's "high args"): the config file merged with the command-line
//! flags and validated. The rest of mlcheck sees only this.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::diagnostic::Severity;
use crate::registry::{RuleMeta, all_rules};
use crate::rules;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Codes of the selected rules.
    pub enabled: HashSet<&'static str>,
    /// Per-code severity overrides from config.
    pub severity: HashMap<&'static str, Severity>,
    /// `(glob, codes)` pairs: findings of those codes in matching files are dropped.
    pub per_file_ignores: Vec<(globset::GlobMatcher, Vec<&'static str>)>,
    /// Globs of paths not to check (`exclude` + `extend-exclude`).
    pub exclude: globset::GlobSet,
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
            exclude: globset::GlobSet::empty(),
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
