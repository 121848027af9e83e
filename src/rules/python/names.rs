//! The name analysis behind `NB010` and `NB011`: replay the notebook's cells in order, as
//! "Restart & Run All" does, with what each cell binds and reads at module level.
//!
//! Deliberately flow-insensitive inside a cell (a name bound anywhere in a cell counts as
//! bound for the whole cell: loops and branches make textual order unreliable) and quiet
//! whenever a cell is opaque (see `Facts::dynamic` and `Facts::unsure`). Precision over
//! recall: a report must be a real `NameError` on a fresh kernel.

use super::{UNDEFINED_NAME, USED_BEFORE_DEFINED};
use crate::diagnostic::{Diagnostic, Label};
use crate::rules::FileChecker;
use crate::source::TextRange;
use crate::source::python::{Function, FxHashMap, FxHashSet, ParsedFile, Unit};

/// Python 3.8–3.14 builtins (the union of `dir(builtins)`).
const BUILTINS: &[&str] = &[
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "False",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "None",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "PythonFinalizationError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "True",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "WindowsError",
    "ZeroDivisionError",
    "_IncompleteInputError",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

/// Names IPython and notebook platforms put in the user namespace.
const INJECTED: &[&str] = &[
    "In",
    "Out",
    "get_ipython",
    "display",
    "exit",
    "quit",
    "_",
    "__",
    "___",
    "_i",
    "_ii",
    "_iii",
    "_ih",
    "_oh",
    "_dh",
    "_sh",
    "_exit_code",
    // Databricks, Synapse, Fabric, Zeppelin-style kernels.
    "spark",
    "sc",
    "sqlContext",
    "sqlCtx",
    "dbutils",
    "displayHTML",
    "getArgument",
    "mssparkutils",
    "notebookutils",
    "z",
];

fn is_known(name: &str) -> bool {
    if name.starts_with("__") && name.ends_with("__") {
        return true;
    }
    // `_1`, `_i3` …: IPython's numbered output and input history.
    let history = name
        .strip_prefix("_i")
        .or_else(|| name.strip_prefix('_'))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    history || known_names().contains(name)
}

/// `BUILTINS` and `INJECTED` in one set, built once.
fn known_names() -> &'static FxHashSet<&'static str> {
    static KNOWN: std::sync::OnceLock<FxHashSet<&'static str>> = std::sync::OnceLock::new();
    KNOWN.get_or_init(|| BUILTINS.iter().chain(INJECTED).copied().collect())
}

/// A definition: which unit (index into `parsed.units`) and where.
#[derive(Clone, Copy)]
struct Def {
    unit: usize,
    range: TextRange,
}

pub fn check(checker: &mut FileChecker<'_>) {
    if checker.file.kind != crate::source::SourceKind::Notebook {
        return;
    }
    let parsed = checker.python();
    if parsed.dynamic_reason().is_some() {
        return;
    }
    // Cells tagged `raises-exception` are meant to fail (Jupyter Book, nbsphinx).
    let expected_errors: FxHashSet<usize> = parsed
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| {
            u.cell
                .and_then(|i| checker.file.notebook.as_ref()?.cells.get(i))
                .is_some_and(|c| c.has_tag("raises-exception"))
        })
        .map(|(i, _)| i)
        .collect();
    let findings = analyze(&parsed, &expected_errors, checker.enabled(&UNDEFINED_NAME));
    for f in findings {
        match f {
            Finding::Later {
                unit,
                read,
                name,
                def,
                via,
            } => {
                if !checker.enabled(&USED_BEFORE_DEFINED) {
                    continue;
                }
                let file = checker.file;
                let u = &parsed.units[unit];
                let du = &parsed.units[def.unit];
                let cell = cell_number(checker, u);
                let def_cell = cell_number(checker, du);
                let message = match &via {
                    None => format!(
                        "`{name}` is used in cell {cell} but first defined in cell {def_cell}"
                    ),
                    Some((func, _, _)) => format!(
                        "`{func}()` is called in cell {cell} and reads `{name}`, first defined in cell {def_cell}"
                    ),
                };
                let mut d = Diagnostic::new(
                    &USED_BEFORE_DEFINED,
                    file,
                    parsed.to_raw(file, u, read),
                    message,
                )
                .with_help(format!(
                    "Move the definition of `{name}` above cell {cell}, then restart the kernel and run all cells"
                ))
                .with_property("name", name.clone());
                if let Some((_, fu, fr)) = via {
                    d = d.with_label(
                        Label::new(file, parsed.to_raw(file, &parsed.units[fu], fr))
                            .with_message(format!("`{name}` read here")),
                    );
                }
                d = d.with_label(
                    Label::new(file, parsed.to_raw(file, du, def.range))
                        .with_message("defined later here"),
                );
                checker.push(d);
            }
            Finding::Nowhere { unit, read, name } => {
                if !checker.enabled(&UNDEFINED_NAME) {
                    continue;
                }
                let file = checker.file;
                let u = &parsed.units[unit];
                let d = Diagnostic::new(
                    &UNDEFINED_NAME,
                    file,
                    parsed.to_raw(file, u, read),
                    format!("`{name}` is not defined in any cell"),
                )
                .with_help(format!(
                    "Define `{name}` in an earlier cell, or fix the name"
                ))
                .with_property("name", name);
                checker.push(d);
            }
        }
    }
}

