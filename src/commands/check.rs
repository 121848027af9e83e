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
    let mut outcome = if args.staged {
        // The index, not the working tree (`src/git.rs`); project rules need the tree.
        let sources = crate::git::staged_sources_for_check(&args.paths, &settings)?;
        pipeline::check_sources(sources, &settings)
    } else if args.history {
        let (diagnostics, errors) =
            crate::history::scan_history(&paths[0], args.since.as_deref(), &settings)?;
        let mut diagnostics = crate::suppress::apply(diagnostics, &settings);
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Outcome {
            diagnostics,
            errors,
            files_checked: 0,
        }
    } else {
        pipeline::check_paths(&paths, &settings)
    };
    apply_baseline(&args, &settings, &mut outcome)?;
    report(&args, outcome)
}

/// Hide findings recorded in the baseline (`--baseline FILE`, else config `baseline`, which
/// may not exist yet); warn on stderr about entries that matched nothing.
fn apply_baseline(
    args: &CheckArgs,
    settings: &crate::settings::Settings,
    outcome: &mut Outcome,
) -> Result<()> {
    let path = match (&args.baseline, &settings.baseline) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) if p.exists() => p.clone(),
        _ => return Ok(()),
    };
    let baseline = crate::baseline::Baseline::load(&path)?;
    let (kept, unused) =
        crate::baseline::filter(std::mem::take(&mut outcome.diagnostics), &baseline);
    outcome.diagnostics = kept;
    if !unused.is_empty() && !args.quiet {
        let _ = writeln!(
            std::io::stderr(),
            "mlcheck: warning: {} entr{} of baseline {} match{} no finding; run `mlcheck baseline` to prune {}",
            unused.len(),
            if unused.len() == 1 { "y" } else { "ies" },
            path.display(),
            if unused.len() == 1 { "es" } else { "" },
            if unused.len() == 1 { "it" } else { "them" },
        );
    }
    Ok(())
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
    // Block-buffered: stdout is line-buffered, and JSON/SARIF write many short lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match render::render(&mut out, &outcome.diagnostics, &outcome.errors, &opts) {
        Ok(()) => {}
        // A closed pipe (`mlcheck check | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
    }
    let _ = out.flush();
    let status = if !outcome.errors.is_empty() {
        ExitStatus::Error
    } else if !outcome.diagnostics.is_empty() && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    // The process ends right after this: freeing every retained file and tree one by one
    // would only cost time (a tenth of a second on a large repository).
    std::mem::forget(outcome);
    Ok(status)
}
