//! Meta rules (`MLC`): files mlcheck could not read, or not in full. They are findings, not
//! failed runs (like ruff's `E902`), so `--exit-zero`, `--ignore` and `per-file-ignores`
//! apply to them; exit 2 stays for bad usage, bad config and internal errors.

mod invalid_encoding;
mod unreadable_file;

pub use invalid_encoding::MLC002;
pub use unreadable_file::{MLC001, unreadable};

use crate::registry::RuleMeta;
use crate::rules::{Check, FileCheck, FileChecker, rule_count, rules_of};

/// The meta rules, in the order they run. `MLC001` is reported by the pipeline, for a file
/// it could not read ([`unreadable`]).
pub const CHECKS: &[Check<FileCheck>] =
    &[check![MLC001], check![MLC002 => invalid_encoding::check]];

pub const RULES: &[&RuleMeta] = &rules_of::<_, { rule_count(CHECKS) }>(CHECKS);

pub fn check(checker: &mut FileChecker<'_>) {
    checker.run(CHECKS);
}
