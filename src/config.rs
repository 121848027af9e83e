//! The config file and its merge with the command line into [`Settings`].
//!
//! Discovery: `--config FILE`, else the first of `mlcheck.toml`, `.mlcheck.toml`, or a
//! `pyproject.toml` that really has a `[tool.mlcheck]` table, searched upward from the first
//! checked path (typos' and ruff's rule). Keys are kebab-case; unknown keys and bad values
//! are errors that name the file, the key and its line. Flags beat the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::Error;
use crate::cli::{SelectionArgs, StripArgs};
use crate::diagnostic::Severity;
use crate::registry::RuleMeta;
use crate::rules;
use crate::settings::Settings;

const CONFIG_NAMES: &[&str] = &["mlcheck.toml", ".mlcheck.toml", "pyproject.toml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    pub select: Option<Vec<Spanned<String>>>,
    pub extend_select: Option<Vec<Spanned<String>>>,
    pub ignore: Option<Vec<Spanned<String>>>,
    pub per_file_ignores: Option<BTreeMap<String, Vec<Spanned<String>>>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    pub extend_exclude: Option<Vec<Spanned<String>>>,
    pub force_exclude: Option<bool>,
    pub severity: Option<BTreeMap<Spanned<String>, Severity>>,
    pub baseline: Option<PathBuf>,
    /// The least severe finding that fails `check` (`--fail-on` beats it).
    pub fail_on: Option<Severity>,
    pub notebook: Option<rules::notebook::Options>,
    pub secrets: Option<rules::secrets::Options>,
    pub paths: Option<rules::paths::Options>,
    pub python: Option<rules::python::Options>,
    pub project: Option<rules::project::Options>,
    pub repro: Option<rules::repro::Options>,
    pub strip: Option<crate::strip::Options>,
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyProjectTool>,
}

#[derive(Deserialize)]
struct PyProjectTool {
    mlcheck: Option<RawConfig>,
}

/// A config file, read and parsed.
pub struct LoadedConfig {
    pub path: PathBuf,
    pub text: String,
    pub raw: RawConfig,
}

/// Find the config file for `start` (a file or directory), walking up.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(start).ok()?;
    let mut dir = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    while let Some(d) = dir {
        for name in CONFIG_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() && (*name != "pyproject.toml" || has_tool_mlcheck(&candidate)) {
                return Some(candidate);
            }
        }
        dir = d.parent();
    }
    None
}

fn has_tool_mlcheck(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    // Cheap test first; a real parse confirms (a string could contain the words).
    text.contains("tool.mlcheck")
        && toml::from_str::<toml::Table>(&text)
            .ok()
            .and_then(|t| t.get("tool")?.get("mlcheck").cloned())
            .is_some()
}

pub fn load_config(path: &Path) -> Result<LoadedConfig, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::msg(format!(
            "cannot read config file {}: {}",
            path.display(),
            crate::source::io_reason(&e)
        ))
    })?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let raw = if is_pyproject {
        toml::from_str::<PyProject>(&text)
            .map(|p| p.tool.and_then(|t| t.mlcheck).unwrap_or_default())
    } else {
        toml::from_str::<RawConfig>(&text)
    }
    .map_err(|e| {
        // The parser quotes the offending key or value (twice): never a secret whole.
        Error::msg(crate::secrets::redact::mask_message(&format!(
            "invalid config file {}: {}",
            path.display(),
            e.to_string().trim_end()
        )))
    })?;
    Ok(LoadedConfig {
        path: path.to_path_buf(),
        text,
        raw,
    })
}

