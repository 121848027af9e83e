//! ENV008: the Python version disagrees between files.

use std::str::FromStr;
use std::sync::Arc;

use pep508_rs::pep440_rs::VersionSpecifiers;

use crate::diagnostic::{Diagnostic, Label};
use crate::source::{SourceFile, TextRange};

use super::env_files::python_prefix_spec;
use super::{Context, disjoint};

crate::declare_rule! {
    /// ## What it does
    /// Compares the Python version each file asks for: the environment MLflow uses (or the
    /// first of `python_env.yaml`, `conda.yaml`/`environment.yml`) against the others
    /// (`.python-version`, `runtime.txt`, `requires-python` or Poetry's `python` in
    /// `pyproject.toml`, a `python:` docker image tag) and against the interpreter that last
    /// ran each notebook (`metadata.language_info.version`). Versions are compared as sets
    /// (`3.10` matches `3.10.12`; `>=3.9` matches `3.11`). Notebooks that ran on the same
    /// version are reported once, at the first, naming the others.
    ///
    /// ## Why is this bad?
    /// Each tool builds a different interpreter: the notebook's results came from 3.8, the
    /// MLflow run uses 3.10, CI uses 3.11. "Works on my machine".
    ///
    /// ## Example
    /// `conda.yaml` has `python=3.10` while `.python-version` says `3.8.18`.
    ///
    /// ## How to fix
    /// Pick one version and write it in every file (and re-run the notebooks with it).
    pub static PYTHON_VERSION_MISMATCH = {
        code: "ENV008",
        name: "python-version-mismatch",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "Python version disagrees between environment files, notebooks and docker image",
    }
}

struct Source {
    file: Arc<SourceFile>,
    range: TextRange,
    text: String,
    spec: VersionSpecifiers,
}

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&PYTHON_VERSION_MISMATCH) {
        return;
    }
    let mut sources: Vec<Source> = Vec::new();
    let mut order: Vec<usize> = (0..cx.project.env.files.len()).collect();
    if let Some(sel) = cx.project.selected_env {
        order.retain(|&i| i != sel);
        order.insert(0, sel);
    }
    for i in order {
        if let Some(p) = &cx.project.env.files[i].python {
            sources.push(Source {
                file: Arc::clone(&cx.project.env.files[i].source),
                range: p.range,
                text: p.text.clone(),
                spec: p.spec.clone(),
            });
        }
    }
    // `docker_env: {image: python:3.10-slim}`.
    if let Some((file, root)) = cx.project.mlproject()
        && let Some(img) = root.get("docker_env").and_then(|d| d.get("image"))
        && let Some(s) = img.as_str()
        && let Some((name, tag)) = s.rsplit_once(':')
        && name.rsplit('/').next() == Some("python")
    {
        let v: String = tag
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if let Some(spec) = python_prefix_spec(v.trim_end_matches('.')) {
            sources.push(Source {
                file: Arc::clone(file),
                range: img.range,
                text: s.to_string(),
                spec,
            });
        }
    }
    let Some(primary) = sources.first() else {
        return;
    };
    let mut out = Vec::new();
    for other in &sources[1..] {
        if disjoint(&primary.spec, &other.spec) {
            out.push(
                Diagnostic::new(
                    &PYTHON_VERSION_MISMATCH,
                    &other.file,
                    other.range,
                    format!(
                        "Python `{}` here disagrees with `{}` in `{}`",
                        other.text,
                        primary.text,
                        primary.file.path_slash()
                    ),
                )
                .with_label(
                    Label::new(&primary.file, primary.range)
                        .with_message(format!("Python `{}` here", primary.text)),
                )
                .with_help("use the same Python version in every environment file"),
            );
        }
    }
    // Notebooks: the interpreter that last ran them. One finding per version, at the first
    // notebook that ran on it, naming the others (a course repository has dozens).
    type Notebooks<'c> = Vec<(&'c Arc<super::imports::CodeFile>, TextRange)>;
    let mut by_version: Vec<(String, Notebooks<'_>)> = Vec::new();
    for code in cx.project.code().iter().filter(|f| f.is_notebook) {
        let Some((v, range)) = &code.python_version else {
            continue;
        };
        let Ok(version) = pep508_rs::pep440_rs::Version::from_str(v.trim()) else {
            continue;
        };
        let Ok(exact) = VersionSpecifiers::from_str(&format!("=={version}")) else {
            continue;
        };
        if !disjoint(&primary.spec, &exact) {
            continue;
        }
        match by_version.iter_mut().find(|(seen, _)| seen == v) {
            Some((_, notebooks)) => notebooks.push((code, *range)),
            None => by_version.push((v.clone(), vec![(code, *range)])),
        }
    }
    for (v, notebooks) in by_version {
        // At the first notebook that still loads, naming the others.
        let Some((first, range, nb_file)) = notebooks
            .iter()
            .find_map(|(f, r)| f.source().map(|s| (f, r, s)))
        else {
            continue;
        };
        let other_paths: Vec<&std::path::Path> = notebooks
            .iter()
            .map(|(f, _)| f.path.as_path())
            .filter(|p| *p != first.path)
            .collect();
        let also = super::others_named("as did", "notebook", &other_paths);
        // The notebook's metadata records where it last ran, weaker evidence than a
        // declared version: informational.
        let mut d = Diagnostic::new(
            &PYTHON_VERSION_MISMATCH,
            &nb_file,
            *range,
            format!(
                "notebook last ran on Python `{v}`{also}, but `{}` asks for `{}`",
                primary.file.path_slash(),
                primary.text
            ),
        )
        .with_label(
            Label::new(&primary.file, primary.range)
                .with_message(format!("Python `{}` here", primary.text)),
        )
        .with_help(
            "re-run the notebook in the project's environment, or align the environment's Python version",
        );
        d.severity = crate::diagnostic::Severity::Info;
        // Stable while other notebooks come and go: not the message.
        d = d.with_fingerprint(crate::fingerprint(&[
            PYTHON_VERSION_MISMATCH.code,
            &primary.file.path_slash(),
            &v,
        ]));
        out.push(d);
    }
    for d in out {
        cx.push(d);
    }
}
