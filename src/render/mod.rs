//! Renderers: turn sorted [`Diagnostic`]s into one of mlcheck's four output formats.
//!
//! - `human` (`human.rs`, the only module that knows miette): a code frame per finding,
//!   located `path:cell N:line:col` in a notebook cell and `path:line:col` elsewhere;
//! - `concise` (`concise.rs`): one line per finding, then the summary;
//! - `json` (`json.rs`): one array, raw-file positions plus cell coordinates;
//! - `sarif` (`sarif.rs`): SARIF 2.1.0, raw-file regions, `partialFingerprints`;
//! - `github` (`github.rs`): GitHub Actions workflow commands (`::error file=…::…`).
//!
//! Promises: every position is 1-based; raw-file columns count Unicode scalar values (SARIF's
//! `unicodeCodePoints`); end positions are exclusive (the character after the range), as
//! in SARIF. Output is byte-for-byte deterministic for the same input (no timestamps, no
//! absolute paths that were not given, no terminal-width dependence).

mod concise;
mod github;
mod human;
mod json;
mod sarif;

pub use github::step_summary;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Applicability, Diagnostic, Edit, FileError, Label, Severity};
use crate::registry::{FixAvailability, RuleMeta};
use crate::source::{CellLocation, CellPart, LineCol};

/// How findings are written: `--output-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Human,
    Concise,
    Json,
    Sarif,
    Github,
}

/// How to render. The caller decides `color` (a terminal, and neither `--no-color` nor
/// `NO_COLOR`); only the human format uses it.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub format: OutputFormat,
    pub color: bool,
    /// Print a count per rule instead of the findings (human, github: a table; json: an
    /// array of `{code, name, count}`; SARIF has no such form and ignores it).
    pub statistics: bool,
    /// Human format: no summary line.
    pub quiet: bool,
    /// The least severe finding that fails the run, named in the summary.
    pub fail_on: Severity,
    /// Running as a pre-commit hook (`PRE_COMMIT=1`): the summary names the strip hook.
    pub pre_commit: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            format: OutputFormat::Human,
            color: false,
            statistics: false,
            quiet: false,
            fail_on: Severity::Warning,
            pre_commit: false,
        }
    }
}

/// Write `diagnostics` (already sorted by [`Diagnostic::sort_key`]) to `out`: resolves
/// each against its file ([`Finding::resolve`]) and renders the findings.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    errors: &[FileError],
    opts: &RenderOptions,
) -> std::io::Result<()> {
    let resolver = Resolver::new(opts);
    let findings: Vec<Finding> = diagnostics.iter().map(|d| resolver.resolve(d)).collect();
    render_findings(out, &findings, errors, opts)
}

/// Write resolved `findings` (sorted by [`Finding::sort_key`]) to `out`.
///
/// `errors` are files that could not be checked. The human format leaves them to the
/// caller (stderr) and only counts them in the summary; SARIF records them as tool
/// notifications with `executionSuccessful: false`; GitHub emits one `::error` each; JSON
/// keeps its single array of findings and leaves them out.
pub fn render_findings(
    out: &mut dyn Write,
    findings: &[Finding],
    errors: &[FileError],
    opts: &RenderOptions,
) -> std::io::Result<()> {
    if opts.format == OutputFormat::Sarif {
        return sarif::render(out, findings, errors);
    }
    let mut report = Report::new(out, opts);
    for f in findings {
        report.write(f);
    }
    report.finish(errors).1
}

/// A report written as findings arrive ([`Report::emit`], a file's findings at a time, in
/// output order), so a run never holds more than one file's findings: only a [`Tally`] is
/// kept for the summary, the statistics and the exit status. SARIF, one JSON document whose
/// rule table comes before the results, is the exception: its findings are kept until
/// [`Report::finish`], and written sorted by path and position.
pub struct Report<'w> {
    out: &'w mut dyn Write,
    opts: RenderOptions,
    tally: Tally,
    /// SARIF only: the findings, written at the end.
    held: Vec<Finding>,
    /// The first write error: nothing more is written after it (a closed pipe).
    error: Option<std::io::Error>,
}

