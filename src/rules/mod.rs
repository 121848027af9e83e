//! Rules, grouped by domain. Each domain module exports `RULES` (its metadata) and the
//! check functions the pipeline calls; each rule lives in a file of its own with its docs.

pub mod meta;
pub mod notebook;
pub mod paths;
pub mod project;
pub mod python;
pub mod repro;
pub mod secrets;

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::registry::RuleMeta;
use crate::settings::Settings;
use crate::source::SourceFile;

/// Every domain's rule list; `registry::all_rules` flattens and sorts them.
pub const DOMAINS: &[&[&RuleMeta]] = &[
    meta::RULES,
    notebook::RULES,
    secrets::RULES,
    python::RULES,
    paths::RULES,
    project::RULES,
    repro::RULES,
];

/// What a rule sees of one file, and where it puts its findings.
pub struct FileChecker<'a> {
    pub file: &'a Arc<SourceFile>,
    pub settings: &'a Settings,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's Python, parsed on first use and shared by every rule that reads code.
    python: std::cell::OnceCell<Arc<crate::source::python::ParsedFile>>,
    /// Whether that parse also collects imports (for the project stage, which then reads
    /// them from it instead of parsing the file a second time).
    pub(crate) with_imports: bool,
}

impl<'a> FileChecker<'a> {
    pub fn new(file: &'a Arc<SourceFile>, settings: &'a Settings) -> Self {
        Self {
            file,
            settings,
            diagnostics: Vec::new(),
            python: std::cell::OnceCell::new(),
            with_imports: false,
        }
    }

    /// The file's parsed Python (cells of a notebook, or a `.py` file), parsed once on the
    /// first call; empty for other kinds of file. Holds only what the enabled rules read
    /// (`python::needs`).
    pub fn python(&self) -> Arc<crate::source::python::ParsedFile> {
        Arc::clone(self.python.get_or_init(|| {
            let mut needs = python::needs(self.settings, self.file.kind);
            needs.imports |= self.with_imports;
            Arc::new(crate::source::python::ParsedFile::parse_with(
                self.file, needs,
            ))
        }))
    }

    /// The parse [`FileChecker::python`] made, if a rule asked for it.
    pub fn parsed(&self) -> Option<&Arc<crate::source::python::ParsedFile>> {
        self.python.get()
    }

    pub fn enabled(&self, rule: &RuleMeta) -> bool {
        self.settings.enabled(rule)
    }

    pub fn any_enabled(&self, rules: &[&RuleMeta]) -> bool {
        rules.iter().any(|r| self.enabled(r))
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// Run every file-level rule on one file.
pub fn check_file(checker: &mut FileChecker<'_>) {
    meta::check(checker);
    notebook::check(checker);
    python::check(checker);
    paths::check(checker);
    secrets::check(checker);
    repro::check(checker);
}
