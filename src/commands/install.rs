//! `mlcheck install` / `uninstall` (not implemented yet).

use super::{ExitStatus, Result};
use crate::cli::InstallArgs;

pub fn run_install(_args: InstallArgs) -> Result<ExitStatus> {
    Err(crate::Error::msg(
        "`mlcheck install` is not implemented yet",
    ))
}

pub fn run_uninstall(_args: InstallArgs) -> Result<ExitStatus> {
    Err(crate::Error::msg(
        "`mlcheck uninstall` is not implemented yet",
    ))
}
