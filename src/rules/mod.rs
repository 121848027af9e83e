//! Rules, grouped by domain. Each rule lives in a file of its own (its docs, its
//! [`RuleMeta`], its check function); each domain's `mod.rs` lists them once, in a dispatch
//! table `CHECKS` of [`Check`] rows run in order, and derives its `RULES` from that table
//! ([`rules_of`]). Adding a rule is a new file plus one row. This module gathers the
//! domains ([`DOMAINS`]) and looks rules up by code, prefix or name ([`all_rules`],
//! [`rule`], [`select`]); `crate::registry` holds only the types and names no rule.

/// One row of a domain's dispatch table ([`Check`]): `check![NB001 => module::check]`, a
/// shared pass `check![A, B => pass]`, or `check![MLC001]` for rules reported outside the
/// table.
macro_rules! check {
    ($($rule:path),+ => $run:path) => {
        $crate::rules::Check {
            rules: &[$(&$rule),+],
            run: Some($run),
        }
    };
    ($($rule:path),+) => {
        $crate::rules::Check {
            rules: &[$(&$rule),+],
            run: None,
        }
    };
}

pub mod meta;
pub mod notebook;
pub mod paths;
pub mod project;
pub mod python;
pub mod repro;
pub mod secrets;

use std::sync::{Arc, OnceLock};

use crate::diagnostic::Diagnostic;
use crate::registry::RuleMeta;
use crate::settings::Settings;
use crate::source::SourceFile;

/// Every domain's rule list; [`all_rules`] flattens and sorts them.
pub const DOMAINS: &[&[&RuleMeta]] = &[
    meta::RULES,
    notebook::RULES,
    secrets::RULES,
    python::RULES,
    paths::RULES,
    project::RULES,
    repro::RULES,
];

/// One row of a domain's dispatch table: the rules a pass reports, and the pass. `F` is the
/// domain's signature (`fn(&mut FileChecker<'_>)` for most file domains, the project
/// domain's `fn(&mut project::Context<'_>)`).
///
/// A row usually names one rule. A row may name several when one pass fills them all (one
/// secret scan for `SEC001`/`SEC002`, one name resolution for `NB010`/`NB011`): the pass then
/// runs once when any of them is enabled and checks each rule itself before reporting it.
pub struct Check<F> {
    /// The rules this pass reports; it runs when any of them is enabled.
    pub rules: &'static [&'static RuleMeta],
    /// The pass, or `None` for rules reported outside the table (by the stage the table's
    /// doc names): they are listed here so that the domain's `RULES` holds them. (Rows are
    /// written with `check![…]`, a struct literal: a `const fn` call would not let the
    /// `&[&RULE]` slices live in the constant.)
    pub run: Option<F>,
}

/// How many rules a table names (the length of [`rules_of`]'s array).
pub const fn rule_count<F>(checks: &[Check<F>]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < checks.len() {
        n += checks[i].rules.len();
        i += 1;
    }
    n
}

/// Every rule a table names, in table order: a domain's `RULES`, written
/// `&rules_of::<_, { rule_count(CHECKS) }>(CHECKS)`.
pub const fn rules_of<F, const N: usize>(checks: &[Check<F>]) -> [&'static RuleMeta; N] {
    assert!(
        N > 0 && rule_count(checks) == N,
        "N must be rule_count(checks)"
    );
    let mut out = [checks[0].rules[0]; N];
    let (mut i, mut k) = (0, 0);
    while i < checks.len() {
        let mut j = 0;
        while j < checks[i].rules.len() {
            out[k] = checks[i].rules[j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// Every rule, sorted by code.
pub fn all_rules() -> &'static [&'static RuleMeta] {
    static RULES: OnceLock<Vec<&'static RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<&'static RuleMeta> =
            DOMAINS.iter().flat_map(|d| d.iter().copied()).collect();
        rules.sort_by(|a, b| code_order(a.code).cmp(&code_order(b.code)));
        rules
    })
}

/// Sort `NB2` before `NB10`: prefix, then number.
fn code_order(code: &str) -> (&str, u32) {
    let split = code
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(code.len());
    (&code[..split], code[split..].parse().unwrap_or(0))
}

/// A rule by exact code or name (case-insensitive code).
pub fn rule(code_or_name: &str) -> Option<&'static RuleMeta> {
    all_rules()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The rules a selector names: `ALL`, a code, a code prefix (`NB`, `NB00`) or a name.
/// `None` when it names nothing.
pub fn select(selector: &str) -> Option<Vec<&'static RuleMeta>> {
    let sel = selector.trim();
    if sel.eq_ignore_ascii_case("ALL") {
        return Some(all_rules().to_vec());
    }
    if let Some(r) = all_rules().iter().find(|r| r.name == sel) {
        return Some(vec![r]);
    }
    let upper = sel.to_ascii_uppercase();
    let found: Vec<_> = all_rules()
        .iter()
        .copied()
        .filter(|r| r.code.starts_with(&upper))
        .collect();
    (!found.is_empty()).then_some(found)
}

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

    /// Run, in order, the rows of a domain's table of which a rule is enabled.
    pub fn run(&mut self, checks: &[Check<FileCheck>]) {
        for check in checks {
            if let Some(run) = check.run
                && self.any_enabled(check.rules)
            {
                run(self);
            }
        }
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// The signature of a file-level pass.
pub type FileCheck = fn(&mut FileChecker<'_>);

/// The file-level domains, in the order they run on each file (the order of findings).
const FILE_DOMAINS: &[FileCheck] = &[
    meta::check,
    notebook::check,
    python::check,
    paths::check,
    secrets::check,
    repro::check,
];

/// Run every file-level rule on one file.
pub fn check_file(checker: &mut FileChecker<'_>) {
    for check in FILE_DOMAINS {
        check(checker);
    }
}
