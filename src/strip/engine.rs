//! nbformat's reading and nbstripout's `strip_output`, step by step, on the [`Val`] tree.
//!
//! Every branch mirrors a line of nbformat 5.11.1 or nbstripout 0.9.1; where Python would
//! raise (a missing key read as an attribute, `"".join` of a non-string …), this returns a
//! [`StripError`] so that the caller leaves the file alone.

use std::borrow::Cow;

use super::json::{self, Obj, Str, Val};
use super::pyrepr;
use super::writer::{self, Format};
use super::{KeepMarks, Options, split_key};

/// The stripped notebook and whether the parsed notebook changed (nbstripout's
/// `nb_orig != nb_stripped`): an unchanged file is not rewritten in place, but `text` is
/// still the canonical layout a git filter would print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripOutcome {
    pub text: String,
    pub changed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StripError {
    /// Not JSON that Python's `json.loads` accepts.
    Json(json::ParseError),
    /// JSON, but not a notebook nbformat can read and write.
    Invalid(String),
    /// A cell's `keep_output` metadata is false but it has the `keep_output` tag.
    Contradiction { cell: usize },
}

impl std::fmt::Display for StripError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StripError::Json(e) => write!(f, "not valid JSON: {e}"),
            StripError::Invalid(msg) => write!(f, "not a valid notebook: {msg}"),
            StripError::Contradiction { cell } => write!(
                f,
                "cell {cell}: metadata `keep_output` is false but the cell has the `keep_output` tag"
            ),
        }
    }
}

impl std::error::Error for StripError {}

fn invalid(msg: impl Into<String>) -> StripError {
    StripError::Invalid(msg.into())
}

type R<T> = Result<T, StripError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    /// No `nbformat` key: nbformat reads it as version 1.
    V1,
    V2,
    V3,
    V4 {
        minor: i64,
    },
}

/// Strip `text` as nbstripout does with these options.
pub fn strip_notebook(text: &str, opts: &Options) -> R<StripOutcome> {
    let mut out = String::with_capacity(text.len() / 4 + 64);
    let changed = run(text, opts, true, &mut out)?;
    Ok(StripOutcome { text: out, changed })
}

/// Like [`strip_notebook`] but skips writing when the parsed notebook does not change
/// (the in-place fast path): `Ok(None)` means "leave the file alone".
pub fn strip_notebook_if_changed(text: &str, opts: &Options) -> R<Option<String>> {
    let mut out = String::new();
    Ok(strip_notebook_into(text, opts, &mut out)?.then_some(out))
}

/// [`strip_notebook_if_changed`] writing into a caller's buffer (cleared first, reused
/// across notebooks): `Ok(true)` when the notebook changed and `out` holds it, `Ok(false)`
/// when the file is to be left alone (`out` is then empty).
pub fn strip_notebook_into(text: &str, opts: &Options, out: &mut String) -> R<bool> {
    out.clear();
    run(text, opts, false, out)
}

/// Strip `text`; write the result into `out` when it changed or `always_write`.
fn run(text: &str, opts: &Options, always_write: bool, out: &mut String) -> R<bool> {
    let mut root = json::parse(text).map_err(StripError::Json)?;
    let Val::Obj(nb) = &mut root else {
        return Err(invalid("the top level is not an object"));
    };
    let version = version(nb)?;
    match version {
        Version::V4 { minor } => read_v4(nb, minor, opts.keep_id)?,
        Version::V3 | Version::V2 => read_v3(nb, version)?,
        Version::V1 => {}
    }
    let changed = strip_output(nb, version, opts)?;
    if !changed && !always_write {
        return Ok(false);
    }
    let fmt = match version {
        Version::V4 { .. } => {
            write_v4(nb)?;
            Format::V4
        }
        Version::V3 | Version::V2 => {
            write_v3(nb, version)?;
            Format::V3
        }
        Version::V1 => Format::V1,
    };
    writer::write_document_into(&root, fmt, out).map_err(|_| {
        out.clear();
        invalid("a string holds a lone surrogate (`\\ud800`…), which UTF-8 cannot encode")
    })?;
    Ok(changed)
}

