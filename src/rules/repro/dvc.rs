//! DVC projects: `REP005 broken-dvc-pipeline`, `REP006 invalid-dvc-file` and the facts
//! `REP007 dvc-output-in-git` / `REP004` read (which paths DVC manages).
//!
//! `dvc.yaml` is read with the same YAML layer as MLproject ([`crate::source::yaml`]), so
//! every finding points at the key or value it concerns.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, FileError};
use crate::settings::Settings;
use crate::source::yaml::{self, YamlNode};
use crate::source::{SourceFile, TextRange};
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// ## What it does
    /// Reports a DVC pipeline stage (`dvc.yaml`) that cannot run as written: its `cmd` runs
    /// a script that does not exist; a `deps` path that is neither in the repository, nor an
    /// `outs` of a stage, nor tracked by a `.dvc` file; a `params` key missing from its
    /// params file (`params.yaml` unless named), or a params file that does not exist.
    /// Paths are taken relative to the stage's `wdir`; values built from `${…}` templates
    /// and URLs are not checked.
    ///
    /// ## Why is this bad?
    /// `dvc repro` fails on a fresh clone (or, for a stale dependency, silently never
    /// reruns the stage when the real input changes), so the pipeline's results cannot be
    /// reproduced.
    ///
    /// ## Example
    /// ```yaml
    /// stages:
    ///   train:
    ///     cmd: python src/train.py      # REP005: src/train.py does not exist
    ///     deps: [data/prepared]         # REP005: no file, no stage output, no .dvc
    ///     params: [train.epochs]        # REP005: params.yaml has no train.epochs
    /// ```
    ///
    /// ## How to fix
    /// Fix the path or key, add the missing stage that produces the dependency, or track
    /// the data with `dvc add`.
    pub static BROKEN_DVC_PIPELINE = {
        code: "REP005",
        name: "broken-dvc-pipeline",
        domain: Repro,
        severity: Error,
        default: true,
        fix: None,
        summary: "A DVC stage names a script, dependency or parameter that does not exist",
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports a `dvc.yaml` that does not parse as YAML, is not a mapping, or holds a key
    /// DVC does not know (at the top level or in a stage), with "did you mean" when a
    /// known key is close.
    ///
    /// ## Why is this bad?
    /// DVC refuses a file it cannot parse or validate, so no stage of the pipeline runs;
    /// a misspelt key (`dep:` for `deps:`) is an error in DVC's schema.
    ///
    /// ## Example
    /// ```yaml
    /// stages:
    ///   train:
    ///     cmd: python train.py
    ///     dep: [data.csv]     # REP006: unknown key `dep` (did you mean `deps`?)
    /// ```
    ///
    /// ## How to fix
    /// Fix the syntax or the key name.
    pub static INVALID_DVC_FILE = {
        code: "REP006",
        name: "invalid-dvc-file",
        domain: Repro,
        severity: Error,
        default: true,
        fix: None,
        summary: "A dvc.yaml that does not parse or has unknown keys",
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports a file that DVC manages (an `outs` of a `dvc.yaml` stage with the cache on,
    /// or the target of a `.dvc` file) and that is also tracked in the git index.
    ///
    /// ## Why is this bad?
    /// Two tools now version the same file: DVC refuses to run the stage ("output is
    /// already tracked by SCM"), git keeps every version of a large file forever, and the
    /// two copies drift apart.
    ///
    /// ## Example
    /// ```text
    /// data/prepared.csv.dvc   # tracked by DVC
    /// data/prepared.csv       # REP007: also committed to git
    /// ```
    ///
    /// ## How to fix
    /// `git rm --cached <file>` and let DVC's `.gitignore` entry keep it out of git.
    pub static DVC_OUTPUT_IN_GIT = {
        code: "REP007",
        name: "dvc-output-in-git",
        domain: Repro,
        severity: Error,
        default: true,
        fix: None,
        summary: "A file managed by DVC that is also committed to git",
    }
}

const TOP_KEYS: &[&str] = &[
    "stages",
    "vars",
    "params",
    "metrics",
    "plots",
    "artifacts",
    "datasets",
];
const STAGE_KEYS: &[&str] = &[
    "cmd",
    "wdir",
    "deps",
    "params",
    "outs",
    "metrics",
    "plots",
    "frozen",
    "always_changed",
    "meta",
    "desc",
    "vars",
];

/// The DVC side of the checked tree.
#[derive(Default)]
pub struct Project {
    /// Absolute, normalised paths DVC caches (stage `outs`, `metrics`, `plots` without
    /// `cache: false`), with where each is declared.
    pub outs: Vec<(PathBuf, String)>,
}

impl Project {
    /// Read every `dvc.yaml` among `files`, report `REP005`/`REP006`, and gather outputs.
    pub fn load(
        files: &[PathBuf],
        settings: &Settings,
        diags: &mut Vec<Diagnostic>,
        errors: &mut Vec<FileError>,
    ) -> Project {
        let mut project = Project::default();
        let mut parsed = Vec::new();
        for f in files {
            if f.file_name().and_then(|n| n.to_str()) != Some("dvc.yaml") {
                continue;
            }
            let file = match crate::source::read_source(f) {
                Ok(Some(file)) => file,
                Ok(None) => continue,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let root = match yaml::parse(&file.text) {
                Ok(root) => root,
                Err(e) => {
                    if settings.enabled(&INVALID_DVC_FILE) {
                        let at = e.offset.min(file.text.len());
                        diags.push(Diagnostic::new(
                            &INVALID_DVC_FILE,
                            &file,
                            TextRange::empty(at),
                            format!("`dvc.yaml` does not parse: {}", e.message),
                        ));
                    }
                    continue;
                }
            };
            let dir = f
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            let dir = if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir
            };
            let abs_dir = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
            if settings.enabled(&INVALID_DVC_FILE) {
                unknown_keys(&file, &root, diags);
            }
            for (name, stage) in stages(&root) {
                let wdir = stage_wdir(stage);
                for key in ["outs", "metrics", "plots"] {
                    for (path, node) in out_paths(stage, key) {
                        if cache_off(node) || path.contains("${") {
                            continue;
                        }
                        project.outs.push((
                            normalize(&abs_dir.join(&wdir).join(&path)),
                            format!("an `{key}` of stage `{name}` in {}", file.path_slash()),
                        ));
                    }
                }
            }
            parsed.push((file, root, dir));
        }
        if settings.enabled(&BROKEN_DVC_PIPELINE) {
            for (file, root, dir) in &parsed {
                check_stages(file, root, dir, &project, diags);
            }
        }
        project
    }

    /// How DVC manages `abs` (or a folder above it), if it does.
    pub fn managed(&self, abs: &Path, dvc_files: &HashSet<PathBuf>) -> Option<String> {
        for (out, place) in &self.outs {
            if abs.starts_with(out) {
                return Some(place.clone());
            }
        }
        let mut cur = Some(abs);
        while let Some(p) = cur {
            let mut name = p.as_os_str().to_owned();
            name.push(".dvc");
            let dvc = PathBuf::from(name);
            if dvc_files.contains(&dvc) {
                let shown = dvc
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                return Some(format!("tracked by `{shown}`"));
            }
            cur = p.parent();
        }
        None
    }
}

/// `(name, stage)` of every stage; a `foreach`/`matrix` stage's `do` body is returned as is.
fn stages(root: &YamlNode) -> Vec<(&str, &YamlNode)> {
    let Some(stages) = root.get("stages").and_then(YamlNode::as_map) else {
        return Vec::new();
    };
    stages
        .iter()
        .filter_map(|(k, v)| Some((k.scalar_text()?, v)))
        .collect()
}

fn templated(stage: &YamlNode) -> bool {
    stage.get("foreach").is_some() || stage.get("matrix").is_some()
}

fn stage_wdir(stage: &YamlNode) -> String {
    stage
        .get("wdir")
        .and_then(YamlNode::scalar_text)
        .unwrap_or(".")
        .to_string()
}

/// The paths listed under `key` (`outs`, `deps` …): plain strings, or one-key mappings
/// `{path: {cache: false}}`.
fn out_paths<'a>(stage: &'a YamlNode, key: &str) -> Vec<(String, &'a YamlNode)> {
    let Some(list) = stage.get(key).and_then(YamlNode::as_seq) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in list {
        if let Some(s) = item.scalar_text() {
            out.push((s.to_string(), item));
        } else if let Some(map) = item.as_map() {
            for (k, _) in map {
                if let Some(s) = k.scalar_text() {
                    out.push((s.to_string(), item));
                }
            }
        }
    }
    out
}

/// `{path: {cache: false}}`.
fn cache_off(node: &YamlNode) -> bool {
    node.as_map().is_some_and(|m| {
        m.iter().any(|(_, opts)| {
            opts.get("cache")
                .and_then(YamlNode::scalar_text)
                .is_some_and(|v| v.eq_ignore_ascii_case("false"))
        })
    })
}

fn unknown_keys(file: &Arc<SourceFile>, root: &YamlNode, diags: &mut Vec<Diagnostic>) {
    let Some(top) = root.as_map() else {
        diags.push(Diagnostic::new(
            &INVALID_DVC_FILE,
            file,
            root.range,
            format!(
                "`dvc.yaml` is {}, not a mapping of `stages`",
                root.kind_name()
            ),
        ));
        return;
    };
    let mut report = |key: &YamlNode, known: &[&str], place: &str| {
        let Some(k) = key.scalar_text() else { return };
        if known.contains(&k) {
            return;
        }
        let hint = did_you_mean(k, known)
            .map(|h| format!(" (did you mean `{h}`?)"))
            .unwrap_or_default();
        diags.push(Diagnostic::new(
            &INVALID_DVC_FILE,
            file,
            key.range,
            format!("unknown key `{k}` {place}{hint}: DVC rejects the file"),
        ));
    };
    for (k, _) in top {
        report(k, TOP_KEYS, "at the top of `dvc.yaml`");
    }
    for (name, stage) in stages(root) {
        let Some(map) = stage.as_map() else { continue };
        let place = format!("in stage `{name}`");
        if stage.get("foreach").is_some() {
            for (k, v) in map {
                report(k, &["foreach", "do"], &place);
                if k.scalar_text() == Some("do")
                    && let Some(body) = v.as_map()
                {
                    for (k, _) in body {
                        report(k, STAGE_KEYS, &place);
                    }
                }
            }
            continue;
        }
        let mut known = STAGE_KEYS.to_vec();
        if stage.get("matrix").is_some() {
            known.push("matrix");
        }
        for (k, _) in map {
            report(k, &known, &place);
        }
    }
}

/// A script path a command runs: `python src/train.py …`, `Rscript x.R`, `./run.sh`.
fn script_of(cmd: &str) -> Option<&str> {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    let is_script = |w: &str| {
        [".py", ".sh", ".R", ".r", ".jl"]
            .iter()
            .any(|e| w.ends_with(e))
            && !w.contains(['$', '{', '=', '*'])
            && !w.starts_with('-')
    };
    let first = *words.first()?;
    if is_script(first) {
        return Some(first);
    }
    let interpreter =
        first.starts_with("python") || matches!(first, "bash" | "sh" | "Rscript" | "julia" | "zsh");
    let second = *words.get(1)?;
    (interpreter && is_script(second)).then_some(second)
}

fn check_stages(
    file: &Arc<SourceFile>,
    root: &YamlNode,
    dir: &Path,
    project: &Project,
    diags: &mut Vec<Diagnostic>,
) {
    let abs_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut params_cache: Vec<(PathBuf, Option<YamlNode>)> = Vec::new();
    for (name, stage) in stages(root) {
        if templated(stage) || stage.as_map().is_none() {
            continue;
        }
        let wdir_text = stage_wdir(stage);
        if wdir_text.contains("${") {
            continue;
        }
        let wdir = abs_dir.join(&wdir_text);
        // cmd
        let cmds: Vec<&YamlNode> = match stage.get("cmd") {
            Some(c) if c.as_seq().is_some() => c.as_seq().unwrap_or_default().iter().collect(),
            Some(c) => vec![c],
            None => Vec::new(),
        };
        for c in cmds {
            let Some(text) = c.scalar_text() else {
                continue;
            };
            let Some(script) = script_of(text) else {
                continue;
            };
            let abs = normalize(&wdir.join(script));
            if abs.exists() || project.outs.iter().any(|(o, _)| abs.starts_with(o)) {
                continue;
            }
            diags.push(Diagnostic::new(
                &BROKEN_DVC_PIPELINE,
                file,
                sub_range(file, c.range, script),
                format!("stage `{name}` runs `{script}`, which does not exist"),
            ));
        }
        // deps
        for (dep, node) in out_paths(stage, "deps") {
            if dep.contains("${") || dep.contains("://") || dep.is_empty() {
                continue;
            }
            let abs = normalize(&wdir.join(&dep));
            if abs.exists() || tracked_on_disk(&abs) {
                continue;
            }
            if project
                .outs
                .iter()
                .any(|(o, _)| abs.starts_with(o) || o.starts_with(&abs))
            {
                continue;
            }
            diags.push(Diagnostic::new(
                &BROKEN_DVC_PIPELINE,
                file,
                node.range,
                format!(
                    "stage `{name}` depends on `{dep}`, which is not in the repository, not an output of any stage and not tracked by a `.dvc` file"
                ),
            ).with_help("fix the path, add the stage that produces it, or track it with `dvc add`"));
        }
        // params
        let Some(params) = stage.get("params").and_then(YamlNode::as_seq) else {
            continue;
        };
        for item in params {
            let entries: Vec<(String, Vec<&YamlNode>)> = if item.scalar_text().is_some() {
                vec![("params.yaml".to_string(), vec![item])]
            } else if let Some(map) = item.as_map() {
                map.iter()
                    .filter_map(|(k, v)| {
                        let f = k.scalar_text()?.to_string();
                        let keys = v.as_seq().map(|s| s.iter().collect()).unwrap_or_default();
                        Some((f, keys))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            for (pfile, keys) in entries {
                if pfile.contains("${") || !(pfile.ends_with(".yaml") || pfile.ends_with(".yml")) {
                    continue;
                }
                let abs = normalize(&wdir.join(&pfile));
                let idx = match params_cache.iter().position(|(p, _)| *p == abs) {
                    Some(i) => i,
                    None => {
                        let parsed =
                            read_params(&abs).map(|t| t.and_then(|t| yaml::parse(&t).ok()));
                        match parsed {
                            Some(root) => params_cache.push((abs.clone(), root)),
                            None => {
                                // The file is missing: one finding at its first mention.
                                diags.push(Diagnostic::new(
                                    &BROKEN_DVC_PIPELINE,
                                    file,
                                    keys.first().map_or(item.range, |k| k.range),
                                    format!(
                                        "stage `{name}` reads parameters from `{pfile}`, which does not exist"
                                    ),
                                ));
                                params_cache.push((abs.clone(), None));
                                continue;
                            }
                        }
                        params_cache.len() - 1
                    }
                };
                // A params file that does not parse is not this rule's business.
                let Some(Some(proot)) = params_cache.get(idx).map(|(_, r)| r.as_ref()) else {
                    continue;
                };
                for key in keys {
                    let Some(k) = key.scalar_text() else { continue };
                    if k.contains("${") || lookup(proot, k) {
                        continue;
                    }
                    diags.push(Diagnostic::new(
                        &BROKEN_DVC_PIPELINE,
                        file,
                        key.range,
                        format!(
                            "stage `{name}` reads parameter `{k}`, which `{pfile}` does not define"
                        ),
                    ));
                }
            }
        }
    }
}

/// A parameters file: `None` when it does not exist, `Some(None)` when it is not read (a
/// symbolic link, which may point out of the tree, or a file over 8 MiB), else its text.
fn read_params(path: &Path) -> Option<Option<String>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if meta.file_type().is_symlink() || !meta.is_file() || meta.len() > 8 * 1024 * 1024 {
        return Some(None);
    }
    Some(std::fs::read_to_string(path).ok())
}

/// `a.b.c` in a parameters file (a top-level key may hold dots itself).
fn lookup(root: &YamlNode, key: &str) -> bool {
    if root.get(key).is_some() {
        return true;
    }
    let mut node = root;
    for part in key.split('.') {
        match node.get(part) {
            Some(n) => node = n,
            None => {
                if let (Some(seq), Ok(i)) = (node.as_seq(), part.parse::<usize>())
                    && let Some(n) = seq.get(i)
                {
                    node = n;
                    continue;
                }
                return false;
            }
        }
    }
    true
}

/// `data/raw.dvc` (or one for a folder above) on disk.
fn tracked_on_disk(abs: &Path) -> bool {
    let mut cur = Some(abs);
    while let Some(p) = cur {
        let mut name = p.as_os_str().to_owned();
        name.push(".dvc");
        if Path::new(&name).is_file() {
            return true;
        }
        cur = p.parent();
    }
    false
}

/// The range of `needle` inside a scalar node (its raw text), else the node.
fn sub_range(file: &SourceFile, node: TextRange, needle: &str) -> TextRange {
    let raw = file.slice(node);
    match raw.find(needle) {
        Some(i) => TextRange::new(node.start() + i, node.start() + i + needle.len()),
        None => node,
    }
}

/// Resolve `.` and `..` lexically.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
