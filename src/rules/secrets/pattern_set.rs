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

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::source::TextRange;

/// The built-in pattern file.
pub const BUILTIN_TOML: &str = include_str!("../../../rules/secrets.toml");

/// How far past its keyword a `multiline` pattern may reach (PEM keys are ~3.3 kB).
const MULTILINE_WINDOW: usize = 16 * 1024;
/// Lines around a hit in which a pattern's `context` regex must match.
const CONTEXT_LINES: usize = 5;

/// One `[[pattern]]` table as written (also the schema of `[[secrets.extend-patterns]]`).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawPattern {
    pub id: String,
    pub description: String,
    /// A full regex; the secret is `secret-group` (default: the first group that matched).
    #[serde(default)]
    pub regex: Option<String>,
    /// A token body, wrapped with gitleaks' boundaries (see `rules/README.md`).
    #[serde(default)]
    pub token: Option<String>,
    /// With `token`: names the token must be assigned to (case-insensitive regexes).
    #[serde(default)]
    pub identifiers: Vec<String>,
    #[serde(default)]
    pub secret_group: Option<usize>,
    pub keywords: Vec<String>,
    /// A cheaper regex that matches (in Unicode mode) somewhere in every window where
    /// `regex` matches: windows where it does not are skipped without running `regex`.
    #[serde(default)]
    pub prefilter: Option<String>,
    /// Minimum Shannon entropy (bits per byte) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Regexes on the secret that mark it as not a secret.
    #[serde(default)]
    pub allow: Vec<String>,
    /// Regexes on the text of the secret's line before it: a match means the value is not
    /// a secret where it stands (an access key id as a presigned URL's `X-Amz-Credential=`).
    #[serde(default)]
    pub allow_before: Vec<String>,
    /// A regex that must match within a few lines of the finding.
    #[serde(default)]
    pub context: Option<String>,
    /// The match may span lines (scanned in a window after the keyword).
    #[serde(default)]
    pub multiline: bool,
    /// Severity of this pattern's findings (default: the rule's).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Reported as `SEC002 generic-secret`, with the `[generic]` filters.
    #[serde(default)]
    pub generic: bool,
    #[serde(default)]
    pub examples: Examples,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Examples {
    #[serde(rename = "match", default)]
    pub matches: Vec<String>,
    #[serde(default)]
    pub no_match: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGlobal {
    #[serde(default)]
    allow: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawGeneric {
    #[serde(default)]
    stop_identifiers: Vec<String>,
    #[serde(default)]
    defer_prefixes: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    sequential_run: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFile {
    #[serde(default)]
    global: RawGlobal,
    #[serde(default)]
    generic: RawGeneric,
    #[serde(default)]
    pattern: Vec<RawPattern>,
}

/// A regex compiled on first use: most patterns see no candidate line in a run, and
/// compiling all of them cost more than scanning a large notebook.
#[derive(Debug)]
pub struct LazyRegex {
    /// Names the pattern in errors.
    owner: String,
    what: &'static str,
    source: String,
    case_insensitive: bool,
    /// Always Unicode mode (prefilters: a superset of the ASCII-mode matches).
    unicode: bool,
    compiled: OnceLock<Result<Regex, String>>,
}

impl LazyRegex {
    fn new(owner: &str, what: &'static str, source: String, case_insensitive: bool) -> Self {
        Self {
            owner: owner.to_string(),
            what,
            source,
            case_insensitive,
            unicode: false,
            compiled: OnceLock::new(),
        }
    }

    /// The compiled regex, or why it does not compile.
    pub fn compiled(&self) -> Result<&Regex, &str> {
        self.compiled
            .get_or_init(|| {
                if self.unicode {
                    build_regex(&self.source, self.case_insensitive, true).map_err(|e| {
                        format!(
                            "secret pattern `{}`: invalid {}: {e}",
                            self.owner, self.what
                        )
                    })
                } else {
                    compile(&self.owner, self.what, &self.source, self.case_insensitive)
                }
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The regex, `None` when it does not compile (user patterns are checked at load
    /// and built-in ones by the test suite, so this does not happen in practice).
    pub fn get(&self) -> Option<&Regex> {
        self.compiled().ok()
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether it has been compiled yet.
    pub fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }
}

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

/// Compile with ASCII-only classes first: secrets are ASCII, and Unicode-aware `\w`, `\b`
/// and case folding make the regex crate build NFAs that cost half a second and 150 MB at
/// startup for this rule set. A pattern that needs Unicode mode (one whose `.` or negated
/// class could otherwise match invalid UTF-8) falls back to it.
fn compile(id: &str, what: &str, re: &str, case_insensitive: bool) -> Result<Regex, String> {
    build_regex(re, case_insensitive, false)
        .or_else(|_| build_regex(re, case_insensitive, true))
        .map_err(|e| format!("secret pattern `{id}`: invalid {what}: {e}"))
}

fn build_regex(re: &str, case_insensitive: bool, unicode: bool) -> Result<Regex, regex::Error> {
    RegexBuilder::new(re)
        .case_insensitive(case_insensitive)
        .unicode(unicode)
        .size_limit(50 << 20)
        .build()
}

const TOKEN_PREFIX: &str = r"(?:\b|\\[nrt])(";
const TOKEN_SUFFIX: &str = r#")(?:['"`\s;\\<,)\]}&|]|$)"#;

/// The regex of a pattern, expanding `token` / `identifiers` the way gitleaks does.
fn pattern_regex(raw: &RawPattern) -> Result<String, String> {
    match (&raw.regex, &raw.token) {
        (Some(re), None) => {
            if !raw.identifiers.is_empty() {
                return Err(format!(
                    "secret pattern `{}`: `identifiers` needs `token`, not `regex`",
                    raw.id
                ));
            }
            Ok(re.clone())
        }
        (None, Some(token)) if raw.identifiers.is_empty() => {
            Ok(format!("{TOKEN_PREFIX}{token}{TOKEN_SUFFIX}"))
        }
        (None, Some(token)) => Ok(format!(
            concat!(
                r"(?i:{ids})(?:[\w \t.-]{{0,20}})(?:\\*['{q}\]]{{0,3}})?[ \t]{{0,5}}",
                // Operators; a type annotation (`key: str = "…"`) counts as one.
                r"(?:[<>?+]?=|:{{1,3}}=|>|=>|",
                r":[ \t]*[A-Za-z_][\w.\[\]]*(?:[ \t]*\|[ \t]*[A-Za-z_][\w.\[\]]*)?[ \t]*=",
                r"|:|\(|,|\||[ \t])",
                // Quotes and spaces; a line break only before an indented value (YAML).
                r"(?:\\*(?:'|{q})|[` \t=|>]|\r?\n[ \t]+){{0,5}}((?-i:{token})){suffix}"
            ),
            ids = raw.identifiers.join("|"),
            q = '"',
            token = token,
            suffix = &TOKEN_SUFFIX[1..],
        )),
        (Some(_), Some(_)) => Err(format!(
            "secret pattern `{}`: give `regex` or `token`, not both",
            raw.id
        )),
        (None, None) => Err(format!(
            "secret pattern `{}`: needs a `regex` or a `token`",
            raw.id
        )),
    }
}

/// A pattern with its regexes ready to compile; `eager` compiles and checks them now.
fn compile_pattern(raw: &RawPattern, eager: bool) -> Result<Pattern, String> {
    let id = raw.id.as_str();
    if id.is_empty()
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "secret pattern `{id}`: ids are kebab-case (`a-z`, `0-9`, `-`)"
        ));
    }
    if raw.keywords.iter().any(|k| k.is_empty()) || raw.keywords.is_empty() {
        return Err(format!(
            "secret pattern `{id}`: needs at least one non-empty keyword"
        ));
    }
    let regex = LazyRegex::new(id, "regex", pattern_regex(raw)?, false);
    let prefilter = raw.prefilter.as_ref().map(|p| LazyRegex {
        unicode: true,
        ..LazyRegex::new(id, "prefilter regex", p.clone(), false)
    });
    let allow = raw
        .allow
        .iter()
        .map(|a| LazyRegex::new(id, "allow regex", a.clone(), true))
        .collect();
    let allow_before = raw
        .allow_before
        .iter()
        .map(|a| LazyRegex::new(id, "allow-before regex", a.clone(), true))
        .collect();
    let context = raw
        .context
        .as_ref()
        .map(|c| LazyRegex::new(id, "context regex", c.clone(), true));
    if let Some(e) = raw.entropy
        && !(0.0..=8.0).contains(&e)
    {
        return Err(format!(
            "secret pattern `{id}`: entropy {e} is outside 0..=8"
        ));
    }
    let pattern = Pattern {
        id: raw.id.clone(),
        description: raw.description.clone(),
        regex,
        prefilter,
        secret_group: raw.secret_group,
        keywords: raw.keywords.clone(),
        entropy: raw.entropy,
        allow,
        allow_before,
        context,
        multiline: raw.multiline,
        severity: raw.severity,
        generic: raw.generic,
        examples: raw.examples.clone(),
    };
    if eager {
        pattern.validate()?;
    }
    Ok(pattern)
}

impl Pattern {
    /// Compile every regex of the pattern and check `secret-group` against the regex.
    pub fn validate(&self) -> Result<(), String> {
        let regex = self.regex.compiled()?;
        if let Some(g) = self.secret_group
            && g >= regex.captures_len()
        {
            return Err(format!(
                "secret pattern `{}`: `secret-group = {g}` but the regex has {} groups",
                self.id,
                regex.captures_len() - 1
            ));
        }
        for r in self
            .prefilter
            .iter()
            .chain(&self.allow)
            .chain(&self.allow_before)
            .chain(&self.context)
        {
            r.compiled()?;
        }
        Ok(())
    }
}

impl PatternSet {
    /// The built-in patterns, compiled once.
    pub fn builtin() -> Result<Arc<PatternSet>, String> {
        static BUILTIN: OnceLock<Result<Arc<PatternSet>, String>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Self::from_toml(BUILTIN_TOML, &[], &[]).map(Arc::new))
            .clone()
    }

    /// Parse and validate a pattern file, then drop `disable` ids and add `extend` patterns.
    pub fn from_toml(
        text: &str,
        extend: &[RawPattern],
        disable: &[String],
    ) -> Result<PatternSet, String> {
        let file: RawFile = toml::from_str(text).map_err(|e| format!("secret patterns: {e}"))?;
        let mut seen = HashSet::new();
        let known: HashSet<&str> = file
            .pattern
            .iter()
            .chain(extend)
            .map(|p| p.id.as_str())
            .collect();
        for id in disable {
            // `gcp-service-account-key` is structural; `deepseek-api-key` was folded into
            // `openai-compatible-api-key` (older configs still name it).
            if !known.contains(id.as_str())
                && id != "gcp-service-account-key"
                && id != "deepseek-api-key"
            {
                return Err(format!(
                    "`disable-patterns`: no secret pattern is named `{id}`"
                ));
            }
        }
        // The built-in file is compiled on first use (the test suite compiles all of it);
        // anything else is checked now, so a user's mistake is reported at load.
        let builtin = text == BUILTIN_TOML;
        let mut patterns = Vec::new();
        for (i, raw) in file.pattern.iter().chain(extend).enumerate() {
            if !seen.insert(raw.id.clone()) {
                return Err(format!("secret pattern `{}`: duplicate id", raw.id));
            }
            if disable.contains(&raw.id) {
                continue;
            }
            patterns.push(compile_pattern(raw, !builtin || i >= file.pattern.len())?);
        }
        let global_allow: Vec<LazyRegex> = file
            .global
            .allow
            .iter()
            .map(|a| LazyRegex::new("[global]", "allow regex", a.clone(), true))
            .collect();
        let stop_identifiers: Vec<LazyRegex> = file
            .generic
            .stop_identifiers
            .iter()
            .map(|a| LazyRegex::new("[generic]", "stop-identifiers regex", a.clone(), true))
            .collect();
        if !builtin {
            for r in global_allow.iter().chain(&stop_identifiers) {
                r.compiled()?;
            }
        }
        let generic = GenericFilters {
            stop_identifiers,
            defer_prefixes: file.generic.defer_prefixes,
            stopwords: file
                .generic
                .stopwords
                .iter()
                .map(|s| s.to_ascii_lowercase())
                .collect(),
            sequential_run: file.generic.sequential_run.unwrap_or(usize::MAX),
        };
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_owners: Vec<Vec<usize>> = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            for k in &p.keywords {
                let k = k.to_ascii_lowercase();
                match keywords.iter().position(|x| *x == k) {
                    Some(at) => keyword_owners[at].push(i),
                    None => {
                        keywords.push(k);
                        keyword_owners.push(vec![i]);
                    }
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            // A DFA even past 100 keywords (where `auto` picks a slower NFA): the corpus
            // scan with the vendor patterns' keywords took 62 ms with the NFA, 48 with it.
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&keywords)
            .map_err(|e| format!("secret patterns: keywords: {e}"))?;
        Ok(PatternSet {
            patterns,
            global_allow,
            generic,
            automaton,
            keyword_owners,
        })
    }

    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|p| p.id == id)
    }

    /// The same set with every `prefilter` dropped (to check that prefilters only skip
    /// work: scanning with and without them must find the same).
    pub fn without_prefilters(mut self) -> Self {
        for p in &mut self.patterns {
            p.prefilter = None;
        }
        self
    }

    /// Compile every regex now (what loading does for a file other than the built-in one).
    pub fn validate(&self) -> Result<(), String> {
        for p in &self.patterns {
            p.validate()?;
        }
        for r in self
            .global_allow
            .iter()
            .chain(&self.generic.stop_identifiers)
        {
            r.compiled()?;
        }
        Ok(())
    }

    /// Whether any keyword occurs in `text` (a cheap first test).
    pub fn has_keyword(&self, text: &str) -> bool {
        self.automaton.is_match(text)
    }

    /// Every secret in `text`, sorted by position, overlapping findings reduced to the
    /// most specific one (earlier patterns win; generic ones lose to any other).
    pub fn scan(&self, text: &str, out: &mut Vec<Match>) {
        self.scan_in(text, out, false);
    }

    /// [`Self::scan`] for Python source (a `.py` file, a notebook's code cell): there an
    /// unquoted value of the generic rule that reads as a Python reference (`cfg.api_key`,
    /// `winreg.HKEY_LOCAL_MACHINE`, `TestAPI_UseIPv4Select`) is a name, not a literal,
    /// unless the line is a comment or a `%magic` / `!shell` line. (Text that is not Python,
    /// `key=Zf3D0…` pasted into a `.py` file, is still read as text.)
    pub fn scan_code(&self, text: &str, out: &mut Vec<Match>) {
        self.scan_in(text, out, true);
    }

    fn scan_in(&self, text: &str, out: &mut Vec<Match>, code: bool) {
        let start_len = out.len();
        // The window start each pattern last scanned: hits come ordered by their end, and
        // keywords hold no line break, so a pattern's windows start at non-decreasing
        // line starts and one scan per (pattern, line) needs only the last one.
        let mut last_window: Vec<usize> = Vec::new();
        let bytes = text.as_bytes();
        // The start of the line holding `scanned`, kept up to date as hits move forward
        // (searching back to the line start from every hit is quadratic on a long line
        // full of keywords). A hit never starts before the line of an earlier hit's start:
        // it ends after that start and holds no line break.
        let (mut scanned, mut line_start) = (0, 0);
        for hit in self.automaton.find_overlapping_iter(text) {
            let owners = &self.keyword_owners[hit.pattern().as_usize()];
            if hit.start() > scanned {
                if let Some(p) = memchr::memrchr(b'\n', &bytes[scanned..hit.start()]) {
                    line_start = scanned + p + 1;
                }
                scanned = hit.start();
            }
            if last_window.is_empty() {
                last_window = vec![usize::MAX; self.patterns.len()];
            }
            for &pi in owners {
                if last_window[pi] == line_start {
                    continue;
                }
                last_window[pi] = line_start;
                let pattern = &self.patterns[pi];
                // The keyword's line and the next one (YAML block scalars, XML elements);
                // multiline patterns get a larger window.
                let window_end = if pattern.multiline {
                    floor_boundary(text, (line_start + MULTILINE_WINDOW).min(text.len()))
                } else {
                    let first_end = memchr::memchr(b'\n', &bytes[hit.end()..])
                        .map_or(text.len(), |p| hit.end() + p);
                    if first_end >= text.len() {
                        text.len()
                    } else {
                        memchr::memchr(b'\n', &bytes[first_end + 1..])
                            .map_or(text.len(), |p| first_end + 1 + p)
                    }
                };
                // Context patterns may start a line or two earlier (`identifier:\n  value`).
                let window_start = line_start;
                let window = &text[window_start..window_end];
                if let Some(pre) = pattern.prefilter.as_ref().and_then(LazyRegex::get)
                    && !pre.is_match(window)
                {
                    continue;
                }
                let Some(regex) = pattern.regex.get() else {
                    continue;
                };
                for caps in regex.captures_iter(window) {
                    let group = match pattern.secret_group {
                        Some(g) => caps.get(g),
                        None => (1..caps.len())
                            .find_map(|g| caps.get(g))
                            .or_else(|| caps.get(0)),
                    };
                    let Some(secret) = group else { continue };
                    let range =
                        TextRange::new(window_start + secret.start(), window_start + secret.end());
                    if range.is_empty() {
                        continue;
                    }
                    let ident = if pattern.generic {
                        caps.get(1).map(|m| m.as_str())
                    } else {
                        None
                    };
                    if self.accept(pattern, text, range, ident, code) {
                        out.push(Match {
                            pattern: pi,
                            secret: range,
                        });
                    }
                }
            }
        }
        let found = &mut out[start_len..];
        found.sort_by_key(|m| {
            (
                m.secret.start(),
                self.patterns[m.pattern].generic,
                m.pattern,
                std::cmp::Reverse(m.secret.end()),
            )
        });
        // Drop duplicates and overlaps: keep the earliest-starting, non-generic first.
        let mut kept: Vec<Match> = Vec::with_capacity(found.len());
        for m in found.iter().copied() {
            if let Some(prev) = kept.last()
                && m.secret.start() < prev.secret.end()
            {
                let prev_generic = self.patterns[prev.pattern].generic;
                let this_generic = self.patterns[m.pattern].generic;
                if prev_generic && !this_generic {
                    kept.pop();
                    kept.push(m);
                }
                continue;
            }
            kept.push(m);
        }
        out.truncate(start_len);
        out.extend(kept);
    }

    /// The checks beyond the regex: allowlists, entropy, context, generic filters.
    fn accept(
        &self,
        pattern: &Pattern,
        text: &str,
        secret: TextRange,
        ident: Option<&str>,
        code: bool,
    ) -> bool {
        let s = &text[secret.start()..secret.end()];
        // Hex holds at most 4 bits a character: one random 32-hex key in six scores under
        // 3.5, so long hex values of the generic rule are held to 3.0.
        if let Some(min) = pattern.entropy
            && shannon_entropy(s)
                < if pattern.generic && s.len() >= 32 && is_hex(s) {
                    min.min(3.0)
                } else {
                    min
                }
        {
            return false;
        }
        if pattern.allow.iter().any(|a| matches(a, s)) {
            return false;
        }
        // A password equal to its user name (`airflow:airflow@`, `guest:guest@`) is a
        // service's default, not a secret.
        let before = &text[line_start(text, secret.start())..secret.start()];
        if let Some(user) = before
            .strip_suffix(':')
            .and_then(|b| b.rsplit(['/', '@', ' ', '"', '\'', '=']).next())
            && user.eq_ignore_ascii_case(s)
        {
            return false;
        }
        if !pattern.allow_before.is_empty() {
            let before = &text[line_start(text, secret.start())..secret.start()];
            if pattern.allow_before.iter().any(|a| matches(a, before)) {
                return false;
            }
        }
        // PEM bodies are checked by length, not by the placeholder list (a body may hold
        // `EXAMPLE`-like runs); a body of one repeated character is a placeholder all the same.
        if mostly_one_char(s)
            || (pattern.id != "private-key" && self.global_allow.iter().any(|a| matches(a, s)))
        {
            return false;
        }
        if let Some(ctx) = &pattern.context {
            let around = lines_around(text, secret.start(), CONTEXT_LINES);
            if !matches(ctx, around) {
                return false;
            }
        }
        if pattern.generic && !self.accept_generic(text, secret, ident.unwrap_or_default(), code) {
            return false;
        }
        true
    }

    fn accept_generic(&self, text: &str, secret: TextRange, ident: &str, code: bool) -> bool {
        let s = &text[secret.start()..secret.end()];
        let g = &self.generic;
        // Letters and digits both: identifiers, words and numbers are not secrets.
        if !s.bytes().any(|b| b.is_ascii_digit()) || !s.bytes().any(|b| b.is_ascii_alphabetic()) {
            return false;
        }
        // Deferred to the prefix's own pattern; `eyJ` only when the value has a JWT's dots
        // (a bare `eyJ…` is base64 of a JSON object, such as an encoded credential).
        if g.defer_prefixes
            .iter()
            .any(|p| s.starts_with(p.as_str()) && (p != "eyJ" || s.contains('.')))
        {
            return false;
        }
        let lower = s.to_ascii_lowercase();
        if g.stopwords.iter().any(|w| lower.contains(w.as_str())) {
            return false;
        }
        if longest_sequential_run(s) >= g.sequential_run {
            return false;
        }
        // Dotted or path-like names (`settings.OPENAI_KEY`, `models/bert-base`), and
        // `host:port` addresses; file names (`model-00001-of-00003.safetensors`, the value
        // of every sharded checkpoint's index) and pinned versions (`arize-phoenix==7.2.0`
        // in a pip log line).
        if looks_like_name(s) || host_port(s) || timestamp(s) || file_name(s) || version_pin(s) {
            return false;
        }
        // An API resource name (`files/d9jsb1hxh364`, `operations/…`): a lower-case word
        // and a slash; a keyword argument printed in a repr (`prompt_tokens=20771`): a
        // name and `=` inside the value (base64 pads only at its end).
        if resource_name(s) || assignment(s) {
            return false;
        }
        // The keyword must stand as a word of the name (`resourcekey=` and `rlkey=` of
        // share links, `authlib->…` of pip logs are not credentials' names).
        if !names_a_secret_word(ident) {
            return false;
        }
        // The assigned name: group 1 of the generic regex.
        let ident = ident.to_ascii_lowercase();
        let ident = ident.trim_matches(|c: char| c == '.' || c == '-');
        if g.stop_identifiers.iter().any(|r| matches(r, ident)) {
            return false;
        }
        // The last part of a quoted `::` path (`"AWS::IAM::AccessKey": …`) is a type's
        // name, not a variable's (`Config::api_key = "…"` in C++ still is one).
        let before_secret = &text[line_start(text, secret.start())..secret.start()];
        if let Some(at) = before_secret.to_ascii_lowercase().rfind(ident)
            && before_secret[..at].ends_with("::")
            && before_secret[..at]
                .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                .ends_with(['"', '\''])
        {
            return false;
        }
        // A UUID is an id (`run_id`, `credentialsId`) unless the name says it is a credential
        // (`api_token`, `client_secret`): Heroku, Snyk and others issue UUID keys.
        if is_uuid(uuid_body(s)) && !names_credential(ident) {
            return false;
        }
        // Hex digests assigned to hash-like names are checked by the stop list; a bare
        // 40-hex value after `revision=` / `commit` on the line is a git SHA.
        let line = line_of(text, secret.start()).to_ascii_lowercase();
        // Import statements name things (`import { chain_Key2 } from '…'`).
        let statement = line.trim_start();
        if statement.starts_with("import ")
            || (statement.starts_with("from ") && statement.contains(" import "))
        {
            return false;
        }
        if is_hex(s)
            && matches!(s.len(), 32 | 40 | 64)
            && (line.contains("revision")
                || line.contains("commit")
                || line.contains("sha")
                || line.contains("hash")
                || line.contains("checksum")
                || line.contains("md5"))
        {
            return false;
        }
        // Values read from the environment or a secret store, written as a literal
        // argument of the lookup (`getenv("API_KEY_2")`). A default value
        // (`getenv("API_KEY", "…")`) or an assignment (`os.environ["API_KEY"] = "…"`) after
        // the lookup is a hard-coded secret all the same.
        let before = &text[line_start(text, secret.start())..secret.start()];
        if code && !quoted(before) && !shell_or_comment(before) && python_reference(s) {
            return false;
        }
        // In code, `"…_key", "Value"` is mostly a list of names (`__all__`, column lists):
        // after a comma, a value made of words (`DjangoOAuth1App`) is another name.
        if code
            && before
                .trim_end()
                .trim_end_matches(['"', '\'', '`'])
                .trim_end()
                .ends_with(',')
            && made_of_words(s)
        {
            return false;
        }
        let before_lower = before.to_ascii_lowercase();
        let lookup_end = [
            "environ",
            "getenv",
            "userdata.get",
            "secrets.get",
            "getpass",
            "get_secret",
            "env(",
            "env.get",
            "config.get",
            "settings.",
        ]
        .iter()
        .filter_map(|w| before_lower.rfind(w).map(|at| at + w.len()))
        .max();
        if let Some(end) = lookup_end {
            let tail = &before_lower[end..];
            let default = tail.contains(',');
            // Assigned after the lookup (`os.environ["K"] = "…"`) or to an attribute of
            // the settings object (`aai.settings.api_key = "…"`), not compared (`==`).
            let assigned = !tail.contains("==")
                && tail.find('=').is_some_and(|eq| {
                    let head = &tail[..eq];
                    head.contains([']', ')']) || !head.contains('(')
                });
            if !default && !assigned {
                return false;
            }
        }
        true
    }
}

/// Whether a (lazily compiled) filter regex matches; one that does not compile matches
/// nothing.
fn matches(re: &LazyRegex, text: &str) -> bool {
    re.get().is_some_and(|r| r.is_match(text))
}

/// Whether some word of `ident` (split at non-alphanumerics, case changes and digits) is a
/// credential word: `password`, `secret`, `token`, `credentials` with any word glued before
/// (`dbpassword`, `clientsecret`, `hftoken`), or `key`, `auth`, `api`, `access`, `pwd`,
/// `pass` alone or glued to a credential's qualifier (`apikey`, `secretaccesskey`), never
/// to another word (`resourcekey`, `rlkey`, `monkey`, `authlib`).
fn names_a_secret_word(ident: &str) -> bool {
    static WORD: OnceLock<Regex> = OnceLock::new();
    let word = WORD.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:[a-z]*(?:passw(?:or)?ds?|passphrase|secrets?|tokens?|credentials?|creds)",
            r"|authorization|authentication|",
            r"(?:[a-z]*(?:api|access|secret|private|auth|client|master|account|service|app|",
            r"user|bearer|refresh|session|consumer|admin|dev|signing|encryption|shared|",
            r"storage|sas|license|subscription|webhook|bot|oauth|personal|db|database|root|",
            r"login|ssh|hmac|jwt|deploy|upload|write|read|cloud|integration|project|org|",
            r"team|svc|rsa|gpg|pgp|aes|crypt|cipher|server|host|mail|smtp|ftp|git|hub|",
            r"sec|priv|pub|pass|passw(?:or)?d|token|id|my|x|basic|http|proxy|",
            // Providers whose name is glued to `key` (`openaikey`, `HFKEY`).
            r"openai|anthropic|claude|gemini|google|groq|mistral|cohere|hf|huggingface|",
            r"wandb|pinecone|replicate|together|kaggle|aws|azure|gcp|github|gh|gitlab|slack|",
            r"discord|telegram|twilio|stripe|sendgrid|mailgun|notion|mapbox|serp|tavily|",
            r"langsmith|langchain|llama|deepseek|perplexity|elevenlabs|voyage|jina|qdrant|",
            r"weaviate|supabase|firebase|comet|neptune|mlflow|roboflow|ngrok|nvidia))?",
            r"(?:keys?|auth|apis?|access|pwd|pass)|oauth\d*)$"
        ))
        .expect("a valid regex")
    });
    let bytes = ident.as_bytes();
    let mut start = None;
    for i in 0..=bytes.len() {
        let boundary = i == bytes.len()
            || !bytes[i].is_ascii_alphabetic()
            || (i > 0 && bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase());
        if boundary {
            if let Some(st) = start
                && word.is_match(&ident[st..i].to_ascii_lowercase())
            {
                return true;
            }
            start = None;
        }
        if i < bytes.len() && bytes[i].is_ascii_alphabetic() && start.is_none() {
            start = Some(i);
        }
    }
    false
}