impl<'w> Report<'w> {
    pub fn new(out: &'w mut dyn Write, opts: &RenderOptions) -> Self {
        Self {
            out,
            opts: *opts,
            tally: Tally::new(opts),
            held: Vec::new(),
            error: None,
        }
    }

    /// Count and write findings, in output order.
    pub fn emit(&mut self, findings: Vec<Finding>) {
        if self.opts.format == OutputFormat::Sarif {
            for f in &findings {
                self.tally.add(f);
            }
            self.held.extend(findings);
        } else {
            for f in &findings {
                self.write(f);
            }
        }
    }

    /// What was counted so far.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    fn write(&mut self, f: &Finding) {
        let first = self.tally.is_empty();
        self.tally.add(f);
        if self.error.is_some() || self.opts.statistics {
            return;
        }
        let out = &mut *self.out;
        let written = match self.opts.format {
            OutputFormat::Human => human::write(out, f),
            OutputFormat::Concise => concise::write(out, f),
            OutputFormat::Json => json::write(out, f, first),
            OutputFormat::Github => github::write(out, f),
            OutputFormat::Sarif => Ok(()),
        };
        if let Err(e) = written {
            self.error = Some(e);
        }
    }

    /// Write what comes after the findings (the summary, the statistics, SARIF's whole
    /// log); returns the tally and the first write error, if any.
    pub fn finish(self, errors: &[FileError]) -> (Tally, std::io::Result<()>) {
        let Self {
            out,
            opts,
            tally,
            held,
            error,
        } = self;
        if let Some(e) = error {
            return (tally, Err(e));
        }
        let done = match opts.format {
            OutputFormat::Human => human::finish(out, &tally, errors, &opts),
            OutputFormat::Concise => concise::finish(out, &tally, errors, &opts),
            OutputFormat::Json => json::finish(out, &tally, &opts),
            OutputFormat::Sarif => {
                // Held anyway: in path order, as a sorted run writes it.
                let mut held = held;
                held.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                sarif::render(out, &held, errors)
            }
            OutputFormat::Github => github::finish(out, &tally, errors, &opts),
        };
        (tally, done)
    }
}

/// A diagnostic resolved against its file for output: every position, the fingerprint and
/// (for the human format) the code frames are computed while the file is loaded, so the
/// pipeline can drop each file's text and tree as soon as the file is checked, and the
/// costly part of rendering runs in parallel with the checks.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub primary: Located,
    pub secondary: Vec<Located>,
    /// The published fingerprint ([`Diagnostic::fingerprint`]).
    pub fingerprint: String,
    /// Whether `mlcheck fix` can repair it.
    pub fixable: bool,
    /// The edits of a safe or unsafe fix (raw byte ranges of the primary file).
    pub edits: Vec<Edit>,
    pub properties: BTreeMap<String, serde_json::Value>,
    /// The human report (message, code frames, help), when resolved for that format.
    pub report: Option<String>,
    /// The primary label's raw byte range, for ordering.
    start: u32,
    end: u32,
}

/// A resolved label: where it is, and its text.
#[derive(Clone, Debug)]
pub struct Located {
    pub file: PathBuf,
    pub position: Position,
    pub message: Option<String>,
}

impl Located {
    fn of(label: &Label) -> Self {
        Self {
            // Never a secret in a file or folder name printed whole.
            file: crate::secrets::redact::mask_path(&label.file.path),
            position: Position::of(label),
            message: label.message.clone(),
        }
    }
}

impl Finding {
    /// The path of the primary label's file.
    pub fn path(&self) -> &Path {
        &self.primary.file
    }

    /// Deterministic output order: path, position, code (as [`Diagnostic::sort_key`]).
    pub fn sort_key(&self) -> (&Path, u32, &'static str, u32) {
        (&self.primary.file, self.start, self.rule.code, self.end)
    }
}

/// Turns diagnostics into [`Finding`]s for one output format; shared by the threads of a
/// run.
pub struct Resolver {
    human: Option<human::Handler>,
}

impl Resolver {
    pub fn new(opts: &RenderOptions) -> Self {
        let human = (opts.format == OutputFormat::Human && !opts.statistics)
            .then(|| human::Handler::new(opts.color));
        Self { human }
    }

