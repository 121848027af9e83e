//! The secret patterns of `rules/secrets.toml`, loaded, validated and compiled into one
//! scanner.
//!
//! Promises: a bad regex or a duplicate id is an error that names the pattern (user
//! patterns are compiled when loaded; the built-in file's regexes are compiled on first
//! use, and the test suite compiles every one of them); scanning runs one Aho-Corasick
//! pass over the text for every pattern's keywords and runs a pattern's regex only on the
//! lines around its keyword hits (whole windows for `multiline` patterns), and only where
//! its cheaper `prefilter` regex matches, so text without any keyword costs one linear
//! scan. Scanning never panics on any input.
//!
//! One job per file: [`schema`] is the TOML format (`[[pattern]]` tables as written),
//! [`compiler`] validates and builds the regexes and the keyword automaton, [`scanner`] runs
//! them over a text, and [`heuristics`] holds the value tests that keep placeholders, names
//! and prose out (entropy, sequential runs, file names, UUIDs, …).

mod compiler;
mod heuristics;
mod scanner;
mod schema;

use aho_corasick::AhoCorasick;

use crate::registry::Severity;
use crate::source::TextRange;

pub use compiler::LazyRegex;
pub use heuristics::shannon_entropy;
pub use schema::{BUILTIN_TOML, Examples, RawPattern};

/// A compiled pattern.
#[derive(Debug)]
pub struct Pattern {
    pub id: String,
    pub description: String,
    pub regex: LazyRegex,
    pub prefilter: Option<LazyRegex>,
    pub secret_group: Option<usize>,
    pub keywords: Vec<String>,
    pub entropy: Option<f64>,
    pub allow: Vec<LazyRegex>,
    pub allow_before: Vec<LazyRegex>,
    pub context: Option<LazyRegex>,
    pub multiline: bool,
    pub severity: Option<Severity>,
    pub generic: bool,
    pub examples: Examples,
}

/// A pattern's match in a scanned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index into [`PatternSet::patterns`].
    pub pattern: usize,
    /// The secret, as a range of the scanned text.
    pub secret: TextRange,
}

#[derive(Debug)]
struct GenericFilters {
    stop_identifiers: Vec<LazyRegex>,
    defer_prefixes: Vec<String>,
    stopwords: Vec<String>,
    sequential_run: usize,
}

/// Every enabled pattern plus the keyword automaton that finds candidate lines.
#[derive(Debug)]
pub struct PatternSet {
    pub patterns: Vec<Pattern>,
    global_allow: Vec<LazyRegex>,
    generic: GenericFilters,
    automaton: AhoCorasick,
    /// For each automaton pattern (keyword), the patterns that listed it.
    keyword_owners: Vec<Vec<usize>>,
}
