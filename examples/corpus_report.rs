//! Print findings on a folder of real code, for reading by hand (not a test: it asserts
//! nothing). Two reports:
//!
//! - `cargo run --release --example corpus_report -- files [RULES] [DIR]`: every finding of
//!   the file rules `RULES` (comma-separated codes, default `NB010`) on the notebooks and
//!   Python files under `DIR` (default `../shared/corpus`), with the lines involved.
//! - `cargo run --release --example corpus_report -- projects [DIR]`: every finding of the
//!   default project rules (`PRJ…`, `ENV…`) on each folder of `DIR` (default
//!   `../shared/corpus`), each folder checked as a project root.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use mlcheck::diagnostic::Diagnostic;
use mlcheck::registry::RuleMeta;
use mlcheck::rules::project::{RULES, check_project};
use mlcheck::rules::{FileChecker, check_file};
use mlcheck::settings::Settings;
use mlcheck::source::{SourceFile, SourceKind};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let default_dir = || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    match args.first().map(String::as_str) {
        Some("files") => {
            let codes = args.get(1).map_or("NB010", String::as_str);
            let dir = args.get(2).map_or_else(default_dir, PathBuf::from);
            files(codes, &dir)
        }
        Some("projects") => {
            let dir = args.get(1).map_or_else(default_dir, PathBuf::from);
            projects(&dir)
        }
        _ => {
            eprintln!("usage: corpus_report files [RULES] [DIR] | corpus_report projects [DIR]");
            ExitCode::from(2)
        }
    }
}

/// Every finding of the rules `codes` on the notebooks and Python files under `corpus`.
fn files(codes: &str, corpus: &Path) -> ExitCode {
    if !corpus.is_dir() {
        eprintln!("{}: not a folder", corpus.display());
        return ExitCode::from(2);
    }
    let mut rules: Vec<&'static RuleMeta> = Vec::new();
    for code in codes.split(',').map(str::trim) {
        match mlcheck::rules::rule(code) {
            Some(r) => rules.push(r),
            None => {
                eprintln!("unknown rule `{code}`");
                return ExitCode::from(2);
            }
        }
    }
    let settings = Settings::with_rules(&rules);
    let mut paths: Vec<_> = ignore::WalkBuilder::new(corpus)
        .build()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| {
            SourceKind::from_path(p)
                .is_some_and(|k| matches!(k, SourceKind::Notebook | SourceKind::Python))
        })
        .collect();
    paths.sort();
    let mut total = 0;
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("{}: not readable as UTF-8, skipped", path.display());
            continue;
        };
        let Some(kind) = SourceKind::from_path(&path) else {
            continue;
        };
        let file = Arc::new(SourceFile::new(path.clone(), text, kind));
        let mut checker = FileChecker::new(&file, &settings);
        check_file(&mut checker);
        for d in &checker.diagnostics {
            total += 1;
            let show = |r: mlcheck::source::TextRange| {
                let loc = file.location(r.start());
                match loc.cell {
                    Some(c) => format!("cell {} {:?}", c.cell, c.part),
                    None => format!("line {}", loc.raw.line),
                }
            };
            println!(
                "{} {}: {} [{}] `{}`",
                d.rule.code,
                path.strip_prefix(corpus).unwrap_or(&path).display(),
                show(d.primary.range),
                d.message,
                file.slice(d.primary.range)
                    .chars()
                    .take(100)
                    .collect::<String>()
            );
            for l in &d.secondary {
                println!(
                    "    {}: {}",
                    l.message.as_deref().unwrap_or(""),
                    show(l.range)
                );
            }
        }
    }
    println!("total: {total}");
    ExitCode::SUCCESS
}

/// Every finding of the default project rules on each folder of `corpus`.
fn projects(corpus: &Path) -> ExitCode {
    let entries = match std::fs::read_dir(corpus) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("{}: {e}", corpus.display());
            return ExitCode::from(2);
        }
    };
    let rules: Vec<_> = RULES
        .iter()
        .copied()
        .filter(|r| r.default_enabled)
        .collect();
    let mut roots: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    roots.sort();
    for root in roots {
        let start = std::time::Instant::now();
        let mut files = Vec::new();
        walk(&root, &mut files);
        files.sort();
        let (mut diags, errors) = check_project(&root, &files, &Settings::with_rules(&rules));
        diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        println!(
            "== {} ({} findings, {:?})",
            root.display(),
            diags.len(),
            start.elapsed()
        );
        for e in &errors {
            println!("error {}: {}", e.path.display(), e.message);
        }
        for d in &diags {
            println!("{} [{:?}] {}", summary(&root, d), d.severity, d.message);
        }
    }
    ExitCode::SUCCESS
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// `code path:line:col`, the path relative to `root`.
fn summary(root: &Path, d: &Diagnostic) -> String {
    let f = d.file();
    let at = f.location(d.primary.range.start()).raw;
    let rel = f
        .path
        .strip_prefix(root)
        .unwrap_or(&f.path)
        .to_string_lossy()
        .replace('\\', "/");
    format!("{} {rel}:{}:{}", d.rule.code, at.line, at.column)
}
