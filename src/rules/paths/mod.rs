//! The `paths` domain: paths that only exist on one machine.
//!
//! `PTH001` and `PTH003` read string literals from the shared Python parse
//! ([`crate::rules::FileChecker::python`]); `PTH002` scans committed notebook outputs and
//! needs no parse. Patterns are data: `rules/paths.toml`.

pub mod hard_coded_local_path;
pub mod leaked_home_path;
pub mod missing_input_file;
pub mod patterns;

use serde::Deserialize;

use crate::registry::RuleMeta;
use crate::rules::{Check, FileCheck, FileChecker, rule_count, rules_of};

pub use hard_coded_local_path::HARD_CODED_LOCAL_PATH;
pub use leaked_home_path::LEAKED_HOME_PATH;
pub use missing_input_file::MISSING_INPUT_FILE;

/// The path rules, in the order they run.
pub const CHECKS: &[Check<FileCheck>] = &[
    check![HARD_CODED_LOCAL_PATH => hard_coded_local_path::check],
    check![LEAKED_HOME_PATH => leaked_home_path::check],
    check![MISSING_INPUT_FILE => missing_input_file::check],
];

pub const RULES: &[&RuleMeta] = &rules_of::<_, { rule_count(CHECKS) }>(CHECKS);

/// Options from the `[paths]` table of the config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Path prefixes never reported by `PTH001` (e.g. `"/mnt/shared-datasets"`).
    pub allow: Vec<String>,
    /// Ids of `rules/paths.toml` patterns to turn off (e.g. `"mnt"`).
    pub disable_patterns: Vec<String>,
}

pub fn check(checker: &mut FileChecker<'_>) {
    checker.run(CHECKS);
}

/// Whether a call's callee reads, writes or names files (for `~/…` and `PTH003`).
pub(crate) fn is_file_api(callee: &str) -> bool {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        last,
        "open"
            | "Path"
            | "PurePath"
            | "PosixPath"
            | "WindowsPath"
            | "listdir"
            | "scandir"
            | "walk"
            | "exists"
            | "isfile"
            | "isdir"
            | "makedirs"
            | "mkdir"
            | "glob"
            | "iglob"
            | "join"
            | "expanduser"
            | "abspath"
            | "realpath"
            | "chdir"
            | "copy"
            | "copyfile"
            | "copytree"
            | "move"
            | "rmtree"
            | "remove"
            | "unlink"
            | "File"
            | "imread"
            | "imwrite"
            | "savefig"
            | "open_dataset"
            | "ImageFolder"
            | "from_pretrained"
            | "save_pretrained"
            | "loadtxt"
            | "genfromtxt"
            | "fromfile"
            | "load_workbook"
            | "ZipFile"
            | "TarFile"
            | "connect"
            | "FileHandler"
            | "SummaryWriter"
    ) || ["read_", "to_", "load", "save", "dump"]
        .iter()
        .any(|p| last.starts_with(p))
}
