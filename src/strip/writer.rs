//! Python's `json.dumps` as nbformat calls it, byte for byte.
//!
//! nbformat 4 writes `indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False`;
//! nbformat 3 and 2 the same with `ensure_ascii=True`; a notebook without `nbformat` (read as
//! version 1) `indent=4`, insertion order, `ensure_ascii=True`. Empty containers are `[]`
//! and `{}`, keys sort by code point, floats print as Python's `repr`, and only `"`, `\` and
//! C0 controls are escaped (plus every non-ASCII character when `ascii`).

use super::json::{LoneSurrogate, Str, Val};
use super::pyrepr::push_float_repr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Format {
    pub indent: usize,
    pub sort_keys: bool,
    pub ascii: bool,
}

impl Format {
    pub const V4: Format = Format {
        indent: 1,
        sort_keys: true,
        ascii: false,
    };
    pub const V3: Format = Format {
        indent: 1,
        sort_keys: true,
        ascii: true,
    };
    pub const V1: Format = Format {
        indent: 4,
        sort_keys: false,
        ascii: true,
    };
}

/// Serialise `value` plus the trailing newline `nbformat.write` adds.
pub fn write_document(
    value: &Val<'_>,
    fmt: Format,
    capacity: usize,
) -> Result<String, LoneSurrogate> {
    let mut out = String::with_capacity(capacity);
    write_document_into(value, fmt, &mut out)?;
    Ok(out)
}

/// [`write_document`] appending to `out` (a buffer reused across notebooks).
pub fn write_document_into(
    value: &Val<'_>,
    fmt: Format,
    out: &mut String,
) -> Result<(), LoneSurrogate> {
    write_value(out, value, fmt, 0)?;
    out.push('\n');
    Ok(())
}

fn newline(out: &mut String, fmt: Format, depth: usize) {
    out.push('\n');
    for _ in 0..fmt.indent * depth {
        out.push(' ');
    }
}

fn write_value(
    out: &mut String,
    value: &Val<'_>,
    fmt: Format,
    depth: usize,
) -> Result<(), LoneSurrogate> {
    match value {
        Val::Null => out.push_str("null"),
        Val::Bool(true) => out.push_str("true"),
        Val::Bool(false) => out.push_str("false"),
        Val::Int(digits) => out.push_str(digits),
        Val::Float(f) => push_float_repr(out, *f),
        Val::Str(s) => write_str(out, s, fmt.ascii)?,
        Val::Arr(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, fmt, depth + 1);
                write_value(out, item, fmt, depth + 1)?;
            }
            newline(out, fmt, depth);
            out.push(']');
        }
        Val::Obj(obj) => {
            if obj.0.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            let write_member = |out: &mut String, i: usize, k: &Str<'_>, v: &Val<'_>| {
                if i > 0 {
                    out.push(',');
                }
                newline(out, fmt, depth + 1);
                write_str(out, k, fmt.ascii)?;
                out.push_str(": ");
                write_value(out, v, fmt, depth + 1)
            };
            if fmt.sort_keys && obj.0.len() > 1 {
                let mut order: Vec<(std::borrow::Cow<'_, str>, usize)> = obj
                    .0
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.text(), i))
                    .collect();
                order.sort_unstable();
                for (n, (_, i)) in order.iter().enumerate() {
                    let (k, v) = &obj.0[*i];
                    write_member(out, n, k, v)?;
                }
            } else {
                for (i, (k, v)) in obj.0.iter().enumerate() {
                    write_member(out, i, k, v)?;
                }
            }
            newline(out, fmt, depth);
            out.push('}');
        }
    }
    Ok(())
}

/// Write a string literal as `json.dumps` does.
pub fn write_str(out: &mut String, s: &Str<'_>, ascii: bool) -> Result<(), LoneSurrogate> {
    // An unescaped raw literal holds no `"`, `\` or control characters: when non-ASCII may
    // stay raw, it is already in Python's form.
    if let Str::Raw {
        raw,
        escaped: false,
    } = s
        && (!ascii || raw.is_ascii() && !raw.as_bytes().contains(&0x7f))
    {
        out.reserve(raw.len() + 2);
        out.push('"');
        out.push_str(raw);
        out.push('"');
        return Ok(());
    }
    // An escaped one whose escapes are already the ones `json.dumps` writes (most source
    // lines: `\n` at the end, `\"` inside) is copied too, with no decoding.
    if let Str::Raw { raw, escaped: true } = s
        && (!ascii || raw.is_ascii() && !raw.as_bytes().contains(&0x7f))
        && canonical_escapes(raw)
    {
        out.reserve(raw.len() + 2);
        out.push('"');
        out.push_str(raw);
        out.push('"');
        return Ok(());
    }
    let text = s.decode()?;
    out.reserve(text.len() + 2);
    out.push('"');
    escape_into(out, &text, ascii);
    out.push('"');
    Ok(())
}

