//! `PTH003 missing-input-file`.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::SourceKind;
use crate::source::python::{Arg, CallSite, FxHashSet, StrLit};

crate::declare_rule! {
    /// ## What it does
    /// Reports a relative path literal handed to a reading call (`open(…)` for reading,
    /// `pd.read_*`, `np.load`, `torch.load`, `joblib.load`, `Path(…).read_text()`,
    /// `cv2.imread` …) when the file is not in the repository (next to the notebook or
    /// script, or under the project root) and nothing in the code creates it first (a
    /// write call or any other use of a literal with the same file stem, or a
    /// `!wget`/`!unzip`-style line naming it). Not
    /// selected by default.
    ///
    /// ## Why is this bad?
    /// It is the "works on my machine" data file: the author has it, nobody else does,
    /// and the notebook fails on its first cell that needs it.
    ///
    /// ## Example
    /// ```python
    /// df = pd.read_csv("data/customers_2023_final.csv")  # not committed, not downloaded
    /// ```
    ///
    /// ## How to fix
    /// Commit the file (or a small sample), add a step that downloads or creates it, or
    /// make the path a parameter (in MLflow, an MLproject parameter of type `path`).
    pub static MISSING_INPUT_FILE = {
        code: "PTH003",
        name: "missing-input-file",
        domain: Paths,
        severity: Warning,
        default: false,
        fix: None,
        summary: "A relative input file that is neither in the repository nor created by the code",
    }
}

const READ_FUNCS: &[&str] = &[
    "read_csv",
    "read_excel",
    "read_json",
    "read_parquet",
    "read_table",
    "read_pickle",
    "read_feather",
    "read_hdf",
    "read_fwf",
    "read_orc",
    "read_stata",
    "read_sas",
    "read_spss",
    "read_xml",
    "loadtxt",
    "genfromtxt",
    "fromfile",
    "imread",
    "load_model",
    "load_img",
    "open_dataset",
    "load_workbook",
    "read_file",
    "read_image",
];

const LOAD_MODULES: &[&str] = &[
    "np", "numpy", "torch", "joblib", "pickle", "jnp", "tf", "keras",
];

fn is_read_call(c: &CallSite) -> bool {
    let first_arg = match &c.arg {
        Arg::Positional(i) => *i == 0,
        Arg::Keyword(k) => matches!(
            k.as_str(),
            "filepath_or_buffer"
                | "path"
                | "fname"
                | "file"
                | "filename"
                | "path_or_buf"
                | "io"
                | "f"
        ),
    };
    if !first_arg {
        return false;
    }
    let mut parts = c.callee.rsplit('.');
    let last = parts.next().unwrap_or("");
    let base = parts.next().unwrap_or("");
    if c.callee == "open" || c.callee == "io.open" || c.callee == "codecs.open" {
        return c
            .mode
            .as_deref()
            .is_none_or(|m| !m.contains(['w', 'a', 'x', '+']));
    }
    if matches!(last, "Path" | "PurePath") {
        return matches!(c.then_method.as_deref(), Some("read_text" | "read_bytes"));
    }
    if last == "load" {
        return LOAD_MODULES.contains(&base);
    }
    READ_FUNCS.contains(&last)
}

fn looks_relative_file(v: &str) -> bool {
    let v = v.strip_prefix("./").unwrap_or(v);
    !v.is_empty()
        && v.len() < 300
        && !v.starts_with(['/', '\\', '~'])
        && !v.contains("://")
        && !v.contains(['*', '?', '[', '{', '%', '\n', '<', '>', '|'])
        && v.as_bytes().get(1).is_none_or(|b| *b != b':')
        && Path::new(v).extension().is_some()
}

fn basename(v: &str) -> &str {
    v.rsplit(['/', '\\']).next().unwrap_or(v)
}

/// The file name up to its first dot: `best` for `weights/best.npy`.
fn stem(v: &str) -> &str {
    let base = basename(v);
    base.split('.').next().unwrap_or(base)
}

pub fn check(checker: &mut FileChecker<'_>) {
    if !checker.enabled(&MISSING_INPUT_FILE)
        || !matches!(checker.file.kind, SourceKind::Python | SourceKind::Notebook)
    {
        return;
    }
    let parsed = checker.python();
    let strings: Vec<(&crate::source::python::Unit, &StrLit)> = parsed
        .units
        .iter()
        .flat_map(|u| u.facts.strings.iter().map(move |s| (u, s)))
        .collect();
    // Any literal used other than as a read (a write, a checkpoint callback, a download
    // target, a variable passed around) may be how the file gets there. Compared by stem:
    // `np.save("x", a)` writes `x.npy`.
    let mut produced: FxHashSet<&str> = FxHashSet::default();
    for (_, s) in &strings {
        if s.call.as_ref().is_none_or(|c| !is_read_call(c)) {
            produced.insert(stem(&s.value));
        }
    }
    let escapes: Vec<&str> = parsed
        .units
        .iter()
        .flat_map(|u| u.facts.escapes.iter().map(String::as_str))
        .collect();
    let file_dir = checker.file.path.parent().unwrap_or(Path::new(""));
    let root = &checker.settings.root;
    let mut found = Vec::new();
    let mut seen = FxHashSet::default();
    for (unit, s) in &strings {
        let Some(call) = &s.call else { continue };
        if s.fstring || !is_read_call(call) || !looks_relative_file(&s.value) {
            continue;
        }
        let v = s.value.as_str();
        let base = basename(v);
        if produced.contains(stem(v)) || escapes.iter().any(|e| e.contains(base)) {
            continue;
        }
        let exists = [file_dir.join(v), root.join(v), Path::new(v).to_path_buf()]
            .iter()
            .any(|p| p.exists());
        if exists || !seen.insert(v) {
            continue;
        }
        found.push((parsed.to_raw(checker.file, unit, s.range), v.to_string()));
    }
    for (range, v) in found {
        checker.push(
            Diagnostic::new(
                &MISSING_INPUT_FILE,
                checker.file,
                range,
                format!("`{v}` is read here but is not in the repository and nothing creates it"),
            )
            .with_help("Commit the file, add a step that creates or downloads it, or make the path a parameter (an MLproject parameter of type `path`)"),
        );
    }
}
