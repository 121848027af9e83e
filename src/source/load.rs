//! Loading files: bytes from disk (never through a symlink, never a FIFO, size-capped) into
//! a [`SourceFile`], and the plain-words reasons when a file cannot be loaded.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::{NotebookError, SourceFile, SourceKind};

/// A path that could not be handled: for `check`, a named path that does not exist or a
/// git blob that cannot be read (a file that cannot be fully read is an `MLC001`/`MLC002`
/// finding instead); for `fix`, a notebook refused or not stripped. Reported on stderr;
/// makes the exit code 2.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileError {
    pub path: PathBuf,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never a secret in a file or folder name printed whole.
        let path = crate::secrets::redact::mask_path(&self.path);
        write!(f, "{}: {}", path.display(), self.message)
    }
}

/// Read a file from disk (never through a symlink, never a FIFO, at most
/// [`crate::source::MAX_FILE_SIZE`] bytes). `Ok(None)`: skipped on purpose (binary content
/// in a text kind); `Err`: why it was not read.
pub fn read_source(path: &Path) -> Result<Option<Arc<SourceFile>>, FileError> {
    let bytes =
        crate::source::read_file(path, crate::source::MAX_FILE_SIZE).map_err(|e| FileError {
            path: path.to_path_buf(),
            message: e.reason(path),
        })?;
    source_from_bytes(path.to_path_buf(), bytes)
}

/// Build a [`SourceFile`] from raw bytes. Notebooks that are not UTF-8 still become a file
/// (with an `NB000` reason); other non-UTF-8 text is read with `?` for each invalid byte
/// (and a [`SourceFile::decode_error`], `MLC002`); binary files are skipped. Never `Err`
/// today (the type leaves room for a reason).
pub fn source_from_bytes(
    path: PathBuf,
    bytes: Vec<u8>,
) -> Result<Option<Arc<SourceFile>>, FileError> {
    // Only explicitly named files reach here with a name mlcheck does not know: read them
    // as text, and skip them quietly when they are not UTF-8 (no reason to fail a hook).
    let known = SourceKind::from_path(&path);
    let kind = known.unwrap_or(SourceKind::Text);
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid_up_to = err.utf8_error().valid_up_to();
            let decode = crate::source::DecodeError::of(err.as_bytes());
            if kind == SourceKind::Notebook {
                // Everything before the first bad byte is valid, so that offset is exact
                // in the lossy text too.
                let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
                let mut file = SourceFile::new(path, String::new(), SourceKind::Text);
                file.kind = SourceKind::Notebook;
                file.text = text;
                file.notebook_error = Some(NotebookError {
                    offset: valid_up_to,
                    message: if is_binary(err.as_bytes()) {
                        "not a notebook: binary data, not JSON text".into()
                    } else {
                        format!(
                            "not valid UTF-8: {}; notebooks are UTF-8 JSON",
                            decode.as_ref().map(|d| d.describe()).unwrap_or_default()
                        )
                    },
                });
                return Ok(Some(Arc::new(file)));
            }
            if is_binary(err.as_bytes()) {
                return Ok(None);
            }
            // Text in another encoding (a Latin-1 comment, a pasted log): still checked, with
            // each invalid byte read as `?` so that every offset is the file's own. A file of
            // a kind mlcheck knows is also reported (`MLC002`); one it does not (named on
            // the command line) is read quietly.
            let bytes = err.into_bytes();
            let mut text = String::with_capacity(bytes.len());
            for chunk in bytes.utf8_chunks() {
                text.push_str(chunk.valid());
                text.extend(std::iter::repeat_n('?', chunk.invalid().len()));
            }
            let mut file = SourceFile::new(path, text, kind);
            if known.is_some() {
                file.decode_error = decode;
            }
            return Ok(Some(Arc::new(file)));
        }
    };
    if kind != SourceKind::Notebook && is_binary(text.as_bytes()) {
        return Ok(None);
    }
    Ok(Some(Arc::new(SourceFile::new(path, text, kind))))
}

/// Git's heuristic: a NUL byte in the first 8 KiB means binary.
fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

/// A short human reason for an I/O error ("no such file or directory").
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match err.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        _ => {
            let s = err.to_string();
            // Drop the " (os error N)" suffix std adds.
            match s.find(" (os error") {
                Some(i) => s[..i].to_string(),
                None => s,
            }
        }
    }
}

/// Why a symlink is not read: it names its target.
pub fn symlink_reason(path: &Path) -> String {
    match std::fs::read_link(path) {
        Ok(target) => format!(
            "a symbolic link (to `{}`); not followed: mlcheck never reads or writes through a link",
            target.display()
        ),
        Err(_) => {
            "a symbolic link; not followed: mlcheck never reads or writes through a link".into()
        }
    }
}
