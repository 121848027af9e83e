//! `mlcheck baseline [PATH]…`: run the check pipeline with the selected rules and write
//! the fingerprints of every finding to `.mlcheck-baseline.json` (or `--output`).
//!
//! `mlcheck check --baseline FILE` (or `baseline = "…"` in config) then hides those
//! findings and warns about entries that no longer match anything. The file holds
//! fingerprints only (see [`crate::baseline`]).

use std::io::Write;
use std::path::PathBuf;

use super::{ExitStatus, Result};
use crate::baseline::Baseline;
use crate::cli::BaselineArgs;

pub fn run(args: BaselineArgs) -> Result<ExitStatus> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let settings = crate::config::resolve(&paths, &args.selection)?;
    let outcome = crate::pipeline::check_paths(&paths, &settings);
    let mut err = std::io::stderr().lock();
    for e in &outcome.errors {
        let _ = writeln!(err, "mlcheck: error: {e}");
    }
    let baseline = Baseline::from_diagnostics(&outcome.diagnostics);
    baseline.save(&args.output)?;
    let _ = writeln!(
        err,
        "mlcheck: wrote {} fingerprint{} ({} finding{}) to {}",
        baseline.fingerprints.len(),
        if baseline.fingerprints.len() == 1 {
            ""
        } else {
            "s"
        },
        outcome.diagnostics.len(),
        if outcome.diagnostics.len() == 1 {
            ""
        } else {
            "s"
        },
        args.output.display()
    );
    Ok(if outcome.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
