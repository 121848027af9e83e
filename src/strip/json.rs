//! The JSON tree the stripper edits: Python `json.loads` semantics, zero-copy.
//!
//! nbstripout reads notebooks with Python's `json.loads`, so this parser accepts exactly
//! what it accepts (RFC 8259 plus `NaN`/`Infinity`/`-Infinity`; no BOM, no raw control
//! characters in strings, whitespace ` \t\n\r` only) and keeps what it keeps: duplicate
//! keys collapse to the first position with the last value (a `dict`), integers keep all
//! their digits, floats become `f64` (they are re-printed with Python's `repr`).
//! Strings are not decoded while parsing: a [`Str`] borrows the raw literal and decodes on
//! demand, so the megabytes of base64 in dropped outputs are scanned once and never copied.
//! The parser never panics and refuses nesting deeper than [`MAX_DEPTH`].

use std::borrow::Cow;

/// Deepest nesting accepted: the one limit both JSON readers share.
pub use crate::source::json::MAX_DEPTH;

/// Python refuses to convert integers longer than this many digits (`sys.int_info`).
const MAX_INT_DIGITS: usize = 4300;

#[derive(Clone, Debug, PartialEq)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    /// Decimal digits with an optional `-`, as Python's `repr(int)` prints them.
    Int(Cow<'a, str>),
    Float(f64),
    Str(Str<'a>),
    Arr(Vec<Val<'a>>),
    Obj(Obj<'a>),
}

/// A JSON string: either the raw literal's content (between the quotes, escapes intact) or
/// an already decoded string.
#[derive(Clone, Debug, PartialEq)]
pub enum Str<'a> {
    Raw { raw: &'a str, escaped: bool },
    Owned(String),
}

/// An object with unique keys, in first-insertion order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Obj<'a>(pub Vec<(Str<'a>, Val<'a>)>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.message, self.offset)
    }
}

/// A `\uXXXX` escape that is half of a surrogate pair with no other half: Python keeps it,
/// but it cannot be written as UTF-8 (nbstripout crashes on it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoneSurrogate;

impl<'a> Str<'a> {
    pub fn owned(s: impl Into<String>) -> Self {
        Str::Owned(s.into())
    }

    /// The decoded text. Lone surrogates become U+FFFD here; writers use [`Str::decode`].
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Str::Raw {
                raw,
                escaped: false,
            } => Cow::Borrowed(raw),
            Str::Raw { raw, escaped: true } => {
                Cow::Owned(decode_escapes(raw).unwrap_or_else(|_| decode_lossy(raw)))
            }
            Str::Owned(s) => Cow::Borrowed(s),
        }
    }

    /// The decoded text, refusing lone surrogates.
    pub fn decode(&self) -> Result<Cow<'_, str>, LoneSurrogate> {
        match self {
            Str::Raw {
                raw,
                escaped: false,
            } => Ok(Cow::Borrowed(raw)),
            Str::Raw { raw, escaped: true } => decode_escapes(raw).map(Cow::Owned),
            Str::Owned(s) => Ok(Cow::Borrowed(s)),
        }
    }

    /// Whether the decoded text equals `want` (fast for unescaped literals).
    pub fn is(&self, want: &str) -> bool {
        match self {
            Str::Raw {
                raw,
                escaped: false,
            } => *raw == want,
            Str::Owned(s) => s == want,
            Str::Raw { .. } => self.text() == want,
        }
    }

    /// Python's `len(s)`: code points (a surrogate pair escape is one, a lone one is one).
    pub fn py_len(&self) -> usize {
        match self {
            Str::Raw {
                raw,
                escaped: false,
            } => count_chars(raw),
            Str::Owned(s) => count_chars(s),
            Str::Raw { .. } => count_chars(&self.text()),
        }
    }
}

