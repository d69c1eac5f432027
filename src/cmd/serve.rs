use std::process::ExitCode;

use anyhow::Result;

pub fn run(_a: crate::cli::ServeArgs) -> Result<ExitCode> {
    anyhow::bail!("not implemented yet")
}
