//! Source files as mlcheck reads them: raw text, a line index, a kind, and for notebooks the
//! parsed [`Notebook`]. Every diagnostic points into one of these by raw byte range.

pub mod json;
mod load;
pub mod notebook;
pub mod python;
/// The old path of [`python::calls`], kept for the rules that name it.
pub use python::calls as python_calls;
pub mod span;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use load::{FileError, io_reason, read_source, source_from_bytes, symlink_reason};
pub use notebook::{CellKind, CellLocation, CellPart, Notebook, NotebookError};
pub use span::{LineCol, LineIndex, TextRange};

/// What a file is, decided from its name alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    Notebook,
    Python,
    /// A file named `MLproject` (any case of the extension-less name MLflow accepts).
    MlProject,
    Yaml,
    Json,
    Toml,
    /// `requirements*.txt`, `*.in` constraint files.
    Requirements,
    /// `.env`, `.env.*`, `*.env`.
    Env,
    /// `.ini`, `.cfg`, `.conf`, `.properties`.
    Ini,
    Shell,
    Dockerfile,
    /// `.txt`, `.md`, `.rst` and other prose.
    Text,
}

impl SourceKind {
    /// Classify a path by its file name; `None` for files mlcheck does not read.
    pub fn from_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?;
        let lower = name.to_ascii_lowercase();
        if name == "MLproject" || lower == "mlproject" {
            return Some(Self::MlProject);
        }
        if lower == "dockerfile"
            || lower.starts_with("dockerfile.")
            || lower.ends_with(".dockerfile")
        {
            return Some(Self::Dockerfile);
        }
        if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
            return Some(Self::Env);
        }
        if lower.starts_with("requirements") && (lower.ends_with(".txt") || lower.ends_with(".in"))
        {
            return Some(Self::Requirements);
        }
        let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "ipynb" => Self::Notebook,
            "py" | "pyi" | "pyw" => Self::Python,
            "yaml" | "yml" => Self::Yaml,
            "json" | "jsonc" | "json5" => Self::Json,
            "toml" => Self::Toml,
            "ini" | "cfg" | "conf" | "properties" => Self::Ini,
            "sh" | "bash" | "zsh" => Self::Shell,
            "txt" | "md" | "rst" => Self::Text,
            _ => return None,
        })
    }
}

/// One file's text, loaded once and shared by every diagnostic that points into it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to the user (as given, or relative to the walked directory).
    pub path: PathBuf,
    pub text: String,
    pub kind: SourceKind,
    /// Built on first use ([`Self::lines`]): most files are never asked for a line.
    lines: OnceLock<LineIndex>,
    /// The parsed notebook, when `kind` is `Notebook` and it parsed.
    pub notebook: Option<Notebook>,
    /// Why the notebook did not parse, when it did not.
    pub notebook_error: Option<NotebookError>,
    /// Why the file's bytes were not all UTF-8 (they were read with each invalid byte as
    /// `?`, so offsets are the file's own); reported as `MLC002`.
    pub decode_error: Option<DecodeError>,
}

/// The resolved location of a byte offset, in both coordinate systems.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line and column in the raw file.
    pub raw: LineCol,
    /// Cell coordinates, for offsets inside a notebook cell.
    pub cell: Option<CellLocation>,
}

impl SourceFile {
    /// Build a source file from text; parses notebooks.
    pub fn new(path: PathBuf, text: String, kind: SourceKind) -> Self {
        let (notebook, notebook_error) = if kind == SourceKind::Notebook {
            match Notebook::parse(&text) {
                Ok(nb) => (Some(nb), None),
                Err(e) => (None, Some(e)),
            }
        } else {
            (None, None)
        };
        Self {
            path,
            text,
            kind,
            lines: OnceLock::new(),
            notebook,
            notebook_error,
            decode_error: None,
        }
    }

    /// The file's line index (raw lines).
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn location(&self, offset: usize) -> Location {
        Location {
            raw: self.lines().line_col(offset, &self.text),
            cell: self.notebook.as_ref().and_then(|nb| nb.locate(offset)),
        }
    }

    /// The text of a raw range (empty if out of bounds or not on char boundaries).
    pub fn slice(&self, range: TextRange) -> &str {
        self.text.get(range.start()..range.end()).unwrap_or("")
    }

    /// The path with `/` separators, as SARIF, GitHub and fingerprints want it.
    pub fn path_slash(&self) -> String {
        path_slash(&self.path)
    }
}

pub fn path_slash(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.to_string()
    }
}

/// The largest file `check` reads: a bigger one (or one that grows past it while read) is
/// reported as `MLC001 unreadable-file` and not checked, so memory stays bounded.
pub const MAX_FILE_SIZE: u64 = 256 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The path is a symbolic link (never followed).
    Link,
    /// A FIFO, socket, device or folder.
    NotRegular,
    /// Over the size limit (bytes seen, limit).
    TooLarge(u64, u64),
    /// The OS error. There is deliberately no `From<io::Error>`: a `ReadError` never holds its
    /// path, so it is shown only through [`ReadError::reason`] next to the path, and every
    /// I/O error is mapped where the path is known.
    Io(std::io::Error),
}

