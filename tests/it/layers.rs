//! The architecture test: layers only point down. It reads every `crate::…` path in
//! `src/**/*.rs` (outside `#[cfg(test)]` modules and `tests.rs` files) and checks which top-level modules each
//! module names. See docs/CONTRIBUTING.md for the layer diagram.
//!
//! From the bottom: `registry` (rule types) and `source` (files and their models); then
//! `diagnostic`, `secrets` (the scanner and redaction), `strip`, `project` (the project
//! model); then `rules`; then `render` and `pipeline`; then `commands` and `cli` on top.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules below the rules: they never name the rules, the renderers, the pipeline or the
/// commands.
const LIBRARY: &[&str] = &[
    "registry",
    "diagnostic",
    "source",
    "secrets",
    "strip",
    "project",
];

/// What each module must never name, checked edge by edge.
const FORBIDDEN: &[(&str, &[&str])] = &[
    (
        "registry",
        &[
            "rules",
            "render",
            "pipeline",
            "commands",
            "cli",
            "diagnostic",
        ],
    ),
    (
        "diagnostic",
        &["rules", "render", "pipeline", "commands", "cli"],
    ),
    (
        "source",
        &["rules", "render", "pipeline", "commands", "cli"],
    ),
    (
        "secrets",
        &["rules", "render", "pipeline", "commands", "cli"],
    ),
    ("strip", &["rules", "render", "pipeline", "commands", "cli"]),
    (
        "project",
        &["rules", "render", "pipeline", "commands", "cli"],
    ),
    ("rules", &["pipeline", "commands", "render", "cli"]),
    ("render", &["rules", "pipeline", "commands"]),
    ("pipeline", &["commands", "cli"]),
];

/// Upward edges we keep on purpose, each with its reason. An edge listed here and no
/// longer in the code fails the test too, so the list cannot go stale.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "source",
    "secrets",
    "a FileError prints its path through secrets::redact::mask_path, so no error message \
         shows a secret-looking file name whole; the scanner reads SourceFile, so this is the \
         one edge back",
)];

/// Upward edges on their way out: allowed, but not required to exist (the branch that
/// removes one may land before or after this list changes). Delete a row once its edge
/// is gone.
const TRANSITIONAL: &[(&str, &str, &str)] = &[];

/// Modules among which no cycle may exist (exception edges left out).
const ACYCLIC: &[&str] = &[
    "registry",
    "diagnostic",
    "source",
    "secrets",
    "strip",
    "project",
    "rules",
    "render",
    "pipeline",
    "commands",
];

/// One `crate::module` reference: the module named, and where.
#[derive(Debug)]
struct Reference {
    target: String,
    file: PathBuf,
    line: usize,
}

/// The top-level module a `src/` file belongs to (`None` for the crate roots).
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        f => Some(f.trim_end_matches(".rs").to_string()),
    }
}

/// The text without `//` comments and without the trailing `#[cfg(test)]` module.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(at) => &l[..at],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every top-level module named by a `crate::` path in `code`, with its byte offset:
/// `crate::a::b`, and each item of `crate::{a, b::c, …}`.
fn named_modules(code: &str) -> Vec<(String, usize)> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.push((ident(&group[item_start..i]), at));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push((ident(&group[item_start..i]), at));
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.push((ident(rest), at));
        }
    }
    out.retain(|(m, _)| !m.is_empty() && m != "self");
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && path.file_name().is_some_and(|n| n != "tests.rs")
        {
            // A `tests.rs` is a `#[cfg(test)] mod tests;` kept in its own file.
            out.push(path);
        }
    }
}

/// module → the other top-level modules it names, with where.
fn import_graph() -> BTreeMap<String, BTreeMap<String, Vec<Reference>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut graph: BTreeMap<String, BTreeMap<String, Vec<Reference>>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().to_path_buf();
        let Some(module) = module_of(&rel) else {
            continue;
        };
        let code = code_of(&std::fs::read_to_string(&file).unwrap());
        for (target, at) in named_modules(&code) {
            if target == module {
                continue;
            }
            let line = code[..at].matches('\n').count() + 1;
            graph
                .entry(module.clone())
                .or_default()
                .entry(target.clone())
                .or_default()
                .push(Reference {
                    target,
                    file: Path::new("src").join(&rel),
                    line,
                });
        }
    }
    graph
}

fn is_exception(from: &str, to: &str) -> bool {
    EXCEPTIONS
        .iter()
        .chain(TRANSITIONAL)
        .any(|(f, t, _)| *f == from && *t == to)
}

#[test]
fn layers_only_point_down() {
    let graph = import_graph();
    let mut wrong = Vec::new();
    for (from, banned) in FORBIDDEN {
        let Some(edges) = graph.get(*from) else {
            continue;
        };
        for (to, refs) in edges {
            if banned.contains(&to.as_str()) && !is_exception(from, to) {
                for r in refs {
                    wrong.push(format!(
                        "{}:{}: `{from}` names `crate::{}`",
                        r.file.display(),
                        r.line,
                        r.target
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "upward imports (a lower layer naming a higher one; move the shared piece down, or \
         list the edge in EXCEPTIONS with its reason):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn library_layers_never_name_the_rules() {
    // The heart of the layering, spelled out on its own: the registry describes rules
    // without naming one, and the scanner, the models and the stripper know no rule.
    let graph = import_graph();
    for module in LIBRARY {
        let names: BTreeSet<&str> = graph
            .get(*module)
            .map(|e| e.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert!(
            !names.contains("rules"),
            "`{module}` names `crate::rules`: {:?}",
            graph[*module]["rules"]
                .iter()
                .map(|r| format!("{}:{}", r.file.display(), r.line))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn every_exception_is_still_needed() {
    let graph = import_graph();
    for (from, to, why) in EXCEPTIONS {
        assert!(
            graph.get(*from).is_some_and(|e| e.contains_key(*to)),
            "`{from}` no longer names `{to}`: remove the exception ({why})"
        );
    }
}

#[test]
fn no_cycle_among_the_layers() {
    let graph = import_graph();
    let edges = |from: &str| -> Vec<&str> {
        graph
            .get(from)
            .map(|e| {
                e.keys()
                    .map(String::as_str)
                    .filter(|to| ACYCLIC.contains(to) && !is_exception(from, to))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Depth-first search from each module; a module met again on the current path closes
    // a cycle.
    fn visit<'a>(
        at: &'a str,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        edges: &dyn Fn(&str) -> Vec<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(i) = path.iter().position(|m| *m == at) {
            let mut cycle = path[i..].to_vec();
            cycle.push(at);
            return Some(cycle);
        }
        if !done.insert(at) {
            return None;
        }
        path.push(at);
        for next in edges(at) {
            if let Some(c) = visit(next, path, done, edges) {
                return Some(c);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for start in ACYCLIC {
        let found = visit(start, &mut Vec::new(), &mut done, &edges);
        assert!(
            found.is_none(),
            "import cycle: {}",
            found.unwrap().join(" → ")
        );
    }
}

#[test]
fn the_reader_sees_grouped_and_nested_paths() {
    // The parser the tests above rely on: a grouped `use`, a path in an expression, a
    // commented-out import and a test module are told apart.
    let code = code_of(
        "use crate::{a, b::{c, d}, self};\nfn f() { crate::e::g(); }\n// use crate::h;\n\
         #[cfg(test)]\nmod tests { use crate::i; }\n",
    );
    let names: Vec<String> = named_modules(&code).into_iter().map(|(m, _)| m).collect();
    assert_eq!(names, ["a", "b", "e"]);
}
