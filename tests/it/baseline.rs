//! A baseline written at the top of a repository hides the same findings however the
//! files are named later: from a subfolder, with `./`, through `..`, or by absolute path.

use std::path::Path;
use std::process::Output;

use crate::common::mlcheck;

fn show(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn baseline_paths_are_repository_relative() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("src/train.py"),
        "TOKEN = \"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\"\n",
    )
    .unwrap();
    let out = mlcheck(&["baseline", "--select", "SEC"], &root);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let baseline = root.join(".mlcheck-baseline.json");
    let b = baseline.to_str().unwrap();

    let src = root.join("src");
    let absolute = src.join("train.py");
    let runs: [(&[&str], &Path); 4] = [
        (&["check", "--select", "SEC", "--baseline", b, "."], &src),
        (
            &[
                "check",
                "--select",
                "SEC",
                "--baseline",
                b,
                "./src/train.py",
            ],
            &root,
        ),
        (
            &[
                "check",
                "--select",
                "SEC",
                "--baseline",
                b,
                "../src/train.py",
            ],
            &src,
        ),
        (
            &[
                "check",
                "--select",
                "SEC",
                "--baseline",
                b,
                absolute.to_str().unwrap(),
            ],
            &root,
        ),
    ];
    for (args, cwd) in runs {
        let out = mlcheck(args, cwd);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?} in {cwd:?}: {}",
            show(&out)
        );
    }

    // A new secret is still reported.
    std::fs::write(
        root.join("src/eval.py"),
        "KEY = \"ghp_R4nd0mT0k3nV4lu3Xq8sLm2Np9Wz7Kc5Jb1H\"\n",
    )
    .unwrap();
    let out = mlcheck(&["check", "--select", "SEC", "--baseline", b, "."], &src);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(show(&out).contains("eval.py"), "{}", show(&out));
}
