//! One module per subcommand. Each returns an [`ExitStatus`]; errors that stop a whole
//! command (bad config, bad usage) come back as `Err` and exit 2.

pub mod baseline;
pub mod check;
pub mod fix;
pub mod imports;
pub mod install;
pub mod rule;

use std::process::ExitCode;

use crate::cli::{Cli, Command};

/// 0: clean, 1: findings (or would-change in check mode), 2: error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    Success,
    Failure,
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        })
    }
}

/// A whole-command failure, shown as `mlcheck: error: …`.
pub type Result<T> = std::result::Result<T, crate::Error>;

pub fn run(cli: Cli) -> Result<ExitStatus> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Fix(args) => fix::run(args),
        Command::Rule { code } => rule::run_rule(&code),
        Command::Rules { output_format } => rule::run_rules(output_format),
        Command::Baseline(args) => baseline::run(args),
        Command::Install(args) => install::run_install(args),
        Command::Uninstall(args) => install::run_uninstall(args),
        Command::Imports(args) => imports::run(args),
    }
}
