//! The notebook model: cells with their decoded source and a map back to the raw JSON.
//!
//! Positions: `Cell::number` is 1-based and counts every cell (markdown and raw too), as
//! ruff and Jupyter's UI do. A cell's `source` is the decoded text (escapes undone, list
//! items joined). `Cell::source_map` takes decoded offsets to raw byte offsets of the
//! `.ipynb` file and back; [`Notebook::locate`] takes any raw offset to a [`CellLocation`].
//!
//! Formats: nbformat 4.x (`cells`) and nbformat 3 (`worksheets[*].cells`, `input`,
//! `prompt_number`, `pyout`/`pyerr`); a document with no `nbformat` key is read as v4
//! shaped if it has `cells`.

use std::borrow::Cow;

use crate::source::json::{self, MappedText, Node};
use crate::source::span::{LineCol, LineIndex, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    Code,
    Markdown,
    Raw,
    /// nbformat 3 `heading` cells and anything unknown.
    Other,
}

#[derive(Debug)]
pub struct Notebook {
    pub root: Node,
    pub nbformat: Option<i64>,
    pub nbformat_minor: Option<i64>,
    pub cells: Vec<Cell>,
}

#[derive(Debug)]
pub struct Cell {
    /// 1-based position among all cells.
    pub number: usize,
    pub kind: CellKind,
    /// The whole cell object. Its `metadata` and `outputs` values have been moved into the
    /// fields below (they read as `null` here), so nothing is stored twice.
    pub node: Node,
    /// Decoded source with its map to raw offsets. For a cell with no (or a non-string)
    /// source the text is empty and the map points at the `source` key or the cell.
    pub source: MappedText,
    /// Raw range of the `source` value (`input` in nbformat 3).
    pub source_range: TextRange,
    /// `execution_count` (`prompt_number` in nbformat 3) when it is an integer.
    pub execution_count: Option<i64>,
    /// Raw range of the `execution_count` value, when the key exists.
    pub execution_count_range: Option<TextRange>,
    /// The `outputs` array, when present.
    pub outputs: Option<Node>,
    pub metadata: Option<Node>,
    pub tags: Vec<String>,
    /// A line index over the decoded source (cell-relative lines).
    pub lines: LineIndex,
}

/// Where a raw offset falls in a notebook.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellLocation {
    pub cell: usize,
    pub part: CellPart,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellPart {
    /// In the cell's decoded source, at this 1-based line and column.
    Source(LineCol),
    /// In the cell's outputs.
    Output,
    /// Elsewhere in the cell object (metadata, execution count, …).
    Cell,
}

/// Why a file is not a readable notebook, with the raw offset to point at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotebookError {
    pub offset: usize,
    pub message: String,
}

impl Notebook {
    pub fn parse(text: &str) -> Result<Self, NotebookError> {
        let mut root = match json::parse(text) {
            Ok(root) => root,
            Err(err) => {
                if let Some(at) = merge_conflict_marker(text) {
                    return Err(NotebookError {
                        offset: at,
                        message: "unresolved git merge conflict: the notebook holds `<<<<<<<` / `>>>>>>>` markers, so it is not valid JSON (resolve the conflict, e.g. with `nbdime mergetool`)".into(),
                    });
                }
                return Err(NotebookError {
                    offset: err.offset,
                    message: format!("not valid JSON: {}", err.message),
                });
            }
        };
        let err = |node: &Node, message: String| NotebookError {
            offset: node.range.start(),
            message,
        };
        if root.as_object().is_none() {
            return Err(err(
                &root,
                format!(
                    "not a notebook: the top-level JSON value is {}, not an object",
                    root.kind_name()
                ),
            ));
        }
        let nbformat_node = root.get(text, "nbformat");
        let nbformat = nbformat_node.and_then(|n| n.as_i64(text));
        if let Some(node) = nbformat_node {
            match nbformat {
                Some(3 | 4) => {}
                Some(v) => {
                    return Err(err(
                        node,
                        format!("unsupported nbformat {v}: mlcheck reads nbformat 3 and 4"),
                    ));
                }
                None => return Err(err(node, "`nbformat` is not an integer".into())),
            }
        }
        let nbformat_minor = root
            .get(text, "nbformat_minor")
            .and_then(|n| n.as_i64(text));

        // Validate the shape first, then move the cell nodes out of the tree (no copies:
        // outputs can be megabytes of nodes).
        let v3 = nbformat == Some(3);
        if v3 {
            let Some(worksheets) = root.get(text, "worksheets") else {
                return Err(err(
                    &root,
                    "not a notebook: nbformat 3 without `worksheets`".into(),
                ));
            };
            let Some(sheets) = worksheets.as_array() else {
                return Err(err(worksheets, "`worksheets` is not an array".into()));
            };
            for sheet in sheets {
                if let Some(c) = sheet.get(text, "cells").filter(|c| c.as_array().is_none()) {
                    return Err(err(c, "`cells` is not an array".into()));
                }
            }
        } else {
            match root.get(text, "cells") {
                Some(cells) if cells.as_array().is_none() => {
                    return Err(err(
                        cells,
                        format!("`cells` is {}, not an array", cells.kind_name()),
                    ));
                }
                Some(_) => {}
                None => {
                    return Err(err(
                        &root,
                        "not a notebook: no `cells` key (is this a JSON file named `.ipynb`?)"
                            .into(),
                    ));
                }
            }
        }
        let mut cell_nodes: Vec<Node> = Vec::new();
        if v3 {
            if let Some(json::Value::Array(sheets)) =
                member_mut(&mut root, text, "worksheets").map(|n| &mut n.value)
            {
                for sheet in sheets {
                    if let Some(json::Value::Array(cells)) =
                        member_mut(sheet, text, "cells").map(|n| &mut n.value)
                    {
                        cell_nodes.append(cells);
                    }
                }
            }
        } else if let Some(json::Value::Array(cells)) =
            member_mut(&mut root, text, "cells").map(|n| &mut n.value)
        {
            cell_nodes.append(cells);
        }

        let mut cells = Vec::with_capacity(cell_nodes.len());
        for (i, node) in cell_nodes.into_iter().enumerate() {
            cells.push(Cell::parse(text, node, i + 1, v3)?);
        }
        Ok(Notebook {
            nbformat,
            nbformat_minor,
            cells,
            root,
        })
    }

