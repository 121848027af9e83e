//! A small JSON reader that keeps byte positions.
//!
//! `serde_json` records no positions, and parsing a notebook into `serde_json::Value` copies
//! every string (megabytes of base64 images) into a fresh allocation. This reader builds a
//! tree of [`Node`]s that hold only byte ranges into the original text: strings are decoded
//! on demand ([`decode`], [`decode_mapped`]), so a notebook's outputs cost a scan, not a copy.
//!
//! Guarantees: it never panics on any input (including invalid UTF-8 offsets: it works on
//! bytes of a `&str`), rejects what RFC 8259 rejects, accepts Python's `NaN`/`Infinity`
//! (nbformat writes them), and refuses nesting deeper than [`MAX_DEPTH`] instead of
//! overflowing the stack.

use std::borrow::Cow;

use crate::source::span::TextRange;

/// Deepest nesting accepted, by this reader and by the stripper's (`strip::json`), so
/// `check` and `fix` accept the same notebooks. Python's recursion limit is about 1000;
/// real notebooks stay under 20.
pub const MAX_DEPTH: usize = 512;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// The raw number text is `&text[node.range]`.
    Number,
    /// The raw string literal *including* its quotes is `&text[node.range]`.
    String,
    Array(Vec<Node>),
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub range: TextRange,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// The key's string literal, quotes included.
    pub key: TextRange,
    pub value: Node,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: String,
}

impl Node {
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }
    pub fn is_string(&self) -> bool {
        matches!(self.value, Value::String)
    }
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number => "a number",
            Value::String => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    /// The member `key` of an object (the last one wins, as in Python's `json.loads`).
    pub fn get<'a>(&'a self, text: &str, key: &str) -> Option<&'a Node> {
        self.member(text, key).map(|m| &m.value)
    }

    pub fn member<'a>(&'a self, text: &str, key: &str) -> Option<&'a Member> {
        self.as_object()?
            .iter()
            .rev()
            .find(|m| key_eq(text, m.key, key))
    }

    /// The decoded string value, or `None` when this is not a string.
    pub fn as_str<'t>(&self, text: &'t str) -> Option<Cow<'t, str>> {
        self.is_string().then(|| decode(text, self.range))
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// An integer value (`3`, `-1`); `None` for fractions, exponents and other kinds.
    pub fn as_i64(&self, text: &str) -> Option<i64> {
        match self.value {
            Value::Number => text.get(self.range.start()..self.range.end())?.parse().ok(),
            _ => None,
        }
    }

    /// Python truthiness, as nbstripout tests `init_cell` and `keep_output`.
    pub fn truthy(&self, text: &str) -> bool {
        match &self.value {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number => text
                .get(self.range.start()..self.range.end())
                .and_then(|n| n.parse::<f64>().ok())
                .is_some_and(|f| f != 0.0),
            Value::String => self.range.len() > 2,
            Value::Array(items) => !items.is_empty(),
            Value::Object(members) => !members.is_empty(),
        }
    }
}

/// Whether the raw key literal at `key` decodes to `want`. Fast path: no escapes.
pub fn key_eq(text: &str, key: TextRange, want: &str) -> bool {
    let raw = &text.as_bytes()[key.start() + 1..key.end() - 1];
    if raw == want.as_bytes() {
        return true;
    }
    // An escape makes the raw literal longer than its decoded text.
    if raw.len() <= want.len() || !raw.contains(&b'\\') {
        return false;
    }
    decode(text, key) == want
}

/// Decode the string literal at `range` (quotes included). Invalid escapes, which the
/// parser has already rejected, decode to U+FFFD; lone surrogates likewise.
pub fn decode(text: &str, range: TextRange) -> Cow<'_, str> {
    let inner = &text[range.start() + 1..range.end() - 1];
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    decode_into(inner, &mut out);
    Cow::Owned(out)
}

/// One piece of a decoded text whose raw form is known: `len` decoded bytes starting at
/// `decoded` came from `raw_len` raw bytes starting at `raw`. A verbatim run has
/// `len == raw_len`; an escape (`\n`, `\u00e9`, a surrogate pair) has its own segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub decoded: u32,
    pub len: u32,
    pub raw: u32,
    pub raw_len: u32,
}

/// Decoded text plus the map back to raw byte offsets in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    pub segments: Vec<Segment>,
}

