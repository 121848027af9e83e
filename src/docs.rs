//! `docs/rules.md`, generated from the registry. `tests/it/registry.rs` fails when the file on
//! disk is stale; `MLCHECK_UPDATE_DOCS=1 cargo test --test it registry` rewrites it.

use std::fmt::Write;

use crate::rules::all_rules;

/// The headings every rule's docs must have.
pub const REQUIRED_SECTIONS: &[&str] = &["## What it does", "## Why is this bad?", "## Example"];

pub fn rules_markdown() -> String {
    let mut out = String::new();
    out.push_str("# mlcheck rules\n\n");
    out.push_str("<!-- Generated from the rule registry by `MLCHECK_UPDATE_DOCS=1 cargo test --test it registry`. Do not edit. -->\n\n");
    out.push_str("| Code | Name | Domain | Severity | Default | Fix | Summary |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for r in all_rules() {
        let _ = writeln!(
            out,
            "| [{code}](#{anchor}) | `{name}` | {domain} | {sev} | {default} | {fix} | {summary} |",
            code = r.code,
            anchor = anchor(r.code, r.name),
            name = r.name,
            domain = r.domain.as_str(),
            sev = r.severity.as_str(),
            default = if r.default_enabled { "yes" } else { "no" },
            fix = r.fix.as_str(),
            summary = r.summary,
        );
    }
    for r in all_rules() {
        let _ = write!(out, "\n## {} {}\n\n", r.code, r.name);
        // Demote the rule's own `##` headings one level under the rule's heading.
        for line in r.docs().lines() {
            if line.starts_with('#') {
                let _ = writeln!(out, "#{line}");
            } else {
                let _ = writeln!(out, "{line}");
            }
        }
    }
    out
}

fn anchor(code: &str, name: &str) -> String {
    format!("{}-{}", code.to_ascii_lowercase(), name)
}