fn cell_number(checker: &FileChecker<'_>, unit: &Unit) -> usize {
    match (unit.cell, &checker.file.notebook) {
        (Some(i), Some(nb)) => nb.cells.get(i).map_or(i + 1, |c| c.number),
        _ => 1,
    }
}

enum Finding {
    /// Read in `unit` at `read`, first defined later at `def`; `via` = (function, unit and
    /// range of the read inside the function) for reads through a call.
    Later {
        unit: usize,
        read: TextRange,
        name: String,
        def: Def,
        via: Option<(String, usize, TextRange)>,
    },
    Nowhere {
        unit: usize,
        read: TextRange,
        name: String,
    },
}

/// `undefined`: also look for function bodies reading names defined nowhere (NB011 only;
/// module-level `Nowhere` findings come for free and are filtered by the caller).
fn analyze(
    parsed: &ParsedFile,
    expected_errors: &FxHashSet<usize>,
    undefined: bool,
) -> Vec<Finding> {
    let units = &parsed.units;
    let mut unsure: FxHashSet<&str> = FxHashSet::default();
    let mut defs: FxHashMap<&str, Vec<Def>> = FxHashMap::default();
    // Functions by (unit, name range), to resolve a call to the `def` it reaches.
    let mut functions: FxHashMap<(usize, TextRange), (usize, &Function)> = FxHashMap::default();
    for (ui, unit) in units.iter().enumerate() {
        unsure.extend(unit.facts.unsure.iter().map(|n| n.as_str()));
        for d in &unit.facts.defs {
            defs.entry(d.name.as_str()).or_default().push(Def {
                unit: ui,
                range: d.range,
            });
        }
        for f in &unit.facts.functions {
            functions.insert((ui, f.range), (ui, f));
        }
    }
    let skip = |name: &str| is_known(name) || unsure.contains(name);

    let mut out = Vec::new();
    let mut reported: FxHashSet<&str> = FxHashSet::default();
    let mut defined: FxHashSet<&str> = FxHashSet::default();
    for (ui, unit) in units.iter().enumerate() {
        let here: FxHashSet<&str> = unit.facts.defs.iter().map(|d| d.name.as_str()).collect();
        if expected_errors.contains(&ui) {
            defined.extend(here.iter().copied());
            continue;
        }
        let later_def =
            |name: &str| -> Option<Def> { defs.get(name)?.iter().copied().find(|d| d.unit > ui) };
        for read in &unit.facts.reads {
            let name = read.name.as_str();
            if defined.contains(name) || here.contains(name) || skip(name) {
                continue;
            }
            if !reported.insert(name) {
                continue;
            }
            match later_def(name) {
                Some(def) => out.push(Finding::Later {
                    unit: ui,
                    read: read.range,
                    name: name.to_string(),
                    def,
                    via: None,
                }),
                None if !defs.contains_key(name) => out.push(Finding::Nowhere {
                    unit: ui,
                    read: read.range,
                    name: name.to_string(),
                }),
                None => {}
            }
        }
        // Calls run the function's body now: its reads must be defined by now.
        for call in &unit.facts.calls {
            let at = (ui, call.range.start);
            let Some((fu, func)) = resolve(&defs, &functions, &call.name, at) else {
                continue;
            };
            let mut seen: FxHashSet<(usize, TextRange)> = FxHashSet::default();
            let mut stack = vec![(fu, func)];
            while let Some((fu, f)) = stack.pop() {
                if !seen.insert((fu, f.range)) {
                    continue;
                }
                for r in &f.free_reads {
                    let name = r.name.as_str();
                    if defined.contains(name) || here.contains(name) || skip(name) {
                        continue;
                    }
                    if let Some(def) = later_def(name)
                        && reported.insert(name)
                    {
                        out.push(Finding::Later {
                            unit: ui,
                            read: call.range,
                            name: name.to_string(),
                            def,
                            via: Some((call.name.to_string(), fu, r.range)),
                        });
                    }
                }
                for callee in &f.calls {
                    if let Some(next) = resolve(&defs, &functions, callee, at) {
                        stack.push(next);
                    }
                }
            }
        }
        defined.extend(here.iter().copied());
        for del in &unit.facts.dels {
            let rebound = unit
                .facts
                .defs
                .iter()
                .any(|d| d.name == del.name && d.range.start > del.range.start);
            if !rebound {
                defined.remove(del.name.as_str());
            }
        }
    }
    // Function bodies that read names defined nowhere (NB011 only).
    let function_units = if undefined { units.as_slice() } else { &[] };
    for (ui, unit) in function_units.iter().enumerate() {
        for f in &unit.facts.functions {
            for r in f.free_reads.iter().chain(&f.conditional_reads) {
                let name = r.name.as_str();
                if defs.contains_key(name) || skip(name) || !reported.insert(name) {
                    continue;
                }
                out.push(Finding::Nowhere {
                    unit: ui,
                    read: r.range,
                    name: name.to_string(),
                });
            }
        }
    }
    out
}

