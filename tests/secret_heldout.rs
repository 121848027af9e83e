//! The held-out split of the secret scanner's test material: cases from other sources than
//! the gitleaks-shaped tuning split (`tests/secret_samples.rs`), only measured on, never
//! tuned on (new cases for tuning go to `tests/data/secret_samples.jsonl`).
//!
//! `tests/data/secret_heldout.jsonl` (written by `tests/data/gen_secret_heldout.py`, seeded)
//! holds tokens in providers' documented formats and length ranges in the places ML code
//! puts them (`provider-doc`), the shapes of other scanners' published detector tests
//! (`scanner-shape`), hand-written ML notebooks and configs (`ml-hand`) and clean
//! look-alikes (`look-alike`). Each case is one file, judged as a user's CI judges it: flagged
//! when `mlcheck check --select SEC` has any finding in it. The test prints recall and false
//! positives and fails when either falls past the floor reached.

use std::collections::BTreeMap;
use std::path::Path;

mod common;

/// Floors at what was reached (before the fixes of issue #11: recall 173/247, 70.0%, and
/// 9/51 false positives; after: 246/247 and 0/51; the one miss is a password holding `%`,
/// which the generic password rule leaves out as a likely `%s` template).
const RECALL_FLOOR_PERMILLE: usize = 995;
/// False positives at most this many per thousand clean cases.
const MAX_FALSE_POSITIVE_PERMILLE: usize = 0;

#[test]
fn heldout_recall_and_false_positives() {
    let data = include_str!("data/secret_heldout.jsonl");
    let cases: Vec<serde_json::Value> = data
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(cases.len() >= 290, "{} cases", cases.len());
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = format!("case{i:04}.{}", case["ext"].as_str().unwrap());
        let mut text = case["text"].as_str().unwrap().to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        std::fs::write(dir.path().join(&name), text).unwrap();
        names.push(name);
    }
    let mut hits: BTreeMap<String, usize> = BTreeMap::new();
    for chunk in names.chunks(400) {
        let mut args = vec![
            "check",
            "--select",
            "SEC",
            "--exit-zero",
            "--output-format",
            "json",
        ];
        args.extend(chunk.iter().map(String::as_str));
        let out = common::mlcheck(&args, dir.path());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
        for f in findings {
            let path = f["path"].as_str().unwrap();
            let name = Path::new(path).file_name().unwrap().to_str().unwrap();
            *hits.entry(name.to_string()).or_default() += 1;
        }
    }
    let (mut flags, mut found, mut cleans, mut fps) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    for (case, name) in cases.iter().zip(&names) {
        let hit = hits.contains_key(name);
        let flag = case["expect"] == "flag";
        if flag {
            flags += 1;
            found += usize::from(hit);
        } else {
            cleans += 1;
            fps += usize::from(hit);
        }
        if hit != flag {
            wrong.push(format!(
                "[{}] {} {} ({name}): {}",
                case["source"].as_str().unwrap(),
                case["rule"].as_str().unwrap(),
                case["label"].as_str().unwrap(),
                if flag { "missed" } else { "false positive" }
            ));
        }
    }
    eprintln!(
        "held-out split: recall {found}/{flags} ({:.1}%), false positives {fps}/{cleans} ({:.1}%)",
        found as f64 * 100.0 / flags as f64,
        fps as f64 * 100.0 / cleans as f64
    );
    for w in &wrong {
        eprintln!("  {w}");
    }
    assert!(
        found * 1000 >= flags * RECALL_FLOOR_PERMILLE
            && fps * 1000 <= cleans * MAX_FALSE_POSITIVE_PERMILLE,
        "held-out split fell below its floors: recall {found}/{flags}, false positives \
         {fps}/{cleans}"
    );
}
