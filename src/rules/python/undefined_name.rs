//! `NB011 undefined-name` (the analysis lives in `names.rs`).

crate::declare_rule! {
    /// ## What it does
    /// Reports a name a notebook reads but defines in no cell at all (not selected by
    /// default).
    ///
    /// ## Why is this bad?
    /// The name came from a cell that was deleted, from a kernel that had something
    /// else loaded, or from a typo: a fresh kernel raises `NameError`. Builtins,
    /// IPython's injected names and the names notebook platforms inject (`spark`,
    /// `dbutils`, `display` …) are known; notebooks that use `from x import *`, `%run` or
    /// `%store -r` are skipped.
    ///
    /// ## Example
    /// ```python
    /// # cell 1 (the cell defining `df` was deleted)
    /// df.describe()
    /// ```
    ///
    /// ## How to fix
    /// Restore the definition in an earlier cell, or fix the name.
    pub static UNDEFINED_NAME = {
        code: "NB011",
        name: "undefined-name",
        domain: Notebook,
        severity: Warning,
        default: false,
        fix: None,
        summary: "A name a notebook reads but never defines",
    }
}
