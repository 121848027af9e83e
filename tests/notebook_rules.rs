//! Each notebook rule on its positive and negative fixtures: what is reported, and where.

use std::path::Path;

use mlcheck::pipeline::{check_source, read_source};
use mlcheck::registry::rule;
use mlcheck::settings::Settings;
use mlcheck::source::CellPart;

/// Run one rule on one fixture; each finding as `cell N[:line:col| output| (cell)]: message`.
fn run(code: &str, fixture: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/notebook")
        .join(fixture);
    let file = read_source(&path).expect("readable").expect("a notebook");
    let settings = Settings::with_rules(&[rule(code).expect("known rule")]);
    let mut diags = check_source(&file, &settings);
    diags.sort_by_key(|d| d.primary.range.start);
    diags
        .iter()
        .map(|d| {
            assert_eq!(d.rule.code, code);
            let loc = file.location(d.primary.range.start());
            let at = match loc.cell {
                Some(c) => match c.part {
                    CellPart::Source(lc) => format!("cell {}:{}:{}", c.cell, lc.line, lc.column),
                    CellPart::Output => format!("cell {} output", c.cell),
                    CellPart::Cell => format!("cell {}", c.cell),
                },
                None => format!("{}:{}", loc.raw.line, loc.raw.column),
            };
            format!("{at}: {}", d.message)
        })
        .collect()
}

#[test]
fn nb000_invalid_notebook() {
    assert_eq!(
        run("NB000", "NB000_truncated.ipynb"),
        ["5:22: invalid notebook: not valid JSON: unexpected end of file: the JSON is truncated"]
    );
    let conflict = run("NB000", "NB000_merge_conflict.ipynb");
    assert_eq!(conflict.len(), 1);
    assert!(
        conflict[0].starts_with("3:1: invalid notebook: unresolved git merge conflict"),
        "{conflict:?}"
    );
    assert_eq!(
        run("NB000", "NB000_array.ipynb"),
        [
            "1:1: invalid notebook: not a notebook: the top-level JSON value is an array, not an object"
        ]
    );
    assert!(run("NB000", "NB000_ok.ipynb").is_empty());
}

#[test]
fn nb001_out_of_order_execution() {
    assert_eq!(
        run("NB001", "NB001_out_of_order.ipynb"),
        ["cell 4: cell 4 ran before cell 3 above it (execution count 3 after 5)"]
    );
    assert!(run("NB001", "NB001_ok.ipynb").is_empty());
}

/// One finding per notebook: a run of cells repeating one count is one place, and a later
/// descent is listed in the same finding.
#[test]
fn nb001_is_one_finding_per_notebook() {
    assert_eq!(
        run("NB001", "NB001_repeated_counts.ipynb"),
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
        run("NB001", "NB001_restarted.ipynb"),
        [
            "cell 4: cell 4 repeats the execution count 2 of cell 3 above it (the kernel restarted in between)"
        ]
    );
}

#[test]
fn nb002_committed_outputs() {
    assert_eq!(
        run("NB002", "NB002_outputs.ipynb"),
        ["cell 2 output: `outputs` committed in 2 of 3 code cells (cells 2 and 4)"]
    );
    assert!(
        run("NB002", "NB002_ok.ipynb").is_empty(),
        "keep_output tag, metadata and init_cell are honoured"
    );
}

#[test]
fn nb003_committed_execution_counts() {
    assert_eq!(
        run("NB003", "NB003_counts.ipynb"),
        ["cell 2 output: execution counts committed in 2 code cells (cells 2 and 3)"]
    );
    assert!(run("NB003", "NB003_ok.ipynb").is_empty());
}

#[test]
fn nb004_error_output() {
    assert_eq!(
        run("NB004", "NB004_error.ipynb"),
        ["cell 2 output: cell 2 raised `ZeroDivisionError` in its committed output"]
    );
    assert!(run("NB004", "NB004_ok.ipynb").is_empty());
}

#[test]
fn nb005_unexecuted_cell() {
    assert_eq!(
        run("NB005", "NB005_skipped.ipynb"),
        ["cell 3: cell 3 was never run, but cells above and below it were"]
    );
    assert!(run("NB005", "NB005_ok.ipynb").is_empty());
}

/// Skipping a Python cell of only comments or only a string literal changes nothing; in a
/// C# notebook a `#r "nuget: …"` line is a directive, so skipping it is reported.
#[test]
fn nb005_cells_that_do_nothing() {
    assert!(run("NB005", "NB005_comment_only_ok.ipynb").is_empty());
    assert_eq!(
        run("NB005", "NB005_csharp_directive.ipynb"),
        ["cell 2: cell 2 was never run, but cells above and below it were"]
    );
}

#[test]
fn nb006_execution_count_gap() {
    assert_eq!(
        run("NB006", "NB006_gap.ipynb"),
        [
            "cell 2: the first executed cell (cell 2) has count 2, not 1",
            "cell 3: cell 3 skips from 2 to 7",
            "cell 5: cell 5 repeats execution count 8",
        ]
    );
    assert!(run("NB006", "NB006_ok.ipynb").is_empty());
}

#[test]
fn nb007_volatile_metadata() {
    assert_eq!(
        run("NB007", "NB007_metadata.ipynb"),
        [
            "cell 2: volatile metadata `widgets`, `ExecuteTime`, `scrolled` committed in cells 2 and 3"
        ]
    );
    assert!(run("NB007", "NB007_ok.ipynb").is_empty());
}

#[test]
fn nb008_large_output() {
    assert_eq!(
        run("NB008", "NB008_large.ipynb"),
        ["cell 2 output: an output of cell 2 is 600.2 kB (limit 500.0 kB)"]
    );
    assert!(run("NB008", "NB008_ok.ipynb").is_empty());
}

#[test]
fn nb009_duplicate_cell() {
    assert_eq!(
        run("NB009", "NB009_duplicate.ipynb"),
        ["cell 4:1:1: cell 4 repeats cell 2 (5 lines)"]
    );
    assert!(run("NB009", "NB009_ok.ipynb").is_empty());
}
