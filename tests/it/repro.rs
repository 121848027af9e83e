//! The reproducibility rules (`REP…`): planted faults in `fixtures/repro/` (scripts,
//! notebooks, DVC projects) must be reported at the right place and nothing else; the
//! git-index rules run on repositories made here with the `git` CLI.

use std::fs;
use std::path::Path;

use crate::common::{check_json, git, mlcheck};

/// `CODE path:line:col` (with `cell N:line:col` for notebooks) of each finding.
fn places(found: &[serde_json::Value]) -> Vec<String> {
    found
        .iter()
        .map(|f| {
            let loc = match f["cell"].as_u64() {
                Some(cell) => format!("cell {cell}:{}:{}", f["cell_line"], f["cell_column"]),
                None => format!("{}:{}", f["location"]["line"], f["location"]["column"]),
            };
            format!(
                "{} {}:{loc}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect()
}

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/repro"))
}

#[test]
fn unseeded_draws_and_missing_random_state_are_found_in_a_training_script() {
    let found = check_json(fixtures(), &["--select", "REP001,REP002", "scripts"]);
    assert_eq!(
        places(&found),
        [
            "REP001 scripts/train_unseeded.py:9:5",
            "REP002 scripts/train_unseeded.py:11:36",
            "REP002 scripts/train_unseeded.py:12:10",
            "REP001 scripts/train_unseeded.py:14:10",
        ],
        "the seeded script, the library module and the test file are clean"
    );
    assert!(found[0]["message"].as_str().unwrap().contains("NumPy"));
    assert!(
        found[0]["help"]
            .as_str()
            .unwrap()
            .contains("np.random.seed")
    );
    assert!(
        found[3]["help"]
            .as_str()
            .unwrap()
            .contains("torch.manual_seed")
    );
    assert!(
        found[1]["message"]
            .as_str()
            .unwrap()
            .contains("`train_test_split(…)` is given no `random_state`")
    );
}

#[test]
fn in_a_notebook_a_seed_must_come_before_the_draw() {
    let found = check_json(fixtures(), &["--select", "REP", "notebooks"]);
    assert_eq!(
        places(&found),
        [
            "REP003 notebooks/unseeded.ipynb:cell 1:2:17",
            "REP001 notebooks/unseeded.ipynb:cell 2:4:10",
            "REP003 notebooks/unseeded.ipynb:cell 4:3:23",
        ],
        "seeded.ipynb seeds first and pins its installs"
    );
    let pip = found[0]["message"].as_str().unwrap();
    assert!(
        pip.contains("`transformers`, `accelerate>=0.30`") && pip.contains("--upgrade"),
        "{pip}"
    );
    assert!(
        !pip.contains("datasets"),
        "pinned on a continuation line: {pip}"
    );
    // The seed in cell 3 comes too late for the loader of cell 2.
    assert!(found[1]["message"].as_str().unwrap().contains("PyTorch"));
}

#[test]
fn broken_dvc_pipelines_are_reported_at_the_key() {
    let found = check_json(fixtures(), &["--select", "REP", "dvc_broken", "dvc_ok"]);
    assert_eq!(
        places(&found),
        [
            "REP005 dvc_broken/dvc.yaml:10:17",
            "REP005 dvc_broken/dvc.yaml:13:9",
            "REP005 dvc_broken/dvc.yaml:16:9",
            "REP006 dvc_broken/dvc.yaml:21:5",
            "REP005 dvc_broken/dvc.yaml:25:13",
        ],
        "dvc_ok (wdir, templates, a .dvc-tracked input, stage outputs) is clean"
    );
    let messages: Vec<&str> = found
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("runs `src/train.py`, which does not exist"));
    assert!(messages[1].contains("depends on `data/features`"));
    assert!(messages[2].contains("`train.lerning_rate`"));
    assert!(
        messages[3].contains("did you mean `deps`?"),
        "{}",
        messages[3]
    );
    assert!(messages[4].contains("from `eval.yaml`, which does not exist"));
}

#[test]
fn an_unparsable_dvc_yaml_is_one_error_and_the_run_goes_on() {
    let found = check_json(fixtures(), &["--select", "REP", "dvc_unparsable", "dvc_ok"]);
    assert_eq!(places(&found), ["REP006 dvc_unparsable/dvc.yaml:5:1"]);
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("does not parse")
    );
}

