//! Notebook hygiene rules (`NB000`–`NB009`): validity, execution order, committed outputs,
//! counts and volatile metadata. They read the notebook model (`source::notebook`) and point
//! at raw JSON ranges; Python-aware notebook rules (`NB010`, `NB011`) live in
//! `rules::python`.

mod committed_execution_counts;
mod committed_outputs;
mod duplicate_cell;
mod error_output;
mod execution_count_gap;
mod invalid_notebook;
mod large_output;
mod out_of_order_execution;
mod unexecuted_cell;
mod volatile_metadata;

pub use committed_execution_counts::NB003;
pub use committed_outputs::NB002;
pub use duplicate_cell::NB009;
pub use error_output::NB004;
pub use execution_count_gap::NB006;
pub use invalid_notebook::NB000;
pub use large_output::NB008;
pub use out_of_order_execution::NB001;
pub use unexecuted_cell::NB005;
pub use volatile_metadata::NB007;

use serde::Deserialize;

use crate::registry::RuleMeta;
use crate::rules::{Check, FileChecker, rule_count, rules_of};
use crate::source::SourceKind;
use crate::source::json::Node;
use crate::source::notebook::{Cell, Notebook};

/// The notebook rules, in the order they run on a notebook: each pass reads the notebook
/// model through [`Ctx`]. `NB000` runs before them, by hand in [`check`], on a notebook that
/// does not parse (there is no model, so no `Ctx`).
pub(crate) const CHECKS: &[Check<NotebookCheck>] = &[
    check![NB000],
    check![NB001 => out_of_order_execution::check],
    check![NB002 => committed_outputs::check],
    check![NB003 => committed_execution_counts::check],
    check![NB004 => error_output::check],
    check![NB005 => unexecuted_cell::check],
    check![NB006 => execution_count_gap::check],
    check![NB007 => volatile_metadata::check],
    check![NB008 => large_output::check],
    check![NB009 => duplicate_cell::check],
];

/// The signature of a notebook pass.
pub(crate) type NotebookCheck = fn(&mut FileChecker<'_>, &Ctx<'_>);

pub const RULES: &[&RuleMeta] = &rules_of::<_, { rule_count(CHECKS) }>(CHECKS);

/// Options from the `[notebook]` table of the config file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// `NB008 large-output`: the size, in bytes, above which one output is flagged.
    pub max_output_size: u64,
    /// `NB009 duplicate-cell`: the fewest non-blank lines a repeated cell must have.
    pub duplicate_min_lines: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_output_size: 500_000,
            duplicate_min_lines: 5,
        }
    }
}

pub fn check(checker: &mut FileChecker<'_>) {
    if checker.file.kind != SourceKind::Notebook || !checker.any_enabled(RULES) {
        return;
    }
    if checker.enabled(&NB000) {
        invalid_notebook::check(checker);
    }
    let Some(nb) = checker.file.notebook.as_ref() else {
        return;
    };
    let file = std::sync::Arc::clone(checker.file);
    let text = file.text.as_str();
    let ctx = Ctx {
        nb,
        text,
        strip: &checker.settings.strip,
    };
    for check in CHECKS {
        if let Some(run) = check.run
            && checker.any_enabled(check.rules)
        {
            run(checker, &ctx);
        }
    }
}

/// What every notebook rule reads.
pub(crate) struct Ctx<'a> {
    pub nb: &'a Notebook,
    pub text: &'a str,
    /// The `[strip]` settings: what `fix --strip-outputs` keeps is never flagged.
    pub strip: &'a crate::strip::Options,
}

