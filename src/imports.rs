//! The import graph: which top-level modules each `.py` file and notebook imports, and
//! whether each is standard library, first-party (found in the repository) or third-party.
//!
//! This is a library API for the project rules (missing or unused dependencies) and for
//! `mlcheck imports`. It reads code through [`crate::source::python`] (so it never names a
//! parser type) and never imports or runs anything.
//!
//! ```no_run
//! use std::{collections::BTreeSet, path::PathBuf};
//! use mlcheck::imports::{classify, first_party_modules, imports_of, ImportKind};
//! # fn demo(file: &mlcheck::source::SourceFile, files: &[PathBuf]) {
//! let first_party: BTreeSet<String> = first_party_modules(std::path::Path::new("."), files);
//! for import in imports_of(file) {
//!     if classify(&import.module, &first_party) == ImportKind::ThirdParty && !import.optional {
//!         println!("{} needs {}", file.path.display(), import.module);
//!     }
//! }
//! # }
//! ```
//!
//! What counts: absolute `import x.y` and `from x.y import z` statements anywhere in the
//! code (inside functions too), and `importlib.import_module("x")` / `__import__("x")`
//! with a literal name. `from __future__` and relative imports are left out. An import
//! inside a `try` whose handler catches `ImportError` (or `ModuleNotFoundError`,
//! `Exception`, a bare `except`) is `optional`. Cells that do not parse contribute nothing.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use serde::Serialize;

use crate::source::python::ParsedFile;
use crate::source::{SourceFile, TextRange};

/// One import of one module, as written in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Import {
    /// The top-level module (`sklearn` for `from sklearn.svm import SVC`): what a
    /// requirement provides.
    pub module: String,
    /// The dotted name as written (`sklearn.svm`).
    pub name: String,
    /// 1-based line, in the cell for notebooks, in the file otherwise.
    pub line: usize,
    /// 1-based cell number (counting every cell), for notebooks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<usize>,
    /// Raw byte range of the import in the file (for diagnostics).
    #[serde(skip)]
    pub range: TextRange,
    /// Guarded by `try: … except ImportError:`; the code runs without it.
    pub optional: bool,
    /// From `importlib.import_module("…")` or `__import__("…")`.
    pub dynamic: bool,
    /// Under `if TYPE_CHECKING:`: never imported at run time.
    #[serde(skip)]
    pub type_checking: bool,
}

/// Where a module comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    Stdlib,
    FirstParty,
    ThirdParty,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Stdlib => "stdlib",
            ImportKind::FirstParty => "first-party",
            ImportKind::ThirdParty => "third-party",
        }
    }
}

/// The imports of a `.py` file or a notebook, in source order (one entry per imported
/// module per statement). Parses the file; other kinds of file give an empty list.
pub fn imports_of(file: &SourceFile) -> Vec<Import> {
    let needs = crate::source::python::Needs {
        names: false,
        strings: crate::source::python::StringNeeds::None,
        status: false,
        imports: true,
        calls: false,
    };
    imports_in(file, &ParsedFile::parse_with(file, needs))
}

/// Like [`imports_of`], from an already parsed file (e.g. the one a rule check shares via
/// `FileChecker::python()`), so nothing is parsed twice. That parse holds imports only when
/// `rules::python::needs` asks for them; otherwise the file is parsed again here.
pub fn imports_in(file: &SourceFile, parsed: &ParsedFile) -> Vec<Import> {
    if !parsed.needs.imports {
        return imports_of(file);
    }
    let mut out = Vec::new();
    for unit in &parsed.units {
        for imp in &unit.facts.imports {
            if imp.relative || imp.module.is_empty() {
                continue;
            }
            let (cell, line) = parsed.line_of(file, unit, imp.range.start());
            out.push(Import {
                module: top_level(&imp.module).to_string(),
                name: imp.module.clone(),
                line,
                cell,
                range: parsed.to_raw(file, unit, imp.range),
                optional: imp.optional,
                dynamic: imp.dynamic,
                type_checking: imp.type_checking,
            });
        }
    }
    out
}

