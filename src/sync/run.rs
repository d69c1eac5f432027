//! Executes a sync: scan and hash the site folder, list the bucket, plan, verify doubtful
//! objects with HEAD, upload (non-pages, then pages from the deepest to the root), then
//! delete. A failed upload stops the sync before any page that could link to it and before
//! any deletion; the error says what was done and what was not.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use md5::{Digest, Md5};
use rayon::prelude::*;
use sha2::Sha256;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::hashcache::{self, HashCache, Stamp};
use super::kind::{cache_control, content_type};
use super::plan::{self, LocalFile, Plan, Upload};
use super::s3::{self, ClientOptions, S3Url, sdk_error};

/// Metadata key (`x-amz-meta-sha256`) holding the SHA-256 of an uploaded file: the
/// content key when the ETag is not an MD5 (SSE-KMS buckets, other tools' multipart uploads).
pub const SHA256_META: &str = "sha256";

/// The sync manifest, `<prefix>/.seecovid-sync.json`: what the last complete sync left under
/// the prefix (path, size, MD5), so an unchanged re-sync needs one GET instead of listing the
/// whole bucket. A sync that changes anything deletes it first and writes it last, so an
/// interrupted sync leaves none and the next one lists the bucket. Hidden like every
/// dot-file: never served by nginx, never deleted as stale.
pub const MANIFEST_NAME: &str = ".seecovid-sync.json";
const MANIFEST_FORMAT: &str = "seecovid-sync/1";

#[derive(serde::Serialize, serde::Deserialize)]
struct SyncManifest {
    format: String,
    /// `(path under the prefix, size, ETag without quotes)` of every object under the
    /// prefix, sorted by path. For the files sync uploads, the ETag is their MD5.
    files: Vec<(String, u64, String)>,
}

impl SyncManifest {
    /// The objects under the prefix after a complete sync: those that were there, minus
    /// the deleted ones, plus every local file.
    fn after_sync(
        prefix: &str,
        remote: &[plan::RemoteObject],
        deleted: &[String],
        local: &[LocalFile],
    ) -> SyncManifest {
        let under = plan::list_prefix(prefix);
        let deleted: std::collections::HashSet<&str> = deleted.iter().map(String::as_str).collect();
        let mut state: std::collections::BTreeMap<String, (u64, String)> = remote
            .iter()
            .filter(|o| !deleted.contains(o.key.as_str()))
            .filter_map(|o| {
                let rel = o.key.strip_prefix(&under)?;
                (!rel.is_empty() && !rel.ends_with('/') && !plan::is_hidden(rel)).then(|| {
                    (
                        rel.to_string(),
                        (o.size, o.etag.trim_matches('"').to_string()),
                    )
                })
            })
            .collect();
        for f in local {
            state.insert(f.rel.clone(), (f.size, hex::encode(f.md5)));
        }
        SyncManifest {
            format: MANIFEST_FORMAT.into(),
            files: state
                .into_iter()
                .map(|(rel, (size, etag))| (rel, size, etag))
                .collect(),
        }
    }

    fn remote(&self, prefix: &str) -> Vec<plan::RemoteObject> {
        self.files
            .iter()
            .map(|(rel, size, etag)| plan::RemoteObject {
                key: plan::key_for(prefix, rel),
                size: *size,
                etag: etag.clone(),
            })
            .collect()
    }
}

#[derive(Clone, Debug)]
pub struct SyncOptions {
    pub dir: PathBuf,
    pub dest: S3Url,
    pub delete: bool,
    pub max_deletes: usize,
    pub dry_run: bool,
    /// List the bucket even if a sync manifest is there.
    pub full_listing: bool,
    pub concurrency: usize,
    pub client: ClientOptions,
}

#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// The plan as executed (for `--dry-run`: as it would be).
    pub plan: Plan,
    pub local_files: usize,
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub unchanged: usize,
    pub deleted: usize,
    /// HEAD requests made to settle same-size objects whose ETag is not an MD5.
    pub verified: usize,
    /// The remote state came from the sync manifest rather than a listing.
    pub used_manifest: bool,
    pub seconds: f64,
}

