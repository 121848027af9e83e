//! What the project rules need of the project's code (Python files and notebooks): the
//! facts of each file ([`CodeFile`]: its imports, from the same AST reader as `mlcheck
//! imports`; a notebook's `%pip install`s, `%%writefile`s and kernel Python), taken while the
//! per-file stage has the file loaded ([`CodeFacts`]); its text and tree are then dropped.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::Preloaded;
use super::environment::normalize;
use crate::source::python::ParsedFile;
use crate::source::{SourceFile, SourceKind, TextRange};

/// What the project rules read from one Python file or notebook, taken while it is loaded;
/// its text and tree are then dropped (a project's notebooks can be tens of megabytes).
/// [`CodeFile::source`] loads the file again for a diagnostic.
#[derive(Debug)]
pub struct CodeFile {
    pub path: PathBuf,
    pub is_notebook: bool,
    /// (dotted module, raw range) of each import that runs (from the parse).
    pub imports: Vec<(String, TextRange)>,
    /// Notebooks: distributions installed by `%pip install` (normalised).
    pub installs: Vec<String>,
    /// Notebooks: modules the notebook writes itself (`%%writefile helper.py`).
    pub written: Vec<String>,
    /// Notebooks: the Python version in `metadata.language_info` (the interpreter that last
    /// ran it), with the raw range of the JSON value.
    pub python_version: Option<(String, TextRange)>,
}

impl CodeFile {
    pub fn load(path: &Path) -> Option<Self> {
        super::count_read();
        Some(Self::of(&load_source(path)?))
    }

    /// The facts of a loaded file.
    pub fn of(file: &SourceFile) -> Self {
        Self::of_parsed(file, None)
    }

    /// [`CodeFile::of`], reading the imports from `parsed` (the file's parse) when given.
    pub fn of_parsed(file: &SourceFile, parsed: Option<&ParsedFile>) -> Self {
        let mut installs = HashSet::new();
        let mut written = Vec::new();
        let mut python_version = None;
        if let Some(nb) = &file.notebook {
            for cell in nb
                .cells
                .iter()
                .filter(|c| c.kind == crate::source::notebook::CellKind::Markdown)
            {
                // "Run `%pip install -U pandas numpy` first": an install the reader is told to do.
                if memchr::memmem::find(cell.source.text.as_bytes(), b"pip install ").is_none() {
                    continue;
                }
                for line in cell.source.text.lines() {
                    for (i, _) in line.match_indices("pip install ") {
                        let rest = &line[i..];
                        let end = rest.find(['`', '\n']).unwrap_or(rest.len());
                        pip_installs(&format!("%{}", &rest[..end]), &mut installs);
                    }
                }
            }
            for cell in nb.code_cells() {
                pip_installs(&cell.source.text, &mut installs);
                let first = cell.source.text.trim_start().lines().next().unwrap_or("");
                if let Some(target) = first
                    .strip_prefix("%%writefile")
                    .or_else(|| first.strip_prefix("%%file"))
                    && let Some(name) = target
                        .split_whitespace()
                        .rfind(|w| !w.starts_with('-'))
                        .and_then(|w| Path::new(w).file_stem())
                        .and_then(|s| s.to_str())
                {
                    written.push(name.to_string());
                }
            }
            let text = file.text.as_str();
            if let Some(li) = nb
                .notebook_metadata(text)
                .and_then(|m| m.get(text, "language_info"))
                && li
                    .get(text, "name")
                    .and_then(|n| n.as_str(text))
                    .is_none_or(|n| n == "python")
                && let Some(v) = li.get(text, "version")
                && let Some(version) = v.as_str(text)
            {
                python_version = Some((version.into_owned(), v.range));
            }
        }
        let mut installs: Vec<String> = installs.into_iter().collect();
        installs.sort();
        Self {
            path: file.path.clone(),
            is_notebook: file.notebook.is_some(),
            imports: match parsed {
                Some(parsed) => imports_from(crate::imports::imports_in(file, parsed)),
                None => file_imports(file),
            },
            installs,
            written,
            python_version,
        }
    }

    /// The file, loaded again (for a diagnostic's location and snippet) the way the
    /// per-file stage read it: no size cap, non-UTF-8 bytes as `?`.
    pub fn source(&self) -> Option<Arc<SourceFile>> {
        crate::source::read_source(&self.path).ok().flatten()
    }
}

