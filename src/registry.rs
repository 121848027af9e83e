//! The rule registry: every rule's metadata and docs, declared once next to its code with
//! [`declare_rule!`], gathered here sorted by code, and looked up by code, code prefix or
//! name (for `--select`, config, suppressions and `mlcheck rule`).

use std::sync::OnceLock;

use serde::Serialize;

use crate::diagnostic::Severity;

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
            severity: $crate::diagnostic::Severity::$sev,
            default_enabled: $default,
            fix: $crate::registry::FixAvailability::$fix,
            summary: $summary,
            raw_docs: concat!($($doc, "\n"),*),
        };
    };
}

/// Every rule, sorted by code.
pub fn all_rules() -> &'static [&'static RuleMeta] {
    static RULES: OnceLock<Vec<&'static RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<&'static RuleMeta> = crate::rules::DOMAINS
            .iter()
            .flat_map(|d| d.iter().copied())
            .collect();
        rules.sort_by(|a, b| code_order(a.code).cmp(&code_order(b.code)));
        rules
    })
}

/// Sort `NB2` before `NB10`: prefix, then number.
fn code_order(code: &str) -> (&str, u32) {
    let split = code
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(code.len());
    (&code[..split], code[split..].parse().unwrap_or(0))
}

/// A rule by exact code or name (case-insensitive code).
pub fn rule(code_or_name: &str) -> Option<&'static RuleMeta> {
    all_rules()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// The rules a selector names: `ALL`, a code, a code prefix (`NB`, `NB00`) or a name.
/// `None` when it names nothing.
pub fn select(selector: &str) -> Option<Vec<&'static RuleMeta>> {
    let sel = selector.trim();
    if sel.eq_ignore_ascii_case("ALL") {
        return Some(all_rules().to_vec());
    }
    if let Some(r) = all_rules().iter().find(|r| r.name == sel) {
        return Some(vec![r]);
    }
    let upper = sel.to_ascii_uppercase();
    let found: Vec<_> = all_rules()
        .iter()
        .copied()
        .filter(|r| r.code.starts_with(&upper))
        .collect();
    (!found.is_empty()).then_some(found)
}
