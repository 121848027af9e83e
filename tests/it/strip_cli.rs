//! `mlcheck fix --strip-outputs` as a user runs it: in place, `--check`, `--diff`, stdin,
//! unchanged files untouched, invalid notebooks reported and skipped.

use std::path::Path;
use std::process::{Command, Output};

fn mlcheck(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mlcheck"));
    cmd.current_dir(dir).args(args);
    if let Some(input) = stdin {
        use std::io::Write;
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        return child.wait_with_output().unwrap();
    }
    cmd.output().unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/strip")
            .join(name),
    )
    .unwrap()
}

#[test]
fn in_place_check_diff_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/dirty.ipynb"), fixture("basic.ipynb")).unwrap();
    // Already stripped, in another layout: unchanged, so never rewritten.
    std::fs::write(dir.join("clean.ipynb"), fixture("crlf_clean.ipynb")).unwrap();
    std::fs::write(dir.join("broken.ipynb"), "{\"cells\": [").unwrap();
    std::fs::write(dir.join("notes.txt"), "not a notebook").unwrap();
    let clean_mtime = std::fs::metadata(dir.join("clean.ipynb"))
        .unwrap()
        .modified()
        .unwrap();

    let check = mlcheck(dir, &["fix", "--strip-outputs", "--check", "."], None);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(
        check.status.code(),
        Some(2),
        "an invalid notebook makes it exit 2"
    );
    assert!(
        stdout.contains("dirty.ipynb") && !stdout.contains("clean.ipynb"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&check.stderr).contains("broken.ipynb: not valid JSON"));
    assert_eq!(
        std::fs::read_to_string(dir.join("sub/dirty.ipynb")).unwrap(),
        fixture("basic.ipynb")
    );

    let diff = mlcheck(dir, &["fix", "--strip-outputs", "--diff", "sub"], None);
    assert_eq!(diff.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&diff.stdout).contains("-   \"execution_count\": 3,"));

    let fix = mlcheck(dir, &["fix", "--strip-outputs", "."], None);
    assert_eq!(fix.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(dir.join("sub/dirty.ipynb")).unwrap(),
        fixture("basic.default.expected.ipynb")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("clean.ipynb")).unwrap(),
        fixture("crlf_clean.ipynb")
    );
    assert_eq!(
        std::fs::metadata(dir.join("clean.ipynb"))
            .unwrap()
            .modified()
            .unwrap(),
        clean_mtime
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.ipynb")).unwrap(),
        "{\"cells\": ["
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("sub"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file left behind: {leftovers:?}"
    );

    std::fs::remove_file(dir.join("broken.ipynb")).unwrap();
    let again = mlcheck(dir, &["fix", "--strip-outputs", "--check", "."], None);
    assert_eq!(
        again.status.code(),
        Some(0),
        "idempotent: nothing left to strip"
    );
}

#[test]
fn stdin_filter_prints_the_canonical_notebook() {
    let tmp = tempfile::tempdir().unwrap();
    let out = mlcheck(
        tmp.path(),
        &["fix", "--strip-outputs", "--keep-count", "-"],
        Some(fixture("basic.ipynb").as_bytes()),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        fixture("basic.keep-count.expected.ipynb")
    );
    // Unchanged content is still printed in canonical layout, as nbstripout's filter does.
    let out = mlcheck(
        tmp.path(),
        &["fix", "--strip-outputs", "-"],
        Some(fixture("crlf_clean.ipynb").as_bytes()),
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        fixture("crlf_clean.default.expected.ipynb")
    );
    let bad = mlcheck(tmp.path(), &["fix", "--strip-outputs", "-"], Some(b"nope"));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        bad.stdout.is_empty(),
        "nothing printed on error, so a git filter fails loudly"
    );
}
