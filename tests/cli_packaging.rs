//! What a new user meets first: `--version`, shell completions, `--help` on one screen,
//! `--fail-on`, the concise format, the summary's exact fix command (and the strip hook under
//! pre-commit), `check --fix`, `mlcheck init`, the GitHub job summary, and the plain-git
//! hook's message when it blocks a commit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MLCHECK: &str = env!("CARGO_BIN_EXE_mlcheck");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `mlcheck ARGS` in `cwd` with a neutral environment (no colour, not under pre-commit or
/// GitHub Actions) plus `env`.
fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(MLCHECK);
    cmd.args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("MLCHECK_OUTPUT_FORMAT")
        .env_remove("PRE_COMMIT")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("mlcheck runs")
}

fn run(args: &[&str], cwd: &Path) -> Output {
    run_env(args, cwd, &[])
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn both(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const OUTPUTS_NB: &str = r#"{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "a1",
   "metadata": {},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["2\n"]}],
   "source": ["print(1 + 1)"]
  }
 ],
 "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"#;

/// A folder with two notebooks with outputs (one in a sub-folder with a space in its name)
/// and a config selecting only the notebook rules.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("my notebooks")).unwrap();
    std::fs::write(dir.path().join("a.ipynb"), OUTPUTS_NB).unwrap();
    std::fs::write(dir.path().join("my notebooks/b.ipynb"), OUTPUTS_NB).unwrap();
    std::fs::write(dir.path().join("mlcheck.toml"), "select = [\"NB\"]\n").unwrap();
    dir
}

#[test]
fn version_is_the_crate_version() {
    let out = run(&["--version"], &root());
    assert_eq!(
        stdout(&out).trim(),
        format!("mlcheck {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_for_every_shell_and_bash_loads_them() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell], &root());
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", both(&out));
        let script = stdout(&out);
        assert!(script.contains("mlcheck"), "{shell}: {script}");
        assert!(script.contains("fail-on"), "{shell}: no check options");
    }
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source <('{MLCHECK}' completions bash) && complete -p mlcheck"
        ))
        .output()
        .expect("bash runs");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("-F _mlcheck mlcheck"),
        "{}",
        both(&out)
    );
    let bad = run(&["completions", "tcsh"], &root());
    assert_eq!(bad.status.code(), Some(2));
}

/// `mlcheck SUB --help` fits one 50-line screen, for every subcommand.
#[test]
fn help_fits_one_screen_per_subcommand() {
    let top = stdout(&run(&["--help"], &root()));
    assert!(top.lines().count() <= 50, "{top}");
    let subs = [
        "check",
        "fix",
        "rule",
        "rules",
        "baseline",
        "install",
        "uninstall",
        "imports",
        "init",
        "completions",
    ];
    for sub in subs {
        assert!(top.contains(sub), "`mlcheck --help` does not list {sub}");
        let help = stdout(&run(&[sub, "--help"], &root()));
        assert!(
            help.lines().count() <= 50,
            "`mlcheck {sub} --help` is {} lines:\n{help}",
            help.lines().count()
        );
    }
}

