//! The four output formats, on hand-made files and findings: a notebook whose cell source
//! is full of JSON escapes, its outputs and metadata, and a Python file. Snapshots are
//! reviewed by reading the `.snap` files; the SARIF output is validated against the
//! official OASIS schema (offline).

use std::path::PathBuf;
use std::sync::Arc;

use mlcheck::diagnostic::{Applicability, Diagnostic, Edit, FileError, Fix, Label};
use mlcheck::render::OutputFormat;
use mlcheck::render::{RenderOptions, render};
use mlcheck::source::{SourceFile, SourceKind, TextRange};

mlcheck::declare_rule! {
    /// ## What it does
    /// Flags a suspicious assignment (a rule for these tests only).
    ///
    /// ## Why is this bad?
    /// It is a test.
    ///
    /// ## Example
    /// ```python
    /// x = "é"
    /// ```
    ///
    /// ## How to fix
    /// Remove it.
    pub static SUSPICIOUS = {
        code: "TST001",
        name: "suspicious-assignment",
        domain: Meta,
        severity: Warning,
        default: true,
        fix: None,
        summary: "A suspicious assignment",
    }
}

mlcheck::declare_rule! {
    /// ## What it does
    /// Flags committed outputs (a rule for these tests only).
    ///
    /// ## Why is this bad?
    /// Outputs bloat diffs.
    ///
    /// ## Example
    /// A notebook with outputs.
    ///
    /// ## How to fix
    /// Strip them.
    pub static OUTPUTS = {
        code: "TST002",
        name: "committed-test-outputs",
        domain: Meta,
        severity: Error,
        default: true,
        fix: StripOutputs,
        summary: "Outputs are committed",
    }
}

mlcheck::declare_rule! {
    /// ## What it does
    /// Flags volatile metadata (a rule for these tests only).
    ///
    /// ## Why is this bad?
    /// It changes on every run.
    ///
    /// ## Example
    /// `"scrolled": true`
    ///
    /// ## How to fix
    /// Delete the key.
    pub static METADATA = {
        code: "TST010",
        name: "volatile-test-metadata",
        domain: Meta,
        severity: Info,
        default: false,
        fix: Safe,
        summary: "Volatile metadata",
    }
}