    /// The notebook-level `metadata` object.
    pub fn notebook_metadata<'a>(&'a self, text: &str) -> Option<&'a Node> {
        self.root.get(text, "metadata")
    }

    pub fn code_cells(&self) -> impl Iterator<Item = &Cell> {
        self.cells.iter().filter(|c| c.kind == CellKind::Code)
    }

    /// The cell whose object contains raw `offset`.
    pub fn cell_at(&self, offset: usize) -> Option<&Cell> {
        let idx = self
            .cells
            .partition_point(|c| c.node.range.start() <= offset);
        let cell = self.cells.get(idx.checked_sub(1)?)?;
        cell.node.range.contains(offset).then_some(cell)
    }

    /// Map a raw offset to a cell and a position in it.
    pub fn locate(&self, offset: usize) -> Option<CellLocation> {
        let cell = self.cell_at(offset)?;
        let part = if cell.source_range.contains(offset) || cell.source_range.end() == offset {
            match cell.source.from_raw(offset) {
                Some(decoded) => CellPart::Source(cell.lines.line_col(decoded, &cell.source.text)),
                // Between two list items (`", "`): the start of the next line.
                None => CellPart::Source(
                    cell.lines.line_col(
                        cell.source
                            .segments
                            .iter()
                            .find(|s| s.raw as usize >= offset)
                            .map_or(cell.source.text.len(), |s| s.decoded as usize),
                        &cell.source.text,
                    ),
                ),
            }
        } else if cell
            .outputs
            .as_ref()
            .is_some_and(|o| o.range.contains(offset))
        {
            CellPart::Output
        } else {
            CellPart::Cell
        };
        Some(CellLocation {
            cell: cell.number,
            part,
        })
    }
}

