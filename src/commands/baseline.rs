//! `mlcheck baseline` (not implemented yet).

use super::{ExitStatus, Result};
use crate::cli::BaselineArgs;

pub fn run(_args: BaselineArgs) -> Result<ExitStatus> {
    Err(crate::Error::msg(
        "`mlcheck baseline` is not implemented yet",
    ))
}
