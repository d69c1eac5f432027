use std::process::ExitCode;

use anyhow::Result;

pub fn run(_a: crate::cli::CheckArgs) -> Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
