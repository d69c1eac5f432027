use std::process::ExitCode;

use anyhow::Result;

use crate::build::{BuildOptions, run as build};
use crate::cli::BuildArgs;
use crate::config::Config;
use crate::render::format::thousands;

pub fn run(a: BuildArgs) -> Result<ExitCode> {
    let mut config = Config::load(a.config.as_deref())?;
    // Flags override the config file.
    if let Some(d) = a.data {
        config.build.data = d;
    }
    if let Some(o) = a.out {
        config.build.out = o;
    }
    if let Some(j) = a.jobs {
        anyhow::ensure!(j > 0, "--jobs must be at least 1");
        config.build.jobs = Some(j);
    }
    if let Some(f) = a.frame_step {
        config.build.frame_step = f;
    }
    if let Some(s) = a.scopes {
        config.build.scopes = s;
    }
    if let Some(u) = a.base_url {
        config.site.base_url = Some(u);
    }
    let opts = BuildOptions {
        config,
        strict: a.strict,
        force: a.force,
        quiet: a.quiet,
    };
    let s = build(&opts)?;
    for n in &s.notes {
        eprintln!("note: {n}");
    }
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    let stages: Vec<String> = s
        .stages
        .iter()
        .map(|(n, d)| format!("{n} {:.2}s", d.as_secs_f64()))
        .collect();
    if s.up_to_date {
        eprintln!(
            "{} is up to date in {:.2}s: {} files, 0 written",
            s.out.display(),
            s.total.as_secs_f64(),
            thousands(s.files as i64)
        );
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "built {} in {:.2}s: {} regions, {} pages, {} files ({} written, {} unchanged), {} bytes; {} warning(s). Stages: {}",
        s.out.display(),
        s.total.as_secs_f64(),
        thousands(s.regions as i64),
        thousands(s.pages as i64),
        thousands(s.files as i64),
        thousands(s.written as i64),
        thousands(s.reused as i64),
        thousands(s.bytes as i64),
        s.warnings.len(),
        stages.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}
