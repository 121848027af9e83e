//! Project rules (`PRJ…`, `ENV…`) on the mini-repositories in `fixtures/project/`.
//!
//! `ok_complete` is a clean MLflow project; every other fixture is that project with one
//! fault (named `<CODE>_<what>`), like the broken variants the rules exist for. Each case
//! must be reported by its rule, at the expected line and column, and by nothing else.

use std::path::{Path, PathBuf};

use mlcheck::diagnostic::Diagnostic;
use mlcheck::registry::RuleMeta;
use mlcheck::rules::project::{RULES, check_project};
use mlcheck::settings::Settings;

use crate::common::files_under;

/// `mlcheck check --select <select> --output-format json .` in `dir`: the findings.
fn check_json(dir: &Path, select: &str) -> Vec<serde_json::Value> {
    crate::common::check_json(dir, &["--select", select, "."])
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/project")
}

fn run(root: &Path, rules: &[&'static RuleMeta]) -> Vec<Diagnostic> {
    let mut files = Vec::new();
    files.extend(files_under(root));
    files.sort();
    let mut settings = Settings::with_rules(rules);
    // A fixture with an `mlcheck.toml` stands for a repository root (ENV001 needs one).
    if root.join("mlcheck.toml").is_file() {
        settings.config_path = Some(root.join("mlcheck.toml"));
    }
    let (mut diags, errors) = check_project(root, &files, &settings);
    assert!(errors.is_empty(), "{errors:?}");
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diags
}

/// `code path:line:col` of each finding, paths relative to the fixture.
fn summary(root: &Path, diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let f = d.file();
            let at = f.location(d.primary.range.start()).raw;
            let rel = f
                .path
                .strip_prefix(root)
                .unwrap_or(&f.path)
                .to_string_lossy()
                .replace('\\', "/");
            format!("{} {rel}:{}:{}", d.rule.code, at.line, at.column)
        })
        .collect()
}

fn rules_for(code: &str) -> Vec<&'static RuleMeta> {
    RULES
        .iter()
        .copied()
        .filter(|r| r.default_enabled || r.code == code)
        .collect()
}

