//! mlcheck over the real notebooks of `../shared/corpus` (skipped when it is absent, as in
//! a fresh clone; CI always has it): no internal error, every finding located inside its
//! file, and the notebook figures agree with an independent computation on `serde_json`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mlcheck::pipeline::check_paths;
use mlcheck::settings::Settings;

use crate::common::{corpus, notebooks_under};

#[test]
fn corpus_figures_match_an_independent_count() {
    let Some(corpus) = corpus() else { return };
    let files = notebooks_under(&corpus);
    assert!(files.len() >= 300);

    // Independent: serde_json, the definitions in the issue and in nbstripout.
    let mut out_of_order = BTreeSet::new();
    let mut with_outputs = BTreeSet::new();
    let mut with_errors = 0usize;
    for f in &files {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        let keep_default = v["metadata"]["keep_output"].as_bool().unwrap_or(false);
        let code: Vec<&serde_json::Value> = v["cells"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["cell_type"] == "code")
            .collect();
        let counts: Vec<i64> = code
            .iter()
            .filter_map(|c| c["execution_count"].as_i64())
            .collect();
        if counts.windows(2).any(|w| w[1] <= w[0]) {
            out_of_order.insert(f.clone());
        }
        let has_outputs = code.iter().any(|c| {
            let kept = match c["metadata"].get("init_cell") {
                Some(init) => init.as_bool().unwrap_or(false),
                None => {
                    c["metadata"]["keep_output"].as_bool().unwrap_or(false)
                        || c["metadata"]["tags"]
                            .as_array()
                            .is_some_and(|t| t.iter().any(|t| t == "keep_output"))
                        || keep_default
                }
            };
            !kept && c["outputs"].as_array().is_some_and(|o| !o.is_empty())
        });
        if has_outputs {
            with_outputs.insert(f.clone());
        }
        with_errors += code
            .iter()
            .flat_map(|c| c["outputs"].as_array().into_iter().flatten())
            .filter(|o| o["output_type"] == "error")
            .count();
    }

    let settings = Settings::with_rules(&mlcheck::rules::select("NB00").unwrap());
    let outcome = check_paths(std::slice::from_ref(&corpus), &settings);
    assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
    let files_with = |code: &str| -> BTreeSet<PathBuf> {
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.rule.code == code)
            .map(|d| d.file().path.clone())
            .collect()
    };
    let count = |code: &str| {
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.rule.code == code)
            .count()
    };
    assert_eq!(files_with("NB001"), out_of_order, "NB001 notebooks");
    assert_eq!(files_with("NB002"), with_outputs, "NB002 notebooks");
    // One finding per notebook for both.
    assert_eq!(count("NB001"), out_of_order.len());
    assert_eq!(count("NB002"), with_outputs.len());
    assert_eq!(
        outcome
            .diagnostics
            .iter()
            .filter(|d| d.rule.code == "NB004")
            .count(),
        with_errors
    );
    assert!(
        files_with("NB000").is_empty(),
        "every corpus notebook is valid"
    );

    // Every finding is located inside its file, and notebook source positions map to a cell.
    for d in &outcome.diagnostics {
        let file = d.file();
        assert!(
            d.primary.range.end() <= file.text.len(),
            "{}: range out of file",
            file.path.display()
        );
        let loc = file.location(d.primary.range.start());
        assert!(loc.raw.line >= 1 && loc.raw.column >= 1);
        assert!(
            loc.cell.is_some(),
            "{} {}: no cell for {:?}",
            d.rule.code,
            file.path.display(),
            d.primary.range
        );
    }
}

/// Every code cell of the corpus: mapping each decoded char boundary to raw and back is the
/// identity, and the raw byte at a mapped position decodes to the same character.
#[test]
fn corpus_cell_maps_round_trip() {
    let Some(corpus) = corpus() else { return };
    let files = notebooks_under(&corpus);
    for f in files.iter().step_by(5) {
        let text = std::fs::read_to_string(f).unwrap();
        let nb = mlcheck::source::Notebook::parse(&text).unwrap();
        for cell in &nb.cells {
            let src = &cell.source.text;
            for (i, ch) in src.char_indices().step_by(7) {
                let raw = cell.source.to_raw(i);
                assert_eq!(
                    cell.source.from_raw(raw),
                    Some(i),
                    "{} cell {}",
                    f.display(),
                    cell.number
                );
                let raw_text = &text[raw..];
                if !raw_text.starts_with('\\') {
                    assert!(
                        raw_text.starts_with(ch),
                        "{} cell {} at {i}",
                        f.display(),
                        cell.number
                    );
                }
            }
        }
    }
}

/// The ecosystem check (`bench/ecosystem/`): every default rule at least 95 % true on the
/// 22 real repositories of `../shared/ecosystem`, each checked as its own root, and every
/// sampled finding triaged in `bench/ecosystem/ledger/`. A rule change that adds or moves a
/// finding fails here until the finding is read and given a verdict. Skipped when the
/// ecosystem corpus or python3 is absent.
#[test]
fn every_default_rule_is_precise_on_the_ecosystem() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let eco = root.join("../shared/ecosystem");
    if !eco.is_dir() {
        eprintln!("skipped: no {}", eco.display());
        return;
    }
    let Ok(out) = std::process::Command::new("python3")
        .arg(root.join("bench/ecosystem/check.py"))
        .arg("--strict")
        .arg("--mlcheck")
        .arg(env!("CARGO_BIN_EXE_mlcheck"))
        .arg("--ecosystem")
        .arg(&eco)
        .arg("--work")
        .arg(std::env::temp_dir().join("mlcheck-ecosystem-test"))
        .output()
    else {
        eprintln!("skipped: python3 is not available");
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the ecosystem check failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("| rule |"), "{stdout}");
}
