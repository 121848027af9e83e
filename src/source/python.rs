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
//! binds and reads. Rules read only those facts, so a parser upgrade touches this file
//! alone (identifiers are ruff's inline [`Ident`] strings, re-exported here). The walk
//! collects only what the enabled rules read ([`Needs`]), and a run that wants nothing but
//! path-like literals does not parse cells without a `/` or a backslash. All ranges in [`Facts`] are *decoded* ranges in the unit's text (the cell's
//! decoded source, or the file); [`ParsedFile::to_raw`] maps them to raw file offsets.
//!
//! Promises: parsing never panics out of this module (a panic inside the parser is caught
//! and reported as a syntax error of that cell), a cell that does not parse yields one
//! [`UnitStatus::SyntaxError`] and no facts, and nothing here executes user code.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use ruff_python_ast::{
    self as ast, ExceptHandler, Expr, ExprContext, IpyEscapeKind, Pattern, Stmt,
    visitor::{self, Visitor},
};
use ruff_python_parser::{Mode, ParseOptions};
use ruff_text_size::Ranged;

use crate::source::{CellKind, SourceFile, SourceKind, TextRange};

/// An identifier: a small string stored inline up to 24 bytes, so copying the names of a
/// cell into [`Facts`] allocates nothing for almost every name.
pub use ruff_python_ast::name::Name as Ident;

/// The Fx hash (rustc's): a few instructions per word, for the small string and offset
/// keys of the name analysis, where SipHash's DoS resistance buys nothing.
#[derive(Clone, Copy, Default)]
pub struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub type FxHashSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;

/// Cell magics whose body is Python run in the kernel's namespace (ruff's list, plus a few).
const PYTHON_CELL_MAGICS: &[&str] = &[
    "time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy",
];

/// Line magics that bring names into the namespace mlcheck cannot see.
const OPAQUE_LINE_MAGICS: &[&str] = &[
    "run",
    "store",
    "pylab",
    "load",
    "R",
    "Rpull",
    "Rget",
    "octave",
    "macro",
    "recall",
    "rerun",
    "px",
    "autopx",
    "reset_selective",
    "psource",
    "edit",
    "sql",
    "alias",
];

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

