//! The MLproject as MLflow reads it: entry points, their parameters and command templates,
//! with the positions the rules report at.
//!
//! This module only reads; the rules decide what is wrong. It mirrors MLflow's loader
//! (`mlflow/projects/_project_spec.py`): parameters are `name: type` or
//! `name: {type: T, default: D}`, commands are Python `str.format` templates.

use std::sync::Arc;

use crate::source::yaml::YamlNode;
use crate::source::{SourceFile, TextRange};

pub const TOP_KEYS: &[&str] = &[
    "name",
    "conda_env",
    "python_env",
    "docker_env",
    "entry_points",
    "databricks_spark_job",
];
/// Keys MLflow ignores but that real projects carry for other tools; not reported.
pub const TOLERATED_TOP_KEYS: &[&str] = &["kubernetes_env"];
pub const ENTRY_POINT_KEYS: &[&str] = &["parameters", "command"];
pub const PARAM_KEYS: &[&str] = &["type", "default"];
pub const DOCKER_KEYS: &[&str] = &["image", "volumes", "environment", "run_params"];
/// `docker_env` keys MLflow ignores but its own docker example carries; not reported.
pub const TOLERATED_DOCKER_KEYS: &[&str] = &["namespace", "registry"];
pub const PARAM_TYPES: &[&str] = &["string", "float", "path", "uri"];

pub struct EntryPoint<'a> {
    pub name: &'a str,
    pub node: &'a YamlNode,
}

impl<'a> EntryPoint<'a> {
    /// The `command` value, when it is a string.
    pub fn command(&self) -> Option<&'a YamlNode> {
        self.node.get("command").filter(|c| c.as_str().is_some())
    }

    /// Declared parameters (only when `parameters` is a mapping).
    pub fn params(&self) -> Vec<Param<'a>> {
        let Some(map) = self.node.get("parameters").and_then(YamlNode::as_map) else {
            return Vec::new();
        };
        map.iter()
            .map(|(k, v)| Param {
                name: k.scalar_text().unwrap_or(""),
                key: k,
                spec: v,
            })
            .collect()
    }
}

pub struct Param<'a> {
    pub name: &'a str,
    pub key: &'a YamlNode,
    pub spec: &'a YamlNode,
}

impl<'a> Param<'a> {
    /// The type node: the value itself (`name: float`) or its `type` key.
    pub fn type_node(&self) -> Option<&'a YamlNode> {
        if self.spec.as_map().is_some() {
            self.spec.get("type")
        } else if self.spec.as_scalar().is_some() && !self.spec.is_null() {
            Some(self.spec)
        } else {
            None
        }
    }
    /// The type as MLflow sees it (default `string`).
    pub fn type_name(&self) -> &'a str {
        self.type_node()
            .and_then(YamlNode::scalar_text)
            .unwrap_or("string")
    }
    pub fn default(&self) -> Option<&'a YamlNode> {
        self.spec.as_map()?;
        self.spec.get("default")
    }
}

/// The entry points, when `entry_points` is a mapping of mappings.
pub fn entry_points(root: &YamlNode) -> Vec<EntryPoint<'_>> {
    let Some(map) = root.get("entry_points").and_then(YamlNode::as_map) else {
        return Vec::new();
    };
    map.iter()
        .filter(|(_, v)| v.as_map().is_some())
        .map(|(k, v)| EntryPoint {
            name: k.scalar_text().unwrap_or(""),
            node: v,
        })
        .collect()
}

/// One `{…}` replacement field of a command template, in decoded coordinates.
#[derive(Debug, PartialEq)]
pub enum Field {
    /// `{name}` (also `{name!r}`): the parameter `name`.
    Name { name: String, range: (usize, usize) },
    /// `{}` or `{0}`: positional, `IndexError` at run time.
    Positional { range: (usize, usize) },
    /// `{a:.2f}`: a format spec applied to a string value, `ValueError` at run time.
    FormatSpec { name: String, range: (usize, usize) },
    /// `{a.b}` / `{a[0]}`: attribute or index of a string value.
    Attribute { name: String, range: (usize, usize) },
    /// Literal braces that are not a valid field (`${VAR}`, JSON, awk): `KeyError`/`ValueError`.
    Literal { range: (usize, usize), text: String },
    /// A single `}` or an unclosed `{`: `ValueError`.
    Unbalanced { range: (usize, usize) },
}