/// A notebook whose second cell has escapes on every line: `\n`, `\"`, `\\t`, `\u00e9`.
/// Cell 2, line 3 decodes to `x = "é"`, whose string literal starts at column 5.
const NOTEBOOK: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["# Title"]
  },
  {
   "cell_type": "code",
   "execution_count": 2,
   "metadata": {"scrolled": true},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": ["loss: 0.25\n"]
    },
    {
     "data": {"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
     "metadata": {},
     "output_type": "display_data"
    }
   ],
   "source": [
    "import os\n",
    "msg = \"a\\tb\"\n",
    "x = \"\u00e9\"\n",
    "print(x)"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [],
   "source": "x = \"first\"\nprint(x)\n"
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

const PYTHON: &str =
    "import os\n\nDATA = \"/home/alice/data.csv\"\nBACKUP = \"/home/alice/backup.csv\"\n";

struct Fixture {
    notebook: Arc<SourceFile>,
    python: Arc<SourceFile>,
}

fn fixture() -> Fixture {
    Fixture {
        notebook: Arc::new(SourceFile::new(
            PathBuf::from("notebooks/train.ipynb"),
            NOTEBOOK.to_string(),
            SourceKind::Notebook,
        )),
        python: Arc::new(SourceFile::new(
            PathBuf::from("src/paths.py"),
            PYTHON.to_string(),
            SourceKind::Python,
        )),
    }
}

/// The raw range of `needle` in decoded cell `number` (1-based).
fn cell_range(file: &SourceFile, number: usize, needle: &str) -> TextRange {
    let nb = file.notebook.as_ref().expect("fixture notebook parses");
    let cell = &nb.cells[number - 1];
    let at = cell.source.text.find(needle).expect("needle in cell");
    cell.to_raw(TextRange::new(at, at + needle.len()))
}

/// The raw range of the first `needle` in the file.
fn raw_range(file: &SourceFile, needle: &str) -> TextRange {
    let at = file.text.find(needle).expect("needle in file");
    TextRange::new(at, at + needle.len())
}

/// Findings in the order the pipeline sorts them (path, position, code).
fn diagnostics(f: &Fixture) -> Vec<Diagnostic> {
    let nb = &f.notebook;
    let py = &f.python;
    let mut out = vec![
        Diagnostic::new(
            &METADATA,
            nb,
            raw_range(nb, r#""scrolled": true"#),
            "volatile metadata key `scrolled`",
        )
        .with_help("Remove the key")
        .with_fix(Fix {
            applicability: Applicability::Safe,
            edits: vec![Edit {
                range: raw_range(nb, r#""scrolled": true"#),
                content: String::new(),
            }],
        }),
        Diagnostic::new(
            &OUTPUTS,
            nb,
            raw_range(nb, r#""name": "stdout""#),
            "`outputs` committed for 1 of 2 code cells",
        )
        .with_help("Clear outputs with `mlcheck fix --strip-outputs`"),
        Diagnostic::new(
            &OUTPUTS,
            nb,
            raw_range(nb, "iVBORw0KGgo"),
            "a `image/png` output of 330 bytes",
        )
        .with_primary_message("base64 image"),
        Diagnostic::new(
            &SUSPICIOUS,
            nb,
            cell_range(nb, 2, "\"é\""),
            "`x` reassigned after its first use",
        )
        .with_help("Rename one of the two variables")
        .with_primary_message("reassigned here")
        .with_label(
            Label::new(nb, cell_range(nb, 3, "x = \"first\"")).with_message("first assigned here"),
        )
        .with_property("variable", "x"),
        Diagnostic::new(
            &SUSPICIOUS,
            py,
            raw_range(py, "\"/home/alice/data.csv\""),
            "absolute path `/home/alice/data.csv`",
        )
        .with_label(
            Label::new(py, raw_range(py, "\"/home/alice/backup.csv\"")).with_message("another one"),
        )
        .with_label(
            Label::new(nb, cell_range(nb, 2, "import os")).with_message("imported here too"),
        ),
    ];
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

fn options(format: OutputFormat) -> RenderOptions {
    RenderOptions {
        format,
        ..RenderOptions::default()
    }
}

fn rendered(diags: &[Diagnostic], errors: &[FileError], opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    render(&mut out, diags, errors, opts).expect("render to a Vec");
    String::from_utf8(out).expect("renderers write UTF-8")
}

fn json_of(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("renderer writes valid JSON")
}

/// The 1-based raw (line, column) of a byte offset, counted independently of mlcheck.
fn raw_line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// The human format: code and name, message, a frame from the cell's decoded text with
/// cell-relative line numbers, raw JSON for outputs and metadata, related frames for
/// labels in other cells or files, help, and the summary.
#[test]
fn human_snapshot() {
    let f = fixture();
    let text = rendered(&diagnostics(&f), &[], &options(OutputFormat::Human));
    assert!(!text.contains('\x1b'), "no colour unless asked");
    insta::assert_snapshot!("render_human", text);
}

/// Findings in a cell are located `path:cell N:line:col` with the cell's own numbering,
/// through `\"`, `\u00e9`, `\\t` and `\n` escapes on the same and earlier lines.
#[test]
fn notebook_location_reads_cell_2_3_5_through_escapes() {
    let f = fixture();
    let diags = diagnostics(&f);
    let human = rendered(&diags, &[], &options(OutputFormat::Human));
    assert!(
        human.contains("[notebooks/train.ipynb:cell 2:3:5]"),
        "{human}"
    );
    assert!(
        human.contains(" 3 │ x = \"é\""),
        "decoded text, cell line 3:\n{human}"
    );

    let json = json_of(&rendered(&diags, &[], &options(OutputFormat::Json)));
    let finding = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "TST001" && d["path"] == "notebooks/train.ipynb")
        .expect("the cell finding");
    assert_eq!(finding["cell"], 2);
    assert_eq!(finding["cell_line"], 3);
    assert_eq!(finding["cell_column"], 5);
    assert_eq!(finding["in_output"], false);
    // The raw position is where `\"\u00e9\"` sits in the JSON text.
    let raw_at = NOTEBOOK.find(r#"\"\u00e9\""#).unwrap();
    let (line, column) = raw_line_col(NOTEBOOK, raw_at);
    assert_eq!(finding["location"]["line"], line);
    assert_eq!(finding["location"]["column"], column);
    let raw_end = raw_at + r#"\"\u00e9\""#.len();
    let (end_line, end_column) = raw_line_col(NOTEBOOK, raw_end);
    assert_eq!(finding["end_location"]["line"], end_line);
    assert_eq!(finding["end_location"]["column"], end_column);
    // The secondary label in cell 3 (a string `source`) is located in its own cell.
    assert_eq!(finding["labels"][0]["cell"], 3);
    assert_eq!(finding["labels"][0]["cell_line"], 1);
    assert_eq!(finding["labels"][0]["cell_column"], 1);

    let sarif = json_of(&rendered(&diags, &[], &options(OutputFormat::Sarif)));
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "TST001" && r["properties"]["cell"] == 2)
        .expect("the cell result");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], line);
    assert_eq!(region["startColumn"], column);
    assert_eq!(region["endColumn"], end_column);
    assert_eq!(result["properties"]["cell_line"], 3);
    assert_eq!(result["properties"]["cell_column"], 5);

    let github = rendered(&diags, &[], &options(OutputFormat::Github));
    assert!(
        github.contains(&format!(
            "file=notebooks/train.ipynb,line={line},col={column},"
        )),
        "{github}"
    );
    assert!(github.contains("::cell 2:3:5: `x` reassigned"), "{github}");
}

/// Outputs are located by cell with `in_output`, and shown as raw JSON lines; a long base64
/// line is cut around the label instead of flooding the terminal.
#[test]
fn outputs_are_located_by_cell_and_long_lines_are_cut() {
    let f = fixture();
    let diags = diagnostics(&f);
    let json = json_of(&rendered(&diags, &[], &options(OutputFormat::Json)));
    let outputs: Vec<_> = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "TST002")
        .collect();
    assert_eq!(outputs.len(), 2);
    for d in outputs {
        assert_eq!(d["cell"], 2);
        assert_eq!(d["cell_line"], serde_json::Value::Null);
        assert_eq!(d["cell_column"], serde_json::Value::Null);
        assert_eq!(d["in_output"], true);
        assert_eq!(d["fix"], "strip-outputs");
        assert_eq!(d["fixable"], true);
    }
    let human = rendered(&diags, &[], &options(OutputFormat::Human));
    assert!(human.contains("[notebooks/train.ipynb:cell 2 (output)]"));
    let longest = human.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 200, "a line of {longest} chars:\n{human}");
    assert!(human.contains("…"), "the cut is marked");
}