fn version(nb: &Obj<'_>) -> R<Version> {
    let minor = match nb.get("nbformat_minor") {
        None => 0,
        Some(Val::Int(d)) => d.parse::<i64>().unwrap_or(if d.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        }),
        Some(_) => return Err(invalid("`nbformat_minor` is not an integer")),
    };
    Ok(match nb.get("nbformat") {
        None => Version::V1,
        Some(Val::Int(d)) if d == "4" => Version::V4 { minor },
        Some(Val::Int(d)) if d == "3" => Version::V3,
        Some(Val::Int(d)) if d == "2" => Version::V2,
        Some(other) => {
            let mut shown = String::new();
            if let Val::Int(d) = other {
                shown.push_str(d);
            }
            return Err(invalid(
                format!("unsupported `nbformat` version {shown}")
                    .trim_end()
                    .to_string(),
            ));
        }
    })
}

// ---------------------------------------------------------------- reading (nbformat)

fn obj_mut<'v, 'a>(v: &'v mut Val<'a>, what: &str) -> R<&'v mut Obj<'a>> {
    v.as_obj_mut()
        .ok_or_else(|| invalid(format!("{what} is not an object")))
}

fn arr_mut<'v, 'a>(v: &'v mut Val<'a>, what: &str) -> R<&'v mut Vec<Val<'a>>> {
    v.as_arr_mut()
        .ok_or_else(|| invalid(format!("{what} is not a list")))
}

fn require<'v, 'a>(o: &'v mut Obj<'a>, key: &str, what: &str) -> R<&'v mut Val<'a>> {
    o.get_mut(key)
        .ok_or_else(|| invalid(format!("{what} has no `{key}`")))
}

/// `"".join(list)`: every item must be a string.
fn join(items: &[Val<'_>], sep: &str, what: &str) -> R<String> {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let Val::Str(s) = item else {
            return Err(invalid(format!("{what} holds a non-string line")));
        };
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&s.text());
    }
    Ok(out)
}

fn join_in_place(v: &mut Val<'_>, what: &str) -> R<()> {
    if let Val::Arr(items) = v {
        *v = Val::Str(Str::Owned(join(items, "", what)?));
    }
    Ok(())
}

