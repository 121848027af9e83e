//! mlcheck's own diagnostic model. Renderers convert it at the boundary (only
//! `render/human.rs` knows miette), so the core is tied to no output format.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use crate::registry::RuleMeta;
pub use crate::registry::Severity;
pub use crate::source::FileError;
use crate::source::{SourceFile, TextRange};

/// A place in a file, with an optional message ("defined here").
#[derive(Clone, Debug)]
pub struct Label {
    pub file: Arc<SourceFile>,
    /// Raw byte range in `file.text`.
    pub range: TextRange,
    pub message: Option<String>,
}

impl Label {
    pub fn new(file: &Arc<SourceFile>, range: TextRange) -> Self {
        Self {
            file: Arc::clone(file),
            range,
            message: None,
        }
    }
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Applied by `mlcheck fix` without asking.
    Safe,
    /// May change behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
    /// Shown as advice, never applied.
    DisplayOnly,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: TextRange,
    pub content: String,
}

#[derive(Clone, Debug)]
pub struct Fix {
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    /// A fragment that states the problem: "`outputs` committed in 4 code cells".
    pub message: String,
    /// What to do about it, in the imperative.
    pub help: Option<String>,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub fix: Option<Fix>,
    /// A content fingerprint (never a line number). When `None`, renderers derive one from
    /// the code, the path and the primary label's text.
    pub fingerprint: Option<String>,
    /// Extra machine-readable facts (pattern id, redacted secret, commit …), emitted in
    /// JSON and SARIF `properties`. Never put a secret here unredacted.
    pub properties: BTreeMap<String, serde_json::Value>,
}

impl Diagnostic {
    pub fn new(
        rule: &'static RuleMeta,
        file: &Arc<SourceFile>,
        range: TextRange,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: rule.severity,
            message: message.into(),
            help: None,
            primary: Label::new(file, range),
            secondary: Vec::new(),
            fix: None,
            fingerprint: None,
            properties: BTreeMap::new(),
        }
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn with_label(mut self, label: Label) -> Self {
        self.secondary.push(label);
        self
    }
    pub fn with_primary_message(mut self, message: impl Into<String>) -> Self {
        self.primary.message = Some(message.into());
        self
    }
    pub fn with_property(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.properties.insert(key.to_string(), value.into());
        self
    }
    pub fn with_fingerprint(mut self, fingerprint: String) -> Self {
        self.fingerprint = Some(fingerprint);
        self
    }
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    pub fn file(&self) -> &Arc<SourceFile> {
        &self.primary.file
    }

    /// The fingerprint to publish: the explicit one, else sha256 of code, path and the
    /// primary label's text, so it survives line moves.
    pub fn fingerprint(&self) -> String {
        if let Some(f) = &self.fingerprint {
            return f.clone();
        }
        let file = self.file();
        crate::fingerprint(&[
            self.rule.code,
            &file.path_slash(),
            file.slice(self.primary.range),
            &self.message,
        ])
    }

    /// Deterministic output order: path, position, code.
    pub fn sort_key(&self) -> (&Path, u32, &'static str, u32) {
        (
            &self.file().path,
            self.primary.range.start,
            self.rule.code,
            self.primary.range.end,
        )
    }
}
