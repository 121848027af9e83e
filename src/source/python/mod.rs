//! Python code as mlcheck's rules see it: the one module that names `ruff_*` types.
//!
//! Every `.py` file is parsed once as a module; every notebook code cell is parsed once, on
//! its own, in IPython mode (so `%magic`, `!shell` and `x = !cmd` lines parse). A cell that
//! starts with a `%%` cell magic is skipped unless the magic runs Python in the kernel
//! (`%%time`, `%%timeit`, `%%capture`, `%%prun` …), whose first line is blanked before
//! parsing so offsets stay put. Notebooks whose kernel is not Python are not parsed.
//!
//! The walk over the tree produces [`Facts`], a small ruff-free summary per cell or file:
//! string literals with the call they are handed to, imports, and what the module scope
//! binds and reads. Rules read only those facts, so a parser upgrade touches this folder
//! alone (identifiers are ruff's inline [`Ident`] strings, re-exported here). The walk
//! collects only what the enabled rules read ([`Needs`]), and a run that wants nothing but
//! path-like literals does not parse cells without a `/` or a backslash. All ranges in
//! [`Facts`] are *decoded* ranges in the unit's text (the cell's decoded source, or the
//! file); [`ParsedFile::to_raw`] maps them to raw file offsets.
//!
//! Promises: parsing never panics out of this module (a panic inside the parser is caught
//! and reported as a syntax error of that cell), a cell that does not parse yields one
//! [`UnitStatus::SyntaxError`] and no facts, and nothing here executes user code.
//!
//! The folder, by job: this file is the public API (parse a file or a unit, map ranges);
//! [`facts`] is what a parse records ([`Facts`], [`Needs`]); `visitor` walks the tree into
//! facts; `magics` handles IPython `%%cell` and `%line` / `!shell` magics; [`calls`] collects
//! the calls the `REP` rules read. Hash maps and sets are rustc-hash's Fx ones.

pub mod calls;
pub mod facts;
mod magics;
#[cfg(test)]
mod tests;
mod visitor;

use ruff_python_ast::visitor::Visitor as _;
use ruff_python_parser::{Mode, ParseOptions};

use crate::source::{CellKind, SourceFile, SourceKind, TextRange};

pub use facts::{Arg, CallSite, Facts, Function, ImportStmt, NameRef, Needs, StrLit, StringNeeds};
/// Fast hash maps and sets for the small string and offset keys of the name analysis
/// (rustc's Fx hash: SipHash's DoS resistance buys nothing here).
pub use rustc_hash::{FxHashMap, FxHashSet};

use magics::{CellMagic, identifiers};
use visitor::Collector;
pub(crate) use visitor::dotted;

/// An identifier: a small string stored inline up to 24 bytes, so copying the names of a
/// cell into [`Facts`] allocates nothing for almost every name.
pub use ruff_python_ast::name::Name as Ident;

/// The parsed Python of one file: one unit per code cell (or one for a `.py` file).
#[derive(Debug, Default)]
pub struct ParsedFile {
    pub units: Vec<Unit>,
    /// False for notebooks whose kernel language is not Python (nothing was parsed).
    pub python: bool,
    /// What was collected ([`Needs::ALL`] unless parsed with [`ParsedFile::parse_with`]).
    pub needs: Needs,
}

/// One parse unit: a notebook code cell or a whole `.py` file.
#[derive(Debug)]
pub struct Unit {
    /// Index into `notebook.cells` (0-based) for notebook cells; `None` for `.py` files.
    pub cell: Option<usize>,
    pub status: UnitStatus,
    /// Empty unless `status` is `Parsed`.
    pub facts: Facts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitStatus {
    Parsed,
    /// The first syntax error, at a decoded range of the unit's text.
    SyntaxError {
        message: String,
        range: TextRange,
    },
    /// A cell run by a non-Python cell magic (`%%bash`, `%%writefile` …): not parsed.
    Skipped {
        magic: String,
    },
}

impl ParsedFile {
    /// Parse the Python in a file: a `.py` file whole, a notebook cell by cell. Other kinds
    /// of file give an empty result.
    pub fn parse(file: &SourceFile) -> Self {
        Self::parse_with(file, Needs::ALL)
    }

    /// [`ParsedFile::parse`], collecting only what `needs` asks for. Notebook cells that
    /// cannot hold anything wanted are left out of `units`.
    pub fn parse_with(file: &SourceFile, needs: Needs) -> Self {
        match file.kind {
            SourceKind::Python => ParsedFile {
                units: vec![parse_unit_with(&file.text, None, false, needs)],
                python: true,
                needs,
            },
            SourceKind::Notebook => {
                let Some(nb) = &file.notebook else {
                    return ParsedFile::default();
                };
                if !notebook_is_python(file) {
                    return ParsedFile::default();
                }
                let mut units = Vec::with_capacity(nb.cells.len());
                for (i, cell) in nb.cells.iter().enumerate() {
                    if cell.kind != CellKind::Code
                        || !needs.must_parse(&cell.source.text)
                        || !cell_is_python(file, cell)
                    {
                        continue;
                    }
                    units.push(parse_unit_with(&cell.source.text, Some(i), true, needs));
                }
                ParsedFile {
                    units,
                    python: true,
                    needs,
                }
            }
            _ => ParsedFile::default(),
        }
    }

