//! `mlcheck check`: run the pipeline, render, pick the exit code (1 when a finding is at or
//! above `fail-on`); `--fix` first applies the available fixes.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::{ExitStatus, Result};
use crate::cli::CheckArgs;
use crate::pipeline::{self, Outcome};
use crate::render::OutputFormat;
use crate::render::{self, Finding, RenderOptions};

pub fn run(args: CheckArgs) -> Result<ExitStatus> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let settings = crate::config::resolve(&paths, &args.selection)?;
    if args.fix {
        apply_fixes(&args, &paths, &settings)?;
    }
    // Findings are resolved for the chosen format on the worker threads, while each file
    // is loaded; the files are dropped as soon as they are checked.
    let resolver = render::Resolver::new(&render_options(&args, &settings));
    let resolve = |diags: Vec<crate::diagnostic::Diagnostic>| -> Vec<Finding> {
        diags.iter().map(|d| resolver.resolve(d)).collect()
    };
    let mut outcome = if args.staged {
        // The index, not the working tree (`src/git.rs`); project rules read the projects
        // of the staged files from the tree.
        let sources = crate::git::staged_sources_for_check(&args.paths, &settings)?;
        pipeline::check_staged_with(sources, &settings, &resolve)
    } else if args.history {
        let (diagnostics, errors) =
            crate::history::scan_history(&paths[0], args.since.as_deref(), &settings)?;
        let mut diagnostics = resolve(crate::suppress::apply(diagnostics, &settings));
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        Outcome {
            diagnostics,
            errors,
            files_checked: 0,
        }
    } else {
        pipeline::check_paths_with(&paths, &settings, &resolve)
    };
    apply_baseline(&args, &settings, &mut outcome)?;
    report(&args, &settings, outcome)
}

/// `check --fix`: strip the notebooks that have findings stripping fixes (and only those,
/// with the config's strip options), as `mlcheck fix --strip-outputs NOTEBOOK…` would; the
/// check that follows reports what is left.
fn apply_fixes(
    args: &CheckArgs,
    paths: &[PathBuf],
    settings: &crate::settings::Settings,
) -> Result<()> {
    let opts = RenderOptions {
        format: OutputFormat::Json,
        ..RenderOptions::default()
    };
    let resolver = render::Resolver::new(&opts);
    let resolve = |diags: Vec<crate::diagnostic::Diagnostic>| -> Vec<Finding> {
        diags.iter().map(|d| resolver.resolve(d)).collect()
    };
    let mut outcome = pipeline::check_paths_with(paths, settings, &resolve);
    apply_baseline(args, settings, &mut outcome)?;
    let notebooks: Vec<PathBuf> = render::strip_fixable_paths(&outcome.diagnostics)
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let fixed = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule.fix == crate::registry::FixAvailability::StripOutputs)
        .count();
    if notebooks.is_empty() {
        return Ok(());
    }
    let status = super::fix::run(crate::cli::FixArgs {
        paths: notebooks.clone(),
        strip_outputs: true,
        selection: args.selection.clone(),
        quiet: true,
        ..Default::default()
    })?;
    if !args.quiet {
        let _ = writeln!(
            std::io::stderr(),
            "mlcheck: fixed {fixed} finding{} by stripping {} notebook{}{}",
            if fixed == 1 { "" } else { "s" },
            notebooks.len(),
            if notebooks.len() == 1 { "" } else { "s" },
            if status == ExitStatus::Success {
                ""
            } else {
                " (some could not be written: see above)"
            }
        );
    }
    Ok(())
}

fn render_options(args: &CheckArgs, settings: &crate::settings::Settings) -> RenderOptions {
    let color = args.output_format == OutputFormat::Human
        && args.output_file.is_none()
        && !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal();
    RenderOptions {
        format: args.output_format,
        color,
        statistics: args.statistics,
        quiet: args.quiet,
        fail_on: args.fail_on.map_or(settings.fail_on, Into::into),
        // pre-commit sets PRE_COMMIT=1 for its hooks.
        pre_commit: std::env::var_os("PRE_COMMIT").is_some_and(|v| v == "1"),
    }
}

/// Hide findings recorded in the baseline (`--baseline FILE`, else config `baseline`, which
/// may not exist yet); warn on stderr about entries that matched nothing.
fn apply_baseline(
    args: &CheckArgs,
    settings: &crate::settings::Settings,
    outcome: &mut Outcome<Finding>,
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

/// Render an outcome and choose the exit status: 1 when a finding is at or above
/// `fail-on`. Under GitHub Actions, `--output-format github` also writes a Markdown job
/// summary to `$GITHUB_STEP_SUMMARY`.
pub fn report(
    args: &CheckArgs,
    settings: &crate::settings::Settings,
    outcome: Outcome<Finding>,
) -> Result<ExitStatus> {
    // Errors go to stderr for people; machine formats carry them too where they can.
    {
        let mut err = std::io::stderr().lock();
        for e in &outcome.errors {
            let _ = writeln!(err, "mlcheck: error: {e}");
        }
    }
    let opts = render_options(args, settings);
    if args.output_format == OutputFormat::Github {
        write_step_summary(&outcome, &opts);
    }
    match &args.output_file {
        Some(path) => write_report_file(path, &outcome, &opts)?,
        None => {
            let stdout = std::io::stdout();
            // Block-buffered: stdout is line-buffered, and JSON/SARIF write many short lines.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            match render::render_findings(&mut out, &outcome.diagnostics, &outcome.errors, &opts) {
                Ok(()) => {}
                // A closed pipe (`mlcheck check | head`) is not an error worth a message.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(crate::Error::stdout(e)),
            }
            let _ = out.flush();
        }
    }
    let status = if !outcome.errors.is_empty() {
        ExitStatus::Error
    } else if render::failing(&outcome.diagnostics, opts.fail_on) > 0 && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    };
    Ok(status)
}

/// Append the Markdown job summary to `$GITHUB_STEP_SUMMARY` when GitHub Actions set it;
/// a failure to write it is a warning, not a failed check.
fn write_step_summary(outcome: &Outcome<Finding>, opts: &RenderOptions) {
    if std::env::var_os("GITHUB_ACTIONS").is_none_or(|v| v != "true") {
        return;
    }
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let md = render::step_summary(&outcome.diagnostics, &outcome.errors, opts);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(md.as_bytes()));
    if let Err(e) = written {
        eprintln!(
            "mlcheck: warning: cannot write the job summary to {}: {e}",
            std::path::Path::new(&path).display()
        );
    }
}

/// Write the report to `path` through a temporary file in the same folder, renamed over
/// it once complete: a reader (a CI upload step) never sees half a report.
fn write_report_file(
    path: &std::path::Path,
    outcome: &Outcome<Finding>,
    opts: &RenderOptions,
) -> Result<()> {
    let fail = |e: std::io::Error| {
        crate::Error::msg(format!(
            "cannot write the report to {}: {e}",
            path.display()
        ))
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        // A report is not private (temporary files are created 0600).
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        render::render_findings(&mut out, &outcome.diagnostics, &outcome.errors, opts)
            .map_err(fail)?;
        out.flush().map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
