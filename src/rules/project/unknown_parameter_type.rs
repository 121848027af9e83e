//! PRJ014: a parameter type MLflow does not know.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;
use super::mlproject::{PARAM_TYPES, entry_points};
use crate::suggest::did_you_mean;

crate::declare_rule! {
    /// ## What it does
    /// Reports a parameter `type` other than MLflow's `string`, `float`, `path` and `uri`,
    /// such as `str`, `int`, `integer`, `bool` or `boolean`.
    ///
    /// ## Why is this bad?
    /// MLflow accepts any type name and checks nothing for unknown ones: the author expects
    /// `int` or `boolean` to be validated or converted, and the script receives any string.
    /// (Only `path` and `uri` get checks; even `float` is passed through unchecked.)
    ///
    /// ## Example
    /// ```yaml
    /// parameters:
    ///   epochs: {type: int, default: 10}
    ///   verbose: {type: boolean, default: false}
    /// ```
    ///
    /// ## How to fix
    /// Use `float` for numbers and `string` for everything else, and validate in the script
    /// (e.g. `argparse` with `type=int`). `int`/`integer` are reported with severity info:
    /// MLflow's own examples use them and they do no harm beyond the missing check.
    pub static UNKNOWN_PARAMETER_TYPE = {
        code: "PRJ014",
        name: "unknown-parameter-type",
        domain: Project,
        severity: Warning,
        default: true,
        fix: None,
        summary: "parameter type is not one of `string`, `float`, `path`, `uri`",
    }
}

pub(super) fn suggestion(t: &str) -> Option<&'static str> {
    match t.to_ascii_lowercase().as_str() {
        "str" | "text" | "bool" | "boolean" | "list" | "dict" => Some("string"),
        "int" | "integer" | "number" | "double" | "numeric" | "long" => Some("float"),
        "file" | "dir" | "directory" | "filepath" => Some("path"),
        "url" => Some("uri"),
        other => did_you_mean(other, PARAM_TYPES).filter(|s| *s != other),
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let mut out = Vec::new();
    for ep in entry_points(root) {
        for p in ep.params() {
            let Some(t) = p.type_node() else { continue };
            let Some(name) = t.as_str() else { continue };
            if PARAM_TYPES.contains(&name) {
                continue;
            }
            let sug = suggestion(name);
            let integer = matches!(name, "int" | "integer");
            // MLflow has no integer type: `float` is not what the author meant for `epochs`,
            // only the type MLflow can check a number with.
            let tail = if integer {
                "; MLflow has no integer type (`float` checks that the value is a number; the script converts it)".to_string()
            } else {
                sug.map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default()
            };
            let msg = format!(
                "`{name}` is not an MLflow parameter type (parameter `{}`): MLflow accepts it but checks nothing{tail}",
                p.name,
            );
            let mut d = Diagnostic::new(&UNKNOWN_PARAMETER_TYPE, &file, t.range, msg).with_help(
                "use one of `string`, `float`, `path`, `uri` and validate the value in the script",
            );
            if integer {
                // Common (even in MLflow's own examples) and harmless for integer defaults:
                // informational. `str`, `bool`, typos … stay warnings.
                d.severity = crate::diagnostic::Severity::Info;
            }
            out.push(d);
        }
    }
    for d in out {
        cx.push(d);
    }
}
