//! Adversarial tests of what `mlcheck fix --strip-outputs` (and `check`) may touch (issue
//! #17): read-only notebooks and folders, symlinks named or walked, FIFOs and `/dev/zero`,
//! hard links, owners and modes, temporary files after errors, signals and `kill -9`,
//! concurrent runs, malformed and huge inputs, a file growing while it is read, and long
//! exclude lists. Every test asserts the exit code, the message, and the bytes (and where
//! it matters the metadata) of every file afterwards.
//!
//! CI runs as root, which reads and writes whatever the mode says: where a check rests on
//! access(2) the test says so and checks what root can check (mode bits).
#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn mlcheck(dir: &Path, args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("MLCHECK_OUTPUT_FORMAT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mlcheck runs");
    wait_bounded(child, Duration::from_secs(60))
}

/// Wait for a child, killing it (and failing) if it hangs.
fn wait_bounded(mut child: std::process::Child, limit: Duration) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "mlcheck hung for {limit:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/strip")
            .join(name),
    )
    .unwrap()
}

fn dirty() -> Vec<u8> {
    fixture("basic.ipynb")
}

fn stripped() -> Vec<u8> {
    fixture("basic.default.expected.ipynb")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

/// Every `.mlcheck-strip-*.tmp` below `dir`.
fn temps(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else if name.starts_with(".mlcheck-strip-") {
                found.push(p);
            }
        }
    }
    found
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

/// A notebook of about `kb` KiB of stream output.
fn big_notebook(i: usize, kb: usize) -> Vec<u8> {
    let lines: Vec<String> = (0..kb * 10)
        .map(|j| format!("\"{} {j}\\n\"", "x".repeat(90)))
        .collect();
    format!(
        r#"{{"cells": [{{"cell_type": "code", "execution_count": {i}, "id": "c{i}", "metadata": {{}}, "outputs": [{{"name": "stdout", "output_type": "stream", "text": [{}]}}], "source": ["print({i})"]}}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#,
        lines.join(", ")
    )
    .into_bytes()
}

