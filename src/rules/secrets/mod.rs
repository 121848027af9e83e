//! The `secrets` domain (`SEC…`): hard-coded credentials in code, notebooks (sources, text
//! and JSON outputs, metadata; never images, widget state or editor ids) and config files.
//!
//! The scanner, its patterns (`rules/secrets.toml`) and redaction are the library layer
//! [`crate::secrets`]; this module holds only the rules: [`hardcoded_secret`] declares
//! `SEC001`/`SEC002` and turns the scanner's findings into redacted diagnostics with
//! content fingerprints.

pub mod hardcoded_secret;

/// The `[secrets]` config table: the scanner's options (every domain exposes its `Options`
/// here, where `Settings` reads them).
pub use crate::secrets::Options;
pub use hardcoded_secret::{GENERIC_SECRET, HARDCODED_SECRET};

use crate::secrets::{redact, scan_file};

use crate::registry::RuleMeta;
use crate::rules::{Check, FileCheck, FileChecker, rule_count, rules_of};

/// The secret rules: one shared pass (one scan of the file, each finding reported as
/// `SEC002` when a generic pattern found it, else `SEC001`).
pub const CHECKS: &[Check<FileCheck>] = &[check![HARDCODED_SECRET, GENERIC_SECRET => scan_pass]];

pub const RULES: &[&RuleMeta] = &rules_of::<_, { rule_count(CHECKS) }>(CHECKS);

/// Check one file: every enabled `SEC` rule.
pub fn check(checker: &mut FileChecker<'_>) {
    checker.run(CHECKS);
}

fn scan_pass(checker: &mut FileChecker<'_>) {
    let settings = checker.settings;
    let Ok(set) = settings.secrets.patterns() else {
        // Invalid user patterns are reported when the config is loaded.
        return;
    };
    let findings = scan_file(checker.file, &set, &settings.secrets);
    redact::record(checker.file, &findings);
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
