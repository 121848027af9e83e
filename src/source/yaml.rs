//! YAML with positions, for MLproject and environment files.
//!
//! Built on `saphyr-parser`'s event stream (a maintained YAML 1.2 parser) rather than on a
//! loaded `Yaml` value, because the checks need what a loaded value throws away: the byte
//! range of every key and value, whether a scalar was quoted (`python: 3.10` is the float 3.1,
//! `python: "3.10"` is a string), and duplicate keys (kept in order, not merged).
//!
//! Guarantees: never panics on any input; ranges are byte ranges into the text given to
//! [`parse`]; only the first document of a stream is read; aliases are expanded up to a node
//! budget (no "billion laughs").

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, SpannedEventReceiver};

use crate::source::span::TextRange;

/// Most nodes an alias expansion may produce before the rest is dropped.
const NODE_BUDGET: usize = 200_000;
/// Deepest nesting accepted (real files stay under 20); deeper input is an error rather than
/// a stack overflow in the recursive walks over the tree.
pub const MAX_DEPTH: usize = 256;

#[derive(Clone, Debug, PartialEq)]
pub struct YamlNode {
    /// Byte range of the node in the text (for scalars, including quotes).
    pub range: TextRange,
    pub value: YamlValue,
}

#[derive(Clone, Debug, PartialEq)]
pub enum YamlValue {
    Scalar(Scalar),
    Seq(Vec<YamlNode>),
    /// Entries in document order; duplicate keys are kept.
    Map(Vec<(YamlNode, YamlNode)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    /// The scalar's content after unquoting/folding.
    pub text: String,
    /// Plain (unquoted) scalars are the ones YAML resolves to null, bool, int or float.
    pub plain: bool,
}

/// What a plain scalar resolves to under the YAML 1.1/1.2 core schema as PyYAML reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int,
    Float(f64),
    Str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub offset: usize,
    pub message: String,
}

impl YamlNode {
    pub fn as_map(&self) -> Option<&[(YamlNode, YamlNode)]> {
        match &self.value {
            YamlValue::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[YamlNode]> {
        match &self.value {
            YamlValue::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.value {
            YamlValue::Scalar(s) => Some(s),
            _ => None,
        }
    }
    /// A scalar's text when it resolves to a string (quoted, or plain but not a
    /// null/bool/number).
    pub fn as_str(&self) -> Option<&str> {
        let s = self.as_scalar()?;
        (s.resolve() == Resolved::Str).then_some(s.text.as_str())
    }
    /// A scalar's text whatever it resolves to.
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }
    pub fn is_null(&self) -> bool {
        self.as_scalar()
            .is_some_and(|s| s.resolve() == Resolved::Null)
    }
    /// The value of `key` in a mapping (the last one wins, as in PyYAML).
    pub fn get(&self, key: &str) -> Option<&YamlNode> {
        self.entry(key).map(|(_, v)| v)
    }
    pub fn entry(&self, key: &str) -> Option<&(YamlNode, YamlNode)> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.scalar_text() == Some(key))
    }
    /// "a mapping", "a list", "null", "a string" … for messages.
    /// Every key written twice in one mapping, anywhere in the tree: (first key, repeated
    /// key), in document order. YAML loaders keep the last value and drop the first
    /// silently (two entry points named `main`: only the second runs).
    pub fn duplicate_keys(&self) -> Vec<(&YamlNode, &YamlNode)> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            match &node.value {
                YamlValue::Map(entries) => {
                    for (i, (k, v)) in entries.iter().enumerate() {
                        if let Some(text) = k.scalar_text()
                            && let Some((first, _)) = entries[..i]
                                .iter()
                                .find(|(p, _)| p.scalar_text() == Some(text))
                        {
                            out.push((first, k));
                        }
                        stack.push(v);
                    }
                }
                YamlValue::Seq(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        out.sort_by_key(|(_, k)| k.range.start());
        out
    }

    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            YamlValue::Map(_) => "a mapping",
            YamlValue::Seq(_) => "a list",
            YamlValue::Scalar(s) => match s.resolve() {
                Resolved::Null => "null",
                Resolved::Bool(_) => "a boolean",
                Resolved::Int => "an integer",
                Resolved::Float(_) => "a float",
                Resolved::Str => "a string",
            },
        }
    }
}

