//! Vendor secrets are found in every assignment syntax a config or source file uses, not only
//! in the one written in a pattern's examples: this renders a secret the way gitleaks'
//! `GenerateSampleSecrets` does (INI, JSON and escaped JSON, XML, YAML blocks, C#, Go, Java,
//! Kotlin, PHP, Python, CSV, logstash, Makefile operators; the syntax list is adapted from
//! gitleaks, MIT) and checks each rendering is flagged. Clean look-alikes of the same shapes
//! (a UUID or hex digest under a neutral name) stay clean.

use mlcheck::secrets::{PatternSet, scan_text};

/// `{i}` is the vendor identifier, `{s}` the secret.
const SYNTAXES: &[&str] = &[
    "{i}Token=\"{s}\"",
    "{i}Token = \"{s}\"",
    "{i}Token={s}",
    "{i}Token = {s}",
    "{\n    \"{i}_token\": \"{s}\"\n}",
    "\\{\n    \\\"{i}_token\\\": \\\"{s}\\\"\n\\}",
    "<{i}Token>{s}</{i}Token>",
    "<{i}Token>\n    {s}\n</{i}Token>",
    "{i}_token: {s}",
    "{i}_token: '{s}'",
    "{i}_token: \"{s}\"",
    "{i}_token: |\n  {s}",
    "{i}_token: >\n  {s}",
    "string {i}Token = \"{s}\";",
    "var {i}Token string = \"{s}\"",
    "{i}Token := \"{s}\"",
    "{i}Token := `{s}`",
    "String {i}Token = \"{s}\";",
    "var {i}Token = \"{s}\"",
    "${i}Token .= \"{s}\"",
    "{i}Token = '{s}'",
    "{i}Token = \"{s}\"",
    "{i}Token,{s},",
    "  \"{i}Token\" => \"{s}\"",
    "{i}_TOKEN = \"{s}\"",
    "{i}_TOKEN := \"{s}\"",
    "{i}_TOKEN ::= \"{s}\"",
    "{i}_TOKEN :::= \"{s}\"",
    "{i}_TOKEN ?= \"{s}\"",
    "{i}_TOKEN += \"{s}\"",
];

/// Secrets the generic rule skips on purpose (UUIDs, digits, short hex, `:` inside), so only
/// a vendor pattern can find them.
const VENDOR_SECRETS: &[(&str, &str)] = &[
    ("heroku", "781dd5ef-df30-474b-7571-efbd21a57e36"),
    ("snyk", "12345678-ABCD-ABCD-ABCD-1234567890AB"),
    ("squarespace", "c0f1e2d3-a4b5-4c6d-8e7f-9a0b1c2d3e4f"),
    ("discord", "76581785561261626778599101115505"),
    ("adobe", "b35444ddf9b5c247313264da0b5d0d54"),
    ("telegram", "74643967:A87hg2wsprsaa3vl3jknywmzu1vrmyl5lf4"),
    ("kaggle", "48c07dd7753eda83d7c58dfe0d5a0cf3"),
    (
        "do",
        "dop_v1_3f9c2b7a1e5d4c8b9a0f6e2d1c3b5a7f9e8d6c4b2a0f1e3d5c7b9a8f6e4d2c0b",
    ),
];

fn render(syntax: &str, ident: &str, secret: &str) -> String {
    syntax.replace("{i}", ident).replace("{s}", secret)
}

#[test]
fn vendor_secrets_are_found_in_every_syntax() {
    let set = PatternSet::builtin().expect("built-in patterns load");
    let mut missed = Vec::new();
    for (ident, secret) in VENDOR_SECRETS {
        for syntax in SYNTAXES {
            let text = render(syntax, ident, secret);
            if scan_text(&text, &set, true).is_empty() {
                missed.push(text);
            }
        }
    }
    assert!(
        missed.is_empty(),
        "{} vendor samples missed:\n{}",
        missed.len(),
        missed.join("\n---\n")
    );
}

#[test]
fn look_alikes_under_neutral_names_stay_clean() {
    let set = PatternSet::builtin().expect("built-in patterns load");
    for text in [
        "run_id = \"781dd5ef-df30-474b-7571-efbd21a57e36\"",
        "request_uuid: 12345678-ABCD-ABCD-ABCD-1234567890AB",
        "md5 = \"b35444ddf9b5c247313264da0b5d0d54\"",
        "revision = \"00fe7ee5fc324bdb2e1142a21c402364f9572b85\"",
        "timestamp = 76581785561261626778599101115505",
        "heroku_app_name = \"my-ml-api\"",
        "discord_invite = \"https://discord.gg/abc\"",
    ] {
        let found: Vec<_> = scan_text(text, &set, true)
            .into_iter()
            .map(|f| f.pattern_id)
            .collect();
        assert!(found.is_empty(), "{text:?} was flagged by {found:?}");
    }
}
