//! The command line end to end: exit codes, selection flags, config errors, and bad input
//! that must give a clear message and never a panic or a hang.

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::mlcheck;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const CLEAN_NB: &str = r#"{"cells": [{"cell_type": "code", "execution_count": null, "id": "0", "metadata": {}, "outputs": [], "source": ["x = 1\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"#;

#[test]
fn exit_codes_clean_findings_and_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.ipynb"), CLEAN_NB).unwrap();
    let out = mlcheck(&["check", "clean.ipynb"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    let fixtures = root().join("fixtures/notebook");
    let out = mlcheck(
        &["check", "--select", "NB001", "NB001_out_of_order.ipynb"],
        &fixtures,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).0.contains("NB001"));

    let out = mlcheck(
        &[
            "check",
            "--select",
            "NB001",
            "--exit-zero",
            "NB001_out_of_order.ipynb",
        ],
        &fixtures,
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn select_ignore_by_code_prefix_and_name() {
    let fixtures = root().join("fixtures/notebook");
    let codes = |args: &[&str]| {
        let mut full = vec!["check", "--output-format", "json"];
        full.extend_from_slice(args);
        full.push("NB006_gap.ipynb");
        let out = mlcheck(&full, &fixtures);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("json output: {e}: {:?}", text(&out)));
        let mut codes: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect();
        codes.dedup();
        codes
    };
    // NB006 is not selected by default.
    assert!(!codes(&[]).contains(&"NB006".to_string()));
    assert_eq!(codes(&["--select", "NB006"]), ["NB006"]);
    assert_eq!(codes(&["--select", "execution-count-gap"]), ["NB006"]);
    assert!(codes(&["--extend-select", "NB00"]).contains(&"NB006".to_string()));
    assert!(
        codes(&["--select", "NB", "--ignore", "NB006,NB003"])
            .iter()
            .all(|c| c != "NB006" && c != "NB003")
    );
}

#[test]
fn unknown_rule_is_a_usage_error() {
    let out = mlcheck(
        &["check", "--select", "NB999", "."],
        &root().join("fixtures/notebook"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("unknown rule or prefix `NB999`"));
}

#[test]
fn config_errors_name_the_file_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mlcheck.toml"),
        "select = [\"NB\"]\nnot-a-key = 1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.ipynb"), CLEAN_NB).unwrap();
    let out = mlcheck(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out).1;
    assert!(
        err.contains("mlcheck.toml") && err.contains("not-a-key") && err.contains("line 2"),
        "{err}"
    );

    std::fs::write(dir.path().join("mlcheck.toml"), "\nignore = [\"NOPE1\"]\n").unwrap();
    let err = text(&mlcheck(&["check", "."], dir.path())).1;
    assert!(
        err.contains("mlcheck.toml:2") && err.contains("NOPE1"),
        "{err}"
    );
}