fn count_chars(s: &str) -> usize {
    s.as_bytes().iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl<'a> Obj<'a> {
    pub fn get(&self, key: &str) -> Option<&Val<'a>> {
        self.0.iter().find(|(k, _)| k.is(key)).map(|(_, v)| v)
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Val<'a>> {
        self.0.iter_mut().find(|(k, _)| k.is(key)).map(|(_, v)| v)
    }
    pub fn contains(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k.is(key))
    }
    pub fn remove(&mut self, key: &str) -> Option<Val<'a>> {
        let idx = self.0.iter().position(|(k, _)| k.is(key))?;
        Some(self.0.remove(idx).1)
    }
    /// Python's `d[key] = value`: replace in place, or append.
    pub fn set(&mut self, key: &str, value: Val<'a>) {
        match self.get_mut(key) {
            Some(slot) => *slot = value,
            None => self.0.push((Str::owned(key), value)),
        }
    }
}

impl<'a> Val<'a> {
    pub fn as_obj(&self) -> Option<&Obj<'a>> {
        match self {
            Val::Obj(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_obj_mut(&mut self) -> Option<&mut Obj<'a>> {
        match self {
            Val::Obj(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_arr(&self) -> Option<&Vec<Val<'a>>> {
        match self {
            Val::Arr(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_arr_mut(&mut self) -> Option<&mut Vec<Val<'a>>> {
        match self {
            Val::Arr(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&Str<'a>> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_str(&self, want: &str) -> bool {
        matches!(self, Val::Str(s) if s.is(want))
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// Python truthiness (`bool(x)`).
    pub fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Int(digits) => digits.bytes().any(|b| b.is_ascii_digit() && b != b'0'),
            Val::Float(f) => *f != 0.0,
            Val::Str(s) => match s {
                Str::Raw { raw, .. } => !raw.is_empty(),
                Str::Owned(s) => !s.is_empty(),
            },
            Val::Arr(a) => !a.is_empty(),
            Val::Obj(o) => !o.0.is_empty(),
        }
    }
}

/// Parse a whole document (Python's `json.loads`).
pub fn parse(text: &str) -> Result<Val<'_>, ParseError> {
    whole(text, |p| p.value(0))
}

/// Whether `text` parses (exactly what [`parse`] accepts, with the same error), without
/// building the tree: the check of a freshly written notebook before it replaces the file.
pub fn validate(text: &str) -> Result<(), ParseError> {
    whole(text, |p| p.skip_value(0))
}

/// One JSON value that is the whole of `text` (no BOM, white space around it only).
fn whole<'a, T>(
    text: &'a str,
    value: impl FnOnce(&mut Parser<'a>) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    if text.starts_with('\u{feff}') {
        return Err(ParseError {
            offset: 0,
            message: "unexpected UTF-8 BOM".into(),
        });
    }
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    p.skip_ws();
    let value = value(&mut p)?;
    p.skip_ws();
    if p.pos != p.bytes.len() {
        return Err(p.err("extra data after the JSON value"));
    }
    Ok(value)
}

/// The first index at or after `from` of a `"`, a `\\` or a byte below 0x20.
#[inline]
fn find_special(bytes: &[u8], from: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        find_special_sse2(bytes, from)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        find_special_scalar(bytes, from)
    }
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn find_special_scalar(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .map(|p| from + p)
}

/// [`find_special_scalar`] 32 bytes at a time. SSE2 is part of every x86_64 CPU, so no
/// run-time detection is needed.
#[cfg(target_arch = "x86_64")]
fn find_special_sse2(bytes: &[u8], from: usize) -> Option<usize> {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let mut i = from;
    // SAFETY: SSE2 is always available on x86_64; every load reads 16 bytes inside
    // `bytes` (`i + 32 <= len` / `i + 16 <= len`), unaligned loads allowed.
    unsafe {
        let quote = _mm_set1_epi8(b'"' as i8);
        let backslash = _mm_set1_epi8(b'\\' as i8);
        let ctl = _mm_set1_epi8(0x1f);
        let hits = |v: __m128i| {
            // min(v, 0x1f) == v exactly when v <= 0x1f (unsigned).
            let c = _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v);
            let q = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
            _mm_movemask_epi8(_mm_or_si128(c, q)) as u32
        };
        let p = bytes.as_ptr();
        while i + 32 <= bytes.len() {
            let a = hits(_mm_loadu_si128(p.add(i).cast()));
            let b = hits(_mm_loadu_si128(p.add(i + 16).cast()));
            let m = a | (b << 16);
            if m != 0 {
                return Some(i + m.trailing_zeros() as usize);
            }
            i += 32;
        }
        while i + 16 <= bytes.len() {
            let m = hits(_mm_loadu_si128(p.add(i).cast()));
            if m != 0 {
                return Some(i + m.trailing_zeros() as usize);
            }
            i += 16;
        }
    }
    find_special_scalar(bytes, i)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, message: &str) -> ParseError {
        ParseError {
            offset: self.pos,
            message: message.to_string(),
        }
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn eat_literal(&mut self, lit: &str) -> bool {
        if self.bytes[self.pos..].starts_with(lit.as_bytes()) {
            self.pos += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Val<'a>, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err(self.err("expecting a value"));
        };
        match b {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => Ok(Val::Str(self.string()?)),
            b'n' if self.eat_literal("null") => Ok(Val::Null),
            b't' if self.eat_literal("true") => Ok(Val::Bool(true)),
            b'f' if self.eat_literal("false") => Ok(Val::Bool(false)),
            b'N' if self.eat_literal("NaN") => Ok(Val::Float(f64::NAN)),
            b'I' if self.eat_literal("Infinity") => Ok(Val::Float(f64::INFINITY)),
            b'-' if self.eat_literal("-Infinity") => Ok(Val::Float(f64::NEG_INFINITY)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.err("expecting a value")),
        }
    }

    fn number(&mut self) -> Result<Val<'a>, ParseError> {
        let start = self.pos;
        let bytes = self.bytes;
        let mut i = self.pos;
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        let int_start = i;
        match bytes.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return Err(self.err("expecting a value")),
        }
        let int_end = i;
        let mut is_float = false;
        if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            is_float = true;
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let mut j = i + 1;
            if matches!(bytes.get(j), Some(b'+' | b'-')) {
                j += 1;
            }
            if bytes.get(j).is_some_and(u8::is_ascii_digit) {
                is_float = true;
                while bytes.get(j).is_some_and(u8::is_ascii_digit) {
                    j += 1;
                }
                i = j;
            }
        }
        self.pos = i;
        let raw = &self.text[start..i];
        if is_float {
            let f: f64 = raw.parse().map_err(|_| self.err("invalid number"))?;
            return Ok(Val::Float(f));
        }
        if int_end - int_start > MAX_INT_DIGITS {
            return Err(self.err("integer has too many digits for Python"));
        }
        if raw == "-0" {
            return Ok(Val::Int(Cow::Borrowed("0")));
        }
        Ok(Val::Int(Cow::Borrowed(raw)))
    }