#[test]
fn fail_on_sets_the_least_severe_finding_that_fails() {
    let fixtures = root().join("fixtures/notebook");
    // NB006 is an info rule (opt-in): reported, but below the default threshold.
    let args = ["check", "--select", "NB006", "NB006_gap.ipynb"];
    let out = run(&args, &fixtures);
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(stdout(&out).contains("NB006"));
    assert!(
        stdout(&out).contains("none at or above --fail-on=warning: passing"),
        "{}",
        stdout(&out)
    );
    let out = run(&[&args[..], &["--fail-on", "info"]].concat(), &fixtures);
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(
        stdout(&out).contains("3 at or above --fail-on=info"),
        "{}",
        stdout(&out)
    );

    // `fail-on` in the config; the flag beats it.
    let dir = project();
    std::fs::write(
        dir.path().join("mlcheck.toml"),
        "select = [\"NB\"]\nfail-on = \"error\"\n",
    )
    .unwrap();
    let out = run(&["check", "a.ipynb"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(stdout(&out).contains("--fail-on=error"), "{}", stdout(&out));
    let out = run(&["check", "--fail-on", "warning", "a.ipynb"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    std::fs::write(dir.path().join("mlcheck.toml"), "fail-on = \"loud\"\n").unwrap();
    let out = run(&["check", "a.ipynb"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", both(&out));
    assert!(both(&out).contains("mlcheck.toml"), "{}", both(&out));
}

#[test]
fn concise_is_one_line_per_finding_then_the_summary() {
    let dir = project();
    let out = run(&["check", "--output-format", "concise"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let json = run(&["check", "--output-format", "json"], dir.path());
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let n = findings.as_array().unwrap().len();
    let lines: Vec<&str> = text.lines().collect();
    assert!(n >= 4, "{text}");
    for line in &lines[..n] {
        assert!(
            line.starts_with("a.ipynb:cell 1") || line.starts_with("my notebooks/b.ipynb:cell 1"),
            "{line}"
        );
        assert!(line.contains(" [warning] "), "{line}");
    }
    assert!(
        lines[n].starts_with(&format!("Found {n} findings")),
        "{text}"
    );
}

#[test]
fn the_summary_names_the_fix_command_with_its_paths() {
    let dir = project();
    let out = run(&["check"], dir.path());
    let text = stdout(&out);
    assert!(
        text.contains("`mlcheck fix --strip-outputs a.ipynb 'my notebooks/b.ipynb'`"),
        "{text}"
    );
    // Under pre-commit it names the strip hook.
    let out = run_env(&["check", "a.ipynb"], dir.path(), &[("PRE_COMMIT", "1")]);
    let text = stdout(&out);
    assert!(text.contains("`mlcheck-strip` hook"), "{text}");
    assert!(
        text.contains("pre-commit run mlcheck-strip --files a.ipynb"),
        "{text}"
    );
}

#[test]
fn check_fix_strips_only_the_notebooks_with_findings_and_reports_the_rest() {
    let dir = project();
    // A notebook outside the checked path keeps its outputs.
    std::fs::write(dir.path().join("other.ipynb"), OUTPUTS_NB).unwrap();
    let out = run(&["check", "--fix", "a.ipynb", "my notebooks"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(
        both(&out).contains("fixed 4 findings by stripping 2 notebooks"),
        "{}",
        both(&out)
    );
    assert!(
        stdout(&out).contains("All checks passed."),
        "{}",
        both(&out)
    );
    for nb in ["a.ipynb", "my notebooks/b.ipynb"] {
        let text = std::fs::read_to_string(dir.path().join(nb)).unwrap();
        assert!(text.contains("\"outputs\": []"), "{nb}: {text}");
        assert!(text.contains("print(1 + 1)"), "{nb}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("other.ipynb")).unwrap(),
        OUTPUTS_NB
    );
    // What cannot be fixed is still reported, and fails.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/python/NB010_used_before_defined.ipynb"),
        tmp.path().join("nb.ipynb"),
    )
    .unwrap();
    let out = run(
        &["check", "--fix", "--select", "NB010", "nb.ipynb"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    assert!(stdout(&out).contains("NB010"));
    assert!(
        run(&["check", "--fix", "--staged"], tmp.path())
            .status
            .code()
            == Some(2)
    );
}

#[test]
fn init_writes_a_config_that_mlcheck_reads_and_prints_the_snippets() {
    let dir = project();
    std::fs::remove_file(dir.path().join("mlcheck.toml")).unwrap();
    let out = run(&["init"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let text = stdout(&out);
    assert!(text.contains("Wrote ./mlcheck.toml"), "{text}");
    assert!(text.contains("- id: mlcheck-strip"), "{text}");
    assert!(
        text.contains(&format!("rev: v{}", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains("runs-on: ubuntu-latest"), "{text}");
    let config = std::fs::read_to_string(dir.path().join("mlcheck.toml")).unwrap();
    assert!(config.contains("fail-on = \"warning\""), "{config}");
    // The written file is the config `check` uses (a bad key would be exit 2).
    let out = run(&["check", "--fail-on", "info"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", both(&out));
    // Twice: refused without --force.
    let again = run(&["init"], dir.path());
    assert_eq!(again.status.code(), Some(2), "{}", both(&again));
    assert!(both(&again).contains("--force"));
    assert_eq!(run(&["init", "--force"], dir.path()).status.code(), Some(0));

    // With a pyproject.toml: a [tool.mlcheck] table appended, the rest kept.
    let py = tempfile::tempdir().unwrap();
    let original = "[project]\nname = \"demo\"\nversion = \"1.0\"\n";
    std::fs::write(py.path().join("pyproject.toml"), original).unwrap();
    let out = run(&["init"], py.path());
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    let text = std::fs::read_to_string(py.path().join("pyproject.toml")).unwrap();
    assert!(text.starts_with(original), "{text}");
    assert!(text.contains("[tool.mlcheck]"), "{text}");
    assert!(text.contains("[tool.mlcheck.strip]"), "{text}");
    assert!(
        !stdout(&out).contains("mlcheck-strip"),
        "no notebooks, no strip hook"
    );
    let parsed: toml::Table = toml::from_str(&text).expect("pyproject.toml still parses");
    assert_eq!(
        parsed["tool"]["mlcheck"]["fail-on"].as_str(),
        Some("warning")
    );
    assert_eq!(run(&["init"], py.path()).status.code(), Some(2));
}

#[test]
fn github_format_writes_a_job_summary_under_actions() {
    let dir = project();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    let out = run_env(&["check", "--output-format", "github"], dir.path(), &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).starts_with("::warning file="),
        "{}",
        stdout(&out)
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("# earlier step\n## mlcheck\n"), "{md}");
    assert!(
        md.contains("| `NB002` | committed-outputs | warning | 2 |"),
        "{md}"
    );
    assert!(md.contains("| `a.ipynb` |"), "{md}");
    assert!(md.contains("| `my notebooks/b.ipynb` |"), "{md}");
    assert!(md.contains("mlcheck fix --strip-outputs"), "{md}");
    // Outside Actions nothing is written.
    std::fs::write(&summary, "").unwrap();
    run_env(
        &["check", "--output-format", "github"],
        dir.path(),
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), "");
}

/// The hook `install --hook` writes says that mlcheck blocked the commit and how to skip it;
/// with the `mlcheck` on PATH being this binary, the bare name is recorded.
#[test]
fn install_hook_names_mlcheck_and_no_verify_and_records_the_bare_name() {
    let dir = project();
    let repo = dir.path();
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(repo)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Dev")
            .env("GIT_AUTHOR_EMAIL", "dev@example.com")
            .env("GIT_COMMITTER_NAME", "Dev")
            .env("GIT_COMMITTER_EMAIL", "dev@example.com")
            .env("PATH", path_with_mlcheck())
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("git runs")
    };
    assert!(git(&["init", "-q"]).status.success());
    let out = run_env(
        &["install", "--hook"],
        repo,
        &[("PATH", &path_with_mlcheck())],
    );
    assert_eq!(out.status.code(), Some(0), "{}", both(&out));
    assert!(
        stdout(&out).contains("filter.mlcheck.clean = mlcheck fix --strip-outputs -"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("reinstalls and upgrades keep working"));
    // Stage a notebook with outputs without the filter, then commit: the hook blocks it.
    assert!(
        git(&["-c", "filter.mlcheck.clean=cat", "add", "a.ipynb"])
            .status
            .success()
    );
    let out = git(&["commit", "-q", "-m", "outputs"]);
    assert!(!out.status.success(), "the hook let the commit through");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mlcheck blocked this commit"), "{err}");
    assert!(err.contains("git commit --no-verify"), "{err}");
}

fn path_with_mlcheck() -> String {
    let dir = Path::new(MLCHECK).parent().unwrap();
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The pre-commit snippet `mlcheck init` prints is the README's (same repository, `rev` and
/// hook ids in the same order), which the end-to-end test runs with the real pre-commit.
#[test]
fn init_prints_the_readme_pre_commit_snippet() {
    let keep = |line: &str| {
        let line = line.split(" #").next().unwrap().trim().to_string();
        (line.starts_with("- repo:") || line.starts_with("rev:") || line.starts_with("- id:"))
            .then_some(line)
    };
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block = readme
        .split("<!-- pre-commit-config -->")
        .nth(1)
        .expect("README marks its pre-commit snippet")
        .split("```")
        .nth(1)
        .unwrap();
    let want: Vec<String> = block.lines().filter_map(keep).collect();
    assert_eq!(want.len(), 4, "{block}");
    let dir = project();
    std::fs::remove_file(dir.path().join("mlcheck.toml")).unwrap();
    let out = run(&["init"], dir.path());
    let printed = stdout(&out);
    let snippet = printed
        .split("jobs:")
        .next()
        .unwrap()
        .split("GitHub Actions")
        .next()
        .unwrap();
    let got: Vec<String> = snippet.lines().filter_map(keep).collect();
    assert_eq!(got, want, "{printed}");
}
