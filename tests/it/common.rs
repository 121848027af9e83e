//! The harness shared by the integration tests:
//!
//! - the fixture harness, in process: [`findings`] runs one rule on one fixture and prints
//!   each finding with its place; [`diagnostics`] / [`diagnostics_with`] return the findings
//!   of a set of rules or of whole [`Settings`]; [`load`] reads a file as `check` does;
//! - the binary as a user runs it: [`mlcheck`] / [`mlcheck_env`] (a neutral environment),
//!   [`check_json`] (the findings of `check --output-format json`), and [`git`];
//! - files on disk: [`root`], [`corpus`], [`files_under`], [`notebooks_under`].

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use mlcheck::diagnostic::Diagnostic;
use mlcheck::pipeline::check_source;
use mlcheck::registry::RuleMeta;
use mlcheck::rules::rule;
use mlcheck::settings::Settings;
use mlcheck::source::read_source;
use mlcheck::source::{CellPart, SourceFile};

// ---- The binary and git, as a user runs them ---------------------------------------------

/// Run `mlcheck` in `cwd` with a neutral environment: colour off, no format from the
/// environment, not under pre-commit or GitHub Actions.
pub fn mlcheck(args: &[&str], cwd: &Path) -> Output {
    mlcheck_env(args, cwd, &[])
}

/// [`mlcheck`] with `env` set on top of the neutral environment.
pub fn mlcheck_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlcheck"));
    cmd.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("MLCHECK_OUTPUT_FORMAT")
        .env_remove("PRE_COMMIT")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("mlcheck runs")
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

// ---- The fixture harness: one file through the rules, in process -------------------------

/// The repository root: `fixtures/`, `rules/` and `docs/` are under it.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Load a file (relative to the repository root, or absolute) as `mlcheck check` reads it.
pub fn load(path: &str) -> Arc<SourceFile> {
    let full = root().join(path);
    read_source(&full)
        .unwrap_or_else(|e| panic!("{}: {}", full.display(), e.message))
        .unwrap_or_else(|| panic!("{}: skipped as binary", full.display()))
}

/// The diagnostics of `settings`' rules on one file, as `check` produces them (rules, then
/// suppressions), in the order the rules report them.
pub fn diagnostics_with(path: &str, settings: &Settings) -> Vec<Diagnostic> {
    check_source(&load(path), settings)
}

/// [`diagnostics_with`] for exactly `rules`.
pub fn diagnostics(path: &str, rules: &[&'static RuleMeta]) -> Vec<Diagnostic> {
    diagnostics_with(path, &Settings::with_rules(rules))
}

/// Run the rule `code` alone on one file; each finding, in file order, as
/// `<where>: <message>`, where is `cell N:line:col`, `cell N output`, `cell N` (the cell as
/// a whole) or `line:col` (outside any cell).
pub fn findings(code: &str, path: &str) -> Vec<String> {
    let mut diags = diagnostics(path, &[rule(code).expect("known rule")]);
    diags.sort_by_key(|d| d.primary.range.start);
    diags
        .iter()
        .map(|d| {
            assert_eq!(d.rule.code, code);
            format!("{}: {}", place(d), d.message)
        })
        .collect()
}

/// Where a diagnostic starts: `cell N:line:col`, `cell N output`, `cell N` or `line:col`.
pub fn place(d: &Diagnostic) -> String {
    let loc = d.file().location(d.primary.range.start());
    match loc.cell {
        Some(c) => match c.part {
            CellPart::Source(lc) => format!("cell {}:{}:{}", c.cell, lc.line, lc.column),
            CellPart::Output => format!("cell {} output", c.cell),
            CellPart::Cell => format!("cell {}", c.cell),
        },
        None => format!("{}:{}", loc.raw.line, loc.raw.column),
    }
}

/// `mlcheck check --output-format json <args…>` in `cwd`: the findings. Panics when the run
/// is an error (exit 2) or the output is not JSON.
pub fn check_json(cwd: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["check", "--output-format", "json"];
    all.extend_from_slice(args);
    let out = mlcheck(&all, cwd);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

// ---- Files on disk -----------------------------------------------------------------------

/// `../shared/corpus` (real notebooks), or `None`, with a note, when it is absent (as in a
/// fresh clone; CI always has it).
pub fn corpus() -> Option<PathBuf> {
    let p = root().join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("../shared/corpus is absent: skipping the corpus tests");
        None
    }
}

/// Every file under `dir`, recursively, sorted; unreadable folders are skipped.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for p in entries.flatten().map(|e| e.path()) {
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every notebook (`*.ipynb`) under `dir`, sorted.
pub fn notebooks_under(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
        .collect()
}