    fn string(&mut self) -> Result<Str<'a>, ParseError> {
        // self.bytes[self.pos] == b'"'
        let start = self.pos + 1;
        let bytes = self.bytes;
        let mut i = start;
        let mut escaped = false;
        loop {
            // One pass finds the closing quote, an escape or a control character (the
            // base64 of image outputs is most of a notebook's bytes).
            let Some(stop) = find_special(bytes, i) else {
                self.pos = bytes.len();
                return Err(self.err("unterminated string"));
            };
            if bytes[stop] < 0x20 {
                // Only an error about the control character if the string goes on.
                if memchr::memchr2(b'"', b'\\', &bytes[stop..]).is_none() {
                    self.pos = bytes.len();
                    return Err(self.err("unterminated string"));
                }
                self.pos = stop;
                return Err(self.err("invalid control character in string"));
            }
            if bytes[stop] == b'"' {
                self.pos = stop + 1;
                return Ok(Str::Raw {
                    raw: &self.text[start..stop],
                    escaped,
                });
            }
            escaped = true;
            match bytes.get(stop + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i = stop + 2,
                Some(b'u') => {
                    let hex = bytes.get(stop + 2..stop + 6);
                    if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                        self.pos = stop;
                        return Err(self.err("invalid \\uXXXX escape"));
                    }
                    i = stop + 6;
                }
                _ => {
                    self.pos = stop;
                    return Err(self.err("invalid escape"));
                }
            }
        }
    }

    /// [`Parser::value`] without building anything.
    fn skip_value(&mut self, depth: usize) -> Result<(), ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        match self.bytes.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    self.skip_ws();
                    if self.bytes.get(self.pos) != Some(&b'"') {
                        return Err(self.err("expecting a property name in double quotes"));
                    }
                    self.string()?;
                    self.skip_ws();
                    if self.bytes.get(self.pos) != Some(&b':') {
                        return Err(self.err("expecting ':'"));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    self.skip_value(depth + 1)?;
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(());
                        }
                        _ => return Err(self.err("expecting ',' or '}'")),
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                self.skip_ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Ok(());
                }
                loop {
                    self.skip_ws();
                    self.skip_value(depth + 1)?;
                    self.skip_ws();
                    match self.bytes.get(self.pos) {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(());
                        }
                        _ => return Err(self.err("expecting ',' or ']'")),
                    }
                }
            }
            Some(b'"') => self.string().map(drop),
            _ => self.value(depth).map(drop),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Val<'a>, ParseError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Val::Arr(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Val::Arr(items));
                }
                _ => return Err(self.err("expecting ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Val<'a>, ParseError> {
        self.pos += 1;
        let mut members: Vec<(Str<'a>, Val<'a>)> = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Val::Obj(Obj(members)));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.err("expecting a property name in double quotes"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.err("expecting ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    dedup(&mut members);
                    return Ok(Val::Obj(Obj(members)));
                }
                _ => return Err(self.err("expecting ',' or '}'")),
            }
        }
    }
}

