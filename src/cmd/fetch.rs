use std::process::ExitCode;

use anyhow::Result;

use crate::cli::FetchArgs;
use crate::config::Config;
use crate::fetch::{EXIT_UNCHANGED, Source, fetch};
use crate::sync::ClientOptions;

/// Exit status: 0 = data changed (rebuild), 3 = unchanged (nothing written), 1 = error.
pub fn run(a: FetchArgs) -> Result<ExitCode> {
    let data = match a.data {
        Some(d) => d,
        None => Config::load(None)?.build.data,
    };
    let client = ClientOptions {
        endpoint_url: a.endpoint_url,
        region: a.region,
        ..ClientOptions::default()
    };
    let source = Source::parse(&a.from, a.base_url, client)?;
    let o = fetch(&source, &data, &|line| eprintln!("{line}"))?;
    for w in &o.warnings {
        eprintln!("warning: {w}");
    }
    if o.changed.is_empty() {
        println!(
            "{}: unchanged ({} bytes downloaded)",
            data.display(),
            o.downloaded_bytes
        );
        return Ok(ExitCode::from(EXIT_UNCHANGED));
    }
    println!(
        "{}: updated {} of {} files ({}); {} bytes downloaded",
        data.display(),
        o.changed.len(),
        o.changed.len() + o.unchanged.len(),
        o.changed.join(", "),
        o.downloaded_bytes
    );
    Ok(ExitCode::SUCCESS)
}
