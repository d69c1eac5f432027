//! `seecovid sync` against moto_server: bytes, headers, change detection by content,
//! ordering, --delete/--max-deletes/--dry-run, and an S3 outage in the middle of a sync.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::{Duration, Instant};

use seecovid::sync::kind::{cache_control, content_type, is_page};

use crate::support::*;

const BUCKET: &str = "seecovid-test";

fn sync_args<'a>(
    dir: &'a str,
    dest: &'a str,
    endpoint: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut v = vec!["sync", dir, dest, "--endpoint-url", endpoint];
    v.extend_from_slice(extra);
    v
}

const MANIFEST: &str = ".seecovid-sync.json";

/// The site's keys under `prefix` (without the hidden sync manifest).
/// A fresh moto with the bucket, the fixture site, and one completed sync of it to `dest`.
fn synced_site(dest: &str) -> (Moto, tempfile::TempDir, String) {
    let moto = Moto::start();
    moto.create_bucket(BUCKET);
    let site = tempdir();
    fixture_site(site.path());
    let ep = moto.endpoint();
    assert_ok(&seecovid(&sync_args(
        site.path().to_str().unwrap(),
        dest,
        &ep,
        &[],
    )));
    (moto, site, ep)
}

fn site_keys(moto: &Moto, prefix: &str) -> Vec<String> {
    moto.keys(BUCKET, prefix)
        .into_iter()
        .filter(|k| !k.contains("/."))
        .collect()
}

fn is_write(r: &str) -> bool {
    r.starts_with("PUT ") || r.starts_with("POST ") || r.starts_with("DELETE ")
}

/// Requests moto logged after `mark` that change a file of the site (not the sync manifest).
fn writes_since(moto: &Moto, mark: usize) -> Vec<String> {
    moto.requests()[mark..]
        .iter()
        .filter(|r| is_write(r) && !r.contains(MANIFEST))
        .cloned()
        .collect()
}

/// Writes of the sync manifest after `mark`.
fn manifest_writes_since(moto: &Moto, mark: usize) -> Vec<String> {
    moto.requests()[mark..]
        .iter()
        .filter(|r| is_write(r) && r.contains(MANIFEST))
        .map(|r| r.split('?').next().unwrap().to_string())
        .collect()
}