/// (fixture, findings) with every default rule plus the fixture's own rule selected.
const CASES: &[(&str, &[&str])] = &[
    ("PRJ001_empty", &["PRJ001 MLproject:1:1"]),
    ("PRJ001_quoted_continuation", &["PRJ001 MLproject:9:14"]),
    ("PRJ001_invalid_yaml", &["PRJ001 MLproject:13:37"]),
    ("PRJ002_entry_points_list", &["PRJ002 MLproject:4:3"]),
    ("PRJ002_missing_command", &["PRJ002 MLproject:17:5"]),
    ("PRJ002_misspelt_entry_points", &["PRJ002 MLproject:5:1"]),
    ("PRJ003_null_parameters", &["PRJ003 MLproject:15:5"]),
    ("PRJ003_parameters_list", &["PRJ003 MLproject:16:7"]),
    ("PRJ004_conda_dash", &["PRJ004 MLproject:3:1"]),
    ("PRJ004_defualt", &["PRJ004 MLproject:12:29"]),
    ("PRJ004_no_space_after_colon", &["PRJ004 MLproject:8:15"]),
    ("PRJ001_duplicate_entry_point", &["PRJ001 MLproject:10:3"]),
    ("PRJ005_no_name", &["PRJ005 MLproject:1:1"]),
    ("PRJ006_null_docker", &["PRJ006 MLproject:4:1"]),
    ("PRJ007_bad_volumes", &["PRJ007 MLproject:5:12"]),
    ("PRJ007_bad_environment", &["PRJ007 MLproject:6:29"]),
    ("PRJ007_ok_docker_extras", &[]),
    ("PRJ007_no_image", &["PRJ007 MLproject:3:1"]),
    ("PRJ007_bad_image", &["PRJ007 MLproject:4:10"]),
    ("PRJ008_missing_env_file", &["PRJ008 MLproject:3:12"]),
    ("PRJ009_absolute_env", &["PRJ009 MLproject:3:12"]),
    (
        "PRJ009_outside_env",
        &["PRJ008 MLproject:3:12", "PRJ009 MLproject:3:12"],
    ),
    ("PRJ010_both_defaults", &["PRJ010 MLproject:1:1"]),
    ("PRJ010_no_env", &["PRJ010 MLproject:1:1"]),
    ("PRJ011_undeclared", &["PRJ011 MLproject:13:104"]),
    ("PRJ012_unused", &["PRJ012 MLproject:12:7"]),
    ("PRJ013_format_spec", &["PRJ013 MLproject:13:31"]),
    ("PRJ013_positional", &["PRJ013 MLproject:13:97"]),
    ("PRJ013_shell_var", &["PRJ013 MLproject:13:103"]),
    ("PRJ013_glued", &["PRJ013 MLproject:11:7"]),
    ("PRJ014_int", &["PRJ014 MLproject:16:22"]),
    ("PRJ014_str", &["PRJ014 MLproject:12:21"]),
    ("PRJ015_float_not_number", &["PRJ015 MLproject:8:37"]),
    ("PRJ015_path_missing", &["PRJ015 MLproject:10:35"]),
    ("PRJ015_uri_no_scheme", &["PRJ015 MLproject:11:38"]),
    ("PRJ016_bash", &["PRJ016 MLproject:17:20"]),
    ("PRJ016_missing_cd", &["PRJ016 MLproject:17:18"]),
    ("PRJ016_missing_module", &["PRJ016 MLproject:17:35"]),
    ("PRJ016_missing_script", &["PRJ016 MLproject:13:22"]),
    ("PRJ017_required", &["PRJ017 MLproject:12:7"]),
    ("PRJ018_mian", &["PRJ018 MLproject:6:3"]),
    ("PRJ019_conda_yaml", &["PRJ019 train.py:5:8"]),
    ("PRJ020_plain", &["PRJ020 helpers.py:1:1"]),
    ("ENV001_no_env", &["ENV001 helpers.py:1:1"]),
    ("ENV002_channels_string", &["ENV002 conda.yaml:2:11"]),
    ("ENV002_pip_not_list", &["ENV002 conda.yaml:9:10"]),
    ("ENV002_duplicate_key", &["ENV002 conda.yaml:12:1"]),
    ("ENV003_python_env_keys", &["ENV003 python_env.yaml:2:1"]),
    ("ENV003_python_env_number", &["ENV003 python_env.yaml:1:9"]),
    ("ENV003_conda_as_python_env", &["ENV003 MLproject:3:13"]),
    ("ENV004_unquoted", &["ENV004 python_env.yaml:1:9"]),
    ("ENV005_conda_equals_in_pip", &["ENV005 conda.yaml:10:7"]),
    ("ENV006_missing_include", &["ENV006 conda.yaml:10:7"]),
    ("ENV007_pip_without_pip", &["ENV007 conda.yaml:8:5"]),
    (
        "ENV008_python_version_file",
        &["ENV008 .python-version:1:1"],
    ),
    ("ENV009_conflicting_pins", &["ENV009 requirements.txt:1:1"]),
    ("ENV010_unpinned", &["ENV010 conda.yaml:7:5"]),
    ("ENV010_bare_python", &["ENV010 environment.yml:5:5"]),
    ("ENV016_bare_python", &["ENV016 conda.yaml:5:5"]),
    (
        "ENV011_conda_only",
        &["ENV011 conda.yaml:6:5", "ENV011 conda.yaml:7:5"],
    ),
    ("ENV012_sklearn", &["ENV012 conda.yaml:11:7"]),
    ("ENV013_duplicate", &["ENV013 conda.yaml:11:7"]),
    ("ENV013_ok_pytorch_gpu", &[]),
    ("ENV014_undeclared", &["ENV014 train.py:6:8"]),
    ("ENV014_unmapped", &["ENV014 train.py:6:8"]),
    ("ENV015_unused", &["ENV015 conda.yaml:8:5"]),
    ("ENV016_python_range", &["ENV016 conda.yaml:5:5"]),
    ("ENV017_cuda", &["ENV017 conda.yaml:12:7"]),
    ("ENV018_export", &["ENV018 conda.yaml:5:5"]),
    ("ENV018_windows_packages", &["ENV018 conda.yaml:8:5"]),
    ("ENV019_dev_group", &["ENV019 train.py:2:1"]),
    ("ENV008_setup_cfg", &["ENV008 setup.cfg:5:19"]),
    ("ENV008_notebook", &["ENV008 train.ipynb:22:15"]),
    ("ENV008_dockerfile", &["ENV008 Dockerfile:1:13"]),
    ("ENV014_pipfile", &["ENV014 train.py:3:8"]),
    ("ENV014_setup_cfg", &["ENV014 train.py:3:8"]),
    ("ENV014_tool_only_pyproject", &["ENV014 train.py:3:8"]),
    ("ENV014_setup_py", &["ENV014 train.py:3:8"]),
    ("ENV014_dependency_groups", &["ENV014 train.py:3:8"]),
    ("ENV014_poetry_groups", &["ENV014 train.py:3:8"]),
    ("ENV014_uv_dev", &["ENV014 train.py:3:8"]),
    ("ENV014_requirements_folder", &["ENV014 train.py:3:8"]),
    ("ENV014_dockerfile", &["ENV014 train.py:3:8"]),
    (
        "ENV014_notebook_pip_continuation",
        &["ENV014 explore.ipynb:25:13"],
    ),
];