/// `model-00001-of-00003.safetensors`, `weights.bin`: a file name with a common extension.
fn file_name(s: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "safetensors",
        "bin",
        "pt",
        "pth",
        "ckpt",
        "onnx",
        "gguf",
        "h5",
        "hdf5",
        "pkl",
        "pickle",
        "npz",
        "npy",
        "json",
        "jsonl",
        "yaml",
        "yml",
        "toml",
        "txt",
        "csv",
        "tsv",
        "parquet",
        "arrow",
        "zip",
        "gz",
        "tgz",
        "tar",
        "bz2",
        "xz",
        "zst",
        "py",
        "ipynb",
        "md",
        "html",
        "xml",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "wav",
        "mp3",
        "mp4",
        "log",
        "model",
        "msgpack",
        "joblib",
        "tflite",
        "pb",
        "keras",
        "whl",
    ];
    s.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// `files/d9jsb1hxh364`, `operations/abc123`: a collection (a lower-case word of four or
/// more letters) and an id.
fn resource_name(s: &str) -> bool {
    s.split_once('/')
        .is_some_and(|(head, _)| head.len() >= 4 && head.bytes().all(|b| b.is_ascii_lowercase()))
}

/// `prompt_tokens=20771`: a name (letters and underscores) assigned a number inside the
/// value (`_gitlab_session=<random>` is a cookie, still a secret).
fn assignment(s: &str) -> bool {
    s.split_once('=').is_some_and(|(name, rest)| {
        !name.is_empty()
            && rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_')
    })
}

