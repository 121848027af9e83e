//! `mlcheck fix --strip-outputs`: strip notebooks in place (or stdin → stdout), as
//! nbstripout does, byte for byte.
//!
//! Promises: a notebook whose parsed content would not change is never rewritten (bytes and
//! mtime kept); a rewrite goes to a temporary file in the same folder, is re-parsed, then
//! renamed over the original (keeping its permissions), so a crash never leaves half a
//! notebook; a file that cannot be read or stripped is reported as `path: reason`, left as
//! it is, and the run goes on (exit 2 at the end). `--check` and `--diff` change nothing.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{ExitStatus, Result};
use crate::cli::FixArgs;
use crate::strip::{self, Options};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
    Diff,
}

enum Verdict {
    Unchanged,
    Changed(Option<String>),
    Error(String),
}

pub fn run(args: FixArgs) -> Result<ExitStatus> {
    if !args.strip_outputs {
        return Err(crate::Error::msg(
            "nothing to fix: pass `--strip-outputs` (the only fix today)",
        ));
    }
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        return Err(crate::Error::msg(
            "`-` (stdin) cannot be combined with other paths",
        ));
    }
    let paths = if args.paths.is_empty() || stdin {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let settings = crate::config::resolve(&paths, &args.selection)?;
    let opts = Options::from_args(&args.strip, &settings.strip).map_err(crate::Error::msg)?;
    if let Some(bad) = opts.invalid_output_types().first() {
        return Err(crate::Error::msg(format!(
            "invalid output type `{bad}`: use `TYPE` or `TYPE:NAME`"
        )));
    }
    for key in opts.invalid_keys() {
        eprintln!(
            "mlcheck: warning: ignoring invalid extra key `{key}` (it must start with `metadata.` or `cell.`)"
        );
    }
    let mode = if args.diff {
        Mode::Diff
    } else if args.check {
        Mode::Check
    } else {
        Mode::Write
    };
    if stdin {
        return run_stdin(&opts, mode);
    }

    let discovered = crate::discovery::discover(&paths, &settings);
    let files: Vec<&PathBuf> = discovered
        .files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
        .collect();
    let verdicts: Vec<Verdict> = files
        .par_iter()
        .map(|path| process_file(path, &opts, mode))
        .collect();

    let mut errors = discovered.errors.len();
    let mut changed = 0usize;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr().lock();
    for e in &discovered.errors {
        let _ = writeln!(err, "mlcheck: error: {e}");
    }
    for (path, verdict) in files.iter().zip(verdicts) {
        match verdict {
            Verdict::Unchanged => {}
            Verdict::Changed(diff) => {
                changed += 1;
                match mode {
                    Mode::Check => {
                        let _ = writeln!(out, "Would strip {}", path.display());
                    }
                    Mode::Diff => {
                        let _ = out.write_all(diff.unwrap_or_default().as_bytes());
                    }
                    Mode::Write => {}
                }
            }
            Verdict::Error(reason) => {
                errors += 1;
                let _ = writeln!(err, "mlcheck: error: {}: {reason}", path.display());
            }
        }
    }
    let _ = out.flush();
    if !args.quiet {
        let verb = if mode == Mode::Write {
            "Stripped"
        } else {
            "Would strip"
        };
        let _ = writeln!(
            err,
            "{verb} {changed} of {} notebook{}{}",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            if errors > 0 {
                format!(" ({errors} error{})", if errors == 1 { "" } else { "s" })
            } else {
                String::new()
            }
        );
    }
    Ok(if errors > 0 {
        ExitStatus::Error
    } else if changed > 0 && mode != Mode::Write {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// The git filter: a notebook on stdin, the stripped notebook on stdout, always in the
/// canonical layout. On error nothing is printed (a `required` filter then fails, so git
/// never stores an empty blob).
fn run_stdin(opts: &Options, mode: Mode) -> Result<ExitStatus> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes)?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(_) => {
            eprintln!("mlcheck: error: -: not UTF-8 text");
            return Ok(ExitStatus::Error);
        }
    };
    let outcome = match strip::strip_notebook(text, opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("mlcheck: error: -: {e}");
            return Ok(ExitStatus::Error);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = match mode {
        Mode::Write => out.write_all(outcome.text.as_bytes()),
        Mode::Check => {
            if outcome.changed {
                writeln!(out, "Would strip -")
            } else {
                Ok(())
            }
        }
        Mode::Diff => {
            if outcome.changed {
                out.write_all(unified_diff(text, &outcome.text, Path::new("-")).as_bytes())
            } else {
                Ok(())
            }
        }
    };
    match result.and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
    }
    Ok(if mode != Mode::Write && outcome.changed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

fn process_file(path: &Path, opts: &Options, mode: Mode) -> Verdict {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Verdict::Error(crate::discovery::io_reason(&e)),
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Verdict::Error("not UTF-8 text".into());
    };
    let new = match strip::strip_notebook_if_changed(text, opts) {
        Ok(None) => return Verdict::Unchanged,
        Ok(Some(new)) => new,
        Err(e) => return Verdict::Error(e.to_string()),
    };
    match mode {
        Mode::Check => Verdict::Changed(None),
        Mode::Diff => Verdict::Changed(Some(unified_diff(text, &new, path))),
        Mode::Write => match write_atomically(path, &new) {
            Ok(()) => Verdict::Changed(None),
            Err(e) => Verdict::Error(e),
        },
    }
}

/// Write `text` next to `path`, check it parses, then rename it over `path`.
fn write_atomically(path: &Path, text: &str) -> std::result::Result<(), String> {
    if let Err(e) = strip::json::parse(text) {
        return Err(format!(
            "internal error: the stripped notebook does not parse ({e}); file left unchanged"
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".mlcheck-strip-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            format!(
                "cannot create a temporary file: {}",
                crate::discovery::io_reason(&e)
            )
        })?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.flush())
        .map_err(|e| format!("cannot write: {}", crate::discovery::io_reason(&e)))?;
    // Re-read what reached the disk before it replaces the original.
    let written = std::fs::read(tmp.path()).map_err(|e| crate::discovery::io_reason(&e))?;
    if written != text.as_bytes() {
        return Err(
            "the temporary file does not hold what was written; file left unchanged".into(),
        );
    }
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| {
        format!(
            "cannot replace the file: {}",
            crate::discovery::io_reason(&e.error)
        )
    })?;
    Ok(())
}

/// The diff of `old` to `new`, with every secret the configured patterns find in either
/// masked (a removed output line would otherwise print a key, and re-serialising can
/// decode a `\u0073k-…`-escaped one on an added line); a secret in the path is masked too.
fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    use crate::rules::secrets::redact::{mask_file_text, mask_name};
    let old = mask_file_text(path, old);
    let new = mask_file_text(path, new);
    let name = mask_name(&path.display().to_string());
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
