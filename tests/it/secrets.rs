//! `SEC001` / `SEC002` end to end on the fixtures: what is found, where (cell coordinates,
//! outputs), what is never read (images, widget state), redaction in every output format,
//! the baseline and the git-history scan.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use mlcheck::baseline::{self, Baseline};
use mlcheck::diagnostic::Diagnostic;
use mlcheck::pipeline;
use mlcheck::render::OutputFormat;
use mlcheck::rules::secrets::{GENERIC_SECRET, HARDCODED_SECRET};
use mlcheck::secrets;
use mlcheck::settings::Settings;
use mlcheck::source::{CellPart, SourceFile};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/secrets")
        .join(name)
}

fn settings() -> Settings {
    Settings::with_rules(&[&HARDCODED_SECRET, &GENERIC_SECRET])
}

/// A secrets fixture, loaded as `check` loads it.
fn load(name: &str) -> Arc<SourceFile> {
    crate::common::load(&format!("fixtures/secrets/{name}"))
}

/// Both secret rules on one fixture: the file and its findings.
fn check(name: &str) -> (Arc<SourceFile>, Vec<Diagnostic>) {
    let file = load(name);
    let diags = pipeline::check_source(&file, &settings());
    (file, diags)
}

fn pattern(d: &Diagnostic) -> &str {
    d.properties["pattern"].as_str().unwrap()
}

/// The secrets of a fixture, as the scanner sees them (decoded).
fn secrets_of(name: &str) -> Vec<String> {
    let file = load(name);
    let set = secrets::PatternSet::builtin().unwrap();
    secrets::scan_file(&file, &set, &Default::default())
        .into_iter()
        .map(|f| f.secret)
        .collect()
}

#[test]
fn python_file_findings() {
    let (_, diags) = check("SEC001.py");
    let ids: Vec<_> = diags.iter().map(pattern).collect();
    assert_eq!(
        ids,
        [
            "openai-api-key",
            "anthropic-api-key",
            "aws-access-key-id",
            "aws-secret-access-key",
            "database-url-password"
        ]
    );
    assert!(diags.iter().all(|d| d.rule.code == "SEC001"));
}

#[test]
fn notebook_sources_and_text_outputs_in_cell_coordinates() {
    let (file, diags) = check("SEC001.ipynb");
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            let loc = file.location(d.primary.range.start()).cell.unwrap();
            (pattern(d), loc.cell, loc.part)
        })
        .collect();
    // The JSON-escaped key in cell 2, the `%env` magic in cell 3, the printed environment
    // in cell 4's stream output. Not the markdown placeholder, not the base64 image (which
    // embeds look-alikes of a Google key, an AWS id and a JWT), not the widget state.
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0].0, "openai-api-key");
    assert_eq!(found[0].1, 2);
    assert!(matches!(found[0].2, CellPart::Source(lc) if lc.line == 3 && lc.column == 26));
    assert_eq!((found[1].0, found[1].1), ("huggingface-access-token", 3));
    assert_eq!(
        (found[2].0, found[2].1, found[2].2),
        ("groq-api-key", 4, CellPart::Output)
    );
    assert!(
        diags[2].message.contains("in the output of cell 4"),
        "{}",
        diags[2].message
    );
    // Raw ranges point at the key in the file.
    let raw = file.slice(diags[0].primary.range);
    assert!(raw.starts_with("sk-proj-") && raw.ends_with("J8H"), "{raw}");
}

#[test]
fn notebook_and_cell_metadata_and_json_outputs_are_read() {
    let (file, diags) = check("SEC001_metadata.ipynb");
    let found: Vec<_> = diags
        .iter()
        .map(|d| {
            let loc = file.location(d.primary.range.start()).cell;
            (
                pattern(d),
                loc.map(|l| (l.cell, l.part == CellPart::Output)),
            )
        })
        .collect();
    // A token in cell 1's metadata, a Groq key in cell 2's `application/json` output and a
    // token in the notebook's `colab` metadata. Not the widget view's model id, the widget
    // state or VS Code's interpreter hash.
    assert_eq!(
        found,
        [
            ("huggingface-access-token", Some((1, false))),
            ("groq-api-key", Some((2, true))),
            ("huggingface-access-token", None),
        ]
    );
    assert!(
        diags[1].message.contains("in the output of cell 2"),
        "{}",
        diags[1].message
    );
    assert!(
        diags[0].message.contains("in the metadata of cell 1"),
        "{}",
        diags[0].message
    );
    assert!(
        diags[2].message.contains("in the notebook's metadata"),
        "{}",
        diags[2].message
    );
    let raw = file.slice(diags[2].primary.range);
    assert_eq!(raw, "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");
}

