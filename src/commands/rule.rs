//! `mlcheck rule CODE` and `mlcheck rules`.

use std::io::Write;

use super::{ExitStatus, Result};
use crate::cli::ListFormat;
use crate::rules::{self, all_rules};

pub fn run_rule(code: &str) -> Result<ExitStatus> {
    let Some(rule) = rules::rule(code) else {
        return Err(crate::Error::msg(format!(
            "unknown rule `{code}` (see `mlcheck rules`)"
        )));
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "# {} ({})\n", rule.name, rule.code);
    let _ = writeln!(
        out,
        "Domain: {}. Default severity: {}. {}. Fix: {}.\n",
        rule.domain.as_str(),
        rule.severity.as_str(),
        if rule.default_enabled {
            "Selected by default"
        } else {
            "Not selected by default"
        },
        rule.fix.as_str()
    );
    let _ = write!(out, "{}", rule.docs());
    Ok(ExitStatus::Success)
}

pub fn run_rules(format: ListFormat) -> Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Json => {
            let _ = serde_json::to_writer_pretty(&mut out, all_rules());
            let _ = writeln!(out);
        }
        ListFormat::Text => {
            for r in all_rules() {
                let _ = writeln!(
                    out,
                    "{:<7} {:<28} {:<12} {:<8} {:<8} {}",
                    r.code,
                    r.name,
                    r.domain.as_str(),
                    r.severity.as_str(),
                    if r.default_enabled {
                        "default"
                    } else {
                        "opt-in"
                    },
                    r.summary
                );
            }
        }
    }
    Ok(ExitStatus::Success)
}
