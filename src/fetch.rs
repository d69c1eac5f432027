//! `seecovid fetch`: refresh the input CSVs from the JHU CSSE repository (or a mirror) or
//! from S3. Downloads into a staging folder beside the data folder, validates it with the
//! same loader as `build`, and swaps it in only if some file's content changed. A failed or
//! invalid download leaves the data folder as it was.
//!
//! Storage: a changed file is written as `<stem>.csv.gz` (the repository stays small); an
//! unchanged one keeps its bytes and name. "Changed" compares the decompressed content
//! (ignoring a BOM and CRLF line ends), so recompressing never counts as a change.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use crate::data::csv::{locate, read_bytes};
use crate::data::{ALL_INPUTS, UID_LOOKUP};
use crate::diag::Diagnostics;
use crate::output::staged::StagedDir;
use crate::sync::s3::{self, sdk_error};
use crate::sync::{ClientOptions, S3Url};

/// The JHU CSSE COVID-19 repository, as raw files.
pub const JHU_BASE_URL: &str = "https://raw.githubusercontent.com/CSSEGISandData/COVID-19/master";

/// Exit status of `seecovid fetch` when every file is unchanged (nothing was written).
/// Success with changes is 0, errors are 1.
pub const EXIT_UNCHANGED: u8 = 3;

#[derive(Clone, Debug)]
pub enum Source {
    /// `<base>/csse_covid_19_data/csse_covid_19_time_series/<stem>.csv` and
    /// `<base>/csse_covid_19_data/UID_ISO_FIPS_LookUp_Table.csv`.
    Jhu { base_url: String },
    /// `<prefix>/<stem>.csv.gz` or `<prefix>/<stem>.csv`.
    S3 { url: S3Url, client: ClientOptions },
}

impl Source {
    /// `jhu` or `s3://BUCKET[/PREFIX]`.
    pub fn parse(from: &str, base_url: Option<String>, client: ClientOptions) -> Result<Source> {
        if from == "jhu" {
            let base_url = base_url.unwrap_or_else(|| JHU_BASE_URL.to_string());
            return Ok(Source::Jhu {
                base_url: base_url.trim_end_matches('/').to_string(),
            });
        }
        if from.starts_with("s3://") {
            if base_url.is_some() {
                bail!("--base-url applies to `--from jhu` only (got --from {from})");
            }
            return Ok(Source::S3 {
                url: from.parse()?,
                client,
            });
        }
        bail!("--from `{from}`: expected `jhu` or s3://BUCKET[/PREFIX]")
    }

    fn describe(&self) -> String {
        match self {
            Source::Jhu { base_url } => base_url.clone(),
            Source::S3 { url, .. } => url.to_string(),
        }
    }
}

/// What a fetch did.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Stems whose content changed (or that were missing); empty means nothing was written.
    pub changed: Vec<String>,
    pub unchanged: Vec<String>,
    pub downloaded_bytes: u64,
    /// Warnings the loader raised on the new data (it loaded, so they are not fatal).
    pub warnings: Vec<String>,
}

/// Relative URL of an input file in the JHU repository.
pub fn jhu_path(stem: &str) -> String {
    if stem == UID_LOOKUP {
        format!("csse_covid_19_data/{stem}.csv")
    } else {
        format!("csse_covid_19_data/csse_covid_19_time_series/{stem}.csv")
    }
}

fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Refreshes `data` from `source`.
pub fn fetch(source: &Source, data: &Path, log: &dyn Fn(&str)) -> Result<Outcome> {
    let (mut staged, recovery) = StagedDir::for_fetch(data)?;
    if recovery.restored {
        log(&format!(
            "restored {} from an interrupted fetch",
            data.display()
        ));
    }
    let staging_path = staged.path().to_path_buf();

    // 1. Download every file into the staging folder.
    let mut outcome = Outcome::default();
    let downloads = download(source, &staging_path, log)?;
    outcome.downloaded_bytes = downloads.iter().map(|(_, n)| n).sum();

    // 2. Compare with what is there.
    for stem in ALL_INPUTS {
        let new = locate(&staging_path, stem)?;
        let same = match locate(data, stem) {
            Ok(old) => {
                let a = read_bytes(&new)
                    .with_context(|| format!("downloaded {stem} from {}", source.describe()))?;
                let b = read_bytes(&old)?;
                if a == b {
                    // Keep the old bytes and name (no churn from recompression).
                    std::fs::remove_file(&new)
                        .with_context(|| format!("cannot remove {}", new.display()))?;
                    let keep = staging_path.join(old.file_name().expect("a file"));
                    std::fs::copy(&old, &keep).with_context(|| {
                        format!("cannot copy {} to {}", old.display(), keep.display())
                    })?;
                }
                a == b
            }
            Err(_) => false,
        };
        if same {
            outcome.unchanged.push(stem.to_string());
        } else {
            outcome.changed.push(stem.to_string());
        }
    }
    if outcome.changed.is_empty() {
        log(&format!(
            "{}: all {} files unchanged",
            data.display(),
            ALL_INPUTS.len()
        ));
        return Ok(outcome);
    }

    // 3. Validate the new set with the loader `build` uses.
    let mut diag = Diagnostics::default();
    crate::data::load(&staging_path, &mut diag).with_context(|| {
        format!(
            "the data downloaded from {} is invalid; {} was left as it was",
            source.describe(),
            data.display()
        )
    })?;
    outcome.warnings = diag.warnings;

    // 4. Compress changed plain downloads, carry over other files, swap the folders.
    for stem in &outcome.changed {
        let plain = staging_path.join(format!("{stem}.csv"));
        if plain.is_file() {
            gzip_file(&plain)?;
        }
    }
    if data.is_dir() {
        for e in
            std::fs::read_dir(data).with_context(|| format!("cannot read {}", data.display()))?
        {
            let e = e.with_context(|| format!("cannot read {}", data.display()))?;
            let name = e.file_name().to_string_lossy().to_string();
            let input = ALL_INPUTS
                .iter()
                .any(|s| name == format!("{s}.csv") || name == format!("{s}.csv.gz"));
            if !input && e.file_type().is_ok_and(|t| t.is_file()) {
                let to = staging_path.join(&name);
                std::fs::copy(e.path(), &to).with_context(|| {
                    format!("cannot copy {} to {}", e.path().display(), to.display())
                })?;
            }
        }
    }
    staged.swap_in()?;
    Ok(outcome)
}