#[test]
fn the_demo_project_has_one_rep_finding() {
    let demo = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo"));
    let found = check_json(demo, &["--select", "REP", "."]);
    assert_eq!(places(&found), ["REP002 train.py:16:15"]);
}

fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    git(tmp.path(), &["init", "-q", "-b", "main"]);
    git(tmp.path(), &["config", "user.name", "Test"]);
    git(tmp.path(), &["config", "user.email", "test@example.com"]);
    tmp
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

#[test]
fn committed_checkpoints_are_found_in_the_index_with_their_size() {
    let tmp = repo();
    let dir = tmp.path();
    write(dir, "models/model.ckpt", &vec![7u8; 2 * 1024 * 1024]);
    write(dir, "models/tiny.pkl", &[1u8; 100]);
    write(dir, "data/small.csv", &vec![b'a'; 2 * 1024 * 1024]);
    write(dir, "lfs/weights.safetensors", &vec![0u8; 3 * 1024 * 1024]);
    write(
        dir,
        ".gitattributes",
        b"lfs/*.safetensors filter=lfs diff=lfs merge=lfs -text\n",
    );
    write(dir, "dvc/big.parquet", &vec![0u8; 2 * 1024 * 1024]);
    write(dir, "dvc/big.parquet.dvc", b"outs:\n- path: big.parquet\n");
    write(dir, "train.py", b"print('hi')\n");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "init"]);
    let found = check_json(dir, &["--select", "REP004,REP007", "."]);
    assert_eq!(
        places(&found),
        ["REP007 dvc/big.parquet:1:1", "REP004 models/model.ckpt:1:1"],
        "the small pickle, the 2 MiB csv (under 10 MiB), the LFS file are not reported"
    );
    assert!(found[1]["message"].as_str().unwrap().contains("(2.0 MiB)"));
    assert!(
        found[1]["help"]
            .as_str()
            .unwrap()
            .contains("dvc add models/model.ckpt")
    );
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("tracked by `big.parquet.dvc`")
    );

    // The limit is configurable; the content is never read (the index records the size).
    write(
        dir,
        "mlcheck.toml",
        b"[repro]\nmax-model-size = 50\nmax-data-size = 1048576\n",
    );
    fs::remove_file(dir.join("models/tiny.pkl")).unwrap();
    let found = check_json(dir, &["--select", "REP004", "."]);
    assert_eq!(
        places(&found),
        [
            "REP004 data/small.csv:1:1",
            "REP004 models/model.ckpt:1:1",
            "REP004 models/tiny.pkl:1:1",
        ]
    );
}

#[test]
fn staged_checks_only_what_is_staged() {
    let tmp = repo();
    let dir = tmp.path();
    write(dir, "old.pt", &vec![1u8; 2 * 1024 * 1024]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "init"]);
    write(dir, "new.onnx", &vec![1u8; 2 * 1024 * 1024]);
    git(dir, &["add", "new.onnx"]);
    let found = check_json(dir, &["--select", "REP004", "--staged"]);
    assert_eq!(places(&found), ["REP004 new.onnx:1:1"]);
    let found = check_json(dir, &["--select", "REP004", "."]);
    assert_eq!(places(&found), ["REP004 new.onnx:1:1", "REP004 old.pt:1:1"]);
}

#[test]
fn outside_a_git_repository_the_index_rules_find_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "model.pt", &vec![1u8; 2 * 1024 * 1024]);
    let out = mlcheck(&["check", "--select", "REP", "."], tmp.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
