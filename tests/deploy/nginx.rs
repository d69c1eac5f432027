//! The nginx configuration of deploy/nginx/, run by Debian's nginx: `nginx -t`, baked mode
//! over a fixture site, proxy mode in front of moto (and its cache when moto is gone).

use seecovid::sync::kind::{cache_control, content_type};

use crate::support::*;

const CSP: &str = "default-src 'self'";

fn assert_security_headers(r: &Response, what: &str) {
    assert!(
        r.header("content-security-policy")
            .is_some_and(|v| v.starts_with(CSP) && v.contains("frame-ancestors 'none'")),
        "{what}: {:?}",
        r.headers
    );
    assert_eq!(
        r.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        r.header("referrer-policy"),
        Some("strict-origin-when-cross-origin"),
        "{what}"
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        r.header("server"),
        Some("nginx"),
        "{what}: server_tokens must be off"
    );
}

#[test]
fn nginx_t_accepts_both_configurations() {
    let site = tempdir();
    fixture_site(site.path());
    for mode in [
        Mode::Baked {
            root: site.path().to_path_buf(),
        },
        Mode::Proxy {
            origin: "http://127.0.0.1:9/bucket".into(),
            prefix: "site".into(),
            cache_valid: "60s".into(),
        },
        Mode::Proxy {
            origin: String::new(),
            prefix: String::new(),
            cache_valid: "60s".into(),
        },
    ] {
        let conf = NginxConf::new(&mode);
        let o = conf.test();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "nginx -t failed:\n{err}");
        assert!(!err.contains("[warn]"), "nginx -t warns:\n{err}");
    }
}