fn top_level(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// Whether a top-level module belongs to the standard library of any Python from 3.8 to
/// 3.14 (`rules/stdlib.txt`). Dotted names are judged by their first part.
pub fn is_stdlib(name: &str) -> bool {
    static STDLIB: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    let set = STDLIB.get_or_init(|| {
        include_str!("../rules/stdlib.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    });
    set.contains(top_level(name))
}

/// Classify a module: standard library first, then first-party, else third-party.
pub fn classify(module: &str, first_party: &BTreeSet<String>) -> ImportKind {
    let top = top_level(module);
    if is_stdlib(top) {
        ImportKind::Stdlib
    } else if first_party.contains(top) {
        ImportKind::FirstParty
    } else {
        ImportKind::ThirdParty
    }
}

/// The modules a repository provides itself, from its file list (paths under `root`, or
/// relative to it) and `root/pyproject.toml`:
///
/// - every folder holding an `__init__.py` (a package), by its name;
/// - every `*.py` file, by its stem (scripts import their sibling modules:
///   `import utils` next to `utils.py`), which covers top-level modules and `src/`
///   layouts alike;
/// - the names `pyproject.toml` declares: `[project] name` and
///   `[tool.poetry] name` (with `-` read as `_`), `[tool.setuptools] packages`,
///   `[tool.poetry] packages[].include`.
///
/// Only names that are valid Python identifiers are kept.
pub fn first_party_modules(root: &Path, files: &[PathBuf]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for path in files {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(stem) = name.strip_suffix(".py") else {
            continue;
        };
        if stem == "__init__" {
            if let Some(dir) = rel
                .parent()
                .and_then(|p| p.components().next_back())
                .and_then(|c| match c {
                    Component::Normal(s) => s.to_str(),
                    _ => None,
                })
            {
                insert_ident(&mut out, dir);
            }
        } else {
            insert_ident(&mut out, stem);
        }
    }
    if let Ok(text) = std::fs::read_to_string(root.join("pyproject.toml")) {
        for name in pyproject_names(&text) {
            insert_ident(&mut out, &name);
        }
    }
    out
}

fn insert_ident(set: &mut BTreeSet<String>, name: &str) {
    let name = name.replace('-', "_");
    let ok = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c == '_' || c.is_alphanumeric());
    if ok {
        set.insert(name);
    }
}

/// Module names a `pyproject.toml` declares (see [`first_party_modules`]).
pub fn pyproject_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(doc) = text.parse::<toml::Table>() else {
        return out;
    };
    let get = |path: &[&str]| -> Option<&toml::Value> {
        let mut cur = doc.get(path[0])?;
        for key in &path[1..] {
            cur = cur.get(key)?;
        }
        Some(cur)
    };
    for path in [&["project", "name"][..], &["tool", "poetry", "name"][..]] {
        if let Some(n) = get(path).and_then(|v| v.as_str()) {
            out.push(n.replace(['-', '.'], "_").to_ascii_lowercase());
            out.push(n.replace(['-', '.'], "_"));
        }
    }
    if let Some(pkgs) = get(&["tool", "setuptools", "packages"]).and_then(|v| v.as_array()) {
        out.extend(
            pkgs.iter()
                .filter_map(|p| p.as_str())
                .map(|p| top_level(p).to_string()),
        );
    }
    if let Some(pkgs) = get(&["tool", "poetry", "packages"]).and_then(|v| v.as_array()) {
        out.extend(
            pkgs.iter()
                .filter_map(|p| p.get("include").and_then(|i| i.as_str()))
                .map(|p| top_level(p.trim_end_matches(".py")).to_string()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceKind;

    #[test]
    fn stdlib_table_covers_old_and_new_modules() {
        for name in [
            "os",
            "os.path",
            "json",
            "tomllib",
            "distutils",
            "imp",
            "asyncore",
            "annotationlib",
            "__future__",
        ] {
            assert!(is_stdlib(name), "{name}");
        }
        for name in ["numpy", "torch", "sklearn", "yaml"] {
            assert!(!is_stdlib(name), "{name}");
        }
    }

    #[test]
    fn imports_of_a_python_file() {
        let text = "import os\nimport numpy as np, sklearn.svm\nfrom . import sibling\nfrom __future__ import annotations\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\n".to_string();
        let file = SourceFile::new("a.py".into(), text, SourceKind::Python);
        let got: Vec<(String, usize, bool)> = imports_of(&file)
            .into_iter()
            .map(|i| (i.module, i.line, i.optional))
            .collect();
        assert_eq!(
            got,
            [
                ("os".into(), 1, false),
                ("numpy".into(), 2, false),
                ("sklearn".into(), 2, false),
                ("ujson".into(), 6, true),
            ]
        );
    }

    #[test]
    fn imports_in_a_rule_parse_without_imports() {
        // A rule check's shared parse holds only what its enabled rules read: imports are
        // still found (by parsing again) when none of them asked for imports.
        use crate::rules::FileChecker;
        use crate::settings::Settings;
        let text = "import os\nx = '/home/bob/a.csv'\n".to_string();
        let file = std::sync::Arc::new(SourceFile::new("a.py".into(), text, SourceKind::Python));
        let settings = Settings::with_rules(&[&crate::rules::paths::HARD_CODED_LOCAL_PATH]);
        let checker = FileChecker::new(&file, &settings);
        let parsed = checker.python();
        assert!(!parsed.needs.imports);
        let got: Vec<String> = imports_in(&file, &parsed)
            .into_iter()
            .map(|i| i.module)
            .collect();
        assert_eq!(got, ["os"]);
    }

    #[test]
    fn first_party_from_layout_and_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"my-tool\"\n[tool.setuptools]\npackages = [\"extra.sub\"]\n",
        )
        .unwrap();
        let files: Vec<PathBuf> = [
            "src/pkg/__init__.py",
            "src/pkg/mod.py",
            "train.py",
            "notebooks/helpers.py",
            "README.md",
            "bad-name.py",
        ]
        .iter()
        .map(|p| dir.path().join(p))
        .collect();
        let fp = first_party_modules(dir.path(), &files);
        for name in [
            "pkg", "mod", "train", "helpers", "my_tool", "extra", "bad_name",
        ] {
            assert!(fp.contains(name), "{name}: {fp:?}");
        }
        assert_eq!(classify("pkg.sub", &fp), ImportKind::FirstParty);
        assert_eq!(classify("os", &fp), ImportKind::Stdlib);
        assert_eq!(classify("torch", &fp), ImportKind::ThirdParty);
    }
}
