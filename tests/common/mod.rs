//! Helpers shared by the integration tests that drive the `mlcheck` binary and `git`.
//! (Each test file is its own crate; not every one uses every helper.)
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Run `mlcheck` in `cwd`, with colour off and no format from the environment.
pub fn mlcheck(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("MLCHECK_OUTPUT_FORMAT")
        .output()
        .expect("mlcheck runs")
}

/// Run `git` in `dir` with no user or system config and a fixed identity; panic on failure.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
