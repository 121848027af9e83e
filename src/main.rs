//! The `mlcheck` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = mlcheck::cli::Cli::parse();
    match mlcheck::commands::run(cli) {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("mlcheck: error: {err:#}");
            mlcheck::commands::ExitStatus::Error.into()
        }
    }
}