/// Python `dict` semantics for repeated keys: the first position, the last value.
fn dedup(members: &mut Vec<(Str<'_>, Val<'_>)>) {
    let n = members.len();
    if n < 2 {
        return;
    }
    let mut dup = false;
    if n <= 24 {
        'outer: for i in 1..n {
            for j in 0..i {
                if key_eq(&members[i].0, &members[j].0) {
                    dup = true;
                    break 'outer;
                }
            }
        }
    } else {
        let mut seen = std::collections::HashSet::with_capacity(n);
        dup = !members.iter().all(|(k, _)| seen.insert(k.text()));
    }
    if !dup {
        return;
    }
    let mut out: Vec<(Str<'_>, Val<'_>)> = Vec::with_capacity(n);
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (k, v) in members.drain(..) {
        let text = k.text().into_owned();
        match index.get(&text) {
            Some(&at) => out[at].1 = v,
            None => {
                index.insert(text, out.len());
                out.push((k, v));
            }
        }
    }
    *members = out;
}

fn key_eq(a: &Str<'_>, b: &Str<'_>) -> bool {
    match (a, b) {
        (
            Str::Raw {
                raw: x,
                escaped: false,
            },
            Str::Raw {
                raw: y,
                escaped: false,
            },
        ) => x == y,
        _ => a.text() == b.text(),
    }
}

fn hex4(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0, |acc, &c| {
        acc * 16 + (c as char).to_digit(16).unwrap_or(0)
    })
}

/// Decode a raw literal's content (already validated by the parser).
fn decode_escapes(raw: &str) -> Result<String, LoneSurrogate> {
    decode_with(raw, false)
}

fn decode_lossy(raw: &str) -> String {
    decode_with(raw, true).unwrap_or_default()
}