#[test]
fn first_sync_puts_every_file_with_types_and_cache_headers_and_resync_uploads_nothing() {
    let moto = Moto::start();
    moto.create_bucket(BUCKET);
    let site = tempdir();
    let rels = fixture_site(site.path());
    let dir = site.path().to_str().unwrap();
    let ep = moto.endpoint();

    let mark = moto.requests().len();
    let o = seecovid(&sync_args(
        dir,
        "s3://seecovid-test/site/",
        &ep,
        &["--delete"],
    ));
    assert_ok(&o);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!("uploaded {} files", rels.len())),
        "{stdout}"
    );

    // Every file, with identical bytes and the policy's headers; the hidden manifest not.
    let keys = site_keys(&moto, "site/");
    let want: Vec<String> = rels.iter().map(|r| format!("site/{r}")).collect();
    assert_eq!(keys, want);
    for rel in &rels {
        let r = moto.get(BUCKET, &format!("site/{rel}"));
        assert_eq!(r.status, 200, "{rel}");
        assert!(
            r.body == std::fs::read(site.path().join(rel)).unwrap(),
            "{rel}: bytes differ"
        );
        assert_eq!(
            r.header("content-type"),
            Some(content_type(rel).as_str()),
            "{rel}"
        );
        assert_eq!(r.header("cache-control"), Some(cache_control(rel)), "{rel}");
        assert!(
            r.header("x-amz-meta-sha256").is_some_and(|v| v.len() == 64),
            "{rel}"
        );
    }
    assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
    assert_eq!(content_type("x.gif"), "image/gif");

    // Order: every non-page before any page, and the index last.
    let puts: Vec<String> = writes_since(&moto, mark)
        .into_iter()
        .filter(|r| r.starts_with("PUT /seecovid-test/site/"))
        .map(|r| {
            r["PUT /seecovid-test/site/".len()..]
                .split('?')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(puts.len(), rels.len(), "{puts:?}");
    let first_page = puts.iter().position(|k| is_page(k)).unwrap();
    assert!(
        puts[first_page..].iter().all(|k| is_page(k)),
        "a page went up before an asset: {puts:?}"
    );
    assert_eq!(puts.last().unwrap(), "index.html", "{puts:?}");

    // The sync manifest was written last, and is not a page of the site.
    assert_eq!(
        manifest_writes_since(&moto, mark),
        [format!("PUT /seecovid-test/site/{MANIFEST}")]
    );
    let last_write = moto.requests()[mark..]
        .iter()
        .rfind(|r| is_write(r))
        .cloned()
        .unwrap();
    assert!(last_write.contains(MANIFEST), "{last_write}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&moto.get(BUCKET, &format!("site/{MANIFEST}")).body).unwrap();
    assert_eq!(manifest["files"].as_array().unwrap().len(), rels.len());

    // An immediate second sync: one request (the manifest), no write of any kind.
    let mark = moto.requests().len();
    let o = seecovid(&sync_args(
        dir,
        "s3://seecovid-test/site",
        &ep,
        &["--delete"],
    ));
    assert_ok(&o);
    let after = moto.requests()[mark..].to_vec();
    assert_eq!(
        after,
        [format!("GET /seecovid-test/site/{MANIFEST}?x-id=GetObject")]
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!(
            "uploaded 0 files (0 bytes), {} unchanged, 0 deleted",
            rels.len()
        )),
        "{stdout}"
    );

    // The same with --full-listing: the manifest and a listing are read, still no write.
    let mark = moto.requests().len();
    let o = seecovid(&sync_args(
        dir,
        "s3://seecovid-test/site",
        &ep,
        &["--delete", "--full-listing"],
    ));
    assert_ok(&o);
    let after = moto.requests()[mark..].to_vec();
    assert!(
        after
            .iter()
            .any(|r| r.starts_with("GET /seecovid-test/?list-type=2")),
        "{after:?}"
    );
    assert!(after.iter().all(|r| r.starts_with("GET ")), "{after:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("uploaded 0 files"),
        "{}",
        out_text(&o)
    );
}

#[test]
fn changes_made_behind_syncs_back_are_found_with_full_listing() {
    let (moto, site, ep) = synced_site("s3://seecovid-test/site");
    let dir = site.path().to_str().unwrap();
    // Someone deletes an object by hand: the manifest does not know.
    assert_eq!(
        http(
            moto.port,
            "DELETE",
            "/seecovid-test/site/robots.txt",
            &[],
            b""
        )
        .status,
        204
    );
    let o = seecovid(&sync_args(dir, "s3://seecovid-test/site", &ep, &[]));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("uploaded 0 files"),
        "{}",
        out_text(&o)
    );
    // --full-listing looks at the bucket itself.
    let mark = moto.requests().len();
    let o = seecovid(&sync_args(
        dir,
        "s3://seecovid-test/site",
        &ep,
        &["--full-listing"],
    ));
    assert_ok(&o);
    assert_eq!(
        writes_since(&moto, mark),
        ["PUT /seecovid-test/site/robots.txt?x-id=PutObject"].map(String::from)
    );
    assert_eq!(moto.get(BUCKET, "site/robots.txt").status, 200);
}