impl Ctx<'_> {
    /// Whether `fix --strip-outputs` keeps this cell's outputs (nbstripout's decision, with
    /// the `[strip]` settings): the stripper's own [`crate::strip::Options::keeps_output`].
    /// A cell whose metadata and tag contradict each other is not kept (the stripper
    /// refuses it, so its outputs stay a finding).
    pub fn keeps_output(&self, cell: &Cell) -> bool {
        let notebook_keep = self
            .nb
            .notebook_metadata(self.text)
            .and_then(|m| m.get(self.text, "keep_output"))
            .is_some_and(|v| v.truthy(self.text));
        let marks = crate::strip::KeepMarks {
            init_cell: cell
                .metadata_value(self.text, "init_cell")
                .map(|v| v.truthy(self.text)),
            keep_output: cell
                .metadata_value(self.text, "keep_output")
                .map(|v| v.truthy(self.text)),
            tagged: cell.has_tag("keep_output"),
        };
        self.strip
            .keeps_output(notebook_keep, marks)
            .unwrap_or(false)
    }

    /// Whether `fix --strip-outputs` keeps this output of a cell whose decision is `keep`
    /// (`max-size`, `keep-output-type`, `drop-output-type`).
    pub fn keeps_one_output(&self, keep: bool, output: &Node) -> bool {
        let over =
            self.strip.max_size <= 0 || output_size_exceeds(self.text, output, self.strip.max_size);
        self.strip.keeps_one_output(keep, over, |spec| {
            let (kind, name) = match spec.split_once(':') {
                Some((k, n)) => (k, Some(n)),
                None => (spec, None),
            };
            self.output_type(output).is_some_and(|(t, _)| t == kind)
                && name.is_none_or(|n| {
                    output
                        .get(self.text, "name")
                        .and_then(|v| v.as_str(self.text))
                        .is_some_and(|v| v == n)
                })
        })
    }

    pub fn output_type<'n>(
        &self,
        output: &'n Node,
    ) -> Option<(std::borrow::Cow<'_, str>, &'n Node)> {
        let node = output.get(self.text, "output_type")?;
        Some((node.as_str(self.text)?, node))
    }
}

/// "cells 2, 3 and 5" / "cell 4" / "cells 1, 2, 3, … (12 in all)".
pub(crate) fn cell_list(numbers: &[usize]) -> String {
    const SHOWN: usize = 8;
    let shown: Vec<String> = numbers.iter().take(SHOWN).map(usize::to_string).collect();
    match numbers.len() {
        0 => String::new(),
        1 => format!("cell {}", shown[0]),
        n if n <= SHOWN => {
            let (last, rest) = shown.split_last().expect("n >= 2");
            format!("cells {} and {last}", rest.join(", "))
        }
        n => format!("cells {}, … ({n} in all)", shown.join(", ")),
    }
}

/// A one-byte range at the start of a node (its `[`, `{` or first digit): enough for a
/// location without dragging megabytes of JSON into a snippet.
pub(crate) fn head(node: &Node) -> crate::source::TextRange {
    crate::source::TextRange::new(
        node.range.start(),
        (node.range.start() + 1).min(node.range.end()),
    )
}

/// nbstripout's `get_size` (the summed length, in characters, of every string value) of an
/// output, compared with `limit`; stops counting once over it.
fn output_size_exceeds(text: &str, node: &Node, limit: i64) -> bool {
    fn walk(text: &str, node: &Node, acc: &mut i64, limit: i64) -> bool {
        use crate::source::json::Value;
        match &node.value {
            Value::String => {
                *acc += node.as_str(text).map_or(0, |s| s.chars().count() as i64);
            }
            Value::Array(items) => {
                for item in items {
                    if walk(text, item, acc, limit) {
                        return true;
                    }
                }
            }
            Value::Object(members) => {
                for m in members {
                    if walk(text, &m.value, acc, limit) {
                        return true;
                    }
                }
            }
            _ => {}
        }
        *acc > limit
    }
    walk(text, node, &mut 0, limit)
}

#[cfg(test)]
mod tests {
    use super::cell_list;

    #[test]
    fn cell_lists_read_well() {
        assert_eq!(cell_list(&[4]), "cell 4");
        assert_eq!(cell_list(&[2, 3, 5]), "cells 2, 3 and 5");
        assert_eq!(
            cell_list(&(1..=12).collect::<Vec<_>>()),
            "cells 1, 2, 3, 4, 5, 6, 7, 8, … (12 in all)"
        );
    }
}
