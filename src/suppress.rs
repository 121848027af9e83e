//! Suppressions: `# mlcheck: ignore[CODE, …]` on a finding's line (in `.py` files, notebook
//! cells and any text file), `# mlcheck: file-ignore[CODE]` anywhere in a file (any cell of
//! a notebook), and a notebook cell tag `mlcheck-ignore` (all codes) or
//! `mlcheck-ignore:CODE`. Codes may be given as codes, prefixes or rule names. A bare
//! `# mlcheck: ignore` (no brackets) suppresses every code on its line, like a bare `# noqa`.
//! Per-file ignores from config and severity overrides are applied here too.

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::settings::Settings;
use crate::source::{CellPart, SourceFile};

/// What a comment suppresses.
#[derive(Debug, PartialEq, Eq)]
enum Codes {
    All,
    Some(Vec<String>),
}

impl Codes {
    fn covers(&self, code: &str) -> bool {
        match self {
            Codes::All => true,
            Codes::Some(list) => list.iter().any(|sel| selector_covers(sel, code)),
        }
    }
}

fn selector_covers(selector: &str, code: &str) -> bool {
    rules::select(selector).is_some_and(|rules| rules.iter().any(|r| r.code == code))
}

/// Parse the `mlcheck: <directive>` marker on one line.
fn parse_marker(line: &str, directive: &str) -> Option<Codes> {
    let needle = format!("mlcheck: {directive}");
    let mut rest = line;
    while let Some(i) = rest.find(&needle) {
        let after = &rest[i + needle.len()..];
        if let Some(inner) = after.strip_prefix('[') {
            let close = inner.find(']')?;
            let codes = inner[..close]
                .split(',')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>();
            return Some(Codes::Some(codes));
        }
        // `ignore` must not match `ignore-foo`; a bare directive ends at a space or EOL.
        if after.is_empty() || after.starts_with(char::is_whitespace) {
            return Some(Codes::All);
        }
        rest = after;
    }
    None
}

/// The text of the line a diagnostic starts on: the cell's own line for notebook sources,
/// the raw line elsewhere.
fn line_text(file: &SourceFile, offset: usize) -> Option<String> {
    if let Some(nb) = &file.notebook {
        let cell = nb.cell_at(offset)?;
        return match nb.locate(offset)?.part {
            CellPart::Source(pos) => {
                let range = cell.lines.line_range(pos.line - 1, &cell.source.text);
                Some(cell.source.text[range.start()..range.end()].to_string())
            }
            _ => None,
        };
    }
    let line = file.lines().line_of(offset);
    let range = file.lines().line_range(line, &file.text);
    Some(file.text[range.start()..range.end()].to_string())
}

/// Whether `text` holds `mlcheck:` anywhere (every marker starts so).
fn has_marker(text: &str) -> bool {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("mlcheck:"));
    FINDER.find(text.as_bytes()).is_some()
}

fn file_ignores(file: &SourceFile) -> Vec<Codes> {
    let mut out = Vec::new();
    if !file.text.contains("mlcheck: file-ignore") {
        return out;
    }
    let texts: Vec<&str> = match &file.notebook {
        Some(nb) => nb.cells.iter().map(|c| c.source.text.as_str()).collect(),
        None => vec![file.text.as_str()],
    };
    for text in texts {
        for line in text.lines() {
            if let Some(codes) = parse_marker(line, "file-ignore") {
                out.push(codes);
            }
        }
    }
    out
}

/// Whether a cell tag suppresses `code` at `offset`.
fn cell_tag_suppresses(file: &SourceFile, offset: usize, code: &str) -> bool {
    let Some(cell) = file.notebook.as_ref().and_then(|nb| nb.cell_at(offset)) else {
        return false;
    };
    cell.tags.iter().any(|tag| {
        tag == "mlcheck-ignore"
            || tag
                .strip_prefix("mlcheck-ignore:")
                .is_some_and(|sel| sel.split(',').any(|s| selector_covers(s.trim(), code)))
    })
}

/// Drop suppressed diagnostics, apply per-file ignores and severity overrides. Diagnostics
/// of one file should come together (as `pipeline::check_source` makes them): the file's
/// markers are read once per run of diagnostics.
pub fn apply(diagnostics: Vec<Diagnostic>, settings: &Settings) -> Vec<Diagnostic> {
    struct FileMarkers {
        file: *const SourceFile,
        file_ignores: Vec<Codes>,
        has_line_markers: bool,
    }
    let mut out = Vec::with_capacity(diagnostics.len());
    let mut cache: Option<FileMarkers> = None;
    for mut d in diagnostics {
        let file = std::sync::Arc::clone(d.file());
        let code = d.rule.code;
        if per_file_ignored(&file.path, code, settings) {
            continue;
        }
        let key = std::sync::Arc::as_ptr(&file);
        if cache.as_ref().is_none_or(|c| c.file != key) {
            // One SIMD scan for the common prefix; most files hold no marker at all.
            let any_marker = has_marker(&file.text);
            cache = Some(FileMarkers {
                file: key,
                file_ignores: if any_marker {
                    file_ignores(&file)
                } else {
                    Vec::new()
                },
                has_line_markers: any_marker && file.text.contains("mlcheck: ignore"),
            });
        }
        let markers = cache.as_ref().expect("just set");
        if markers.file_ignores.iter().any(|c| c.covers(code)) {
            continue;
        }
        let offset = d.primary.range.start();
        if cell_tag_suppresses(&file, offset, code) {
            continue;
        }
        if markers.has_line_markers
            && line_text(&file, offset)
                .is_some_and(|line| parse_marker(&line, "ignore").is_some_and(|c| c.covers(code)))
        {
            continue;
        }
        // A rule may set a finding's own severity (an `int` parameter is only info); the
        // user's config wins when it names the rule.
        if let Some(&severity) = settings.severity.get(d.rule.code) {
            d.severity = severity;
        }
        out.push(d);
    }
    out
}

fn per_file_ignored(path: &Path, code: &str, settings: &Settings) -> bool {
    if settings.per_file_ignores.is_empty() {
        return false;
    }
    let rel = path.strip_prefix(&settings.root).unwrap_or(path);
    let rel = rel.strip_prefix(".").unwrap_or(rel);
    let name = path.file_name().map(Path::new);
    settings.per_file_ignores.iter().any(|(glob, codes)| {
        (glob.is_match(rel) || glob.is_match(path) || name.is_some_and(|n| glob.is_match(n)))
            && codes.contains(&code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert_eq!(
            parse_marker("x = 1  # mlcheck: ignore[NB010, SEC001]", "ignore"),
            Some(Codes::Some(vec!["NB010".into(), "SEC001".into()]))
        );
        assert_eq!(
            parse_marker("x = 1  # mlcheck: ignore", "ignore"),
            Some(Codes::All)
        );
        assert_eq!(parse_marker("x = 1  # mlcheck: ignored", "ignore"), None);
        assert_eq!(
            parse_marker("# mlcheck: file-ignore[NB]", "file-ignore"),
            Some(Codes::Some(vec!["NB".into()]))
        );
        assert_eq!(parse_marker("x = 1", "ignore"), None);
    }
}
