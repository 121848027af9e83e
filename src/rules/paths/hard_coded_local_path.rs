//! `PTH001 hard-coded-local-path`.

use super::patterns;
use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::{SourceKind, TextRange};

crate::declare_rule! {
    /// ## What it does
    /// Reports string literals in code that are absolute paths on one person's machine:
    /// home folders (`/home/<user>/…`, `/Users/<user>/…`, `C:\Users\<user>\…`), other
    /// Windows drive paths and network shares (`\\server\share`), Colab's mounted Google
    /// Drive (`/content/drive/…`), Kaggle inputs (`/kaggle/input/…`), Databricks
    /// (`/dbfs/…`, `/Workspace/Users/…`), mounts (WSL's `/mnt/c/…`, `/media/<user>/…`),
    /// and `~/…` handed to a file function. Other `/mnt/…` paths are not reported: they
    /// are mount points that containers, volumes and secret stores declare.
    ///
    /// Comments, docstrings and URLs are not reported, nor system paths such as `/tmp`,
    /// `/dev/null`, `/etc/…` and `/usr/…`, nor defaults of `os.environ.get(…)`, nor
    /// Colab's mount point in `drive.mount("/content/drive")`. The
    /// patterns live in `rules/paths.toml`.
    ///
    /// ## Why is this bad?
    /// The code runs only where that path exists: a colleague, a CI runner or a fresh
    /// cloud machine gets `FileNotFoundError`, and a home path also tells the world a
    /// username.
    ///
    /// ## Example
    /// ```python
    /// df = pd.read_csv("/home/alice/projects/churn/data/train.csv")
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// DATA_DIR = Path(os.environ.get("DATA_DIR", "data"))
    /// df = pd.read_csv(DATA_DIR / "train.csv")
    /// ```
    ///
    /// ## How to fix
    /// Use a path relative to the repository, a value from a config file, or an
    /// environment variable.
    ///
    /// ## Options
    /// `[paths] allow = ["/mnt/shared"]` (prefixes never reported) and
    /// `[paths] disable-patterns = ["mnt"]` (pattern ids from `rules/paths.toml`).
    pub static HARD_CODED_LOCAL_PATH = {
        code: "PTH001",
        name: "hard-coded-local-path",
        domain: Paths,
        severity: Warning,
        default: true,
        fix: None,
        summary: "An absolute path that exists only on one machine",
    }
}

pub fn check(checker: &mut FileChecker<'_>) {
    if !checker.enabled(&HARD_CODED_LOCAL_PATH)
        || !matches!(checker.file.kind, SourceKind::Python | SourceKind::Notebook)
    {
        return;
    }
    let options = &checker.settings.paths;
    let all = patterns::builtin();
    let active: Vec<&patterns::PathPattern> = all
        .iter()
        .filter(|p| !options.disable_patterns.iter().any(|d| d == &p.id))
        .collect();
    if active.is_empty() {
        return;
    }
    let parsed = checker.python();
    let mut found = Vec::new();
    for unit in &parsed.units {
        for s in &unit.facts.strings {
            if s.docstring {
                continue;
            }
            let (file_api, env_default) = match &s.call {
                Some(c) => {
                    let last = c.callee.rsplit('.').next().unwrap_or("");
                    // `os.environ.get("DATA", "/home/…")` already reads a variable, and
                    // `drive.mount("/content/drive")` names Colab's mount point, not data.
                    let env = c.callee.ends_with("environ.get")
                        || c.callee.ends_with("environ.setdefault")
                        || last == "getenv"
                        || last == "mount";
                    (super::is_file_api(&c.callee), env)
                }
                None => (false, false),
            };
            if env_default {
                continue;
            }
            let m = active
                .iter()
                .find_map(|p| patterns::find(std::slice::from_ref(*p), &s.value, file_api));
            let Some(m) = m else { continue };
            let path = &s.value[m.start..];
            let path = path.split(['\n', '\'', '"']).next().unwrap_or(path);
            if options.allow.iter().any(|a| path.starts_with(a.as_str())) {
                continue;
            }
            let shown: String = path.chars().take(80).collect();
            let range = parsed.to_raw(checker.file, unit, s.range);
            found.push((
                range,
                shown,
                m.pattern.id.clone(),
                m.pattern.description.clone(),
            ));
        }
    }
    for (range, shown, id, description) in found {
        let range: TextRange = range;
        checker.push(
            Diagnostic::new(
                &HARD_CODED_LOCAL_PATH,
                checker.file,
                range,
                format!("hard-coded local path `{shown}` ({description})"),
            )
            .with_help(
                "Use a path relative to the repository, a config value, or an environment variable",
            )
            .with_property("pattern", id),
        );
    }
}
