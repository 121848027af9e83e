//! Loading: a pattern file parsed, validated (a bad regex or a duplicate id names the
//! pattern) and compiled into a [`PatternSet`] (lazy regexes, one keyword automaton).

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasickBuilder, MatchKind};
use regex::{Regex, RegexBuilder};

use super::schema::{BUILTIN_TOML, RawFile, RawPattern};

use super::{GenericFilters, Pattern, PatternSet};

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

/// Compile with ASCII-only classes first: secrets are ASCII, and Unicode-aware `\w`, `\b`
/// and case folding make the regex crate build NFAs that cost half a second and 150 MB at
/// startup for this rule set. A pattern that needs Unicode mode (one whose `.` or negated
/// class could otherwise match invalid UTF-8) falls back to it.
pub(super) fn compile(
    id: &str,
    what: &str,
    re: &str,
    case_insensitive: bool,
) -> Result<Regex, String> {
    build_regex(re, case_insensitive, false)
        .or_else(|_| build_regex(re, case_insensitive, true))
        .map_err(|e| format!("secret pattern `{id}`: invalid {what}: {e}"))
}

pub(super) fn build_regex(
    re: &str,
    case_insensitive: bool,
    unicode: bool,
) -> Result<Regex, regex::Error> {
    RegexBuilder::new(re)
        .case_insensitive(case_insensitive)
        .unicode(unicode)
        .size_limit(50 << 20)
        .build()
}

const TOKEN_PREFIX: &str = r"(?:\b|\\[nrt])(";
const TOKEN_SUFFIX: &str = r#")(?:['"`\s;\\<,)\]}&|]|$)"#;

/// The regex of a pattern, expanding `token` / `identifiers` the way gitleaks does.
pub(super) fn pattern_regex(raw: &RawPattern) -> Result<String, String> {
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
pub(super) fn compile_pattern(raw: &RawPattern, eager: bool) -> Result<Pattern, String> {
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
