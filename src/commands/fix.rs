//! `mlcheck fix` (not implemented yet).

use super::{ExitStatus, Result};
use crate::cli::FixArgs;

pub fn run(_args: FixArgs) -> Result<ExitStatus> {
    Err(crate::Error::msg("`mlcheck fix` is not implemented yet"))
}
