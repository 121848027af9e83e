//! Source files as mlcheck reads them: raw text, a line index, a kind, and for notebooks the
//! parsed [`Notebook`]. Every diagnostic points into one of these by raw byte range.

pub mod json;
pub mod notebook;
pub mod python;
pub mod python_calls;
pub mod span;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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
    /// `?`, so offsets are the file's own).
    pub decode_error: Option<String>,
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
