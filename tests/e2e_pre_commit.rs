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

/// The build backend (`python/build_backend/mlcheck_build_backend.py`) in a pre-commit
/// clone: with a wheel of this version where pip looks (`PIP_FIND_LINKS`), it asks for no
/// build requirement and returns that wheel unchanged (nothing compiled); with none, it asks
/// for maturin (and compiles). In a plain checkout with cargo on PATH it always compiles.
/// Fast (no build): a stand-in wheel, no network (`PIP_NO_INDEX`).
#[test]
fn build_backend_uses_the_published_wheel_in_a_pre_commit_clone() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // The backend installs only a wheel whose metadata names our repository: the one
    // pyproject.toml declares.
    let pyproject = std::fs::read_to_string(root.join("pyproject.toml")).unwrap();
    let repository = pyproject
        .lines()
        .find_map(|l| l.strip_prefix("Repository = "))
        .map(|v| v.trim_matches('"'))
        .expect("pyproject.toml names its repository");
    let backend =
        std::fs::read_to_string(root.join("python/build_backend/mlcheck_build_backend.py"))
            .unwrap();
    assert!(
        backend.contains(&format!("Project-URL: Repository, {repository}\"")),
        "the build backend must check for {repository}"
    );
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("no python3: skipping");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // pre-commit's store: `<store>/db.db` beside `<store>/repoXXXX/` (the clone).
    let store = tmp.path().join("store");
    let clone = store.join("repo1a2b3c");
    std::fs::create_dir_all(clone.join("python/build_backend")).unwrap();
    std::fs::write(store.join("db.db"), "").unwrap();
    std::fs::copy(root.join("Cargo.toml"), clone.join("Cargo.toml")).unwrap();
    std::fs::copy(
        root.join("python/build_backend/mlcheck_build_backend.py"),
        clone.join("python/build_backend/mlcheck_build_backend.py"),
    )
    .unwrap();
    let links = tmp.path().join("links");
    let out_dir = tmp.path().join("out");
    std::fs::create_dir_all(&links).unwrap();
    std::fs::create_dir_all(&out_dir).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let script = r#"
import os, sys, zipfile
sys.path.insert(0, os.path.join(sys.argv[1], "python", "build_backend"))
import mlcheck_build_backend as b
mode, links, out, version = sys.argv[2:6]
def stand_in(repository):
    name = f"mlcheck-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(links, name), "w") as z:
        z.writestr(f"mlcheck-{version}.dist-info/METADATA", f"Metadata-Version: 2.1\nName: mlcheck\nVersion: {version}\nProject-URL: Repository, {repository}\n")
        z.writestr(f"mlcheck-{version}.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        z.writestr(f"mlcheck-{version}.data/scripts/mlcheck", "")
        z.writestr(f"mlcheck-{version}.dist-info/RECORD", "")
    return name
if mode == "impostor":
    # Another project's wheel under the same name and version is never installed.
    stand_in("https://github.com/someone-else/mlcheck")
    print("requires", b.get_requires_for_build_wheel())
elif mode == "with-wheel":
    name = stand_in("https://github.com/mlcheck/mlcheck")
    print("requires", b.get_requires_for_build_wheel())
    built = b.build_wheel(out)
    print("built", built, open(os.path.join(out, built), "rb").read() == open(os.path.join(links, name), "rb").read())
else:
    print("requires", b.get_requires_for_build_wheel())
"#;
    let run = |mode: &str, cwd: &std::path::Path| {
        let out = Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(cwd)
            .arg(mode)
            .arg(&links)
            .arg(&out_dir)
            .arg(version)
            .env("PIP_NO_INDEX", "1")
            .env("PIP_FIND_LINKS", &links)
            .env("TMPDIR", tmp.path())
            .env("XDG_CACHE_HOME", tmp.path().join("cache"))
            .env_remove("MLCHECK_BUILD")
            .output()
            .expect("python3 runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{text}");
        text
    };
    let without = run("no-wheel", &clone);
    assert!(without.contains("requires ['maturin"), "{without}");
    assert!(without.contains("no published wheel"), "{without}");
    let impostor = run("impostor", &clone);
    assert!(impostor.contains("requires ['maturin"), "{impostor}");
    assert!(impostor.contains("is not this project's"), "{impostor}");
    let with = run("with-wheel", &clone);
    assert!(with.contains("requires []"), "{with}");
    assert!(
        with.contains(&format!("built mlcheck-{version}-py3-none-any.whl True")),
        "{with}"
    );
    // This checkout (not a pre-commit clone), with cargo on PATH: compile the code at hand.
    if Command::new("cargo").arg("--version").output().is_ok() {
        let own = run("no-wheel", root);
        assert!(own.contains("requires ['maturin"), "{own}");
        assert!(!own.contains("no published wheel"), "{own}");
    }
}