pub fn load_source(path: &Path) -> Option<SourceFile> {
    let kind = SourceKind::from_path(path)?;
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > 16 * 1024 * 1024 {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(SourceFile::new(path.to_path_buf(), text, kind))
}

/// What the per-file stage loaded that the project stage reads, so that it reads and parses
/// nothing a second time: the [`CodeFile`] facts of Python files and notebooks, and the
/// loaded text of MLproject and environment files.
#[derive(Debug, Default)]
pub struct CodeFacts(
    std::sync::Mutex<HashMap<PathBuf, Arc<CodeFile>>>,
    pub(crate) Preloaded,
);

impl CodeFacts {
    /// Keep what the project stage needs of a loaded file: the facts of a Python file or
    /// notebook, the text of an MLproject or environment file (other files are ignored).
    /// `parsed` is the per-file stage's parse of the file, if it made one: its imports are
    /// used when it collected them (else the file is parsed for its imports).
    pub fn record(&self, file: &Arc<SourceFile>, parsed: Option<&ParsedFile>) {
        if matches!(file.kind, SourceKind::Python | SourceKind::Notebook) {
            let facts = Arc::new(CodeFile::of_parsed(file, parsed));
            if let Ok(mut map) = self.0.lock() {
                map.insert(file.path.clone(), facts);
            }
        }
        // A file that is not UTF-8 is kept too (its bad bytes read as `?`): the per-file
        // stage reports the encoding (MLC002), the project stage reads what it can.
        if file.kind == SourceKind::MlProject || super::roots::is_environment_name(&file.path) {
            self.1.insert(file);
        }
    }

    pub fn get(&self, path: &Path) -> Option<Arc<CodeFile>> {
        self.0.lock().ok()?.get(path).cloned()
    }

    /// Drop what was kept of `files`: their project has been checked (or they have none).
    pub fn forget(&self, files: &[PathBuf]) {
        if let Ok(mut map) = self.0.lock() {
            for f in files {
                map.remove(f);
            }
        }
        for f in files {
            if SourceKind::from_path(f) == Some(SourceKind::MlProject)
                || super::roots::is_environment_name(f)
            {
                self.1.remove(f);
            }
        }
    }

    /// The MLproject and environment files the per-file stage loaded.
    pub fn preloaded(&self) -> Preloaded {
        self.1.clone()
    }
}

/// Packages a notebook installs for itself (`%pip install x`, `!pip install -q x==1`).
pub fn pip_installs(text: &str, out: &mut HashSet<String>) {
    // Every command read below spells `install`: a text without it installs nothing.
    if memchr::memmem::find(text.as_bytes(), b"install").is_none() {
        return;
    }
    // Join `\` continuations first: `!pip install -qU \` / `    langchain openai`.
    let mut logical: Vec<String> = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        match line.trim_end().strip_suffix('\\') {
            Some(head) => {
                pending.push_str(head);
                pending.push(' ');
            }
            None => {
                pending.push_str(line);
                logical.push(std::mem::take(&mut pending));
            }
        }
    }
    if !pending.is_empty() {
        logical.push(pending);
    }
    for line in &logical {
        // `! pip install x` (a space after the bang) is the same command.
        let t = line.trim_start();
        let spaced;
        let t = match t.strip_prefix(['!', '%']) {
            Some(rest) if rest.starts_with(' ') => {
                spaced = format!("{}{}", &t[..1], rest.trim_start());
                spaced.as_str()
            }
            _ => t,
        };
        let Some(rest) = t
            .strip_prefix("%pip install")
            .or_else(|| t.strip_prefix("!pip install"))
            .or_else(|| t.strip_prefix("!pip3 install"))
            .or_else(|| t.strip_prefix("%conda install"))
            .or_else(|| t.strip_prefix("!conda install"))
            .or_else(|| t.strip_prefix("!python -m pip install"))
            .or_else(|| t.strip_prefix("!python3 -m pip install"))
            .or_else(|| t.strip_prefix("%pip3 install"))
            .or_else(|| t.strip_prefix("!uv pip install"))
            .or_else(|| t.strip_prefix("%uv pip install"))
            .or_else(|| t.strip_prefix("%mamba install"))
            .or_else(|| t.strip_prefix("pip install"))
            .or_else(|| t.strip_prefix("!mamba install"))
        else {
            continue;
        };
        for w in rest.split_whitespace() {
            if w.starts_with('#') {
                break;
            }
            // `git+https://github.com/openai/whisper.git@v1` installs `whisper`.
            if w.contains("://") {
                let path = w.split(['@', '#']).next().unwrap_or(w);
                let path = w
                    .strip_prefix("git+")
                    .map_or(path, |rest| rest.split('@').next().unwrap_or(rest));
                if let Some(last) = path.trim_end_matches('/').rsplit('/').next() {
                    let name = last.trim_end_matches(".git");
                    if !name.is_empty() && !name.contains('.') {
                        out.insert(normalize(name));
                    }
                }
                continue;
            }
            if w.starts_with('-') || w.contains("://") || w.starts_with('$') || w.starts_with('{') {
                continue;
            }
            let w = w.trim_matches(|c| c == '"' || c == '\'');
            let name: String = w
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                out.insert(normalize(&name));
            }
        }
    }
}

