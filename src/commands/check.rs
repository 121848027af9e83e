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
        // The tree: findings are written as they are found (`pipeline::stream_paths`).
        return stream(&args, &paths, &settings, &resolve);
    };
    apply_baseline(&args, &settings, &mut outcome)?;
    report(&args, &settings, outcome)
}

/// `check PATH…`: write each file's findings as the run finds them (baseline applied per
/// file), keeping only counts for the summary and the exit status; see
/// [`pipeline::stream_paths`] for the order. SARIF is written at the end
/// ([`render::Report`]).
fn stream(
    args: &CheckArgs,
    paths: &[PathBuf],
    settings: &crate::settings::Settings,
    resolve: &pipeline::Resolve<'_, Finding>,
) -> Result<ExitStatus> {
    let baseline = baseline_of(args, settings)?;
    let mut filter = baseline
        .as_ref()
        .map(|(_, b)| crate::baseline::Filter::new(b));
    let opts = render_options(args, settings);
    let mut run =
        |out: &mut dyn Write| -> (pipeline::Streamed, render::Tally, std::io::Result<()>) {
            let mut report = render::Report::new(out, &opts);
            let run = pipeline::stream_paths(paths, settings, resolve, &mut |findings| {
                let findings = match &mut filter {
                    Some(filter) => filter.keep(findings),
                    None => findings,
                };
                report.emit(findings);
            });
            print_errors(&run.errors);
            let (tally, written) = report.finish(&run.errors);
            (run, tally, written)
        };
    let (run, tally) = match &args.output_file {
        Some(path) => {
            let mut result = None;
            write_report_file(path, &mut |out| {
                let (run, tally, written) = run(out);
                result = Some((run, tally));
                written
            })?;
            result.expect("the report was written")
        }
        None => {
            let stdout = std::io::stdout();
            // Block-buffered: stdout is line-buffered, and JSON/SARIF write many short lines.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            let (run, tally, written) = run(&mut out);
            match written.and_then(|()| out.flush()) {
                Ok(()) => {}
                // A closed pipe (`mlcheck check | head`) is not an error worth a message.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(crate::Error::stdout(e)),
            }
            (run, tally)
        }
    };
    if let (Some((path, _)), Some(filter)) = (&baseline, &filter) {
        warn_unused(args, path, &filter.unused());
    }
    if args.output_format == OutputFormat::Github {
        write_step_summary(&tally, &run.errors, &opts);
    }
    Ok(status(args, &run.errors, &tally))
}

fn status(
    args: &CheckArgs,
    errors: &[crate::diagnostic::FileError],
    tally: &render::Tally,
) -> ExitStatus {
    if !errors.is_empty() {
        ExitStatus::Error
    } else if tally.failing() > 0 && !args.exit_zero {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// Errors go to stderr for people; machine formats carry them too where they can.
fn print_errors(errors: &[crate::diagnostic::FileError]) {
    let mut err = std::io::stderr().lock();
    for e in errors {
        let _ = writeln!(err, "mlcheck: error: {e}");
    }
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

/// The baseline to apply (`--baseline FILE`, else config `baseline`, which may not exist
/// yet), with its path.
fn baseline_of(
    args: &CheckArgs,
    settings: &crate::settings::Settings,
) -> Result<Option<(PathBuf, crate::baseline::Baseline)>> {
    let path = match (&args.baseline, &settings.baseline) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) if p.exists() => p.clone(),
        _ => return Ok(None),
    };
    let baseline = crate::baseline::Baseline::load(&path)?;
    Ok(Some((path, baseline)))
}

/// Hide findings recorded in the baseline; warn on stderr about entries that matched
/// nothing.
fn apply_baseline(
    args: &CheckArgs,
    settings: &crate::settings::Settings,
    outcome: &mut Outcome<Finding>,
) -> Result<()> {
    let Some((path, baseline)) = baseline_of(args, settings)? else {
        return Ok(());
    };
    let (kept, unused) =
        crate::baseline::filter(std::mem::take(&mut outcome.diagnostics), &baseline);
    outcome.diagnostics = kept;
    warn_unused(args, &path, &unused);
    Ok(())
}

fn warn_unused(args: &CheckArgs, path: &std::path::Path, unused: &[String]) {
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
}

/// Render an outcome and choose the exit status: 1 when a finding is at or above
/// `fail-on`. Under GitHub Actions, `--output-format github` also writes a Markdown job
/// summary to `$GITHUB_STEP_SUMMARY`.
pub fn report(
    args: &CheckArgs,
    settings: &crate::settings::Settings,
    outcome: Outcome<Finding>,
) -> Result<ExitStatus> {
    print_errors(&outcome.errors);
    let opts = render_options(args, settings);
    let tally = render::Tally::of(&outcome.diagnostics, &opts);
    if args.output_format == OutputFormat::Github {
        write_step_summary(&tally, &outcome.errors, &opts);
    }
    let render = |out: &mut dyn Write| {
        render::render_findings(out, &outcome.diagnostics, &outcome.errors, &opts)
    };
    match &args.output_file {
        Some(path) => write_report_file(path, &mut |out| render(out))?,
        None => {
            let stdout = std::io::stdout();
            // Block-buffered: stdout is line-buffered, and JSON/SARIF write many short lines.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            match render(&mut out).and_then(|()| out.flush()) {
                Ok(()) => {}
                // A closed pipe (`mlcheck check | head`) is not an error worth a message.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(crate::Error::stdout(e)),
            }
        }
    }
    Ok(status(args, &outcome.errors, &tally))
}

/// Append the Markdown job summary to `$GITHUB_STEP_SUMMARY` when GitHub Actions set it;
/// a failure to write it is a warning, not a failed check.
fn write_step_summary(
    tally: &render::Tally,
    errors: &[crate::diagnostic::FileError],
    opts: &RenderOptions,
) {
    if std::env::var_os("GITHUB_ACTIONS").is_none_or(|v| v != "true") {
        return;
    }
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let md = render::step_summary(tally, errors, opts);
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
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
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
        write(&mut out).map_err(fail)?;
        out.flush().map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