/// The strip options: the command-line flags merged over `base` (the config file's
/// `[strip]` table), row by row of [`crate::strip::OPTIONS`]. A flag can only turn an
/// option on or add to a list; a size (`--max-size`) replaces the configured one.
pub fn strip_options(
    args: &StripArgs,
    base: &crate::strip::Options,
) -> Result<crate::strip::Options, String> {
    use crate::strip::Value;
    let mut opts = base.clone();
    for (opt, values) in args.given() {
        match opt.value {
            Value::Flag(field) => *field(&mut opts) = true,
            Value::Words { field, .. } => field(&mut opts).extend(
                values
                    .iter()
                    .flat_map(|v| v.split_whitespace())
                    .map(str::to_string),
            ),
            Value::List { field, .. } => field(&mut opts).extend(values.iter().cloned()),
            Value::Size { field, .. } => {
                if let Some(size) = values.last() {
                    *field(&mut opts) = crate::strip::parse_size(size)?;
                }
            }
        }
    }
    Ok(opts)
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Resolve settings for a run over `paths`.
pub fn resolve(paths: &[PathBuf], args: &SelectionArgs) -> Result<Settings, Error> {
    let config_path = match &args.config {
        Some(p) => Some(p.clone()),
        None => {
            let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
            find_config(&start)
        }
    };
    let loaded = config_path.as_deref().map(load_config).transpose()?;
    settings_from(loaded.as_ref(), args)
}

pub fn settings_from(
    loaded: Option<&LoadedConfig>,
    args: &SelectionArgs,
) -> Result<Settings, Error> {
    let mut settings = Settings::default();
    let empty = RawConfig::default();
    let (raw, text, cfg_path) = match loaded {
        Some(l) => (&l.raw, l.text.as_str(), Some(l.path.as_path())),
        None => (&empty, "", None),
    };
    let where_ = |span: std::ops::Range<usize>, key: &str| match cfg_path {
        Some(p) => format!("{}:{}: `{key}`", p.display(), line_of(text, span.start)),
        None => format!("`{key}`"),
    };
    let resolve_list = |items: &Option<Vec<Spanned<String>>>,
                        key: &str|
     -> Result<Vec<&'static RuleMeta>, Error> {
        let mut out = Vec::new();
        for item in items.iter().flatten() {
            match rules::select(item.get_ref()) {
                Some(rules) => out.extend(rules),
                None => {
                    return Err(Error::msg(format!(
                        "{}: unknown rule or prefix `{}` (see `mlcheck rules`)",
                        where_(item.span(), key),
                        item.get_ref()
                    )));
                }
            }
        }
        Ok(out)
    };
    let cli_list = |items: &[String], flag: &str| -> Result<Vec<&'static RuleMeta>, Error> {
        let mut out = Vec::new();
        for item in items {
            match rules::select(item) {
                Some(rules) => out.extend(rules),
                None => {
                    return Err(Error::msg(format!(
                        "{flag}: unknown rule or prefix `{item}` (see `mlcheck rules`)"
                    )));
                }
            }
        }
        Ok(out)
    };

    // Selection: config select (replaces the defaults) → extend-select → ignore, then the
    // same three from the command line.
    let mut apply = |select: Option<Vec<&'static RuleMeta>>,
                     extend: Vec<&'static RuleMeta>,
                     ignore: Vec<&'static RuleMeta>| {
        if let Some(sel) = select {
            settings.enabled = sel.iter().map(|r| r.code).collect();
        }
        settings.enabled.extend(extend.iter().map(|r| r.code));
        for r in ignore {
            settings.enabled.remove(r.code);
        }
    };
    apply(
        raw.select
            .as_ref()
            .map(|_| resolve_list(&raw.select, "select"))
            .transpose()?,
        resolve_list(&raw.extend_select, "extend-select")?,
        resolve_list(&raw.ignore, "ignore")?,
    );
    apply(
        (!args.select.is_empty())
            .then(|| cli_list(&args.select, "--select"))
            .transpose()?,
        cli_list(&args.extend_select, "--extend-select")?,
        cli_list(&args.ignore, "--ignore")?,
    );

    for (code, sev) in raw.severity.iter().flatten() {
        let Some(rules) = rules::select(code.get_ref()) else {
            return Err(Error::msg(format!(
                "{}: unknown rule or prefix `{}` (see `mlcheck rules`)",
                where_(code.span(), "severity"),
                code.get_ref()
            )));
        };
        for r in rules {
            settings.severity.insert(r.code, *sev);
        }
    }

    for (glob, codes) in raw.per_file_ignores.iter().flatten() {
        let matcher = globset::Glob::new(glob)
            .map_err(|e| {
                Error::msg(format!(
                    "{}: invalid glob `{glob}`: {e}",
                    where_(0..0, "per-file-ignores")
                ))
            })?
            .compile_matcher();
        let rules = resolve_list(&Some(codes.clone()), "per-file-ignores")?;
        settings
            .per_file_ignores
            .push((matcher, rules.iter().map(|r| r.code).collect()));
    }

    // Compiled once, in time linear in their number (a config may list tens of thousands:
    // `GlobList`). Where a glob sits in the file is worked out only for an error message.
    let mut excludes = Vec::new();
    let mut add_glob = |g: &str, at: &dyn Fn() -> String| -> Result<(), Error> {
        let glob = globset::GlobBuilder::new(g)
            .literal_separator(false)
            .build()
            .map_err(|e| Error::msg(format!("{}: invalid glob `{g}`: {e}", at())))?;
        excludes.push(glob);
        // `dir` also excludes everything below it.
        if !g.ends_with("/**")
            && let Ok(glob) = globset::Glob::new(&format!("{}/**", g.trim_end_matches('/')))
        {
            excludes.push(glob);
        }
        Ok(())
    };
    for g in raw
        .exclude
        .iter()
        .flatten()
        .chain(raw.extend_exclude.iter().flatten())
    {
        add_glob(g.get_ref(), &|| where_(g.span(), "exclude"))?;
    }
    for g in &args.extend_exclude {
        add_glob(g, &|| "--extend-exclude".into())?;
    }
    settings.exclude = crate::settings::GlobList::build(excludes)
        .map_err(|e| Error::msg(format!("invalid exclude globs: {e}")))?;
    settings.force_exclude = args.force_exclude || raw.force_exclude.unwrap_or(false);

    if let Some(p) = cfg_path {
        settings.config_path = Some(p.to_path_buf());
        settings.root = p
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        if settings.root.as_os_str().is_empty() {
            settings.root = PathBuf::from(".");
        }
    }
    settings.baseline = raw.baseline.as_ref().map(|b| settings.root.join(b));
    if let Some(sev) = raw.fail_on {
        settings.fail_on = sev;
    }
    if let Some(o) = &raw.notebook {
        settings.notebook = o.clone();
    }
    if let Some(o) = &raw.secrets {
        o.validate().map_err(Error::msg)?;
        settings.secrets = o.clone();
    }
    if let Some(o) = &raw.paths {
        settings.paths = o.clone();
    }
    if let Some(o) = &raw.python {
        settings.python = o.clone();
    }
    if let Some(o) = &raw.project {
        settings.project = o.clone();
    }
    if let Some(o) = &raw.repro {
        settings.repro = o.clone();
    }
    if let Some(o) = &raw.strip {
        settings.strip = o.clone();
    }
    Ok(settings)
}

