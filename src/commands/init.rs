//! `mlcheck init`: write a commented config for this repository (`mlcheck.toml`, or a
//! `[tool.mlcheck]` table appended to an existing `pyproject.toml`) and print the
//! pre-commit and CI snippets that use it.

use std::fs;
use std::path::{Path, PathBuf};

use super::{ExitStatus, Result};
use crate::cli::InitArgs;

/// Where the hooks and the action live (Cargo.toml's `repository`).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
/// The release tag of this version, as the snippets pin it.
pub const REV: &str = concat!("v", env!("CARGO_PKG_VERSION"));

pub fn run(args: InitArgs) -> Result<ExitStatus> {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        return Err(crate::Error::msg(format!(
            "{} is not a folder",
            dir.display()
        )));
    }
    let pyproject = dir.join("pyproject.toml");
    let written = if pyproject.is_file() && !dir.join("mlcheck.toml").exists() {
        append_to_pyproject(&pyproject)?
    } else {
        write_mlcheck_toml(&dir.join("mlcheck.toml"), args.force)?
    };
    println!("Wrote {written}.");
    let notebooks = has_notebooks(&dir);
    println!();
    println!(
        "pre-commit: add to .pre-commit-config.yaml (`pre-commit autoupdate` moves `rev` to the newest release):"
    );
    println!();
    print!("{}", pre_commit_snippet(notebooks));
    println!();
    println!("GitHub Actions: .github/workflows/mlcheck.yml");
    println!();
    print!("{}", workflow_snippet());
    println!();
    println!(
        "Then: `mlcheck check` (exit 1 on findings at or above `fail-on`), `mlcheck check --fix` to strip notebooks."
    );
    Ok(ExitStatus::Success)
}

/// The config, commented; `table` is the prefix of its tables (`""` or `"tool.mlcheck."`).
pub fn config_text(top: &str, table: &str) -> String {
    format!(
        r#"{top}
# mlcheck's settings; command-line flags beat them. Every rule: `mlcheck rules`; one rule's
# documentation: `mlcheck rule NB002`.

# The least severe finding that fails `mlcheck check` (exit 1): "error", "warning" or "info".
# Info findings come from opt-in advice rules; "error" lets warnings through.
fail-on = "warning"

# Rules: codes, prefixes (NB, SEC, PTH, PY, ENV, PRJ) or names.
# select = ["NB", "SEC", "PTH", "PY", "ENV", "PRJ"]   # replaces the default selection
# extend-select = ["NB006"]                           # adds opt-in rules
# ignore = ["ENV014"]

# Paths not to check (globs relative to this file), on top of .gitignore:
# exclude = ["legacy/", "tests/fixtures/", "*.draft.ipynb"]

# [{table}per-file-ignores]
# "tutorials/*.ipynb" = ["NB002"]   # tutorials keep their outputs

# [{table}severity]
# NB002 = "error"

# How `mlcheck fix --strip-outputs`, `mlcheck check --fix` and the mlcheck-strip hook strip
# notebooks (nbstripout's options):
[{table}strip]
# keep-count = true
# extra-keys = ["metadata.colab", "cell.metadata.id"]
"#
    )
}

fn write_mlcheck_toml(path: &Path, force: bool) -> Result<String> {
    if path.exists() && !force {
        return Err(crate::Error::msg(format!(
            "{} exists; `mlcheck init --force` replaces it",
            path.display()
        )));
    }
    let text = config_text("# mlcheck.toml, written by `mlcheck init`.", "");
    fs::write(path, text)
        .map_err(|e| crate::Error::msg(format!("cannot write {}: {e}", path.display())))?;
    crate::config::load_config(path)?;
    Ok(path.display().to_string())
}

fn append_to_pyproject(path: &Path) -> Result<String> {
    let old = fs::read_to_string(path)
        .map_err(|e| crate::Error::msg(format!("cannot read {}: {e}", path.display())))?;
    if old.contains("[tool.mlcheck") {
        return Err(crate::Error::msg(format!(
            "{} already has a [tool.mlcheck] table; edit it there",
            path.display()
        )));
    }
    let mut new = old.clone();
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push('\n');
    new.push_str(&config_text(
        "[tool.mlcheck]  # written by `mlcheck init`",
        "tool.mlcheck.",
    ));
    fs::write(path, &new)
        .map_err(|e| crate::Error::msg(format!("cannot write {}: {e}", path.display())))?;
    // Never leave a pyproject.toml that no longer parses.
    if let Err(e) = crate::config::load_config(path) {
        let _ = fs::write(path, &old);
        return Err(crate::Error::msg(format!(
            "{e}; {} left as it was",
            path.display()
        )));
    }
    Ok(format!("a [tool.mlcheck] table to {}", path.display()))
}

/// Whether the repository holds a notebook (a quick walk, honouring .gitignore).
fn has_notebooks(dir: &Path) -> bool {
    ignore::WalkBuilder::new(dir)
        .build()
        .flatten()
        .take(50_000)
        .any(|e| e.path().extension().is_some_and(|x| x == "ipynb"))
}

/// The `.pre-commit-config.yaml` entry: the strip hook first when there are notebooks.
pub fn pre_commit_snippet(notebooks: bool) -> String {
    let strip = if notebooks {
        "      - id: mlcheck-strip   # strip notebook outputs (like nbstripout)\n"
    } else {
        ""
    };
    format!(
        "repos:\n  - repo: {REPOSITORY}\n    rev: {REV}\n    hooks:\n{strip}      - id: mlcheck         # check notebooks, secrets, paths, MLproject and environment files\n"
    )
}

/// A pull-request workflow using the action.
pub fn workflow_snippet() -> String {
    format!(
        "name: mlcheck\non: [pull_request]\npermissions:\n  contents: read\njobs:\n  mlcheck:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: {}@{REV}   # with: args: --fail-on error\n",
        REPOSITORY.trim_start_matches("https://github.com/")
    )
}
