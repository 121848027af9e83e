//! Byte positions and line/column lookups.
//!
//! Every position mlcheck stores is a byte offset into a file's *raw* text (the JSON of a
//! notebook, the YAML of an MLproject), held as `u32` like ruff's `TextSize`. Lines and
//! columns are derived on demand and are always **1-based**; columns count Unicode scalar
//! values (not bytes, not UTF-16 units), which is what SARIF's `unicodeCodePoints` means.

use serde::Serialize;

/// A half-open byte range `[start, end)` in some text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self {
            start: start as u32,
            end: end as u32,
        }
    }
    pub fn empty(at: usize) -> Self {
        Self::new(at, at)
    }
    pub fn start(self) -> usize {
        self.start as usize
    }
    pub fn end(self) -> usize {
        self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn contains(self, offset: usize) -> bool {
        self.start() <= offset && offset < self.end()
    }
    /// Shift a range by `delta` bytes (for ranges relative to a sub-slice).
    pub fn offset(self, delta: usize) -> Self {
        Self::new(self.start() + delta, self.end() + delta)
    }
}

impl From<std::ops::Range<usize>> for TextRange {
    fn from(r: std::ops::Range<usize>) -> Self {
        Self::new(r.start, r.end)
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a text, for offset → (line, column) lookups.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    /// Lines end at `\n`; a `\r\n` pair counts as one line ending, a lone `\r` does not
    /// (the convention of editors and of GitHub's file view).
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        for pos in memchr::memchr_iter(b'\n', text.as_bytes()) {
            starts.push(pos as u32 + 1);
        }
        Self { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line number holding `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&(offset as u32)) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of 0-based `line`, without its line ending.
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.starts.get(line).map_or(text.len(), |s| *s as usize);
        let mut end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |s| *s as usize);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
            if end > start && bytes.get(end - 1) == Some(&b'\r') {
                end -= 1;
            }
        }
        TextRange::new(start, end.max(start))
    }

    /// 1-based line and column of `offset` (clamped to the text, never panics).
    pub fn line_col(&self, offset: usize, text: &str) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line] as usize;
        let column = text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a 1-based line and column (clamped to the line and the text).
    pub fn offset(&self, pos: LineCol, text: &str) -> usize {
        let line = pos.line.saturating_sub(1).min(self.starts.len() - 1);
        let range = self.line_range(line, text);
        let line_text = &text[range.start()..range.end()];
        let col = pos.column.saturating_sub(1);
        let within = line_text
            .char_indices()
            .nth(col)
            .map_or(line_text.len(), |(i, _)| i);
        range.start() + within
    }
}

/// The largest char boundary `<= offset` (std's `str::floor_char_boundary`, clamped to the
/// text's length).
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    text.floor_char_boundary(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_is_one_based_and_counts_chars() {
        let text = "ab\né x\r\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(0, text), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(3, text), LineCol { line: 2, column: 1 });
        // `x` sits after a two-byte `é` and a space: byte 6, column 3.
        assert_eq!(idx.line_col(6, text), LineCol { line: 2, column: 3 });
        assert_eq!(idx.line_col(9, text), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_range(1, text), TextRange::new(3, 7));
        assert_eq!(idx.offset(LineCol { line: 2, column: 3 }, text), 6);
        // Offsets inside a multi-byte char or past the end clamp instead of panicking.
        assert_eq!(idx.line_col(4, text), LineCol { line: 2, column: 1 });
        assert_eq!(idx.line_col(999, text).line, 3);
    }
}