impl Cell {
    fn parse(text: &str, mut node: Node, number: usize, v3: bool) -> Result<Self, NotebookError> {
        let err = |n: &Node, message: String| NotebookError {
            offset: n.range.start(),
            message,
        };
        if node.as_object().is_none() {
            return Err(err(
                &node,
                format!("cell {number} is {}, not an object", node.kind_name()),
            ));
        }
        let kind = match node.get(text, "cell_type") {
            None => return Err(err(&node, format!("cell {number} has no `cell_type`"))),
            Some(t) => match t.as_str(text).as_deref() {
                Some("code") => CellKind::Code,
                Some("markdown") => CellKind::Markdown,
                Some("raw") => CellKind::Raw,
                Some(_) => CellKind::Other,
                None => {
                    return Err(err(
                        t,
                        format!("cell {number}: `cell_type` is not a string"),
                    ));
                }
            },
        };
        let source_key = if v3 && kind == CellKind::Code {
            "input"
        } else {
            "source"
        };
        let mut source = MappedText::default();
        let source_range;
        match node.member(text, source_key) {
            None => {
                return Err(err(&node, format!("cell {number} has no `{source_key}`")));
            }
            Some(m) => {
                source_range = m.value.range;
                match &m.value.value {
                    json::Value::String => source.push_literal(text, m.value.range),
                    json::Value::Array(items) => {
                        for item in items {
                            if !item.is_string() {
                                return Err(err(
                                    item,
                                    format!(
                                        "cell {number}: `{source_key}` holds {}, not only strings",
                                        item.kind_name()
                                    ),
                                ));
                            }
                            source.push_literal(text, item.range);
                        }
                        if items.is_empty() {
                            source.segments.push(json::Segment {
                                decoded: 0,
                                len: 0,
                                raw: m.value.range.start() as u32 + 1,
                                raw_len: 0,
                            });
                        }
                    }
                    _ => {
                        return Err(err(
                            &m.value,
                            format!(
                                "cell {number}: `{source_key}` is {}, not a string or a list of strings",
                                m.value.kind_name()
                            ),
                        ));
                    }
                }
            }
        }
        let count_key = if v3 {
            "prompt_number"
        } else {
            "execution_count"
        };
        let count_node = node.get(text, count_key);
        let execution_count = count_node.and_then(|n| n.as_i64(text));
        let execution_count_range = count_node.map(|n| n.range);
        let metadata = take_member(&mut node, text, "metadata");
        let outputs = take_member(&mut node, text, "outputs");
        let tags = metadata
            .as_ref()
            .and_then(|m| m.get(text, "tags"))
            .and_then(Node::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| t.as_str(text).map(Cow::into_owned))
                    .collect()
            })
            .unwrap_or_default();
        let lines = LineIndex::new(&source.text);
        Ok(Cell {
            number,
            kind,
            execution_count,
            execution_count_range,
            outputs,
            metadata,
            tags,
            source,
            source_range,
            lines,
            node,
        })
    }

    /// The raw range of a decoded source range.
    pub fn to_raw(&self, decoded: TextRange) -> TextRange {
        self.source.range_to_raw(decoded)
    }

    pub fn output_nodes(&self) -> &[Node] {
        self.outputs
            .as_ref()
            .and_then(Node::as_array)
            .unwrap_or(&[])
    }

    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    pub fn metadata_value<'a>(&'a self, text: &str, key: &str) -> Option<&'a Node> {
        self.metadata.as_ref()?.get(text, key)
    }
}

/// The member `key` of an object node, mutably (the last one wins).
fn member_mut<'a>(node: &'a mut Node, text: &str, key: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        json::Value::Object(members) => members
            .iter_mut()
            .rev()
            .find(|m| json::key_eq(text, m.key, key))
            .map(|m| &mut m.value),
        _ => None,
    }
}

/// Move the value of member `key` out of an object node, leaving a `null` with the same
/// range behind.
fn take_member(node: &mut Node, text: &str, key: &str) -> Option<Node> {
    let slot = member_mut(node, text, key)?;
    let range = slot.range;
    Some(std::mem::replace(
        slot,
        Node {
            range,
            value: json::Value::Null,
        },
    ))
}

/// Offset of the first line that starts with a git conflict marker, if the text has both
/// an opening and a closing one.
pub fn merge_conflict_marker(text: &str) -> Option<usize> {
    let mut open = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if open.is_none() && line.starts_with("<<<<<<< ") || line.trim_end() == "<<<<<<<" {
            open.get_or_insert(offset);
        } else if open.is_some() && (line.starts_with(">>>>>>> ") || line.trim_end() == ">>>>>>>") {
            return open;
        }
        offset += line.len();
    }
    None
}

