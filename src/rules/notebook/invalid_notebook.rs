use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::TextRange;

declare_rule! {
    /// ## What it does
    /// Flags `.ipynb` files that are not readable notebooks: not JSON (with the position of
    /// the problem), an unresolved git merge conflict, JSON that is not a notebook (an
    /// array, `{}`), an nbformat other than 3 or 4, or a cell without `cell_type` or
    /// `source`.
    ///
    /// ## Why is this bad?
    /// Jupyter cannot open the file, `nbconvert` and `papermill` cannot run it, and every
    /// other check is blind to it. A merge conflict committed into a notebook is the most
    /// common cause: git merges the JSON text line by line.
    ///
    /// ## Example
    /// ```text
    /// {
    /// <<<<<<< HEAD
    ///  "cells": [ … ],
    /// =======
    ///  "cells": [ … ],
    /// >>>>>>> feature
    /// ```
    ///
    /// ## How to fix
    /// Resolve the conflict with a notebook-aware tool (`nbdime mergetool`), or restore the
    /// file from git (`git checkout -- train.ipynb`) and redo the change.
    pub static NB000 = {
        code: "NB000",
        name: "invalid-notebook",
        domain: Notebook,
        severity: Error,
        default: true,
        fix: None,
        summary: "The file is not a readable notebook",
    }
}

pub(super) fn check(checker: &mut FileChecker<'_>) {
    let Some(err) = checker.file.notebook_error.as_ref() else {
        return;
    };
    let text = &checker.file.text;
    let start = crate::source::span::floor_char_boundary(text, err.offset);
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    let help = if err.message.contains("merge conflict") {
        "Resolve the conflict (`nbdime mergetool` understands notebooks) or restore the file from git"
    } else if err.message.contains("truncated") {
        "Restore the file from git or re-save it from Jupyter: it was cut short"
    } else {
        "Re-save the notebook from Jupyter, or restore it from git"
    };
    checker.push(
        Diagnostic::new(
            &NB000,
            checker.file,
            TextRange::new(start, end),
            format!("invalid notebook: {}", err.message),
        )
        .with_help(help),
    );
}
