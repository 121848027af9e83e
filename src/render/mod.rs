//! Renderers: human (miette), JSON, SARIF 2.1.0 and GitHub workflow commands.
//! (Placeholder: a plain-text renderer until the real ones land.)

use std::io::Write;

use crate::cli::OutputFormat;
use crate::diagnostic::{Diagnostic, FileError};

pub struct RenderOptions {
    pub format: OutputFormat,
    pub color: bool,
    pub statistics: bool,
    pub quiet: bool,
}

pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    _errors: &[FileError],
    opts: &RenderOptions,
) -> std::io::Result<()> {
    if opts.format == OutputFormat::Json {
        let items: Vec<_> = diagnostics
            .iter()
            .map(|d| {
                serde_json::json!({
                    "code": d.rule.code,
                    "path": d.file().path_slash(),
                    "message": d.message,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items)?;
        return writeln!(out);
    }
    for d in diagnostics {
        let loc = d.file().location(d.primary.range.start());
        writeln!(
            out,
            "{}:{}:{}: {} {}",
            d.file().path.display(),
            loc.raw.line,
            loc.raw.column,
            d.rule.code,
            d.message
        )?;
    }
    Ok(())
}