    pub fn resolve(&self, d: &Diagnostic) -> Finding {
        let report = self.human.as_ref().map(|h| {
            let mut text = String::new();
            h.render_one(d, &mut text);
            text
        });
        let edits = match &d.fix {
            Some(fix) if fix.applicability != Applicability::DisplayOnly => fix.edits.clone(),
            _ => Vec::new(),
        };
        Finding {
            rule: d.rule,
            severity: d.severity,
            message: d.message.clone(),
            help: d.help.clone(),
            primary: Located::of(&d.primary),
            secondary: d.secondary.iter().map(Located::of).collect(),
            fingerprint: d.fingerprint(),
            fixable: fixable(d),
            edits,
            properties: d.properties.clone(),
            report,
            start: d.primary.range.start,
            end: d.primary.range.end,
        }
    }
}

/// Where a label starts and ends, in both coordinate systems.
#[derive(Clone, Debug)]
pub struct Position {
    /// The path with forward slashes, as given.
    pub path: String,
    /// 1-based raw-file line and column of the start.
    pub start: LineCol,
    /// 1-based raw-file line and column just past the end.
    pub end: LineCol,
    /// Cell coordinates of the start, for notebooks.
    pub cell: Option<CellLocation>,
}

impl Position {
    pub fn of(label: &Label) -> Self {
        let file = &label.file;
        let start = file.location(label.range.start());
        let end = file.lines().line_col(label.range.end(), &file.text);
        Self {
            path: crate::secrets::redact::mask_name(&file.path_slash()),
            start: start.raw,
            end,
            cell: start.cell,
        }
    }

    pub fn cell_number(&self) -> Option<usize> {
        self.cell.map(|c| c.cell)
    }

    /// 1-based line and column in the cell's decoded source, when the start is there.
    pub fn cell_line_col(&self) -> Option<LineCol> {
        match self.cell?.part {
            CellPart::Source(lc) => Some(lc),
            CellPart::Output | CellPart::Cell => None,
        }
    }

    pub fn in_output(&self) -> bool {
        matches!(
            self.cell,
            Some(CellLocation {
                part: CellPart::Output,
                ..
            })
        )
    }

    /// The ruff-style locator: `path:cell 3:2:5`, `path:cell 3 (output)`, `path:cell 3`
    /// (elsewhere in the cell object) or `path:12:5`.
    pub fn display(&self) -> String {
        format!("{}:{}", self.path, self.locator())
    }

    /// [`Self::display`] without the path.
    pub fn locator(&self) -> String {
        match self.cell {
            Some(CellLocation {
                cell,
                part: CellPart::Source(lc),
            }) => format!("cell {cell}:{}:{}", lc.line, lc.column),
            Some(CellLocation {
                cell,
                part: CellPart::Output,
            }) => format!("cell {cell} (output)"),
            Some(CellLocation {
                cell,
                part: CellPart::Cell,
            }) => format!("cell {cell}"),
            None => format!("{}:{}", self.start.line, self.start.column),
        }
    }
}

/// Whether `mlcheck fix` can repair this finding.
pub(crate) fn fixable(diagnostic: &Diagnostic) -> bool {
    match diagnostic.rule.fix {
        FixAvailability::StripOutputs => true,
        FixAvailability::Safe | FixAvailability::Unsafe => diagnostic
            .fix
            .as_ref()
            .is_some_and(|f| f.applicability != Applicability::DisplayOnly && !f.edits.is_empty()),
        FixAvailability::None | FixAvailability::DisplayOnly => false,
    }
}

/// Sort `NB2` before `NB10`.
fn code_key(code: &str) -> (&str, u32) {
    let split = code
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(code.len());
    (&code[..split], code[split..].parse().unwrap_or(0))
}

/// The plain statistics table: `count  code  name`, columns aligned.
pub(crate) fn statistics_table(tally: &Tally) -> String {
    let stats = tally.statistics();
    let count_w = stats
        .iter()
        .map(|(_, n)| n.to_string().len())
        .max()
        .unwrap_or(1);
    let code_w = stats.iter().map(|(r, _)| r.code.len()).max().unwrap_or(1);
    let mut out = String::new();
    for (rule, n) in stats {
        out.push_str(&format!(
            "{n:>count_w$}  {:<code_w$}  {}\n",
            rule.code, rule.name
        ));
    }
    out
}

