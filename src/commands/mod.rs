//! One module per subcommand. Each returns an [`ExitStatus`]; errors that stop a whole
//! command (bad config, bad usage) come back as `Err` and exit 2.

pub mod baseline;
pub mod check;
pub mod fix;
pub mod imports;
pub mod init;
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
        Command::Init(args) => init::run(args),
        Command::Completions { shell } => {
            // Generated into memory: clap_complete panics on a failed write (a closed pipe).
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "mlcheck", &mut script);
            use std::io::Write;
            match std::io::stdout().lock().write_all(&script) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(crate::Error::stdout(e))
                }
                _ => Ok(ExitStatus::Success),
            }
        }
    }
}
