use std::path::Path;
use std::sync::Arc;

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, SourceKind, TextRange};

declare_rule! {
    /// ## What it does
    /// Flags a file mlcheck was asked to check but did not read: one it may not read
    /// (`permission denied`), a symbolic link to a file named on the command line (mlcheck
    /// never reads through a link, so nothing outside the checked tree is read; links met
    /// while walking a folder are skipped quietly), a FIFO, socket or device, a file over
    /// 256 MiB (or one that grew past that while it was read), and a folder that could not
    /// be walked. The message names the cause.
    ///
    /// ## Why is this bad?
    /// Nothing in the file was checked: a secret or a hard-coded path in it goes unreported.
    /// It is a finding rather than a failed run, so one unreadable file does not fail a CI
    /// job on its own when `--exit-zero` is given, and `--ignore MLC001` or
    /// `per-file-ignores` can accept a file that is meant to stay unreadable.
    ///
    /// ## Example
    /// ```text
    /// $ mlcheck check data/link.ipynb
    /// data/link.ipynb:1:1: MLC001 a symbolic link (to `/mnt/share/x.ipynb`); not followed
    /// ```
    ///
    /// ## How to fix
    /// Make the file readable (`chmod u+r`), check the link's target by its own path, or
    /// exclude the file (`exclude = ["data/huge.json"]`) or ignore the code for it in
    /// `per-file-ignores`.
    pub static MLC001 = {
        code: "MLC001",
        name: "unreadable-file",
        domain: Meta,
        severity: Error,
        default: true,
        fix: None,
        summary: "A file could not be read, so it was not checked",
    }
}

/// An `MLC001` finding for `path`, which was not read (`reason` says why). It points at
/// the start of an empty file of the path's kind, so suppressions by path apply.
pub fn unreadable(path: &Path, reason: &str) -> Diagnostic {
    let kind = SourceKind::from_path(path).unwrap_or(SourceKind::Text);
    let file = Arc::new(SourceFile::new(path.to_path_buf(), String::new(), kind));
    Diagnostic::new(&MLC001, &file, TextRange::new(0, 0), reason.to_string())
        .with_help(help(reason))
}

fn help(reason: &str) -> &'static str {
    if reason.contains("symbolic link") {
        "Check the link's target by its own path inside the repository, or replace the link by the file"
    } else if reason.contains("too large") {
        "Exclude the file (`exclude` in mlcheck.toml): data this large does not belong in a checked tree"
    } else if reason.starts_with("cannot walk") {
        "Make the folder readable (`chmod u+rx`), or exclude it"
    } else if reason.contains("not a regular file") {
        "Name regular files only; FIFOs and devices are never read"
    } else {
        "Make the file readable (`chmod u+r`), or exclude it"
    }
}