/// What the summary, the statistics and the exit status need of a run's findings, counted
/// as they are written: a few counters per rule and severity, and the first notebooks that
/// stripping fixes. Nothing here grows with the number of findings (the per-file counts of
/// the GitHub job summary, kept only for that format, grow with the files that have any;
/// under pre-commit every fixable notebook is kept by name, as its hint lists them).
#[derive(Clone, Debug)]
pub struct Tally {
    findings: usize,
    /// Errors, warnings, info.
    by_severity: [usize; 3],
    fail_on: Severity,
    failing: usize,
    /// Per rule: its count and its most severe finding, in first-seen order.
    per_rule: Vec<(&'static RuleMeta, usize, Severity)>,
    /// Findings that stripping fixes, and the notebooks they are in (the first
    /// [`MAX_HINT_PATHS`] kept by name, in report order).
    strip_findings: usize,
    strip_notebooks: usize,
    strip_paths: Vec<PathBuf>,
    /// How many notebooks are kept by name: all of them under pre-commit (which lists them
    /// in its hint), else [`MAX_HINT_PATHS`].
    strip_limit: usize,
    last_strip: Option<PathBuf>,
    /// Findings per shown path, when counted ([`Tally::with_files`]).
    per_file: Option<BTreeMap<String, usize>>,
}

impl Tally {
    pub fn new(opts: &RenderOptions) -> Self {
        Self {
            findings: 0,
            by_severity: [0; 3],
            fail_on: opts.fail_on,
            failing: 0,
            per_rule: Vec::new(),
            strip_findings: 0,
            strip_notebooks: 0,
            strip_paths: Vec::new(),
            strip_limit: if opts.pre_commit {
                usize::MAX
            } else {
                MAX_HINT_PATHS
            },
            last_strip: None,
            // The GitHub job summary's table of the worst files.
            per_file: (opts.format == OutputFormat::Github).then(BTreeMap::new),
        }
    }

    /// The tally of findings already collected.
    pub fn of(findings: &[Finding], opts: &RenderOptions) -> Self {
        let mut t = Self::new(opts);
        for f in findings {
            t.add(f);
        }
        t
    }

    pub fn add(&mut self, f: &Finding) {
        self.findings += 1;
        self.by_severity[match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        }] += 1;
        if f.severity >= self.fail_on {
            self.failing += 1;
        }
        match self
            .per_rule
            .iter_mut()
            .find(|(r, _, _)| r.code == f.rule.code)
        {
            Some((_, n, s)) => {
                *n += 1;
                *s = (*s).max(f.severity);
            }
            None => self.per_rule.push((f.rule, 1, f.severity)),
        }
        if f.rule.fix == FixAvailability::StripOutputs {
            self.strip_findings += 1;
            // A file's findings arrive together: a new path is a new notebook.
            if self.last_strip.as_deref() != Some(f.path()) {
                self.strip_notebooks += 1;
                if self.strip_paths.len() < self.strip_limit {
                    self.strip_paths.push(f.path().to_path_buf());
                }
                self.last_strip = Some(f.path().to_path_buf());
            }
        }
        if let Some(per_file) = &mut self.per_file {
            let path = f.primary.position.path.as_str();
            match per_file.get_mut(path) {
                Some(n) => *n += 1,
                None => {
                    per_file.insert(path.to_string(), 1);
                }
            }
        }
    }

    /// How many findings were counted.
    pub fn len(&self) -> usize {
        self.findings
    }

    pub fn is_empty(&self) -> bool {
        self.findings == 0
    }

    /// How many findings are at or above the `fail-on` threshold.
    pub fn failing(&self) -> usize {
        self.failing
    }