/// JSON: every documented field, with `null` cell fields outside notebooks.
#[test]
fn json_snapshot() {
    let f = fixture();
    let text = rendered(&diagnostics(&f), &[], &options(OutputFormat::Json));
    let json = json_of(&text);
    let py = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "src/paths.py")
        .unwrap();
    assert_eq!(py["cell"], serde_json::Value::Null);
    assert_eq!(py["location"]["line"], 3);
    assert_eq!(py["location"]["column"], 8);
    insta::assert_snapshot!("render_json", text);
}

/// SARIF: the rules in use with their docs, raw regions, cell properties, fingerprints.
#[test]
fn sarif_snapshot() {
    let f = fixture();
    let errors = [FileError {
        path: PathBuf::from("notebooks/broken.ipynb"),
        message: "permission denied".into(),
    }];
    let text = rendered(&diagnostics(&f), &errors, &options(OutputFormat::Sarif));
    // Keep the snapshot stable across version bumps.
    let text = text.replace(
        &format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        "\"[VERSION]\"",
    );
    insta::assert_snapshot!("render_sarif", text);
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/schemas/sarif-schema-2.1.0.json"),
        )
        .expect("schema copied into tests/schemas"),
    )
    .expect("schema is JSON");
    // Draft 4 is what the schema declares; every `$ref` is local (`#/definitions/…`), so
    // building needs no network (the crate's resolver features are off anyway).
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles offline")
}

