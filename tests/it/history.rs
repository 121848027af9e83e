//! `mlcheck check --history`: every branch and tag is history, not only `HEAD`.

use std::path::Path;
use std::process::Command;

use crate::common::git;

fn history_json(dir: &Path) -> (Option<i32>, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .args([
            "check",
            "--select",
            "SEC",
            "--history",
            "--output-format",
            "json",
        ])
        .arg(dir)
        .output()
        .expect("mlcheck runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code(), json, text)
}

/// A key pushed on an experiment branch that was never merged, and one on a commit only a
/// tag still reaches, are leaked like any other: both are found, from `main`.
#[test]
fn keys_on_unmerged_branches_and_tags_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("README.md"), "# demo\n").unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "init"]);

    let branch_key = "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";
    git(root, &["checkout", "-q", "-b", "experiment"]);
    std::fs::write(root.join("train.py"), format!("TOKEN = \"{branch_key}\"\n")).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "try a model"]);

    let tag_key = "ghp_R4nd0mT0k3nV4lu3Xq8sLm2Np9Wz7Kc5Jb1H";
    git(root, &["checkout", "-q", "-b", "release-tmp", "main"]);
    std::fs::write(root.join("deploy.py"), format!("GH = \"{tag_key}\"\n")).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "release"]);
    git(root, &["tag", "v0.1"]);
    git(root, &["checkout", "-q", "main"]);
    git(root, &["branch", "-q", "-D", "release-tmp"]);
    assert!(!root.join("train.py").exists() && !root.join("deploy.py").exists());

    let (code, json, text) = history_json(root);
    assert_eq!(code, Some(1), "{text}");
    let paths: Vec<&str> = json
        .as_array()
        .expect("a JSON array")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(paths.contains(&"train.py"), "{text}");
    assert!(paths.contains(&"deploy.py"), "{text}");
    assert!(
        !text.contains(branch_key) && !text.contains(tag_key),
        "{text}"
    );
}

/// A repository without commits has no history: a clean run, not an error.
#[test]
fn an_empty_repository_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let (code, json, text) = history_json(dir.path());
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(json, serde_json::json!([]));
}

/// Each leaked key is reported once, at the commit that introduced it, however many later
/// commits still carry it unchanged (deep in a folder no later commit touches); `--since` a
/// commit that already held it reports nothing, even when later commits change its folder.
#[test]
fn a_key_is_reported_once_at_the_commit_that_added_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q", "-b", "main"]);
    let key = "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";
    std::fs::create_dir_all(root.join("src/deep/er")).unwrap();
    std::fs::write(root.join("src/deep/er/conf.py"), format!("T = \"{key}\"\n")).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "add the key"]);
    let added = git2::Repository::open(root)
        .unwrap()
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    for i in 0..3 {
        std::fs::write(root.join("src/deep/other.py"), format!("x = {i}\n")).unwrap();
        git(root, &["add", "."]);
        git(root, &["commit", "-q", "-m", "change a sibling"]);
    }

    let (code, json, text) = history_json(root);
    assert_eq!(code, Some(1), "{text}");
    let found = json.as_array().expect("a JSON array");
    assert_eq!(found.len(), 1, "{text}");
    assert_eq!(found[0]["path"], "src/deep/er/conf.py", "{text}");
    assert_eq!(found[0]["properties"]["commit"], added.as_str(), "{text}");

    let out = Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .args(["check", "--select", "SEC", "--history", "--since"])
        .arg(&added)
        .args(["--output-format", "json"])
        .arg(root)
        .output()
        .expect("mlcheck runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains("hf_"), "{text}");
}
