//! `mlcheck check` (in progress).

use super::{ExitStatus, Result};
use crate::cli::CheckArgs;

pub fn run(_args: CheckArgs) -> Result<ExitStatus> {
    Err(crate::Error::msg("`mlcheck check` is not implemented yet"))
}
