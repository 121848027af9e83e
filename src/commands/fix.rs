//! `mlcheck fix --strip-outputs`: strip notebooks in place (or stdin → stdout), as
//! nbstripout does, byte for byte.
//!
//! Promises: a notebook whose parsed content would not change is never rewritten (bytes and
//! mtime kept); a rewrite goes to a temporary file in the same folder, is re-parsed, then
//! renamed over the original (keeping its permissions, and its owner and group where the
//! runner may set them), so a crash never leaves half a notebook; a file that cannot be
//! read or stripped is reported as `path: reason`, left as it is, and the run goes on
//! (exit 2 at the end). `--check` and `--diff` change nothing.
//!
//! Never touched (refused with the reason, exit 2): a symlink, named or walked (nothing is
//! read or written through a link); a FIFO, socket or device; a notebook that is
//! read-only by its mode bits (even for root) or not writable by the runner, or whose
//! folder is; a notebook with more than one hard link (replacing it would break the link,
//! and rewriting it in place would change every linked copy and is not crash-safe); one
//! that changed on disk while it was being stripped.
//!
//! Temporary files are named `.mlcheck-strip-*.tmp`, held under an advisory lock while
//! they exist, and removed on every exit path that runs code: errors, and Ctrl-C / SIGTERM
//! / SIGHUP (a signal thread removes those in flight). One left by a killed run (`kill -9`)
//! is removed by the next `fix` in that folder: by name, only when older than that run and
//! no longer locked (so a concurrent run's file is never touched).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

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
    /// The diff (`--diff`), and a warning about the rewrite (an owner not kept).
    Changed(Option<String>, Option<String>),
    Error(String),
}