#[cfg(test)]
mod strip_table_tests {
    use super::*;
    use crate::strip::{OPTIONS, Options, Value};

    /// Every row of the strip table works in all four places: its config key sets its field,
    /// its flag sets the same, the flag merges over the config, and `install` carries it
    /// into a filter command that parses back to the same flags.
    #[test]
    fn every_strip_option_round_trips() {
        for opt in OPTIONS {
            let name = opt.name;
            let mut want = Options::default();
            let (toml_line, flags): (String, Vec<String>) = match opt.value {
                Value::Flag(field) => {
                    *field(&mut want) = true;
                    (format!("{name} = true"), vec![format!("--{name}")])
                }
                Value::Words { field, .. } => {
                    *field(&mut want) = vec!["-metadata.a".into(), "cell.metadata.b".into()];
                    (
                        format!("{name} = \"-metadata.a cell.metadata.b\""),
                        vec![format!("--{name}=-metadata.a cell.metadata.b")],
                    )
                }
                Value::List { field, .. } => {
                    *field(&mut want) = vec!["error".into(), "stream:stderr".into()];
                    (
                        format!("{name} = [\"error\", \"stream:stderr\"]"),
                        vec![format!("--{name}"), "error,stream:stderr".into()],
                    )
                }
                Value::Size { field, .. } => {
                    *field(&mut want) = 2000;
                    (
                        format!("{name} = \"2K\""),
                        vec![format!("--{name}"), "2K".into()],
                    )
                }
            };
            assert_ne!(
                want,
                Options::default(),
                "{name}: the sample changes nothing"
            );

            // config key → Options
            let from_config: Options =
                toml::from_str(&toml_line).unwrap_or_else(|e| panic!("{toml_line}: {e}"));
            assert_eq!(from_config, want, "{name}: config");

            // CLI flag → Options (over an empty config)
            let args = StripArgs::from_flags(&flags).unwrap_or_else(|e| panic!("{flags:?}: {e}"));
            assert_eq!(args.given().count(), 1, "{name}");
            let from_cli = strip_options(&args, &Options::default()).unwrap();
            assert_eq!(from_cli, want, "{name}: flag");

            // The flag merges over the config: lists add, flags and sizes stay set.
            let merged = strip_options(&args, &from_config).unwrap();
            let mut twice = want.clone();
            if let Value::Words { field, .. } | Value::List { field, .. } = opt.value {
                let once = field(&mut want.clone()).clone();
                field(&mut twice).extend(once);
            }
            assert_eq!(merged, twice, "{name}: flag over config");

            // install carries it: the flags it writes parse back to the same options.
            let carried = crate::commands::install::strip_flags(&args);
            assert!(
                carried.iter().all(|w| w.starts_with(&format!("--{name}"))),
                "{name}: {carried:?}"
            );
            let reparsed = StripArgs::from_flags(&carried).unwrap();
            assert_eq!(reparsed, args, "{name}: install carries {carried:?}");
        }
    }

    #[test]
    fn a_bad_size_flag_is_an_error() {
        let args = StripArgs::from_flags(["--max-size", "1T"]).unwrap();
        let err = strip_options(&args, &Options::default()).unwrap_err();
        assert!(err.contains("invalid size `1T`"), "{err}");
    }
}
