//! Fuzz the secret scanner: any text, read as a plain file, as a notebook and through the
//! redaction scan the human renderer uses, must give findings inside the text (never a
//! panic), and every finding's range must slice the text on character boundaries.
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use mlcheck::secrets::{self, PatternSet};
use mlcheck::source::{SourceFile, SourceKind};

fn set() -> &'static PatternSet {
    static SET: OnceLock<Arc<PatternSet>> = OnceLock::new();
    SET.get_or_init(|| PatternSet::builtin().expect("built-in patterns"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for f in secrets::scan_text(text, set(), true) {
        assert!(f.range.end() <= text.len());
        assert!(text.get(f.range.start()..f.range.end()).is_some());
    }
    for r in secrets::redaction_ranges(text) {
        assert!(text.get(r.start()..r.end()).is_some());
    }
    let file = SourceFile::new(
        PathBuf::from("fuzz.ipynb"),
        text.to_string(),
        SourceKind::Notebook,
    );
    for f in secrets::scan_file(&file, set(), &Default::default()) {
        assert!(text.get(f.range.start()..f.range.end()).is_some());
    }
});
