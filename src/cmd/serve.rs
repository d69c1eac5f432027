use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::ServeArgs;

pub fn run(a: ServeArgs) -> Result<ExitCode> {
    let dir = a.dir.unwrap_or_else(|| PathBuf::from("output"));
    let server = crate::serve::Server::bind(&dir, a.port)?;
    eprintln!(
        "serving {} at http://127.0.0.1:{}/ (Ctrl-C to stop)",
        dir.display(),
        server.port()
    );
    server.run();
    Ok(ExitCode::SUCCESS)
}
