//! `mlcheck fix --strip-outputs`: nbstripout 0.9.1, byte for byte, without Python.
//!
//! nbstripout reads a notebook with `nbformat.read`, edits the parsed notebook and writes it
//! back with `nbformat.write`. This module does the same three steps on a zero-copy JSON
//! tree ([`json`]): [`engine`] reproduces nbformat's reading (joining multi-line fields,
//! dropping transient keys, filling cell ids) and nbstripout's edits, [`writer`] reproduces
//! `json.dumps` as nbformat calls it for each format version. The promise: for any input
//! nbstripout accepts, [`strip_notebook`] returns the bytes nbstripout writes (with the same
//! options), and says whether the *parsed* notebook changed, which is what decides whether a
//! file is rewritten. Deliberate differences: `drop_tagged_cells` applies every tag (nbstripout
//! only the last one), `drop_empty_cells` reads a v3 code cell's `input` (nbstripout drops
//! every v3 code cell), and inputs nbstripout would crash on are errors, never panics.

pub mod engine;
pub mod json;
pub mod options;
pub mod pyrepr;
pub mod writer;

pub use engine::{StripError, StripOutcome, strip_notebook, strip_notebook_if_changed};
pub use options::{OPTIONS, StripOption, Value};

/// nbstripout's options; also the `[strip]` table of the config file. Each field has one row
/// in [`OPTIONS`], which gives its config key, its flag and how it is parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Keep every output (`--keep-output`). When false, a notebook's `metadata.keep_output`
    /// decides, as in nbstripout.
    pub keep_output: bool,
    /// Keep execution counts and prompt numbers.
    pub keep_count: bool,
    /// Keep cell ids instead of renumbering them `"0"`, `"1"`, ….
    pub keep_id: bool,
    /// More dotted keys to strip (`metadata.x`, `cell.metadata.y`).
    pub extra_keys: Vec<String>,
    /// Keys to keep although they are on the strip list.
    pub keep_metadata_keys: Vec<String>,
    /// Drop cells whose source is empty or whitespace.
    pub drop_empty_cells: bool,
    /// Drop cells carrying any of these tags.
    pub drop_tagged_cells: Vec<String>,
    /// Strip the outputs of `init_cell` cells too.
    pub strip_init_cells: bool,
    /// Keep outputs whose summed string length is at most this (0: drop all).
    pub max_size: i64,
    /// Keep outputs of these types (`error`, `stream:stderr`) even when stripping.
    pub keep_output_type: Vec<String>,
    /// Drop outputs of these types even when outputs are kept.
    pub drop_output_type: Vec<String>,
}

/// nbstripout's default strip list.
pub const DEFAULT_EXTRA_KEYS: &[&str] = &[
    "metadata.signature",
    "metadata.widgets",
    "cell.metadata.collapsed",
    "cell.metadata.ExecuteTime",
    "cell.metadata.execution",
    "cell.metadata.heading_collapsed",
    "cell.metadata.hidden",
    "cell.metadata.scrolled",
];

/// What a cell's metadata says about keeping its outputs. The stripper reads it from its
/// own JSON tree and the notebook rules from theirs; both then ask [`Options::keeps_output`],
/// so `check` never flags what `fix --strip-outputs` keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeepMarks {
    /// `metadata.init_cell`, when present: whether it is truthy.
    pub init_cell: Option<bool>,
    /// `metadata.keep_output`, when present: whether it is truthy.
    pub keep_output: Option<bool>,
    /// The cell has the `keep_output` tag.
    pub tagged: bool,
}

/// A cell whose `keep_output` metadata is false while it has the `keep_output` tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepContradiction;

impl Options {
    /// nbstripout's keep-output decision for one cell (`determine_keep_output`):
    /// `init_cell` decides first (unless `strip-init-cells`), then the cell's `keep_output`
    /// metadata or tag, then `keep-output` or the notebook's `metadata.keep_output`
    /// (`notebook_keep`).
    pub fn keeps_output(
        &self,
        notebook_keep: bool,
        marks: KeepMarks,
    ) -> Result<bool, KeepContradiction> {
        if let Some(init) = marks.init_cell {
            return Ok(init && !self.strip_init_cells);
        }
        if marks.keep_output == Some(false) && marks.tagged {
            return Err(KeepContradiction);
        }
        Ok(match (marks.keep_output, marks.tagged) {
            (None, false) => self.keep_output || notebook_keep,
            (meta, tagged) => meta.unwrap_or(false) || tagged,
        })
    }

