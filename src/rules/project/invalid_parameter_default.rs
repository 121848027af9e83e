//! PRJ015: a parameter default that does not fit its type.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::source::yaml::Resolved;

use super::Context;
use super::mlproject::entry_points;

crate::declare_rule! {
    /// ## What it does
    /// Checks each parameter's `default` against its `type`: a `float` (or `int`) default
    /// must be a number, a `uri` default must have a scheme (`s3://`, `file://`, `https://`),
    /// and a relative `path` default must exist in the project (reported as a warning: the
    /// data may come from an earlier step).
    ///
    /// ## Why is this bad?
    /// MLflow does not check `float` at all: the script crashes on `float("abc")` after the
    /// environment was built. A `uri` without a scheme is rejected only when the run starts
    /// (`Expected URI for parameter …`), and a `path` that does not exist reaches the script
    /// as a path to nothing (or fails with `… no such file or directory was found` when
    /// MLflow runs with `--storage-dir`).
    ///
    /// ## Example
    /// ```yaml
    /// parameters:
    ///   alpha: {type: float, default: "0,5"}
    ///   data: {type: uri, default: data/train.csv}
    /// ```
    ///
    /// ## How to fix
    /// Write a default of the declared type (`0.5`, `file:./data/train.csv` or type
    /// `path`), or change the type.
    pub static INVALID_PARAMETER_DEFAULT = {
        code: "PRJ015",
        name: "invalid-parameter-default",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "parameter default does not fit its type",
    }
}

fn python_float(s: &str) -> bool {
    let t = s.trim().replace('_', "");
    let l = t.to_ascii_lowercase();
    let l = l.trim_start_matches(['+', '-']);
    matches!(l, "inf" | "infinity" | "nan") || t.parse::<f64>().is_ok()
}

fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let dir = if cx.project.root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        cx.project.root
    };
    let mut out = Vec::new();
    for ep in entry_points(root) {
        for p in ep.params() {
            let Some(def) = p.default() else { continue };
            let Some(s) = def.as_scalar() else {
                out.push(Diagnostic::new(&INVALID_PARAMETER_DEFAULT, &file, def.range, format!("default of parameter `{}` is {}: MLflow passes `str()` of it to the command", p.name, def.kind_name()))
                    .with_help("write the default as a single value"));
                continue;
            };
            let resolved = s.resolve();
            if resolved == Resolved::Null {
                continue;
            }
            let text = s.text.as_str();
            let ty = p.type_name();
            let problem = match ty {
                "float" | "int" | "integer" | "number" | "double" => {
                    let numeric = match resolved {
                        Resolved::Int | Resolved::Float(_) => true,
                        Resolved::Str => python_float(text),
                        _ => false,
                    };
                    if !numeric {
                        Some((format!("default `{text}` of parameter `{}` is not a number, but its type is `{ty}`", p.name), "write a numeric default such as `0.5`".to_string()))
                    } else if matches!(ty, "int" | "integer") && !(resolved == Resolved::Int || text.trim().parse::<i64>().is_ok()) {
                        Some((format!("default `{text}` of parameter `{}` is not an integer, but its type is `{ty}`", p.name), "write an integer default".to_string()))
                    } else {
                        None
                    }
                }
                "uri" => (!has_scheme(text)).then(|| (
                    format!("default `{text}` of `uri` parameter `{}` has no scheme: MLflow fails with `Expected URI for parameter {}`", p.name, p.name),
                    "write a URI with a scheme (`file:./data.csv`, `s3://…`) or use type `path` for local files".to_string(),
                )),
                "path" => {
                    let local = !has_scheme(text) || text.starts_with("file:");
                    let rel = text.strip_prefix("file://").or_else(|| text.strip_prefix("file:")).unwrap_or(text);
                    let dynamic = rel.contains(['{', '$', '~', '*']) || rel.is_empty();
                    if local && !dynamic && !Path::new(rel).is_absolute() && !dir.join(rel).exists() {
                        Some((
                            format!("default `{text}` of `path` parameter `{}` does not exist in the project: the script gets a path to nothing (with `--storage-dir`, MLflow fails with `no such file or directory`)", p.name),
                            "point the default at an existing file, or use type `string` for outputs".to_string(),
                        ))
                    } else {
                        None
                    }
                }
                _ => None,
            };
            if let Some((msg, help)) = problem {
                let mut d = Diagnostic::new(&INVALID_PARAMETER_DEFAULT, &file, def.range, msg)
                    .with_help(help);
                if ty == "path" {
                    // Data may be produced by an earlier step or fetched: a warning, not an error.
                    d.severity = crate::diagnostic::Severity::Warning;
                }
                if let Some(t) = p.type_node() {
                    d = d.with_label(
                        crate::diagnostic::Label::new(&file, t.range)
                            .with_message("type declared here"),
                    );
                }
                out.push(d);
            }
        }
    }
    for d in out {
        cx.push(d);
    }
}
