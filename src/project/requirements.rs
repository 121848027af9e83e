//! `requirements*.txt` (with `-r`/`-c` includes and index options), and the pip requirement
//! lines every other format shares.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::environment::*;
use crate::source::TextRange;
use pep508_rs::{Requirement, VersionOrUrl};

impl EnvSet {
    pub(super) fn read_requirements(&mut self, idx: usize) {
        let src = self.text(idx);
        let base = src.path.parent().map(Path::to_path_buf);
        let text = src.text.as_str();
        let mut offset = 0;
        let mut logical = String::new();
        let mut start: Option<usize> = None;
        for line in text.split_inclusive('\n') {
            let line_start = offset;
            offset += line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            let st = *start.get_or_insert(line_start);
            if let Some(cont) = content.strip_suffix('\\') {
                logical.push_str(cont);
                logical.push(' ');
                continue;
            }
            logical.push_str(content);
            let end = line_start + content.len();
            let l = std::mem::take(&mut logical);
            start = None;
            // Comments: `#` at the start or after whitespace.
            let code = strip_comment(&l);
            let trimmed = code.trim();
            if trimmed.is_empty() {
                continue;
            }
            let lead = code.len() - code.trim_start().len();
            let range = TextRange::new(
                st + lead,
                (st + lead + trimmed.len()).min(end).max(st + lead),
            );
            self.read_requirement_line(idx, trimmed, range, base.as_deref());
        }
    }

    /// One requirement line (requirements.txt, a `pip:` item, a python_env dependency).
    pub(super) fn read_requirement_line(
        &mut self,
        idx: usize,
        line: &str,
        range: TextRange,
        base: Option<&Path>,
    ) {
        let line = strip_comment(line).trim();
        // A template placeholder (`kedro~={{ cookiecutter.kedro_version }}`) is filled in
        // when the template is rendered: nothing to check yet.
        if line.is_empty() {
            return;
        }
        if line.contains("{{") || line.contains("{%") {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                self.push_bare_dep(idx, range, &name, true);
            }
            return;
        }
        if let Some(rest) = line
            .strip_prefix("-r ")
            .or_else(|| line.strip_prefix("--requirement "))
            .or_else(|| line.strip_prefix("--requirement="))
            .or_else(|| line.strip_prefix("-c "))
            .or_else(|| line.strip_prefix("--constraint "))
            .or_else(|| line.strip_prefix("-r"))
        {
            let target = rest.trim();
            let constraint = line.starts_with("-c") || line.starts_with("--constraint");
            if target.is_empty() || target.contains("://") || target.contains('$') {
                return;
            }
            let dir = self.files[idx]
                .disk_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            let disk = dir.join(target);
            if !disk.is_file() {
                self.problem(
                    idx,
                    range,
                    ProblemKind::MissingInclude,
                    format!("`{line}` includes `{target}`, which does not exist"),
                    Some("fix the path (it is relative to the file that includes it) or add the file"),
                );
                return;
            }
            if constraint {
                return;
            }
            let shown = base.map_or_else(|| PathBuf::from(target), |b| b.join(target));
            if let Some(inc) = self.load(&disk, &shown, EnvKind::Requirements)
                && inc != idx
                && !self.files[idx].includes.contains(&inc)
            {
                self.files[idx].includes.push(inc);
            }
            return;
        }
        let (editable, req) = split_requirement_options(line);
        if [
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
        ]
        .iter()
        .any(|o| {
            line.strip_prefix(o)
                .is_some_and(|r| r.starts_with([' ', '=', '\t']))
        }) {
            self.files[idx].index_options = true;
        }
        if req.is_empty() {
            return; // an option line: --index-url, --find-links, --pre …
        }
        // Local paths and bare URLs (`-e .`, `./pkg`, `git+https://…`): nothing to compare.
        let looks_path = req.starts_with('.')
            || req.starts_with('/')
            || req.contains("://") && !req.contains(" @ ") && !req.contains('@')
            || req.starts_with("git+");
        if editable || looks_path {
            if let Some(egg) = req.split("#egg=").nth(1) {
                let name = egg.split(['&', ' ', '[']).next().unwrap_or("");
                if !name.is_empty() {
                    self.push_bare_dep(idx, range, name, true);
                }
            }
            return;
        }
        match Requirement::<pep508_rs::VerbatimUrl>::from_str(req) {
            Ok(r) => {
                let (spec, url) = match &r.version_or_url {
                    Some(VersionOrUrl::VersionSpecifier(s)) => (Some(s.clone()), false),
                    Some(VersionOrUrl::Url(_)) => (None, true),
                    None => (None, false),
                };
                let name = r.name.to_string();
                let spec_text = spec.as_ref().map(ToString::to_string).unwrap_or_default();
                self.push_dep(Dep {
                    file: idx,
                    range,
                    raw_name: req
                        .split(|c: char| {
                            !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                        })
                        .next()
                        .unwrap_or(&name)
                        .to_string(),
                    name: normalize(&name),
                    syntax: Syntax::Pip,
                    spec: spec.filter(|s| !s.is_empty()),
                    spec_text,
                    url,
                    dev: false,
                    group: None,
                });
            }
            Err(e) => {
                let help = conda_style_hint(req);
                let msg = match &help {
                    Some(_) => format!(
                        "`{req}` is not a valid pip requirement: a single `=` is conda syntax"
                    ),
                    None => format!(
                        "`{req}` is not a valid pip requirement: {}",
                        first_line(&e.to_string())
                    ),
                };
                self.problem(
                    idx,
                    range,
                    ProblemKind::InvalidRequirement,
                    msg,
                    help.as_deref(),
                );
                // Keep the package as declared (unversioned) so other rules do not cascade.
                let name: String = req
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    .collect();
                if !name.is_empty() {
                    self.push_bare_dep(idx, range, &name, false);
                }
            }
        }
    }
}

/// Split leading pip options from a requirement line; returns (editable, requirement).
/// `--hash=…` and other trailing options are dropped; option-only lines give "".
pub fn split_requirement_options(line: &str) -> (bool, &str) {
    let line = line.trim();
    if let Some(rest) = line
        .strip_prefix("-e ")
        .or_else(|| line.strip_prefix("--editable "))
        .or_else(|| line.strip_prefix("--editable="))
    {
        return (true, rest.trim());
    }
    if line.starts_with('-') {
        return (false, "");
    }
    // Trailing per-requirement options: ` --hash=sha256:…`, ` --config-settings …`.
    let req = match line.find(" --").or_else(|| line.find("\t--")) {
        Some(i) => &line[..i],
        None => line,
    };
    (false, req.trim())
}

/// `numpy=1.2` in a pip list: suggest `==`.
pub fn conda_style_hint(req: &str) -> Option<String> {
    let i = req.find('=')?;
    let before = req[..i].trim_end();
    let after = &req[i + 1..];
    if before.ends_with(['<', '>', '!', '~', '=']) || after.starts_with('=') {
        return None;
    }
    let name = before.trim();
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '[' | ']' | ',')))
    .then(|| {
        format!(
            "write `{name}=={}` (pip) or move it to the conda dependencies",
            after.trim()
        )
    })
}