    /// Whether one output stays in a cell whose keep decision is `keep`: `over_max_size`
    /// says whether it is bigger than `max-size` (nbstripout's `get_size`), `matches`
    /// whether it matches an `output_type[:name]` spec of `keep-output-type` or
    /// `drop-output-type`.
    pub fn keeps_one_output(
        &self,
        keep: bool,
        over_max_size: bool,
        matches: impl Fn(&str) -> bool,
    ) -> bool {
        let survives = if !keep || !self.keep_output_type.is_empty() {
            !over_max_size || self.keep_output_type.iter().any(|t| matches(t))
        } else {
            true
        };
        survives && !self.drop_output_type.iter().any(|t| matches(t))
    }

    /// The strip list: defaults + `extra_keys`, minus `keep_metadata_keys` (exact match).
    pub fn strip_keys(&self) -> Vec<String> {
        DEFAULT_EXTRA_KEYS
            .iter()
            .map(|k| k.to_string())
            .chain(self.extra_keys.iter().cloned())
            .filter(|k| !self.keep_metadata_keys.contains(k))
            .collect()
    }

    /// Keys of the strip list that start with neither `metadata.` nor `cell.`: nbstripout
    /// warns and ignores them.
    pub fn invalid_keys(&self) -> Vec<String> {
        self.strip_keys()
            .into_iter()
            .filter(|k| split_key(k).is_none())
            .collect()
    }

    /// Output types that nbstripout cannot parse (more than one `:`).
    pub fn invalid_output_types(&self) -> Vec<String> {
        self.keep_output_type
            .iter()
            .chain(&self.drop_output_type)
            .filter(|t| t.matches(':').count() > 1)
            .cloned()
            .collect()
    }
}

/// `("metadata", "x.y")` or `("cell", "metadata.y")`; `None` for keys nbstripout ignores.
pub(crate) fn split_key(key: &str) -> Option<(&str, &str)> {
    let (ns, rest) = key.split_once('.')?;
    matches!(ns, "metadata" | "cell").then_some((ns, rest))
}

/// nbstripout's `--max-size`: an integer with an optional `K`, `M` or `G` (powers of 1000).
pub fn parse_size(text: &str) -> Result<i64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let (digits, mult) = match upper.chars().last() {
        Some('K') => (&upper[..upper.len() - 1], 1_000),
        Some('M') => (&upper[..upper.len() - 1], 1_000_000),
        Some('G') => (&upper[..upper.len() - 1], 1_000_000_000),
        Some(c) if c.is_ascii_digit() => (&upper[..], 1),
        _ => {
            return Err(format!(
                "invalid size `{text}`: use digits with an optional K, M or G"
            ));
        }
    };
    let digits = digits.trim().replace('_', "");
    digits
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .ok_or_else(|| format!("invalid size `{text}`: use digits with an optional K, M or G"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("1k"), Ok(1000));
        assert_eq!(parse_size("2M"), Ok(2_000_000));
        assert!(parse_size("1T").is_err());
        assert!(parse_size("").is_err());
    }

    #[test]
    fn config_table() {
        let opts: Options = toml::from_str(
            "keep-count = true\nextra-keys = \"metadata.a cell.metadata.b\"\nmax-size = \"1K\"\ndrop-tagged-cells = [\"x\", \"y\"]",
        )
        .unwrap();
        assert!(opts.keep_count);
        assert_eq!(opts.extra_keys, ["metadata.a", "cell.metadata.b"]);
        assert_eq!(opts.max_size, 1000);
        assert_eq!(opts.drop_tagged_cells, ["x", "y"]);
        assert!(toml::from_str::<Options>("bogus = 1").is_err());
    }

    #[test]
    fn keep_metadata_keys_remove_from_the_strip_list() {
        let opts = Options {
            keep_metadata_keys: vec!["cell.metadata.scrolled".into()],
            extra_keys: vec!["foo.bar".into()],
            ..Options::default()
        };
        let keys = opts.strip_keys();
        assert!(!keys.contains(&"cell.metadata.scrolled".to_string()));
        assert_eq!(opts.invalid_keys(), ["foo.bar"]);
    }
}
