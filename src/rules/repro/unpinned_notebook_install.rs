//! `REP003 unpinned-notebook-install`: `%pip` / `!pip` / `%conda` install lines in notebook
//! cells, read as shell words (continuation lines joined, quotes honoured).

use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::{CellKind, TextRange};

crate::declare_rule! {
    /// ## What it does
    /// Reports a notebook cell that installs packages (`%pip install x`, `!pip install x`,
    /// `!python -m pip install x`, `%conda install x`, `!uv pip install x`, and
    /// `pip install x` in a `%%bash` cell; `\`
    /// continuation lines included) with a requirement that has no exact pin (`x`,
    /// `x>=1.2`, `x~=1.2`), often with `-U`/`--upgrade`, or a `git+…` URL without a commit
    /// (or release tag). `-r requirements.txt` and `-c constraints.txt` are fine (the files
    /// are checked by the `ENV` rules), as are local paths, wheels and archives, and
    /// upgrading the installers themselves (`pip`, `setuptools`, `wheel`).
    ///
    /// ## Why is this bad?
    /// The notebook installs whatever is newest the day it runs: a new major release
    /// breaks it or silently changes its results, and nobody can tell which versions
    /// produced the outputs committed with it.
    ///
    /// ## Example
    /// ```python
    /// %pip install -U transformers datasets   # REP003
    /// ```
    ///
    /// ## How to fix
    /// Pin exact versions (`%pip install transformers==4.44.2 datasets==2.21.0`), or install
    /// from a pinned requirements file (`%pip install -r requirements.txt`).
    pub static UNPINNED_NOTEBOOK_INSTALL = {
        code: "REP003",
        name: "unpinned-notebook-install",
        domain: Repro,
        severity: Warning,
        default: true,
        fix: None,
        summary: "A notebook installs packages without exact versions",
    }
}

/// A shell word with its decoded range in the cell.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    range: TextRange,
}

/// Split one logical line (`start..` to its end, `\` continuations joined) into words.
/// Returns the words and where the logical line ends.
fn words(text: &str, start: usize) -> (Vec<Word>, usize) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    let mut cur = String::new();
    let mut cur_start: Option<usize> = None;
    let mut quote: Option<u8> = None;
    let flush =
        |cur: &mut String, cur_start: &mut Option<usize>, end: usize, out: &mut Vec<Word>| {
            if let Some(s) = cur_start.take() {
                out.push(Word {
                    text: std::mem::take(cur),
                    range: TextRange::new(s, end),
                });
            }
        };
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == q {
                quote = None;
            } else if b == b'\n' {
                break;
            } else {
                let ch = text[i..].chars().next().unwrap_or(' ');
                cur.push(ch);
                i += ch.len_utf8();
                continue;
            }
            i += 1;
            continue;
        }
        match b {
            b'\\' if matches!(bytes.get(i + 1), Some(b'\n')) => {
                flush(&mut cur, &mut cur_start, i, &mut out);
                i += 2;
            }
            b'\\' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => {
                flush(&mut cur, &mut cur_start, i, &mut out);
                i += 3;
            }
            b'\n' => break,
            b' ' | b'\t' | b'\r' => {
                flush(&mut cur, &mut cur_start, i, &mut out);
                i += 1;
            }
            b'#' if cur_start.is_none() => {
                // A comment runs to the end of the physical line.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                break;
            }
            b'"' | b'\'' => {
                cur_start.get_or_insert(i);
                quote = Some(b);
                i += 1;
            }
            _ => {
                cur_start.get_or_insert(i);
                let ch = text[i..].chars().next().unwrap_or(' ');
                cur.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    flush(&mut cur, &mut cur_start, i, &mut out);
    (out, i)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Pip,
    Conda,
}

/// pip / conda options that take a value as the next word.
const PIP_VALUE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--src",
    "--upgrade-strategy",
    "--python-version",
    "--platform",
    "--implementation",
    "--abi",
    "--only-binary",
    "--no-binary",
    "--progress-bar",
    "--log",
    "--cache-dir",
    "--trusted-host",
    "--config-settings",
    "-C",
    "--global-option",
    "--proxy",
    "--timeout",
    "--retries",
    "--exists-action",
    "--report",
    "--python",
    "--root-user-action",
    "--index",
    "--default-index",
];
const CONDA_VALUE_OPTIONS: &[&str] = &[
    "-c",
    "--channel",
    "-n",
    "--name",
    "-p",
    "--prefix",
    "--file",
    "--repodata-fn",
    "--solver",
];
const INSTALLERS: &[&str] = &["pip", "setuptools", "wheel", "uv"];

/// What one install command asks for.
#[derive(Default)]
struct Install {
    unpinned: Vec<Word>,
    upgrade: bool,
    constrained: bool,
}

/// Find install commands in a logical line's words (split at `&&`, `;`, `|`).
fn installs(words: &[Word]) -> Vec<Install> {
    let mut out = Vec::new();
    for segment in words.split(|w| matches!(w.text.as_str(), "&&" | ";" | "||" | "|")) {
        if let Some(i) = install(segment) {
            out.push(i);
        }
    }
    out
}

