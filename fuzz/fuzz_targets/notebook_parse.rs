//! Fuzz the position-keeping JSON reader, the notebook model and the cell map: any bytes
//! must give a notebook or an error (never a panic), and every decoded offset of every
//! cell must map to raw and back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mlcheck::source::{Notebook, TextRange};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(nb) = Notebook::parse(text) else {
        return;
    };
    for cell in &nb.cells {
        let src = &cell.source.text;
        for (i, _) in src.char_indices() {
            let raw = cell.source.to_raw(i);
            assert!(raw <= text.len());
            assert_eq!(cell.source.from_raw(raw), Some(i));
            let _ = nb.locate(raw);
        }
        let r = cell.to_raw(TextRange::new(0, src.len()));
        assert!(r.end() <= text.len());
    }
    for offset in 0..text.len().min(512) {
        let _ = nb.locate(offset);
    }
});