impl Scalar {
    pub fn resolve(&self) -> Resolved {
        if !self.plain {
            return Resolved::Str;
        }
        resolve_plain(&self.text)
    }
}

/// Resolve a plain scalar the way PyYAML's `safe_load` does (YAML 1.1 booleans included,
/// since MLflow reads its files with PyYAML).
pub fn resolve_plain(t: &str) -> Resolved {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return Resolved::Bool(true);
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false);
        }
        _ => {}
    }
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return Resolved::Int;
    }
    if let Some(hex) = body.strip_prefix("0x")
        && !hex.is_empty()
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Resolved::Int;
    }
    match body {
        ".inf" | ".Inf" | ".INF" => return Resolved::Float(f64::INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        _ => {}
    }
    // PyYAML's float: digits with a dot and/or an exponent.
    let looks_float = body.bytes().any(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+' | b'_'))
        && (body.contains('.') || body.contains(['e', 'E']));
    if looks_float && let Ok(f) = t.replace('_', "").parse::<f64>() {
        return Resolved::Float(f);
    }
    Resolved::Str
}

/// Parse the first document of `text`. An empty document is a null scalar.
pub fn parse(text: &str) -> Result<YamlNode, YamlError> {
    let chars = CharToByte::new(text);
    let mut builder = Builder {
        text,
        chars: &chars,
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        nodes: 0,
        docs: 0,
        too_deep: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, false) {
        let offset = chars.byte(e.marker().index());
        return Err(YamlError {
            offset,
            message: e.info().to_string(),
        });
    }
    if let Some(offset) = builder.too_deep {
        return Err(YamlError {
            offset,
            message: format!("nesting deeper than {MAX_DEPTH} levels"),
        });
    }
    Ok(builder.root.unwrap_or(YamlNode {
        range: TextRange::empty(0),
        value: YamlValue::Scalar(Scalar {
            text: String::new(),
            plain: true,
        }),
    }))
}

/// saphyr counts positions in characters; diagnostics want bytes.
struct CharToByte {
    /// `None` when the text is ASCII (char index == byte index).
    table: Option<Vec<u32>>,
    len: usize,
}

impl CharToByte {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            let mut t: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
            t.push(text.len() as u32);
            t
        });
        Self {
            table,
            len: text.len(),
        }
    }
    fn byte(&self, index: usize) -> usize {
        match &self.table {
            None => index.min(self.len),
            Some(t) => t.get(index).map_or(self.len, |b| *b as usize),
        }
    }
}

enum Frame {
    Seq(usize, Vec<YamlNode>, usize),
    /// start, entries, pending key, anchor
    Map(usize, Vec<(YamlNode, YamlNode)>, Option<YamlNode>, usize),
}

struct Builder<'a> {
    text: &'a str,
    chars: &'a CharToByte,
    stack: Vec<Frame>,
    root: Option<YamlNode>,
    anchors: HashMap<usize, YamlNode>,
    nodes: usize,
    docs: usize,
    /// Offset where the nesting limit was hit.
    too_deep: Option<usize>,
}