/// Whether `splitlines(keepends=True)` of the items joined gives the items back: every
/// item a string, none empty, each one line ending with its only line break (the last may
/// have none), and no `\r` at the end of one before a `\n` at the start of the next.
/// Decided on the raw literals; an item with a `\u` or `\f` escape, or a raw U+0085,
/// U+2028 or U+2029 (other line breaks of Python's), is left to the join.
fn lines_survive_join(items: &[Val<'_>]) -> bool {
    let n = items.len();
    let mut prev_cr = false;
    for (i, item) in items.iter().enumerate() {
        let Val::Str(Str::Raw { raw, .. }) = item else {
            return false;
        };
        let b = raw.as_bytes();
        if b.is_empty()
            || prev_cr && b.starts_with(b"\\n")
            || raw.contains(['\u{85}', '\u{2028}', '\u{2029}'])
        {
            return false;
        }
        // Where the line breaks (`\n`, `\r`) are: the first one must start the ending.
        let mut first_break = None;
        let mut at = 0;
        // `str::find`, not the memchr crate (see `json::decode_with`).
        while let Some(off) = raw[at..].find('\\') {
            let e = at + off;
            match b.get(e + 1) {
                Some(b'n' | b'r') => {
                    first_break.get_or_insert(e);
                }
                Some(b'u' | b'f') | None => return false,
                Some(_) => {}
            }
            at = e + 2;
        }
        let ending = first_break
            .is_some_and(|f| f + 2 == b.len() || f + 4 == b.len() && b.ends_with(b"\\r\\n"));
        match first_break {
            None if i + 1 == n => {}
            None => return false,
            Some(_) if !ending => return false,
            Some(_) => {}
        }
        prev_cr = b.ends_with(b"\\r");
    }
    true
}

fn is_json_mime(mime: &str) -> bool {
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

fn rejoin_mimebundle(data: &mut Val<'_>) -> R<()> {
    let data = obj_mut(data, "a mime bundle")?;
    for (key, value) in &mut data.0 {
        if let Val::Arr(items) = value
            && !is_json_mime(&key.text())
            && items.iter().all(|i| matches!(i, Val::Str(_)))
        {
            *value = Val::Str(Str::Owned(join(items, "", "a mime bundle")?));
        }
    }
    Ok(())
}

fn rejoin_output_v4(output: &mut Val<'_>) -> R<()> {
    let output = obj_mut(output, "an output")?;
    let kind = output.get("output_type");
    let rich = kind.is_some_and(|k| k.is_str("execute_result") || k.is_str("display_data"));
    let truthy = kind.is_some_and(Val::truthy);
    if rich {
        if let Some(data) = output.get_mut("data") {
            rejoin_mimebundle(data)?;
        }
    } else if truthy && let Some(text) = output.get_mut("text") {
        join_in_place(text, "an output's `text`")?;
    }
    Ok(())
}

/// The checks `rejoin_output_v4` would fail, without joining (outputs are joined only if
/// they survive stripping).
fn check_output_v4(output: &Val<'_>) -> R<()> {
    let output = output
        .as_obj()
        .ok_or_else(|| invalid("an output is not an object"))?;
    let kind = output.get("output_type");
    let rich = kind.is_some_and(|k| k.is_str("execute_result") || k.is_str("display_data"));
    if rich {
        if let Some(data) = output.get("data") {
            data.as_obj()
                .ok_or_else(|| invalid("an output's `data` is not an object"))?;
        }
    } else if kind.is_some_and(Val::truthy)
        && let Some(Val::Arr(items)) = output.get("text")
        && !items.iter().all(|i| matches!(i, Val::Str(_)))
    {
        return Err(invalid("an output's `text` holds a non-string line"));
    }
    Ok(())
}

fn read_v4(nb: &mut Obj<'_>, minor: i64, keep_id: bool) -> R<()> {
    let cells = arr_mut(require(nb, "cells", "the notebook")?, "`cells`")?;
    for cell in cells.iter_mut() {
        let cell = obj_mut(cell, "a cell")?;
        if let Some(source) = cell.get_mut("source") {
            // Joined here and split again when written: a list that splitting its join
            // gives back (one line per item, as nbformat writes them) is kept as it is,
            // which spares a string per line twice over.
            if !matches!(source, Val::Arr(items) if lines_survive_join(items)) {
                join_in_place(source, "a cell's `source`")?;
            }
        }
        if let Some(att) = cell.get_mut("attachments") {
            for (_, bundle) in &mut obj_mut(att, "`attachments`")?.0 {
                rejoin_mimebundle(bundle)?;
            }
        }
        if cell.get("cell_type").is_some_and(|t| t.is_str("code"))
            && let Some(outputs) = cell.get("outputs")
        {
            let outputs = outputs
                .as_arr()
                .ok_or_else(|| invalid("a cell's `outputs` is not a list"))?;
            for output in outputs {
                check_output_v4(output)?;
            }
        }
    }
    strip_transient_v4(nb)?;
    if minor >= 5 && !keep_id {
        // nbformat's validate() gives cells without an id (and repeated ids) a random id;
        // nbstripout then renumbers every id. A placeholder that can never equal "0", "1"…
        // stands for the random id.
        let cells = arr_mut(require(nb, "cells", "the notebook")?, "`cells`")?;
        let mut seen = std::collections::HashSet::new();
        for cell in cells.iter_mut() {
            let cell = obj_mut(cell, "a cell")?;
            let fresh = match cell.get("id") {
                None => true,
                Some(Val::Str(s)) => !seen.insert(s.text().into_owned()),
                Some(_) => false,
            };
            if fresh {
                cell.set("id", Val::Str(Str::owned("\u{0}random")));
            }
        }
    }
    Ok(())
}

fn strip_transient_v4(nb: &mut Obj<'_>) -> R<()> {
    let md = obj_mut(
        require(nb, "metadata", "the notebook")?,
        "the notebook's `metadata`",
    )?;
    md.remove("orig_nbformat");
    md.remove("orig_nbformat_minor");
    md.remove("signature");
    let cells = arr_mut(require(nb, "cells", "the notebook")?, "`cells`")?;
    for cell in cells.iter_mut() {
        let cell = obj_mut(cell, "a cell")?;
        let md = obj_mut(require(cell, "metadata", "a cell")?, "a cell's `metadata`")?;
        md.remove("trusted");
    }
    Ok(())
}

const V3_MULTILINE: &[&str] = &["text", "html", "svg", "latex", "javascript", "json"];

/// v3 `_join_lines` (v2 always joins with `\n`).
fn join_lines(v: &mut Val<'_>, version: Version, what: &str) -> R<()> {
    if let Val::Arr(items) = v {
        let first_ends = match items.first() {
            Some(Val::Str(s)) => {
                let t = s.text();
                t.ends_with('\n') || t.ends_with('\r')
            }
            Some(_) => return Err(invalid(format!("{what} holds a non-string line"))),
            None => false,
        };
        let sep = if version == Version::V3 && first_ends {
            ""
        } else {
            "\n"
        };
        *v = Val::Str(Str::Owned(join(items, sep, what)?));
    }
    Ok(())
}

fn worksheets_cells<'v, 'a>(
    nb: &'v mut Obj<'a>,
) -> R<impl Iterator<Item = R<&'v mut Vec<Val<'a>>>>> {
    let wss = arr_mut(require(nb, "worksheets", "the notebook")?, "`worksheets`")?;
    Ok(wss.iter_mut().map(|ws| {
        let ws = obj_mut(ws, "a worksheet")?;
        arr_mut(
            require(ws, "cells", "a worksheet")?,
            "a worksheet's `cells`",
        )
    }))
}

fn read_v3(nb: &mut Obj<'_>, version: Version) -> R<()> {
    for cells in worksheets_cells(nb)? {
        for cell in cells?.iter_mut() {
            let cell = obj_mut(cell, "a cell")?;
            let is_code = require(cell, "cell_type", "a cell")?.is_str("code");
            if is_code {
                if let Some(input) = cell.get_mut("input") {
                    join_lines(input, version, "a cell's `input`")?;
                }
                let outputs = arr_mut(require(cell, "outputs", "a code cell")?, "`outputs`")?;
                for output in outputs.iter_mut() {
                    let output = obj_mut(output, "an output")?;
                    for key in V3_MULTILINE {
                        if let Some(v) = output.get_mut(key) {
                            join_lines(v, version, "an output")?;
                        }
                    }
                }
            } else {
                for key in ["source", "rendered"] {
                    if let Some(v) = cell.get_mut(key) {
                        join_lines(v, version, "a cell's `source`")?;
                    }
                }
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- nbstripout

/// nbstripout's `pop_recursive`: whether something was removed.
fn pop_recursive(d: &mut Val<'_>, key: &str) -> bool {
    match d {
        Val::Obj(o) => pop_obj(o, key),
        _ => false,
    }
}

fn pop_obj(o: &mut Obj<'_>, key: &str) -> bool {
    if o.remove(key).is_some() {
        return true;
    }
    let Some((head, tail)) = key.split_once('.') else {
        return false;
    };
    match o.get_mut(head) {
        Some(inner) => pop_recursive(inner, tail),
        None => false,
    }
}

/// Python's `needle in container` for the `tags` value.
fn tags_contain(tags: Option<&Val<'_>>, needle: &str) -> R<bool> {
    Ok(match tags {
        None => false,
        Some(Val::Arr(items)) => items.iter().any(|t| t.is_str(needle)),
        Some(Val::Str(s)) => s.text().contains(needle),
        Some(Val::Obj(o)) => o.contains(needle),
        Some(_) => return Err(invalid("a cell's `tags` is not a list")),
    })
}

fn cell_tags<'v, 'a>(cell: &'v Obj<'a>) -> R<Option<&'v Val<'a>>> {
    match cell.get("metadata") {
        None => Ok(None),
        Some(Val::Obj(md)) => Ok(md.get("tags")),
        Some(_) => Err(invalid("a cell's `metadata` is not an object")),
    }
}

fn determine_keep_output(
    cell: &Obj<'_>,
    notebook_keep: bool,
    opts: &Options,
    index: usize,
) -> R<bool> {
    let Some(md) = cell.get("metadata") else {
        return Ok(opts
            .keeps_output(notebook_keep, KeepMarks::default())
            .unwrap_or(false));
    };
    let md = md
        .as_obj()
        .ok_or_else(|| invalid("a cell's `metadata` is not an object"))?;
    let marks = KeepMarks {
        init_cell: md.get("init_cell").map(Val::truthy),
        keep_output: md.get("keep_output").map(Val::truthy),
        tagged: tags_contain(md.get("tags"), "keep_output")?,
    };
    opts.keeps_output(notebook_keep, marks)
        .map_err(|_| StripError::Contradiction { cell: index })
}

/// nbstripout's `get_size`, stopping once it exceeds `limit`.
fn size_exceeds(v: &Val<'_>, limit: i64, acc: &mut i64) -> bool {
    let add = match v {
        Val::Str(s) => {
            // A code point takes at most 4 UTF-8 bytes (and an escape at most 12 raw
            // bytes): a string far over the limit needs no exact count.
            let raw_len = match s {
                Str::Raw { raw, .. } => raw.len(),
                Str::Owned(o) => o.len(),
            } as i64;
            if raw_len / 12 > limit.saturating_sub(*acc) {
                raw_len / 12
            } else {
                s.py_len() as i64
            }
        }
        Val::Arr(items) => return items.iter().any(|i| size_exceeds(i, limit, acc)),
        Val::Obj(o) => return o.0.iter().any(|(_, i)| size_exceeds(i, limit, acc)),
        Val::Null | Val::Bool(true) => 4,
        Val::Bool(false) => 5,
        Val::Int(d) => d.len() as i64,
        Val::Float(f) => pyrepr::float_str_len(*f) as i64,
    };
    *acc += add;
    *acc > limit
}

fn match_output_type(output: &Val<'_>, spec: &str) -> bool {
    let Some(o) = output.as_obj() else {
        return false;
    };
    let (kind, name) = match spec.split_once(':') {
        Some((k, n)) => (k, Some(n)),
        None => (spec, None),
    };
    o.get("output_type").is_some_and(|t| t.is_str(kind))
        && name.is_none_or(|n| o.get("name").is_some_and(|v| v.is_str(n)))
}

fn is_empty_source(cell: &Obj<'_>, version: Version) -> R<bool> {
    // nbstripout reads `source` only, which drops every v3 code cell (their code is in
    // `input`); reading `input` there keeps the option's meaning.
    let key = if matches!(version, Version::V3 | Version::V2)
        && cell.get("cell_type").is_some_and(|t| t.is_str("code"))
    {
        "input"
    } else {
        "source"
    };
    Ok(match cell.get(key) {
        None => true,
        Some(Val::Str(s)) => s.text().chars().all(pyrepr::is_space),
        Some(Val::Arr(lines)) => lines.iter().all(|l| match l {
            Val::Str(s) => s.text().chars().all(pyrepr::is_space),
            _ => false,
        }),
        Some(_) => return Err(invalid("a cell's `source` is not text")),
    })
}

fn keep_cell(cell: &Val<'_>, version: Version, opts: &Options) -> R<bool> {
    let cell = cell
        .as_obj()
        .ok_or_else(|| invalid("a cell is not an object"))?;
    if opts.drop_empty_cells && is_empty_source(cell, version)? {
        return Ok(false);
    }
    if !opts.drop_tagged_cells.is_empty() {
        let tags = cell_tags(cell)?;
        for tag in &opts.drop_tagged_cells {
            if tags_contain(tags, tag)? {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

fn strip_output(nb: &mut Obj<'_>, version: Version, opts: &Options) -> R<bool> {
    let mut changed = false;
    let keys = opts.strip_keys();
    let nb_md = require(nb, "metadata", "the notebook")?;
    let notebook_keep = nb_md
        .as_obj()
        .and_then(|md| md.get("keep_output"))
        .is_some_and(Val::truthy);
    let mut cell_keys = Vec::new();
    for key in &keys {
        match split_key(key) {
            Some(("metadata", sub)) => changed |= pop_recursive(nb_md, sub),
            Some((_, sub)) => cell_keys.push(sub),
            None => {}
        }
    }

    let mut lists: Vec<&mut Vec<Val<'_>>> = Vec::new();
    if matches!(version, Version::V3 | Version::V2) {
        for cells in worksheets_cells(nb)? {
            lists.push(cells?);
        }
    } else {
        lists.push(arr_mut(require(nb, "cells", "the notebook")?, "`cells`")?);
    }

    let mut index = 0usize;
    for cells in lists {
        if opts.drop_empty_cells || !opts.drop_tagged_cells.is_empty() {
            let mut keep = Vec::with_capacity(cells.len());
            for cell in cells.iter() {
                keep.push(keep_cell(cell, version, opts)?);
            }
            if keep.contains(&false) {
                changed = true;
                let mut it = keep.into_iter();
                cells.retain(|_| it.next().unwrap_or(true));
            }
        }
        for cell in cells.iter_mut() {
            let cell = obj_mut(cell, "a cell")?;
            changed |= strip_cell(cell, index, notebook_keep, opts, &cell_keys)?;
            index += 1;
        }
    }
    Ok(changed)
}

fn set_null(o: &mut Obj<'_>, key: &str) -> bool {
    match o.get_mut(key) {
        Some(v) if !v.is_null() => {
            *v = Val::Null;
            true
        }
        _ => false,
    }
}

fn strip_cell(
    cell: &mut Obj<'_>,
    index: usize,
    notebook_keep: bool,
    opts: &Options,
    cell_keys: &[&str],
) -> R<bool> {
    let mut changed = false;
    let keep = determine_keep_output(cell, notebook_keep, opts, index)?;
    if let Some(outputs) = cell.get_mut("outputs") {
        let outputs = arr_mut(outputs, "a cell's `outputs`")?;
        let before = outputs.len();
        // One decision per output, shared with the notebook rules (`Options::keeps_one_output`).
        // Sizes are only measured where the decision reads them.
        let measure = !keep || !opts.keep_output_type.is_empty();
        outputs.retain(|o| {
            let over = measure && size_exceeds(o, opts.max_size, &mut 0);
            opts.keeps_one_output(keep, over, |t| match_output_type(o, t))
        });
        changed |= outputs.len() != before;
        if !opts.keep_count {
            for output in outputs.iter_mut() {
                if let Val::Obj(o) = output {
                    changed |= set_null(o, "execution_count");
                }
            }
        }
    }
    if !opts.keep_count {
        changed |= set_null(cell, "prompt_number");
        changed |= set_null(cell, "execution_count");
    }
    if !opts.keep_id
        && let Some(id) = cell.get_mut("id")
    {
        let want = index.to_string();
        if !id.is_str(&want) {
            *id = Val::Str(Str::Owned(want));
            changed = true;
        }
    }
    for key in cell_keys {
        changed |= pop_obj(cell, key);
    }
    Ok(changed)
}

// ---------------------------------------------------------------- writing (nbformat)

fn split_in_place(v: &mut Val<'_>, keepends: bool) {
    if let Val::Str(s) = v {
        let text: Cow<'_, str> = s.text();
        let lines: Vec<Val<'static>> = pyrepr::splitlines(&text, keepends)
            .into_iter()
            .map(|l| Val::Str(Str::Owned(l.to_string())))
            .collect();
        *v = Val::Arr(lines);
    }
}

fn split_mimebundle(data: &mut Val<'_>) -> R<()> {
    let data = obj_mut(data, "a mime bundle")?;
    for (key, value) in &mut data.0 {
        if matches!(value, Val::Str(_)) {
            let k = key.text();
            if k.starts_with("text/") || k == "application/javascript" || k == "image/svg+xml" {
                split_in_place(value, true);
            }
        }
    }
    Ok(())
}

fn write_v4(nb: &mut Obj<'_>) -> R<()> {
    let cells = arr_mut(require(nb, "cells", "the notebook")?, "`cells`")?;
    for cell in cells.iter_mut() {
        let cell = obj_mut(cell, "a cell")?;
        if let Some(source) = cell.get_mut("source") {
            split_in_place(source, true);
        }
        if let Some(att) = cell.get_mut("attachments") {
            for (_, bundle) in &mut obj_mut(att, "`attachments`")?.0 {
                split_mimebundle(bundle)?;
            }
        }
        if require(cell, "cell_type", "a cell")?.is_str("code") {
            let outputs = arr_mut(require(cell, "outputs", "a code cell")?, "`outputs`")?;
            for output in outputs.iter_mut() {
                rejoin_output_v4(output)?;
                let output = obj_mut(output, "an output")?;
                let kind = require(output, "output_type", "an output")?;
                if kind.is_str("execute_result") || kind.is_str("display_data") {
                    if let Some(data) = output.get_mut("data") {
                        split_mimebundle(data)?;
                    }
                } else if kind.is_str("stream") {
                    split_in_place(require(output, "text", "a stream output")?, true);
                }
            }
        }
    }
    strip_transient_v4(nb)
}

fn write_v3(nb: &mut Obj<'_>, version: Version) -> R<()> {
    let keepends = version == Version::V3;
    if version == Version::V3 {
        nb.remove("orig_nbformat");
        nb.remove("orig_nbformat_minor");
    }
    for cells in worksheets_cells(nb)? {
        for cell in cells?.iter_mut() {
            let cell = obj_mut(cell, "a cell")?;
            if version == Version::V3 {
                if let Some(md) = cell.get_mut("metadata") {
                    obj_mut(md, "a cell's `metadata`")?.remove("trusted");
                }
                cell.remove("trusted");
            }
            if require(cell, "cell_type", "a cell")?.is_str("code") {
                if let Some(input) = cell.get_mut("input") {
                    split_in_place(input, keepends);
                }
                let outputs = arr_mut(require(cell, "outputs", "a code cell")?, "`outputs`")?;
                for output in outputs.iter_mut() {
                    let output = obj_mut(output, "an output")?;
                    for key in V3_MULTILINE {
                        if let Some(v) = output.get_mut(key) {
                            split_in_place(v, keepends);
                        }
                    }
                }
            } else {
                for key in ["source", "rendered"] {
                    if let Some(v) = cell.get_mut(key) {
                        split_in_place(v, keepends);
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What nbformat does: join the decoded lines, split them again.
    fn round_trip(items: &[Val<'_>]) -> Vec<String> {
        let joined = join(items, "", "source").unwrap();
        pyrepr::splitlines(&joined, true)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn source_lists_kept_only_when_the_round_trip_gives_them_back() {
        let cases = [
            (r#"["a\n", "b"]"#, true),
            (r#"["a\n", "b\n"]"#, true),
            (r#"["print(\"x\")\r\n", "y\\n"]"#, true),
            (r#"[]"#, true),
            (r#"["only"]"#, true),
            (r#"["a", "b"]"#, false),
            (r#"["a\n", ""]"#, false),
            (r#"["a\nb\n"]"#, false),
            (r#"["a\r", "\nb"]"#, false),
            (r#"["a\r", "b"]"#, true),
            (r#"["a\u2028b\n"]"#, false),
            ("[\"a\u{2028}b\\n\"]", false),
            ("[\"a\u{85}\"]", false),
            (r#"["a\fb"]"#, false),
            (r#"["a\\nb\n"]"#, true),
            (r#"["a\\\nb"]"#, false),
            (r#"["a\n\n"]"#, false),
            (r#"["\r\n", "\n"]"#, true),
            (r#"["x", 1]"#, false),
        ];
        for (text, kept) in cases {
            let v = json::parse(text).unwrap();
            let items = v.as_arr().unwrap();
            assert_eq!(lines_survive_join(items), kept, "{text}");
            if kept {
                let lines: Vec<String> = items
                    .iter()
                    .map(|i| i.as_str().unwrap().text().into_owned())
                    .collect();
                assert_eq!(round_trip(items), lines, "{text}");
            }
        }
    }
}
