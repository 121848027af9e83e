//! mlcheck: a fast static checker that keeps ML repositories reproducible.
//!
//! The library does the work; `main.rs` only parses arguments and maps the outcome to an
//! exit code (0 clean, 1 findings, 2 error). Nothing here executes or imports user code.

pub mod diagnostic;
pub mod git;
pub mod imports;
pub mod registry;
pub mod render;
pub mod rules;
pub mod secrets;
pub mod settings;
pub mod source;
pub mod strip;

use sha2::{Digest, Sha256};

/// Hex sha256 of the parts, each followed by a NUL so that `("ab", "c")` ≠ `("a", "bc")`.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(out, "{b:02x}");
    }
    out
}

pub mod baseline;
pub mod cli;
pub mod commands;
pub mod config;
pub mod discovery;
pub mod docs;
pub mod history;
pub mod pipeline;
pub mod project;
pub mod suggest;
pub mod suppress;

/// A whole-command error: a message, shown as `mlcheck: error: …`, exit 2.
#[derive(Debug)]
pub struct Error(String);

impl Error {
    pub fn msg(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// An I/O error with the path it concerns (no bare `io::Error` reaches the user).
    pub fn io(path: &std::path::Path, err: std::io::Error) -> Self {
        Self(format!("{}: {err}", path.display()))
    }

    /// A failed write of the report to standard output.
    pub fn stdout(err: std::io::Error) -> Self {
        Self(format!("writing to standard output: {err}"))
    }

    /// The working directory cannot be read (deleted under the process, no permission).
    pub fn current_dir(err: std::io::Error) -> Self {
        Self(format!("the current directory: {err}"))
    }
}