fn install(words: &[Word]) -> Option<Install> {
    let mut it = words
        .iter()
        .map(|w| {
            let t = w.text.trim_start_matches(['!', '%']);
            (t, w)
        })
        .peekable();
    // The tool: `pip`, `pip3`, `python -m pip`, `{sys.executable} -m pip`, `uv pip`, `conda`.
    let mut tool = None;
    let mut first = it.next();
    while first.is_some_and(|(t, _)| t == "sudo") {
        first = it.next();
    }
    let next_is = |it: &mut std::iter::Peekable<_>, word: &str| {
        let yes = it.peek().is_some_and(|(n, _): &(&str, &Word)| *n == word);
        if yes {
            it.next();
        }
        yes
    };
    match first.map(|(t, _)| t) {
        Some("pip" | "pip3") => tool = Some(Tool::Pip),
        Some("conda" | "mamba" | "micromamba") => tool = Some(Tool::Conda),
        Some("uv") if next_is(&mut it, "pip") => tool = Some(Tool::Pip),
        Some(t)
            if (t.starts_with("python") || t.contains("sys.executable") || t.starts_with('$'))
                && next_is(&mut it, "-m")
                && next_is(&mut it, "pip") =>
        {
            tool = Some(Tool::Pip)
        }
        _ => {}
    }
    let tool = tool?;
    // Options before the subcommand (`pip -q install`).
    loop {
        let (t, _) = it.next()?;
        if t == "install" {
            break;
        }
        if !t.starts_with('-') {
            return None;
        }
    }
    let value_options = match tool {
        Tool::Pip => PIP_VALUE_OPTIONS,
        Tool::Conda => CONDA_VALUE_OPTIONS,
    };
    let mut found = Install::default();
    let mut named = Vec::new();
    while let Some((_, w)) = it.next() {
        let t = w.text.as_str();
        if t.starts_with('>') || t.starts_with("2>") || t.starts_with("1>") || t == "&" {
            break;
        }
        if let Some(opt) = t.strip_prefix("--") {
            let name = opt.split('=').next().unwrap_or(opt);
            if name == "upgrade" {
                found.upgrade = true;
            }
            if tool == Tool::Pip && name == "constraint" {
                found.constrained = true;
            }
            if !opt.contains('=') && value_options.contains(&format!("--{name}").as_str()) {
                it.next();
            }
            continue;
        }
        if let Some(flags) = t.strip_prefix('-') {
            if flags.is_empty() {
                continue;
            }
            if tool == Tool::Pip
                && flags.contains('U')
                && flags.chars().all(|c| c.is_ascii_alphabetic())
            {
                found.upgrade = true;
            }
            let last = format!("-{}", flags.chars().last().unwrap_or('-'));
            if tool == Tool::Pip && last == "-c" {
                found.constrained = true;
            }
            if flags.chars().count() <= 2 && value_options.contains(&last.as_str()) {
                it.next();
            }
            continue;
        }
        named.push(w.clone());
    }
    for w in named {
        if !pinned(&w.text, tool) {
            found.unpinned.push(w);
        }
    }
    Some(found)
}

/// A URL's credentials (`https://user:token@host/…`) never reach a message: the user-info
/// part is replaced by `****`.
fn redact_userinfo(word: &str) -> std::borrow::Cow<'_, str> {
    let Some(scheme_end) = word.find("://").map(|i| i + 3) else {
        return word.into();
    };
    let rest = &word[scheme_end..];
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) => format!("{}****{}", &word[..scheme_end], &rest[at..]).into(),
        None => word.into(),
    }
}

/// Whether a requirement word is pinned (or is not a registry requirement at all).
fn pinned(req: &str, tool: Tool) -> bool {
    let req = req.trim();
    if req.is_empty()
        || req.starts_with(['$', '.', '/', '~'])
        || req.contains(['{', '$'])
        || req.starts_with("file:")
    {
        return true;
    }
    let lower = req.to_ascii_lowercase();
    if let Some(at) = lower.find("git+") {
        let url = &req[at..];
        let url = url.split('#').next().unwrap_or(url);
        let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
        return after_scheme.rsplit_once('@').is_some_and(|(_, r)| {
            let r = r.trim();
            (r.len() >= 7 && r.chars().all(|c| c.is_ascii_hexdigit()))
                || (r.starts_with(['v', 'V']) || r.starts_with(|c: char| c.is_ascii_digit()))
                    && r.contains('.')
        });
    }
    if lower.contains("://")
        || [".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2"]
            .iter()
            .any(|e| lower.ends_with(e))
        || (req.contains('/') && tool == Tool::Pip)
    {
        return true;
    }
    let req = req.split(';').next().unwrap_or(req).trim();
    let spec_at = req.find(['=', '<', '>', '!', '~', ' ']);
    let (name, spec) = match spec_at {
        Some(i) => (&req[..i], req[i..].trim()),
        None => (req, ""),
    };
    let name = name.split('[').next().unwrap_or(name);
    let name = name.rsplit("::").next().unwrap_or(name);
    if INSTALLERS.contains(&name.to_ascii_lowercase().as_str()) {
        return true;
    }
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        // Not a requirement (a stray word of the shell line).
        return true;
    }
    match tool {
        Tool::Pip => {
            (spec.starts_with("===") || spec.starts_with("=="))
                && !spec.contains(['*', ',', '<', '>'])
                && spec.len() > 2
        }
        Tool::Conda => spec.starts_with('=') && !spec.contains(['*', '<', '>', ',', '|']),
    }
}

