//! `REP004 model-file-in-git` and the git half of `REP007`: one read of the git index,
//! sizes from its entries (never from blobs).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::dvc::{self, DVC_OUTPUT_IN_GIT};
use crate::diagnostic::Diagnostic;
use crate::settings::Settings;
use crate::source::{SourceFile, SourceKind, TextRange};

crate::declare_rule! {
    /// ## What it does
    /// Reports a model or data file tracked in the git index (with `--staged`, only the
    /// staged ones) that is larger than a limit: model weights and checkpoints (`.pt`,
    /// `.pth`, `.ckpt`, `.safetensors`, `.h5`, `.keras`, `.onnx`, `.tflite`, `.gguf`,
    /// `.pkl`, `.joblib` …) and binary data (`.npy`, `.npz`, `.parquet`, `.feather`,
    /// `.arrow`, `.tfrecord`) from `max-model-size` (1 MiB), text data (`.csv`, `.tsv`,
    /// `.jsonl`) from `max-data-size` (10 MiB). The size is the one git recorded in the index;
    /// no file content is read. Files stored with Git LFS (a `filter=lfs` attribute, or a
    /// small pointer in the index) and files managed by DVC are not reported.
    ///
    /// ## Why is this bad?
    /// git keeps every version of a binary forever: clones grow with each retrained model,
    /// diffs mean nothing, and the file is not tied to the code and data that produced it.
    ///
    /// ## Example
    /// ```text
    /// $ git add models/model.ckpt     # 480 MB
    /// REP004 `models/model.ckpt` (480.0 MiB) is committed to git
    /// ```
    ///
    /// ## How to fix
    /// `git rm --cached models/model.ckpt`, then `dvc add models/model.ckpt` (and commit
    /// the `.dvc` file), or `git lfs track "*.ckpt"` and add it again.
    ///
    /// ## Options
    /// `[repro] max-model-size = 1048576` and `max-data-size = 10485760` (bytes).
    pub static MODEL_FILE_IN_GIT = {
        code: "REP004",
        name: "model-file-in-git",
        domain: Repro,
        severity: Warning,
        default: true,
        fix: None,
        summary: "A large model or data file committed to git instead of DVC or Git LFS",
    }
}

const MODEL_EXTENSIONS: &[&str] = &[
    "pt",
    "pth",
    "ckpt",
    "safetensors",
    "h5",
    "hdf5",
    "keras",
    "onnx",
    "tflite",
    "gguf",
    "ggml",
    "pkl",
    "pickle",
    "joblib",
    "npy",
    "npz",
    "parquet",
    "feather",
    "arrow",
    "tfrecord",
    "tfrecords",
    "mlmodel",
    "caffemodel",
];
const TEXT_DATA_EXTENSIONS: &[&str] = &["csv", "tsv", "jsonl"];

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

pub fn check(
    paths: &[PathBuf],
    settings: &Settings,
    staged: bool,
    project: &dvc::Project,
    diags: &mut Vec<Diagnostic>,
) {
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let start = if start.is_dir() {
        start
    } else {
        start
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    let Ok(repo) = crate::git::open_repo(&start) else {
        return;
    };
    let Ok(root) = crate::git::workdir(&repo) else {
        return;
    };
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let Ok(index) = repo.index() else { return };
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok())
        .unwrap_or_default();
    // No paths (`check --staged`): the whole repository, as for the staged sources.
    let filters: Vec<PathBuf> = if paths.is_empty() {
        vec![root.clone()]
    } else {
        paths
            .iter()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| dvc::normalize(&cwd.join(p))))
            .collect()
    };
    let head = if staged {
        repo.head().ok().and_then(|h| h.peel_to_tree().ok())
    } else {
        None
    };
    // Every entry once: the `.dvc` files first, then the candidates.
    let entries: Vec<(String, u64, git2::Oid)> = index
        .iter()
        .filter_map(|e| {
            let path = String::from_utf8(e.path).ok()?;
            Some((path, u64::from(e.file_size), e.id))
        })
        .collect();
    let dvc_files: HashSet<PathBuf> = entries
        .iter()
        .filter(|(p, _, _)| p.ends_with(".dvc"))
        .map(|(p, _, _)| root.join(p))
        .collect();
    let opts = &settings.repro;
    for (rel, size, id) in &entries {
        let abs = root.join(rel);
        if !filters.iter().any(|f| abs.starts_with(f)) {
            continue;
        }
        if let Some(tree) = &head
            && tree.get_path(Path::new(rel)).is_ok_and(|t| t.id() == *id)
        {
            continue;
        }
        let shown = abs
            .strip_prefix(&cwd)
            .map_or_else(|_| abs.clone(), Path::to_path_buf);
        if settings.exclude.is_match(&shown) || settings.exclude.is_match(rel) {
            continue;
        }
        let ext = rel
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let model = MODEL_EXTENSIONS.contains(&ext.as_str());
        let data = TEXT_DATA_EXTENSIONS.contains(&ext.as_str());
        let managed = project.managed(&abs, &dvc_files);
        if let Some(how) = &managed {
            if settings.enabled(&DVC_OUTPUT_IN_GIT) {
                let file = placeholder(&shown);
                diags.push(
                    Diagnostic::new(
                        &DVC_OUTPUT_IN_GIT,
                        &file,
                        TextRange::empty(0),
                        format!("`{rel}` is managed by DVC ({how}) and also committed to git"),
                    )
                    .with_help(format!(
                        "run `git rm --cached {rel}` and let DVC track it alone"
                    ))
                    .with_fingerprint(crate::fingerprint(&["REP007", rel])),
                );
            }
            continue;
        }
        if !(model || data) || !settings.enabled(&MODEL_FILE_IN_GIT) {
            continue;
        }
        let limit = if model {
            opts.max_model_size
        } else {
            opts.max_data_size
        };
        if *size < limit.max(1) {
            continue;
        }
        if crate::git::attribute(&repo, Path::new(rel), "filter").as_deref() == Some("lfs") {
            continue;
        }
        let file = placeholder(&shown);
        diags.push(
            Diagnostic::new(
                &MODEL_FILE_IN_GIT,
                &file,
                TextRange::empty(0),
                format!(
                    "`{rel}` ({}) is a {} file committed to git",
                    human_size(*size),
                    if model { "model or binary data" } else { "data" }
                ),
            )
            .with_help(format!(
                "move it to DVC (`git rm --cached {rel} && dvc add {rel}`) or Git LFS (`git lfs track \"*.{ext}\"`)"
            ))
            .with_property("size", *size)
            .with_fingerprint(crate::fingerprint(&["REP004", rel])),
        );
    }
}

/// A finding's file for a path whose content is never read.
fn placeholder(path: &Path) -> Arc<SourceFile> {
    Arc::new(SourceFile::new(
        path.to_path_buf(),
        String::new(),
        SourceKind::Text,
    ))
}