/// Syncs `o.dir` to `o.dest`. `log` receives progress lines.
pub fn sync(o: &SyncOptions, log: &dyn Fn(&str)) -> Result<Summary> {
    anyhow::ensure!(o.concurrency > 0, "--concurrency must be at least 1");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(sync_async(o, log))
}

struct Local {
    file: LocalFile,
    path: PathBuf,
}

/// Every file under `dir` except hidden ones (any path component starting with `.`, like
/// a build manifest), hashed in parallel; MD5s of unchanged files come from `cache`.
fn scan(dir: &Path, cache: &HashCache) -> Result<(Vec<Local>, HashCache)> {
    if !dir.is_dir() {
        bail!(
            "site folder {} does not exist or is not a folder (run `seecovid build` first)",
            dir.display()
        );
    }
    let started = hashcache::scan_start();
    let mut paths = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for e in walk {
        let e = e.with_context(|| format!("cannot read the site folder {}", dir.display()))?;
        if e.file_type().is_file() {
            let rel =
                e.path()
                    .strip_prefix(dir)
                    .expect("walkdir yields paths under its root")
                    .components()
                    .map(|c| {
                        c.as_os_str().to_str().map(str::to_string).ok_or_else(|| {
                            anyhow!("{}: file name is not UTF-8", e.path().display())
                        })
                    })
                    .collect::<Result<Vec<_>>>()?
                    .join("/");
            paths.push((rel, e.into_path()));
        }
    }
    let hashed: Vec<(Local, Stamp)> = paths
        .into_par_iter()
        .map(|(rel, path)| {
            let meta = std::fs::metadata(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let stamp = Stamp::of(&meta);
            let md5 = match cache.get(&rel, stamp) {
                Some(m) => m,
                None => {
                    let bytes = std::fs::read(&path)
                        .with_context(|| format!("cannot read {}", path.display()))?;
                    anyhow::ensure!(
                        bytes.len() as u64 == stamp.size,
                        "{} changed while it was being read",
                        path.display()
                    );
                    Md5::digest(&bytes).into()
                }
            };
            Ok((
                Local {
                    file: LocalFile {
                        rel,
                        size: stamp.size,
                        md5,
                    },
                    path,
                },
                stamp,
            ))
        })
        .collect::<Result<_>>()?;
    let new_cache = HashCache::from_entries(
        started,
        hashed
            .iter()
            .map(|(l, s)| (l.file.rel.clone(), *s, l.file.md5)),
    );
    Ok((hashed.into_iter().map(|(l, _)| l).collect(), new_cache))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Runs `f` over `items` with at most `limit` in flight; after the first failure no new
/// item starts. Returns the successes and the failures.
async fn bounded<T, R, F, Fut>(items: Vec<T>, limit: usize, f: F) -> (Vec<R>, Vec<anyhow::Error>)
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<R>> + Send + 'static,
    R: Send + 'static,
{
    let sem = Arc::new(Semaphore::new(limit));
    let failed = Arc::new(AtomicBool::new(false));
    let mut set = JoinSet::new();
    for item in items {
        let permit = sem
            .clone()
            .acquire_owned()
            .await
            .expect("semaphore is never closed");
        if failed.load(Ordering::SeqCst) {
            break;
        }
        let fut = f(item);
        let failed = failed.clone();
        set.spawn(async move {
            let r = fut.await;
            if r.is_err() {
                failed.store(true, Ordering::SeqCst);
            }
            drop(permit);
            r
        });
    }
    let (mut ok, mut errs) = (Vec::new(), Vec::new());
    while let Some(j) = set.join_next().await {
        match j {
            Ok(Ok(r)) => ok.push(r),
            Ok(Err(e)) => errs.push(e),
            Err(e) => errs.push(anyhow!("upload task failed: {e}")),
        }
    }
    (ok, errs)
}

/// PUT one object with its Content-Type and Cache-Control, and the SHA-256 metadata if given.
async fn put_object(
    client: &Client,
    bucket: &str,
    key: &str,
    (content_type, cache_control): (&str, &str),
    sha256: Option<String>,
    body: Vec<u8>,
) -> Result<()> {
    let mut req = client
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type(content_type)
        .cache_control(cache_control);
    if let Some(h) = sha256 {
        req = req.metadata(SHA256_META, h);
    }
    req.body(ByteStream::from(body))
        .send()
        .await
        .map_err(sdk_error)?;
    Ok(())
}

async fn put(client: Client, bucket: String, u: Upload, path: PathBuf) -> Result<u64> {
    let body = tokio::fs::read(&path)
        .await
        .with_context(|| format!("cannot read {}", path.display()))?;
    let len = body.len() as u64;
    let sha = sha256_hex(&body);
    let ct = content_type(&u.rel);
    let headers = (ct.as_str(), cache_control(&u.rel));
    put_object(&client, &bucket, &u.key, headers, Some(sha), body)
        .await
        .with_context(|| {
            format!(
                "cannot upload {} to s3://{bucket}/{}",
                path.display(),
                u.key
            )
        })?;
    Ok(len)
}

/// HEAD the object: is its `sha256` metadata that of the local file?
async fn same_content(
    client: Client,
    bucket: String,
    u: Upload,
    path: PathBuf,
) -> Result<(Upload, bool)> {
    let head = client
        .head_object()
        .bucket(&bucket)
        .key(&u.key)
        .send()
        .await
        .map_err(sdk_error)
        .with_context(|| format!("cannot read the metadata of s3://{bucket}/{}", u.key))?;
    let remote = head.metadata().and_then(|m| m.get(SHA256_META)).cloned();
    let same = match remote {
        Some(r) => {
            let body = tokio::fs::read(&path)
                .await
                .with_context(|| format!("cannot read {}", path.display()))?;
            r.eq_ignore_ascii_case(&sha256_hex(&body))
        }
        None => false,
    };
    Ok((u, same))
}

/// The local files, scanned and hashed (with the hash cache), and where each one is.
struct Scanned {
    files: Vec<LocalFile>,
    paths: std::collections::HashMap<String, PathBuf>,
}

fn scan_local(dir: &Path, log: &dyn Fn(&str)) -> Result<Scanned> {
    let t0 = Instant::now();
    let cache_path = hashcache::path_for(dir);
    let (local, cache) =
        tokio::task::block_in_place(|| scan(dir, &HashCache::load(cache_path.as_deref())))?;
    cache.save(cache_path.as_deref());
    let local_bytes: u64 = local.iter().map(|l| l.file.size).sum();
    let paths = local
        .iter()
        .map(|l| (l.file.rel.clone(), l.path.clone()))
        .collect();
    let files: Vec<LocalFile> = local.into_iter().map(|l| l.file).collect();
    log(&format!(
        "scanned {}: {} files, {} bytes ({:.2}s)",
        dir.display(),
        files.len(),
        local_bytes,
        t0.elapsed().as_secs_f64()
    ));
    Ok(Scanned { files, paths })
}

/// What is under the prefix: from the sync manifest when there is one (and a full listing
/// was not asked for), else from a listing. Returns (objects, whether a manifest is there).
async fn remote_state(
    client: &Client,
    o: &SyncOptions,
    manifest_key: &str,
    old: Option<&SyncManifest>,
    log: &dyn Fn(&str),
) -> Result<(Vec<plan::RemoteObject>, bool)> {
    let dest = &o.dest;
    let manifest = if o.full_listing { None } else { old };
    Ok(match manifest {
        Some(m) => {
            log(&format!(
                "read s3://{}/{manifest_key}: {} files",
                dest.bucket,
                m.files.len()
            ));
            (m.remote(&dest.prefix), true)
        }
        None => {
            let remote = s3::list(client, dest).await?;
            log(&format!("listed {dest}/: {} objects", remote.len()));
            let present = remote.iter().any(|r| r.key == manifest_key);
            (remote, present)
        }
    })
}

/// Same size but an ETag that is not an MD5: settles it with the sha256 metadata.
async fn verify_doubtful(
    client: &Client,
    o: &SyncOptions,
    local: &Scanned,
    p: &mut Plan,
    s: &mut Summary,
) -> Result<()> {
    if p.verify.is_empty() {
        return Ok(());
    }
    let bucket = o.dest.bucket.clone();
    let doubtful = std::mem::take(&mut p.verify);
    s.verified = doubtful.len();
    let (checked, errs) = bounded(doubtful, o.concurrency, |u| {
        let path = local.paths[&u.rel].clone();
        same_content(client.clone(), bucket.clone(), u, path)
    })
    .await;
    if let Some(e) = errs.into_iter().next() {
        return Err(e.context(format!(
            "sync to {} failed while planning; nothing was changed",
            o.dest
        )));
    }
    for (u, same) in checked {
        if same {
            s.unchanged += 1;
            p.unchanged += 1;
        } else {
            p.uploads.push(u);
        }
    }
    plan::order_uploads(&mut p.uploads);
    Ok(())
}

/// Uploads in waves: every non-page, then pages by depth (deepest first), then index.html.
async fn upload_waves(
    client: &Client,
    o: &SyncOptions,
    local: &Scanned,
    p: &Plan,
    s: &mut Summary,
) -> Result<()> {
    let bucket = o.dest.bucket.clone();
    let mut phases: Vec<Vec<Upload>> = Vec::new();
    for (i, u) in p.uploads.iter().enumerate() {
        if i == 0 || plan::wave(&u.rel) != plan::wave(&p.uploads[i - 1].rel) {
            phases.push(Vec::new());
        }
        phases.last_mut().expect("pushed above").push(u.clone());
    }
    let total = p.uploads.len();
    for phase in phases {
        let (done, errs) = bounded(phase, o.concurrency, |u| {
            let path = local.paths[&u.rel].clone();
            put(client.clone(), bucket.clone(), u, path)
        })
        .await;
        s.uploaded += done.len();
        s.uploaded_bytes += done.iter().sum::<u64>();
        if let Some(e) = errs.into_iter().next() {
            return Err(e.context(format!(
                "sync to {}: uploaded {} of {total} files ({} bytes), {} not uploaded, \
                 no objects deleted; run it again to finish",
                o.dest,
                s.uploaded,
                s.uploaded_bytes,
                total - s.uploaded
            )));
        }
    }
    Ok(())
}

/// Deletes the stale objects, 1000 per request.
async fn delete_stale(client: &Client, o: &SyncOptions, p: &Plan, s: &mut Summary) -> Result<()> {
    let (dest, bucket) = (&o.dest, &o.dest.bucket);
    for batch in p.deletes.chunks(1000) {
        let ids = batch
            .iter()
            .map(|k| ObjectIdentifier::builder().key(k).build())
            .collect::<Result<Vec<_>, _>>()
            .context("cannot build the delete request")?;
        let del = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .context("cannot build the delete request")?;
        let out = client
            .delete_objects()
            .bucket(bucket)
            .delete(del)
            .send()
            .await
            .map_err(sdk_error)
            .with_context(|| {
                format!(
                    "sync to {dest}: uploaded {} files, but deleting {} stale objects (first: {}) \
                     failed after {} deletions",
                    s.uploaded,
                    batch.len(),
                    batch[0],
                    s.deleted
                )
            })?;
        if let Some(err) = out.errors().first() {
            bail!(
                "sync to {dest}: uploaded {} files, but S3 refused to delete {} of {} stale objects \
                 (first: {}: {} {})",
                s.uploaded,
                out.errors().len(),
                batch.len(),
                err.key().unwrap_or("?"),
                err.code().unwrap_or("?"),
                err.message().unwrap_or("")
            );
        }
        s.deleted += batch.len();
    }
    Ok(())
}

async fn write_manifest(
    client: &Client,
    o: &SyncOptions,
    key: &str,
    m: &SyncManifest,
) -> Result<()> {
    let (dest, bucket) = (&o.dest, &o.dest.bucket);
    let body = serde_json::to_vec(m).context("cannot encode the sync manifest")?;
    let headers = ("application/json", "no-store");
    put_object(client, bucket, key, headers, None, body)
        .await
        .with_context(|| {
            format!(
                "sync to {dest}: every file is uploaded, but writing s3://{bucket}/{key} \
                 failed (the next sync will list the bucket)"
            )
        })?;
    Ok(())
}

async fn sync_async(o: &SyncOptions, log: &dyn Fn(&str)) -> Result<Summary> {
    let t0 = Instant::now();
    let local = scan_local(&o.dir, log)?;
    let client = s3::client(&o.client).await;
    let dest = &o.dest;
    let bucket = dest.bucket.clone();
    let manifest_key = plan::key_for(&dest.prefix, MANIFEST_NAME);
    let old_manifest = read_manifest(&client, &bucket, &manifest_key, log).await?;
    let (remote, manifest_present) =
        remote_state(&client, o, &manifest_key, old_manifest.as_ref(), log).await?;

    let mut p = plan::plan(&local.files, &remote, &dest.prefix, o.delete);
    let mut s = Summary {
        local_files: local.files.len(),
        unchanged: p.unchanged,
        used_manifest: old_manifest.is_some() && !o.full_listing,
        ..Summary::default()
    };
    verify_doubtful(&client, o, &local, &mut p, &mut s).await?;
    if p.deletes.len() > o.max_deletes {
        bail!(
            "refusing to delete {} objects under {dest}/ (more than --max-deletes {}); nothing was \
             changed. Check the folder and the destination, or raise --max-deletes",
            p.deletes.len(),
            o.max_deletes
        );
    }
    let planned_bytes: u64 = p.uploads.iter().map(|u| u.size).sum();
    log(&format!(
        "plan: upload {} ({} bytes), unchanged {}, delete {}",
        p.uploads.len(),
        planned_bytes,
        p.unchanged,
        p.deletes.len()
    ));
    if o.dry_run {
        s.plan = p;
        s.seconds = t0.elapsed().as_secs_f64();
        return Ok(s);
    }

    let changes = !p.uploads.is_empty() || !p.deletes.is_empty();
    if changes && manifest_present {
        // From here until the new manifest is written, the bucket may differ from any
        // manifest: without one, the next sync lists the bucket.
        client
            .delete_object()
            .bucket(&bucket)
            .key(&manifest_key)
            .send()
            .await
            .map_err(sdk_error)
            .with_context(|| {
                format!("cannot delete s3://{bucket}/{manifest_key}; nothing was changed")
            })?;
    }
    upload_waves(&client, o, &local, &p, &mut s).await?;
    delete_stale(&client, o, &p, &mut s).await?;
    let m = SyncManifest::after_sync(&dest.prefix, &remote, &p.deletes, &local.files);
    if changes || old_manifest.is_none_or(|old| old.files != m.files) {
        write_manifest(&client, o, &manifest_key, &m).await?;
    }
    s.plan = p;
    s.seconds = t0.elapsed().as_secs_f64();
    Ok(s)
}

/// The sync manifest, if there is a readable one.
async fn read_manifest(
    client: &Client,
    bucket: &str,
    key: &str,
    log: &dyn Fn(&str),
) -> Result<Option<SyncManifest>> {
    let obj = match client.get_object().bucket(bucket).key(key).send().await {
        Ok(o) => o,
        Err(e) if s3::is_not_found(&e) => return Ok(None),
        Err(e) => {
            return Err(sdk_error(e)).with_context(|| format!("cannot read s3://{bucket}/{key}"));
        }
    };
    let bytes = obj
        .body
        .collect()
        .await
        .with_context(|| format!("cannot read s3://{bucket}/{key}"))?
        .into_bytes();
    match serde_json::from_slice::<SyncManifest>(&bytes) {
        Ok(m) if m.format == MANIFEST_FORMAT => Ok(Some(m)),
        _ => {
            log(&format!(
                "ignoring s3://{bucket}/{key}: not a sync manifest of this version"
            ));
            Ok(None)
        }
    }
}