/// `arize-phoenix==7.2.0`, `torch==2.1`: a package pinned to a version.
fn version_pin(s: &str) -> bool {
    s.split_once("==").is_some_and(|(name, version)| {
        !name.is_empty()
            && version.starts_with(|c: char| c.is_ascii_digit())
            && version
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'+')
    })
}

/// Shannon entropy in bits per byte.
pub fn shannon_entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// A value whose body is one repeated character (`xxxxxxxx`, `00000000`).
fn mostly_one_char(s: &str) -> bool {
    let bytes = s.as_bytes();
    if bytes.len() < 8 {
        return false;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let max = counts.iter().copied().max().unwrap_or(0) as usize;
    max * 10 >= bytes.len() * 7
}

fn longest_sequential_run(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut best = 1;
    let mut run = 1;
    for w in bytes.windows(2) {
        if w[1] == w[0].wrapping_add(1) && w[0].is_ascii_alphanumeric() {
            run += 1;
            best = best.max(run);
        } else {
            run = 1;
        }
    }
    best
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `api_token`, `x-api-key`, `client_secret`, `db_password`: a name that holds a credential
/// itself, not a reference to one (`cache_key`, `token_id`).
fn names_credential(ident: &str) -> bool {
    ["token", "key", "secret", "password", "passwd"]
        .iter()
        .any(|end| ident.ends_with(end))
        && ["api", "access", "auth", "secret", "pass", "private"]
            .iter()
            .any(|word| ident.contains(word))
}

/// Mostly (over 60%) words of three or more letters, in CamelCase or between underscores
/// (`ALCcontext_struct`, `PublicIpv4Pools`, `client_credentials_v2`): names. All lower-case
/// text without an underscore never counts (random `[a-z0-9]` tokens read as words); about
/// one random base-62 string of 16 characters in fifteen passes (one in fifty at 32), so
/// this is only asked where a name is likely.
fn made_of_words(s: &str) -> bool {
    if !s.bytes().any(|b| b.is_ascii_uppercase() || b == b'_') {
        return false;
    }
    let b = s.as_bytes();
    let (mut i, mut wordy) = (0, 0);
    while i < b.len() {
        let start = i;
        if b[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower = i;
        while i < b.len() && b[i].is_ascii_lowercase() {
            i += 1;
        }
        if i - lower >= 2 && i - start >= 3 {
            wordy += i - start;
        }
        if i == start {
            i += 1;
        }
    }
    wordy * 10 > s.len() * 6
}

/// `2016-09-08T21:47:36Z`: a date (`PasswordLastUsed`, `token_expiry`).
fn timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

/// `localhost:22`, `db.internal:5432`.
fn host_port(s: &str) -> bool {
    s.rsplit_once(':').is_some_and(|(host, port)| {
        !host.is_empty()
            && !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

/// Whether the value after `before` (its line up to the value) opens with a quote, past a
/// `Bearer ` / `Token ` / `Basic ` scheme word.
fn quoted(before: &str) -> bool {
    let mut b = before.trim_end();
    for word in ["bearer", "token", "basic"] {
        // Bytes, not `str` slices: the line may hold multi-byte characters.
        if let Some(cut) = b.len().checked_sub(word.len())
            && b.as_bytes()[cut..].eq_ignore_ascii_case(word.as_bytes())
        {
            b = b[..cut].trim_end();
            break;
        }
    }
    b.ends_with(['"', '\'', '`'])
}

/// An unquoted value that reads as a Python name: identifier characters only, and dotted
/// (`cfg.api_key`), made of words (`TestAPI_UseIPv4Select`) or a constant's
/// (`KEY_WOW64_64KEY`). A random token (`SK65fc59b8…`) does not.
fn python_reference(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && (s.contains('.')
            || made_of_words(s)
            || (s.contains('_') && !s.bytes().any(|b| b.is_ascii_lowercase())))
}

/// A `%magic` or `!shell` line of a notebook cell, or a value inside a `#` comment (a `#`
/// outside quotes before it).
fn shell_or_comment(before: &str) -> bool {
    let line = before.trim_start();
    if line.starts_with(['%', '!']) {
        return true;
    }
    let (mut single, mut double) = (false, false);
    for c in line.chars() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double => return true,
            _ => {}
        }
    }
    false
}

/// The UUID of `APP_PRV-<uuid>`-style values (an upper-case tag and a dash), else `s`.
fn uuid_body(s: &str) -> &str {
    match s.len().checked_sub(36) {
        Some(tag @ 2..) if s.as_bytes()[tag - 1] == b'-' && s.is_char_boundary(tag) => {
            let (head, body) = s.split_at(tag);
            if head[..tag - 1]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b == b'_')
            {
                body
            } else {
                s
            }
        }
        _ => s,
    }
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `settings.OPENAI_KEY`, `my-model-name`, `path/to/file`: pieces of letters (the words
/// of a name) cover most of the value.
fn looks_like_name(s: &str) -> bool {
    let seps = s
        .bytes()
        .filter(|b| matches!(b, b'.' | b'/' | b'-' | b'_'))
        .count();
    if seps == 0 {
        return false;
    }
    let wordy: usize = s
        .split(['.', '/', '-', '_'])
        .filter(|p| p.len() >= 3 && p.bytes().all(|b| b.is_ascii_alphabetic()))
        .map(str::len)
        .sum();
    wordy * 2 > s.len()
}

fn line_start(text: &str, at: usize) -> usize {
    memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |p| p + 1)
}

fn line_of(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |p| at + p);
    &text[start..end]
}

/// `n` lines before and after the line holding `at`.
fn lines_around(text: &str, at: usize, n: usize) -> &str {
    let bytes = text.as_bytes();
    let mut start = line_start(text, at);
    for _ in 0..n {
        if start == 0 {
            break;
        }
        start = line_start(text, start - 1);
    }
    let mut end = at;
    for _ in 0..=n {
        match memchr::memchr(b'\n', &bytes[end..]) {
            Some(p) => end = end + p + 1,
            None => {
                end = text.len();
                break;
            }
        }
    }
    &text[start..end.min(text.len())]
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_simple_strings() {
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
    }

    /// The ids of what `text` gives, as Python source or as plain text.
    fn found(text: &str, code: bool) -> Vec<String> {
        let set = PatternSet::builtin().unwrap();
        let mut out = Vec::new();
        if code {
            set.scan_code(text, &mut out);
        } else {
            set.scan(text, &mut out);
        }
        out.iter()
            .map(|m| set.patterns[m.pattern].id.clone())
            .collect()
    }

    #[test]
    fn in_python_an_unquoted_generic_value_is_a_name() {
        // Names and expressions in code: not literals.
        for text in [
            "class TestAPI_UseIPv4Select(SocketTestBaseIPv4, unittest.TestCase):",
            "(winreg.HKEY_LOCAL_MACHINE, winreg.KEY_WOW64_64KEY)",
            "api_key = settings.OPENAI_API_KEY_V2",
            "token = get_token(REFRESH_TOKEN_V2)",
            "creds = ServiceAccountCredentials2",
            "__all__ = [\"OAuth\", \"DjangoOAuth1App\", \"token_update\", \"OAuthError\"]",
        ] {
            assert!(found(text, true).is_empty(), "{text}");
        }
        // Literals, magics, shell lines and comments still count.
        for text in [
            "api_key = \"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\"",
            "headers = {\"Authorization\": \"Bearer Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\"}",
            "%env MY_API_KEY=Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
            "!export MY_API_KEY=Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
            "x = 1  # api_key=Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
            "pairs = [(\"api_key\", \"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\")]",
            "const std::string Config::api_key = \"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\";",
        ] {
            assert_eq!(found(text, true), ["generic-secret"], "{text}");
        }
        // Multi-byte text before a value (a comment in French, a name in Chinese).
        for text in [
            "# Clé API: Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
            "百度api = Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB",
            "jeton_clé_api = \"Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB\"",
        ] {
            let _ = found(text, true);
        }
        // A random token is a literal even unquoted: text that is not Python (an INI or
        // YAML line) pasted into a `.py` file.
        for code in [false, true] {
            assert_eq!(
                found("MY_API_KEY=Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB", code),
                ["generic-secret"]
            );
        }
    }

    #[test]
    fn builtin_loads_and_every_regex_compiles() {
        let set = PatternSet::builtin().unwrap();
        assert!(set.pattern("openai-api-key").is_some());
        set.validate().unwrap();
    }

    #[test]
    fn generic_regex_is_ascii_as_its_prefilter_assumes() {
        // The generic prefilter spells `\w` and `\s` as ASCII classes: a superset of the
        // regex's matches only while the regex compiles in ASCII mode.
        let set = PatternSet::builtin().unwrap();
        let generic = set.pattern("generic-secret").unwrap();
        assert!(generic.prefilter.is_some());
        assert!(build_regex(generic.regex.as_str(), false, false).is_ok());
    }

    #[test]
    fn a_bad_secret_group_names_the_pattern() {
        let bad = "[[pattern]]\nid = \"grp\"\ndescription = \"d\"\nregex = \"(x)\"\nsecret-group = 2\nkeywords = [\"x\"]\n";
        let err = PatternSet::from_toml(bad, &[], &[]).unwrap_err();
        assert!(
            err.contains("`grp`") && err.contains("secret-group"),
            "{err}"
        );
        let bad_pre = "[[pattern]]\nid = \"pre\"\ndescription = \"d\"\nregex = \"x\"\nprefilter = \"(\"\nkeywords = [\"x\"]\n";
        let err = PatternSet::from_toml(bad_pre, &[], &[]).unwrap_err();
        assert!(err.contains("`pre`") && err.contains("prefilter"), "{err}");
    }

    #[test]
    fn bad_regex_and_duplicate_ids_name_the_pattern() {
        let bad = "[[pattern]]\nid = \"broken\"\ndescription = \"d\"\nregex = \"(\"\nkeywords = [\"x\"]\n";
        let err = PatternSet::from_toml(bad, &[], &[]).unwrap_err();
        assert!(err.contains("`broken`"), "{err}");
        let dup = "[[pattern]]\nid = \"a\"\ndescription = \"d\"\nregex = \"x\"\nkeywords = [\"x\"]\n[[pattern]]\nid = \"a\"\ndescription = \"d\"\nregex = \"y\"\nkeywords = [\"y\"]\n";
        let err = PatternSet::from_toml(dup, &[], &[]).unwrap_err();
        assert!(err.contains("`a`") && err.contains("duplicate"), "{err}");
    }
}