impl ReadError {
    /// A plain reason for a person, naming the cause.
    pub fn reason(&self, path: &Path) -> String {
        match self {
            ReadError::Link => crate::source::symlink_reason(path),
            ReadError::NotRegular => crate::discovery::NOT_REGULAR.into(),
            ReadError::TooLarge(seen, limit) => format!(
                "too large to read: {} MiB or more, over mlcheck's limit of {} MiB; not checked",
                seen >> 20,
                limit >> 20
            ),
            ReadError::Io(e) => format!("cannot read: {}", crate::source::io_reason(e)),
        }
    }
}

/// Open `path` for reading without following a symlink in its last component and without
/// blocking on a FIFO; the handle and its metadata, refused unless it is a regular file.
/// (The file's own metadata, so a path swapped for a link after discovery is still caught.)
pub fn open_regular(path: &Path) -> Result<(std::fs::File, std::fs::Metadata), ReadError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(ReadError::Link);
    }
    let file = match opts.open(path) {
        Ok(f) => f,
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            // ELOOP with O_NOFOLLOW: the last component is a link (or a loop above it).
            return Err(
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
                    ReadError::Link
                } else {
                    ReadError::Io(e)
                },
            );
        }
        Err(e) => return Err(ReadError::Io(e)),
    };
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    Ok((file, meta))
}

/// Read a whole regular file of at most `limit` bytes (see [`open_regular`]). A file that
/// grows while it is read is read to `limit` at most, never forever.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len(), limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

/// Where and how a file's bytes are not UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    /// That byte.
    pub byte: u8,
    /// How many invalid bytes the file holds in all.
    pub invalid: usize,
    /// The file ends inside a multi-byte character (cut short).
    pub truncated: bool,
    /// The encoding the invalid bytes suggest, if any.
    pub guess: Option<&'static str>,
}

impl DecodeError {
    /// `None` when `bytes` are UTF-8.
    pub fn of(bytes: &[u8]) -> Option<Self> {
        let first = std::str::from_utf8(bytes).err()?;
        let offset = first.valid_up_to();
        let mut invalid = 0usize;
        let (mut c1, mut high, mut undefined_1252) = (false, false, false);
        let mut last_chunk_invalid = false;
        for chunk in bytes.utf8_chunks() {
            let bad = chunk.invalid();
            invalid += bad.len();
            last_chunk_invalid = !bad.is_empty();
            for &b in bad {
                match b {
                    0x81 | 0x8d | 0x8f | 0x90 | 0x9d => undefined_1252 = true,
                    0x80..=0x9f => c1 = true,
                    0xa0..=0xff => high = true,
                    _ => {}
                }
            }
        }
        let truncated = first.error_len().is_none();
        let guess = if truncated && invalid <= 3 && last_chunk_invalid {
            None
        } else if c1 && !undefined_1252 {
            // Bytes 0x80–0x9F are curly quotes, dashes and `€` in Windows-1252 (and
            // control characters in Latin-1, which text never holds).
            Some("Windows-1252")
        } else if high && !c1 && !undefined_1252 {
            Some("Latin-1 (ISO-8859-1) or Windows-1252")
        } else {
            None
        };
        Some(Self {
            offset,
            byte: bytes[offset],
            invalid,
            truncated,
            guess,
        })
    }

    /// `0x92 at byte 221: the file looks like Windows-1252`.
    pub fn describe(&self) -> String {
        let mut s = format!("{:#04x} at byte {}", self.byte, self.offset);
        if self.truncated && self.guess.is_none() && self.invalid <= 3 {
            s.push_str(": the file ends inside a UTF-8 character (was it cut short?)");
            return s;
        }
        if self.invalid > 1 {
            s.push_str(&format!(" ({} invalid bytes in all)", self.invalid));
        }
        match self.guess {
            Some(enc) => s.push_str(&format!(": the file looks like {enc}")),
            None => s.push_str(": not UTF-8, in an encoding mlcheck cannot tell"),
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_name_the_byte_and_the_encoding() {
        assert_eq!(DecodeError::of(b"plain"), None);
        let mut cp1252 = b"x = 1  # it".to_vec();
        cp1252.push(0x92);
        cp1252.extend_from_slice(b"s fine\n");
        let e = DecodeError::of(&cp1252).unwrap();
        assert_eq!(
            e.describe(),
            "0x92 at byte 11: the file looks like Windows-1252"
        );
        let e = DecodeError::of(b"caf\xe9 cr\xe8me").unwrap();
        assert_eq!(
            e.describe(),
            "0xe9 at byte 3 (2 invalid bytes in all): the file looks like Latin-1 (ISO-8859-1) or Windows-1252"
        );
        let e = DecodeError::of(b"cut \xe2\x82").unwrap();
        assert!(e.describe().contains("cut short"), "{}", e.describe());
        let e = DecodeError::of(b"\x81\x81").unwrap();
        assert!(e.describe().contains("cannot tell"), "{}", e.describe());
    }
}