#[test]
fn config_from_pyproject_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.mlcheck]\nselect = [\"NB001\"]\n",
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/notebook/NB002_outputs.ipynb"),
        dir.path().join("nb.ipynb"),
    )
    .unwrap();
    // NB002 would fire, but the config selects only NB001.
    assert_eq!(
        mlcheck(&["check", "nb.ipynb"], dir.path()).status.code(),
        Some(0)
    );
    // The flag beats the file.
    assert_eq!(
        mlcheck(&["check", "--select", "NB002", "nb.ipynb"], dir.path())
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn excludes_and_force_exclude() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scratch")).unwrap();
    std::fs::copy(
        root().join("fixtures/notebook/NB002_outputs.ipynb"),
        dir.path().join("scratch/nb.ipynb"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mlcheck.toml"),
        "extend-exclude = [\"scratch\"]\n",
    )
    .unwrap();
    // Walked: excluded.
    assert_eq!(mlcheck(&["check", "."], dir.path()).status.code(), Some(0));
    // Named explicitly: checked, unless --force-exclude.
    assert_eq!(
        mlcheck(&["check", "scratch/nb.ipynb"], dir.path())
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        mlcheck(
            &["check", "--force-exclude", "scratch/nb.ipynb"],
            dir.path()
        )
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn gitignore_and_skipped_folders_are_honoured() {
    let dir = tempfile::tempdir().unwrap();
    let bad = root().join("fixtures/notebook/NB002_outputs.ipynb");
    for sub in ["ignored", ".ipynb_checkpoints", "venv", "node_modules"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
        std::fs::copy(&bad, dir.path().join(sub).join("nb.ipynb")).unwrap();
    }
    std::fs::write(dir.path().join("venv/pyvenv.cfg"), "home = /usr/bin\n").unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    let out = mlcheck(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
}

#[test]
fn suppression_comments_and_cell_tags() {
    let dir = tempfile::tempdir().unwrap();
    let nb = r##"{"cells": [
      {"cell_type": "code", "execution_count": 2, "id": "a", "metadata": {"tags": ["mlcheck-ignore:NB002"]}, "outputs": [{"name": "stdout", "output_type": "stream", "text": ["x\n"]}], "source": ["print('x')\n"]},
      {"cell_type": "code", "execution_count": 1, "id": "b", "metadata": {}, "outputs": [], "source": ["# mlcheck: file-ignore[NB003, out-of-order-execution]\n"]}
    ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}"##;
    std::fs::write(dir.path().join("nb.ipynb"), nb).unwrap();
    let out = mlcheck(
        &["check", "--select", "NB001,NB002,NB003", "nb.ipynb"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    // Without the suppressions all three fire.
    std::fs::write(
        dir.path().join("nb.ipynb"),
        nb.replace("mlcheck-ignore:NB002", "other")
            .replace("file-ignore", "nothing"),
    )
    .unwrap();
    let (stdout, _) = text(&mlcheck(
        &["check", "--select", "NB001,NB002,NB003", "nb.ipynb"],
        dir.path(),
    ));
    for code in ["NB001", "NB002", "NB003"] {
        assert!(stdout.contains(code), "{code} missing in {stdout}");
    }
}

#[test]
fn rules_and_rule_commands() {
    let out = mlcheck(&["rules", "--output-format", "json"], &root());
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nb001 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "NB001")
        .unwrap();
    assert_eq!(nb001["name"], "out-of-order-execution");
    assert_eq!(nb001["domain"], "notebook");
    assert_eq!(nb001["default-severity"], "error");
    let out = mlcheck(&["rule", "NB001"], &root());
    assert!(text(&out).0.contains("## Why is this bad?"));
    assert_eq!(mlcheck(&["rule", "NOPE"], &root()).status.code(), Some(2));
}

/// A hook meets all of this in real repositories: each bad file is reported with its path
/// and reason, the others are still checked, and nothing panics or hangs.
#[test]
fn bad_input_is_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("truncated.ipynb"), &CLEAN_NB[..60]).unwrap();
    std::fs::copy(
        root().join("fixtures/notebook/NB000_merge_conflict.ipynb"),
        p.join("conflict.ipynb"),
    )
    .unwrap();
    std::fs::write(p.join("array.ipynb"), "[1, 2]").unwrap();
    std::fs::write(p.join("empty_object.ipynb"), "{}").unwrap();
    std::fs::write(p.join("empty.ipynb"), "").unwrap();
    std::fs::write(p.join("binary.ipynb"), [0u8, 159, 146, 150, 0, 1, 2, 255]).unwrap();
    std::fs::write(
        p.join("latin1.ipynb"),
        b"{\"cells\": [], \"x\": \"caf\xe9\"}",
    )
    .unwrap();
    std::fs::write(p.join("deep.ipynb"), "[".repeat(100_000)).unwrap();
    std::fs::write(p.join("latin1.py"), b"s = 'caf\xe9'\n").unwrap();
    std::fs::write(p.join("good.ipynb"), CLEAN_NB).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop_b.ipynb", p.join("loop_a.ipynb")).unwrap();
        std::os::unix::fs::symlink("loop_a.ipynb", p.join("loop_b.ipynb")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", p.join("outside.ipynb")).unwrap();
    }
    let out = mlcheck(
        &["check", "--select", "NB000", "--output-format", "json", "."],
        p,
    );
    let (stdout, stderr) = text(&out);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let found = |name: &str| -> String {
        v.as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"].as_str().unwrap_or("").ends_with(name))
            .map(|d| d["message"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no finding for {name} in {stdout}"))
    };
    assert!(found("truncated.ipynb").contains("truncated"));
    assert!(found("conflict.ipynb").contains("merge conflict"));
    assert!(found("array.ipynb").contains("array"));
    assert!(found("empty_object.ipynb").contains("no `cells`"));
    assert!(found("empty.ipynb").contains("truncated"));
    assert!(found("binary.ipynb").contains("binary"));
    assert!(found("latin1.ipynb").contains("UTF-8"));
    assert!(found("deep.ipynb").contains("nesting"));
    // The non-UTF-8 Python file is not an error (it is an MLC002 finding, not selected
    // here; it is still checked, see `non_utf8_text_is_still_scanned`); the walk never
    // followed the symlinks (no loop, nothing outside the tree read).
    assert!(!stderr.contains("latin1.py"), "{stderr}");
    assert!(
        !stdout.contains("loop_a") && !stdout.contains("outside"),
        "{stdout}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "bad files are findings, not a failed run"
    );
}

/// Text in another encoding is still read (each invalid byte as `?`, so positions are the
/// file's own): a key in a Latin-1 Python file is found, and the encoding is reported as an
/// `MLC002` finding naming the byte. A file of a kind mlcheck does not know, named on the
/// command line, is read quietly.
#[test]
fn non_utf8_text_is_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let key = "ghp_Qm3xL9vT2pR8kW5nB7cY1dF4gH6jK0sZaE2i";
    std::fs::write(
        p.join("latin1.py"),
        [&b"# caf\xe9\ntoken = \""[..], key.as_bytes(), b"\"\n"].concat(),
    )
    .unwrap();
    std::fs::write(
        p.join("notes"),
        [&b"r\xe9sum\xe9 token="[..], key.as_bytes(), b"\n"].concat(),
    )
    .unwrap();
    let out = mlcheck(
        &[
            "check",
            "--select",
            "SEC,MLC",
            "--output-format",
            "json",
            "latin1.py",
        ],
        p,
    );
    let (stdout, stderr) = text(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let d = &v[0];
    assert_eq!(d["code"], "MLC002", "{stdout}");
    assert_eq!(d["location"], serde_json::json!({"line": 1, "column": 6}));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("0xe9 at byte 5: the file looks like Latin-1"),
        "{stdout}"
    );
    let d = &v[1];
    assert_eq!(d["code"], "SEC001", "{stdout}");
    assert_eq!(d["location"], serde_json::json!({"line": 2, "column": 10}));
    assert!(!stdout.contains(key));
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
    // A finding like any other: `--exit-zero` and `--ignore` apply to it.
    let out = mlcheck(&["check", "--select", "MLC", "--exit-zero", "latin1.py"], p);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.contains("MLC002"));
    let out = mlcheck(
        &[
            "check",
            "--select",
            "MLC",
            "--ignore",
            "MLC002",
            "latin1.py",
        ],
        p,
    );
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));

    let out = mlcheck(&["check", "--select", "SEC", "notes"], p);
    let (stdout, stderr) = text(&out);
    assert!(stdout.contains("github-token"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn explicitly_named_broken_paths() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop_b.ipynb", p.join("loop_a.ipynb")).unwrap();
        std::os::unix::fs::symlink("loop_a.ipynb", p.join("loop_b.ipynb")).unwrap();
    }
    std::fs::write(p.join("good.ipynb"), CLEAN_NB).unwrap();
    let out = mlcheck(&["check", "missing.ipynb", "loop_a.ipynb", "good.ipynb"], p);
    let (stdout, stderr) = text(&out);
    // A missing named path is bad usage (exit 2); a named symlink is never followed and is
    // reported as an MLC001 finding.
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("missing.ipynb: no such file or directory"),
        "{stderr}"
    );
    #[cfg(unix)]
    assert!(
        stdout.contains("loop_a.ipynb")
            && stdout.contains("MLC001")
            && stdout.contains("symbolic link"),
        "{stdout}"
    );
    assert!(!stderr.contains("panicked"));
}