/// Temporary files are `.mlcheck-strip-<random>.tmp` in the notebook's folder.
const TMP_PREFIX: &str = ".mlcheck-strip-";
const TMP_SUFFIX: &str = ".tmp";

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
    let opts =
        crate::config::strip_options(&args.strip, &settings.strip).map_err(crate::Error::msg)?;
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
    let run_start = SystemTime::now();
    if mode == Mode::Write {
        // Before any thread exists, so every thread inherits the blocked signals.
        install_signal_cleanup();
    }

    let discovered = crate::discovery::discover(&paths, &settings);
    let is_notebook = |p: &Path| p.extension().is_some_and(|e| e == "ipynb");
    let files: Vec<&PathBuf> = discovered.files.iter().filter(|p| is_notebook(p)).collect();
    // Named symlinks, FIFOs and devices, folders that could not be walked, and symlinks
    // met while walking: never read, never written.
    let mut refused: Vec<crate::diagnostic::FileError> = discovered
        .refused
        .iter()
        .filter(|e| {
            is_notebook(&e.path) || !e.path.is_file() && e.message.starts_with("cannot walk")
        })
        .cloned()
        .collect();
    refused.extend(discovered.links.iter().filter(|p| is_notebook(p)).map(|p| {
        crate::diagnostic::FileError {
            path: p.clone(),
            message: crate::source::symlink_reason(p),
        }
    }));
    refused.sort_by(|a, b| a.path.cmp(&b.path));

    let mut stale = 0usize;
    if mode == Mode::Write {
        let mut dirs: Vec<&Path> = files.iter().map(|p| parent_dir(p)).collect();
        dirs.sort();
        dirs.dedup();
        stale = dirs
            .par_iter()
            .map(|d| remove_stale_temps(d, run_start))
            .sum();
    }
    // One file per task, so a run of large notebooks does not fall to one thread.
    let verdicts: Vec<Verdict> = files
        .par_iter()
        .with_max_len(1)
        .map(|path| process_file(path, &opts, mode))
        .collect();

    let mut errors = discovered.errors.len() + refused.len();
    let mut changed = 0usize;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut err = std::io::stderr().lock();
    for e in discovered.errors.iter().chain(&refused) {
        let _ = writeln!(err, "mlcheck: error: {e}");
    }
    if stale > 0 && !args.quiet {
        let _ = writeln!(
            err,
            "mlcheck: removed {stale} temporary file{} left by an interrupted run",
            if stale == 1 { "" } else { "s" }
        );
    }
    for (path, verdict) in files.iter().zip(verdicts) {
        match verdict {
            Verdict::Unchanged => {}
            Verdict::Changed(diff, warning) => {
                if let Some(w) = warning {
                    let _ = writeln!(err, "mlcheck: warning: {}: {w}", path.display());
                }
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
        let total = files.len() + refused.len();
        let _ = writeln!(
            err,
            "{verb} {changed} of {total} notebook{}{}",
            if total == 1 { "" } else { "s" },
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
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|e| crate::Error::msg(format!("reading standard input: {e}")))?;
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
        Err(e) => return Err(crate::Error::stdout(e)),
    }
    Ok(if mode != Mode::Write && outcome.changed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Each worker thread's buffers, reused from one notebook to the next: the notebook read,
/// the stripped text, and the temporary file read back.
#[derive(Default)]
struct Buffers {
    read: Vec<u8>,
    stripped: String,
    written: Vec<u8>,
}

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// A buffer that grew past this for one large notebook is given back afterwards.
const KEEP_BUFFER: usize = 8 << 20;

fn process_file(path: &Path, opts: &Options, mode: Mode) -> Verdict {
    BUFFERS.with(|b| {
        let mut b = b.borrow_mut();
        let verdict = process_file_with(path, opts, mode, &mut b);
        if b.read.capacity().max(b.written.capacity()) > KEEP_BUFFER {
            *b = Buffers::default();
        }
        b.stripped.clear();
        verdict
    })
}

fn process_file_with(path: &Path, opts: &Options, mode: Mode, bufs: &mut Buffers) -> Verdict {
    // One open (never through a link, never blocking on a FIFO) and its `fstat`: the
    // metadata is the file's own, whatever happens to the path meanwhile.
    let (mut file, meta) = match crate::source::open_regular(path) {
        Ok(f) => f,
        Err(e) => return Verdict::Error(e.reason(path)),
    };
    let bytes = &mut bufs.read;
    bytes.clear();
    bytes.reserve(meta.len() as usize + 1);
    if let Err(e) = file.read_to_end(bytes) {
        return Verdict::Error(format!("cannot read: {}", crate::source::io_reason(&e)));
    }
    drop(file);
    let Ok(text) = std::str::from_utf8(bytes) else {
        let what = crate::source::DecodeError::of(bytes)
            .map(|d| d.describe())
            .unwrap_or_default();
        return Verdict::Error(format!("not valid UTF-8: {what}; notebooks are UTF-8 JSON"));
    };
    let new = &mut bufs.stripped;
    match strip::engine::strip_notebook_into(text, opts, new) {
        Ok(false) => return Verdict::Unchanged,
        Ok(true) => {}
        Err(e) => return Verdict::Error(e.to_string()),
    }
    match mode {
        Mode::Check => Verdict::Changed(None, None),
        Mode::Diff => Verdict::Changed(Some(unified_diff(text, new, path)), None),
        Mode::Write => match write_atomically(path, &meta, new, &mut bufs.written) {
            Ok(warning) => Verdict::Changed(None, warning),
            Err(e) => Verdict::Error(e),
        },
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Why `path` (with metadata `meta`, taken when it was read) must not be rewritten.
fn refuse_write(path: &Path, meta: &std::fs::Metadata) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let mode = meta.permissions().mode() & 0o7777;
        // The mode bits, not only access(2): root may write anything, and a read-only
        // notebook is still read-only to root's `fix`.
        if mode & 0o222 == 0 {
            return Some(format!(
                "read-only (mode {mode:04o}); not rewritten (make it writable with `chmod u+w` to strip it)"
            ));
        }
        if meta.nlink() > 1 {
            return Some(format!(
                "has {} hard links; not rewritten: replacing it would break the link, and \
                 rewriting it in place would change every linked copy (copy it to a file of \
                 its own first)",
                meta.nlink()
            ));
        }
        if let Err(e) = access_write(path) {
            return Some(format!(
                "not writable by you ({}); not rewritten",
                crate::source::io_reason(&e)
            ));
        }
        let dir = parent_dir(path);
        match std::fs::metadata(dir) {
            Ok(d) if d.permissions().mode() & 0o222 == 0 => {
                return Some(format!(
                    "its folder is read-only (mode {:04o}); not rewritten",
                    d.permissions().mode() & 0o7777
                ));
            }
            _ => {}
        }
        if let Err(e) = access_write(dir) {
            return Some(format!(
                "cannot write in its folder ({}); not rewritten",
                crate::source::io_reason(&e)
            ));
        }
    }
    #[cfg(not(unix))]
    if meta.permissions().readonly() {
        return Some("read-only; not rewritten".into());
    }
    let _ = (path, meta);
    None
}

/// access(2) with `W_OK`: whether the runner may write `path` (a read-only file system
/// included).
#[cfg(unix)]
fn access_write(path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    // SAFETY: `c` is a valid NUL-terminated string that outlives the call.
    if unsafe { libc::access(c.as_ptr(), libc::W_OK) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Temporary files being written: removed by the signal thread, which holds the lock
/// while it removes them and exits, so no rename happens after it starts.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn in_flight() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner())
}

/// Block SIGINT, SIGTERM and SIGHUP in this thread (threads started later inherit the
/// mask) and start a thread that waits for them, removes the temporary files in flight
/// and exits with 128 + the signal's number. Call before any other thread starts.
fn install_signal_cleanup() {
    #[cfg(unix)]
    // SAFETY: plain libc signal-set calls on a zeroed, owned `sigset_t`.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("mlcheck-signals".into())
            .spawn(move || {
                let mut sig: libc::c_int = 0;
                if libc::sigwait(&set, &mut sig) != 0 {
                    return;
                }
                let files = in_flight();
                for f in files.iter() {
                    let _ = std::fs::remove_file(f);
                }
                let _ = writeln!(
                    std::io::stderr(),
                    "mlcheck: interrupted; {} temporary file{} removed, notebooks not yet \
                     rewritten are unchanged",
                    files.len(),
                    if files.len() == 1 { "" } else { "s" }
                );
                std::process::exit(128 + sig);
            });
        if spawned.is_err() {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

/// Remove `.mlcheck-strip-*.tmp` files in `dir` left by a killed run: by name only,
/// regular files older than this run whose lock is free (a live run holds its lock).
fn remove_stale_temps(dir: &Path, run_start: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)) {
            continue;
        }
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok((file, meta)) = crate::source::open_regular(&path) else {
            continue;
        };
        let older = meta.modified().is_ok_and(|m| m < run_start);
        if older && file.try_lock().is_ok() && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A new temporary file in `dir`, locked while it exists so that another run's clean-up of
/// stale files leaves it alone. Between its creation and its lock a concurrent run may
/// take it for a killed run's leftover (file times come from a coarse clock) and remove
/// it: then the lock fails or the name no longer leads to it, and another one is made.
fn locked_temp_file(dir: &Path) -> std::result::Result<tempfile::NamedTempFile, String> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .suffix(TMP_SUFFIX)
            .tempfile_in(dir)
            .map_err(|e| {
                format!(
                    "cannot create a temporary file: {}",
                    crate::source::io_reason(&e)
                )
            })?;
        let held = match tmp.as_file().try_lock() {
            Ok(()) => true,
            // A file system without locks: no clean-up takes it for a leftover.
            Err(std::fs::TryLockError::Error(_)) => return Ok(tmp),
            Err(std::fs::TryLockError::WouldBlock) => false,
        };
        let ours = held
            && tmp
                .as_file()
                .metadata()
                .is_ok_and(|m| same_file(tmp.path(), &m));
        if ours || attempts >= 8 {
            return Ok(tmp);
        }
        // Removed, or about to be, by another run: dropping it removes what is left.
        drop(tmp);
    }
}

/// Write `text` next to `path`, check it parses, then rename it over `path` (keeping its
/// mode, and its owner and group where permitted). `Ok(Some(warning))`: written, but the
/// owner or group could not be kept.
fn write_atomically(
    path: &Path,
    meta: &std::fs::Metadata,
    text: &str,
    readback: &mut Vec<u8>,
) -> std::result::Result<Option<String>, String> {
    if let Some(reason) = refuse_write(path, meta) {
        return Err(reason);
    }
    // The same parser's acceptance, without building its tree again.
    if let Err(e) = strip::json::validate(text) {
        return Err(format!(
            "internal error: the stripped notebook does not parse ({e}); file left unchanged"
        ));
    }
    let dir = parent_dir(path);
    // Created and registered under the in-flight lock: once the signal thread holds it, no
    // temporary file appears that it does not remove.
    let mut flight = in_flight();
    let mut tmp = locked_temp_file(dir)?;
    let tmp_path = tmp.path().to_path_buf();
    flight.push(tmp_path.clone());
    drop(flight);
    let result = fill(&mut tmp, meta, text, readback).and_then(|warning| {
        // Renamed while holding the in-flight lock: the signal thread cannot remove the
        // file half-way, and once it holds the lock no rename happens.
        let mut flight = in_flight();
        flight.retain(|p| *p != tmp_path);
        // The file must still be the one that was read (an editor or a concurrent run
        // may have replaced it).
        if !same_file(path, meta) {
            // Removed while the lock is held.
            let _ = tmp.close();
            let now = std::fs::read(path).ok();
            return if now.as_deref() == Some(text.as_bytes()) {
                Ok(warning) // a concurrent run stripped it the same way
            } else {
                Err("changed on disk while it was being stripped; left as it is (run again)".into())
            };
        }
        let persisted = tmp.persist(path).map(drop).map_err(|e| {
            // `e.file` drops here and removes the temporary file.
            format!(
                "cannot replace the file: {}",
                crate::source::io_reason(&e.error)
            )
        });
        drop(flight);
        persisted.map(|()| warning)
    });
    // On error `tmp` has dropped (removing the file): forget it.
    in_flight().retain(|p| *p != tmp_path);
    result
}

/// Fill the temporary file and give it the original's mode, owner and group (where
/// permitted); re-read it. `Ok(Some(warning))` when the owner could not be kept.
fn fill(
    tmp: &mut tempfile::NamedTempFile,
    meta: &std::fs::Metadata,
    text: &str,
    readback: &mut Vec<u8>,
) -> std::result::Result<Option<String>, String> {
    let mut warning = None;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, fchown};
        let mine = tmp
            .as_file()
            .metadata()
            .map_err(|e| crate::source::io_reason(&e))?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid())
            && fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid())).is_err()
        {
            // Not root: the group may still be kept (one the runner belongs to).
            let group_kept = fchown(tmp.as_file(), None, Some(meta.gid())).is_ok();
            if mine.uid() != meta.uid() {
                warning = Some(format!(
                    "rewritten as yours: its owner (uid {}) could not be kept{}",
                    meta.uid(),
                    if group_kept { "" } else { ", nor its group" }
                ));
            } else if !group_kept {
                warning = Some(format!("its group (gid {}) could not be kept", meta.gid()));
            }
        }
    }
    // After `fchown`, which may clear set-id bits.
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(|e| format!("cannot set permissions: {}", crate::source::io_reason(&e)))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.flush())
        .map_err(|e| format!("cannot write: {}", crate::source::io_reason(&e)))?;
    // Re-read what reached the disk before it replaces the original (through the file
    // just written, into a reused buffer).
    readback.clear();
    {
        use std::io::{Seek, SeekFrom};
        let f = tmp.as_file_mut();
        f.seek(SeekFrom::Start(0))
            .and_then(|_| f.read_to_end(readback))
            .map_err(|e| crate::source::io_reason(&e))?;
    }
    if readback.as_slice() != text.as_bytes() {
        return Err(
            "the temporary file does not hold what was written; file left unchanged".into(),
        );
    }
    Ok(warning)
}

fn same_file(path: &Path, meta: &std::fs::Metadata) -> bool {
    let Ok(now) = std::fs::symlink_metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        now.file_type().is_file()
            && now.dev() == meta.dev()
            && now.ino() == meta.ino()
            && now.len() == meta.len()
            && now.mtime() == meta.mtime()
            && now.mtime_nsec() == meta.mtime_nsec()
    }
    #[cfg(not(unix))]
    {
        now.file_type().is_file()
            && now.len() == meta.len()
            && now.modified().ok() == meta.modified().ok()
    }
}

/// The diff of `old` to `new`, with every secret the configured patterns find in either
/// masked (a removed output line would otherwise print a key, and re-serialising can
/// decode a `\u0073k-…`-escaped one on an added line); a secret in the path is masked too.
fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    use crate::secrets::redact::{mask_file_text, mask_name};
    let old = mask_file_text(path, old);
    let new = mask_file_text(path, new);
    let name = mask_name(&path.display().to_string());
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
