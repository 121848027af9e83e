use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;

use super::{Ctx, cell_list};

/// nbstripout 0.9.1's default strip list (reference §2, step 2), notebook then cell keys.
pub(crate) const NOTEBOOK_KEYS: &[&str] = &["signature", "widgets"];
pub(crate) const CELL_KEYS: &[&str] = &[
    "collapsed",
    "ExecuteTime",
    "execution",
    "heading_collapsed",
    "hidden",
    "scrolled",
];

declare_rule! {
    /// ## What it does
    /// Flags the metadata that nbstripout strips by default: the notebook's `signature` and
    /// `widgets`, and cells' `collapsed`, `ExecuteTime`, `execution`, `heading_collapsed`,
    /// `hidden` and `scrolled`.
    ///
    /// ## Why is this bad?
    /// These keys record UI state and timings of one session: they change whenever someone
    /// opens or re-runs the notebook, so they turn into diff noise and merge conflicts
    /// (`widgets` can also hold megabytes of widget state).
    ///
    /// ## Example
    /// `"metadata": {"ExecuteTime": {"end_time": "2024-03-01T10:12:09.134Z", …}}`
    ///
    /// ## How to fix
    /// Run `mlcheck fix --strip-outputs` (add `--keep-metadata-keys` for keys the team wants
    /// to keep), or install the git filter with `mlcheck install`.
    pub static NB007 = {
        code: "NB007",
        name: "volatile-metadata",
        domain: Notebook,
        severity: Warning,
        default: true,
        fix: StripOutputs,
        summary: "Volatile metadata (timings, UI state, widget state) is committed",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>, ctx: &Ctx<'_>) {
    let mut keys: Vec<&str> = Vec::new();
    let mut cells = Vec::new();
    let mut first = None;
    if let Some(meta) = ctx.nb.notebook_metadata(ctx.text) {
        for key in NOTEBOOK_KEYS {
            if let Some(m) = meta.member(ctx.text, key) {
                keys.push(key);
                first = Some(first.map_or(m.key, |f: crate::source::TextRange| f.min(m.key)));
            }
        }
    }
    for cell in &ctx.nb.cells {
        let Some(meta) = cell.metadata.as_ref() else {
            continue;
        };
        let mut hit = false;
        for key in CELL_KEYS {
            if let Some(m) = meta.member(ctx.text, key) {
                if !keys.contains(key) {
                    keys.push(key);
                }
                first = Some(first.map_or(m.key, |f: crate::source::TextRange| f.min(m.key)));
                hit = true;
            }
        }
        if hit {
            cells.push(cell.number);
        }
    }
    let Some(first) = first else {
        return;
    };
    let list = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let place = if cells.is_empty() {
        "in the notebook metadata".to_string()
    } else {
        format!("in {}", cell_list(&cells))
    };
    checker.push(
        Diagnostic::new(
            &super::NB007,
            checker.file,
            first,
            format!("volatile metadata {list} committed {place}"),
        )
        .with_help("Strip it with `mlcheck fix --strip-outputs`")
        .with_property("keys", keys),
    );
}