#[test]
fn each_broken_variant_is_reported_by_its_rule_only() {
    let mut failures = Vec::new();
    for (case, expected) in CASES {
        let root = fixtures().join(case);
        let code = &case[..6];
        let got = summary(&root, &run(&root, &rules_for(code)));
        if got.iter().map(String::as_str).collect::<Vec<_>>() != *expected {
            failures.push(format!("{case}: expected {expected:?}\n    got {got:?}"));
        }
        if !case.contains("_ok") && !got.iter().any(|g| g.starts_with(code)) {
            failures.push(format!("{case}: {code} not reported"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_fixture_directory_is_a_case() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "ok_complete")
        .collect();
    dirs.sort();
    let mut cases: Vec<String> = CASES.iter().map(|(c, _)| (*c).to_string()).collect();
    cases.sort();
    assert_eq!(dirs, cases);
    // Every project rule has a positive fixture.
    for r in RULES {
        assert!(
            CASES.iter().any(|(c, _)| c.starts_with(r.code)),
            "no fixture for {}",
            r.code
        );
    }
}

#[test]
fn clean_project_has_no_findings_with_every_rule() {
    let root = fixtures().join("ok_complete");
    let rules: Vec<_> = RULES
        .iter()
        .copied()
        .filter(|r| r.code != "ENV011")
        .collect();
    let got = summary(&root, &run(&root, &rules));
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn findings_carry_help_and_disagreements_label_both_files() {
    let root = fixtures().join("ENV009_conflicting_pins");
    let diags = run(&root, &rules_for("ENV009"));
    let d = diags.iter().find(|d| d.rule.code == "ENV009").unwrap();
    assert!(d.message.contains("numpy"), "{}", d.message);
    assert_eq!(d.secondary.len(), 1);
    assert!(d.secondary[0].file.path.ends_with("conda.yaml"));
    assert_eq!(
        d.secondary[0].file.slice(d.secondary[0].range),
        "numpy=1.26"
    );
    for r in run(&fixtures().join("PRJ004_defualt"), &rules_for("PRJ004")) {
        assert!(
            r.message.contains("did you mean `default`"),
            "{}",
            r.message
        );
        assert!(r.help.is_some());
    }
}

#[test]
fn nothing_runs_when_no_project_rule_is_selected() {
    let root = fixtures().join("PRJ001_invalid_yaml");
    let mut files = Vec::new();
    files.extend(files_under(&root));
    let (diags, _) = check_project(&root, &files, &Settings::with_rules(&[]));
    assert!(diags.is_empty());
}

#[test]
fn corpus_mlflow_example() {
    let Some(corpus) = crate::common::corpus() else {
        return;
    };
    let root = corpus.join("mlflow__mlflow-example");
    let rules: Vec<_> = RULES
        .iter()
        .copied()
        .filter(|r| r.default_enabled)
        .collect();
    let got = summary(&root, &run(&root, &rules));
    // The corpus copy holds only MLproject and conda.yaml: train.py is not part of it.
    assert_eq!(got, ["PRJ016 MLproject:10:22"]);
}

#[test]
fn import_map_and_first_party_options_change_the_verdict() {
    let root = fixtures().join("ENV014_unmapped");
    let mut files = Vec::new();
    files.extend(files_under(&root));
    let rules = rules_for("ENV014");
    let (diags, _) = check_project(&root, &files, &Settings::with_rules(&rules));
    let d = diags.iter().find(|d| d.rule.code == "ENV014").unwrap();
    assert!(
        d.message.contains("no declared distribution provides it"),
        "{}",
        d.message
    );
    assert_eq!(d.severity, mlcheck::diagnostic::Severity::Info);

    let mut settings = Settings::with_rules(&rules);
    settings
        .project
        .import_map
        .insert("zzfancylib".into(), vec!["zz-fancy".into()]);
    let (diags, _) = check_project(&root, &files, &settings);
    let d = diags.iter().find(|d| d.rule.code == "ENV014").unwrap();
    assert!(
        d.message
            .contains("distribution `zz-fancy` is not declared"),
        "{}",
        d.message
    );

    let mut settings = Settings::with_rules(&rules);
    settings.project.known_first_party.push("zzfancylib".into());
    let (diags, _) = check_project(&root, &files, &settings);
    assert!(diags.iter().all(|d| d.rule.code != "ENV014"));
}

#[test]
fn nested_mlprojects_are_separate_projects() {
    // The fixture folder itself has no MLproject: each sub-folder with one is its own
    // project, so checking the parent must not report their files.
    let root = fixtures();
    let mut files = Vec::new();
    files.extend(files_under(&root));
    let (diags, _) = check_project(&root, &files, &Settings::with_rules(&rules_for("PRJ016")));
    assert!(
        diags
            .iter()
            .all(|d| d.file().path.file_name().is_none_or(|n| n != "MLproject")),
        "{:?}",
        summary(&root, &diags)
    );
}

#[test]
fn a_folder_of_repositories_checks_each_one() {
    // `mlcheck check ~/src`: two repositories with their own requirements and an MLflow
    // project, none at the top. Each is checked as itself: an undeclared import is found in
    // both repositories, against their own requirements, and nothing mixes them up.
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write("alpha/requirements.txt", "numpy==1.26.4\n");
    write("alpha/train.py", "import numpy\nimport sklearn\n");
    write("beta/requirements.txt", "scikit-learn==1.4.0\n");
    write("beta/src/fit.py", "import sklearn\nimport pandas\n");
    write(
        "gamma/MLproject",
        "name: gamma\npython_env: python_env.yaml\nentry_points:\n  main:\n    command: \"python main.py\"\n",
    );
    write(
        "gamma/python_env.yaml",
        "python: \"3.11\"\ndependencies:\n  - mlflow==2.9.2\n",
    );
    write("gamma/main.py", "import mlflow\n");
    let findings = check_json(dir.path(), "ENV014");
    let mut got: Vec<(String, String)> = findings
        .iter()
        .map(|f| {
            let msg = f["message"].as_str().unwrap();
            let module = ["sklearn", "pandas", "numpy", "mlflow"]
                .into_iter()
                .find(|m| msg.contains(&format!("`{m}`")))
                .unwrap_or(msg);
            (
                f["path"].as_str().unwrap().replace('\\', "/"),
                module.to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("alpha/train.py".to_string(), "sklearn".to_string()),
            ("beta/src/fit.py".to_string(), "pandas".to_string()),
        ],
        "{findings:#?}"
    );
}

#[test]
fn a_module_or_python_version_shared_by_many_files_is_one_finding() {
    // Three notebooks import `torch`, which no environment file declares, and two of them
    // last ran on Python 3.8 while the environment asks for 3.11: one ENV014 at the first
    // import naming the other files, one ENV008 at the first notebook naming the other.
    let dir = tempfile::tempdir().unwrap();
    let nb = |version: &str, source: &str| {
        serde_json::json!({
            "cells": [{"cell_type": "code", "execution_count": null, "id": "c1",
                       "metadata": {}, "outputs": [], "source": source}],
            "metadata": {"language_info": {"name": "python", "version": version}},
            "nbformat": 4, "nbformat_minor": 5
        })
        .to_string()
    };
    std::fs::write(
        dir.path().join("environment.yml"),
        "name: x\ndependencies:\n  - python=3.11\n  - numpy=1.26\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.ipynb"), nb("3.8.12", "import torch\n")).unwrap();
    std::fs::write(
        dir.path().join("b.ipynb"),
        nb("3.8.12", "import numpy\nimport torch\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.ipynb"),
        nb("3.11.4", "import torch.nn\n"),
    )
    .unwrap();
    let findings = check_json(dir.path(), "ENV008,ENV014");
    let got: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got.len(), 2, "{got:#?}");
    let env008 = got.iter().find(|g| g.0 == "ENV008").unwrap();
    assert_eq!(env008.1, "a.ipynb");
    assert!(
        env008
            .2
            .contains("`3.8.12` (as did 1 other notebook: `b.ipynb`)"),
        "{}",
        env008.2
    );
    let env014 = got.iter().find(|g| g.0 == "ENV014").unwrap();
    assert_eq!(env014.1, "a.ipynb");
    assert!(
        env014
            .2
            .contains("(and in 2 other files: `b.ipynb`, `c.ipynb`)"),
        "{}",
        env014.2
    );
}

#[test]
fn different_distributions_under_one_top_level_name_are_separate_findings() {
    // `azure.identity` and `azure.storage.blob` are two packages to declare, not one.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "numpy==1.26.4\n").unwrap();
    std::fs::write(dir.path().join("a.py"), "import azure.identity\n").unwrap();
    std::fs::write(
        dir.path().join("b.py"),
        "from azure.storage.blob import BlobClient\n",
    )
    .unwrap();
    let findings = check_json(dir.path(), "ENV014");
    let mut got: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["path"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    got.sort();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got[0].starts_with("a.py") && got[0].contains("`azure-identity`"),
        "{got:#?}"
    );
    assert!(
        got[1].starts_with("b.py") && got[1].contains("`azure-storage-blob`"),
        "{got:#?}"
    );
    assert!(got.iter().all(|g| !g.contains("and in")), "{got:#?}");
}

#[test]
fn a_grouped_finding_keeps_its_fingerprint_when_other_files_change() {
    // A baseline entry must keep matching while other notebooks start or stop importing
    // the same undeclared module (the message names them; the fingerprint must not).
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("requirements.txt"), "numpy==1.26.4\n").unwrap();
    std::fs::write(dir.path().join("a.py"), "import torch\n").unwrap();
    let fingerprint = || {
        let findings = check_json(dir.path(), "ENV014");
        assert_eq!(findings.len(), 1, "{findings:#?}");
        findings[0]["fingerprint"].as_str().unwrap().to_string()
    };
    let alone = fingerprint();
    std::fs::write(dir.path().join("b.py"), "import torch.nn\n").unwrap();
    assert_eq!(fingerprint(), alone);
}

#[test]
fn a_git_work_tree_is_one_project_even_without_a_top_level_environment_file() {
    // `mlcheck check .` at a repository root whose only requirements file is under `docs/`:
    // the repository stays one project, rather than `docs/` becoming the project and the
    // root's code going unchecked.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/requirements.txt"), "sphinx==7.2.6\n").unwrap();
    std::fs::write(dir.path().join("train.py"), "import torch\n").unwrap();
    let findings = check_json(dir.path(), "PRJ020");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["path"], "train.py");
    let message = findings[0]["message"].as_str().unwrap();
    assert!(message.contains("no MLproject in `.`"), "{message}");
}

/// Copy a fixture project into a temporary folder (to add a config beside it).
fn copy_fixture(name: &str) -> tempfile::TempDir {
    let src = fixtures().join(name);
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    files.extend(files_under(&src));
    for f in files {
        let to = dir.path().join(f.strip_prefix(&src).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&f, &to).unwrap();
    }
    dir
}

/// `(code, severity)` of each finding of `code` in `dir`.
fn severities(dir: &Path, code: &str) -> Vec<String> {
    check_json(dir, code)
        .iter()
        .map(|f| f["severity"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_severity_a_rule_sets_for_one_finding_survives_unless_the_config_sets_one() {
    // Each of these rules lowers (or raises) the severity of one kind of finding below its
    // default; the output must show what the rule decided, and the user's `[severity]`
    // table must still win.
    for (fixture, code, own) in [
        ("PRJ014_int", "PRJ014", "info"), // `int` is MLflow's spelling of a number
        ("ENV014_unmapped", "ENV014", "info"), // unmapped module: mlcheck may not know it
        ("PRJ015_path_missing", "PRJ015", "warning"), // a missing default path
        ("PRJ001_quoted_continuation", "PRJ001", "warning"), // YAML PyYAML tolerates
        ("ENV008_notebook", "ENV008", "info"), // where a notebook last ran: weak evidence
    ] {
        let dir = copy_fixture(fixture);
        assert_eq!(severities(dir.path(), code), [own], "{fixture}");
        std::fs::write(
            dir.path().join("mlcheck.toml"),
            format!("[severity]\n{code} = \"error\"\n"),
        )
        .unwrap();
        assert_eq!(
            severities(dir.path(), code),
            ["error"],
            "{fixture} with config"
        );
    }
}

/// Write `files` (path, text) under `dir`.
fn write_tree(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// `code path:line message` of each finding, sorted.
fn located(findings: &[serde_json::Value]) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap().replace('\\', "/"),
                f["location"]["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    v.sort();
    v
}

/// A small repository: a Pipfile at the root, a sub-project with its own requirements, a
/// notebook that installs what it imports with a continued `!pip install` line.
const REPO: &[(&str, &str)] = &[
    (
        "Pipfile",
        "[packages]\nnumpy = \"==1.26.4\"\n\n[dev-packages]\npytest = \"*\"\n",
    ),
    ("pyproject.toml", "[tool.black]\nline-length = 100\n"),
    ("train.py", "import numpy\nimport torch\n"),
    ("tests/test_train.py", "import pytest\n"),
    ("svc/requirements.txt", "fastapi==0.110.0\n"),
    ("svc/app.py", "import fastapi\nimport numpy\n"),
];

#[test]
fn the_same_repository_gives_the_same_findings_wherever_it_sits() {
    // As its own git repository, without `.git`, and nested inside another work tree (whose
    // own requirements must not govern it): the same project findings.
    let select = "ENV,PRJ";
    let alone = tempfile::tempdir().unwrap();
    write_tree(alone.path(), REPO);
    let without_git = located(&check_json(alone.path(), select));
    std::fs::create_dir_all(alone.path().join(".git")).unwrap();
    let with_git = located(&check_json(alone.path(), select));
    assert_eq!(with_git, without_git);
    // The Pipfile is read (numpy and pytest are declared), the tool-only pyproject.toml is
    // not taken as the environment, and `svc/` is governed by its own requirements.
    let env014: Vec<&String> = with_git
        .iter()
        .filter(|f| f.starts_with("ENV014"))
        .collect();
    assert_eq!(
        env014,
        [
            "ENV014 svc/app.py:2 `numpy` is imported but its distribution `numpy` is not declared in `svc/requirements.txt`",
            "ENV014 train.py:2 `torch` is imported but its distribution `torch` is not declared in `Pipfile`",
        ],
        "{with_git:#?}"
    );
    assert!(
        with_git.iter().any(|f| f.starts_with("PRJ020 svc/app.py")),
        "{with_git:#?}"
    );

    let outer = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outer.path().join(".git")).unwrap();
    write_tree(
        outer.path(),
        &[("requirements.txt", "torch==2.2.0\nfastapi==0.110.0\n")],
    );
    write_tree(&outer.path().join("repo"), REPO);
    let nested = located(&check_json(&outer.path().join("repo"), select));
    assert_eq!(nested, without_git);
}

#[test]
fn checking_a_folder_reports_only_findings_inside_it() {
    // `mlcheck check svc` in a repository: the root's requirements give the context, but
    // the undeclared imports of `analysis.py` (outside `svc/`) are not reported.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    write_tree(
        dir.path(),
        &[
            ("requirements.txt", "numpy==1.26.4\n"),
            // Sorts before `svc/`: its `pandas` must not hide the one inside `svc/`.
            ("analysis.py", "import torch\nimport pandas\n"),
            ("svc/app.py", "import numpy\nimport pandas\n"),
        ],
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .args([
            "check",
            "--select",
            "ENV014",
            "--output-format",
            "json",
            "svc",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let got = located(&findings);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(
        got[0].starts_with("ENV014 svc/app.py:2 `pandas`"),
        "{got:#?}"
    );
}

#[test]
fn setup_cfg_setup_py_and_notebook_installs_declare_packages() {
    let dir = tempfile::tempdir().unwrap();
    let nb = serde_json::json!({
        "cells": [
            {"cell_type": "code", "execution_count": null, "id": "a", "metadata": {}, "outputs": [],
             "source": "!pip install -qU \\\n    langchain-openai \\\n    deepgram-sdk\n"},
            {"cell_type": "code", "execution_count": null, "id": "b", "metadata": {}, "outputs": [],
             "source": "%%writefile helper_mod.py\nX = 1\n"},
            {"cell_type": "code", "execution_count": null, "id": "c", "metadata": {}, "outputs": [],
             "source": "import deepgram\nimport helper_mod\nimport yaml\nimport pylab\n"}
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5
    })
    .to_string();
    write_tree(
        dir.path(),
        &[
            (
                "setup.cfg",
                "[metadata]\nname = x\n\n[options]\npython_requires = >=3.9\ninstall_requires =\n    pandas>=2\n    matplotlib\n",
            ),
            (
                "setup.py",
                "from setuptools import setup\nsetup(install_requires=[\"scipy>=1\", 'requests'])\n",
            ),
            ("a.ipynb", &nb),
            (
                "b.py",
                "import pandas\nimport scipy\nimport requests\nimport sklearn\n",
            ),
        ],
    );
    let got = located(&check_json(dir.path(), "ENV014"));
    // `deepgram` is installed by the notebook, `helper_mod` written by it, `pylab` is
    // matplotlib's; `yaml` (pyyaml) and `sklearn` are really undeclared.
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got[0].starts_with("ENV014 a.ipynb:") && got[0].contains("`pyyaml`"),
        "{got:#?}"
    );
    assert!(
        got[1].starts_with("ENV014 b.py:4") && got[1].contains("`scikit-learn`"),
        "{got:#?}"
    );
}

#[test]
fn different_conda_builds_tracking_imports_and_templates_are_not_faults() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            // `pytorch` and `pytorch-gpu` are different conda packages; `torchvision` twice
            // is a real duplicate.
            (
                "environment.yml",
                "name: x\ndependencies:\n  - python=3.10\n  - pytorch=2.1\n  - pytorch-gpu=2.1\n  - torchvision=0.16\n  - torchvision=0.16\n",
            ),
            // `import mlflow` for tracking does not make the folder an MLflow Project.
            (
                "train.py",
                "import mlflow\nimport torch\nimport torchvision\n",
            ),
            // A cookiecutter placeholder is filled in when the template is rendered.
            (
                "tpl/{{ cookiecutter.repo_name }}/requirements.txt",
                "kedro~={{ cookiecutter.kedro_version }}\n",
            ),
        ],
    );
    let got = located(&check_json(dir.path(), "ENV013,PRJ019,ENV005"));
    assert_eq!(
        got,
        ["ENV013 environment.yml:7 `torchvision` is declared twice in this file"],
        "{got:#?}"
    );
}

#[test]
fn an_environment_file_that_cannot_be_read_is_a_finding() {
    // A Windows-1252 byte in a `Pipfile` (a file the walk does not load): reported by ENV002
    // with the byte and offset, and the file is still read.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Pipfile"),
        b"[packages]\n# caf\xe9\nnumpy = \"==1.26.4\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.py"), "import numpy\nimport pandas\n").unwrap();
    let got = located(&check_json(dir.path(), "ENV002,ENV014"));
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(
        got[0],
        "ENV002 Pipfile:2 not valid UTF-8 (byte 0xE9 at offset 16, the file looks like Windows-1252): read with invalid bytes as `?`"
    );
    assert!(got[1].starts_with("ENV014 a.py:2 `pandas`"), "{got:#?}");
    // A requirements file the walk loaded has its encoding reported once, by MLC002.
    std::fs::write(
        dir.path().join("requirements.txt"),
        b"numpy==1.26.4 # caf\xe9\npandas==2.1.0\n",
    )
    .unwrap();
    let got = located(&check_json(dir.path(), "ENV002,MLC002"));
    let codes: Vec<&str> = got.iter().map(|g| &g[..6]).collect();
    assert_eq!(codes, ["ENV002", "MLC002"], "{got:#?}");
    assert!(got[1].contains("requirements.txt"), "{got:#?}");
}

#[test]
fn a_conda_pin_in_a_pip_list_is_invalid_not_unversioned() {
    // `numpy=1.26.2` under `pip:` is ENV005 (conda syntax); ENV010 must not also call it
    // unversioned.
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[(
            "environment.yml",
            "name: x\ndependencies:\n  - python=3.10\n  - pip=23.3\n  - pip:\n    - numpy=1.26.2\n",
        )],
    );
    let got = located(&check_json(dir.path(), "ENV005,ENV010"));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].starts_with("ENV005 environment.yml:6"), "{got:#?}");
}