/// The function a call of `name` at `(unit, offset)` reaches: the latest binding of the
/// name before that point, when that binding is a module-level `def`.
fn resolve<'p>(
    defs: &FxHashMap<&str, Vec<Def>>,
    functions: &FxHashMap<(usize, TextRange), (usize, &'p Function)>,
    name: &str,
    at: (usize, u32),
) -> Option<(usize, &'p Function)> {
    let last = defs
        .get(name)?
        .iter()
        .rfind(|d| d.unit < at.0 || (d.unit == at.0 && d.range.start < at.1))?;
    functions.get(&(last.unit, last.range)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::python::parse_unit;

    fn run(cells: &[&str]) -> Vec<(String, usize, bool)> {
        let parsed = ParsedFile {
            units: cells
                .iter()
                .enumerate()
                .map(|(i, c)| parse_unit(c, Some(i), true))
                .collect(),
            python: true,
            needs: Default::default(),
        };
        if parsed.dynamic_reason().is_some() {
            return Vec::new();
        }
        analyze(&parsed, &FxHashSet::default(), true)
            .into_iter()
            .map(|f| match f {
                Finding::Later { unit, name, .. } => (name, unit + 1, true),
                Finding::Nowhere { unit, name, .. } => (name, unit + 1, false),
            })
            .collect()
    }

    fn later(name: &str, cell: usize) -> (String, usize, bool) {
        (name.to_string(), cell, true)
    }

    #[test]
    fn read_before_later_definition() {
        assert_eq!(
            run(&["import numpy as np", "y = np.f(x)", "x = 1"]),
            [later("x", 2)]
        );
    }

    #[test]
    fn redefinition_in_later_cell_is_fine() {
        assert!(run(&["x = 1", "print(x)", "z = 2", "w = 3", "x = 5"]).is_empty());
    }

    #[test]
    fn function_defined_early_called_late_is_fine() {
        assert!(run(&["def f():\n    return g + 1", "g = 2", "f()"]).is_empty());
    }

    #[test]
    fn function_called_before_its_global_exists() {
        assert_eq!(
            run(&["def f():\n    return g + 1", "f()", "g = 2"]),
            [later("g", 2)]
        );
        // Through a second function.
        assert_eq!(
            run(&[
                "def h():\n    return k\ndef f():\n    return h()",
                "f()",
                "k = 2"
            ]),
            [later("k", 2)]
        );
    }

    #[test]
    fn del_makes_a_name_undefined() {
        assert_eq!(
            run(&["x = 1", "del x", "print(x)", "x = 2"]),
            [later("x", 3)]
        );
        assert!(run(&["x = 1", "del x\nx = 3", "print(x)", "x = 2"]).is_empty());
        assert!(run(&["x = 1", "if x:\n    del x", "print(x)", "x = 2"]).is_empty());
    }

    #[test]
    fn comprehension_and_class_scopes() {
        assert!(run(&["a = [i for i in range(3)]", "i = 0"]).is_empty());
        assert_eq!(
            run(&["a = [i + j for i in range(3)]", "j = 0"]),
            [later("j", 1)]
        );
        assert!(run(&["class A:\n    t = 1\n    u = t + 1", "t = 0"]).is_empty());
        assert_eq!(run(&["class A:\n    u = t + 1", "t = 0"]), [later("t", 1)]);
        // Methods run later: not reported.
        assert!(
            run(&[
                "class A:\n    def m(self):\n        return t",
                "A().m()",
                "t = 0"
            ])
            .is_empty()
        );
        // Walrus in a comprehension binds at module level.
        assert!(run(&["[(y := i) for i in range(3)]\nprint(y)"]).is_empty());
    }

    #[test]
    fn guards_and_type_checking() {
        assert!(run(&["try:\n    x\nexcept NameError:\n    pass", "x = 1"]).is_empty());
        assert!(run(&["if 'x' in globals():\n    print(x)", "x = 1"]).is_empty());
        assert!(
            run(&[
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from m import T",
                "def f(a: T) -> T: pass",
                "T = 1"
            ])
            .is_empty()
        );
        assert!(run(&["def f():\n    global gg\n    gg = 1", "print(gg)", "gg = 2"]).is_empty());
    }

    #[test]
    fn opaque_notebooks_are_skipped() {
        assert!(run(&["from numpy import *", "print(x)", "x = 1"]).is_empty());
        assert!(run(&["%run setup.py", "print(x)", "x = 1"]).is_empty());
        assert!(run(&["exec('x = 1')", "print(x)", "x = 1"]).is_empty());
    }

    #[test]
    fn builtins_ipython_names_and_broken_cells() {
        assert!(run(&["print(len(In), Out, _1, _i2, display)", "display = 1"]).is_empty());
        assert!(run(&["print(x)", "x = (", "x = 1"]).is_empty());
        assert!(run(&["%%bash\necho $x", "x = 1"]).is_empty());
    }

    #[test]
    fn conditional_reads_are_not_certain() {
        assert!(run(&["flag = False", "if flag:\n    print(later)", "later = 1"]).is_empty());
        assert!(run(&["flag = False", "y = later if flag else 0", "later = 1"]).is_empty());
        assert!(run(&["flag = False", "y = flag and later", "later = 1"]).is_empty());
        assert!(
            run(&[
                "def f(flag):\n    if flag:\n        return later\n    return 0",
                "f(False)",
                "later = 1"
            ])
            .is_empty()
        );
        // A loop body counts: it runs for any non-empty iterable.
        assert_eq!(
            run(&["for i in range(3):\n    print(later)", "later = 1"]),
            [later("later", 1)]
        );
    }

    #[test]
    fn lazy_and_suppressed_reads() {
        assert!(run(&["g = (later for _ in range(3))", "later = 1\nprint(list(g))"]).is_empty());
        assert!(
            run(&[
                "from contextlib import suppress\nwith suppress(NameError):\n    print(later)",
                "later = 1"
            ])
            .is_empty()
        );
        assert!(run(&["n = 0\nwhile n:\n    print(later)", "later = 1"]).is_empty());
    }

    #[test]
    fn builtins_and_injected_names_are_known() {
        assert!(is_known("print") && is_known("ZeroDivisionError") && is_known("display"));
        assert!(!is_known("df"));
    }

    #[test]
    fn undefined_names() {
        assert_eq!(run(&["print(nope)"]), [("nope".to_string(), 1, false)]);
        assert_eq!(
            run(&["def f():\n    return nope2"]),
            [("nope2".to_string(), 1, false)]
        );
    }
}
