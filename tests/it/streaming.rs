//! `mlcheck check PATH…` writes findings as it finds them (`pipeline::stream_paths`): each
//! file's findings in path order, a project's `PRJ`/`ENV` findings right after its folder,
//! and a summary from counts. These tests pin that order and that every format still
//! counts and writes the same findings.

use std::path::Path;

use crate::common::{check_json, mlcheck};

/// Two projects, `a/` and `b/`, each with a per-file finding (PTH001) and a project finding
/// (ENV014: `torch` imported, not declared) in the same file.
fn two_projects(dir: &Path) {
    for p in ["a", "b"] {
        std::fs::create_dir_all(dir.join(p).join("src")).unwrap();
        std::fs::write(dir.join(p).join("requirements.txt"), "numpy==1.26.4\n").unwrap();
        std::fs::write(
            dir.join(p).join("src/train.py"),
            "import torch\nimport numpy\nDATA = \"/home/alice/data.csv\"\n",
        )
        .unwrap();
    }
}

#[test]
fn a_projects_findings_follow_its_files_and_precede_the_next_project() {
    let dir = tempfile::tempdir().unwrap();
    two_projects(dir.path());
    let got: Vec<(String, String)> = check_json(dir.path(), &["--select", "PTH001,ENV014", "."])
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("a/src/train.py", "PTH001"),
        ("a/src/train.py", "ENV014"),
        ("b/src/train.py", "PTH001"),
        ("b/src/train.py", "ENV014"),
    ];
    let got: Vec<(&str, &str)> = got.iter().map(|(p, c)| (p.as_str(), c.as_str())).collect();
    assert_eq!(got, want);
}

#[test]
fn every_format_counts_what_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    two_projects(dir.path());
    let sel = ["--select", "PTH001,ENV014"];
    let run = |format: &str| {
        let mut args = vec!["check", "--output-format", format];
        args.extend(sel);
        args.push(".");
        let out = mlcheck(&args, dir.path());
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: findings fail the run"
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let concise = run("concise");
    assert_eq!(
        concise.lines().filter(|l| l.contains(": PTH001 ")).count(),
        2
    );
    assert!(
        concise.ends_with("Found 4 findings (4 warnings), 4 at or above --fail-on=warning.\n"),
        "{concise}"
    );
    let human = run("human");
    assert_eq!(human.matches("ENV014 ").count(), 2, "{human}");
    assert!(human.contains("Found 4 findings (4 warnings)"), "{human}");
    assert_eq!(run("github").lines().count(), 4);
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 4);
    // The JSON array is written a finding at a time, laid out as one pretty array.
    let json = run("json");
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), 4);
    assert!(
        json.starts_with("[\n  {\n    \"code\": \"PTH001\",\n"),
        "{json}"
    );
    assert_eq!(
        json.matches("\n  },\n  {\n    \"code\": ").count(),
        3,
        "{json}"
    );
    assert!(json.ends_with("\n    }\n  }\n]\n"), "{json}");
    // Nothing found: an empty array, as before.
    let clean = mlcheck(
        &["check", "--output-format", "json", "--select", "NB001", "."],
        dir.path(),
    );
    assert_eq!(String::from_utf8(clean.stdout).unwrap(), "[]\n");
}

#[test]
fn the_baseline_hides_findings_file_by_file_and_names_stale_entries() {
    let dir = tempfile::tempdir().unwrap();
    two_projects(dir.path());
    let base = mlcheck(&["baseline", "--select", "PTH001,ENV014", "."], dir.path());
    assert!(
        base.status.success(),
        "{}",
        String::from_utf8_lossy(&base.stderr)
    );
    // Fix one project: its two findings are gone, their two entries are stale.
    std::fs::write(dir.path().join("a/src/train.py"), "import numpy\n").unwrap();
    std::fs::write(
        dir.path().join("b/src/more.py"),
        "DATA = \"/home/bob/x.csv\"\n",
    )
    .unwrap();
    let out = mlcheck(
        &[
            "check",
            "--output-format",
            "json",
            "--select",
            "PTH001,ENV014",
            "--baseline",
            ".mlcheck-baseline.json",
            ".",
        ],
        dir.path(),
    );
    let found: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = found.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["b/src/more.py"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 entries of baseline"), "{stderr}");
}
