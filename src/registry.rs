//! The types that describe a rule: [`RuleMeta`] (declared once next to the rule's code with
//! [`declare_rule!`]), its [`Domain`], [`Severity`] and [`FixAvailability`]. This module
//! names no rule: the rules gather themselves in `crate::rules` (one dispatch table per
//! domain), which also looks them up by code, prefix or name (`rules::all_rules`,
//! `rules::rule`, `rules::select`).

use serde::{Deserialize, Serialize};

/// How serious a finding is: a rule's default, overridden per code by `severity = {…}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    Notebook,
    Secrets,
    Paths,
    Python,
    Project,
    Environment,
    Repro,
    Meta,
}

impl Domain {
    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Notebook => "notebook",
            Domain::Secrets => "secrets",
            Domain::Paths => "paths",
            Domain::Python => "python",
            Domain::Project => "project",
            Domain::Environment => "environment",
            Domain::Repro => "repro",
            Domain::Meta => "meta",
        }
    }
}

/// Whether, and how safely, `mlcheck fix` can repair what a rule flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailability {
    None,
    /// Fixed by `mlcheck fix --strip-outputs` (rewrites the notebook canonically).
    StripOutputs,
    Safe,
    Unsafe,
    DisplayOnly,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::StripOutputs => "strip-outputs",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
            FixAvailability::DisplayOnly => "display-only",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub domain: Domain,
    #[serde(rename = "default-severity")]
    pub severity: Severity,
    /// Selected when the user selects nothing.
    #[serde(rename = "default-enabled")]
    pub default_enabled: bool,
    pub fix: FixAvailability,
    /// One sentence for listings.
    pub summary: &'static str,
    /// The doc comment, as written (each line keeps rustdoc's leading space).
    #[serde(skip)]
    pub raw_docs: &'static str,
}

impl RuleMeta {
    /// The rule's Markdown documentation.
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.raw_docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

/// Declare a rule: its doc comment (the sections `## What it does`, `## Why is this bad?`,
/// `## Example`, `## How to fix`) becomes `RuleMeta::raw_docs`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            domain: $domain:ident,
            severity: $sev:ident,
            default: $default:literal,
            fix: $fix:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::registry::RuleMeta = $crate::registry::RuleMeta {
            code: $code,
            name: $name,
            domain: $crate::registry::Domain::$domain,
            severity: $crate::registry::Severity::$sev,
            default_enabled: $default,
            fix: $crate::registry::FixAvailability::$fix,
            summary: $summary,
            raw_docs: concat!($($doc, "\n"),*),
        };
    };
}