#[test]
fn the_project_stage_reads_no_file_the_per_file_stage_loaded() {
    // MLproject, conda file, requirements, pyproject and code are all loaded by the
    // per-file stage: the project stage builds its model from them and reads nothing again
    // (only files the walk does not load, such as `Pipfile`, would be read, once).
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "MLproject",
                "name: x\nconda_env: conda.yaml\nentry_points:\n  main:\n    command: \"python train.py\"\n",
            ),
            (
                "conda.yaml",
                "name: x\ndependencies:\n  - python=3.10\n  - pip=23.3\n  - pip:\n    - -r requirements.txt\n",
            ),
            ("requirements.txt", "numpy==1.26.4\n"),
            (
                "pyproject.toml",
                "[project]\nname = \"x\"\ndependencies = [\"numpy==1.26.4\"]\n",
            ),
            ("train.py", "import numpy\nimport torch\n"),
            ("sub/requirements.txt", "pandas==2.1.0\n"),
            ("sub/a.py", "import pandas\n"),
        ],
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .args([
            "check",
            "--select",
            "ENV,PRJ",
            "--output-format",
            "json",
            ".",
        ])
        .env("MLCHECK_DEBUG_PROJECT_READS", "1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("project stage read 0 file(s) from disk"),
        "{stderr}"
    );
    // And it still found what it should: `torch` is undeclared.
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["code"] == "ENV014" && f["message"].as_str().unwrap().contains("`torch`")),
        "{findings:#?}"
    );
}