    /// Findings per rule, most frequent first (ties by code order).
    pub(crate) fn statistics(&self) -> Vec<(&'static RuleMeta, usize)> {
        let mut counts: Vec<(&'static RuleMeta, usize)> =
            self.per_rule.iter().map(|(r, n, _)| (*r, *n)).collect();
        counts.sort_by(|(a, n), (b, m)| {
            m.cmp(n)
                .then_with(|| code_key(a.code).cmp(&code_key(b.code)))
        });
        counts
    }

    /// The most severe finding of a rule.
    pub(crate) fn worst(&self, code: &str) -> Option<Severity> {
        self.per_rule
            .iter()
            .find(|(r, _, _)| r.code == code)
            .map(|(_, _, s)| *s)
    }

    /// Findings per shown path (GitHub format only).
    pub(crate) fn per_file(&self) -> impl Iterator<Item = (&str, usize)> {
        self.per_file
            .iter()
            .flatten()
            .map(|(p, n)| (p.as_str(), *n))
    }
}

/// `Found 3 findings (2 errors, 1 warning), 3 at or above --fail-on=warning.`, or `All
/// checks passed.`; then the exact command that fixes the fixable ones, with their paths.
pub(crate) fn summary(tally: &Tally, errors: &[FileError], opts: &RenderOptions) -> String {
    let mut out = String::new();
    if tally.is_empty() {
        if errors.is_empty() {
            out.push_str("All checks passed.");
        } else {
            out.push_str("No findings.");
        }
    } else {
        let mut parts = Vec::new();
        for (n, one, many) in [
            (tally.by_severity[0], "error", "errors"),
            (tally.by_severity[1], "warning", "warnings"),
            (tally.by_severity[2], "info", "info"),
        ] {
            match n {
                0 => {}
                1 => parts.push(format!("1 {one}")),
                n => parts.push(format!("{n} {many}")),
            }
        }
        let failing = tally.failing;
        let threshold = format!("--fail-on={}", opts.fail_on.as_str());
        out.push_str(&format!(
            "Found {} ({}), {}.",
            plural(tally.findings, "finding", "findings"),
            parts.join(", "),
            if failing == 0 {
                format!("none at or above {threshold}: passing")
            } else {
                format!("{failing} at or above {threshold}")
            }
        ));
        if let Some(hint) = fix_hint(tally, opts.pre_commit) {
            out.push('\n');
            out.push_str(&hint);
        }
    }
    if !errors.is_empty() {
        out.push_str(&format!(
            "\n{} could not be checked in full.",
            plural(errors.len(), "file", "files")
        ));
    }
    out.push('\n');
    out
}

/// How many findings are at or above the `fail-on` threshold.
pub fn failing(diagnostics: &[Finding], fail_on: Severity) -> usize {
    diagnostics.iter().filter(|d| d.severity >= fail_on).count()
}

/// Notebooks listed by name in a fix command; more are left to `--fix`.
const MAX_HINT_PATHS: usize = 10;

/// The notebooks with findings that stripping fixes, in report order, each once.
pub(crate) fn strip_fixable_paths(diagnostics: &[Finding]) -> Vec<&Path> {
    let mut seen = std::collections::HashSet::new();
    diagnostics
        .iter()
        .filter(|d| d.rule.fix == FixAvailability::StripOutputs && seen.insert(d.path()))
        .map(Finding::path)
        .collect()
}

/// The exact command that fixes what can be fixed, naming the notebooks it rewrites (never a
/// bare `mlcheck fix --strip-outputs`, which would rewrite every notebook under the current
/// folder); under pre-commit, the `mlcheck-strip` hook.
fn fix_hint(tally: &Tally, pre_commit: bool) -> Option<String> {
    let n = tally.strip_findings;
    if n == 0 {
        return None;
    }
    let paths = &tally.strip_paths;
    let fixable = plural(n, "finding", "findings");
    let list = || {
        paths
            .iter()
            .map(|p| shell_quote(&crate::source::path_slash(p)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(if pre_commit {
        format!(
            "{fixable} fixable by the `mlcheck-strip` hook (add it before `mlcheck` in .pre-commit-config.yaml, or run `pre-commit run mlcheck-strip --files {}`).",
            list()
        )
    } else if tally.strip_notebooks <= MAX_HINT_PATHS {
        format!(
            "{fixable} fixable with `mlcheck fix --strip-outputs {}` (or run this check again with `--fix`).",
            list()
        )
    } else {
        format!(
            "{fixable} in {} notebooks fixable: run this check again with `--fix` (it strips only those notebooks).",
            tally.strip_notebooks
        )
    })
}

/// A path as one shell word: bare when it is plain, else in single quotes.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
