//! What a parse records: [`Facts`] per unit (a notebook cell or a `.py` file), free of
//! `ruff_*` types, and [`Needs`], what the enabled rules ask the walk to collect.

use super::{FxHashSet, Ident};
use crate::source::TextRange;

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
    pub calls_info: super::calls::CallFacts,
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
    pub(super) loads: Vec<(NameRef, bool)>,
    pub(super) binds: FxHashSet<Ident>,
    pub(super) globals: FxHashSet<Ident>,
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
    pub(super) fn must_parse(&self, text: &str) -> bool {
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