#[test]
fn changed_added_and_removed_files_are_exactly_what_is_uploaded_and_deleted() {
    let (moto, site, ep) = synced_site("s3://seecovid-test/site");
    let dir = site.path().to_str().unwrap();
    // An object of a neighbouring prefix that must never be touched.
    moto.put(BUCKET, "site2/keep.html", b"other prefix");
    moto.put(BUCKET, "inputs/keep.csv", b"other prefix");

    // Same size, different content: only a content hash sees it.
    let css = site.path().join("assets/site.css");
    let mut bytes = std::fs::read(&css).unwrap();
    bytes[0] = b'B';
    std::fs::write(&css, &bytes).unwrap();
    write(
        site.path(),
        "regions/norway.html",
        b"<!doctype html><title>Norway</title>",
    );
    std::fs::remove_file(site.path().join("heatmaps/world/confirmed-total.gif")).unwrap();

    // Without --delete the removed file stays.
    let mark = moto.requests().len();
    assert_ok(&seecovid(&sync_args(
        dir,
        "s3://seecovid-test/site",
        &ep,
        &[],
    )));
    let w: BTreeSet<String> = writes_since(&moto, mark).into_iter().collect();
    let want: BTreeSet<String> = [
        "PUT /seecovid-test/site/assets/site.css?x-id=PutObject",
        "PUT /seecovid-test/site/regions/norway.html?x-id=PutObject",
    ]
    .map(String::from)
    .into();
    assert_eq!(w, want);
    assert_eq!(
        moto.get(BUCKET, "site/heatmaps/world/confirmed-total.gif")
            .status,
        200
    );
    assert!(
        moto.get(BUCKET, "site/assets/site.css").body == bytes,
        "body differs"
    );

    // With --delete: one deletion request, nothing uploaded; the manifest is taken away
    // before the change and written again after it.
    let mark = moto.requests().len();
    let o = seecovid(&sync_args(
        dir,
        "s3://seecovid-test/site",
        &ep,
        &["--delete"],
    ));
    assert_ok(&o);
    assert_eq!(
        writes_since(&moto, mark),
        ["POST /seecovid-test/?delete"].map(String::from),
        "{}",
        out_text(&o)
    );
    assert_eq!(
        manifest_writes_since(&moto, mark),
        [
            format!("DELETE /seecovid-test/site/{MANIFEST}"),
            format!("PUT /seecovid-test/site/{MANIFEST}")
        ]
    );
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("uploaded 0 files (0 bytes), 17 unchanged, 1 deleted"),
        "{}",
        out_text(&o)
    );
    assert_eq!(
        moto.get(BUCKET, "site/heatmaps/world/confirmed-total.gif")
            .status,
        404
    );
    assert_eq!(moto.get(BUCKET, "site2/keep.html").status, 200);
    assert_eq!(moto.get(BUCKET, "inputs/keep.csv").status, 200);
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let (moto, site, ep) = synced_site("s3://seecovid-test");
    let dir = site.path().to_str().unwrap();
    write(site.path(), "robots.txt", b"User-agent: *\nDisallow: /\n");
    std::fs::remove_file(site.path().join("favicon.ico")).unwrap();

    let mark = moto.requests().len();
    let o = seecovid(&sync_args(
        dir,
        "s3://seecovid-test",
        &ep,
        &["--delete", "--dry-run"],
    ));
    assert_ok(&o);
    assert_eq!(writes_since(&moto, mark), Vec::<String>::new());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("would upload robots.txt (Changed"),
        "{stdout}"
    );
    assert!(stdout.contains("would delete favicon.ico"), "{stdout}");
    assert!(stdout.contains("dry run, nothing changed"), "{stdout}");
    assert_eq!(
        moto.get(BUCKET, "robots.txt").text(),
        "User-agent: *\nAllow: /\n"
    );
    assert_eq!(moto.get(BUCKET, "favicon.ico").status, 200);
}

#[test]
fn max_deletes_refuses_a_large_deletion_before_changing_anything() {
    let moto = Moto::start();
    moto.create_bucket(BUCKET);
    let site = tempdir();
    fixture_site(site.path());
    let dir = site.path().to_str().unwrap();
    let ep = moto.endpoint();
    for i in 0..5 {
        moto.put(BUCKET, &format!("site/stale/{i}.html"), b"stale");
    }
    let mark = moto.requests().len();
    let o = seecovid(&sync_args(
        dir,
        "s3://seecovid-test/site",
        &ep,
        &["--delete", "--max-deletes", "4"],
    ));
    assert!(!o.status.success(), "{}", out_text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("refusing to delete 5 objects") && err.contains("--max-deletes 4"),
        "{err}"
    );
    assert_eq!(
        writes_since(&moto, mark),
        Vec::<String>::new(),
        "nothing may change"
    );

    let o = seecovid(&sync_args(
        dir,
        "s3://seecovid-test/site",
        &ep,
        &["--delete", "--max-deletes", "5"],
    ));
    assert_ok(&o);
    assert!(moto.keys(BUCKET, "site/stale/").is_empty());
}

