//! No secret printed whole, by any pattern, anywhere mlcheck writes: a built-in pattern's
//! key and a `[[secrets.extend-patterns]]` key, in code, in a notebook's output, written
//! `\u0073k-…`-escaped in a notebook's JSON, and in a folder's name, must not appear in
//! human output (colour off and on), JSON, SARIF, GitHub annotations, `fix --diff`,
//! `--history`, config errors or any stderr text. Each check also asserts that the finding
//! was made (a run that finds nothing would pass trivially).

mod common;

use std::path::Path;
use std::process::Command;

use common::git;

/// A GitHub token (built-in pattern) and a key of the user's own pattern.
const GH: &str = "ghp_k8Hq2Wn5Zp9Rt3Yx7Lm1Vb4Nc6Dj0Fg2Hs8Kq";
const ACME: &str = "acme_q7rtyx9pz4lk2mn3vb6hs5dj";
/// Printed in a notebook output, and written escaped (`\u0073k-…`) in a cell's source.
const PRINTED: &str = "sk-proj-Wq3Ht8Zr5Kc2Nv7Lb4Xm9Pd6Fs1Gy0Jt5Qe8Rw2Ua7Io4Sd1Fg6Hj3Kl9Zx";
const ESCAPED: &str = "sk-proj-Mn4Bv8Cx2Za6Sd0Fg5Hj9Kl3Qw7Er1Ty4Ui8Op2As6Df0Gh5Jk9Lz3Xc7Vb";
/// In a folder's name.
const IN_NAME: &str = "ghp_Zp9Rt3Yx7Lm1Vb4Nc6Dj0Fg2Hs8Kqk8Hq2Wn5";

const CONFIG: &str = "[[secrets.extend-patterns]]\nid = \"acme-key\"\ndescription = \"Acme key\"\nregex = 'acme_[a-z0-9]{24}'\nkeywords = [\"acme_\"]\n";

/// The part of each secret that must never be printed (all but a short prefix).
fn bodies() -> Vec<&'static str> {
    [GH, ACME, PRINTED, ESCAPED, IN_NAME]
        .iter()
        .map(|s| &s[8..])
        .collect()
}

fn assert_no_secret(what: &str, text: &str) {
    for body in bodies() {
        assert!(
            !text.contains(body),
            "{what} prints a secret ({body}):\n{text}"
        );
    }
}

fn notebook() -> String {
    // The source holds `\u0073k-proj-…` (an `s` escaped), as some tools write it.
    let escaped = ESCAPED.replacen('s', "\\u0073", 1);
    format!(
        r#"{{
 "cells": [
  {{
   "cell_type": "code",
   "execution_count": 1,
   "id": "a1",
   "metadata": {{}},
   "outputs": [
    {{
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "{PRINTED}\n"
     ]
    }}
   ],
   "source": [
    "key = \"{escaped}\"\n",
    "print(key)"
   ]
  }}
 ],
 "metadata": {{}},
 "nbformat": 4,
 "nbformat_minor": 5
}}
"#
    )
}

fn project(root: &Path) {
    std::fs::write(root.join("mlcheck.toml"), CONFIG).unwrap();
    std::fs::write(
        root.join("app.py"),
        format!("TOKEN = \"{GH}\"\nACME = \"{ACME}\"\nprint(\"{ACME}\", \"{GH}\")\n"),
    )
    .unwrap();
    std::fs::write(root.join("nb.ipynb"), notebook()).unwrap();
    let dir = root.join(IN_NAME);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("train.py"), format!("ACME = \"{ACME}\"\n")).unwrap();
}

