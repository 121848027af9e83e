//! `mlcheck imports [PATH]…`: print, per `.py` file and notebook, the modules it imports,
//! each with its line and whether it is stdlib, first-party or third-party.
//!
//! Directories are walked like `mlcheck check` walks them (`.gitignore` respected, hidden
//! files skipped). The first-party set comes from the files found under each argument
//! (see [`crate::imports::first_party_modules`]). Files that cannot be read are reported
//! on stderr and make the exit status 2; the rest are still listed.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{ExitStatus, Result};
use crate::cli::{ImportsArgs, ListFormat};
use crate::imports::{self, Import, ImportKind};
use crate::source::{SourceFile, SourceKind, path_slash};

#[derive(Serialize)]
struct FileImports {
    path: String,
    imports: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    #[serde(flatten)]
    import: Import,
    kind: ImportKind,
}

#[derive(Serialize)]
struct Output {
    #[serde(rename = "first-party")]
    first_party: BTreeSet<String>,
    files: Vec<FileImports>,
}

pub fn run(args: ImportsArgs) -> Result<ExitStatus> {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut status = ExitStatus::Success;
    let mut out = Output {
        first_party: BTreeSet::new(),
        files: Vec::new(),
    };
    for root in &roots {
        if !root.exists() {
            return Err(crate::Error::msg(format!(
                "`{}`: no such file or directory",
                root.display()
            )));
        }
        let files = walk(root);
        let base = if root.is_dir() {
            root.clone()
        } else {
            root.parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        };
        let first_party = imports::first_party_modules(&base, &files);
        for path in &files {
            let Some(kind) = SourceKind::from_path(path) else {
                continue;
            };
            if !matches!(kind, SourceKind::Python | SourceKind::Notebook) {
                continue;
            }
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("mlcheck: error: {}: {e}", path.display());
                    status = ExitStatus::Error;
                    continue;
                }
            };
            let file = SourceFile::new(path.clone(), text, kind);
            let entries = imports::imports_of(&file)
                .into_iter()
                .map(|import| Entry {
                    kind: imports::classify(&import.module, &first_party),
                    import,
                })
                .collect();
            out.files.push(FileImports {
                path: path_slash(path),
                imports: entries,
            });
        }
        out.first_party.extend(first_party);
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    let written = match args.output_format {
        ListFormat::Json => {
            let json = serde_json::to_string_pretty(&out)
                .map_err(|e| crate::Error::msg(format!("JSON: {e}")))?;
            writeln!(w, "{json}")
        }
        ListFormat::Text => write_text(&mut w, &out),
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(crate::Error::stdout(e));
    }
    Ok(status)
}

fn write_text(w: &mut impl Write, out: &Output) -> std::io::Result<()> {
    for file in &out.files {
        for e in &file.imports {
            let at = match e.import.cell {
                Some(cell) => format!("{}:cell {cell}:{}", file.path, e.import.line),
                None => format!("{}:{}", file.path, e.import.line),
            };
            let mut notes = String::new();
            if e.import.optional {
                notes.push_str(" optional");
            }
            if e.import.dynamic {
                notes.push_str(" dynamic");
            }
            writeln!(w, "{at}: {} {}{notes}", e.import.module, e.kind.as_str())?;
        }
    }
    Ok(())
}

/// Every file under `root` (or `root` itself), `.gitignore` respected, sorted.
fn walk(root: &Path) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut files: Vec<PathBuf> = ignore::WalkBuilder::new(root)
        .build()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}