#[test]
fn baked_mode_serves_the_site_with_types_cache_headers_gzip_and_its_404_page() {
    let site = tempdir();
    let rels = fixture_site(site.path());
    std::fs::create_dir_all(site.path().join("heatmaps/empty")).unwrap();
    chmod_755(&site.path().join("heatmaps/empty"));
    let nginx = NginxConf::new(&Mode::Baked {
        root: site.path().to_path_buf(),
    })
    .start();
    let port = nginx.port;

    // Every file: 200, its bytes, the same Content-Type and Cache-Control as `sync` sets.
    for rel in &rels {
        let r = get(port, &format!("/{rel}"));
        assert_eq!(r.status, 200, "{rel}");
        assert!(
            r.body == std::fs::read(site.path().join(rel)).unwrap(),
            "{rel}"
        );
        assert_eq!(
            r.header("content-type"),
            Some(content_type(rel).as_str()),
            "{rel}: nginx and sync disagree"
        );
        assert_eq!(
            r.header("cache-control"),
            Some(cache_control(rel)),
            "{rel}: nginx and sync disagree"
        );
        assert_security_headers(&r, rel);
    }
    let r = get(port, "/");
    assert!(r.status == 200 && r.body == std::fs::read(site.path().join("index.html")).unwrap());
    assert_eq!(r.header("cache-control"), Some("public, max-age=300"));

    // gzip for text, not for images; the bytes survive the round trip.
    for (rel, gz) in [
        ("assets/site.css", true),
        ("regions/sweden.html", true),
        ("data/regions.json", true),
        ("heatmaps/world/confirmed-total.csv", true),
        ("assets/search.js", true),
        ("heatmaps/world/confirmed-total.png", false),
    ] {
        let r = http(
            port,
            "GET",
            &format!("/{rel}"),
            &[("Accept-Encoding", "gzip")],
            b"",
        );
        assert_eq!(r.status, 200);
        let want = std::fs::read(site.path().join(rel)).unwrap();
        if gz {
            assert_eq!(r.header("content-encoding"), Some("gzip"), "{rel}");
            assert_eq!(r.header("vary"), Some("Accept-Encoding"), "{rel}");
            assert!(gunzip(&r.body) == want, "{rel}");
        } else {
            assert_eq!(r.header("content-encoding"), None, "{rel}");
            assert!(r.body == want, "{rel}");
        }
    }

    // The site's 404 page, with a 404 status, for missing files, folders without an index
    // (no listing), hidden files and the manifest.
    let page404 = std::fs::read(site.path().join("404.html")).unwrap();
    for path in [
        "/nope.html",
        "/regions/nope",
        "/heatmaps/empty/",
        "/.seecovid-manifest.json",
        "/assets/.x",
    ] {
        let r = get(port, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.body == page404, "{path}");
        assert!(!r.text().contains("Index of"), "{path}: directory listing");
        assert_security_headers(&r, path);
    }
    // A folder without its slash is redirected relatively, so relative links keep working.
    let r = get(port, "/regions");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/regions/"));
    assert!(
        get(port, "/regions/").body
            == std::fs::read(site.path().join("regions/index.html")).unwrap(),
        "body differs"
    );

    // Health check, methods.
    let r = get(port, "/healthz");
    assert_eq!((r.status, r.text().as_str()), (200, "ok\n"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert_eq!(http(port, "POST", "/index.html", &[], b"x").status, 405);
    assert_eq!(http(port, "HEAD", "/index.html", &[], b"").status, 200);

    // No way out of the root.
    std::fs::write(
        site.path().parent().unwrap().join("seecovid-secret.txt"),
        "secret",
    )
    .ok();
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/regions/..%2f..%2f..%2fetc/passwd",
        "/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/../seecovid-secret.txt",
        "//etc/passwd",
    ] {
        let r = get(port, path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(
            !r.text().contains("root:") && !r.text().contains("secret"),
            "{path} escaped the root"
        );
    }
    assert!(!nginx.error_log().contains("[emerg]"));
}

#[test]
fn proxy_mode_serves_the_synced_bucket_and_keeps_serving_from_cache_when_s3_is_gone() {
    let mut moto = Moto::start();
    moto.create_bucket("site-bucket");
    let site = tempdir();
    let rels = fixture_site(site.path());
    let o = seecovid(&[
        "sync",
        site.path().to_str().unwrap(),
        "s3://site-bucket/live",
        "--endpoint-url",
        &moto.endpoint(),
    ]);
    assert_ok(&o);
    moto.put(
        "site-bucket",
        "elsewhere/secret.html",
        b"not part of the site",
    );

    let nginx = NginxConf::new(&Mode::Proxy {
        origin: format!("{}/site-bucket", moto.endpoint()),
        prefix: "live".into(),
        cache_valid: "1s".into(),
    })
    .start();
    let port = nginx.port;

    for rel in &rels {
        let r = get(port, &format!("/{rel}"));
        assert_eq!(r.status, 200, "{rel}: {}", nginx.error_log());
        assert!(
            r.body == std::fs::read(site.path().join(rel)).unwrap(),
            "{rel}"
        );
        assert_eq!(
            r.header("content-type"),
            Some(content_type(rel).as_str()),
            "{rel}"
        );
        assert_eq!(r.header("cache-control"), Some(cache_control(rel)), "{rel}");
        assert_security_headers(&r, rel);
        for (k, _) in &r.headers {
            assert!(
                !k.to_ascii_lowercase().starts_with("x-amz"),
                "{rel}: S3 header {k} leaked"
            );
        }
    }
    // Folders map to their index.html; a hit the second time.
    let index = std::fs::read(site.path().join("index.html")).unwrap();
    assert!(get(port, "/").body == index, "body differs");
    let r = get(port, "/regions/");
    assert!(
        r.body == std::fs::read(site.path().join("regions/index.html")).unwrap(),
        "body differs"
    );
    assert_eq!(
        get(port, "/index.html").header("x-cache-status"),
        Some("HIT")
    );

    // gzip of proxied text.
    let r = http(
        port,
        "GET",
        "/assets/site.css",
        &[("Accept-Encoding", "gzip")],
        b"",
    );
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert!(gunzip(&r.body) == std::fs::read(site.path().join("assets/site.css")).unwrap());

    // Missing keys, other prefixes, hidden files: the site's 404 page from the bucket.
    let page404 = std::fs::read(site.path().join("404.html")).unwrap();
    for path in [
        "/nope.html",
        "/../elsewhere/secret.html",
        "/%2e%2e/elsewhere/secret.html",
        "/.seecovid-manifest.json",
        "/a%20b.html",
    ] {
        let r = get(port, path);
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        if r.status == 404 {
            assert!(r.body == page404, "{path}");
        }
        assert!(!r.text().contains("not part of the site"), "{path}");
    }
    assert_eq!(get(port, "/healthz").status, 200);

    // S3 goes away: cached pages keep coming (stale), the health check does not care.
    moto.kill();
    // Cache validity is counted in whole seconds: 1s may last up to 2.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    for rel in [
        "index.html",
        "regions/sweden.html",
        "assets/site.css",
        "heatmaps/world/confirmed-total.png",
    ] {
        let r = get(port, &format!("/{rel}"));
        assert_eq!(
            r.status,
            200,
            "{rel} not served from the cache: {}",
            nginx.error_log()
        );
        assert!(
            r.body == std::fs::read(site.path().join(rel)).unwrap(),
            "{rel}"
        );
        assert_eq!(r.header("x-cache-status"), Some("STALE"), "{rel}");
    }
    assert!(get(port, "/").body == index, "body differs");
    assert_eq!(get(port, "/healthz").status, 200);
}