/// Imports of one loaded file: (dotted module, raw range), read from the parsed code (the
/// same reader as `mlcheck imports`); optional (`try: … except ImportError`) and
/// type-checking-only imports are left out, as are cells run by a cell magic.
pub fn file_imports(file: &SourceFile) -> Vec<(String, TextRange)> {
    imports_from(crate::imports::imports_of(file))
}

fn imports_from(imports: Vec<crate::imports::Import>) -> Vec<(String, TextRange)> {
    imports
        .into_iter()
        .filter(|i| !i.optional && !i.type_checking)
        .map(|i| (i.name, i.range))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_imports_from_the_parse_and_skips_optional_ones() {
        let src = "import os, numpy as np\nfrom sklearn.linear_model import Ridge\nfrom . import x\ntry:\n    import torch\nexcept ImportError:\n    pass\n\"\"\"\nimport fake\n\"\"\"\nimport pandas\nif TYPE_CHECKING:\n    import polars\n";
        let file = SourceFile::new(PathBuf::from("a.py"), src.to_string(), SourceKind::Python);
        let got = file_imports(&file);
        let names: Vec<&str> = got.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(names, ["os", "numpy", "sklearn.linear_model", "pandas"]);
        let (m, r) = &got[1];
        assert!(src[r.start()..r.end()].starts_with(m.as_str()));
    }

    #[test]
    fn imports_from_the_rules_parse_are_those_of_a_parse_of_their_own() {
        // The per-file stage hands its parse (made for the enabled rules, plus imports) to
        // the project stage: it must find exactly what an imports-only parse finds.
        let cells = [
            "import os, numpy as np\nx = 1",
            "%%time\nimport timed_only",
            "try:\n    import torch\nexcept ImportError:\n    torch = None",
            "!pip install -q seaborn==0.13\nfrom sklearn.linear_model import Ridge",
            "print('no imports here')",
            "def f(:\n    import broken",
            "from . import local\nimport pandas as pd",
        ];
        let cells: Vec<String> = cells
            .iter()
            .map(|c| {
                let src = serde_json::to_string(c).unwrap();
                format!(r#"{{"cell_type":"code","metadata":{{}},"execution_count":null,"outputs":[],"source":{src}}}"#)
            })
            .collect();
        let text = format!(
            r#"{{"cells":[{}],"metadata":{{"kernelspec":{{"language":"python","name":"python3"}}}},"nbformat":4,"nbformat_minor":5}}"#,
            cells.join(",")
        );
        let file = SourceFile::new(PathBuf::from("a.ipynb"), text, SourceKind::Notebook);
        let alone = CodeFile::of(&file);
        assert!(alone.imports.iter().any(|(m, _)| m == "pandas"));
        let settings = crate::settings::Settings::default();
        let mut needs = crate::rules::python::needs(&settings, SourceKind::Notebook);
        needs.imports = true;
        let parsed = ParsedFile::parse_with(&file, needs);
        let shared = CodeFile::of_parsed(&file, Some(&parsed));
        let pairs = |f: &CodeFile| {
            f.imports
                .iter()
                .map(|(m, r)| (m.clone(), *r))
                .collect::<Vec<_>>()
        };
        assert_eq!(pairs(&shared), pairs(&alone));
        assert_eq!(shared.installs, alone.installs);
        assert_eq!(shared.installs, ["seaborn"]);
    }
}
