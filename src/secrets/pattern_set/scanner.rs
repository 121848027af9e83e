//! Scanning: one keyword pass over the text, then each pattern's regex on the lines around
//! its hits, then its filters (allow lists, entropy, context, the generic heuristics).

use super::compiler::LazyRegex;
use super::heuristics::*;
use super::{Match, Pattern, PatternSet};
use crate::source::TextRange;

/// How far past its keyword a `multiline` pattern may reach (PEM keys are ~3.3 kB).
const MULTILINE_WINDOW: usize = 16 * 1024;
/// Lines around a hit in which a pattern's `context` regex must match.
const CONTEXT_LINES: usize = 5;

impl PatternSet {
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
pub(super) fn matches(re: &LazyRegex, text: &str) -> bool {
    re.get().is_some_and(|r| r.is_match(text))
}

pub(super) fn line_start(text: &str, at: usize) -> usize {
    memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |p| p + 1)
}

pub(super) fn line_of(text: &str, at: usize) -> &str {
    let start = line_start(text, at);
    let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |p| at + p);
    &text[start..end]
}

/// `n` lines before and after the line holding `at`.
pub(super) fn lines_around(text: &str, at: usize, n: usize) -> &str {
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

pub(super) fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
