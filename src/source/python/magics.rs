//! IPython magics: a cell's leading `%%` magic (skip the cell, or blank its line and parse
//! the body as Python) and `%line` / `!shell` escapes met during the walk.

use ruff_python_ast::IpyEscapeKind;

use super::visitor::Collector;
use super::{Ident, NameRef, parse_unit_with};
use crate::source::TextRange;

/// Cell magics whose body is Python run in the kernel's namespace (ruff's list, plus a few).
const PYTHON_CELL_MAGICS: &[&str] = &[
    "time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy",
];

/// Line magics that bring names into the namespace mlcheck cannot see.
pub(super) const OPAQUE_LINE_MAGICS: &[&str] = &[
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

/// How a notebook cell's leading `%%` magic changes its parse.
pub(super) enum CellMagic {
    /// No cell magic: parse the text as it is.
    None,
    /// A magic that does not run Python (`%%bash`, `%%writefile` …): not parsed. `unsure`
    /// holds the words of its line (`%%R -o df` pushes `df` into Python).
    Skipped { magic: String, unsure: Vec<Ident> },
    /// A magic that runs its body as Python (`%%time` …): `source` is the text with the
    /// magic's line blanked (offsets stay put), `defs` what `%%capture var` binds, `unsure`
    /// the words of the line.
    Python {
        source: String,
        defs: Vec<NameRef>,
        unsure: Vec<Ident>,
    },
}

/// The cell magic that `text` (a notebook cell) starts with, if any.
pub(super) fn cell_magic(text: &str) -> CellMagic {
    let trimmed = text.trim_start();
    let Some(rest) = trimmed.strip_prefix("%%") else {
        return CellMagic::None;
    };
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let line = &rest[..line_end];
    let magic = line.split_whitespace().next().unwrap_or("").to_string();
    if !PYTHON_CELL_MAGICS.contains(&magic.as_str()) {
        return CellMagic::Skipped {
            magic,
            unsure: identifiers(line),
        };
    }
    let start = text.len() - trimmed.len();
    let end = start + 2 + line_end;
    let mut defs = Vec::new();
    if magic == "capture"
        && let Some(var) = line
            .split_whitespace()
            .skip(1)
            .find(|w| !w.starts_with('-'))
    {
        defs.push(NameRef {
            name: Ident::new(var),
            range: TextRange::new(start, end),
        });
    }
    let mut blanked = String::with_capacity(text.len());
    blanked.push_str(&text[..start]);
    blanked.extend(std::iter::repeat_n(' ', end - start));
    blanked.push_str(&text[end..]);
    CellMagic::Python {
        source: blanked,
        defs,
        unsure: identifiers(line),
    }
}

/// Every identifier-looking word of a text.
pub(super) fn identifiers(text: &str) -> Vec<Ident> {
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

impl Collector {
    pub(super) fn escape(&mut self, kind: IpyEscapeKind, value: &str, r: TextRange) {
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
}
