//! The `paths` rules (`PTH001`–`PTH003`) on their fixtures, and the patterns file.

use mlcheck::diagnostic::Diagnostic;
use mlcheck::rules::paths::{
    HARD_CODED_LOCAL_PATH, LEAKED_HOME_PATH, MISSING_INPUT_FILE, patterns,
};
use mlcheck::settings::Settings;

use crate::common::{diagnostics, diagnostics_with, root};

fn flagged(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d.file().slice(d.primary.range).to_string())
        .collect()
}

#[test]
fn patterns_file_examples() {
    let text = std::fs::read_to_string(root().join("rules/paths.toml")).unwrap();
    let loaded = patterns::load(&text).unwrap();
    for p in &loaded {
        assert!(
            !p.examples.matches.is_empty(),
            "{}: no match examples",
            p.id
        );
        assert!(
            !p.examples.no_match.is_empty(),
            "{}: no no-match examples",
            p.id
        );
        for ex in &p.examples.matches {
            assert!(
                patterns::find(std::slice::from_ref(p), ex, true).is_some(),
                "{} must match {ex:?}",
                p.id
            );
        }
        for ex in &p.examples.no_match {
            assert!(
                patterns::find(std::slice::from_ref(p), ex, true).is_none(),
                "{} must not match {ex:?}",
                p.id
            );
        }
    }
}

#[test]
fn pth001_in_python() {
    let diags = diagnostics("fixtures/paths/PTH001_paths.py", &[&HARD_CODED_LOCAL_PATH]);
    assert_eq!(
        flagged(&diags),
        [
            "\"/home/alice/projects/churn/train.csv\"",
            "\"/Users/bob/Desktop/data\"",
            "r\"\\\\fileserver\\team\\datasets\"",
            "\"/kaggle/input/titanic/test.csv\"",
            "\"/dbfs/FileStore/tables/events.parquet\"",
            "\"/mnt/c/Users/alice/data/raw\"",
            "\"~/datasets/labels.txt\"",
            "\"python train.py --data=/home/alice/data\"",
        ]
    );
    assert_eq!(
        diags[0].message,
        "hard-coded local path `/home/alice/projects/churn/train.csv` (a Linux home directory)"
    );
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap()
            .contains("environment variable")
    );
    assert_eq!(diags[0].properties["pattern"], "linux-home");
}

#[test]
fn pth001_in_notebooks() {
    let diags = diagnostics(
        "fixtures/paths/PTH001_paths.ipynb",
        &[&HARD_CODED_LOCAL_PATH],
    );
    let ids: Vec<_> = diags
        .iter()
        .map(|d| d.properties["pattern"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["colab-drive", "windows-home"]);
    let loc = diags[1].file().location(diags[1].primary.range.start());
    assert_eq!(loc.cell.unwrap().cell, 3);
}

#[test]
fn pth001_negatives_and_options() {
    assert_eq!(
        flagged(&diagnostics(
            "fixtures/paths/PTH001_ok.py",
            &[&HARD_CODED_LOCAL_PATH]
        )),
        Vec::<String>::new()
    );
    let mut settings = Settings::with_rules(&[&HARD_CODED_LOCAL_PATH]);
    settings.paths.allow = vec!["/mnt/c/Users/alice".into()];
    settings.paths.disable_patterns = vec!["kaggle-input".into()];
    let diags = diagnostics_with("fixtures/paths/PTH001_paths.py", &settings);
    assert_eq!(diags.len(), 6);
}

#[test]
fn pth002_home_paths_in_outputs() {
    let diags = diagnostics("fixtures/paths/PTH002_outputs.ipynb", &[&LEAKED_HOME_PATH]);
    assert_eq!(diags.len(), 2);
    assert!(
        diags[0].message.contains("user `alice`"),
        "{}",
        diags[0].message
    );
    assert!(diags[1].message.contains("user `bob`"));
    assert!(diagnostics("fixtures/paths/PTH002_ok.ipynb", &[&LEAKED_HOME_PATH]).is_empty());
    assert!(!LEAKED_HOME_PATH.default_enabled);
}

#[test]
fn pth003_missing_inputs() {
    let diags = diagnostics("fixtures/paths/PTH003_missing.py", &[&MISSING_INPUT_FILE]);
    assert_eq!(
        flagged(&diags),
        [
            "\"data/customers_final_v3.csv\"",
            "\"weights/best.npy\"",
            "\"notes/secret_notes.txt\""
        ]
    );
    assert!(diagnostics("fixtures/paths/PTH003_ok.py", &[&MISSING_INPUT_FILE]).is_empty());
    assert!(!MISSING_INPUT_FILE.default_enabled);
}

#[test]
fn pth001_same_findings_whatever_else_is_enabled() {
    // With PTH001 alone the parse keeps only path-like literals and skips cells without `/`
    // or a backslash; with other rules on it keeps more. The findings must not change.
    use mlcheck::rules::python::{SYNTAX_ERROR, UNDEFINED_NAME, USED_BEFORE_DEFINED};
    let path = "fixtures/paths/PTH001_escapes.ipynb";
    let only = |diags: Vec<Diagnostic>| -> Vec<(String, String)> {
        diags
            .into_iter()
            .filter(|d| d.rule.code == "PTH001")
            .map(|d| (d.file().slice(d.primary.range).to_string(), d.message))
            .collect()
    };
    let alone = only(diagnostics(path, &[&HARD_CODED_LOCAL_PATH]));
    // Raw slices of the notebook's JSON; the messages show the decoded paths.
    let shown: Vec<&str> = alone.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        shown,
        [
            r#"\"\\x2fhome\\x2fbob\\x2fdata.csv\""#,
            r#"\"~/notes/todo.txt\""#,
            r#"\"~/data/x.csv\""#,
            r#"f\"/kaggle/input/{name}.csv\""#,
        ]
    );
    assert!(
        alone[0].1.contains("`/home/bob/data.csv`"),
        "{}",
        alone[0].1
    );
    for others in [
        &[&HARD_CODED_LOCAL_PATH, &USED_BEFORE_DEFINED][..],
        &[&HARD_CODED_LOCAL_PATH, &MISSING_INPUT_FILE][..],
        &[
            &HARD_CODED_LOCAL_PATH,
            &MISSING_INPUT_FILE,
            &UNDEFINED_NAME,
            &SYNTAX_ERROR,
        ][..],
    ] {
        assert_eq!(only(diagnostics(path, others)), alone);
    }
}
