//! `mlcheck::git::staged_sources`: what `check --staged` reads is the index, not the working
//! tree. Repositories are made with the `git` CLI in a temporary folder.

use std::fs;
use std::path::PathBuf;

use crate::common::git;
use mlcheck::git::staged_sources;

fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["config", "user.name", "Test"]);
    git(tmp.path(), &["config", "user.email", "test@example.com"]);
    tmp
}

fn as_text(files: &[(PathBuf, Vec<u8>)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(p, b)| {
            (
                p.display().to_string(),
                String::from_utf8_lossy(b).into_owned(),
            )
        })
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn reads_the_staged_blob_not_the_working_file() {
    let tmp = repo();
    let dir = tmp.path();
    fs::write(dir.join("train.py"), "staged = 1\n").unwrap();
    git(dir, &["add", "train.py"]);
    fs::write(dir.join("train.py"), "working_tree = 2\n").unwrap();
    // Untracked files are not staged.
    fs::write(dir.join("notes.txt"), "untracked\n").unwrap();
    let files = staged_sources(dir).unwrap();
    assert_eq!(as_text(&files), pairs(&[("train.py", "staged = 1\n")]));
}

#[test]
fn lists_only_what_changed_since_head_and_skips_deletions() {
    let tmp = repo();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("src")).unwrap();
    fs::write(dir.join("keep.py"), "a = 1\n").unwrap();
    fs::write(dir.join("gone.py"), "b = 1\n").unwrap();
    fs::write(dir.join("src/edit.py"), "c = 1\n").unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "one"]);

    fs::write(dir.join("src/edit.py"), "c = 2\n").unwrap();
    fs::write(dir.join("new.ipynb"), "{}\n").unwrap();
    git(dir, &["add", "src/edit.py", "new.ipynb"]);
    git(dir, &["rm", "-q", "gone.py"]);
    let files = staged_sources(dir).unwrap();
    assert_eq!(
        as_text(&files),
        pairs(&[("new.ipynb", "{}\n"), ("src/edit.py", "c = 2\n")])
    );
}

#[test]
fn works_from_a_subfolder_and_gives_repo_relative_paths() {
    let tmp = repo();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("a/b")).unwrap();
    fs::write(dir.join("a/b/x.py"), "x = 1\n").unwrap();
    git(dir, &["add", "."]);
    let files = staged_sources(&dir.join("a/b")).unwrap();
    assert_eq!(as_text(&files), pairs(&[("a/b/x.py", "x = 1\n")]));
}

#[test]
fn skips_submodules_and_symbolic_links() {
    let tmp = repo();
    let dir = tmp.path();
    fs::write(dir.join("real.py"), "r = 1\n").unwrap();
    git(dir, &["add", "real.py"]);
    // A gitlink (submodule entry) pointing at some commit id.
    git(
        dir,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            "160000,1111111111111111111111111111111111111111,vendor/lib",
        ],
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("real.py", dir.join("link.py")).unwrap();
        git(dir, &["add", "link.py"]);
    }
    let files = staged_sources(dir).unwrap();
    assert_eq!(as_text(&files), pairs(&[("real.py", "r = 1\n")]));
}

#[test]
fn an_empty_index_has_nothing_staged() {
    let tmp = repo();
    assert!(staged_sources(tmp.path()).unwrap().is_empty());
}

#[test]
fn outside_a_repository_is_an_error_naming_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let err = staged_sources(tmp.path()).unwrap_err().to_string();
    assert!(err.contains("not a git repository"), "{err}");
}

/// `check --staged` runs the project rules of the staged files' projects (from the working
/// tree), beside the per-file rules on the staged blobs; with nothing staged it runs none.
#[test]
fn check_staged_runs_the_project_rules_of_staged_files() {
    let tmp = repo();
    let dir = tmp.path();
    fs::write(
        dir.join("MLproject"),
        "name: churn\npython_env: python_env.yaml\nentry_points:\n  main:\n    command: \"python train.py --seed {seed}\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("python_env.yaml"),
        "python: \"3.11\"\ndependencies:\n  - mlflow==2.9.2\n",
    )
    .unwrap();
    fs::write(dir.join("train.py"), "import mlflow\n").unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "init"]);

    let staged = || {
        crate::common::mlcheck(
            &[
                "check",
                "--staged",
                "--select",
                "PRJ011,PTH001",
                "--output-format",
                "json",
            ],
            dir,
        )
    };
    let codes = |out: &std::process::Output| -> Vec<String> {
        let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        v.iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap(),
                    d["path"].as_str().unwrap()
                )
            })
            .collect()
    };
    // Nothing staged: nothing checked.
    let out = staged();
    assert_eq!(codes(&out), Vec::<String>::new());
    assert_eq!(out.status.code(), Some(0));

    // A staged change to the script: its blob is checked (a hard-coded path), and so is
    // its project (the MLproject's undeclared `{seed}`).
    fs::write(
        dir.join("train.py"),
        "import mlflow\ndata = open(\"/home/alice/data.csv\")\n",
    )
    .unwrap();
    git(dir, &["add", "train.py"]);
    let out = staged();
    assert_eq!(codes(&out), ["PRJ011 MLproject", "PTH001 train.py"]);
    assert_eq!(out.status.code(), Some(1));
}
