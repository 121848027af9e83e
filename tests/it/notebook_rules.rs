//! Each notebook rule on its positive and negative fixtures: what is reported, and where.

use std::path::Path;

use mlcheck::pipeline::check_source;
use mlcheck::rules::rule;
use mlcheck::settings::Settings;
use mlcheck::source::read_source;

use crate::common::{files_under, findings};

#[test]
fn nb000_invalid_notebook() {
    assert_eq!(
        findings("NB000", "fixtures/notebook/NB000_truncated.ipynb"),
        ["5:22: invalid notebook: not valid JSON: unexpected end of file: the JSON is truncated"]
    );
    let conflict = findings("NB000", "fixtures/notebook/NB000_merge_conflict.ipynb");
    assert_eq!(conflict.len(), 1);
    assert!(
        conflict[0].starts_with("3:1: invalid notebook: unresolved git merge conflict"),
        "{conflict:?}"
    );
    assert_eq!(
        findings("NB000", "fixtures/notebook/NB000_array.ipynb"),
        [
            "1:1: invalid notebook: not a notebook: the top-level JSON value is an array, not an object"
        ]
    );
    assert!(findings("NB000", "fixtures/notebook/NB000_ok.ipynb").is_empty());
}

#[test]
fn nb001_out_of_order_execution() {
    assert_eq!(
        findings("NB001", "fixtures/notebook/NB001_out_of_order.ipynb"),
        ["cell 4: cell 4 ran before cell 3 above it (execution count 3 after 5)"]
    );
    assert!(findings("NB001", "fixtures/notebook/NB001_ok.ipynb").is_empty());
}

/// One finding per notebook: a run of cells repeating one count is one place, and a later
/// descent is listed in the same finding.
#[test]
fn nb001_is_one_finding_per_notebook() {
    assert_eq!(
        findings("NB001", "fixtures/notebook/NB001_repeated_counts.ipynb"),
        [
            "cell 4: cells 4 to 5 (2 code cells) repeat the execution count 4 of cell 3 above them; out of order again at cell 6",
        ]
    );
}

/// Two cells with one count ran in different kernel sessions: the message says the kernel
/// restarted, not that one ran "before" the other.
#[test]
fn nb001_repeated_count_is_a_restart() {
    assert_eq!(
        findings("NB001", "fixtures/notebook/NB001_restarted.ipynb"),
        [
            "cell 4: cell 4 repeats the execution count 2 of cell 3 above it (the kernel restarted in between)"
        ]
    );
}

#[test]
fn nb002_committed_outputs() {
    assert_eq!(
        findings("NB002", "fixtures/notebook/NB002_outputs.ipynb"),
        ["cell 2 output: `outputs` committed in 2 of 3 code cells (cells 2 and 4)"]
    );
    assert!(
        findings("NB002", "fixtures/notebook/NB002_ok.ipynb").is_empty(),
        "keep_output tag, metadata and init_cell are honoured"
    );
}

#[test]
fn nb003_committed_execution_counts() {
    assert_eq!(
        findings("NB003", "fixtures/notebook/NB003_counts.ipynb"),
        ["cell 2 output: execution counts committed in 2 code cells (cells 2 and 3)"]
    );
    assert!(findings("NB003", "fixtures/notebook/NB003_ok.ipynb").is_empty());
}

#[test]
fn nb004_error_output() {
    assert_eq!(
        findings("NB004", "fixtures/notebook/NB004_error.ipynb"),
        ["cell 2 output: cell 2 raised `ZeroDivisionError` in its committed output"]
    );
    assert!(findings("NB004", "fixtures/notebook/NB004_ok.ipynb").is_empty());
}

#[test]
fn nb005_unexecuted_cell() {
    assert_eq!(
        findings("NB005", "fixtures/notebook/NB005_skipped.ipynb"),
        ["cell 3: cell 3 was never run, but cells above and below it were"]
    );
    assert!(findings("NB005", "fixtures/notebook/NB005_ok.ipynb").is_empty());
}

/// Skipping a Python cell of only comments or only a string literal changes nothing; in a
/// C# notebook a `#r "nuget: …"` line is a directive, so skipping it is reported.
#[test]
fn nb005_cells_that_do_nothing() {
    assert!(findings("NB005", "fixtures/notebook/NB005_comment_only_ok.ipynb").is_empty());
    assert_eq!(
        findings("NB005", "fixtures/notebook/NB005_csharp_directive.ipynb"),
        ["cell 2: cell 2 was never run, but cells above and below it were"]
    );
}

#[test]
fn nb006_execution_count_gap() {
    assert_eq!(
        findings("NB006", "fixtures/notebook/NB006_gap.ipynb"),
        [
            "cell 2: the first executed cell (cell 2) has count 2, not 1",
            "cell 3: cell 3 skips from 2 to 7",
            "cell 5: cell 5 repeats execution count 8",
        ]
    );
    assert!(findings("NB006", "fixtures/notebook/NB006_ok.ipynb").is_empty());
}

#[test]
fn nb007_volatile_metadata() {
    assert_eq!(
        findings("NB007", "fixtures/notebook/NB007_metadata.ipynb"),
        [
            "cell 2: volatile metadata `widgets`, `ExecuteTime`, `scrolled` committed in cells 2 and 3"
        ]
    );
    assert!(findings("NB007", "fixtures/notebook/NB007_ok.ipynb").is_empty());
}

