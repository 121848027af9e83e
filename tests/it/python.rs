//! The Python-aware rules (`PY000`, `NB010`, `NB011`) on their fixtures, through the same
//! `check_source` entry point the pipeline uses (`crate::common::diagnostics`).

use std::path::Path;
use std::sync::Arc;

use mlcheck::diagnostic::Diagnostic;
use mlcheck::rules::python::{SYNTAX_ERROR, UNDEFINED_NAME, USED_BEFORE_DEFINED};
use mlcheck::rules::{FileChecker, check_file};
use mlcheck::settings::Settings;
use mlcheck::source::{CellPart, SourceFile, SourceKind};

use crate::common::{diagnostics, diagnostics_with};

/// `(code, cell, line, text at the primary range)` of each finding.
fn summary(diags: &[Diagnostic]) -> Vec<(String, usize, usize, String)> {
    diags
        .iter()
        .map(|d| {
            let file = d.file();
            let loc = file.location(d.primary.range.start());
            let (cell, line) = match loc.cell {
                Some(c) => match c.part {
                    CellPart::Source(lc) => (c.cell, lc.line),
                    _ => (c.cell, 0),
                },
                None => (0, loc.raw.line),
            };
            (
                d.rule.code.to_string(),
                cell,
                line,
                file.slice(d.primary.range).to_string(),
            )
        })
        .collect()
}

#[test]
fn nb010_reports_reads_before_later_definitions() {
    let diags = diagnostics(
        "fixtures/python/NB010_used_before_defined.ipynb",
        &[&USED_BEFORE_DEFINED],
    );
    assert_eq!(
        summary(&diags),
        [
            ("NB010".into(), 3, 1, "model".into()),
            ("NB010".into(), 5, 1, "predict(X)".into()),
        ]
    );
    assert_eq!(
        diags[0].message,
        "`model` is used in cell 3 but first defined in cell 6"
    );
    // The secondary label points at the later definition.
    let label = diags[0].secondary.last().unwrap();
    assert_eq!(label.message.as_deref(), Some("defined later here"));
    assert_eq!(diags[0].file().slice(label.range), "model");
    let loc = diags[0].file().location(label.range.start());
    assert_eq!(loc.cell.unwrap().cell, 6);
    // Through a call: the read inside the function is labelled too.
    assert!(
        diags[1]
            .message
            .contains("`predict()` is called in cell 5 and reads `threshold`")
    );
    assert_eq!(diags[1].secondary.len(), 2);
    assert_eq!(
        diags[1].file().slice(diags[1].secondary[0].range),
        "threshold"
    );
}

#[test]
fn nb010_del_then_read() {
    let diags = diagnostics("fixtures/python/NB010_del.ipynb", &[&USED_BEFORE_DEFINED]);
    assert_eq!(summary(&diags), [("NB010".into(), 4, 1, "tmp".into())]);
}

#[test]
fn nb010_negatives() {
    for path in [
        "fixtures/python/NB010_ok.ipynb",
        "fixtures/python/NB010_star_import_ok.ipynb",
        "fixtures/python/NB010_other_kernel_ok.ipynb",
    ] {
        let diags = diagnostics(
            path,
            &[&USED_BEFORE_DEFINED, &UNDEFINED_NAME, &SYNTAX_ERROR],
        );
        assert_eq!(summary(&diags), [], "{path}");
    }
}

#[test]
fn nb011_undefined_names_are_opt_in() {
    let path = "fixtures/python/NB011_undefined_name.ipynb";
    let diags = diagnostics(path, &[&UNDEFINED_NAME]);
    assert_eq!(
        summary(&diags),
        [
            ("NB011".into(), 3, 1, "raw_df".into()),
            ("NB011".into(), 4, 2, "metric_fn".into()),
        ]
    );
    assert!(!UNDEFINED_NAME.default_enabled);
    assert!(
        diagnostics_with(path, &Settings::default())
            .iter()
            .all(|d| d.rule.code != "NB011")
    );
    assert_eq!(
        summary(&diagnostics(
            "fixtures/python/NB011_ok.ipynb",
            &[&UNDEFINED_NAME]
        )),
        []
    );
}

#[test]
fn py000_for_python_files() {
    let diags = diagnostics("fixtures/python/PY000_syntax_error.py", &[&SYNTAX_ERROR]);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].rule.code, "PY000");
    assert!(diags[0].message.starts_with("syntax error: "));
    assert!(SYNTAX_ERROR.default_enabled);
    assert_eq!(
        summary(&diagnostics(
            "fixtures/python/PY000_ok.py",
            &[&SYNTAX_ERROR]
        )),
        []
    );
}

