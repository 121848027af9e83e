//! PRJ013: braces in a command that `str.format` rejects.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;

use super::Context;
use super::mlproject::{Field, entry_points, scalar_subrange, template_fields};

crate::declare_rule! {
    /// ## What it does
    /// Reports braces in a `command` that Python's `str.format` cannot fill: literal braces
    /// (`${HOME}`, JSON, awk programs), `{}` or `{0}`, format specs (`{alpha:.2f}`),
    /// attribute/index access (`{cfg.lr}`), and unbalanced `{` or `}`. Also a placeholder
    /// glued to the next option (`--step {step}--video_path`), which a line folded with `\`
    /// inside a double-quoted YAML string produces.
    ///
    /// ## Why is this bad?
    /// MLflow formats the command with the parameter values *as strings*: these raise
    /// `KeyError`, `IndexError` or `ValueError` when the run starts.
    ///
    /// ## Example
    /// ```yaml
    /// command: "python train.py --alpha {alpha:.2f} --out ${HOME}/out"
    /// ```
    ///
    /// ## How to fix
    /// Double literal braces (`$${{HOME}}` → `${{HOME}}`), drop format specs (format inside
    /// the script), and only use `{name}` for declared parameters.
    pub static INVALID_COMMAND_TEMPLATE = {
        code: "PRJ013",
        name: "invalid-command-template",
        domain: Project,
        severity: Error,
        default: true,
        fix: None,
        summary: "literal braces, `{}` or format specs in a command template, or a placeholder glued to the next option",
    }
}

pub(super) fn check(cx: &mut Context<'_>) {
    let Some((file, root)) = cx.project.mlproject() else {
        return;
    };
    let file = Arc::clone(file);
    let mut out = Vec::new();
    for ep in entry_points(root) {
        let Some(cmd) = ep.command() else { continue };
        let params = ep.params();
        let names: Vec<&str> = params.iter().map(|p| p.name).collect();
        for f in template_fields(cmd.as_str().unwrap_or(""), &names) {
            let (msg, help) = match &f {
                Field::Positional { .. } => (
                    "positional placeholder in the command: `str.format` raises `IndexError`"
                        .to_string(),
                    "name the parameter (`{alpha}`) or double the braces for a literal `{{}}`"
                        .to_string(),
                ),
                Field::FormatSpec { name, .. } => (
                    format!(
                        "format spec on `{name}`: parameter values are strings, so `str.format` raises `ValueError`"
                    ),
                    format!("use `{{{name}}}` and format the value inside the script"),
                ),
                Field::Attribute { name, .. } => (
                    format!(
                        "attribute or index access on `{name}`: parameter values are strings, so `str.format` fails"
                    ),
                    format!("use `{{{name}}}` and parse the value inside the script"),
                ),
                Field::Literal { text, .. } => (
                    format!(
                        "literal braces `{text}` in the command: `str.format` reads them as a placeholder and fails"
                    ),
                    "double the braces (`{{` and `}}`) to keep them literal".to_string(),
                ),
                Field::Unbalanced { .. } => (
                    "unbalanced brace in the command: `str.format` raises `ValueError`".to_string(),
                    "double a literal brace (`{{` or `}}`) or close the placeholder".to_string(),
                ),
                Field::Name { name, range } => {
                    // `--step {step}--video_path …`: a line folded with `\` in a
                    // double-quoted YAML string joins the lines without a space, and the
                    // value swallows the next option.
                    let text = cmd.as_str().unwrap_or("");
                    let after = text.get(range.1..).unwrap_or("");
                    if after.starts_with("--")
                        && after[2..].starts_with(|c: char| c.is_ascii_alphabetic())
                    {
                        let option: String =
                            after.chars().take_while(|c| !c.is_whitespace()).collect();
                        out.push(
                            Diagnostic::new(
                                &INVALID_COMMAND_TEMPLATE,
                                &file,
                                scalar_subrange(&file, cmd, (range.1, range.1 + option.len())),
                                format!(
                                    "`{{{name}}}` is glued to `{option}`: the two arguments become one (entry point `{}`)",
                                    ep.name
                                ),
                            )
                            .with_help("put a space before the option; a line folded with `\\` in a double-quoted string joins the lines without one"),
                        );
                    }
                    continue;
                }
            };
            out.push(
                Diagnostic::new(
                    &INVALID_COMMAND_TEMPLATE,
                    &file,
                    scalar_subrange(&file, cmd, f.range()),
                    format!("{msg} (entry point `{}`)", ep.name),
                )
                .with_help(help),
            );
        }
    }
    for d in out {
        cx.push(d);
    }
}
