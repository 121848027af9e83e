//! The `mlcheck` binary: parse arguments, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: a check allocates and frees many small nodes on every thread; the system
/// allocator spent a fifth of the run in `malloc`/`free`/`realloc`. The binary's choice
/// only: the library leaves the allocator to its users.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