    /// Map a decoded range of `unit` to a raw range of `file`.
    pub fn to_raw(&self, file: &SourceFile, unit: &Unit, range: TextRange) -> TextRange {
        match (unit.cell, &file.notebook) {
            (Some(i), Some(nb)) => nb.cells.get(i).map_or(range, |c| c.to_raw(range)),
            _ => range,
        }
    }

    /// The 1-based cell number and 1-based line (within the cell, or the file) of a
    /// decoded offset of `unit`.
    pub fn line_of(&self, file: &SourceFile, unit: &Unit, offset: usize) -> (Option<usize>, usize) {
        match (unit.cell, &file.notebook) {
            (Some(i), Some(nb)) => match nb.cells.get(i) {
                Some(c) => (
                    Some(c.number),
                    c.lines.line_col(offset, &c.source.text).line,
                ),
                None => (None, 1),
            },
            _ => (None, file.lines().line_col(offset, &file.text).line),
        }
    }

    /// Whether any unit's namespace is opaque (star import, `%run` …), with the reason.
    pub fn dynamic_reason(&self) -> Option<&str> {
        self.units.iter().find_map(|u| u.facts.dynamic.as_deref())
    }
}

/// False when the notebook declares a kernel language other than Python.
pub(crate) fn notebook_is_python(file: &SourceFile) -> bool {
    let Some(nb) = &file.notebook else {
        return false;
    };
    let text = &file.text;
    let Some(meta) = nb.notebook_metadata(text) else {
        return true;
    };
    let lang = meta
        .get(text, "kernelspec")
        .and_then(|k| k.get(text, "language"))
        .and_then(|l| l.as_str(text))
        .or_else(|| {
            meta.get(text, "language_info")
                .and_then(|k| k.get(text, "name"))
                .and_then(|l| l.as_str(text))
        });
    match lang {
        Some(l) => {
            let l = l.to_ascii_lowercase();
            l.is_empty() || l.contains("python") || l == "ipython" || l == "py"
        }
        None => true,
    }
}

/// False for cells a polyglot editor marks as another language (VS Code, Databricks).
pub(crate) fn cell_is_python(file: &SourceFile, cell: &crate::source::notebook::Cell) -> bool {
    let text = &file.text;
    let lang = cell
        .metadata_value(text, "vscode")
        .and_then(|v| v.get(text, "languageId"))
        .and_then(|l| l.as_str(text));
    match lang {
        Some(l) => l.eq_ignore_ascii_case("python"),
        None => true,
    }
}

/// Parse one unit; `ipython` selects IPython mode and cell-magic handling.
pub fn parse_unit(text: &str, cell: Option<usize>, ipython: bool) -> Unit {
    parse_unit_with(text, cell, ipython, Needs::ALL)
}

/// [`parse_unit`], collecting only what `needs` asks for.
pub fn parse_unit_with(text: &str, cell: Option<usize>, ipython: bool, needs: Needs) -> Unit {
    let mut extra_defs = Vec::new();
    let mut unsure = Vec::new();
    let owned;
    let mut source = text;
    if ipython {
        match magics::cell_magic(text) {
            CellMagic::None => {}
            CellMagic::Skipped { magic, unsure } => {
                return Unit {
                    cell,
                    status: UnitStatus::Skipped { magic },
                    facts: Facts {
                        // `%%R -o df` and friends push names into Python: never report them.
                        unsure,
                        ..Facts::default()
                    },
                };
            }
            CellMagic::Python {
                source: blanked,
                defs,
                unsure: words,
            } => {
                extra_defs = defs;
                unsure = words;
                owned = blanked;
                source = &owned;
            }
        }
    }
    let mode = if ipython { Mode::Ipython } else { Mode::Module };
    let parsed = std::panic::catch_unwind(|| {
        let parsed = ruff_python_parser::parse_unchecked(source, ParseOptions::from(mode));
        let error = parsed
            .errors()
            .first()
            .map(|e| (e.error.to_string(), e.location));
        match error {
            Some((message, loc)) => Err((message, range(loc))),
            None => match parsed.try_into_module() {
                Some(module) => {
                    let mut c = Collector::new(ipython, needs);
                    c.visit_body(&module.syntax().body);
                    let mut facts = c.finish();
                    if needs.calls {
                        facts.calls_info = calls::collect(&module.syntax().body);
                    }
                    Ok(facts)
                }
                None => Err(("not a module".to_string(), TextRange::empty(0))),
            },
        }
    });
    match parsed {
        Ok(Ok(mut facts)) => {
            facts.defs.extend(extra_defs);
            facts.unsure.extend(unsure);
            Unit {
                cell,
                status: UnitStatus::Parsed,
                facts,
            }
        }
        Ok(Err((message, at))) => Unit {
            cell,
            status: UnitStatus::SyntaxError {
                message,
                range: clamp(at, text.len()),
            },
            facts: Facts {
                // Whatever this cell would bind, mlcheck cannot tell: never report it.
                unsure: identifiers(text),
                ..Facts::default()
            },
        },
        Err(_) => Unit {
            cell,
            status: UnitStatus::SyntaxError {
                message: "the Python parser failed on this code".into(),
                range: TextRange::empty(0),
            },
            facts: Facts {
                unsure: identifiers(text),
                ..Facts::default()
            },
        },
    }
}

fn clamp(r: TextRange, len: usize) -> TextRange {
    let start = r.start().min(len);
    TextRange::new(start, r.end().clamp(start, len))
}

fn range(r: ruff_text_size::TextRange) -> TextRange {
    TextRange::new(r.start().to_usize(), r.end().to_usize())
}