#[test]
fn read_only_notebook_is_refused_even_for_root_and_the_others_are_stripped() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("ro.ipynb"), dirty()).unwrap();
    std::fs::write(d.join("ok.ipynb"), dirty()).unwrap();
    std::fs::set_permissions(d.join("ro.ipynb"), PermissionsExt::from_mode(0o444)).unwrap();
    let out = mlcheck(d, &["fix", "--strip-outputs", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ro.ipynb: read-only (mode 0444); not rewritten"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("Stripped 1 of 2 notebooks (1 error)"));
    assert_eq!(std::fs::read(d.join("ro.ipynb")).unwrap(), dirty());
    assert_eq!(mode(&d.join("ro.ipynb")), 0o444);
    assert_eq!(std::fs::read(d.join("ok.ipynb")).unwrap(), stripped());
    assert!(temps(d).is_empty());
    // `--check` writes nothing, so it does not refuse: it reports.
    let out = mlcheck(d, &["fix", "--strip-outputs", "--check", "ro.ipynb"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Already stripped and read-only: nothing to write, nothing to refuse.
    std::fs::set_permissions(d.join("ok.ipynb"), PermissionsExt::from_mode(0o444)).unwrap();
    let out = mlcheck(d, &["fix", "--strip-outputs", "ok.ipynb"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Mode 000: unreadable for a normal user (an `MLC001` finding for `check`, an error for
/// `fix`); root reads it, and `fix` still refuses to rewrite it (its mode is read-only).
#[test]
fn unreadable_notebook() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("locked.ipynb"), dirty()).unwrap();
    std::fs::set_permissions(d.join("locked.ipynb"), PermissionsExt::from_mode(0o000)).unwrap();
    let fix = mlcheck(d, &["fix", "--strip-outputs", "."]);
    assert_eq!(fix.status.code(), Some(2), "{}", stderr(&fix));
    let check = mlcheck(d, &["check", "--select", "MLC001", "."]);
    if is_root() {
        assert!(
            stderr(&fix).contains("locked.ipynb: read-only (mode 0000)"),
            "{}",
            stderr(&fix)
        );
        assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    } else {
        assert!(
            stderr(&fix).contains("locked.ipynb: cannot read: permission denied"),
            "{}",
            stderr(&fix)
        );
        assert_eq!(check.status.code(), Some(1));
        assert!(stdout(&check).contains("cannot read: permission denied"));
    }
    std::fs::set_permissions(d.join("locked.ipynb"), PermissionsExt::from_mode(0o644)).unwrap();
    assert_eq!(std::fs::read(d.join("locked.ipynb")).unwrap(), dirty());
}

#[test]
fn read_only_folder_is_refused_and_nothing_is_left_in_it() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("ro")).unwrap();
    std::fs::write(d.join("ro/nb.ipynb"), dirty()).unwrap();
    std::fs::write(d.join("ok.ipynb"), dirty()).unwrap();
    std::fs::set_permissions(d.join("ro"), PermissionsExt::from_mode(0o555)).unwrap();
    let out = mlcheck(d, &["fix", "--strip-outputs", "."]);
    std::fs::set_permissions(d.join("ro"), PermissionsExt::from_mode(0o755)).unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nb.ipynb: its folder is read-only (mode 0555)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(d.join("ro/nb.ipynb")).unwrap(), dirty());
    assert_eq!(std::fs::read(d.join("ok.ipynb")).unwrap(), stripped());
    assert!(temps(d).is_empty());
}

/// A symlink is never read or written through, named (as pre-commit passes names) or
/// walked; `check` reports a named one as `MLC001` and never reads its target.
#[test]
fn symlinks_named_or_walked_are_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("target.ipynb"), dirty()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    let target = outside.path().join("target.ipynb");
    std::os::unix::fs::symlink(&target, d.join("link.ipynb")).unwrap();
    std::os::unix::fs::symlink(&target, d.join("sub/walked.ipynb")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.ipynb")).unwrap();
    std::os::unix::fs::symlink("loop_b.ipynb", d.join("loop_a.ipynb")).unwrap();
    std::os::unix::fs::symlink("loop_a.ipynb", d.join("loop_b.ipynb")).unwrap();
    std::fs::write(d.join("real.ipynb"), dirty()).unwrap();

    let out = mlcheck(d, &["fix", "--strip-outputs", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for name in [
        "link.ipynb",
        "sub/walked.ipynb",
        "zero.ipynb",
        "loop_a.ipynb",
        "loop_b.ipynb",
    ] {
        assert!(
            err.lines()
                .any(|l| l.contains(name) && l.contains("a symbolic link")),
            "{name}: {err}"
        );
    }
    assert!(
        err.contains("Stripped 1 of 6 notebooks (5 errors)"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("real.ipynb")).unwrap(), stripped());

    // Named, as a pre-commit hook passes them.
    let out = mlcheck(
        d,
        &[
            "fix",
            "--strip-outputs",
            "link.ipynb",
            "zero.ipynb",
            "loop_a.ipynb",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out).matches("a symbolic link").count(), 3);
    assert_eq!(std::fs::read(&target).unwrap(), dirty());
    for name in ["link.ipynb", "sub/walked.ipynb", "zero.ipynb"] {
        assert!(
            std::fs::symlink_metadata(d.join(name))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{name} is still a link"
        );
    }

    // `check` on named links: one MLC001 each, nothing read through them (the target's
    // outputs would be NB002).
    let out = mlcheck(
        d,
        &[
            "check",
            "--output-format",
            "json",
            "link.ipynb",
            "zero.ipynb",
            "loop_a.ipynb",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let codes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["MLC001", "MLC001", "MLC001"], "{}", stdout(&out));
    assert!(stdout(&out).contains(&format!("(to `{}`)", target.display())));
    // A walk skips links quietly, as documented.
    let out = mlcheck(d, &["check", "--select", "NB002,MLC", "sub"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn fifos_are_refused_without_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    mkfifo(&d.join("pipe.ipynb"));
    mkfifo(&d.join("pipe.py"));
    std::fs::write(d.join("ok.ipynb"), dirty()).unwrap();
    let out = mlcheck(d, &["fix", "--strip-outputs", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("pipe.ipynb: not a regular file"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(d.join("ok.ipynb")).unwrap(), stripped());
    let out = mlcheck(d, &["fix", "--strip-outputs", "pipe.ipynb"]);
    assert_eq!(out.status.code(), Some(2));
    for args in [&["pipe.ipynb", "pipe.py"][..], &["."][..]] {
        let out = mlcheck(d, &[&["check", "--select", "MLC001"][..], args].concat());
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(stdout(&out).matches("not a regular file").count(), 2);
    }
}

#[test]
fn mode_owner_and_group_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let nb = d.join("nb.ipynb");
    std::fs::write(&nb, dirty()).unwrap();
    std::fs::set_permissions(&nb, PermissionsExt::from_mode(0o640)).unwrap();
    let owner = if is_root() {
        std::os::unix::fs::chown(&nb, Some(4321), Some(4322)).unwrap();
        (4321, 4322)
    } else {
        let m = std::fs::metadata(&nb).unwrap();
        (m.uid(), m.gid())
    };
    let before = std::fs::metadata(&nb).unwrap();
    let out = mlcheck(d, &["fix", "--strip-outputs", "nb.ipynb"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = std::fs::metadata(&nb).unwrap();
    assert_eq!(std::fs::read(&nb).unwrap(), stripped());
    assert_ne!(before.ino(), after.ino(), "replaced by a rename");
    assert_eq!(mode(&nb), 0o640);
    assert_eq!((after.uid(), after.gid()), owner);
    assert!(stderr(&out).is_empty() || !stderr(&out).contains("warning"));
}

/// Hard links: refused with the reason (replacing would break the link; rewriting in
/// place would change every linked copy, e.g. a DVC cache, and is not crash-safe).
#[test]
fn hard_linked_notebook_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("a.ipynb"), dirty()).unwrap();
    std::fs::create_dir(d.join("cache")).unwrap();
    std::fs::hard_link(d.join("a.ipynb"), d.join("cache/a.ipynb")).unwrap();
    let out = mlcheck(d, &["fix", "--strip-outputs", "a.ipynb"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("a.ipynb: has 2 hard links; not rewritten"),
        "{}",
        stderr(&out)
    );
    let a = std::fs::metadata(d.join("a.ipynb")).unwrap();
    let b = std::fs::metadata(d.join("cache/a.ipynb")).unwrap();
    assert_eq!((a.ino(), a.nlink()), (b.ino(), 2));
    assert_eq!(std::fs::read(d.join("a.ipynb")).unwrap(), dirty());
    assert!(temps(d).is_empty());
}

/// A stale temporary file of a killed run is removed by the next `fix` in that folder: by
/// name only, older than the run, and not locked by a live run.
#[test]
fn stale_temporary_files_are_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("nb.ipynb"), dirty()).unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    let touch = |name: &str| {
        let f = std::fs::File::create(d.join(name)).unwrap();
        f.set_modified(old).unwrap();
        f
    };
    drop(touch(".mlcheck-strip-AbC123.tmp"));
    drop(touch(".mlcheck-strip-notes.txt"));
    drop(touch("other.tmp"));
    let live = touch(".mlcheck-strip-live01.tmp");
    live.lock().unwrap();
    let out = mlcheck(d, &["fix", "--strip-outputs", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("removed 1 temporary file left by an interrupted run"),
        "{}",
        stderr(&out)
    );
    assert!(!d.join(".mlcheck-strip-AbC123.tmp").exists());
    assert!(d.join(".mlcheck-strip-notes.txt").exists());
    assert!(d.join("other.tmp").exists());
    assert!(
        d.join(".mlcheck-strip-live01.tmp").exists(),
        "a live run's file is kept"
    );
    drop(live);
    // `--check` changes nothing, stale files included.
    drop(touch(".mlcheck-strip-XyZ789.tmp"));
    let out = mlcheck(d, &["fix", "--strip-outputs", "--check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(d.join(".mlcheck-strip-XyZ789.tmp").exists());
}

/// Copy `n` big dirty notebooks into a fresh folder; their stripped bytes.
fn big_tree(d: &Path, n: usize) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let originals: Vec<Vec<u8>> = (0..n).map(|i| big_notebook(i, 512)).collect();
    let ref_dir = tempfile::tempdir().unwrap();
    for (i, o) in originals.iter().enumerate() {
        std::fs::write(ref_dir.path().join(format!("nb{i:02}.ipynb")), o).unwrap();
        std::fs::write(d.join(format!("nb{i:02}.ipynb")), o).unwrap();
    }
    let out = mlcheck(ref_dir.path(), &["fix", "--strip-outputs", "-q", "."]);
    assert_eq!(out.status.code(), Some(0));
    let expected = (0..n)
        .map(|i| std::fs::read(ref_dir.path().join(format!("nb{i:02}.ipynb"))).unwrap())
        .collect();
    (originals, expected)
}

fn assert_original_or_stripped(d: &Path, originals: &[Vec<u8>], expected: &[Vec<u8>], at: &str) {
    for (i, (o, e)) in originals.iter().zip(expected).enumerate() {
        let now = std::fs::read(d.join(format!("nb{i:02}.ipynb"))).unwrap();
        assert!(
            now == *o || now == *e,
            "{at}: nb{i:02}.ipynb is neither the original nor the stripped bytes ({} bytes)",
            now.len()
        );
    }
}

fn spawn_fix(d: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .current_dir(d)
        .args(["fix", "--strip-outputs", "."])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `kill -9` at many moments: every notebook is the original or the stripped bytes, and
/// the next run strips the rest and leaves no temporary file.
#[test]
fn kill_9_at_any_moment_leaves_originals_or_stripped_notebooks() {
    let tmp = tempfile::tempdir().unwrap();
    let (originals, expected) = big_tree(tmp.path(), 12);
    let started = Instant::now();
    for step in 0..20u64 {
        let run = tempfile::tempdir().unwrap();
        let d = run.path();
        for (i, o) in originals.iter().enumerate() {
            std::fs::write(d.join(format!("nb{i:02}.ipynb")), o).unwrap();
        }
        let mut child = spawn_fix(d);
        std::thread::sleep(Duration::from_micros(step * step * 150));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        assert_original_or_stripped(d, &originals, &expected, &format!("kill at step {step}"));
        if std::env::var_os("FIX_SAFETY_TRACE").is_some() {
            let done = (0..originals.len())
                .filter(|i| {
                    std::fs::read(d.join(format!("nb{i:02}.ipynb"))).unwrap() == expected[*i]
                })
                .count();
            eprintln!(
                "step {step}: {done} stripped, {} temp files",
                temps(d).len()
            );
        }
        let out = mlcheck(d, &["fix", "--strip-outputs", "."]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(temps(d).is_empty(), "step {step}: {:?}", temps(d));
        for (i, e) in expected.iter().enumerate() {
            assert_eq!(
                std::fs::read(d.join(format!("nb{i:02}.ipynb"))).unwrap(),
                *e
            );
        }
        if started.elapsed() > Duration::from_secs(25) {
            break;
        }
    }
}

/// SIGTERM and Ctrl-C (SIGINT) remove the temporary files in flight; nothing is half
/// written.
#[test]
fn sigterm_and_sigint_remove_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (originals, expected) = big_tree(tmp.path(), 12);
    for (step, sig) in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP]
        .into_iter()
        .cycle()
        .take(9)
        .enumerate()
    {
        let run = tempfile::tempdir().unwrap();
        let d = run.path();
        for (i, o) in originals.iter().enumerate() {
            std::fs::write(d.join(format!("nb{i:02}.ipynb")), o).unwrap();
        }
        let child = spawn_fix(d);
        std::thread::sleep(Duration::from_millis(2 + step as u64 * 4));
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as libc::pid_t, sig) };
        let out = wait_bounded(child, Duration::from_secs(30));
        // Finished, or stopped by the signal: killed by it before the handler was set up
        // (no temporary file exists yet then), or exiting with 128 + its number.
        use std::os::unix::process::ExitStatusExt;
        assert!(
            out.status.code() == Some(0)
                || out.status.code() == Some(128 + sig)
                || out.status.signal() == Some(sig),
            "signal {sig}: {:?} {}",
            out.status,
            stderr(&out)
        );
        assert!(temps(d).is_empty(), "signal {sig}: {:?}", temps(d));
        assert_original_or_stripped(d, &originals, &expected, &format!("signal {sig}"));
    }
}

#[test]
fn concurrent_fix_runs_on_one_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (_, expected) = big_tree(d, 12);
    let children: Vec<_> = (0..4).map(|_| spawn_fix(d)).collect();
    for child in children {
        let out = wait_bounded(child, Duration::from_secs(60));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    for (i, e) in expected.iter().enumerate() {
        assert_eq!(
            std::fs::read(d.join(format!("nb{i:02}.ipynb"))).unwrap(),
            *e
        );
    }
    assert!(temps(d).is_empty());
}

/// Inputs that already held up stay held up: reported and left alone, or stripped in full.
#[test]
fn malformed_and_huge_notebooks() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let full = dirty();
    let truncated = full[..full.len() / 2].to_vec();
    std::fs::write(d.join("truncated.ipynb"), &truncated).unwrap();
    let deep = "[".repeat(100_000);
    std::fs::write(d.join("deep.ipynb"), &deep).unwrap();
    // 30 MB of output on one line.
    let huge = format!(
        r#"{{"cells": [{{"cell_type": "code", "execution_count": 1, "id": "a", "metadata": {{}}, "outputs": [{{"name": "stdout", "output_type": "stream", "text": "{}"}}], "source": "x"}}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#,
        "y".repeat(30 << 20)
    );
    std::fs::write(d.join("huge.ipynb"), &huge).unwrap();
    let cells = vec![
        r#"{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": []}"#;
        100_000
    ];
    std::fs::write(
        d.join("many.ipynb"),
        format!(
            r#"{{"cells": [{}], "metadata": {{"widgets": {{}}}}, "nbformat": 4, "nbformat_minor": 4}}"#,
            cells.join(",")
        ),
    )
    .unwrap();
    let out = mlcheck(d, &["fix", "--strip-outputs", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("truncated.ipynb: "), "{err}");
    assert!(err.contains("deep.ipynb: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read(d.join("truncated.ipynb")).unwrap(), truncated);
    assert_eq!(
        std::fs::read(d.join("deep.ipynb")).unwrap(),
        deep.as_bytes()
    );
    let huge_after: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("huge.ipynb")).unwrap()).unwrap();
    assert_eq!(huge_after["cells"][0]["outputs"], serde_json::json!([]));
    let many: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("many.ipynb")).unwrap()).unwrap();
    assert_eq!(many["cells"].as_array().unwrap().len(), 100_000);
    assert!(many["metadata"].get("widgets").is_none());
    assert!(temps(d).is_empty());
    // And `check` reads them all without trouble.
    let out = mlcheck(d, &["check", "--exit-zero", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A file that keeps growing while `check` reads it is read up to a bound, never forever;
/// a file over the size limit is an `MLC001` finding without being read.
#[test]
fn growing_and_oversized_files_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().to_path_buf();
    std::fs::write(d.join("nb.ipynb"), dirty()).unwrap();
    let log = d.join("train.log.txt");
    std::fs::write(&log, "start\n").unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let log = log.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
            let chunk = "epoch 1 loss 0.25\n".repeat(4096);
            let mut written = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && written < (200 << 20) {
                f.write_all(chunk.as_bytes()).unwrap();
                written += chunk.len();
            }
        })
    };
    let out = mlcheck(&d, &["check", "--select", "NB,MLC", "."]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("NB002"), "{}", stdout(&out));

    // Sparse: 300 MiB on paper, nothing on disk.
    let big = std::fs::File::create(d.join("dump.json")).unwrap();
    big.set_len(300 << 20).unwrap();
    let out = mlcheck(&d, &["check", "--select", "MLC", "dump.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .contains("too large to read: 300 MiB or more, over mlcheck's limit of 256 MiB"),
        "{}",
        stdout(&out)
    );
    let out = mlcheck(
        &d,
        &[
            "check",
            "--select",
            "MLC",
            "--ignore",
            "MLC001",
            "dump.json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// `per-file-ignores` applies to MLC findings like to any other.
#[test]
fn per_file_ignores_cover_unreadable_and_badly_encoded_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("notes.md"), b"It\x92s the baseline\n").unwrap();
    mkfifo(&d.join("feed.py"));
    let out = mlcheck(d, &["check", "--select", "MLC", "."]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("0x92 at byte 2: the file looks like Windows-1252"),
        "{text}"
    );
    std::fs::write(
        d.join("mlcheck.toml"),
        "[per-file-ignores]\n\"*.md\" = [\"MLC002\"]\n\"feed.py\" = [\"MLC001\"]\n",
    )
    .unwrap();
    let out = mlcheck(d, &["check", "--select", "MLC", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// Tens of thousands of exclude globs (plain folders and wildcards) compile in linear time
/// and still exclude what they name.
#[test]
fn long_exclude_lists_compile_in_linear_time() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let bad = b"{\"cells\": [";
    std::fs::create_dir_all(d.join("dir3")).unwrap();
    std::fs::create_dir_all(d.join("data4")).unwrap();
    std::fs::write(d.join("dir3/x.ipynb"), bad).unwrap();
    std::fs::write(d.join("data4/y.ipynb"), bad).unwrap();
    std::fs::write(d.join("kept.ipynb"), bad).unwrap();
    let time = |n: usize| -> Duration {
        let mut cfg = String::from("exclude = [\n");
        for i in 0..n {
            let g = match i % 3 {
                0 => format!("dir{i}/*.ipynb"),
                1 => format!("data{i}/"),
                _ => format!("**/x{i}_*.py"),
            };
            cfg.push_str(&format!("  \"{g}\",\n"));
        }
        cfg.push_str("]\n");
        std::fs::write(d.join("mlcheck.toml"), cfg).unwrap();
        let start = Instant::now();
        let out = mlcheck(
            d,
            &["check", "--select", "NB000", "--output-format", "json", "."],
        );
        let took = start.elapsed();
        assert_eq!(out.status.code(), Some(1), "{n} globs: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("kept.ipynb") && !text.contains("dir3") && !text.contains("data4"),
            "{n} globs: {text}"
        );
        took
    };
    let small = time(3_000);
    let large = time(30_000);
    // Ten times the globs: well under a hundred times the time (it was quadratic).
    assert!(
        large < small * 40 + Duration::from_secs(2),
        "3,000 globs {small:?}, 30,000 globs {large:?}"
    );
}

/// A named folder that is a link is the tree asked for (`mlcheck check ~/project`): it is
/// walked, and no link inside it is followed.
#[test]
fn a_named_folder_link_is_walked_without_following_links_inside() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.ipynb"), dirty()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("real")).unwrap();
    std::fs::write(d.join("real/a.ipynb"), dirty()).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.ipynb"),
        d.join("real/out.ipynb"),
    )
    .unwrap();
    std::os::unix::fs::symlink(d.join("real"), d.join("project")).unwrap();
    let out = mlcheck(d, &["check", "--select", "NB002", "project"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("a.ipynb") && !stdout(&out).contains("out.ipynb"));
    let out = mlcheck(d, &["fix", "--strip-outputs", "project"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("out.ipynb: a symbolic link"));
    assert_eq!(std::fs::read(d.join("real/a.ipynb")).unwrap(), stripped());
    assert_eq!(
        std::fs::read(outside.path().join("secret.ipynb")).unwrap(),
        dirty()
    );
}

/// As another user (root runs `mlcheck` as `nobody`; a normal user tests this with files
/// that are theirs, so the test runs only as root): a notebook the runner may not write
/// is refused though its mode has write bits; one it may write in a folder it may write is
/// rewritten, and the owner it cannot keep is reported; an unreadable one is refused by
/// `fix` and an `MLC001` finding for `check`.
#[test]
fn as_another_user_unwritable_and_foreign_owned_notebooks() {
    if !is_root() {
        eprintln!("not root: cannot run mlcheck as another user; skipped");
        return;
    }
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::set_permissions(d, PermissionsExt::from_mode(0o777)).unwrap();
    std::fs::write(d.join("theirs.ipynb"), dirty()).unwrap(); // root's, 0644
    std::fs::set_permissions(d.join("theirs.ipynb"), PermissionsExt::from_mode(0o644)).unwrap();
    std::fs::write(d.join("shared.ipynb"), dirty()).unwrap(); // root's, writable by all
    std::fs::set_permissions(d.join("shared.ipynb"), PermissionsExt::from_mode(0o666)).unwrap();
    std::fs::write(d.join("hidden.ipynb"), dirty()).unwrap();
    std::fs::set_permissions(d.join("hidden.ipynb"), PermissionsExt::from_mode(0o600)).unwrap();
    std::fs::create_dir(d.join("private")).unwrap();
    std::fs::write(d.join("private/nb.ipynb"), dirty()).unwrap();
    std::fs::set_permissions(d.join("private"), PermissionsExt::from_mode(0o700)).unwrap();
    let spawn_as_nobody = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mlcheck"))
            .current_dir(d)
            .args(args)
            .env("NO_COLOR", "1")
            .uid(65534)
            .gid(65534)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
    };
    // The binary or the temporary folder may be out of `nobody`'s reach (a private target
    // or TMPDIR): then there is nothing to test.
    match spawn_as_nobody(&["rules"]).map(|c| wait_bounded(c, Duration::from_secs(60))) {
        Ok(out) if out.status.success() => {}
        other => {
            eprintln!("cannot run mlcheck as nobody here ({other:?}); skipped");
            return;
        }
    }
    let as_nobody =
        |args: &[&str]| wait_bounded(spawn_as_nobody(args).unwrap(), Duration::from_secs(60));
    let out = as_nobody(&["fix", "--strip-outputs", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("theirs.ipynb: not writable by you (permission denied); not rewritten"),
        "{err}"
    );
    assert!(
        err.contains("hidden.ipynb: cannot read: permission denied"),
        "{err}"
    );
    assert!(
        err.contains("shared.ipynb: rewritten as yours: its owner (uid 0) could not be kept"),
        "{err}"
    );
    assert!(
        err.contains("private: cannot walk: permission denied; nothing below it was checked"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("theirs.ipynb")).unwrap(), dirty());
    assert_eq!(std::fs::read(d.join("private/nb.ipynb")).unwrap(), dirty());
    assert_eq!(std::fs::read(d.join("hidden.ipynb")).unwrap(), dirty());
    assert_eq!(std::fs::read(d.join("shared.ipynb")).unwrap(), stripped());
    assert_eq!(mode(&d.join("shared.ipynb")), 0o666);
    assert!(temps(d).is_empty());
    let out = as_nobody(&["check", "--select", "MLC", "--output-format", "json", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("hidden.ipynb") && text.contains("cannot read: permission denied"),
        "{text}"
    );
    assert!(text.contains("Make the folder readable"), "{text}");
}