/// A `.py` under a cookiecutter/copier template folder is a template, not Python.
#[test]
fn py000_not_in_project_templates() {
    let path = "fixtures/python/template/{{ cookiecutter.repo_name }}/src/test_pipeline.py";
    assert!(diagnostics(path, &[&SYNTAX_ERROR]).is_empty());
    // The same text outside a template folder does not parse.
    let dir = std::env::temp_dir().join(format!("mlcheck-py000-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("test_pipeline.py");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(path), &copy).unwrap();
    let diags = diagnostics(copy.to_str().unwrap(), &[&SYNTAX_ERROR]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(diags.len(), 1);
}

#[test]
fn py000_in_notebooks_only_when_asked() {
    let path = "fixtures/python/PY000_notebook.ipynb";
    assert_eq!(summary(&diagnostics(path, &[&SYNTAX_ERROR])), []);
    let mut settings = Settings::with_rules(&[&SYNTAX_ERROR]);
    settings.python.notebook_syntax_errors = true;
    let diags = diagnostics_with(path, &settings);
    // One finding for the broken cell; the `%%bash` cell and the magics are fine.
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0]
            .file()
            .location(diags[0].primary.range.start())
            .cell
            .unwrap()
            .cell,
        2
    );
}

#[test]
fn nothing_is_parsed_when_no_rule_needs_it() {
    // With no Python or paths rule selected, a broken file yields nothing at all.
    let settings = Settings::with_rules(&[]);
    assert!(diagnostics_with("fixtures/python/PY000_syntax_error.py", &settings).is_empty());
}

#[test]
fn no_panic_on_hostile_cells() {
    let cells = [
        "%%",
        "%",
        "!",
        "?",
        "??x",
        "%%%",
        "x = !",
        "def",
        "\u{feff}x",
        "\t\t",
        "%%capture",
        "%%time",
        "a = %time",
        "lambda: (yield)",
        "class A(B, metaclass=M): x: int",
        "del (a, b)",
        "match x:\n  case {**rest}: pass",
        "with open(p) as (a, b): pass",
        "print(*a, **b)",
        "f'{x!r:>{w}}'",
        "x = [*a for a in b]",
        "async def f(): [x async for x in y]",
        "global g",
        "nonlocal n",
        "return",
        "import a.b.c as d",
        "from . import *",
    ];
    let mut json_cells = Vec::new();
    for c in cells {
        json_cells.push(format!(
            r#"{{"cell_type": "code", "execution_count": null, "metadata": {{}}, "outputs": [], "source": {}}}"#,
            serde_json::to_string(c).unwrap()
        ));
    }
    let text = format!(
        r#"{{"cells": [{}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#,
        json_cells.join(",")
    );
    let file = Arc::new(SourceFile::new(
        "hostile.ipynb".into(),
        text,
        SourceKind::Notebook,
    ));
    let mut settings = Settings::with_rules(mlcheck::rules::all_rules());
    settings.python.notebook_syntax_errors = true;
    let mut checker = FileChecker::new(&file, &settings);
    check_file(&mut checker);
    assert!(checker.diagnostics.iter().any(|d| d.rule.code == "PY000"));
}

/// Runs over `../shared/corpus` when present: no panic, and counts for the notes.
#[test]
fn corpus_smoke() {
    let Some(corpus) = crate::common::corpus() else {
        return;
    };
    let settings = Settings::with_rules(&[&USED_BEFORE_DEFINED, &SYNTAX_ERROR]);
    let mut files = 0;
    for entry in ignore::WalkBuilder::new(&corpus).build().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "ipynb") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let file = Arc::new(SourceFile::new(
            path.to_path_buf(),
            text,
            SourceKind::Notebook,
        ));
        let mut checker = FileChecker::new(&file, &settings);
        check_file(&mut checker);
        files += 1;
    }
    assert!(files > 0);
}

#[test]
fn imports_command_lists_modules_with_kind_and_line() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .args(["imports", "fixtures/python", "--output-format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = json["files"].as_array().unwrap();
    let nb = files
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .unwrap()
                .ends_with("NB010_used_before_defined.ipynb")
        })
        .unwrap();
    let imports = nb["imports"].as_array().unwrap();
    assert_eq!(imports[0]["module"], "numpy");
    assert_eq!(imports[0]["kind"], "third-party");
    assert_eq!(imports[0]["cell"], 2);
    assert_eq!(imports[0]["line"], 1);
    assert_eq!(imports[1]["module"], "sklearn");
    assert_eq!(imports[1]["name"], "sklearn.linear_model");
    // The TYPE_CHECKING import in the negative fixture is listed like any other.
    let ok = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("NB010_ok.ipynb"))
        .unwrap();
    let kinds: Vec<(&str, &str)> = ok["imports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["module"].as_str().unwrap(), i["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("numpy", "third-party"),
            ("typing", "stdlib"),
            ("pandas", "third-party")
        ]
    );
}
