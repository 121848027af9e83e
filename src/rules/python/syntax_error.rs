//! `PY000 syntax-error`.

use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::SourceKind;
use crate::source::python::UnitStatus;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `.py` file, or a notebook code cell, that Python cannot parse.
    ///
    /// ## Why is this bad?
    /// The code cannot run, and mlcheck's other Python rules skip what they cannot read:
    /// a broken cell is a blind spot for them too. Notebook cells are parsed in IPython
    /// mode (`%magic` and `!shell` lines are fine); cells run by a non-Python cell magic
    /// (`%%bash`, `%%writefile` …) are not parsed at all.
    ///
    /// ## Example
    /// ```python
    /// print("unclosed"
    /// ```
    ///
    /// ## How to fix
    /// Fix the syntax, or delete the code.
    ///
    /// A `.py` file inside a project template's folder (a path component holding a Jinja
    /// placeholder such as `{{ cookiecutter.repo_name }}`, as cookiecutter and copier
    /// templates have) is a template to be rendered, not Python, and is not reported.
    ///
    /// ## Options
    /// Selected by default for `.py` files. For notebooks, set
    /// `[python] notebook-syntax-errors = true`.
    pub static SYNTAX_ERROR = {
        code: "PY000",
        name: "syntax-error",
        domain: Python,
        severity: Error,
        default: true,
        fix: None,
        summary: "Python code that does not parse",
    }
}

pub fn check(checker: &mut FileChecker<'_>) {
    if !checker.enabled(&SYNTAX_ERROR) {
        return;
    }
    if checker.file.kind == SourceKind::Notebook && !checker.settings.python.notebook_syntax_errors
    {
        return;
    }
    if is_template_path(&checker.file.path) {
        return;
    }
    let parsed = checker.python();
    for unit in &parsed.units {
        if let UnitStatus::SyntaxError { message, range } = &unit.status {
            let raw = parsed.to_raw(checker.file, unit, *range);
            let d = Diagnostic::new(
                &SYNTAX_ERROR,
                checker.file,
                raw,
                format!("syntax error: {}", message.trim_end_matches('.')),
            )
            .with_help("Fix the syntax so the code can run");
            checker.push(d);
        }
    }
}

/// A file under a project template's folder: a path component with a Jinja placeholder
/// (`{{ cookiecutter.repo_name }}`, `{% if … %}`), as cookiecutter and copier lay them out.
fn is_template_path(path: &std::path::Path) -> bool {
    path.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        (c.contains("{{") && c.contains("}}")) || (c.contains("{%") && c.contains("%}"))
    })
}