fn assert_valid(validator: &jsonschema::Validator, instance: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

/// mlcheck's SARIF validates against the official SARIF 2.1.0 schema, with findings,
/// without, and with files that could not be checked; and the validator does reject a
/// broken log (so this test can fail).
#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    let f = fixture();
    let errors = [FileError {
        path: PathBuf::from("notebooks/a b:c.ipynb"),
        message: "not UTF-8".into(),
    }];
    for (diags, errors) in [
        (diagnostics(&f), &errors[..]),
        (diagnostics(&f), &[][..]),
        (Vec::new(), &[][..]),
    ] {
        let log = json_of(&rendered(&diags, errors, &options(OutputFormat::Sarif)));
        assert_valid(&validator, &log);
        let run = &log["runs"][0];
        assert_eq!(
            run["invocations"][0]["executionSuccessful"],
            errors.is_empty()
        );
        assert_eq!(run["results"].as_array().unwrap().len(), diags.len());
    }

    let mut broken = json_of(&rendered(
        &diagnostics(&f),
        &[],
        &options(OutputFormat::Sarif),
    ));
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken), "an invalid level is rejected");
    let mut broken = json_of(&rendered(&[], &[], &options(OutputFormat::Sarif)));
    broken.as_object_mut().unwrap().remove("version");
    assert!(
        !validator.is_valid(&broken),
        "a missing version is rejected"
    );
}

/// GitHub workflow commands: level per severity, raw positions, title `CODE name`, and the
/// message escaped so it cannot end the command early.
#[test]
fn github_snapshot() {
    let f = fixture();
    let errors = [FileError {
        path: PathBuf::from("notebooks/broken.ipynb"),
        message: "not valid JSON: line 3, column 1".into(),
    }];
    let text = rendered(&diagnostics(&f), &errors, &options(OutputFormat::Github));
    for line in text.lines() {
        assert!(line.starts_with("::"), "one command per line: {line}");
    }
    insta::assert_snapshot!("render_github", text);
}

/// `--statistics`: a count per rule, most frequent first, in the human and JSON formats.
#[test]
fn statistics() {
    let f = fixture();
    let diags = diagnostics(&f);
    let opts = RenderOptions {
        statistics: true,
        ..options(OutputFormat::Human)
    };
    let human = rendered(&diags, &[], &opts);
    assert_eq!(
        human,
        "2  TST001  suspicious-assignment\n\
         2  TST002  committed-test-outputs\n\
         1  TST010  volatile-test-metadata\n\
         Found 5 findings (2 errors, 2 warnings, 1 info), 4 at or above --fail-on=warning.\n\
         2 findings fixable with `mlcheck fix --strip-outputs notebooks/train.ipynb` (or run this check again with `--fix`).\n"
    );
    let json = json_of(&rendered(
        &diags,
        &[],
        &RenderOptions {
            format: OutputFormat::Json,
            ..opts
        },
    ));
    assert_eq!(
        json,
        serde_json::json!([
            {"code": "TST001", "name": "suspicious-assignment", "count": 2},
            {"code": "TST002", "name": "committed-test-outputs", "count": 2},
            {"code": "TST010", "name": "volatile-test-metadata", "count": 1},
        ])
    );
}

