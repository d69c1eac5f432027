//! The subcommands: each loads its config, applies flags and calls the library.

mod build;
mod check;
mod fetch;
mod serve;
mod sync;

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Sync(a) => sync::run(a),
        Command::Fetch(a) => fetch::run(a),
    }
}
