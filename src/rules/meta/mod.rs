//! Meta rules (`MLC`): files mlcheck could not read, or not in full. They are findings, not
//! failed runs (like ruff's `E902`), so `--exit-zero`, `--ignore` and `per-file-ignores`
//! apply to them; exit 2 stays for bad usage, bad config and internal errors.

mod invalid_encoding;
mod unreadable_file;

pub use invalid_encoding::MLC002;
pub use unreadable_file::{MLC001, unreadable};

use crate::registry::RuleMeta;
use crate::rules::FileChecker;

pub const RULES: &[&RuleMeta] = &[&MLC001, &MLC002];

pub fn check(checker: &mut FileChecker<'_>) {
    if checker.enabled(&MLC002) {
        invalid_encoding::check(checker);
    }
}
