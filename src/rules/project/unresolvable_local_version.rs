//! ENV017: a CUDA (local) version that PyPI does not serve, with no index that does.

use crate::diagnostic::Diagnostic;

use super::Context;

crate::declare_rule! {
    /// ## What it does
    /// Reports a requirement pinned to a local version such as `torch==2.1.0+cu118`
    /// (`+cu…`, `+rocm…`, `+cpu`) in a file that names no index or link page that serves it
    /// (`--index-url`, `--extra-index-url`, `--find-links`, a uv index or Poetry source).
    ///
    /// ## Why is this bad?
    /// PyPI does not host local versions: `pip install -r requirements.txt` fails with "No
    /// matching distribution found for torch==2.1.0+cu118" on every machine that did not
    /// install it by hand from PyTorch's own index.
    ///
    /// ## Example
    /// ```text
    /// torch==2.1.0+cu118
    /// ```
    ///
    /// ## How to fix
    /// Add the index that serves the build, e.g.
    /// `--extra-index-url https://download.pytorch.org/whl/cu118`, or pin the public version
    /// (`torch==2.1.0`).
    pub static UNRESOLVABLE_LOCAL_VERSION = {
        code: "ENV017",
        name: "unresolvable-local-version",
        domain: Environment,
        severity: Error,
        default: true,
        fix: None,
        summary: "a local version (`+cu118`) PyPI does not serve, with no index that does",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&UNRESOLVABLE_LOCAL_VERSION) {
        return;
    }
    let mut out = Vec::new();
    for (i, file) in cx.project.env.files.iter().enumerate() {
        // An index named in this file, or in a file that includes it.
        let indexed = file.index_options
            || cx
                .project
                .env
                .files
                .iter()
                .any(|f| f.index_options && f.includes.contains(&i));
        if indexed {
            continue;
        }
        for &d in &file.deps {
            let dep = &cx.project.env.deps[d];
            let Some(local) = dep.spec_text.split_once('+').map(|(_, l)| l) else {
                continue;
            };
            let local: String = local
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            if !(local.starts_with("cu") || local.starts_with("rocm") || local == "cpu") {
                continue;
            }
            out.push(
                Diagnostic::new(
                    &UNRESOLVABLE_LOCAL_VERSION,
                    &file.source,
                    dep.range,
                    format!(
                        "`{}` asks for the local build `+{local}`, which PyPI does not serve, and no `--index-url`/`--extra-index-url`/`--find-links` here does",
                        dep.raw_name
                    ),
                )
                .with_help("add the index that serves it (e.g. `--extra-index-url https://download.pytorch.org/whl/cu118`), or pin the public version"),
            );
        }
    }
    for d in out {
        cx.push(d);
    }
}
