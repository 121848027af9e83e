//! ENV018: a conda export that installs on one platform only.

use crate::diagnostic::{Diagnostic, Label};
use crate::source::yaml::YamlNode;

use super::Context;
use super::env_files::{EnvKind, parse_conda_spec};

crate::declare_rule! {
    /// ## What it does
    /// Reports a conda environment file exported with its build strings
    /// (`- openssl=1.1.1t=h2bbff1b_0`, as `conda env export` writes) or listing packages
    /// that exist on one platform only (`vc`, `vs2015_runtime`, `wincertstore`, `pywin32`,
    /// `m2w64-…` on Windows; `libgcc-ng`, `ld_impl_linux-64`, `_libgcc_mutex` on Linux).
    /// One finding per file, at the first such line, with the count.
    ///
    /// ## Why is this bad?
    /// Build strings and platform packages only resolve on the operating system the
    /// environment was exported from: `conda env create` fails elsewhere with
    /// `ResolvePackageNotFound`, so the project cannot be rebuilt on a colleague's laptop or
    /// in CI.
    ///
    /// ## Example
    /// ```yaml
    /// dependencies:
    ///   - python=3.10.13=he1021f5_0
    ///   - vc=14.2=h21ff451_1
    /// ```
    ///
    /// ## How to fix
    /// Export only what you asked for (`conda env export --from-history`), or drop the build
    /// strings and platform packages by hand.
    pub static PLATFORM_SPECIFIC_ENVIRONMENT = {
        code: "ENV018",
        name: "platform-specific-environment",
        domain: Environment,
        severity: Warning,
        default: true,
        fix: None,
        summary: "a conda export with build strings or one platform's packages",
    }
}

const WINDOWS_ONLY: &[&str] = &[
    "vc",
    "vs2015_runtime",
    "vc14_runtime",
    "wincertstore",
    "pywin32",
    "pywin32-ctypes",
    "pywinpty",
    "win_inet_pton",
    "ucrt",
];
const LINUX_ONLY: &[&str] = &[
    "libgcc-ng",
    "libstdcxx-ng",
    "ld_impl_linux-64",
    "_libgcc_mutex",
    "_openmp_mutex",
    "libgomp",
];

pub(super) fn check(cx: &mut Context<'_>) {
    if !cx.enabled(&PLATFORM_SPECIFIC_ENVIRONMENT) {
        return;
    }
    let mut out = Vec::new();
    for file in cx
        .project
        .env
        .files
        .iter()
        .filter(|f| f.kind == EnvKind::Conda)
    {
        let Some(items) = file
            .yaml
            .as_ref()
            .and_then(|r| r.get("dependencies"))
            .and_then(YamlNode::as_seq)
        else {
            continue;
        };
        // (range, why) of each platform-bound line.
        let mut found = Vec::new();
        for item in items {
            let Some(spec) = item.as_str() else { continue };
            let (name, _, rest) = parse_conda_spec(spec);
            let build = rest
                .strip_prefix('=')
                .and_then(|r| r.split_once('='))
                .filter(|(v, _)| !v.is_empty())
                .map(|(_, b)| b.trim())
                .filter(|b| !b.is_empty() && !b.contains('*'));
            if let Some(b) = build {
                found.push((item.range, format!("build string `={b}`")));
            } else if WINDOWS_ONLY.contains(&name.as_str()) || name.starts_with("m2w64-") {
                found.push((item.range, format!("Windows-only package `{name}`")));
            } else if LINUX_ONLY.contains(&name.as_str()) {
                found.push((item.range, format!("Linux-only package `{name}`")));
            }
        }
        let Some((range, why)) = found.first().cloned() else {
            continue;
        };
        let more = match found.len() - 1 {
            0 => String::new(),
            n => format!(" and {n} more line{}", if n == 1 { "" } else { "s" }),
        };
        let mut d = Diagnostic::new(
            &PLATFORM_SPECIFIC_ENVIRONMENT,
            &file.source,
            range,
            format!("{why}{more}: this conda export installs only on the platform it was made on"),
        )
        .with_help("export with `conda env export --from-history`, or remove build strings and platform packages");
        if let Some((r, w)) = found.get(1) {
            d = d.with_label(Label::new(&file.source, *r).with_message(w.clone()));
        }
        out.push(d);
    }
    for d in out {
        cx.push(d);
    }
}
