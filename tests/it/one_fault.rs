//! One-fault projects (issue #12, "How we will check it"): each fixture under
//! `fixtures/project/` holds exactly one fault of a kind the issue names (or of the first
//! project issue), at a known file and line. `mlcheck check` with the default rules plus the
//! fault's own rule must report that fault there, and no other `ENV`/`PRJ` finding: a
//! one-fault project has one fault.

use std::path::{Path, PathBuf};

/// (fixture, expected code, file, line). A row whose code is `""` is a project that must
/// get no `ENV`/`PRJ` finding at all (a message that used to mislead, now silent); its rule
/// is the one named in the fixture's name.
const ROWS: &[(&str, &str, &str, u64)] = &[
    // -- Formats never parsed: each format declares `numpy` and `pandas` (and `pytest` for
    //    the tests, where it has a place for test dependencies); only `requests` is not
    //    declared, so the one finding proves the format was read.
    ("ENV014_pipfile", "ENV014", "train.py", 3),
    ("ENV014_setup_cfg", "ENV014", "train.py", 3),
    // A pyproject.toml that only configures tools is not the environment.
    ("ENV014_tool_only_pyproject", "ENV014", "train.py", 3),
    ("ENV014_setup_py", "ENV014", "train.py", 3),
    ("ENV014_dependency_groups", "ENV014", "train.py", 3),
    ("ENV014_poetry_groups", "ENV014", "train.py", 3),
    ("ENV014_uv_dev", "ENV014", "train.py", 3),
    ("ENV014_requirements_folder", "ENV014", "train.py", 3),
    ("ENV014_dockerfile", "ENV014", "train.py", 3),
    // `FROM python:3.8-slim` against `.python-version` 3.10.
    ("ENV008_dockerfile", "ENV008", "Dockerfile", 1),
    // `%pip install -q \` continued on the next lines installs pandas and scikit-learn.
    (
        "ENV014_notebook_pip_continuation",
        "ENV014",
        "explore.ipynb",
        25,
    ),
    // Test and dev groups are for test files: `train.py` imports `rich`, declared only in
    // the `dev` group (the tests import it and `pytest` freely).
    ("ENV019_dev_group", "ENV019", "train.py", 2),
    // -- Faults missed.
    ("ENV016_python_range", "ENV016", "conda.yaml", 5),
    ("ENV016_bare_python", "ENV016", "conda.yaml", 5),
    ("PRJ001_duplicate_entry_point", "PRJ001", "MLproject", 10),
    ("ENV002_duplicate_key", "ENV002", "conda.yaml", 12),
    ("ENV017_cuda", "ENV017", "conda.yaml", 12),
    ("PRJ007_bad_image", "PRJ007", "MLproject", 4),
    ("ENV018_export", "ENV018", "conda.yaml", 5),
    ("ENV018_windows_packages", "ENV018", "conda.yaml", 8),
    ("PRJ013_glued", "PRJ013", "MLproject", 11),
    ("ENV008_setup_cfg", "ENV008", "setup.cfg", 5),
    ("ENV008_notebook", "ENV008", "train.ipynb", 22),
    // -- Messages that misled.
    ("ENV003_conda_as_python_env", "ENV003", "MLproject", 3),
    // A bare `- python` at its own line (not `dependencies:`), outside an MLflow project;
    // inside one it is ENV016's alone (`ENV016_bare_python`).
    ("ENV010_bare_python", "ENV010", "environment.yml", 5),
    // `numpy=1.26.2` in a pip list is invalid (ENV005), not also "unversioned".
    ("ENV005_conda_equals_in_pip", "ENV005", "conda.yaml", 10),
    ("PRJ014_int", "PRJ014", "MLproject", 16),
    // `pytorch` and `pytorch-gpu` are two packages, not one declared twice.
    ("ENV013_ok_pytorch_gpu", "", "", 0),
    ("ENV014_unmapped", "ENV014", "train.py", 6),
    // -- Faults of the first project issue.
    ("PRJ001_empty", "PRJ001", "MLproject", 1),
    ("PRJ001_quoted_continuation", "PRJ001", "MLproject", 9),
    ("PRJ001_invalid_yaml", "PRJ001", "MLproject", 13),
    ("PRJ002_entry_points_list", "PRJ002", "MLproject", 4),
    // A misspelt required key is one finding, at the misspelling.
    ("PRJ002_missing_command", "PRJ002", "MLproject", 17),
    ("PRJ002_misspelt_entry_points", "PRJ002", "MLproject", 5),
    ("PRJ003_null_parameters", "PRJ003", "MLproject", 15),
    ("PRJ003_parameters_list", "PRJ003", "MLproject", 16),
    ("PRJ004_conda_dash", "PRJ004", "MLproject", 3),
    ("PRJ004_defualt", "PRJ004", "MLproject", 12),
    ("PRJ004_no_space_after_colon", "PRJ004", "MLproject", 8),
    ("PRJ005_no_name", "PRJ005", "MLproject", 1),
    ("PRJ006_null_docker", "PRJ006", "MLproject", 4),
    ("PRJ007_no_image", "PRJ007", "MLproject", 3),
    ("PRJ007_bad_volumes", "PRJ007", "MLproject", 5),
    ("PRJ007_bad_environment", "PRJ007", "MLproject", 6),
    ("PRJ008_missing_env_file", "PRJ008", "MLproject", 3),
    ("PRJ009_absolute_env", "PRJ009", "MLproject", 3),
    ("PRJ010_both_defaults", "PRJ010", "MLproject", 1),
    ("PRJ010_no_env", "PRJ010", "MLproject", 1),
    ("PRJ011_undeclared", "PRJ011", "MLproject", 13),
    ("PRJ012_unused", "PRJ012", "MLproject", 12),
    ("PRJ013_format_spec", "PRJ013", "MLproject", 13),
    ("PRJ013_positional", "PRJ013", "MLproject", 13),
    ("PRJ013_shell_var", "PRJ013", "MLproject", 13),
    ("PRJ014_str", "PRJ014", "MLproject", 12),
    ("PRJ015_float_not_number", "PRJ015", "MLproject", 8),
    ("PRJ015_path_missing", "PRJ015", "MLproject", 10),
    ("PRJ015_uri_no_scheme", "PRJ015", "MLproject", 11),
    ("PRJ016_bash", "PRJ016", "MLproject", 17),
    ("PRJ016_missing_cd", "PRJ016", "MLproject", 17),
    ("PRJ016_missing_module", "PRJ016", "MLproject", 17),
    ("PRJ016_missing_script", "PRJ016", "MLproject", 13),
    ("PRJ017_required", "PRJ017", "MLproject", 12),
    ("PRJ018_mian", "PRJ018", "MLproject", 6),
    ("PRJ019_conda_yaml", "PRJ019", "train.py", 5),
    ("PRJ020_plain", "PRJ020", "helpers.py", 1),
    ("ENV001_no_env", "ENV001", "helpers.py", 1),
    ("ENV002_channels_string", "ENV002", "conda.yaml", 2),
    ("ENV002_pip_not_list", "ENV002", "conda.yaml", 9),
    ("ENV003_python_env_keys", "ENV003", "python_env.yaml", 2),
    ("ENV003_python_env_number", "ENV003", "python_env.yaml", 1),
    ("ENV004_unquoted", "ENV004", "python_env.yaml", 1),
    ("ENV006_missing_include", "ENV006", "conda.yaml", 10),
    ("ENV007_pip_without_pip", "ENV007", "conda.yaml", 8),
    ("ENV008_python_version_file", "ENV008", ".python-version", 1),
    ("ENV009_conflicting_pins", "ENV009", "requirements.txt", 1),
    ("ENV010_unpinned", "ENV010", "conda.yaml", 7),
    ("ENV012_sklearn", "ENV012", "conda.yaml", 11),
    ("ENV013_duplicate", "ENV013", "conda.yaml", 11),
    ("ENV014_undeclared", "ENV014", "train.py", 6),
    ("ENV015_unused", "ENV015", "conda.yaml", 8),
    // Not rows: PRJ009_outside_env (a path outside the project that does not exist either:
    // two faults) and ENV011_conda_only (each conda package is a finding).
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/project")
}

