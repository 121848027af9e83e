//! `mlcheck::git::staged_sources`: what `check --staged` reads is the index, not the working
//! tree. Repositories are made with the `git` CLI in a temporary folder.

mod common;

use std::fs;
use std::path::PathBuf;

use common::git;
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