/// Decode the text of a multiline notebook field (a string or a list of strings) with its
/// map to raw offsets. Used for outputs (`text`, `data["text/plain"]`, `traceback`).
pub fn mapped_multiline(text: &str, node: &Node) -> Option<MappedText> {
    let mut out = MappedText::default();
    match &node.value {
        json::Value::String => out.push_literal(text, node.range),
        json::Value::Array(items) => {
            for item in items.iter().filter(|i| i.is_string()) {
                out.push_literal(text, item.range);
            }
        }
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nb(cells: &str) -> String {
        format!(r#"{{"cells": [{cells}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#)
    }

    #[test]
    fn source_as_list_and_string() {
        let text = nb(
            r##"{"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [], "source": ["import os\n", "x = \"a\tb\""]},
               {"cell_type": "markdown", "metadata": {}, "source": "# Title\nmore"}"##,
        );
        let nb = Notebook::parse(&text).unwrap();
        assert_eq!(nb.cells.len(), 2);
        assert_eq!(nb.cells[0].source.text, "import os\nx = \"a\tb\"");
        assert_eq!(nb.cells[0].execution_count, Some(1));
        assert_eq!(nb.cells[1].source.text, "# Title\nmore");
        assert_eq!(nb.cells[1].kind, CellKind::Markdown);
        assert_eq!(nb.cells[1].number, 2);
    }

    #[test]
    fn locate_round_trips_through_escapes() {
        let text = nb(
            r#"{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["a = 1\n", "key = \"sk-\u00e9x\"\n", "b"]}"#,
        );
        let nb = Notebook::parse(&text).unwrap();
        let cell = &nb.cells[0];
        // `x` after the escaped `é` on cell line 2.
        let decoded = cell.source.text.find('x').unwrap();
        let raw = cell.to_raw(TextRange::new(decoded, decoded + 1));
        assert_eq!(&text[raw.start()..raw.end()], "x");
        let loc = nb.locate(raw.start()).unwrap();
        assert_eq!(loc.cell, 1);
        assert_eq!(
            loc.part,
            CellPart::Source(LineCol {
                line: 2,
                column: 12
            })
        );
        // The last line `b`.
        let b = cell.source.text.rfind('b').unwrap();
        let raw_b = cell.to_raw(TextRange::new(b, b + 1));
        assert_eq!(
            nb.locate(raw_b.start()).unwrap().part,
            CellPart::Source(LineCol { line: 3, column: 1 })
        );
        // The execution count is part of the cell, not its source.
        let ec = cell.execution_count_range.unwrap();
        assert_eq!(nb.locate(ec.start()).unwrap().part, CellPart::Cell);
    }

    #[test]
    fn surrogate_pairs_count_as_one_column() {
        let text = nb(
            r#"{"cell_type": "code", "metadata": {}, "outputs": [], "source": "s = '\ud83d\ude00' + t"}"#,
        );
        let nb = Notebook::parse(&text).unwrap();
        let cell = &nb.cells[0];
        let t = cell.source.text.find('t').unwrap();
        let raw = cell.to_raw(TextRange::new(t, t + 1));
        assert_eq!(&text[raw.start()..raw.end()], "t");
        assert_eq!(
            nb.locate(raw.start()).unwrap().part,
            CellPart::Source(LineCol {
                line: 1,
                column: 11
            })
        );
    }

    #[test]
    fn empty_cells_and_outputs() {
        let text = nb(
            r#"{"cell_type": "code", "execution_count": 3, "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["hi\n"]}], "source": []},
               {"cell_type": "raw", "metadata": {}, "source": ""}"#,
        );
        let nb = Notebook::parse(&text).unwrap();
        assert_eq!(nb.cells[0].source.text, "");
        assert_eq!(nb.cells[1].source.text, "");
        let out = &nb.cells[0].output_nodes()[0];
        assert_eq!(
            nb.locate(out.range.start() + 3).unwrap().part,
            CellPart::Output
        );
        let src = nb.cells[0].to_raw(TextRange::empty(0));
        assert_eq!(nb.locate(src.start()).unwrap().cell, 1);
    }

    #[test]
    fn nbformat3_worksheets() {
        let text = r#"{"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": [
            {"cell_type": "code", "collapsed": false, "input": ["x = 1"], "language": "python", "metadata": {}, "outputs": [], "prompt_number": 2},
            {"cell_type": "heading", "level": 1, "metadata": {}, "source": ["T"]}]}]}"#;
        let nb = Notebook::parse(text).unwrap();
        assert_eq!(nb.cells.len(), 2);
        assert_eq!(nb.cells[0].source.text, "x = 1");
        assert_eq!(nb.cells[0].execution_count, Some(2));
        assert_eq!(nb.cells[1].kind, CellKind::Other);
    }

    #[test]
    fn clear_errors() {
        let cases = [
            ("[1, 2]", "not a notebook"),
            ("{}", "no `cells`"),
            (
                "{\"cells\": [{\"source\": \"\"}], \"nbformat\": 4}",
                "no `cell_type`",
            ),
            (
                "{\"cells\": [{\"cell_type\": \"code\"}], \"nbformat\": 4}",
                "no `source`",
            ),
            ("{\"cells\": [], \"nbformat\": 5}", "unsupported nbformat 5"),
            ("{\"cells\": [", "truncated"),
        ];
        for (text, want) in cases {
            let err = Notebook::parse(text).unwrap_err();
            assert!(err.message.contains(want), "{text}: {}", err.message);
        }
        let conflict =
            "{\n<<<<<<< HEAD\n \"cells\": [],\n=======\n \"cells\": [1],\n>>>>>>> other\n}";
        let err = Notebook::parse(conflict).unwrap_err();
        assert!(err.message.contains("merge conflict"));
        assert_eq!(err.offset, 2);
    }
}