#[test]
fn development_dependencies_are_declared_but_never_unused() {
    // A Poetry dev group and a PEP 735 group declare `pytest`/`hypothesis` for the tests;
    // ENV015 does not call a development tool unused, ENV014 finds the test imports declared.
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "pyproject.toml",
                "[project]\nname = \"x\"\ndependencies = [\"numpy==1.26.4\", \"requests==2.31.0\"]\n\n[dependency-groups]\ntest = [\"hypothesis==6.98.0\"]\n\n[tool.poetry.group.dev.dependencies]\nblack2 = \"^24.1\"\n",
            ),
            ("src/x/__init__.py", "import numpy\n"),
            ("tests/test_x.py", "import hypothesis\nimport numpy\n"),
        ],
    );
    let got = located(&check_json(dir.path(), "ENV014,ENV015"));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(
        got[0].starts_with("ENV015 pyproject.toml:3") && got[0].contains("`requests`"),
        "{got:#?}"
    );
}

#[test]
fn a_dockerfile_declares_its_pip_installs_and_python() {
    // `RUN pip install` lines (continued with `\`) declare packages; `FROM python:3.9`
    // disagrees with `requires-python`; setup.cfg's python_requires is compared too.
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "Dockerfile",
                "FROM python:3.9-slim\nRUN pip install --no-cache-dir \\\n    fastapi==0.110.0 \\\n    uvicorn==0.29.0 && rm -rf /tmp/x\n",
            ),
            (
                "setup.cfg",
                "[options]\npython_requires = >=3.11\ninstall_requires =\n    numpy==1.26.4\n",
            ),
            (
                "app.py",
                "import fastapi\nimport uvicorn\nimport numpy\nimport pandas\n",
            ),
        ],
    );
    let got = located(&check_json(dir.path(), "ENV008,ENV014"));
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(
        got[0].starts_with("ENV008 ") && got[0].contains("3.9"),
        "{got:#?}"
    );
    assert!(
        got[1].starts_with("ENV014 app.py:4") && got[1].contains("`pandas`"),
        "{got:#?}"
    );
}

