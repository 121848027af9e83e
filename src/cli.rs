//! Command-line arguments (ripgrep's "low args"): parsed by clap, merged with the config
//! file into [`crate::settings::Settings`] by `config.rs`.

use std::path::PathBuf;

use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::render::OutputFormat;
use crate::strip::{OPTIONS, StripOption, Value};

#[derive(Debug, Parser)]
#[command(
    name = "mlcheck",
    version,
    about = "Keep ML repositories reproducible: notebooks, secrets, paths, MLproject and environment files",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories and report findings.
    Check(CheckArgs),
    /// Fix what can be fixed (today: strip notebook outputs, like nbstripout).
    Fix(FixArgs),
    /// Print one rule's documentation.
    Rule {
        /// A code (`NB001`) or name (`out-of-order-execution`).
        code: String,
    },
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        output_format: ListFormat,
    },
    /// Write a baseline of today's secret findings (fingerprints only) to hide them later.
    Baseline(BaselineArgs),
    /// Install the git filter (and optionally a pre-commit hook) that strips notebooks.
    Install(InstallArgs),
    /// Remove the git filter and attributes that `install` added.
    Uninstall(InstallArgs),
    /// Print the modules each Python file and notebook imports.
    Imports(ImportsArgs),
    /// Write a commented config file and print the pre-commit and CI snippets.
    Init(InitArgs),
    /// Print a shell completion script (`mlcheck completions bash > ~/.local/share/bash-completion/completions/mlcheck`).
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
}

/// `--fail-on`: findings of this severity or worse make `check` exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl From<FailOn> for crate::diagnostic::Severity {
    fn from(value: FailOn) -> Self {
        match value {
            FailOn::Error => Self::Error,
            FailOn::Warning => Self::Warning,
            FailOn::Info => Self::Info,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

/// Options that choose rules and read config: shared by `check` and `baseline`.
#[derive(Clone, Debug, Default, Args)]
pub struct SelectionArgs {
    /// Rules to enable (codes, prefixes such as `NB`, or names), replacing the defaults.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Rules to enable on top of the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub extend_select: Vec<String>,
    /// Rules to disable.
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Use this config file instead of searching for one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Globs of paths to skip, on top of the config's `exclude`.
    #[arg(long, value_delimiter = ',', value_name = "GLOB")]
    pub extend_exclude: Vec<String>,
    /// Apply excludes to files named on the command line too (pre-commit).
    #[arg(long)]
    pub force_exclude: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// How to report: human (code frames), concise (one line each), json, sarif, github.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, env = "MLCHECK_OUTPUT_FORMAT",
          value_name = "FORMAT", hide_possible_values = true)]
    pub output_format: OutputFormat,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// The least severe finding that fails the run (config `fail-on`; default: warning).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Apply the available fixes (strip notebook outputs), then report what is left.
    #[arg(long, conflicts_with_all = ["staged", "history"])]
    pub fix: bool,
    /// Print findings only, no summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// Never colour the output (also `NO_COLOR`).
    #[arg(long)]
    pub no_color: bool,
    /// Print a count of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Write the report to this file (e.g. `mlcheck.sarif`), replaced whole.
    #[arg(short, long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Hide findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Check what is staged in git (the index), not the working tree.
    #[arg(long)]
    pub staged: bool,
    /// Scan every commit of every branch and tag for secrets.
    #[arg(long)]
    pub history: bool,
    /// With `--history`: only commits after this revision.
    #[arg(long, value_name = "REV", requires = "history")]
    pub since: Option<String>,
}

#[derive(Debug, Default, Args)]
pub struct FixArgs {
    /// Notebooks or directories; `-` reads a notebook on stdin and writes it to stdout.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Strip outputs, execution counts and volatile metadata, byte-identical to nbstripout.
    #[arg(long)]
    pub strip_outputs: bool,
    /// Change nothing; list the notebooks that would change and exit 1 if any would.
    #[arg(long)]
    pub check: bool,
    /// Change nothing; print a unified diff of what would change.
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub strip: StripArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    #[arg(short, long)]
    pub quiet: bool,
}

/// nbstripout's options, with its names and meaning: one flag per row of
/// [`crate::strip::OPTIONS`] (the table also gives their help), recorded as given so that
/// `crate::config::strip_options` merges them over the config and `install` carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StripArgs {
    /// The options given, in table order, with their values as written: none for a flag,
    /// one for a value, one per value for a list.
    given: Vec<(&'static str, Vec<String>)>,
}

impl StripArgs {
    /// The options given on the command line, in table order, with their values as written.
    pub fn given(&self) -> impl Iterator<Item = (&'static StripOption, &[String])> {
        self.given.iter().filter_map(|(name, values)| {
            crate::strip::options::find(name).map(|opt| (opt, values.as_slice()))
        })
    }

    /// Parse strip flags alone (`["--keep-count", "--max-size", "1K"]`).
    pub fn from_flags<I, T>(flags: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cmd = Self::augment_args(clap::Command::new("strip").no_binary_name(true));
        Self::from_arg_matches(&cmd.try_get_matches_from(flags)?)
    }
}

/// The clap argument of one strip option.
fn strip_arg(opt: &'static StripOption) -> Arg {
    let arg = Arg::new(opt.name).long(opt.name).help(opt.help);
    let valued = arg.clone().value_parser(clap::value_parser!(String));
    match opt.value {
        Value::Flag(_) => arg.action(ArgAction::SetTrue),
        Value::Words {
            value_name,
            hyphens,
            ..
        } => valued
            .action(ArgAction::Set)
            .value_name(value_name)
            .allow_hyphen_values(hyphens),
        Value::Size { value_name, .. } => valued.action(ArgAction::Set).value_name(value_name),
        Value::List { value_name, .. } => valued
            .action(ArgAction::Append)
            .value_name(value_name)
            .value_delimiter(','),
    }
}

impl Args for StripArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.args(OPTIONS.iter().map(strip_arg))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl FromArgMatches for StripArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut given = Vec::new();
        for opt in OPTIONS {
            let values: Option<Vec<String>> = match opt.value {
                Value::Flag(_) => matches.get_flag(opt.name).then(Vec::new),
                _ => matches
                    .get_many::<String>(opt.name)
                    .map(|v| v.cloned().collect()),
            };
            if let Some(values) = values {
                given.push((opt.name, values));
            }
        }
        Ok(Self { given })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Files or directories to scan (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Where to write it.
    #[arg(long, short, default_value = ".mlcheck-baseline.json")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// Write to the user's global git config.
    #[arg(long, conflicts_with = "system")]
    pub global: bool,
    /// Write to the system git config.
    #[arg(long)]
    pub system: bool,
    /// Attributes file to edit (default: `.git/info/attributes`).
    #[arg(long, value_name = "FILE")]
    pub attributes: Option<PathBuf>,
    /// Report whether the filter is installed (exit 0) or not (exit 1); change nothing.
    #[arg(long)]
    pub status: bool,
    /// Also write a `.git/hooks/pre-commit` that runs `mlcheck check --staged`.
    #[arg(long)]
    pub hook: bool,
    /// Overwrite a pre-commit hook that mlcheck did not write.
    #[arg(long)]
    pub force: bool,
    /// Strip options to carry into the filter command.
    #[command(flatten)]
    pub strip: StripArgs,
}

#[derive(Debug, Args)]
pub struct ImportsArgs {
    /// Files or directories (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub output_format: ListFormat,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository folder (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Replace an existing mlcheck config.
    #[arg(long)]
    pub force: bool,
}
