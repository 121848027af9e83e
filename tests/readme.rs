//! Every example in the README runs as written: each `mlcheck …` line of its `sh` blocks, in
//! order, in a scratch git repository holding the demo project (exit 0 or 1, never a usage
//! error, a bad-config error or a panic), and each `toml` block is a config mlcheck accepts.
//! (The pre-commit snippet is run by `tests/e2e/pre-commit.sh`; the pull-request workflow is
//! validated against GitHub's schema by `.ci/lint-release.sh`; `pip`/`pipx`/`uv`/`cargo`
//! lines by the end-to-end test and `.ci/run` themselves.)

use std::path::{Path, PathBuf};
use std::process::Command;

const MLCHECK: &str = env!("CARGO_BIN_EXE_mlcheck");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fenced blocks of `lang` in the README, each as its lines.
fn blocks(lang: &str) -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in readme.lines() {
        match &mut current {
            None if line.trim_end() == format!("```{lang}") => current = Some(Vec::new()),
            Some(lines) if line.starts_with("```") => {
                out.push(std::mem::take(lines));
                current = None;
            }
            Some(lines) => lines.push(line.to_string()),
            None => {}
        }
    }
    out
}

/// The command of an example line, without its trailing `# comment`.
fn command(line: &str) -> Option<String> {
    let line = line.trim();
    if !line.starts_with("mlcheck ") && line != "mlcheck" {
        return None;
    }
    let cmd = match line.find("  #").or_else(|| line.find(" # ")) {
        Some(i) => &line[..i],
        None => line,
    };
    Some(cmd.trim().to_string())
}

fn git(dir: &Path, home: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
        .env("GIT_AUTHOR_NAME", "Dev")
        .env("GIT_AUTHOR_EMAIL", "dev@example.com")
        .env("GIT_COMMITTER_NAME", "Dev")
        .env("GIT_COMMITTER_EMAIL", "dev@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn every_mlcheck_line_of_the_readme_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&home).unwrap();
    copy_dir(&root().join("fixtures/demo"), &repo);
    let demo_nb = repo.join("train.ipynb");
    std::fs::create_dir_all(repo.join("notebooks")).unwrap();
    for name in ["nb.ipynb", "in.ipynb", "notebooks/eda.ipynb"] {
        std::fs::copy(&demo_nb, repo.join(name)).unwrap();
    }
    copy_dir(&root().join("fixtures/demo"), &repo.join("fixtures/demo"));
    git(&repo, &home, &["init", "-q"]);
    git(&repo, &home, &["add", "-A"]);
    git(&repo, &home, &["commit", "-q", "-m", "demo"]);

    let bin = Path::new(MLCHECK).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for block in blocks("sh") {
        for line in block {
            let Some(cmd) = command(&line) else { continue };
            let out = Command::new("sh")
                .arg("-c")
                .arg(&cmd)
                .current_dir(&repo)
                .env("PATH", &path)
                .env("HOME", &home)
                .env("NO_COLOR", "1")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", home.join(".gitconfig"))
                .env_remove("MLCHECK_OUTPUT_FORMAT")
                .env_remove("GITHUB_ACTIONS")
                .env_remove("PRE_COMMIT")
                .env_remove("GIT_DIR")
                .env_remove("GIT_INDEX_FILE")
                .output()
                .expect("sh runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0 | 1)) && !stderr.contains("panicked"),
                "README example `{cmd}` exited {:?}:\n{}{stderr}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout)
            );
            ran += 1;
        }
    }
    assert!(ran >= 25, "only {ran} README examples found");
    // The examples did what they say: the SARIF report was written, the baseline recorded.
    assert!(repo.join(".mlcheck-baseline.json").is_file());
    assert!(repo.join("report.sarif").is_file() || repo.join("mlcheck.sarif").is_file());
}

#[test]
fn every_toml_block_of_the_readme_is_a_valid_config() {
    let blocks = blocks("toml");
    assert!(!blocks.is_empty());
    for block in blocks {
        let text = block.join("\n");
        let dir = tempfile::tempdir().unwrap();
        let file = if text.contains("[tool.mlcheck") {
            "pyproject.toml"
        } else {
            "mlcheck.toml"
        };
        std::fs::write(dir.path().join(file), &text).unwrap();
        let out = Command::new(MLCHECK)
            .args(["check", "--exit-zero", "."])
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("mlcheck runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "README config block rejected:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
