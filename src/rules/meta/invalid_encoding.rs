use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::TextRange;

declare_rule! {
    /// ## What it does
    /// Flags a text file (Python, YAML, TOML, requirements, `.env`, Markdown …) whose bytes
    /// are not UTF-8, at the first invalid byte, and names the byte, its offset and the
    /// encoding the bytes suggest: `0x92 at byte 221: the file looks like Windows-1252`.
    /// The rest of the file is still checked, with each invalid byte read as `?` (so
    /// every position stays the file's own). Notebooks that are not UTF-8 are `NB000`;
    /// files of a kind mlcheck does not know, named on the command line, are read quietly.
    ///
    /// ## Why is this bad?
    /// Python 3, pip, conda and most YAML/TOML readers expect UTF-8: a Windows-1252 curly
    /// quote in a comment makes `pip install -r requirements.txt` or a config loader fail
    /// on another machine, and a secret next to the bad byte may be misread.
    ///
    /// ## Example
    /// ```text
    /// # notes.txt, saved by an old editor on Windows
    /// It’s the baseline   ← `’` stored as the single byte 0x92
    /// ```
    ///
    /// ## How to fix
    /// Re-save the file as UTF-8 (`iconv -f WINDOWS-1252 -t UTF-8 notes.txt -o notes.txt.new`),
    /// or ignore the code for it in `per-file-ignores` when the encoding is on purpose.
    pub static MLC002 = {
        code: "MLC002",
        name: "invalid-encoding",
        domain: Meta,
        severity: Warning,
        default: true,
        fix: None,
        summary: "A text file is not UTF-8; it was checked with the invalid bytes replaced",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>) {
    let Some(err) = checker.file.decode_error.as_ref() else {
        return;
    };
    // Each invalid byte is one `?` in the text, so the offset is the file's own.
    let start = err.offset.min(checker.file.text.len());
    let end = (start + 1).min(checker.file.text.len());
    checker.push(
        Diagnostic::new(
            &MLC002,
            checker.file,
            TextRange::new(start, end),
            format!(
                "not valid UTF-8: {}; checked with invalid bytes read as `?`",
                err.describe()
            ),
        )
        .with_help("Re-save the file as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)"),
    );
}