impl MappedText {
    /// Append the decoded content of the string literal at `range` (quotes included).
    pub fn push_literal(&mut self, file: &str, range: TextRange) {
        let inner_start = range.start() + 1;
        let inner = &file[inner_start..range.end() - 1];
        let bytes = inner.as_bytes();
        let mut i = 0;
        let start_segments = self.segments.len();
        let push_verbatim = |this: &mut Self, from: usize, to: usize| {
            if to > from {
                this.segments.push(Segment {
                    decoded: this.text.len() as u32,
                    len: (to - from) as u32,
                    raw: (inner_start + from) as u32,
                    raw_len: (to - from) as u32,
                });
                this.text.push_str(&inner[from..to]);
            }
        };
        while let Some(pos) = memchr::memchr(b'\\', &bytes[i..]) {
            let esc = i + pos;
            push_verbatim(self, i, esc);
            let (ch, raw_len) = unescape_at(bytes, esc);
            self.segments.push(Segment {
                decoded: self.text.len() as u32,
                len: ch.len_utf8() as u32,
                raw: (inner_start + esc) as u32,
                raw_len: raw_len as u32,
            });
            self.text.push(ch);
            i = (esc + raw_len).min(bytes.len());
        }
        push_verbatim(self, i, bytes.len());
        if self.segments.len() == start_segments {
            // An empty literal still marks where its text would begin.
            self.segments.push(Segment {
                decoded: self.text.len() as u32,
                len: 0,
                raw: inner_start as u32,
                raw_len: 0,
            });
        }
    }

    /// Raw file offset of a decoded offset. Offsets inside an escape map to the escape's
    /// start; the end of the text maps to the end of the last literal's content.
    pub fn to_raw(&self, decoded: usize) -> usize {
        let decoded = decoded as u32;
        let idx = self.segments.partition_point(|s| s.decoded <= decoded);
        if idx == 0 {
            return self.segments.first().map_or(0, |s| s.raw as usize);
        }
        // Prefer the segment that contains `decoded`; at a boundary between literals prefer
        // the start of the next one (so a range starting at a line start maps into its line).
        let seg = self.segments[idx - 1];
        let within = decoded - seg.decoded;
        if within < seg.len || idx == self.segments.len() {
            if seg.len == seg.raw_len {
                (seg.raw + within.min(seg.raw_len)) as usize
            } else if within >= seg.len {
                (seg.raw + seg.raw_len) as usize
            } else {
                seg.raw as usize
            }
        } else {
            // `decoded` is exactly at the end of `seg`, and a later segment starts there or later.
            let next = self.segments[idx.min(self.segments.len() - 1)];
            if next.decoded == decoded {
                next.raw as usize
            } else {
                (seg.raw + seg.raw_len) as usize
            }
        }
    }

    /// A decoded range in raw file coordinates.
    pub fn range_to_raw(&self, range: TextRange) -> TextRange {
        let start = self.to_raw(range.start());
        let end = if range.is_empty() {
            start
        } else {
            // Map the last decoded byte and step past its raw form.
            let last = range.end() - 1;
            let idx = self
                .segments
                .partition_point(|s| s.decoded as usize <= last);
            match idx.checked_sub(1).map(|i| self.segments[i]) {
                Some(seg) if seg.len == seg.raw_len => {
                    (seg.raw as usize + (last - seg.decoded as usize) + 1)
                        .min((seg.raw + seg.raw_len) as usize)
                }
                Some(seg) => (seg.raw + seg.raw_len) as usize,
                None => start,
            }
        };
        TextRange::new(start, end.max(start))
    }

    /// The decoded offset of a raw file offset, if it falls inside one of the literals.
    pub fn from_raw(&self, raw: usize) -> Option<usize> {
        let raw = raw as u32;
        let idx = self.segments.partition_point(|s| s.raw <= raw);
        let seg = self.segments.get(idx.checked_sub(1)?)?;
        let within = raw - seg.raw;
        if within > seg.raw_len {
            return None;
        }
        if seg.len == seg.raw_len {
            Some((seg.decoded + within) as usize)
        } else if within == seg.raw_len {
            Some((seg.decoded + seg.len) as usize)
        } else {
            Some(seg.decoded as usize)
        }
    }
}

/// Decode the escapes of a literal's inner text into `out`.
fn decode_into(inner: &str, out: &mut String) {
    let bytes = inner.as_bytes();
    let mut i = 0;
    while let Some(pos) = memchr::memchr(b'\\', &bytes[i..]) {
        let esc = i + pos;
        out.push_str(&inner[i..esc]);
        let (ch, len) = unescape_at(bytes, esc);
        out.push(ch);
        i = (esc + len).min(bytes.len());
    }
    out.push_str(&inner[i..]);
}