#[test]
fn a_missing_environment_file_matters_only_for_third_party_imports() {
    // ENV001 with or without `.git`, but not for code that imports only the standard
    // library.
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &[("a.py", "import os\nimport json\n")]);
    assert_eq!(
        located(&check_json(dir.path(), "ENV001")),
        Vec::<String>::new()
    );
    write_tree(dir.path(), &[("b.py", "import numpy\n")]);
    let without_git = located(&check_json(dir.path(), "ENV001"));
    assert_eq!(without_git.len(), 1, "{without_git:#?}");
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    assert_eq!(located(&check_json(dir.path(), "ENV001")), without_git);
}

/// A package an extra of a declared requirement names is declared on purpose
/// (`neo4j-graphrag[qdrant]` installs `qdrant-client`, `kedro-datasets[pandas-csvdataset]`
/// pandas); what it only brings along without naming (numpy) is still undeclared.
#[test]
fn a_package_named_by_a_declared_extra_is_declared() {
    let dir = tempfile::tempdir().unwrap();
    write_tree(
        dir.path(),
        &[
            (
                "requirements.txt",
                "neo4j-graphrag[qdrant]\nkedro-datasets[pandas-csvdataset, matplotlib-plotdataset]>=3.0\n",
            ),
            (
                "graph.py",
                "import qdrant_client\nimport pandas\nimport matplotlib.pyplot\nimport numpy\n",
            ),
        ],
    );
    let got = located(&check_json(dir.path(), "ENV014"));
    assert_eq!(got.len(), 1, "{got:#?}");
    assert!(got[0].contains("`numpy`"), "{got:#?}");
}