/// What one unit says, with decoded ranges.
#[derive(Debug, Default)]
pub struct Facts {
    /// Every string literal (and f-string with a literal head) in the unit.
    pub strings: Vec<StrLit>,
    /// Every import (statements at any depth and `importlib.import_module("…")`).
    pub imports: Vec<ImportStmt>,
    /// Module-level bindings, anywhere in the unit (inside `if`/`for`/`try` too).
    pub defs: Vec<NameRef>,
    /// Module-level reads that run when the unit runs (not in function bodies, not under a
    /// `NameError` guard, not in annotations or `if TYPE_CHECKING:`).
    pub reads: Vec<NameRef>,
    /// `del name` as an unconditional top-level statement.
    pub dels: Vec<NameRef>,
    /// Calls of a bare name that run when the unit runs (`train()` at module level).
    pub calls: Vec<NameRef>,
    /// Functions defined at module level, with the module names their bodies read.
    pub functions: Vec<Function>,
    /// Names whose binding mlcheck cannot place (declared `global` in a function, bound
    /// under `if TYPE_CHECKING:`, `%%capture`-style magics …): rules never report them.
    pub unsure: Vec<Ident>,
    /// Why the module namespace cannot be known (`from x import *`, `%run`, `exec(…)` …).
    pub dynamic: Option<String>,
    /// The text of `!shell` and `%magic` lines (downloads and unzips produce files).
    pub escapes: Vec<String>,
    /// Calls and import aliases (`REP` rules), when [`Needs::calls`].
    pub calls_info: crate::source::python_calls::CallFacts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRef {
    pub name: Ident,
    pub range: TextRange,
}

/// A module-level `def`.
#[derive(Debug, Clone, Default)]
pub struct Function {
    pub name: Ident,
    /// The range of the function's name in its `def`.
    pub range: TextRange,
    /// Reads of names not bound inside the function (nested scopes included) that run
    /// whenever the function runs, in order.
    pub free_reads: Vec<NameRef>,
    /// Reads of names not bound inside the function in branches that may not run.
    pub conditional_reads: Vec<NameRef>,
    /// Bare names the body always calls (for calls that reach other functions).
    pub calls: Vec<Ident>,
    loads: Vec<(NameRef, bool)>,
    binds: FxHashSet<Ident>,
    globals: FxHashSet<Ident>,
}

/// A string literal. For an f-string, `value` is its leading literal text (up to the
/// first `{…}`) and `fstring` is true.
#[derive(Debug, Clone)]
pub struct StrLit {
    pub value: String,
    pub range: TextRange,
    /// A bare string statement (docstring or string used as a comment).
    pub docstring: bool,
    pub fstring: bool,
    /// The call this literal is passed to directly, if any.
    pub call: Option<CallSite>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// Dotted callee: `open`, `pd.read_csv`, `os.path.join`; non-name bases are `_`
    /// (`_.to_csv`).
    pub callee: String,
    pub arg: Arg,
    /// `open(…)`'s mode when given as a literal.
    pub mode: Option<String>,
    /// The method called on the call's result: `read_text` in `Path("x").read_text()`.
    pub then_method: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Positional(usize),
    Keyword(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportStmt {
    /// The full dotted module name (`sklearn.model_selection`).
    pub module: String,
    pub range: TextRange,
    /// Inside a `try` whose handler catches `ImportError`/`ModuleNotFoundError`.
    pub optional: bool,
    /// From `importlib.import_module("x")` / `__import__("x")` with a literal.
    pub dynamic: bool,
    /// `from . import x` / `from .mod import y` (module is what follows the dots).
    pub relative: bool,
    /// Under `if TYPE_CHECKING:`: read by type checkers only, never at run time.
    pub type_checking: bool,
}

/// What the rules of a run read from the parse: the walk collects nothing else, and cells
/// that cannot hold anything wanted are not parsed at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needs {
    /// Module-level names: `defs`, `reads`, `dels`, `calls`, `functions` (NB010, NB011).
    pub names: bool,
    /// Which string literals go into `strings`.
    pub strings: StringNeeds,
    /// Every unit's status, syntax errors included (PY000): no cell is left unparsed.
    pub status: bool,
    /// `imports`.
    pub imports: bool,
    /// `calls_info` (the `REP` rules).
    pub calls: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringNeeds {
    None,
    /// Only non-docstring literals whose value contains `/` or a backslash (all a path
    /// pattern can match). A cell whose source has neither byte cannot hold one (an escape
    /// needs a backslash), so it is not parsed when nothing else is needed.
    PathLike,
    All,
}

impl Default for Needs {
    fn default() -> Self {
        Needs::ALL
    }
}

impl Needs {
    /// Everything (the default for callers outside the rules, e.g. `mlcheck imports`).
    pub const ALL: Needs = Needs {
        names: true,
        strings: StringNeeds::All,
        status: true,
        imports: true,
        calls: true,
    };

    /// Whether a cell with this source must be parsed.
    fn must_parse(&self, text: &str) -> bool {
        self.names
            || self.status
            || self.calls
            // Every import form (`import`, `from … import`, `import_module`, `__import__`)
            // spells `import`: a cell without it holds none.
            || self.imports && memchr::memmem::find(text.as_bytes(), b"import").is_some()
            || match self.strings {
                StringNeeds::None => false,
                StringNeeds::PathLike => memchr::memchr2(b'/', b'\\', text.as_bytes()).is_some(),
                StringNeeds::All => true,
            }
    }
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
        let trimmed = text.trim_start();
        if let Some(rest) = trimmed.strip_prefix("%%") {
            let line_end = rest.find('\n').unwrap_or(rest.len());
            let line = &rest[..line_end];
            let magic = line.split_whitespace().next().unwrap_or("").to_string();
            if !PYTHON_CELL_MAGICS.contains(&magic.as_str()) {
                return Unit {
                    cell,
                    status: UnitStatus::Skipped { magic },
                    facts: Facts {
                        // `%%R -o df` and friends push names into Python: never report them.
                        unsure: identifiers(line),
                        ..Facts::default()
                    },
                };
            }
            let start = text.len() - trimmed.len();
            let end = start + 2 + line_end;
            if magic == "capture"
                && let Some(var) = line
                    .split_whitespace()
                    .skip(1)
                    .find(|w| !w.starts_with('-'))
            {
                extra_defs.push(NameRef {
                    name: Ident::new(var),
                    range: TextRange::new(start, end),
                });
            }
            unsure.extend(identifiers(line));
            let mut blanked = String::with_capacity(text.len());
            blanked.push_str(&text[..start]);
            blanked.extend(std::iter::repeat_n(' ', end - start));
            blanked.push_str(&text[end..]);
            owned = blanked;
            source = &owned;
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
                        facts.calls_info =
                            crate::source::python_calls::collect(&module.syntax().body);
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

/// Every identifier-looking word of a text.
fn identifiers(text: &str) -> Vec<Ident> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, ch) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let ident = ch == '_' || ch.is_alphanumeric();
        match (start, ident) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let word = &text[s..i];
                if !word.starts_with(|c: char| c.is_ascii_digit()) {
                    out.push(Ident::new(word));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The last part of [`dotted`] without building it: `read_csv` for `pd.read_csv`, `_` for
/// non-name expressions.
fn last_segment(expr: &Expr) -> &str {
    match expr {
        Expr::Name(n) => n.id.as_str(),
        Expr::Attribute(a) => a.attr.id.as_str(),
        _ => "_",
    }
}

/// The dotted name of an expression (`pd.read_csv`), `_` for non-name parts.
pub(crate) fn dotted(expr: &Expr) -> String {
    fn push(expr: &Expr, out: &mut String) {
        match expr {
            Expr::Name(n) => out.push_str(n.id.as_str()),
            Expr::Attribute(a) => {
                push(&a.value, out);
                out.push('.');
                out.push_str(a.attr.id.as_str());
            }
            _ => out.push('_'),
        }
    }
    let mut out = String::new();
    push(expr, &mut out);
    out
}

fn string_value(expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
        _ => None,
    }
}

/// Whether a handler list catches `names` (or everything).
fn handlers_catch(handlers: &[ExceptHandler], names: &[&str]) -> bool {
    fn matches(expr: &Expr, names: &[&str]) -> bool {
        match expr {
            Expr::Tuple(t) => t.elts.iter().any(|e| matches(e, names)),
            other => names.contains(&last_segment(other)),
        }
    }
    handlers.iter().any(|h| {
        let ExceptHandler::ExceptHandler(h) = h;
        match &h.type_ {
            None => true,
            Some(t) => matches(t, names),
        }
    })
}

fn is_type_checking(test: &Expr) -> bool {
    // `TYPE_CHECKING` or `<anything>.TYPE_CHECKING`.
    matches!(test, Expr::Name(_) | Expr::Attribute(_)) && last_segment(test) == "TYPE_CHECKING"
}

/// `'x' in globals()`-style tests: the `if` decides at run time whether a name exists.
fn mentions_namespace(expr: &Expr) -> bool {
    struct Finder(bool);
    impl<'a> Visitor<'a> for Finder {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(c) = expr
                && let Expr::Name(n) = c.func.as_ref()
                && matches!(n.id.as_str(), "globals" | "locals" | "dir" | "vars")
            {
                self.0 = true;
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut f = Finder(false);
    f.visit_expr(expr);
    f.0
}

fn is_namespace_call(expr: &Expr) -> bool {
    if let Expr::Call(c) = expr
        && let Expr::Name(n) = c.func.as_ref()
    {
        return matches!(n.id.as_str(), "globals" | "locals" | "vars");
    }
    false
}

#[derive(Debug)]
enum Frame {
    Module,
    Class(Vec<Ident>),
    /// A function or lambda body; `Some(i)` routes into `facts.functions[i]` (the
    /// outermost module-level function), `None` discards (methods, module lambdas).
    Function(Option<usize>),
    Comp(Vec<Ident>),
}

struct Collector {
    facts: Facts,
    frames: Vec<Frame>,
    /// Inside a `try` that catches `NameError`, or an `if` testing `globals()`.
    guard: u32,
    type_checking: u32,
    /// Inside a branch that may not run (`if` bodies, `except` handlers, `match` cases,
    /// the arms of `a if c else b`, the right of `and`/`or`): reads there are not certain.
    conditional: u32,
    /// Inside a `try` that catches `ImportError`.
    optional_import: u32,
    /// Compound-statement depth at module level (0: unconditional top-level statement).
    nesting: u32,
    /// The call context of the expression about to be visited (a direct argument).
    arg_ctx: Option<CallSite>,
    /// `(inner call range, method)` for `inner(…).method(…)`.
    pending_method: Option<(ruff_text_size::TextRange, Ident)>,
    ipython: bool,
    needs: Needs,
}

impl Collector {
    fn new(ipython: bool, needs: Needs) -> Self {
        Self {
            facts: Facts::default(),
            frames: vec![Frame::Module],
            guard: 0,
            type_checking: 0,
            conditional: 0,
            optional_import: 0,
            nesting: 0,
            arg_ctx: None,
            pending_method: None,
            ipython,
            needs,
        }
    }

    fn finish(mut self) -> Facts {
        for f in &mut self.facts.functions {
            let loads = std::mem::take(&mut f.loads);
            for (r, certain) in loads {
                if f.binds.contains(&r.name) && !f.globals.contains(&r.name) {
                    continue;
                }
                if certain {
                    f.free_reads.push(r);
                } else {
                    f.conditional_reads.push(r);
                }
            }
        }
        self.facts
    }

    /// Whether a (non-docstring) literal with this value goes into `strings`.
    fn wants_string(&self, value: &str) -> bool {
        match self.needs.strings {
            StringNeeds::None => false,
            StringNeeds::PathLike => value.contains(['/', '\\']),
            StringNeeds::All => true,
        }
    }

    fn dynamic(&mut self, reason: impl Into<String>) {
        if self.facts.dynamic.is_none() {
            self.facts.dynamic = Some(reason.into());
        }
    }

    /// The function index module-level code is routed to, if inside a tracked function.
    fn current_function(&self) -> Option<Option<usize>> {
        self.frames.iter().rev().find_map(|f| match f {
            Frame::Function(i) => Some(*i),
            _ => None,
        })
    }

    fn at_module(&self) -> bool {
        self.current_function().is_none()
    }

    fn load(&mut self, name: &Ident, r: TextRange) {
        if !self.needs.names {
            return;
        }
        for frame in self.frames.iter().rev() {
            match frame {
                Frame::Comp(locals) | Frame::Class(locals) => {
                    if locals.iter().any(|l| l == name) {
                        return;
                    }
                }
                Frame::Function(Some(i)) => {
                    let i = *i;
                    let certain = self.conditional == 0 && self.guard == 0;
                    if let Some(f) = self.facts.functions.get_mut(i) {
                        f.loads.push((
                            NameRef {
                                name: name.clone(),
                                range: r,
                            },
                            certain,
                        ));
                    }
                    return;
                }
                Frame::Function(None) => return,
                Frame::Module => {
                    if self.guard == 0 && self.type_checking == 0 && self.conditional == 0 {
                        self.facts.reads.push(NameRef {
                            name: name.clone(),
                            range: r,
                        });
                    }
                    return;
                }
            }
        }
    }

    fn bind(&mut self, name: &Ident, r: TextRange, walrus: bool) {
        if !self.needs.names {
            return;
        }
        let idx = if walrus {
            self.frames
                .iter()
                .rposition(|f| !matches!(f, Frame::Comp(_)))
                .unwrap_or(0)
        } else {
            self.frames.len() - 1
        };
        match &mut self.frames[idx] {
            Frame::Comp(locals) | Frame::Class(locals) => {
                if !locals.iter().any(|l| l == name) {
                    locals.push(name.clone());
                }
            }
            Frame::Function(Some(i)) => {
                let i = *i;
                if let Some(f) = self.facts.functions.get_mut(i) {
                    if f.globals.contains(name) {
                        self.facts.unsure.push(name.clone());
                    }
                    if !f.binds.contains(name) {
                        f.binds.insert(name.clone());
                    }
                }
            }
            Frame::Function(None) => {}
            Frame::Module => {
                if self.type_checking > 0 {
                    self.facts.unsure.push(name.clone());
                } else {
                    self.facts.defs.push(NameRef {
                        name: name.clone(),
                        range: r,
                    });
                }
            }
        }
    }

    fn bind_target(&mut self, target: &Expr) {
        match target {
            Expr::Name(n) => self.bind(&n.id, range(n.range), false),
            Expr::Tuple(t) => t.elts.iter().for_each(|e| self.bind_target(e)),
            Expr::List(l) => l.elts.iter().for_each(|e| self.bind_target(e)),
            Expr::Starred(s) => self.bind_target(&s.value),
            other => self.visit_expr(other),
        }
    }

    fn bind_pattern(&mut self, pattern: &Pattern) {
        match pattern {
            Pattern::MatchValue(v) => self.visit_expr(&v.value),
            Pattern::MatchSingleton(_) => {}
            Pattern::MatchSequence(s) => s.patterns.iter().for_each(|p| self.bind_pattern(p)),
            Pattern::MatchMapping(m) => {
                m.keys.iter().for_each(|k| self.visit_expr(k));
                m.patterns.iter().for_each(|p| self.bind_pattern(p));
                if let Some(rest) = &m.rest {
                    self.bind(&rest.id, range(rest.range), false);
                }
            }
            Pattern::MatchClass(c) => {
                self.visit_expr(&c.cls);
                c.arguments
                    .patterns
                    .iter()
                    .for_each(|p| self.bind_pattern(p));
                c.arguments
                    .keywords
                    .iter()
                    .for_each(|k| self.bind_pattern(&k.pattern));
            }
            Pattern::MatchStar(s) => {
                if let Some(n) = &s.name {
                    self.bind(&n.id, range(n.range), false);
                }
            }
            Pattern::MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.bind_pattern(p);
                }
                if let Some(n) = &a.name {
                    self.bind(&n.id, range(n.range), false);
                }
            }
            Pattern::MatchOr(o) => o.patterns.iter().for_each(|p| self.bind_pattern(p)),
        }
    }

    fn push_import(&mut self, module: &str, r: TextRange, dynamic: bool, relative: bool) {
        if !self.needs.imports || module == "__future__" {
            return;
        }
        self.facts.imports.push(ImportStmt {
            module: module.to_string(),
            range: r,
            optional: self.optional_import > 0,
            dynamic,
            relative,
            type_checking: self.type_checking > 0,
        });
    }

    fn escape(&mut self, kind: IpyEscapeKind, value: &str, r: TextRange) {
        self.facts.escapes.push(value.to_string());
        if !matches!(kind, IpyEscapeKind::Magic) {
            return;
        }
        let mut words = value.split_whitespace();
        let name = words.next().unwrap_or("").trim_start_matches('%');
        if OPAQUE_LINE_MAGICS.contains(&name) {
            if name == "store" && !value.split_whitespace().any(|w| w == "-r") {
                return;
            }
            self.dynamic(format!("`%{name}`"));
            return;
        }
        if self.needs.names && matches!(name, "time" | "timeit" | "prun" | "capture") {
            // `%time x = fit()` runs Python: its bindings count, at the magic's range.
            let code: String = value
                .split_whitespace()
                .skip(1)
                .skip_while(|w| w.starts_with('-'))
                .collect::<Vec<_>>()
                .join(" ");
            let unit = parse_unit_with(&code, None, true, self.needs);
            for d in unit.facts.defs {
                self.bind(&d.name, r, false);
            }
            self.facts.unsure.extend(unit.facts.unsure);
        }
    }

    fn visit_function_like(
        &mut self,
        name: Option<&ast::Identifier>,
        parameters: Option<&ast::Parameters>,
        body: FnBody<'_>,
        decorators: &[ast::Decorator],
    ) {
        for d in decorators {
            self.visit_expr(&d.expression);
        }
        if let Some(params) = parameters {
            for p in params.iter_non_variadic_params() {
                if let Some(default) = p.default.as_deref() {
                    self.visit_expr(default);
                }
            }
        }
        let at_module = matches!(self.frames.last(), Some(Frame::Module));
        if let Some(n) = name {
            self.bind(&n.id, range(n.range), false);
        }
        let route = match (name, at_module) {
            (Some(n), true) => {
                self.facts.functions.push(Function {
                    name: n.id.clone(),
                    range: range(n.range),
                    ..Function::default()
                });
                Some(self.facts.functions.len() - 1)
            }
            _ => self.current_function().flatten(),
        };
        self.frames.push(Frame::Function(route));
        if let Some(params) = parameters {
            for p in params.iter() {
                let id = p.name();
                self.bind(&id.id, range(id.range), false);
            }
        }
        let saved = (self.guard, self.nesting, self.conditional);
        // A body runs in full whenever it is called, wherever it was defined.
        self.guard = 0;
        self.conditional = 0;
        self.nesting += 1;
        match body {
            FnBody::Stmts(stmts) => self.visit_body(stmts),
            FnBody::Expr(e) => self.visit_expr(e),
        }
        (self.guard, self.nesting, self.conditional) = saved;
        self.frames.pop();
    }

    fn visit_comprehension_like(&mut self, generators: &[ast::Comprehension], elts: &[&Expr]) {
        let Some(first) = generators.first() else {
            return;
        };
        self.visit_expr(&first.iter);
        self.frames.push(Frame::Comp(Vec::new()));
        for g in generators {
            self.bind_target(&g.target);
        }
        for (i, g) in generators.iter().enumerate() {
            if i > 0 {
                self.visit_expr(&g.iter);
            }
            for cond in &g.ifs {
                self.visit_expr(cond);
            }
        }
        for e in elts {
            self.visit_expr(e);
        }
        self.frames.pop();
    }

    fn visit_call(&mut self, call: &ast::ExprCall) {
        let call_range = call.range();
        let func = call.func.as_ref();
        // Set by the enclosing `inner(…).method(…)` call before it visits this one.
        let then_method: Option<Ident> = match &self.pending_method {
            Some((r, m)) if *r == call_range => Some(m.clone()),
            _ => None,
        };
        // Dynamic namespaces and dynamic imports.
        let import_call = match func {
            Expr::Name(n) => match n.id.as_str() {
                "exec" => {
                    self.dynamic("`exec(…)`");
                    false
                }
                "import_module" | "__import__" => true,
                _ => false,
            },
            Expr::Attribute(a) => {
                a.attr.id.as_str() == "import_module"
                    && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "importlib")
            }
            _ => false,
        };
        if import_call
            && let Some(m) = call.arguments.args.first().and_then(string_value)
            && !m.starts_with('.')
            && !m.is_empty()
        {
            self.push_import(&m, range(call_range), true, false);
        }
        if let Expr::Attribute(a) = func {
            let attr = a.attr.id.as_str();
            if is_namespace_call(&a.value)
                && matches!(attr, "update" | "setdefault" | "__setitem__")
            {
                self.dynamic("`globals().update(…)`");
            }
            if last_segment(&a.value).ends_with("get_ipython")
                || matches!(a.value.as_ref(), Expr::Call(c)
                    if matches!(c.func.as_ref(), Expr::Name(n) if n.id.as_str() == "get_ipython"))
            {
                match attr {
                    "run_line_magic" | "magic" => {
                        let first = call.arguments.args.first().and_then(string_value);
                        match first {
                            Some(m) => {
                                let name = m.split_whitespace().next().unwrap_or("").to_string();
                                if OPAQUE_LINE_MAGICS.contains(&name.trim_start_matches('%')) {
                                    self.dynamic(format!("`%{name}`"));
                                }
                            }
                            None => self.dynamic("`get_ipython().run_line_magic(…)`"),
                        }
                    }
                    "run_cell" | "run_cell_magic" | "push" | "ex" | "runcode" | "run_code" => {
                        self.dynamic(format!("`get_ipython().{attr}(…)`"));
                    }
                    _ => {}
                }
            }
            if let Expr::Call(inner) = a.value.as_ref() {
                self.pending_method = Some((inner.range(), a.attr.id.clone()));
            }
        }
        if self.needs.names
            && let Expr::Name(n) = func
        {
            match self.current_function() {
                None => {
                    if self.guard == 0 && self.type_checking == 0 && self.conditional == 0 {
                        self.facts.calls.push(NameRef {
                            name: n.id.clone(),
                            range: range(call_range),
                        });
                    }
                }
                Some(Some(i)) => {
                    if self.conditional == 0
                        && self.guard == 0
                        && let Some(f) = self.facts.functions.get_mut(i)
                    {
                        f.calls.push(n.id.clone());
                    }
                }
                Some(None) => {}
            }
        }
        self.visit_expr(func);
        // Only a literal handed straight to the call records where it went (`visit_expr`
        // takes the context at once and only string literals keep it), so the call site
        // is built for those arguments alone.
        let literal = |e: &Expr| matches!(e, Expr::StringLiteral(_) | Expr::FString(_));
        let mut site: Option<CallSite> = None;
        if self.needs.strings != StringNeeds::None
            && (call.arguments.args.iter().any(literal)
                || call.arguments.keywords.iter().any(|k| literal(&k.value)))
        {
            let is_open = match func {
                Expr::Name(n) => n.id.as_str() == "open",
                Expr::Attribute(a) => a.attr.id.as_str() == "open",
                _ => false,
            };
            let mode = if is_open {
                call.arguments
                    .args
                    .get(1)
                    .and_then(string_value)
                    .or_else(|| {
                        call.arguments
                            .keywords
                            .iter()
                            .find(|k| k.arg.as_ref().is_some_and(|a| a.id.as_str() == "mode"))
                            .and_then(|k| string_value(&k.value))
                    })
            } else {
                None
            };
            site = Some(CallSite {
                callee: dotted(func),
                arg: Arg::Positional(0),
                mode,
                then_method: then_method.map(|m| m.to_string()),
            });
        }
        for (i, arg) in call.arguments.args.iter().enumerate() {
            if literal(arg)
                && let Some(site) = &site
            {
                self.arg_ctx = Some(CallSite {
                    arg: Arg::Positional(i),
                    ..site.clone()
                });
            }
            self.visit_expr(arg);
            self.arg_ctx = None;
        }
        for kw in &call.arguments.keywords {
            if literal(&kw.value)
                && let (Some(site), Some(a)) = (&site, &kw.arg)
            {
                self.arg_ctx = Some(CallSite {
                    arg: Arg::Keyword(a.id.to_string()),
                    ..site.clone()
                });
            }
            self.visit_expr(&kw.value);
            self.arg_ctx = None;
        }
    }
}

enum FnBody<'a> {
    Stmts(&'a [Stmt]),
    Expr(&'a Expr),
}

impl<'a> Visitor<'a> for Collector {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        self.arg_ctx = None;
        match stmt {
            Stmt::FunctionDef(f) => {
                self.visit_function_like(
                    Some(&f.name),
                    Some(&*f.parameters),
                    FnBody::Stmts(&f.body),
                    &f.decorator_list,
                );
            }
            Stmt::ClassDef(c) => {
                for d in &c.decorator_list {
                    self.visit_expr(&d.expression);
                }
                if let Some(args) = &c.arguments {
                    for a in args.args.iter() {
                        self.visit_expr(a);
                    }
                    for k in args.keywords.iter() {
                        self.visit_expr(&k.value);
                    }
                }
                self.bind(&c.name.id, range(c.name.range), false);
                self.frames.push(Frame::Class(Vec::new()));
                self.nesting += 1;
                self.visit_body(&c.body);
                self.nesting -= 1;
                self.frames.pop();
            }
            Stmt::Expr(e) => {
                if let Expr::StringLiteral(s) = e.value.as_ref() {
                    // Docstrings only matter to rules that want every literal.
                    if self.needs.strings == StringNeeds::All {
                        self.facts.strings.push(StrLit {
                            value: s.value.to_str().to_string(),
                            range: range(s.range),
                            docstring: true,
                            fstring: false,
                            call: None,
                        });
                    }
                } else {
                    self.visit_expr(&e.value);
                }
            }
            Stmt::Assign(a) => {
                self.visit_expr(&a.value);
                for t in &a.targets {
                    self.bind_target(t);
                }
            }
            Stmt::AugAssign(a) => {
                self.visit_expr(&a.value);
                if let Expr::Name(n) = a.target.as_ref() {
                    self.load(&n.id, range(n.range));
                }
                self.bind_target(&a.target);
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    self.visit_expr(v);
                    self.bind_target(&a.target);
                } else if !matches!(a.target.as_ref(), Expr::Name(_)) {
                    self.visit_expr(&a.target);
                }
            }
            Stmt::TypeAlias(t) => {
                if let Expr::Name(n) = t.name.as_ref() {
                    self.bind(&n.id, range(n.range), false);
                }
            }
            Stmt::For(f) => {
                self.visit_expr(&f.iter);
                self.nesting += 1;
                self.bind_target(&f.target);
                self.visit_body(&f.body);
                self.visit_body(&f.orelse);
                self.nesting -= 1;
            }
            Stmt::While(w) => {
                self.visit_expr(&w.test);
                self.nesting += 1;
                self.conditional += 1;
                self.visit_body(&w.body);
                self.visit_body(&w.orelse);
                self.conditional -= 1;
                self.nesting -= 1;
            }
            Stmt::If(i) => {
                self.nesting += 1;
                let guard = mentions_namespace(&i.test);
                self.guard += guard as u32;
                if is_type_checking(&i.test) {
                    self.type_checking += 1;
                    self.visit_body(&i.body);
                    self.type_checking -= 1;
                } else {
                    self.visit_expr(&i.test);
                    self.conditional += 1;
                    self.visit_body(&i.body);
                    self.conditional -= 1;
                }
                self.conditional += 1;
                for clause in &i.elif_else_clauses {
                    if let Some(t) = &clause.test {
                        self.visit_expr(t);
                    }
                    self.visit_body(&clause.body);
                }
                self.conditional -= 1;
                self.guard -= guard as u32;
                self.nesting -= 1;
            }
            Stmt::With(w) => {
                // `with suppress(NameError):` guards its body like `try/except NameError`.
                let suppress = w.items.iter().any(|item| match &item.context_expr {
                    Expr::Call(c) => last_segment(&c.func).ends_with("suppress"),
                    _ => false,
                });
                for item in &w.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(v) = &item.optional_vars {
                        self.bind_target(v);
                    }
                }
                self.nesting += 1;
                self.guard += suppress as u32;
                self.visit_body(&w.body);
                self.guard -= suppress as u32;
                self.nesting -= 1;
            }
            Stmt::Match(m) => {
                self.visit_expr(&m.subject);
                self.nesting += 1;
                self.conditional += 1;
                for case in &m.cases {
                    self.bind_pattern(&case.pattern);
                    if let Some(g) = &case.guard {
                        self.visit_expr(g);
                    }
                    self.visit_body(&case.body);
                }
                self.conditional -= 1;
                self.nesting -= 1;
            }
            Stmt::Try(t) => {
                self.nesting += 1;
                let guards =
                    handlers_catch(&t.handlers, &["NameError", "Exception", "BaseException"]);
                let optional = handlers_catch(
                    &t.handlers,
                    &[
                        "ImportError",
                        "ModuleNotFoundError",
                        "Exception",
                        "BaseException",
                    ],
                );
                self.guard += guards as u32;
                self.optional_import += optional as u32;
                self.visit_body(&t.body);
                self.guard -= guards as u32;
                self.optional_import -= optional as u32;
                self.conditional += 1;
                for h in &t.handlers {
                    let ExceptHandler::ExceptHandler(h) = h;
                    if let Some(ty) = &h.type_ {
                        self.visit_expr(ty);
                    }
                    if let Some(n) = &h.name {
                        self.bind(&n.id, range(n.range), false);
                    }
                    self.visit_body(&h.body);
                }
                self.conditional -= 1;
                self.visit_body(&t.orelse);
                self.visit_body(&t.finalbody);
                self.nesting -= 1;
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    let full = alias.name.id.as_str();
                    self.push_import(full, range(alias.range), false, false);
                    match &alias.asname {
                        Some(a) => self.bind(&a.id, range(a.range), false),
                        None => {
                            let top = full.split('.').next().unwrap_or(full);
                            let top = if top.len() == full.len() {
                                alias.name.id.clone()
                            } else {
                                Ident::new(top)
                            };
                            self.bind(&top, range(alias.name.range), false);
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map(|m| m.id.as_str()).unwrap_or("");
                if i.level == 0 {
                    self.push_import(module, range(i.range), false, false);
                } else {
                    self.push_import(module, range(i.range), false, true);
                }
                for alias in &i.names {
                    if alias.name.id.as_str() == "*" {
                        if self.at_module() {
                            self.dynamic(format!("`from {module} import *`"));
                        }
                        continue;
                    }
                    let id = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.bind(&id.id, range(id.range), false);
                }
            }
            Stmt::Global(g) => {
                if let Some(Some(i)) = self.current_function()
                    && let Some(f) = self.facts.functions.get_mut(i)
                {
                    for n in &g.names {
                        f.globals.insert(n.id.clone());
                    }
                }
                if !self.at_module() {
                    for n in &g.names {
                        self.facts.unsure.push(n.id.clone());
                    }
                }
            }
            Stmt::Nonlocal(_) => {}
            Stmt::Delete(d) => {
                for t in &d.targets {
                    match t {
                        Expr::Name(n) => {
                            if self.nesting == 0
                                && matches!(self.frames.last(), Some(Frame::Module))
                            {
                                self.facts.dels.push(NameRef {
                                    name: n.id.clone(),
                                    range: range(n.range),
                                });
                            }
                        }
                        other => self.visit_expr(other),
                    }
                }
            }
            Stmt::IpyEscapeCommand(c) => {
                self.escape(c.kind, &c.value, range(c.range));
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_annotation(&mut self, _expr: &'a Expr) {}

    fn visit_type_params(&mut self, _type_params: &'a ast::TypeParams) {}

    fn visit_expr(&mut self, expr: &'a Expr) {
        let ctx = self.arg_ctx.take();
        match expr {
            Expr::Name(n) => match n.ctx {
                ExprContext::Load => self.load(&n.id, range(n.range)),
                ExprContext::Store => self.bind(&n.id, range(n.range), false),
                _ => {}
            },
            Expr::Named(n) => {
                self.visit_expr(&n.value);
                if let Expr::Name(t) = n.target.as_ref() {
                    self.bind(&t.id, range(t.range), true);
                }
            }
            Expr::Lambda(l) => {
                self.visit_function_like(None, l.parameters.as_deref(), FnBody::Expr(&l.body), &[]);
            }
            Expr::ListComp(c) => self.visit_comprehension_like(&c.generators, &[&c.elt]),
            Expr::SetComp(c) => self.visit_comprehension_like(&c.generators, &[&c.elt]),
            Expr::Generator(c) => {
                // Lazy: only the first iterable is evaluated where the generator is written.
                if let Some(first) = c.generators.first() {
                    self.visit_expr(&first.iter);
                }
                self.conditional += 1;
                self.visit_comprehension_like(&c.generators, &[&c.elt]);
                self.conditional -= 1;
            }
            Expr::DictComp(c) => {
                let mut elts: Vec<&Expr> = vec![&c.value];
                if let Some(k) = &c.key {
                    elts.push(k);
                }
                self.visit_comprehension_like(&c.generators, &elts)
            }
            Expr::Call(c) => self.visit_call(c),
            Expr::If(e) => {
                self.visit_expr(&e.test);
                self.conditional += 1;
                self.visit_expr(&e.body);
                self.visit_expr(&e.orelse);
                self.conditional -= 1;
            }
            Expr::BoolOp(b) => {
                for (i, v) in b.values.iter().enumerate() {
                    self.conditional += (i > 0) as u32;
                    self.visit_expr(v);
                    self.conditional -= (i > 0) as u32;
                }
            }
            Expr::Subscript(s) => {
                if matches!(s.ctx, ExprContext::Store | ExprContext::Del)
                    && is_namespace_call(&s.value)
                {
                    self.dynamic("`globals()[…] = …`");
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Attribute(a) => {
                if a.attr.id.as_str() == "user_ns" {
                    self.dynamic("`user_ns`");
                }
                visitor::walk_expr(self, expr);
            }
            Expr::StringLiteral(s) => {
                let value = s.value.to_str();
                if self.wants_string(value) {
                    self.facts.strings.push(StrLit {
                        value: value.to_string(),
                        range: range(s.range),
                        docstring: false,
                        fstring: false,
                        call: ctx,
                    });
                }
            }
            Expr::FString(_) if self.needs.strings == StringNeeds::None => {
                visitor::walk_expr(self, expr);
            }
            Expr::FString(f) => {
                let mut head = String::new();
                'parts: for part in f.value.iter() {
                    match part {
                        ast::FStringPart::Literal(l) => head.push_str(&l.value),
                        ast::FStringPart::FString(fs) => {
                            for el in fs.elements.iter() {
                                match el {
                                    ast::InterpolatedStringElement::Literal(l) => {
                                        head.push_str(&l.value)
                                    }
                                    ast::InterpolatedStringElement::Interpolation(_) => {
                                        break 'parts;
                                    }
                                }
                            }
                        }
                    }
                }
                if self.wants_string(&head) {
                    self.facts.strings.push(StrLit {
                        value: head,
                        range: range(f.range),
                        docstring: false,
                        fstring: true,
                        call: ctx,
                    });
                }
                visitor::walk_expr(self, expr);
            }
            Expr::IpyEscapeCommand(c) => {
                if self.ipython {
                    self.escape(c.kind, &c.value, range(c.range));
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(code: &str) -> Facts {
        let unit = parse_unit(code, Some(0), true);
        assert_eq!(unit.status, UnitStatus::Parsed, "{code}");
        unit.facts
    }

    fn names(refs: &[NameRef]) -> Vec<&str> {
        refs.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn module_reads_and_defs() {
        let f = facts(
            "import numpy as np\nfrom os import path\nx = np.zeros(3)\n[y for y in x if z]\nclass A:\n    b = 1\n    c = b + w\ndef f(a):\n    return a + q\n",
        );
        assert_eq!(names(&f.defs), ["np", "path", "x", "A", "f"]);
        assert_eq!(names(&f.reads), ["np", "x", "z", "w"]);
        assert_eq!(f.functions.len(), 1);
        assert_eq!(names(&f.functions[0].free_reads), ["q"]);
    }

    #[test]
    fn guards_and_type_checking() {
        let f = facts(
            "try:\n    a\nexcept NameError:\n    a = 1\nif TYPE_CHECKING:\n    import t\nif 'm' not in globals():\n    m = load(m0)\n",
        );
        assert!(names(&f.reads).iter().all(|n| *n != "a" && *n != "m0"));
        assert!(f.unsure.iter().any(|n| n == "t"));
        assert_eq!(names(&f.defs), ["a", "m"]);
    }

    #[test]
    fn magics_parse_and_star_import_is_dynamic() {
        let f = facts("%matplotlib inline\n!pip install x\nfiles = !ls\nprint(files)\n");
        assert_eq!(names(&f.defs), ["files"]);
        assert!(f.dynamic.is_none());
        assert!(facts("from pylab import *\n").dynamic.is_some());
        assert!(facts("%run other.ipynb\n").dynamic.is_some());
        assert!(facts("%store -r data\n").dynamic.is_some());
        assert!(facts("%store data\n").dynamic.is_none());
    }

    #[test]
    fn cell_magics() {
        let unit = parse_unit("%%bash\nls -la\n", Some(0), true);
        assert!(matches!(unit.status, UnitStatus::Skipped { .. }));
        let unit = parse_unit("%%time\nx = 1\n", Some(0), true);
        assert_eq!(unit.status, UnitStatus::Parsed);
        assert_eq!(names(&unit.facts.defs), ["x"]);
        let unit = parse_unit("%%capture out\ny = 2\n", Some(0), true);
        assert_eq!(names(&unit.facts.defs), ["y", "out"]);
        let unit = parse_unit("%time z = fit()\n", Some(0), true);
        assert_eq!(names(&unit.facts.defs), ["z"]);
    }

    #[test]
    fn syntax_errors_and_garbage_never_panic() {
        for code in [
            "def (:\n",
            "x = \"\\U0\"",
            "\u{0}\u{feff}",
            "%%",
            "%",
            "!",
            "?",
            "a = (",
            "   \n\t  x",
        ] {
            let _ = parse_unit(code, Some(0), true);
            let _ = parse_unit(code, None, false);
        }
        let unit = parse_unit("x = (\n", None, false);
        assert!(matches!(unit.status, UnitStatus::SyntaxError { .. }));
    }

    #[test]
    fn strings_with_call_context() {
        let f = facts(
            "df = pd.read_csv('/home/bob/x.csv')\ntext = Path('a.txt').read_text()\nwith open('o.txt', 'w') as fh: pass\n'''doc /home/x'''\n",
        );
        let s = &f.strings;
        assert_eq!(s[0].value, "/home/bob/x.csv");
        assert_eq!(s[0].call.as_ref().unwrap().callee, "pd.read_csv");
        assert_eq!(
            s[1].call.as_ref().unwrap().then_method.as_deref(),
            Some("read_text")
        );
        let open = s.iter().find(|s| s.value == "o.txt").unwrap();
        assert_eq!(open.call.as_ref().unwrap().mode.as_deref(), Some("w"));
        assert!(s.last().unwrap().docstring);
    }

    #[test]
    fn path_like_needs_keep_the_same_path_literals() {
        let code = "a = 'x'\nb = open('/home/u/f', 'w')\n'''doc /x'''\nc = f'{a}/b'\nd = f'C:\\\\{a}'\ne = g(k='/p', m=1)\nt = Path('/q').read_text()\n";
        let needs = Needs {
            names: false,
            strings: StringNeeds::PathLike,
            status: false,
            imports: false,
            calls: false,
        };
        let all = parse_unit(code, Some(0), true).facts.strings;
        let some = parse_unit_with(code, Some(0), true, needs).facts.strings;
        let pick = |v: &[StrLit]| -> Vec<(String, TextRange, Option<CallSite>)> {
            v.iter()
                .filter(|s| !s.docstring && s.value.contains(['/', '\\']))
                .map(|s| (s.value.clone(), s.range, s.call.clone()))
                .collect()
        };
        assert_eq!(pick(&some), pick(&all));
        assert_eq!(some.len(), 4, "{some:?}");
        assert!(some.iter().any(|s| {
            s.call
                .as_ref()
                .is_some_and(|c| c.then_method.as_deref() == Some("read_text"))
        }));
        assert!(!needs.must_parse("x = 1\nprint(x)"));
        assert!(needs.must_parse("x = '\\x2f'"));
    }

    #[test]
    fn imports() {
        let f = facts(
            "import os.path, numpy as np\nfrom sklearn.model_selection import x\nfrom . import y\nfrom __future__ import annotations\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\nm = importlib.import_module('torch')\n",
        );
        let mods: Vec<(&str, bool, bool, bool)> = f
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.optional, i.dynamic, i.relative))
            .collect();
        assert_eq!(
            mods,
            [
                ("os.path", false, false, false),
                ("numpy", false, false, false),
                ("sklearn.model_selection", false, false, false),
                ("", false, false, true),
                ("ujson", true, false, false),
                ("torch", false, true, false),
            ]
        );
    }
}