/// The char an escape starting at `bytes[at] == b'\\'` stands for, and its raw length.
fn unescape_at(bytes: &[u8], at: usize) -> (char, usize) {
    let Some(&c) = bytes.get(at + 1) else {
        return ('\u{FFFD}', 1);
    };
    let simple = match c {
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'b' => Some('\u{8}'),
        b'f' => Some('\u{c}'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        _ => None,
    };
    if let Some(ch) = simple {
        return (ch, 2);
    }
    if c != b'u' {
        return ('\u{FFFD}', 2);
    }
    let Some(hi) = hex4(bytes, at + 2) else {
        return ('\u{FFFD}', 2);
    };
    if (0xD800..0xDC00).contains(&hi) {
        if bytes.get(at + 6) == Some(&b'\\')
            && bytes.get(at + 7) == Some(&b'u')
            && let Some(lo) = hex4(bytes, at + 8)
            && (0xDC00..0xE000).contains(&lo)
        {
            let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return (char::from_u32(cp).unwrap_or('\u{FFFD}'), 12);
        }
        return ('\u{FFFD}', 6);
    }
    (char::from_u32(hi).unwrap_or('\u{FFFD}'), 6)
}

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    let mut v = 0u32;
    for &d in digits {
        v = v * 16 + (d as char).to_digit(16)?;
    }
    Some(v)
}

/// Parse a whole JSON document.
pub fn parse(text: &str) -> Result<Node, JsonError> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        items: Vec::new(),
        members: Vec::new(),
    };
    p.skip_ws();
    let node = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected text after the end of the JSON document"));
    }
    Ok(node)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    /// Scratch stacks: the items (members) of every open array (object) are pushed here
    /// and moved into an exactly sized `Vec` when it closes, instead of growing one `Vec`
    /// per container by doubling.
    items: Vec<Node>,
    members: Vec<Member>,
}

