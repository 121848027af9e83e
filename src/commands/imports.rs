//! `mlcheck imports` (not implemented yet).

use super::{ExitStatus, Result};
use crate::cli::ImportsArgs;

pub fn run(_args: ImportsArgs) -> Result<ExitStatus> {
    Err(crate::Error::msg(
        "`mlcheck imports` is not implemented yet",
    ))
}