/// `code file:line` of each `ENV`/`PRJ` finding of `mlcheck check` in `dir`, with the
/// default rules plus `code`.
fn project_findings(dir: &Path, code: &str) -> Vec<String> {
    let mut args = vec!["."];
    if !code.is_empty() {
        args = vec!["--extend-select", code, "."];
    }
    crate::common::check_json(dir, &args)
        .iter()
        .filter_map(|f| {
            let code = f["code"].as_str()?;
            (code.starts_with("ENV") || code.starts_with("PRJ")).then(|| {
                format!(
                    "{code} {}:{}",
                    f["path"].as_str().unwrap_or("?"),
                    f["location"]["line"]
                )
            })
        })
        .collect()
}

#[test]
fn every_one_fault_project_gets_its_one_finding_at_the_right_file_and_line() {
    let mut failures = Vec::new();
    for (fixture, code, file, line) in ROWS {
        let dir = fixtures().join(fixture);
        assert!(dir.is_dir(), "missing fixture {fixture}");
        let got = project_findings(&dir, code);
        let expected: Vec<String> = if code.is_empty() {
            Vec::new()
        } else {
            vec![format!("{code} {file}:{line}")]
        };
        if got != expected {
            failures.push(format!("{fixture}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_table_covers_every_rule_the_issue_added() {
    // ENV016–ENV019 never fire on the ecosystem repositories: their fixtures are the only
    // proof that they work, so each must have a row.
    for code in ["ENV016", "ENV017", "ENV018", "ENV019"] {
        assert!(
            ROWS.iter().any(|(_, c, _, _)| *c == code),
            "no one-fault row for {code}"
        );
    }
}