#[test]
fn clean_look_alikes_are_not_flagged() {
    for name in ["SEC001_ok.py", "SEC001_ok.ipynb", "SEC001_allowlisted.py"] {
        let (_, diags) = check(name);
        let msgs: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(diags.is_empty(), "{name}: {msgs:?}");
    }
}

#[test]
fn structural_service_account_and_kaggle() {
    let (_, diags) = check("SEC001_service_account.json");
    let ids: Vec<_> = diags.iter().map(pattern).collect();
    assert_eq!(
        ids,
        ["gcp-service-account-key"],
        "one finding, not also `private-key`"
    );
    let (_, diags) = check("SEC001_kaggle.json");
    let ids: Vec<_> = diags.iter().map(pattern).collect();
    assert_eq!(ids, ["kaggle-api-key"]);
}

#[test]
fn generic_rule_is_a_separate_warning() {
    let (_, diags) = check("SEC002.py");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].rule.code, "SEC002");
    assert_eq!(diags[0].severity.as_str(), "warning");
    // Selecting SEC001 alone drops it.
    let file = load("SEC002.py");
    let only = Settings::with_rules(&[&HARDCODED_SECRET]);
    assert!(pipeline::check_source(&file, &only).is_empty());
}

const POSITIVE: &[&str] = &[
    "SEC001.py",
    "SEC001.ipynb",
    "SEC001_service_account.json",
    "SEC001_kaggle.json",
    "SEC001_metadata.ipynb",
    "SEC002.py",
];

/// No field of any diagnostic holds a secret: message, help, labels, properties.
#[test]
fn diagnostics_never_hold_the_secret() {
    for name in POSITIVE {
        let secrets = secrets_of(name);
        assert!(!secrets.is_empty(), "{name}");
        let (_, diags) = check(name);
        for d in &diags {
            let mut fields = vec![d.message.clone(), d.help.clone().unwrap_or_default()];
            fields.extend(d.primary.message.clone());
            fields.extend(d.secondary.iter().filter_map(|l| l.message.clone()));
            fields.push(serde_json::to_string(&d.properties).unwrap());
            fields.push(d.fingerprint());
            for s in &secrets {
                // A body line of a PEM key is a secret as much as the whole key.
                let needles: Vec<&str> = if s.contains("PRIVATE KEY") {
                    s.lines()
                        .filter(|l| !l.starts_with("-----"))
                        .take(2)
                        .collect()
                } else {
                    vec![s.as_str()]
                };
                for f in &fields {
                    for n in &needles {
                        assert!(!f.contains(n), "{name}: a field holds a secret: {f}");
                    }
                }
            }
            let redacted = d.properties["redacted"].as_str().unwrap();
            assert!(redacted.chars().count() <= 5, "{redacted}");
        }
    }
}

/// Every output format of `mlcheck check` is grepped for the fixtures' secrets.
#[test]
fn no_output_format_prints_a_secret() {
    for format in ["human", "json", "sarif", "github"] {
        for name in POSITIVE {
            let out = Command::new(env!("CARGO_BIN_EXE_mlcheck"))
                .args(["check", "--select", "SEC", "--output-format", format])
                .arg(fixture(name))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{format} {name}: {out:?}");
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            for s in secrets_of(name) {
                let needle = s.lines().find(|l| !l.starts_with("-----")).unwrap_or(&s);
                assert!(
                    !text.contains(needle),
                    "{format} output of {name} holds a secret:\n{text}"
                );
            }
        }
    }
}

#[test]
fn exit_codes_judge_single_files() {
    let run = |name: &str| {
        Command::new(env!("CARGO_BIN_EXE_mlcheck"))
            .args(["check", "--select", "SEC"])
            .arg(fixture(name))
            .output()
            .unwrap()
            .status
            .code()
    };
    for name in POSITIVE {
        assert_eq!(run(name), Some(1), "{name}");
    }
    for name in ["SEC001_ok.py", "SEC001_ok.ipynb", "SEC001_allowlisted.py"] {
        assert_eq!(run(name), Some(0), "{name}");
    }
}