fn decode_with(raw: &str, lossy: bool) -> Result<String, LoneSurrogate> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    // `str::find`, not the memchr crate: its first call detects the CPU's features
    // (several `cpuid`, slow in a virtual machine), a tenth of a git filter's start-up.
    while let Some(off) = raw[i..].find('\\') {
        let esc = i + off;
        out.push_str(&raw[i..esc]);
        let Some(&kind) = bytes.get(esc + 1) else {
            break;
        };
        i = esc + 2;
        let ch = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(bytes.get(esc + 2..).unwrap_or_default());
                i = esc + 6;
                if (0xD800..0xDC00).contains(&hi) {
                    let next = bytes.get(esc + 6..esc + 8);
                    let lo = if next == Some(b"\\u") {
                        hex4(bytes.get(esc + 8..).unwrap_or_default())
                    } else {
                        0
                    };
                    if (0xDC00..0xE000).contains(&lo) {
                        i = esc + 12;
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                            .unwrap_or('\u{fffd}')
                    } else if lossy {
                        '\u{fffd}'
                    } else {
                        return Err(LoneSurrogate);
                    }
                } else if (0xDC00..0xE000).contains(&hi) {
                    if lossy {
                        '\u{fffd}'
                    } else {
                        return Err(LoneSurrogate);
                    }
                } else {
                    char::from_u32(hi).unwrap_or('\u{fffd}')
                }
            }
            _ => '\u{fffd}',
        };
        out.push(ch);
        i = i.min(bytes.len());
    }
    out.push_str(&raw[i..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_keys_keep_first_position_and_last_value() {
        let v = parse(r#"{"a": 1, "b": 2, "a": 3}"#).unwrap();
        let o = v.as_obj().unwrap();
        assert_eq!(o.0.len(), 2);
        assert!(o.0[0].0.is("a"));
        assert_eq!(o.get("a"), Some(&Val::Int(Cow::Borrowed("3"))));
    }

    #[test]
    fn escaped_keys_are_compared_decoded() {
        let v = parse(r#"{"a": 1, "\u0061": 2}"#).unwrap();
        assert_eq!(v.as_obj().unwrap().0.len(), 1);
    }

    #[test]
    fn rejects_what_python_rejects() {
        for bad in [
            "\u{feff}{}",
            "{} x",
            "{\"a\":\"\u{1}\"}",
            "[1,]",
            "{'a':1}",
            "01",
            "[\"\\x\"]",
            "-",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be rejected");
        }
        for good in ["NaN", "-Infinity", "[1.5e3, -0, 1E+2]", " \t\r\n{} "] {
            assert!(parse(good).is_ok(), "{good:?} should be accepted");
        }
    }

    #[test]
    fn validate_agrees_with_parse() {
        let mut cases: Vec<String> = [
            "\u{feff}{}",
            "{} x",
            "{\"a\":\"\u{1}\"}",
            "[1,]",
            "{'a':1}",
            "01",
            "[\"\\x\"]",
            "-",
            "NaN",
            "[1.5e3, -0, 1E+2]",
            " \t\r\n{} ",
            "{\"a\": [1, {\"b\": null}], \"a\": true}",
            "\"abc\u{1}",
            "\"abc",
            "{\"a\" 1}",
            "[1 2]",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Long strings: the vector scan's blocks and the scalar tail.
        for n in [15, 16, 31, 32, 33, 70] {
            let body = "x".repeat(n);
            cases.push(format!("\"{body}\""));
            cases.push(format!("\"{body}\u{1f}{body}\""));
            cases.push(format!("\"{body}\\n{body}\\\"\""));
            cases.push(format!("\"{body}"));
        }
        cases.push("[".repeat(100_000));
        for case in &cases {
            assert_eq!(
                validate(case),
                parse(case).map(drop),
                "validate and parse disagree on {case:?}"
            );
        }
    }

    #[test]
    fn control_characters_are_found_in_long_strings() {
        let long = format!("\"{}\u{7}{}\"", "a".repeat(40), "b".repeat(40));
        let e = parse(&long).unwrap_err();
        assert_eq!(e.offset, 41);
        assert_eq!(e.message, "invalid control character in string");
        assert_eq!(
            find_special_scalar(long.as_bytes(), 1),
            find_special(long.as_bytes(), 1)
        );
    }

    #[test]
    fn surrogates() {
        let v = parse(r#""\ud83d\ude00""#).unwrap();
        assert_eq!(v.as_str().unwrap().decode().unwrap(), "😀");
        let v = parse(r#""\ud83d x""#).unwrap();
        assert_eq!(v.as_str().unwrap().decode(), Err(LoneSurrogate));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
    }
}