#[test]
fn the_project_model_holds_each_environment_format_with_its_groups() {
    use mlcheck::project::environment::EnvKind;
    use mlcheck::project::model::Project;
    // Built without the rules: root, files, environments and code are the model's own.
    let model = |name: &str| {
        let root = fixtures().join(name);
        let mut files = files_under(&root);
        files.sort();
        (root, files)
    };
    let deps = |p: &Project<'_>| -> Vec<String> {
        p.env
            .deps
            .iter()
            .map(|d| match &d.group {
                Some(g) => format!("{} ({g})", d.name),
                None => d.name.clone(),
            })
            .collect()
    };

    let (root, files) = model("ENV014_pipfile");
    let (p, errors) = Project::build(&root, &files, None, false);
    assert!(errors.is_empty() && p.mlproject.is_none());
    let kinds: Vec<EnvKind> = p.env.files.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [EnvKind::Pipfile]);
    assert_eq!(deps(&p), ["numpy", "pandas", "pytest (dev-packages)"]);
    assert_eq!(p.env.files[0].python.as_ref().unwrap().text, "3.10");
    let code: Vec<String> = p
        .code()
        .iter()
        .map(|c| c.path.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert_eq!(code, ["tests/test_train.py", "train.py"]);

    let (root, files) = model("ENV019_dev_group");
    let (p, _) = Project::build(&root, &files, None, false);
    assert_eq!(
        deps(&p),
        ["numpy", "rich (dev)", "ruff (dev)", "pytest (test)"]
    );
    assert!(
        p.env
            .deps
            .iter()
            .filter(|d| d.name != "numpy")
            .all(|d| d.dev_only())
    );

    // An MLflow project: the MLproject, and the environment it names selected.
    let (root, files) = model("ok_complete");
    let (p, _) = Project::build(&root, &files, None, false);
    assert!(p.mlproject().is_some());
    let selected = &p.env.files[p.selected_env.expect("conda.yaml selected")];
    assert_eq!(selected.kind, EnvKind::Conda);
    assert!(selected.source.path.ends_with("conda.yaml"));
}