/// Whether every escape in a raw literal (checked by the parser) is the one Python's
/// `json.dumps` writes for the character it stands for: `\"`, `\\`, `\n`, `\r`, `\t`,
/// `\b`, `\f`, and `\u00xx` (lowercase) for the other C0 controls. Not `\/`, not an
/// escaped printable character, not uppercase hex.
fn canonical_escapes(raw: &str) -> bool {
    let b = raw.as_bytes();
    let mut i = 0;
    // `str::find`: see `json::decode_with`.
    while let Some(off) = raw[i..].find('\\') {
        let e = i + off;
        match b.get(e + 1) {
            Some(b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f') => i = e + 2,
            Some(b'u') => {
                let Some(&[b'0', b'0', hi @ (b'0' | b'1'), lo]) = b.get(e + 2..e + 6) else {
                    return false;
                };
                let low = match lo {
                    b'0'..=b'9' => lo - b'0',
                    b'a'..=b'f' => lo - b'a' + 10,
                    _ => return false,
                };
                let cp = ((hi - b'0') << 4) | low;
                if matches!(cp, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                    return false;
                }
                i = e + 6;
            }
            _ => return false,
        }
    }
    true
}

fn escape_into(out: &mut String, text: &str, ascii: bool) {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let special = b < 0x20 || b == b'"' || b == b'\\' || (ascii && b >= 0x7f);
        if !special {
            continue;
        }
        if ascii && b >= 0x80 && (b & 0xC0) == 0x80 {
            // continuation byte: handled with its lead byte
            continue;
        }
        out.push_str(&text[start..i]);
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            0x7f => push_u(out, 0x7f),
            b if b < 0x20 => push_u(out, b as u32),
            _ => {
                // Non-ASCII (only when `ascii`): the whole character.
                let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
                let cp = ch as u32;
                if cp >= 0x10000 {
                    let v = cp - 0x10000;
                    push_u(out, 0xD800 | (v >> 10));
                    push_u(out, 0xDC00 | (v & 0x3ff));
                } else {
                    push_u(out, cp);
                }
                start = i + ch.len_utf8();
                continue;
            }
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

fn push_u(out: &mut String, cp: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push_str("\\u");
    for shift in [12, 8, 4, 0] {
        out.push(HEX[((cp >> shift) & 0xf) as usize] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::parse;
    use super::*;

    fn dump(text: &str, fmt: Format) -> String {
        write_document(&parse(text).unwrap(), fmt, 0).unwrap()
    }

    #[test]
    fn v4_layout() {
        assert_eq!(
            dump(
                r#"{"b": [], "a": {"y": 1, "x": [1.50, "é\u00e9\/"]}, "c": {}}"#,
                Format::V4
            ),
            "{\n \"a\": {\n  \"x\": [\n   1.5,\n   \"éé/\"\n  ],\n  \"y\": 1\n },\n \"b\": [],\n \"c\": {}\n}\n"
        );
    }

    #[test]
    fn ascii_and_insertion_order() {
        assert_eq!(
            dump(r#"{"b": "é😀\u007f\u0001", "a": null}"#, Format::V1),
            "{\n    \"b\": \"\\u00e9\\ud83d\\ude00\\u007f\\u0001\",\n    \"a\": null\n}\n"
        );
    }

    #[test]
    fn raw_literals_copied_only_when_python_writes_them_so() {
        for raw in [
            r#"print(\"hi\")\n"#,
            r"a\\b\r\n\t\b\f",
            r"\u0001\u001f\u000b",
            r"\u000a",
            r"\u001F",
            r"\/",
            r"\u0041",
            r"\u00e9",
            r"\ud83d\ude00",
            "é\\n",
            "\u{7f}\\t",
            r"\\n",
            r"\\u0041",
        ] {
            let s = Str::Raw { raw, escaped: true };
            for ascii in [false, true] {
                let mut fast = String::new();
                write_str(&mut fast, &s, ascii).unwrap();
                let mut slow = String::from("\"");
                escape_into(&mut slow, &s.decode().unwrap(), ascii);
                slow.push('"');
                assert_eq!(fast, slow, "{raw:?} (ascii: {ascii})");
            }
        }
        assert!(canonical_escapes(r#"x\"\n"#));
        assert!(!canonical_escapes(r"\/"));
        assert!(!canonical_escapes(r"\u000A"));
    }

    #[test]
    fn escapes_like_python() {
        assert_eq!(
            dump(
                "\"a\\\"\\\\\\n\\r\\t\\b\\f\\u001f\\u2028\u{7f}\"",
                Format::V4
            ),
            "\"a\\\"\\\\\\n\\r\\t\\b\\f\\u001f\u{2028}\u{7f}\"\n"
        );
    }
}
