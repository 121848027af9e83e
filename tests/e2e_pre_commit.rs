//! The Python package and the `.pre-commit-hooks.yaml` hooks as a user without Rust sees them
//! (`tests/e2e/pre-commit.sh`): the wheel, built once with maturin, installs and runs in a
//! fresh virtualenv with cargo and rustc hidden; with the real `pre-commit` the hooks install
//! from that wheel without compiling, the check hook fails on a notebook with outputs, the
//! strip hook cleans it, and the check hook then passes. One release build (a few minutes),
//! into its own target folder (`target/e2e`) to reuse dependencies between runs and to stay
//! clear of the lock `cargo test` holds on `target/debug`.

use std::process::Command;

#[test]
fn pre_commit_hooks_check_strip_then_pass() {
    let root = env!("CARGO_MANIFEST_DIR");
    if std::env::var_os("MLCHECK_SKIP_E2E").is_some() {
        eprintln!("MLCHECK_SKIP_E2E is set: skipping the pre-commit end-to-end test");
        return;
    }
    let out = Command::new("bash")
        .arg(format!("{root}/tests/e2e/pre-commit.sh"))
        .env("E2E_CARGO_TARGET_DIR", format!("{root}/target/e2e"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "pre-commit e2e failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("mlcheck"), "{stdout}");
}
