//! Fuzz the stripper: never panic; whatever it writes parses, and stripping it again
//! changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlcheck::strip::{Options, strip_notebook};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let opts = Options {
        keep_output: data.len() % 3 == 0,
        drop_empty_cells: data.len() % 5 == 0,
        max_size: (data.len() % 7) as i64,
        ..Options::default()
    };
    if let Ok(once) = strip_notebook(text, &opts) {
        assert!(mlcheck::strip::json::parse(&once.text).is_ok(), "output does not parse");
        let twice = strip_notebook(&once.text, &opts).expect("output of a strip must strip");
        assert_eq!(twice.text, once.text, "not idempotent");
        assert!(!twice.changed, "second pass changed the notebook");
    }
});
