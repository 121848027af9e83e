//! Every example in `rules/secrets.toml` behaves as written: each `match` example yields a
//! finding of its pattern, and each `no-match` example yields no finding at all (of any
//! pattern: a placeholder that one pattern rejects must not be caught by another).

use mlcheck::secrets::{PatternSet, scan_text};

#[test]
fn every_secret_pattern_example() {
    let set = PatternSet::builtin().expect("built-in patterns load");
    let mut failures = Vec::new();
    for p in &set.patterns {
        assert!(
            !p.examples.matches.is_empty(),
            "pattern `{}` has no `examples.match`",
            p.id
        );
        for ex in &p.examples.matches {
            let found = scan_text(ex, &set, true);
            if !found.iter().any(|f| f.pattern_id == p.id) {
                let got: Vec<_> = found.iter().map(|f| f.pattern_id.as_str()).collect();
                failures.push(format!("`{}` missed {ex:?} (found {got:?})", p.id));
            }
        }
        for ex in &p.examples.no_match {
            let found = scan_text(ex, &set, true);
            if !found.is_empty() {
                let got: Vec<_> = found.iter().map(|f| f.pattern_id.as_str()).collect();
                failures.push(format!("`{}` no-match {ex:?} was flagged by {got:?}", p.id));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn user_patterns_extend_and_disable() {
    let extra: mlcheck::secrets::RawPattern = toml::from_str(
        r#"
id = "acme-token"
description = "ACME token"
token = 'acme_[a-z0-9]{24}'
keywords = ["acme_"]
examples.match = ["acme_0a1b2c3d4e5f6a7b8c9d0e1f"]
"#,
    )
    .unwrap();
    let set = PatternSet::from_toml(
        mlcheck::secrets::pattern_set::BUILTIN_TOML,
        &[extra],
        &["jwt".to_string()],
    )
    .unwrap();
    assert!(set.pattern("acme-token").is_some());
    assert!(set.pattern("jwt").is_none());
    let found = scan_text("TOKEN = 'acme_0a1b2c3d4e5f6a7b8c9d0e1f'", &set, true);
    assert!(found.iter().any(|f| f.pattern_id == "acme-token"));

    let err = PatternSet::from_toml(
        mlcheck::secrets::pattern_set::BUILTIN_TOML,
        &[],
        &["no-such-pattern".to_string()],
    )
    .unwrap_err();
    assert!(err.contains("no-such-pattern"), "{err}");
}