#[test]
fn baseline_hides_known_findings_and_survives_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("train.py");
    let original = std::fs::read_to_string(fixture("SEC001.py")).unwrap();
    std::fs::write(&path, &original).unwrap();
    let s = Settings {
        root: dir.path().to_path_buf(),
        ..settings()
    };
    let run = || pipeline::check_paths(std::slice::from_ref(&path), &s).diagnostics;
    let before = run();
    let b = Baseline::from_diagnostics(&before);
    assert_eq!(b.fingerprints.len(), 5);
    let json = b.to_json();
    for secret in secrets_of("SEC001.py") {
        assert!(!json.contains(&secret));
    }
    assert!(!json.contains("\"line"), "no line numbers: {json}");

    // Move every line down and add a new secret: only the new one is reported.
    std::fs::write(
        &path,
        format!("import os\n\n\n{original}\nGH = \"ghp_cqInkTY88mHwg2KDInTEGbOY1xHvAV8DnRlz\"\n"),
    )
    .unwrap();
    let after = run();
    assert_eq!(Baseline::from_diagnostics(&after).fingerprints.len(), 6);
    let (kept, unused) = baseline::filter(after, &b);
    assert_eq!(kept.len(), 1);
    assert_eq!(pattern(&kept[0]), "github-token");
    assert!(unused.is_empty());

    // Remove a secret: its entry is reported as unused.
    std::fs::write(&path, "x = 1\n").unwrap();
    let (kept, unused) = baseline::filter(run(), &b);
    assert!(kept.is_empty());
    assert_eq!(unused.len(), 5);
}