fn gzip_file(plain: &Path) -> Result<()> {
    let bytes = std::fs::read(plain).with_context(|| format!("cannot read {}", plain.display()))?;
    let gz = plain.with_extension("csv.gz");
    let f =
        std::fs::File::create(&gz).with_context(|| format!("cannot create {}", gz.display()))?;
    let mut enc =
        flate2::write::GzEncoder::new(std::io::BufWriter::new(f), flate2::Compression::best());
    enc.write_all(&bytes)
        .and_then(|_| enc.finish()?.flush())
        .with_context(|| format!("cannot write {}", gz.display()))?;
    std::fs::remove_file(plain).with_context(|| format!("cannot remove {}", plain.display()))?;
    Ok(())
}

/// Downloads the six inputs into `dir` as `<stem>.csv` or `<stem>.csv.gz` (by content).
fn download(source: &Source, dir: &Path, log: &dyn Fn(&str)) -> Result<Vec<(String, u64)>> {
    let bodies: Vec<(String, Vec<u8>)> = match source {
        Source::Jhu { base_url } => ALL_INPUTS
            .iter()
            .map(|stem| {
                let url = format!("{base_url}/{}", jhu_path(stem));
                let body = http_get(&url)?;
                log(&format!("downloaded {url} ({} bytes)", body.len()));
                Ok((stem.to_string(), body))
            })
            .collect::<Result<_>>()?,
        Source::S3 { url, client } => s3_download(url, client, log)?,
    };
    let mut out = Vec::new();
    for (stem, body) in bodies {
        let name = if is_gzip(&body) {
            format!("{stem}.csv.gz")
        } else {
            format!("{stem}.csv")
        };
        let path = dir.join(name);
        std::fs::write(&path, &body).with_context(|| format!("cannot write {}", path.display()))?;
        out.push((stem, body.len() as u64));
    }
    Ok(out)
}

/// GET with retries on transport errors, 429 and 5xx.
fn http_get(url: &str) -> Result<Vec<u8>> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_global(Some(Duration::from_secs(600)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut last = anyhow!("no attempt made");
    for attempt in 0..4u32 {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(500 << attempt));
        }
        match agent.get(url).call() {
            Ok(mut r) => {
                let status = r.status().as_u16();
                if status == 200 {
                    return r
                        .body_mut()
                        .with_config()
                        .limit(1 << 30)
                        .read_to_vec()
                        .with_context(|| format!("cannot read the response of GET {url}"));
                }
                last = anyhow!("GET {url}: HTTP {status}");
                if !(status == 429 || status >= 500) {
                    break;
                }
            }
            Err(e) => last = anyhow!(e).context(format!("GET {url} failed")),
        }
    }
    Err(last)
}

fn s3_download(
    url: &S3Url,
    o: &ClientOptions,
    log: &dyn Fn(&str),
) -> Result<Vec<(String, Vec<u8>)>> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let client = s3::client(o).await;
        let listing = s3::list(&client, url).await?;
        let keys: std::collections::HashSet<&str> =
            listing.iter().map(|o| o.key.as_str()).collect();
        let mut out = Vec::new();
        for stem in ALL_INPUTS {
            let candidates = [format!("{stem}.csv.gz"), format!("{stem}.csv")]
                .map(|n| crate::sync::plan::key_for(&url.prefix, &n));
            let key = candidates
                .iter()
                .find(|k| keys.contains(k.as_str()))
                .ok_or_else(|| {
                    anyhow!("{url}/ has neither {} nor {}", candidates[0], candidates[1])
                })?;
            let obj = client
                .get_object()
                .bucket(&url.bucket)
                .key(key)
                .send()
                .await
                .map_err(sdk_error)
                .with_context(|| format!("cannot download s3://{}/{key}", url.bucket))?;
            let body = obj
                .body
                .collect()
                .await
                .with_context(|| format!("cannot download s3://{}/{key}", url.bucket))?
                .into_bytes()
                .to_vec();
            log(&format!(
                "downloaded s3://{}/{key} ({} bytes)",
                url.bucket,
                body.len()
            ));
            out.push((stem.to_string(), body));
        }
        Ok(out)
    })
}
