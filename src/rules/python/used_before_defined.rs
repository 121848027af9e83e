//! `NB010 used-before-defined` (the analysis lives in `names.rs`).

crate::declare_rule! {
    /// ## What it does
    /// Reports a name read in a notebook cell whose only definitions are in *later* cells.
    ///
    /// ## Why is this bad?
    /// The notebook only worked because its cells were run out of order, and the saved
    /// file hides that: "Restart & Run All" (or `nbconvert --execute`, or papermill in
    /// CI) stops with a `NameError` at this cell. Reads inside a function count at the
    /// cell that calls the function.
    ///
    /// The rule stays quiet when it cannot be sure: names from `from x import *`,
    /// `%run`, `%store -r`, `exec`, names declared `global` in a function, reads guarded
    /// by `try: … except NameError` or `if "x" in globals()`, `if TYPE_CHECKING:`
    /// blocks, builtins and IPython's own names (`In`, `Out`, `display`, `_1` …).
    ///
    /// ## Example
    /// ```python
    /// # cell 1
    /// model.fit(X, y)
    /// # cell 2
    /// model = LogisticRegression()
    /// ```
    ///
    /// ## How to fix
    /// Move the defining cell above the first cell that reads the name, then restart the
    /// kernel and run all cells to confirm the notebook runs top to bottom.
    pub static USED_BEFORE_DEFINED = {
        code: "NB010",
        name: "used-before-defined",
        domain: Notebook,
        severity: Error,
        default: true,
        fix: None,
        summary: "A name read in a cell but defined only in a later cell",
    }
}