#[test]
fn baseline_command_and_check_flag() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("SEC001.py"), dir.path().join("train.py")).unwrap();
    let bin = env!("CARGO_BIN_EXE_mlcheck");
    let out = Command::new(bin)
        .current_dir(dir.path())
        .args(["baseline", "--select", "SEC", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let first = std::fs::read(dir.path().join(".mlcheck-baseline.json")).unwrap();
    let out = Command::new(bin)
        .current_dir(dir.path())
        .args(["baseline", "--select", "SEC", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let second = std::fs::read(dir.path().join(".mlcheck-baseline.json")).unwrap();
    assert_eq!(first, second, "stable across runs");

    let check = |extra: &[&str]| {
        Command::new(bin)
            .current_dir(dir.path())
            .args([
                "check",
                "--select",
                "SEC",
                "--baseline",
                ".mlcheck-baseline.json",
            ])
            .args(extra)
            .arg(".")
            .output()
            .unwrap()
    };
    let out = check(&[]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    std::fs::write(dir.path().join("train.py"), "x = 1\n").unwrap();
    let out = check(&[]);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("5 entries") && stderr.contains("match no finding"),
        "{stderr}"
    );
}

fn commit(
    repo: &git2::Repository,
    files: &[(&str, Option<&str>)],
    message: &str,
    time: i64,
) -> git2::Oid {
    let mut index = repo.index().unwrap();
    let root = repo.workdir().unwrap().to_path_buf();
    for (name, content) in files {
        let path = root.join(name);
        match content {
            Some(c) => {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, c).unwrap();
                index.add_path(Path::new(name)).unwrap();
            }
            None => {
                std::fs::remove_file(&path).unwrap();
                index.remove_path(Path::new(name)).unwrap();
            }
        }
    }
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::new("Dev", "dev@example.com", &git2::Time::new(time, 0)).unwrap();
    let parents: Vec<git2::Commit> = repo
        .head()
        .ok()
        .and_then(|h| h.peel_to_commit().ok())
        .into_iter()
        .collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

#[test]
fn history_finds_a_key_that_was_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(dir.path()).unwrap();
    let key = "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";
    let first = commit(
        &repo,
        &[("README.md", Some("# demo\n"))],
        "init",
        1_600_000_000,
    );
    let leak = commit(
        &repo,
        &[
            ("train.py", Some(&format!("TOKEN = \"{key}\"\n"))),
            // The same blob at a second path is scanned once.
            ("copy/train.py", Some(&format!("TOKEN = \"{key}\"\n"))),
        ],
        "add training",
        1_700_000_000,
    );
    commit(
        &repo,
        &[("train.py", None), ("copy/train.py", None)],
        "remove the key",
        1_700_100_000,
    );
    assert!(!dir.path().join("train.py").exists());

    let s = settings();
    let (diags, errors) = mlcheck::history::scan_history(dir.path(), None, &s).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(diags.len(), 1, "one blob, scanned once: {diags:?}");
    let d = &diags[0];
    assert_eq!(pattern(d), "huggingface-access-token");
    assert_eq!(d.properties["commit"], leak.to_string());
    assert_eq!(d.properties["author_date"], "2023-11-14");
    assert!(d.message.contains(&leak.to_string()[..10]), "{}", d.message);
    assert!(!d.message.contains(key));

    // `--since` the leaking commit: nothing after it leaks.
    let (diags, _) =
        mlcheck::history::scan_history(dir.path(), Some(&leak.to_string()), &s).unwrap();
    assert!(diags.is_empty());
    let (diags, _) =
        mlcheck::history::scan_history(dir.path(), Some(&first.to_string()), &s).unwrap();
    assert_eq!(diags.len(), 1);

    // Through the CLI.
    let out = Command::new(env!("CARGO_BIN_EXE_mlcheck"))
        .args([
            "check",
            "--select",
            "SEC",
            "--history",
            "--output-format",
            "json",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(key));
}

#[test]
fn user_can_disable_patterns_through_options() {
    let mut s = settings();
    s.secrets = toml::from_str("disable-patterns = [\"openai-api-key\"]").unwrap();
    let file = load("SEC001.py");
    let diags = pipeline::check_source(&file, &s);
    assert!(diags.iter().all(|d| pattern(d) != "openai-api-key"));
    assert_eq!(diags.len(), 4);
    let bad: Result<secrets::Options, _> = toml::from_str("disable-patterns = [\"nope\"]");
    assert!(bad.unwrap().validate().unwrap_err().contains("nope"));
}

#[allow(dead_code)]
fn _formats_compile(f: OutputFormat) -> OutputFormat {
    f
}

/// Prefilters only skip work: the fixtures, the corpus (when present) and every pattern
/// example, alone and inside other text, give the same findings with and without them.
#[test]
fn prefilters_never_change_findings() {
    use mlcheck::secrets::pattern_set::BUILTIN_TOML;
    let with = secrets::PatternSet::from_toml(BUILTIN_TOML, &[], &[]).unwrap();
    let without = secrets::PatternSet::from_toml(BUILTIN_TOML, &[], &[])
        .unwrap()
        .without_prefilters();
    let key = |fs: Vec<secrets::Finding>| -> Vec<(String, u32, u32)> {
        fs.into_iter()
            .map(|f| (f.pattern_id, f.range.start() as u32, f.range.end() as u32))
            .collect()
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("fixtures")];
    let corpus = root.join("../shared/corpus");
    if corpus.is_dir() {
        dirs.push(corpus);
    } else {
        eprintln!("skipping the corpus: {} is absent", corpus.display());
    }
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if let Ok(Some(file)) = mlcheck::source::read_source(&path) {
                files.push(file);
            }
        }
    }
    let options = Default::default();
    let mut found = 0;
    for file in &files {
        let a = key(secrets::scan_file(file, &with, &options));
        let b = key(secrets::scan_file(file, &without, &options));
        assert_eq!(a, b, "{}", file.path.display());
        found += a.len();
    }
    assert!(found > 0, "the fixtures hold secrets");
    let examples: Vec<&String> = with
        .patterns
        .iter()
        .flat_map(|p| p.examples.matches.iter().chain(&p.examples.no_match))
        .collect();
    for (i, ex) in examples.iter().enumerate() {
        let other = examples[(i * 7 + 3) % examples.len()];
        for text in [
            ex.to_string(),
            ex.to_ascii_uppercase(),
            format!("x = 1\n{ex}\n{other}"),
            format!("{other} {ex}"),
            format!("print(\"{ex}\")"),
        ] {
            let a = key(secrets::scan_text(&text, &with, true));
            let b = key(secrets::scan_text(&text, &without, true));
            assert_eq!(a, b, "{text:?}");
        }
    }
}