#[test]
fn nb008_large_output() {
    assert_eq!(
        findings("NB008", "fixtures/notebook/NB008_large.ipynb"),
        ["cell 2 output: an output of cell 2 is 600.2 kB (limit 500.0 kB)"]
    );
    assert!(findings("NB008", "fixtures/notebook/NB008_ok.ipynb").is_empty());
}

#[test]
fn nb009_duplicate_cell() {
    assert_eq!(
        findings("NB009", "fixtures/notebook/NB009_duplicate.ipynb"),
        ["cell 4:1:1: cell 4 repeats cell 2 (5 lines)"]
    );
    assert!(findings("NB009", "fixtures/notebook/NB009_ok.ipynb").is_empty());
}

/// `check` never flags what `fix --strip-outputs` keeps, and flags what it removes: for
/// each notebook and each set of `[strip]` options, NB002 fires exactly when stripping
/// removes an output, and NB003 exactly when a count would be reset.
#[test]
fn nb002_nb003_agree_with_the_stripper() {
    use mlcheck::rules::rule;
    use mlcheck::strip::{Options, strip_notebook};

    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(manifest.join("fixtures/strip"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
        .filter(|p| !p.to_string_lossy().contains(".expected."))
        .collect();
    paths.extend(
        std::fs::read_dir(manifest.join("fixtures/notebook"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    let corpus = manifest.join("../shared/corpus");
    if corpus.is_dir() {
        let mut n = 0;
        for entry in files_under(&corpus) {
            if entry.extension().is_some_and(|e| e == "ipynb") && n < 120 {
                paths.push(entry);
                n += 1;
            }
        }
    }
    let option_sets: Vec<(&str, Options)> = vec![
        ("default", Options::default()),
        (
            "keep-count",
            Options {
                keep_count: true,
                ..Options::default()
            },
        ),
        (
            "keep-output",
            Options {
                keep_output: true,
                ..Options::default()
            },
        ),
        (
            "max-size 200",
            Options {
                max_size: 200,
                ..Options::default()
            },
        ),
        (
            "max-size 100k",
            Options {
                max_size: 100_000,
                ..Options::default()
            },
        ),
        (
            "keep-output-type error",
            Options {
                keep_output_type: vec!["error".into()],
                ..Options::default()
            },
        ),
        (
            "keep-output, drop stderr",
            Options {
                keep_output: true,
                drop_output_type: vec!["stream:stderr".into()],
                ..Options::default()
            },
        ),
        (
            "strip-init-cells",
            Options {
                strip_init_cells: true,
                ..Options::default()
            },
        ),
    ];
    let outputs = |v: &serde_json::Value| -> Vec<usize> {
        v["cells"]
            .as_array()
            .map(|cells| {
                cells
                    .iter()
                    .map(|c| c["outputs"].as_array().map_or(0, Vec::len))
                    .collect()
            })
            .unwrap_or_default()
    };
    let counts = |v: &serde_json::Value| -> bool {
        v["cells"].as_array().is_some_and(|cells| {
            cells.iter().any(|c| {
                !c["execution_count"].is_null() && c.get("execution_count").is_some()
                    || c["outputs"].as_array().is_some_and(|o| {
                        o.iter()
                            .any(|o| o.get("execution_count").is_some_and(|e| !e.is_null()))
                    })
            })
        })
    };
    let mut compared = 0;
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(before) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if before.get("nbformat").and_then(|v| v.as_i64()) != Some(4) {
            continue;
        }
        let Ok(Some(file)) = read_source(path) else {
            continue;
        };
        for (name, opts) in &option_sets {
            let Ok(stripped) = strip_notebook(&text, opts) else {
                continue;
            };
            let after: serde_json::Value = serde_json::from_str(&stripped.text).unwrap();
            let mut settings =
                Settings::with_rules(&[rule("NB002").unwrap(), rule("NB003").unwrap()]);
            settings.strip = opts.clone();
            let diags = check_source(&file, &settings);
            let fired = |code: &str| diags.iter().any(|d| d.rule.code == code);
            assert_eq!(
                fired("NB002"),
                outputs(&before) != outputs(&after),
                "NB002 on {} with {name}",
                path.display()
            );
            assert_eq!(
                fired("NB003"),
                counts(&before) && !opts.keep_count,
                "NB003 on {} with {name}",
                path.display()
            );
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} comparisons");
}

/// `check` and `fix --strip-outputs` read JSON with one nesting limit: a notebook nested
/// 400 levels deep in its metadata is a notebook to both, one nested 600 deep to neither.
#[test]
fn check_and_strip_share_one_nesting_limit() {
    use mlcheck::strip::{Options, strip_notebook};
    let dir = std::env::temp_dir().join(format!("mlcheck-depth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (depth, ok) in [(400, true), (600, false)] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let text = format!(
            r#"{{"cells": [], "metadata": {{"deep": {nested}}}, "nbformat": 4, "nbformat_minor": 5}}"#
        );
        let path = dir.join(format!("deep{depth}.ipynb"));
        std::fs::write(&path, &text).unwrap();
        let file = read_source(&path).unwrap().unwrap();
        let settings = Settings::with_rules(&[rule("NB000").unwrap()]);
        let invalid = !check_source(&file, &settings).is_empty();
        assert_eq!(invalid, !ok, "check at depth {depth}");
        assert_eq!(
            strip_notebook(&text, &Options::default()).is_ok(),
            ok,
            "strip at depth {depth}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