impl Field {
    pub fn range(&self) -> (usize, usize) {
        match self {
            Field::Name { range, .. }
            | Field::Positional { range }
            | Field::FormatSpec { range, .. }
            | Field::Attribute { range, .. }
            | Field::Literal { range, .. }
            | Field::Unbalanced { range } => *range,
        }
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Parse a `str.format` template into its replacement fields. `declared` are the entry
/// point's parameter names: `str.format` looks any field name up among them (even
/// `{learning-rate}`), so only undeclared non-identifiers count as literal braces.
pub fn template_fields(cmd: &str, declared: &[&str]) -> Vec<Field> {
    let b = cmd.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' if b.get(i + 1) == Some(&b'{') => i += 2,
            b'}' if b.get(i + 1) == Some(&b'}') => i += 2,
            b'}' => {
                out.push(Field::Unbalanced { range: (i, i + 1) });
                i += 1;
            }
            b'{' => {
                // Find the matching `}` (format specs may nest one level).
                let mut depth = 1;
                let mut j = i + 1;
                while j < b.len() && depth > 0 {
                    match b[j] {
                        b'{' => depth += 1,
                        b'}' => depth -= 1,
                        _ => {}
                    }
                    j += 1;
                }
                if depth > 0 {
                    out.push(Field::Unbalanced {
                        range: (i, b.len()),
                    });
                    break;
                }
                let range = (i, j);
                let inner = &cmd[i + 1..j - 1];
                let dollar = i > 0 && b[i - 1] == b'$';
                let (head, spec) = match inner.find(':') {
                    Some(p) => (&inner[..p], Some(&inner[p + 1..])),
                    None => (inner, None),
                };
                let head = head.split('!').next().unwrap_or("");
                let name_end = head.find(['.', '[']).unwrap_or(head.len());
                let name = &head[..name_end];
                let field = if dollar && !declared.contains(&name) {
                    Field::Literal {
                        range: (i - 1, j),
                        text: cmd[i - 1..j].to_string(),
                    }
                } else if (name.is_empty() && head.is_empty() && spec.is_none())
                    || (!name.is_empty() && name.bytes().all(|c| c.is_ascii_digit()))
                {
                    Field::Positional { range }
                } else if !declared.contains(&name)
                    && (!is_identifier(name)
                        || inner.contains(['"', '\'', ' ', '\n']) && spec.is_none())
                {
                    Field::Literal {
                        range,
                        text: cmd[i..j].to_string(),
                    }
                } else if let Some(spec) = spec {
                    if spec.is_empty() {
                        Field::Name {
                            name: name.to_string(),
                            range,
                        }
                    } else {
                        Field::FormatSpec {
                            name: name.to_string(),
                            range,
                        }
                    }
                } else if name_end < head.len() {
                    Field::Attribute {
                        name: name.to_string(),
                        range,
                    }
                } else {
                    Field::Name {
                        name: name.to_string(),
                        range,
                    }
                };
                out.push(field);
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// Map a range in a scalar's decoded text to the raw file: exact when the raw text holds the
/// decoded text verbatim (plain, single-line quoted), else the whole scalar.
pub fn scalar_subrange(
    file: &Arc<SourceFile>,
    node: &YamlNode,
    decoded: (usize, usize),
) -> TextRange {
    let Some(text) = node.scalar_text() else {
        return node.range;
    };
    let raw = file.slice(node.range);
    let Some(piece) = text.get(decoded.0..decoded.1) else {
        return node.range;
    };
    // Where the decoded text starts in the raw slice (after a quote).
    if let Some(start) = raw.find(text) {
        let s = node.range.start() + start + decoded.0;
        return TextRange::new(s, s + piece.len());
    }
    // Folded/escaped text: find the piece itself if it is unique.
    let mut hits = raw.match_indices(piece);
    if let (Some((p, _)), None) = (hits.next(), hits.next()) {
        let s = node.range.start() + p;
        return TextRange::new(s, s + piece.len());
    }
    node.range
}

/// A file a command runs, relative to the project root.
#[derive(Debug, PartialEq)]
pub struct ScriptRef {
    /// Relative path of the file (`src/train.py`), or of the module path candidates.
    pub path: String,
    /// `python -m pkg.mod`: the dotted module.
    pub module: Option<String>,
    /// Range of the token in the decoded command.
    pub range: (usize, usize),
    /// A `cd dir` whose directory is missing.
    pub is_cd: bool,
}

/// Split a shell command into (token, decoded range) words, honouring quotes.
fn shell_words(cmd: &str) -> Vec<(String, (usize, usize))> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = None;
    let mut quote: Option<char> = None;
    for (i, c) in cmd.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None => match c {
                '\'' | '"' => {
                    start.get_or_insert(i);
                    quote = Some(c);
                }
                c if c.is_whitespace() => {
                    if let Some(s) = start.take() {
                        out.push((std::mem::take(&mut cur), (s, i)));
                    }
                }
                ';' | '|' | '&' | '(' | ')' => {
                    if let Some(s) = start.take() {
                        out.push((std::mem::take(&mut cur), (s, i)));
                    }
                    out.push((c.to_string(), (i, i + 1)));
                }
                _ => {
                    start.get_or_insert(i);
                    cur.push(c);
                }
            },
        }
    }
    if let Some(s) = start {
        out.push((cur, (s, cmd.len())));
    }
    out
}

fn is_python(prog: &str) -> bool {
    let base = prog.rsplit('/').next().unwrap_or(prog);
    base == "python"
        || base == "python3"
        || base == "pythonw"
        || base
            .strip_prefix("python")
            .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// The files (scripts, modules, `cd` targets) a command needs, with the working directory
/// each is relative to (after `cd`). Paths with placeholders or variables are skipped.
pub fn command_scripts(cmd: &str) -> Vec<ScriptRef> {
    let words = shell_words(cmd);
    let mut out = Vec::new();
    let mut cwd = String::new();
    let mut segments: Vec<&[(String, (usize, usize))]> = Vec::new();
    let mut s = 0;
    for (i, (w, _)) in words.iter().enumerate() {
        if matches!(w.as_str(), ";" | "|" | "&" | "(" | ")") {
            segments.push(&words[s..i]);
            s = i + 1;
        }
    }
    segments.push(&words[s..]);
    let dynamic = |w: &str| w.contains(['{', '}', '$', '~', '*', '`']);
    let join = |cwd: &str, p: &str| {
        if cwd.is_empty() {
            p.to_string()
        } else {
            format!("{cwd}/{p}")
        }
    };
    for seg in segments {
        // Skip `VAR=value` prefixes and wrappers.
        let mut k = 0;
        while k < seg.len()
            && (seg[k].0.contains('=') && !seg[k].0.starts_with('-')
                || matches!(
                    seg[k].0.as_str(),
                    "env" | "exec" | "time" | "nohup" | "sudo"
                ))
        {
            k += 1;
        }
        let Some((prog, prog_range)) = seg.get(k) else {
            continue;
        };
        let args = &seg[k + 1..];
        let prog = prog.as_str();
        if prog == "cd" {
            if let Some((dir, r)) = args.first()
                && !dynamic(dir)
                && !dir.starts_with('/')
                && dir != "-"
            {
                let next = join(&cwd, dir.trim_end_matches('/'));
                out.push(ScriptRef {
                    path: next.clone(),
                    module: None,
                    range: *r,
                    is_cd: true,
                });
                cwd = next;
            }
            continue;
        }
        let script_arg = |args: &[(String, (usize, usize))], exts: &[&str]| {
            args.iter()
                .find(|(a, _)| !a.starts_with('-') && exts.iter().any(|e| a.ends_with(e)))
                .cloned()
        };
        let found: Option<(String, (usize, usize), Option<String>)> = if is_python(prog) {
            // python [options] (script | -m module | -c code)
            let mut j = 0;
            let mut res = None;
            while j < args.len() {
                let a = args[j].0.as_str();
                if a == "-m" {
                    if let Some((m, r)) = args.get(j + 1) {
                        res = Some((m.clone(), *r, Some(m.clone())));
                    }
                    break;
                } else if let Some(m) = a.strip_prefix("-m").filter(|m| !m.is_empty()) {
                    res = Some((m.to_string(), args[j].1, Some(m.to_string())));
                    break;
                } else if a == "-c" || a.starts_with("-c") {
                    break;
                } else if matches!(a, "-W" | "-X" | "-Q") {
                    j += 2;
                } else if a.starts_with('-') {
                    j += 1;
                } else {
                    res = Some((a.to_string(), args[j].1, None));
                    break;
                }
            }
            res
        } else if matches!(prog, "bash" | "sh" | "zsh" | "source" | ".") {
            script_arg(args, &[".sh", ".bash"]).map(|(a, r)| (a, r, None))
        } else if prog == "Rscript" || prog == "R" {
            script_arg(args, &[".R", ".r"]).map(|(a, r)| (a, r, None))
        } else if matches!(
            prog,
            "torchrun"
                | "deepspeed"
                | "spark-submit"
                | "accelerate"
                | "horovodrun"
                | "mpirun"
                | "streamlit"
                | "papermill"
        ) {
            script_arg(args, &[".py", ".ipynb"]).map(|(a, r)| (a, r, None))
        } else if [".py", ".sh", ".R"].iter().any(|e| prog.ends_with(e)) {
            Some((prog.to_string(), *prog_range, None))
        } else {
            None
        };
        if let Some((path, range, module)) = found {
            if dynamic(&path) || path.starts_with('/') {
                continue;
            }
            let path = path.strip_prefix("./").unwrap_or(&path).to_string();
            out.push(ScriptRef {
                path: join(&cwd, &path),
                module: module.map(|m| {
                    if cwd.is_empty() {
                        m
                    } else {
                        format!("{cwd}\u{0}{m}")
                    }
                }),
                range,
                is_cd: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_fields_classify_like_str_format() {
        let f = template_fields(
            "python t.py {alpha} {{x}} {} {a:.2f} ${HOME} {\"k\": 1} {b.c}",
            &["alpha", "a", "b"],
        );
        assert!(matches!(&f[0], Field::Name { name, .. } if name == "alpha"));
        assert!(matches!(&f[1], Field::Positional { .. }));
        assert!(matches!(&f[2], Field::FormatSpec { name, .. } if name == "a"));
        assert!(matches!(&f[3], Field::Literal { text, .. } if text == "${HOME}"));
        assert!(matches!(&f[4], Field::Literal { .. }));
        assert!(matches!(&f[5], Field::Attribute { name, .. } if name == "b"));
        assert_eq!(f.len(), 6);
        // `str.format` looks up any declared name, even one that is not an identifier.
        assert!(matches!(
            &template_fields("x {learning-rate}", &["learning-rate"])[0],
            Field::Name { .. }
        ));
        assert!(matches!(
            &template_fields("x {learning-rate}", &[])[0],
            Field::Literal { .. }
        ));
        assert!(matches!(
            template_fields("echo }", &[])[0],
            Field::Unbalanced { .. }
        ));
    }

    #[test]
    fn command_scripts_follow_cd_and_modules() {
        let s = command_scripts("cd src && python -u train.py --a {a}");
        assert_eq!(s[0].path, "src");
        assert!(s[0].is_cd);
        assert_eq!(s[1].path, "src/train.py");
        let s = command_scripts("python -m pkg.main {x}; bash run.sh; Rscript fit.R");
        assert_eq!(s[0].module.as_deref(), Some("pkg.main"));
        assert_eq!(s[1].path, "run.sh");
        assert_eq!(s[2].path, "fit.R");
        assert!(command_scripts("python {script}").is_empty());
        assert!(command_scripts("python -c 'import x'").is_empty());
    }
}