/// The summary line: counts by severity, `--quiet` drops it, no findings reads as a pass,
/// and files that could not be checked are counted.
#[test]
fn summary_line() {
    let f = fixture();
    let diags = diagnostics(&f);
    let human = rendered(&diags, &[], &options(OutputFormat::Human));
    assert!(human.ends_with(
        "Found 5 findings (2 errors, 2 warnings, 1 info), 4 at or above --fail-on=warning.\n\
         2 findings fixable with `mlcheck fix --strip-outputs notebooks/train.ipynb` (or run this check again with `--fix`).\n"
    ));
    let quiet = rendered(
        &diags,
        &[],
        &RenderOptions {
            quiet: true,
            ..options(OutputFormat::Human)
        },
    );
    assert!(!quiet.contains("Found"));
    assert!(quiet.contains("TST001 suspicious-assignment"));
    assert_eq!(
        rendered(&[], &[], &options(OutputFormat::Human)),
        "All checks passed.\n"
    );
    let errors = [FileError {
        path: PathBuf::from("x.ipynb"),
        message: "unreadable".into(),
    }];
    assert_eq!(
        rendered(&diags[..1], &errors, &options(OutputFormat::Human)),
        rendered(&diags[..1], &[], &options(OutputFormat::Human))
            .replace(".\n", ".\n1 file could not be checked in full.\n")
    );
    assert_eq!(rendered(&[], &[], &options(OutputFormat::Json)), "[]\n");
}