/// The findings of a JSON run: (pattern, path) pairs.
fn patterns_found(json: &[u8]) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(json).expect("JSON output");
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["pattern"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn no_output_format_prints_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);

    let json = common::mlcheck(
        &["check", "--select", "SEC", "--output-format", "json", "."],
        root,
    );
    assert_eq!(json.status.code(), Some(1));
    let found = patterns_found(&json.stdout);
    for id in ["github-token", "acme-key", "openai-api-key"] {
        assert!(
            found.iter().any(|(p, _)| p == id),
            "{id} not found: {found:?}"
        );
    }
    // The finding in the folder named by a token is reported, under a masked path.
    assert!(
        found
            .iter()
            .any(|(_, path)| path.starts_with("ghp_") && path.ends_with("/train.py")),
        "{found:?}"
    );
    assert_no_secret("json", &String::from_utf8_lossy(&json.stdout));
    assert_no_secret("json stderr", &String::from_utf8_lossy(&json.stderr));

    for format in ["human", "sarif", "github", "concise", "json-lines"] {
        let out = common::mlcheck(
            &["check", "--select", "SEC", "--output-format", format, "."],
            root,
        );
        if format == "concise" || format == "json-lines" {
            // Formats other helpers may add: checked when they exist.
            if out.status.code() == Some(2) {
                continue;
            }
        }
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("acme-key") || format == "github" && text.contains("acme"),
            "{format}: {text}"
        );
        assert_no_secret(format, &text);
        assert_no_secret(format, &String::from_utf8_lossy(&out.stderr));
    }
    // Other rules' frames of the same lines are masked too.
    let all = common::mlcheck(&["check", "--output-format", "human", "."], root);
    assert_no_secret("human, every rule", &String::from_utf8_lossy(&all.stdout));
}

/// Colour on (a terminal): the masking happens before the theme.
#[test]
fn colour_output_prints_no_secret() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (for a terminal) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let cmd = format!("{} check --select SEC .", env!("CARGO_BIN_EXE_mlcheck"));
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(root)
        .env_remove("NO_COLOR")
        .env_remove("MLCHECK_OUTPUT_FORMAT")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\x1b["), "not coloured: {text}");
    assert!(text.contains("acme-key"), "{text}");
    assert_no_secret("human (colour)", &text);
}

/// `fix --strip-outputs --diff`: removed output lines and a re-serialised source line.
#[test]
fn strip_diff_prints_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let out = common::mlcheck(&["fix", "--strip-outputs", "--diff", "nb.ipynb"], root);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("-      \"sk-p"),
        "the output line is removed: {text}"
    );
    assert_no_secret("fix --diff", &text);
    assert_no_secret("fix --diff stderr", &String::from_utf8_lossy(&out.stderr));
    // A folder named by a token, in the diff's header.
    std::fs::write(root.join(IN_NAME).join("nb.ipynb"), notebook()).unwrap();
    let path = format!("{IN_NAME}/nb.ipynb");
    let out = common::mlcheck(&["fix", "--strip-outputs", "--diff", &path], root);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("+++ b/ghp_"), "{text}");
    assert_no_secret("fix --diff header", &text);
}

/// `--history`: secrets in earlier commits, in JSON and human output.
#[test]
fn history_prints_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    project(root);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "add"]);
    git(root, &["rm", "-q", "-r", "app.py", "nb.ipynb", IN_NAME]);
    git(root, &["commit", "-q", "-m", "remove"]);
    for format in ["json", "human", "sarif", "github"] {
        let out = common::mlcheck(
            &[
                "check",
                "--select",
                "SEC",
                "--history",
                "--output-format",
                format,
                ".",
            ],
            root,
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_secret(format, &String::from_utf8_lossy(&out.stdout));
        assert_no_secret(format, &String::from_utf8_lossy(&out.stderr));
    }
}

/// A key pasted into `mlcheck.toml` as an unknown key or as a wrong-typed value is not
/// quoted whole in the error.
#[test]
fn config_errors_print_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("a.py"), "x = 1\n").unwrap();
    for config in [
        format!("{GH} = 1\n"),
        format!("[secrets]\nmax-file-size = \"{GH}\"\n"),
        format!("select = [\"{GH}\"]\n"),
    ] {
        std::fs::write(root.join("mlcheck.toml"), &config).unwrap();
        let out = common::mlcheck(&["check", "."], root);
        assert_eq!(out.status.code(), Some(2), "{config}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("ghp_"),
            "the error still points at the key: {err}"
        );
        assert_no_secret("config error", &err);
    }
}
