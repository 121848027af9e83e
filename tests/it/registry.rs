//! The rule registry is consistent and documented (STYLE §1.3): unique codes and names,
//! required doc sections, fix safety documented, and `docs/rules.md` up to date.

use std::collections::HashSet;

use mlcheck::docs::{REQUIRED_SECTIONS, rules_markdown};
use mlcheck::registry::FixAvailability;
use mlcheck::rules::{all_rules, select};

/// Every rule declared in `src/rules/` is listed in its domain's dispatch table (a rule
/// whose row was forgotten would never run, nor show in `mlcheck rules` or the docs).
#[test]
fn every_declared_rule_is_in_a_table() {
    fn walk(dir: &std::path::Path, codes: &mut Vec<(String, std::path::PathBuf)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, codes);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for block in text.split("declare_rule! {").skip(1) {
                    let code = block
                        .split("code: \"")
                        .nth(1)
                        .and_then(|rest| rest.split('"').next())
                        .unwrap();
                    codes.push((code.to_string(), path.clone()));
                }
            }
        }
    }
    let mut declared = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules"),
        &mut declared,
    );
    let listed: HashSet<&str> = all_rules().iter().map(|r| r.code).collect();
    for (code, file) in &declared {
        assert!(
            listed.contains(code.as_str()),
            "{code} ({}) is declared but in no domain's CHECKS table",
            file.display()
        );
    }
    assert_eq!(declared.len(), all_rules().len(), "a rule is listed twice");
}

#[test]
fn codes_and_names_are_unique() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in all_rules() {
        assert!(codes.insert(r.code), "duplicate code {}", r.code);
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name `{}` is not kebab-case",
            r.code,
            r.name
        );
        let split = r.code.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
        assert!(
            split > 0 && r.code[split..].len() == 3,
            "{}: code is not PREFIX + 3 digits",
            r.code
        );
    }
}

#[test]
fn every_rule_has_the_doc_sections() {
    for r in all_rules() {
        let docs = r.docs();
        for section in REQUIRED_SECTIONS {
            assert!(docs.contains(section), "{} lacks `{section}`", r.code);
        }
        assert!(
            docs.contains("## How to fix") || docs.contains("## Fix safety"),
            "{} lacks `## How to fix`",
            r.code
        );
        if matches!(r.fix, FixAvailability::Safe | FixAvailability::Unsafe) {
            assert!(
                docs.contains("## Fix safety"),
                "{} is fixable but has no `## Fix safety`",
                r.code
            );
        }
        assert!(
            !r.summary.ends_with('.'),
            "{}: summary ends with a period",
            r.code
        );
    }
}

#[test]
fn selectors_take_codes_prefixes_and_names() {
    assert_eq!(select("NB001").unwrap().len(), 1);
    assert_eq!(select("out-of-order-execution").unwrap()[0].code, "NB001");
    assert!(select("NB00").unwrap().len() >= 10);
    assert!(
        select("NB")
            .unwrap()
            .iter()
            .all(|r| r.code.starts_with("NB"))
    );
    assert!(select("nb001").is_some());
    assert!(select("XYZ").is_none());
}

#[test]
fn rules_md_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
    let expected = rules_markdown();
    if std::env::var_os("MLCHECK_UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `MLCHECK_UPDATE_DOCS=1 cargo test --test it registry`"
    );
}
