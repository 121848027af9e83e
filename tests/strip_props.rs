//! Property: stripping never changes any cell's source, the order or type of cells, nor
//! metadata outside the strip list; it is idempotent; and it never panics on any input.

use mlcheck::strip::{DEFAULT_EXTRA_KEYS, Options, strip_notebook};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn text() -> impl Strategy<Value = String> {
    // Mix ASCII, line breaks Python splits on, quotes, escapes and non-ASCII.
    prop::collection::vec(
        prop_oneof![
            "[a-z =()]{0,6}",
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("\u{2028}".to_string()),
            Just("\u{b}\u{c}\u{1c}\u{85}".to_string()),
            Just("\"\\\t".to_string()),
            Just("é😀日".to_string()),
            Just(" ".to_string()),
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

fn lines(s: &str) -> Value {
    // Any split of the text: nbformat joins lists before reading.
    let mid = s.char_indices().nth(s.chars().count() / 2).map_or(0, |(i, _)| i);
    json!([&s[..mid], &s[mid..]])
}

fn metadata() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(
        prop_oneof![
            Just("collapsed".to_string()),
            Just("scrolled".to_string()),
            Just("ExecuteTime".to_string()),
            Just("tags".to_string()),
            Just("custom".to_string()),
            Just("name".to_string()),
            "[a-z]{1,5}",
        ],
        prop_oneof![
            Just(json!(true)),
            Just(json!(1.5)),
            Just(json!({"x": [1, "y"]})),
            Just(json!(["t"])),
            text().prop_map(Value::String)
        ],
        0..4,
    )
    .prop_map(|m| m.into_iter().collect())
}

fn cell() -> impl Strategy<Value = Value> {
    (0..3u8, text(), any::<bool>(), metadata(), any::<bool>()).prop_map(|(kind, src, as_list, md, out)| {
        let source = if as_list { lines(&src) } else { Value::String(src) };
        match kind {
            0 => json!({
                "cell_type": "code", "execution_count": 3, "id": "abc", "metadata": md, "source": source,
                "outputs": if out { json!([{"output_type": "stream", "name": "stdout", "text": ["a\n", "b"]},
                    {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "x"}}]) } else { json!([]) }
            }),
            1 => json!({"cell_type": "markdown", "id": "m", "metadata": md, "source": source}),
            _ => json!({"cell_type": "raw", "id": "r", "metadata": md, "source": source}),
        }
    })
}

fn notebook() -> impl Strategy<Value = Value> {
    (prop::collection::vec(cell(), 0..6), metadata(), 0..6i64).prop_map(|(cells, md, minor)| {
        json!({"cells": cells, "metadata": md, "nbformat": 4, "nbformat_minor": minor})
    })
}

fn joined(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

fn strip_listed(cell_md: &Map<String, Value>) -> Map<String, Value> {
    let listed: Vec<&str> = DEFAULT_EXTRA_KEYS
        .iter()
        .filter_map(|k| k.strip_prefix("cell.metadata."))
        .collect();
    cell_md
        .iter()
        .filter(|(k, _)| !listed.contains(&k.as_str()) && k.as_str() != "trusted")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn stripping_keeps_sources_order_types_and_other_metadata(nb in notebook(), pretty in any::<bool>()) {
        let input = if pretty { serde_json::to_string_pretty(&nb).unwrap() } else { nb.to_string() };
        let out = strip_notebook(&input, &Options::default()).unwrap();
        let stripped: Value = serde_json::from_str(&out.text).unwrap();
        let before = nb["cells"].as_array().unwrap();
        let after = stripped["cells"].as_array().unwrap();
        prop_assert_eq!(before.len(), after.len());
        for (i, (b, a)) in before.iter().zip(after).enumerate() {
            prop_assert_eq!(&b["cell_type"], &a["cell_type"]);
            prop_assert_eq!(joined(&b["source"]), joined(&a["source"]));
            prop_assert_eq!(strip_listed(b["metadata"].as_object().unwrap()), strip_listed(a["metadata"].as_object().unwrap()));
            prop_assert_eq!(&a["id"], &json!(i.to_string()));
            if let Some(outputs) = a.get("outputs") {
                prop_assert_eq!(outputs, &json!([]));
                prop_assert_eq!(&a["execution_count"], &Value::Null);
            }
        }
        let mut md = nb["metadata"].as_object().unwrap().clone();
        md.remove("widgets");
        md.remove("signature");
        prop_assert_eq!(&Value::Object(md), &stripped["metadata"]);
        let twice = strip_notebook(&out.text, &Options::default()).unwrap();
        prop_assert_eq!(&twice.text, &out.text);
        prop_assert!(!twice.changed);
    }

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
        let _ = strip_notebook(&s, &Options::default());
    }

    #[test]
    fn never_panics_on_mutated_notebooks(nb in notebook(), cut in 0usize..400, junk in "[\\[\\]{}\",:\\\\u0-9a-z ]{0,4}") {
        let text = nb.to_string();
        let cut = text.char_indices().map(|(i, _)| i).find(|&i| i >= cut.min(text.len())).unwrap_or(text.len());
        let mutated = format!("{}{}{}", &text[..cut], junk, &text[cut..]);
        let opts = Options { keep_output: cut % 2 == 0, drop_empty_cells: true, max_size: 3, ..Options::default() };
        let _ = strip_notebook(&mutated, &opts);
    }
}
