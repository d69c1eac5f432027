use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::CheckArgs;

pub fn run(a: CheckArgs) -> Result<ExitCode> {
    let dir = a.dir.unwrap_or_else(|| PathBuf::from("output"));
    let r = crate::site::check::check_dir(&dir)?;
    for e in &r.errors {
        eprintln!("{e}");
    }
    if r.errors.is_empty() {
        eprintln!(
            "{}: {} pages, {} files, {} links checked: all internal links resolve, every page is reachable from index.html, nothing is loaded from another host",
            dir.display(),
            r.pages,
            r.files,
            r.links
        );
        Ok(ExitCode::SUCCESS)
    } else {
        anyhow::bail!("{}: {} problem(s) found", dir.display(), r.errors.len())
    }
}