pub fn check(checker: &mut FileChecker<'_>) {
    let file = checker.file;
    let Some(nb) = &file.notebook else { return };
    let mut found = Vec::new();
    for cell in nb.cells.iter().filter(|c| c.kind == CellKind::Code) {
        let text = cell.source.text.as_str();
        if !text.contains("install") {
            continue;
        }
        // A `%%bash` / `%%sh` cell is all shell: every line is a command.
        let head = text.trim_start();
        let shell_cell = ["%%bash", "%%sh", "%%script bash", "%%script sh"]
            .iter()
            .any(|m| head.starts_with(m));
        let mut line_start = 0;
        while line_start < text.len() {
            let rest = &text[line_start..];
            let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let first = rest.as_bytes().get(indent).copied();
            let command = matches!(first, Some(b'!' | b'%')) || (shell_cell && first.is_some());
            let (ws, end) = if command && !rest[indent..].starts_with("%%") {
                words(text, line_start + indent)
            } else {
                (
                    Vec::new(),
                    line_start + rest.find('\n').unwrap_or(rest.len()),
                )
            };
            for inst in installs(&ws) {
                if inst.constrained {
                    continue;
                }
                if let Some(first) = inst.unpinned.first() {
                    let names: Vec<String> = inst
                        .unpinned
                        .iter()
                        .map(|w| format!("`{}`", redact_userinfo(&w.text)))
                        .collect();
                    let what = if inst.upgrade {
                        "with `--upgrade` and no exact version"
                    } else {
                        "without an exact version"
                    };
                    found.push((
                        cell.to_raw(first.range),
                        format!(
                            "installs {} {what}: the notebook gets whatever is newest the day it runs",
                            names.join(", ")
                        ),
                    ));
                }
            }
            line_start = end + 1;
        }
    }
    for (range, message) in found {
        checker.push(
            Diagnostic::new(&UNPINNED_NOTEBOOK_INSTALL, file, range, message).with_help(
                "pin exact versions (`pkg==1.2.3`) or install from a pinned requirements file (`-r requirements.txt`)",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unpinned(line: &str) -> Vec<String> {
        let (ws, _) = words(line, 0);
        installs(&ws)
            .into_iter()
            .filter(|i| !i.constrained)
            .flat_map(|i| i.unpinned.into_iter().map(|w| w.text))
            .collect()
    }

    #[test]
    fn reads_install_lines_like_a_shell() {
        assert_eq!(unpinned("!pip install -q numpy pandas==2.2.2"), ["numpy"]);
        assert_eq!(
            unpinned("%pip install -qU 'transformers>=4.40' torch==2.3.0"),
            ["transformers>=4.40"]
        );
        assert_eq!(
            unpinned("!pip install -r requirements.txt"),
            Vec::<String>::new()
        );
        assert_eq!(
            unpinned("!pip install -c constraints.txt numpy"),
            Vec::<String>::new()
        );
        assert_eq!(unpinned("%pip install --upgrade pip"), Vec::<String>::new());
        assert_eq!(unpinned("!python -m pip install a==1 \\\n    b"), ["b"]);
        assert_eq!(
            unpinned("%conda install -c conda-forge numpy=1.26.4 scipy"),
            ["scipy"]
        );
        assert_eq!(
            unpinned(
                "!pip install git+https://github.com/o/r.git git+https://github.com/o/s@0123abcd"
            ),
            ["git+https://github.com/o/r.git"]
        );
        assert_eq!(
            unpinned("!pip install . ./pkg x.whl {pkg} $PKG"),
            Vec::<String>::new()
        );
        assert_eq!(
            unpinned("!pip install a==1.* > /dev/null && pip install b"),
            ["a==1.*", "b"]
        );
        assert_eq!(
            unpinned("!echo pip install x  # pip install y"),
            Vec::<String>::new()
        );
        assert_eq!(unpinned("!{sys.executable} -m pip install x"), ["x"]);
        assert_eq!(
            redact_userinfo("git+https://ghp_abc123:x-oauth@github.com/o/r.git@main"),
            "git+https://****@github.com/o/r.git@main"
        );
        assert_eq!(
            redact_userinfo("git+https://github.com/o/r@v1"),
            "git+https://github.com/o/r@v1"
        );
        // Odd bytes never panic: a multibyte flag, an unclosed quote, a lone backslash.
        assert_eq!(unpinned("!pip install -é x 'ünï \\\\"), ["x"]);
    }
}
