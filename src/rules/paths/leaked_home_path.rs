//! `PTH002 leaked-home-path`.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::rules::FileChecker;
use crate::source::notebook::mapped_multiline;
use crate::source::{SourceKind, TextRange};

crate::declare_rule! {
    /// ## What it does
    /// Reports a notebook output (a traceback, a warning, printed text, the result of
    /// `!pwd`) that shows a home folder: `/home/<user>/`, `/Users/<user>/` or
    /// `C:\Users\<user>\`. One finding per cell. Not selected by default.
    ///
    /// ## Why is this bad?
    /// Committed outputs publish the username and folder layout of the machine that ran
    /// the notebook, and they make diffs noisy when someone else re-runs it.
    ///
    /// ## Example
    /// A cell output like
    /// `File /home/alice/miniconda3/lib/python3.11/site-packages/torch/…`.
    ///
    /// ## How to fix
    /// Clear the outputs before committing (`mlcheck fix --strip-outputs`), or re-run the
    /// cell so that it no longer prints the path.
    pub static LEAKED_HOME_PATH = {
        code: "PTH002",
        name: "leaked-home-path",
        domain: Paths,
        severity: Warning,
        default: false,
        fix: StripOutputs,
        summary: "A committed notebook output that shows a home folder",
    }
}

fn home_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"(?:/home/|/Users/|(?i:[a-z]:\\{1,2}Users\\{1,2}))([A-Za-z0-9][A-Za-z0-9._-]*)[/\\]"#,
        )
        .unwrap_or_else(|e| panic!("PTH002 regex: {e}"))
    })
}

/// Whether a text can hold a home folder at all: `/home/`, `/Users/` or `Users\\` (the
/// JSON escape of `Users\`), found in one pass instead of three.
fn may_show_home(text: &str) -> bool {
    static AC: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    const NEEDLES: [&str; 3] = ["/home/", "/Users/", "Users\\\\"];
    match AC.get_or_init(|| AhoCorasick::new(NEEDLES).ok()) {
        Some(ac) => ac.is_match(text),
        None => NEEDLES.iter().any(|n| text.contains(n)),
    }
}

/// Usernames too generic to be anyone's: still a path, but nothing leaked.
const GENERIC: &[&str] = &[
    "user",
    "username",
    "USER",
    "USERNAME",
    "runner",
    "jovyan",
    "ubuntu",
    "ec2-user",
    "vagrant",
    "Shared",
    "Public",
    "me",
    "you",
    "your_name",
    "yourname",
    "name",
    "xxx",
];

pub fn check(checker: &mut FileChecker<'_>) {
    if !checker.enabled(&LEAKED_HOME_PATH) || checker.file.kind != SourceKind::Notebook {
        return;
    }
    let Some(nb) = &checker.file.notebook else {
        return;
    };
    let text = &checker.file.text;
    if !may_show_home(text) {
        return;
    }
    let re = home_regex();
    let mut found: Vec<(TextRange, String, usize)> = Vec::new();
    for cell in nb.code_cells() {
        'outputs: for out in cell.output_nodes() {
            let mut fields = Vec::new();
            for key in ["text", "traceback", "evalue"] {
                if let Some(n) = out.get(text, key) {
                    fields.push(n);
                }
            }
            if let Some(data) = out.get(text, "data")
                && let Some(n) = data.get(text, "text/plain")
            {
                fields.push(n);
            }
            for node in fields {
                let raw = &text[node.range.start()..node.range.end()];
                if !may_show_home(raw) {
                    continue;
                }
                let Some(mapped) = mapped_multiline(text, node) else {
                    continue;
                };
                for caps in re.captures_iter(&mapped.text) {
                    let (Some(all), Some(user)) = (caps.get(0), caps.get(1)) else {
                        continue;
                    };
                    if GENERIC.contains(&user.as_str()) {
                        continue;
                    }
                    let range = mapped.range_to_raw(TextRange::new(all.start(), all.end()));
                    found.push((range, user.as_str().to_string(), cell.number));
                    break 'outputs;
                }
            }
        }
    }
    for (range, user, cell) in found {
        checker.push(
            Diagnostic::new(
                &LEAKED_HOME_PATH,
                checker.file,
                range,
                format!("output of cell {cell} shows the home folder of user `{user}`"),
            )
            .with_help("Clear the outputs before committing (`mlcheck fix --strip-outputs`)"),
        );
    }
}