#[test]
fn unreadable_file_is_a_finding() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("secret.ipynb");
        std::fs::write(&f, CLEAN_NB).unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read(&f).is_ok() {
            eprintln!("running as root: permissions do not stop reads; skipping");
            return;
        }
        let out = mlcheck(&["check", "."], dir.path());
        assert_eq!(out.status.code(), Some(1));
        let stdout = text(&out).0;
        assert!(
            stdout.contains("MLC001") && stdout.contains("cannot read: permission denied"),
            "{stdout}"
        );
        let out = mlcheck(&["check", "--exit-zero", "."], dir.path());
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn a_50_mb_output_is_checked_without_trouble() {
    let dir = tempfile::tempdir().unwrap();
    let big = "A".repeat(50 * 1024 * 1024);
    let nb = format!(
        r#"{{"cells": [{{"cell_type": "code", "execution_count": 1, "id": "0", "metadata": {{}}, "outputs": [{{"data": {{"image/png": "{big}"}}, "metadata": {{}}, "output_type": "display_data"}}], "source": ["plot()"]}}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#
    );
    std::fs::write(dir.path().join("big.ipynb"), nb).unwrap();
    let out = mlcheck(&["check", "--select", "NB008", "big.ipynb"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).0.contains("NB008"));
}

/// Files named explicitly are read as text whatever their extension (a secret in a `.go`
/// or `.js` file must not slip through a hook); walked directories keep to known kinds.
#[test]
fn explicitly_named_unknown_extensions_are_read_as_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("deploy.js"),
        "const k = \"AKIAIOSFODNN7EXAMPL3\";\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("blob.bin"), [0u8, 1, 2, 3]).unwrap();
    let out = mlcheck(
        &["check", "--select", "SEC", "deploy.js", "blob.bin"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    assert!(text(&out).0.contains("SEC001"));
    assert!(
        !text(&out).0.contains("AKIAIOSFODNN7EXAMPL3"),
        "the secret is redacted"
    );
    let out = mlcheck(&["check", "--select", "SEC", "."], dir.path());
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
}

/// `--output-file` puts the whole report in the file (folders created), nothing on stdout,
/// and the exit code still says whether there were findings.
#[test]
fn output_file_holds_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("reports/ci/mlcheck.sarif");
    let fixtures = root().join("fixtures/notebook");
    let out = mlcheck(
        &[
            "check",
            "--select",
            "NB001",
            "--output-format",
            "sarif",
            "--output-file",
            report.to_str().unwrap(),
            "NB001_out_of_order.ipynb",
        ],
        &fixtures,
    );
    assert_eq!(out.status.code(), Some(1), "{:?}", text(&out));
    assert!(out.stdout.is_empty(), "{:?}", text(&out));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "NB001");
    // Only the report is left in the folder (no temporary file).
    let names: Vec<_> = std::fs::read_dir(report.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["mlcheck.sarif"]);

    // A path that cannot be written is an error (exit 2) naming it.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let bad = blocker.join("x.json");
    let out = mlcheck(
        &[
            "check",
            "--output-file",
            bad.to_str().unwrap(),
            "NB001_ok.ipynb",
        ],
        &fixtures,
    );
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    assert!(
        text(&out).1.contains("cannot write the report"),
        "{:?}",
        text(&out)
    );
}