impl Parser<'_> {
    fn error(&self, message: impl Into<String>) -> JsonError {
        JsonError {
            offset: self.pos.min(self.bytes.len()),
            message: message.into(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Node, JsonError> {
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            None => return Err(self.error("unexpected end of file: the JSON is truncated")),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => {
                self.string()?;
                Value::String
            }
            Some(b't') => self.literal(b"true", Value::Bool(true))?,
            Some(b'f') => self.literal(b"false", Value::Bool(false))?,
            Some(b'n') => self.literal(b"null", Value::Null)?,
            Some(b'N') => self.literal(b"NaN", Value::Number)?,
            Some(b'I') => self.literal(b"Infinity", Value::Number)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => {
                let ch = std::str::from_utf8(&self.bytes[self.pos..])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map_or_else(|| "a non-text byte".to_string(), |c| format!("`{c}`"));
                return Err(self.error(format!("expected a JSON value, found {ch}")));
            }
        };
        Ok(Node {
            range: TextRange::new(start, self.pos),
            value,
        })
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Result<Value, JsonError> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("invalid literal: expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
            if self.bytes[self.pos..].starts_with(b"Infinity") {
                self.pos += 8;
                return Ok(Value::Number);
            }
        }
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos - s
        };
        if self.bytes.get(self.pos) == Some(&b'0') {
            // No leading zeros: `01` is `0` followed by junk, as in Python's `json`.
            self.pos += 1;
        } else if digits(self) == 0 {
            return Err(self.error("invalid number"));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.error("invalid number: no digits after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("invalid number: no digits in the exponent"));
            }
        }
        Ok(Value::Number)
    }

    /// Scan a string literal; `self.pos` is at the opening quote.
    fn string(&mut self) -> Result<(), JsonError> {
        let open = self.pos;
        self.pos += 1;
        loop {
            let rest = &self.bytes[self.pos..];
            let Some(i) = memchr::memchr3(b'"', b'\\', b'\n', rest) else {
                // An unterminated string is the common failure (truncation). Raw control
                // characters other than a newline are tolerated, for speed: scanning
                // megabytes of base64 twice is the cost of rejecting them.
                self.pos = open;
                return Err(self.error("unterminated string: the JSON is truncated"));
            };
            self.pos += i;
            match self.bytes[self.pos] {
                b'"' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'\n' => return Err(self.error("unescaped newline in a string")),
                _ => {
                    let Some(&c) = self.bytes.get(self.pos + 1) else {
                        return Err(self.error("unterminated string: the JSON is truncated"));
                    };
                    match c {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 2,
                        b'u' => {
                            if hex4(self.bytes, self.pos + 2).is_none() {
                                return Err(self.error("invalid `\\u` escape"));
                            }
                            self.pos += 6;
                        }
                        _ => return Err(self.error("invalid escape in a string")),
                    }
                }
            }
        }
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Array(Vec::new()));
        }
        let base = self.items.len();
        loop {
            self.skip_ws();
            let item = self.value()?;
            self.items.push(item);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Array(self.items.drain(base..).collect()));
                }
                None => return Err(self.error("unexpected end of file: the JSON is truncated")),
                Some(_) => return Err(self.error("expected `,` or `]` in an array")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        self.enter()?;
        self.pos += 1;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Object(Vec::new()));
        }
        let base = self.members.len();
        loop {
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b'"') => {}
                None => return Err(self.error("unexpected end of file: the JSON is truncated")),
                Some(_) => return Err(self.error("expected a quoted key in an object")),
            }
            let key_start = self.pos;
            self.string()?;
            let key = TextRange::new(key_start, self.pos);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b':') => self.pos += 1,
                None => return Err(self.error("unexpected end of file: the JSON is truncated")),
                Some(_) => return Err(self.error("expected `:` after an object key")),
            }
            self.skip_ws();
            let value = self.value()?;
            self.members.push(Member { key, value });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(Value::Object(self.members.drain(base..).collect()));
                }
                None => return Err(self.error("unexpected end of file: the JSON is truncated")),
                Some(_) => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_ranges() {
        let text = r#"{"a": [1, "x\"y", null], "b": {"c": true}}"#;
        let root = parse(text).unwrap();
        let a = root.get(text, "a").unwrap().as_array().unwrap();
        assert_eq!(&text[a[1].range.start()..a[1].range.end()], r#""x\"y""#);
        assert_eq!(a[1].as_str(text).unwrap(), "x\"y");
        assert_eq!(a[0].as_i64(text), Some(1));
        assert!(
            root.get(text, "b")
                .unwrap()
                .get(text, "c")
                .unwrap()
                .truthy(text)
        );
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let text = r#"{"k": 1, "k": 2}"#;
        assert_eq!(
            parse(text).unwrap().get(text, "k").unwrap().as_i64(text),
            Some(2)
        );
    }

    #[test]
    fn errors_have_offsets() {
        for (bad, at) in [
            ("{\"a\": 1", 7),
            ("[1, 2", 5),
            ("{\"a\" 1}", 5),
            ("\"abc", 0),
            ("[1] x", 4),
            ("", 0),
            ("[01x]", 2),
        ] {
            let err = parse(bad).unwrap_err();
            assert_eq!(err.offset, at, "{bad:?}: {err:?}");
        }
        let deep = "[".repeat(MAX_DEPTH + 5);
        assert!(parse(&deep).unwrap_err().message.contains("nesting"));
    }

    #[test]
    fn decodes_escapes_and_surrogates() {
        let text = r#""a\nb\u00e9\ud83d\ude00\\""#;
        assert_eq!(decode(text, TextRange::new(0, text.len())), "a\nbé😀\\");
    }

    #[test]
    fn mapped_text_round_trips_offsets() {
        // Two literals, as in a `source` list: "x = \"k\"\n" and "y\u00e9z".
        let file = r#"["x = \"k\"\n", "y\u00e9z"]"#;
        let root = parse(file).unwrap();
        let mut m = MappedText::default();
        for item in root.as_array().unwrap() {
            m.push_literal(file, item.range);
        }
        assert_eq!(m.text, "x = \"k\"\nyéz");
        // `k` is decoded byte 5; raw it sits after `\"` at file offset 8.
        assert_eq!(&file[m.to_raw(5)..m.to_raw(5) + 1], "k");
        // The escaped quote before it maps to the start of `\"`.
        assert_eq!(&file[m.to_raw(4)..m.to_raw(4) + 2], "\\\"");
        // `y` starts the second literal.
        let y = m.text.find('y').unwrap();
        assert_eq!(&file[m.to_raw(y)..m.to_raw(y) + 1], "y");
        // `z` comes after the 6-byte `\u00e9` escape.
        let z = m.text.find('z').unwrap();
        assert_eq!(&file[m.to_raw(z)..m.to_raw(z) + 1], "z");
        // And back again.
        assert_eq!(m.from_raw(m.to_raw(z)), Some(z));
        assert_eq!(m.from_raw(m.to_raw(5)), Some(5));
        // A range covering `\"k\"` maps to the raw escapes.
        let r = m.range_to_raw(TextRange::new(4, 7));
        assert_eq!(&file[r.start()..r.end()], "\\\"k\\\"");
    }

    #[test]
    fn mapped_text_handles_empty_literals() {
        let file = r#"["", "ab"]"#;
        let root = parse(file).unwrap();
        let mut m = MappedText::default();
        for item in root.as_array().unwrap() {
            m.push_literal(file, item.range);
        }
        assert_eq!(m.text, "ab");
        assert_eq!(&file[m.to_raw(0)..m.to_raw(0) + 1], "a");
        assert_eq!(&file[m.to_raw(1)..m.to_raw(1) + 1], "b");
    }
}
