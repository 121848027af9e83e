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
    _opts: &RenderOptions,
) -> std::io::Result<()> {
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