impl Builder<'_> {
    fn range(&self, span: Span) -> TextRange {
        let start = self.chars.byte(span.start.index());
        let end = self.chars.byte(span.end.index()).max(start);
        TextRange::new(start, end)
    }

    fn push_node(&mut self, node: YamlNode, anchor: usize) {
        self.nodes += 1;
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq(_, items, _)) => items.push(node),
            Some(Frame::Map(_, entries, pending, _)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }

    fn node_count(node: &YamlNode) -> usize {
        match &node.value {
            YamlValue::Scalar(_) => 1,
            YamlValue::Seq(s) => 1 + s.iter().map(Self::node_count).sum::<usize>(),
            YamlValue::Map(m) => {
                1 + m
                    .iter()
                    .map(|(k, v)| Self::node_count(k) + Self::node_count(v))
                    .sum::<usize>()
            }
        }
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder<'_> {
    fn on_event(&mut self, ev: Event<'input>, span: Span) {
        if self.docs > 1 || self.too_deep.is_some() {
            return;
        }
        if matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..))
            && self.stack.len() >= MAX_DEPTH
        {
            self.too_deep = Some(self.range(span).start());
            self.stack.clear();
            return;
        }
        match ev {
            Event::DocumentStart(_) => self.docs += 1,
            Event::Scalar(value, style, anchor, _tag) => {
                let mut range = self.range(span);
                // Quoted scalars: make sure the range covers the quotes.
                if matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted) {
                    let q = if style == ScalarStyle::SingleQuoted {
                        b'\''
                    } else {
                        b'"'
                    };
                    let bytes = self.text.as_bytes();
                    if range.start() > 0
                        && bytes.get(range.start()) != Some(&q)
                        && bytes.get(range.start() - 1) == Some(&q)
                    {
                        range = TextRange::new(range.start() - 1, range.end());
                    }
                }
                let node = YamlNode {
                    range,
                    value: YamlValue::Scalar(Scalar {
                        text: value.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    }),
                };
                self.push_node(node, anchor);
            }
            Event::SequenceStart(anchor, _) => {
                let start = self.range(span).start();
                self.stack.push(Frame::Seq(start, Vec::new(), anchor));
            }
            Event::MappingStart(anchor, _) => {
                let start = self.range(span).start();
                self.stack.push(Frame::Map(start, Vec::new(), None, anchor));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let end = self.range(span).end();
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(start, items, anchor)) => {
                        let end = items.last().map_or(end, |n| n.range.end().max(start));
                        (
                            YamlNode {
                                range: TextRange::new(start, end.max(start)),
                                value: YamlValue::Seq(items),
                            },
                            anchor,
                        )
                    }
                    Some(Frame::Map(start, entries, _, anchor)) => {
                        let end = entries
                            .last()
                            .map_or(end, |(_, v)| v.range.end().max(start));
                        (
                            YamlNode {
                                range: TextRange::new(start, end.max(start)),
                                value: YamlValue::Map(entries),
                            },
                            anchor,
                        )
                    }
                    None => return,
                };
                self.push_node(node, anchor);
            }
            Event::Alias(id) => {
                let range = self.range(span);
                let node = match self.anchors.get(&id) {
                    Some(n) if self.nodes + Self::node_count(n) < NODE_BUDGET => {
                        self.nodes += Self::node_count(n);
                        YamlNode {
                            range,
                            value: n.value.clone(),
                        }
                    }
                    _ => YamlNode {
                        range,
                        value: YamlValue::Scalar(Scalar {
                            text: String::new(),
                            plain: true,
                        }),
                    },
                };
                self.push_node(node, 0);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_quotes_and_duplicates() {
        let text = "name: x\npython: 3.10\nq: \"3.10\"\nname: y\nlist:\n  - a\n  - {b: 1}\n";
        let root = parse(text).unwrap();
        let map = root.as_map().unwrap();
        assert_eq!(map.len(), 5);
        assert_eq!(root.get("name").unwrap().as_str(), Some("y"));
        let py = root.get("python").unwrap();
        assert_eq!(&text[py.range.start()..py.range.end()], "3.10");
        assert_eq!(py.as_scalar().unwrap().resolve(), Resolved::Float(3.1));
        let q = root.get("q").unwrap();
        assert_eq!(&text[q.range.start()..q.range.end()], "\"3.10\"");
        assert_eq!(q.as_str(), Some("3.10"));
        let list = root.get("list").unwrap().as_seq().unwrap();
        assert_eq!(&text[list[0].range.start()..list[0].range.end()], "a");
        assert_eq!(list[1].get("b").unwrap().kind_name(), "an integer");
    }

    #[test]
    fn null_values_and_errors() {
        let root = parse("parameters:\nx: 1\n").unwrap();
        assert!(root.get("parameters").unwrap().is_null());
        let err = parse("a: [1, 2\nb: c").unwrap_err();
        assert!(err.offset > 0);
        assert!(parse("").unwrap().is_null());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep).is_err());
        // Multi-byte text: ranges are bytes.
        let text = "é: ü\nk: v\n";
        let root = parse(text).unwrap();
        let v = root.get("k").unwrap();
        assert_eq!(&text[v.range.start()..v.range.end()], "v");
    }
}
