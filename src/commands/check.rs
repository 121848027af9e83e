//! `mlcheck check`: run the pipeline, render, pick the exit code.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::{ExitStatus, Result};
use crate::cli::{CheckArgs, OutputFormat};
use crate::pipeline::{self, Outcome};
use crate::render::{self, RenderOptions};

pub fn run(args: CheckArgs) -> Result<ExitStatus> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let settings = crate::config::resolve(&paths, &args.selection)?;
    let outcome = pipeline::check_paths(&paths, &settings);
    report(&args, outcome)
}

/// Render an outcome and choose the exit status.
pub fn report(args: &CheckArgs, outcome: Outcome) -> Result<ExitStatus> {
    let stdout = std::io::stdout();
    let color = args.output_format == OutputFormat::Human
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && stdout.is_terminal();
    // Errors go to stderr for people; machine formats carry them too where they can.
    {
        let mut err = std::io::stderr().lock();
        for e in &outcome.errors {
            let _ = writeln!(err, "mlcheck: error: {e}");
        }
    }
    let opts = RenderOptions {
        format: args.output_format,
        color,
        statistics: args.statistics,
        quiet: args.quiet,
    };
    let mut out = stdout.lock();
    match render::render(&mut out, &outcome.diagnostics, &outcome.errors, &opts) {
        Ok(()) => {}
        // A closed pipe (`mlcheck check | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
    }
    let _ = out.flush();
    Ok(if !outcome.errors.is_empty() {
        ExitStatus::Error
    } else if !outcome.diagnostics.is_empty() && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