#[test]
fn same_size_object_with_a_multipart_etag_is_settled_by_its_sha256_metadata() {
    use sha2::{Digest, Sha256};
    let moto = Moto::start();
    moto.create_bucket(BUCKET);
    let site = tempdir();
    write(site.path(), "a.css", b"body{}");
    write(site.path(), "b.css", b"body{}");
    let sha = hex::encode(Sha256::digest(b"body{}"));
    // Same bytes, but uploaded as a one-part multipart upload: the ETag is `…-1`, not an MD5.
    let multipart = |key: &str, meta: Option<&str>| {
        let headers: Vec<(&str, &str)> = meta
            .map(|m| vec![("x-amz-meta-sha256", m)])
            .unwrap_or_default();
        let r = http(
            moto.port,
            "POST",
            &format!("/{BUCKET}/{key}?uploads"),
            &headers,
            b"",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let id = r
            .text()
            .split("<UploadId>")
            .nth(1)
            .unwrap()
            .split("</UploadId>")
            .next()
            .unwrap()
            .to_string();
        let r = http(
            moto.port,
            "PUT",
            &format!("/{BUCKET}/{key}?partNumber=1&uploadId={id}"),
            &[],
            b"body{}",
        );
        assert_eq!(r.status, 200, "{}", r.text());
        let etag = r.header("etag").unwrap().to_string();
        let done = format!(
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>"
        );
        let r = http(
            moto.port,
            "POST",
            &format!("/{BUCKET}/{key}?uploadId={id}"),
            &[],
            done.as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.text());
    };
    multipart("a.css", Some(&sha));
    multipart("b.css", None);
    assert!(
        moto.get(BUCKET, "a.css")
            .header("etag")
            .unwrap()
            .ends_with("-1\"")
    );

    let mark = moto.requests().len();
    let o = seecovid(&sync_args(
        site.path().to_str().unwrap(),
        "s3://seecovid-test",
        &moto.endpoint(),
        &[],
    ));
    assert_ok(&o);
    // No manifest yet, so a listing: both checked with HEAD; only the one without a
    // matching sha256 is uploaded.
    let heads = moto.requests()[mark..]
        .iter()
        .filter(|r| r.starts_with("HEAD "))
        .count();
    assert_eq!(heads, 2, "{:?}", moto.requests());
    assert_eq!(
        writes_since(&moto, mark),
        ["PUT /seecovid-test/b.css?x-id=PutObject"].map(String::from)
    );
}

#[test]
fn s3_stopped_mid_sync_fails_deletes_nothing_and_the_next_sync_finishes_the_job() {
    let mut moto = Moto::start();
    moto.create_bucket(BUCKET);
    let site = tempdir();
    let mut rels = fixture_site(site.path());
    for i in 0..3 {
        moto.put(BUCKET, &format!("site/stale-{i}.png"), b"stale");
    }
    let dir = site.path().to_str().unwrap().to_string();
    let ep = moto.endpoint();
    // A complete sync first (without --delete): the stale objects stay, a manifest is written.
    assert_ok(&seecovid(&sync_args(
        &dir,
        "s3://seecovid-test/site",
        &ep,
        &[],
    )));
    for i in 0..300 {
        let rel = format!("regions/r{i:03}.html");
        write(site.path(), &rel, format!("<p>region {i}</p>").as_bytes());
        rels.push(rel);
    }
    let child = seecovid_cmd(&sync_args(
        &dir,
        "s3://seecovid-test/site",
        &ep,
        &[
            "--delete",
            "--concurrency",
            "2",
            "--max-attempts",
            "2",
            "--timeout",
            "2",
        ],
    ))
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    // Freeze S3 once the pages are going up.
    let t0 = Instant::now();
    while moto
        .requests()
        .iter()
        .filter(|r| r.starts_with("PUT /seecovid-test/site/regions/r"))
        .count()
        < 20
    {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "sync never got going: {:?}",
            moto.requests()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    moto.pause();
    let o = child.wait_with_output().unwrap();
    moto.resume();
    assert!(
        !o.status.success(),
        "sync must fail while S3 is down: {}",
        out_text(&o)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no objects deleted") && err.contains("not uploaded"),
        "{err}"
    );
    // Nothing deleted, and not everything is there.
    assert_eq!(moto.keys(BUCKET, "site/stale-").len(), 3);
    let partial = site_keys(&moto, "site/").len();
    assert!(
        partial < rels.len() + 3,
        "everything went up before the outage; the test proves nothing"
    );
    // The manifest was taken away before the first upload: the next sync lists the bucket.
    assert_eq!(moto.get(BUCKET, &format!("site/{MANIFEST}")).status, 404);

    // S3 is back: the next sync completes the job.
    let o = seecovid(&sync_args(
        &dir,
        "s3://seecovid-test/site",
        &ep,
        &["--delete"],
    ));
    assert_ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains(", 3 deleted"),
        "{}",
        out_text(&o)
    );
    let mut want: Vec<String> = rels.iter().map(|r| format!("site/{r}")).collect();
    want.sort();
    assert_eq!(site_keys(&moto, "site/"), want);
    let index = moto.get(BUCKET, "site/index.html");
    assert!(
        index.body == std::fs::read(site.path().join("index.html")).unwrap(),
        "body differs"
    );
    moto.kill();
}

#[test]
fn a_missing_bucket_is_an_error_naming_it() {
    let moto = Moto::start();
    let site = tempdir();
    fixture_site(site.path());
    let o = seecovid(&sync_args(
        site.path().to_str().unwrap(),
        "s3://no-such-bucket/site",
        &moto.endpoint(),
        &["--max-attempts", "1"],
    ));
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("s3://no-such-bucket/site") && err.contains("NoSuchBucket"),
        "{err}"
    );
}