/// Colour only when asked: ANSI escapes appear with `color: true` and never without.
#[test]
fn colour_only_when_asked() {
    let f = fixture();
    let diags = diagnostics(&f);
    let plain = rendered(&diags, &[], &options(OutputFormat::Human));
    let coloured = rendered(
        &diags,
        &[],
        &RenderOptions {
            color: true,
            ..options(OutputFormat::Human)
        },
    );
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b["));
}

/// A file's control characters and bidi overrides never reach the terminal.
#[test]
fn control_characters_are_neutralised() {
    let py = Arc::new(SourceFile::new(
        PathBuf::from("evil.py"),
        "x = '\x1b[31mred\u{202e}' \r y\n".to_string(),
        SourceKind::Python,
    ));
    let d = Diagnostic::new(&SUSPICIOUS, &py, TextRange::new(0, 1), "`x` is suspicious");
    let human = rendered(&[d], &[], &options(OutputFormat::Human));
    assert!(!human.contains('\x1b'), "{human}");
    assert!(!human.contains('\u{202e}'), "{human}");
    assert!(!human.contains('\r'), "{human}");
    assert!(human.contains("[evil.py:1:1]"), "{human}");
}

/// A label over many lines (here a whole cell object) is shown on its first line, so one
/// finding cannot print a whole notebook.
#[test]
fn long_labels_are_cut_to_their_first_line() {
    let f = fixture();
    let nb = &f.notebook;
    let cell = &nb.notebook.as_ref().unwrap().cells[1];
    let d = Diagnostic::new(&OUTPUTS, nb, cell.node.range, "a whole cell");
    let human = rendered(&[d], &[], &options(OutputFormat::Human));
    assert!(human.contains("[notebooks/train.ipynb:cell 2]"), "{human}");
    assert!(human.lines().count() < 15, "{human}");
    assert!(!human.contains("print(x)"), "{human}");
}

/// No range, however odd (empty, at the end, past the end, inside a multi-byte character,
/// between a cell's list items, in an empty or unparsable file), makes a renderer panic
/// or write invalid JSON.
#[test]
fn any_range_renders() {
    let f = fixture();
    let odd = Arc::new(SourceFile::new(
        PathBuf::from("odd.py"),
        "é\r\n\tx = 'ü'\n\n".to_string(),
        SourceKind::Python,
    ));
    let empty = Arc::new(SourceFile::new(
        PathBuf::from("empty.ipynb"),
        String::new(),
        SourceKind::Notebook,
    ));
    let truncated = Arc::new(SourceFile::new(
        PathBuf::from("truncated.ipynb"),
        NOTEBOOK[..NOTEBOOK.len() / 2].to_string(),
        SourceKind::Notebook,
    ));
    let validator = sarif_validator();
    let mut renders = 0;
    for file in [&f.notebook, &f.python, &odd, &empty, &truncated] {
        let len = file.text.len();
        for start in 0..=len + 1 {
            for end in [start, start + 1, start + 5, len.max(start), len + 3] {
                let d = Diagnostic::new(&SUSPICIOUS, file, TextRange::new(start, end), "odd")
                    .with_label(
                        Label::new(
                            &f.notebook,
                            TextRange::new(end.min(NOTEBOOK.len()), NOTEBOOK.len()),
                        )
                        .with_message("to the end"),
                    );
                let diags = [d];
                let human = rendered(&diags, &[], &options(OutputFormat::Human));
                assert!(human.contains("TST001 suspicious-assignment"), "{human}");
                json_of(&rendered(&diags, &[], &options(OutputFormat::Json)));
                if start % 7 == 0 {
                    let sarif = json_of(&rendered(&diags, &[], &options(OutputFormat::Sarif)));
                    assert!(validator.is_valid(&sarif));
                    rendered(&diags, &[], &options(OutputFormat::Github));
                }
                renders += 1;
            }
        }
    }
    assert!(renders > 5000);
}

/// A code frame of any rule masks the secrets it shows, though only the text around the
/// shown lines is scanned: a line inside a PEM key whose header is far above, a key on the
/// context line above a label, and a token in the middle of a 20 kB line cut around a label.
#[test]
fn frames_mask_secrets_near_the_lines_they_show() {
    let body: String = (0..40)
        .map(|i| format!("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AW{i:08}\n"))
        .collect();
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}-----END PRIVATE KEY-----\n");
    let token = "ghp_R4nd0mT0k3nV4lu3Xq8sLm2Np9Wz7Kc5Jb1H";
    let long_line = format!(
        "data = \"{}\" + \"{token}\" + \"{}\"\n",
        "a".repeat(10_000),
        "b".repeat(10_000)
    );
    let text = format!("KEY = \"\"\"\n{pem}\"\"\"\n{long_line}");
    let file = Arc::new(SourceFile::new(
        PathBuf::from("keys.py"),
        text.clone(),
        SourceKind::Python,
    ));
    let yaml = Arc::new(SourceFile::new(
        PathBuf::from("conf.yaml"),
        "openai:\n  api_key: sk-proj-Xk9mQ2vL7pR4wZ8nB3T3BlbkFJa1b2c3d4e5f6g7h8i9j0\n  path: /home/alice/x\n".to_string(),
        SourceKind::Yaml,
    ));
    // A line in the middle of the key body, 20 lines below its header.
    let body_line = body.lines().nth(20).expect("40 lines");
    let diags = vec![
        Diagnostic::new(
            &SUSPICIOUS,
            &file,
            raw_range(&file, body_line),
            "a frame in a key",
        ),
        Diagnostic::new(
            &SUSPICIOUS,
            &file,
            raw_range(&file, token),
            "a frame on a long line",
        ),
        Diagnostic::new(
            &SUSPICIOUS,
            &yaml,
            raw_range(&yaml, "/home"),
            "a frame below a key",
        ),
    ];
    let out = rendered(&diags, &[], &options(OutputFormat::Human));
    assert!(
        out.contains("a frame in a key") && out.contains("keys.py:23:1"),
        "{out}"
    );
    for line in body.lines() {
        assert!(!out.contains(line), "a key line is shown:\n{out}");
    }
    assert!(!out.contains(token), "{out}");
    assert!(
        out.contains("ghp_"),
        "the short prefix stays visible:\n{out}"
    );
    assert!(out.contains("api_key: sk-p*"), "{out}");
    assert!(!out.contains("Xk9mQ2vL7pR4wZ8nB3"), "{out}");
}
