//! Command-line interface (clap derive). Flags are overrides on the loaded config.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "seecovid",
    version,
    about = "Turns the JHU CSSE COVID-19 time series into a complete, precomputed static dashboard site",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site from a data folder (default: the bundled assets/data) into output/.
    Build(BuildArgs),
    /// Verify a built site: links resolve, every page is reachable, no external requests.
    Check(CheckArgs),
    /// Serve a built site on 127.0.0.1 for an offline preview.
    Serve(ServeArgs),
    /// Upload a built site to S3 (only new or changed files).
    Sync(SyncArgs),
    /// Refresh the input CSVs from JHU CSSE (or a mirror) or from S3.
    Fetch(FetchArgs),
}

#[derive(Debug, Args, Clone, Default)]
pub struct BuildArgs {
    /// Folder with the JHU CSVs (`.csv` or `.csv.gz`) [default: assets/data]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Output folder; replaced only when the build succeeds [default: output]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Optional config file [default: seecovid.toml if it exists]
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads [default: all cores]
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Days between heat-map animation frames [default: 7]
    #[arg(long, value_name = "DAYS")]
    pub frame_step: Option<u32>,
    /// Heat-map scopes to render, comma-separated (world, us-states, us-counties, china,
    /// canada, australia) [default: all]
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub scopes: Option<Vec<String>>,
    /// Absolute base URL of the deployed site, for sitemap.xml (e.g. https://example.org/)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
    /// Rebuild everything, ignoring the previous build's manifest
    #[arg(long)]
    pub force: bool,
    /// Plain log lines even on a terminal (no progress bars)
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Args, Clone)]
pub struct CheckArgs {
    /// The built site [default: output]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// The built site [default: output]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, short = 'p', default_value_t = 8000)]
    pub port: u16,
}

#[derive(Debug, Args, Clone)]
pub struct SyncArgs {
    /// The built site [default: output]
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Destination, s3://BUCKET[/PREFIX]
    #[arg(value_name = "S3_URL")]
    pub dest: String,
    /// Delete objects under the prefix that are not in DIR
    #[arg(long)]
    pub delete: bool,
    /// Refuse to delete more than N objects
    #[arg(long, value_name = "N", default_value_t = 500)]
    pub max_deletes: usize,
    /// Print the plan and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// S3-compatible endpoint (e.g. http://127.0.0.1:9000); uses path-style addressing
    #[arg(long, value_name = "URL", env = "SEECOVID_S3_ENDPOINT")]
    pub endpoint_url: Option<String>,
    /// AWS region [default: from the AWS config chain, else us-east-1]
    #[arg(long)]
    pub region: Option<String>,
    /// Parallel requests
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: usize,
    /// Attempts per request, retries included (throttling, 5xx, timeouts)
    #[arg(long, value_name = "N", default_value_t = 5, env = "AWS_MAX_ATTEMPTS")]
    pub max_attempts: u32,
    /// List the bucket instead of trusting the sync manifest (after changes made to the
    /// bucket by anything but `seecovid sync`)
    #[arg(long)]
    pub full_listing: bool,
    /// Time limit of one request attempt, in seconds
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub timeout: u64,
}

#[derive(Debug, Args, Clone)]
pub struct FetchArgs {
    /// Source: `jhu` (JHU CSSE raw files) or s3://BUCKET[/PREFIX]
    #[arg(long, value_name = "SOURCE", default_value = "jhu")]
    pub from: String,
    /// Base URL for `--from jhu` (a mirror, or a test server)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Data folder to refresh [default: assets/data]
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// S3-compatible endpoint for `--from s3://…`
    #[arg(long, value_name = "URL", env = "SEECOVID_S3_ENDPOINT")]
    pub endpoint_url: Option<String>,
    /// AWS region for `--from s3://…`
    #[arg(long)]
    pub region: Option<String>,
}
