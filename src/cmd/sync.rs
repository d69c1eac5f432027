use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;

use crate::cli::SyncArgs;
use crate::sync::{ClientOptions, SyncOptions, sync};

pub fn run(a: SyncArgs) -> Result<ExitCode> {
    let opts = SyncOptions {
        dir: a.dir,
        dest: a.dest.parse()?,
        delete: a.delete,
        max_deletes: a.max_deletes,
        dry_run: a.dry_run,
        full_listing: a.full_listing,
        concurrency: a.concurrency,
        client: ClientOptions {
            endpoint_url: a.endpoint_url,
            region: a.region,
            max_attempts: a.max_attempts,
            attempt_timeout: Duration::from_secs(a.timeout.max(1)),
        },
    };
    let s = sync(&opts, &|line| eprintln!("{line}"))?;
    if opts.dry_run {
        for u in &s.plan.uploads {
            println!("would upload {} ({:?}, {} bytes)", u.key, u.reason, u.size);
        }
        for k in &s.plan.deletes {
            println!("would delete {k}");
        }
    }
    if s.used_manifest {
        eprintln!("compared with the sync manifest (--full-listing lists the bucket instead)");
    }
    println!(
        "{}{}: uploaded {} files ({} bytes), {} unchanged, {} deleted{} in {:.2}s",
        if opts.dry_run {
            "dry run, nothing changed: "
        } else {
            ""
        },
        opts.dest,
        s.uploaded,
        s.uploaded_bytes,
        s.unchanged,
        s.deleted,
        if s.verified > 0 {
            format!(" ({} checked by HEAD)", s.verified)
        } else {
            String::new()
        },
        s.seconds
    );
    Ok(ExitCode::SUCCESS)
}
