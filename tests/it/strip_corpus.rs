//! Every notebook of `../shared/corpus` strips without error, to valid JSON, idempotently
//! (skipped when the corpus is absent). The corpus is only read.

use mlcheck::strip::{Options, strip_notebook};

use crate::common::{corpus, notebooks_under};

#[test]
fn corpus_strips_to_valid_json_idempotently() {
    let Some(corpus) = corpus() else { return };
    let files = notebooks_under(&corpus);
    assert!(!files.is_empty());
    let option_sets = [
        Options::default(),
        Options {
            keep_output: true,
            keep_count: true,
            ..Options::default()
        },
    ];
    let mut failures = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for opts in &option_sets {
            let once = match strip_notebook(&text, opts) {
                Ok(o) => o,
                Err(e) => {
                    failures.push(format!("{}: {e}", path.display()));
                    continue;
                }
            };
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&once.text) {
                failures.push(format!("{}: output is not JSON: {e}", path.display()));
            }
            match strip_notebook(&once.text, opts) {
                Ok(twice) if twice.text == once.text && !twice.changed => {}
                _ => failures.push(format!("{}: not idempotent", path.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
