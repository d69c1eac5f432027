//! Builds the `small` fixture with the real binary and checks the site, the downloads, the
//! link check, bad-input handling (nothing lost) and `serve`.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use common::{SiteTest, bin, serve, snapshot, stderr};
use seecovid::data;

#[test]
fn fixture_site_has_pages_downloads_and_passes_check() {
    let t = SiteTest::fixture("small");
    t.build();
    for id in [
        "alphaland",
        "betaland",
        "us",
        "betaland--north",
        "us--alabama",
        "us--alabama--autauga",
        "us--guam",
    ] {
        t.has_file(&format!("regions/{id}.html"))
            .has_file(&format!("data/regions/{id}.csv"))
            .has_file(&format!("regions/img/{id}-daily.svg"))
            .has_file(&format!("regions/img/{id}-daily-phone.svg"));
    }
    t.has_file("index.html")
        .has_file("about/index.html")
        .has_file("404.html")
        .has_file("regions/index.html")
        .has_file("assets/style.css")
        .has_file("robots.txt")
        .has_file("favicon.svg");
    // Recovered/active chart only where recovered is published.
    t.has_file("regions/img/alphaland-recovered-active.svg");
    assert!(!t.out().join("regions/img/us-recovered-active.svg").exists());
    // Parent and child links.
    t.page_contains(
        "regions/us--alabama.html",
        "href=\"us--alabama--autauga.html\"",
    )
    .page_contains("regions/us--alabama.html", "href=\"us.html\"")
    .page_contains("regions/betaland--north.html", "href=\"betaland.html\"")
    .page_contains("regions/index.html", "href=\"us--alabama--baldwin.html\"")
    .page_contains("about/index.html", "CC BY 4.0")
    .page_contains("index.html", "Johns Hopkins University");
    // Every image has alt text.
    let page = t.read("regions/alphaland.html");
    assert_eq!(
        page.matches("<img ").count(),
        page.matches(" alt=\"").count()
    );
    assert!(
        page.contains("negative value"),
        "the correction day is mentioned"
    );
    let ok = Command::new(bin())
        .arg("check")
        .arg(t.out())
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
}

#[test]
fn region_csv_exact_bytes() {
    let t = SiteTest::fixture("small");
    t.build();
    // Worked out by hand (tests/fixtures/small/README.md). The smoothed columns: cases have
    // no zero day to spread over and the −5 correction is left out (empty); each death
    // covers the zero day before it (1, 0 → 0.5, 0.5).
    let want = "\
date,confirmed,deaths,recovered,active,new_confirmed,new_deaths,new_recovered,new_active,\
new_confirmed_smoothed,new_deaths_smoothed
2021-08-01,100,1,50,49,100,1,50,49,100,1
2021-08-02,110,1,60,49,10,0,10,0,10,0.5
2021-08-03,130,2,80,48,20,1,20,-1,20,0.5
2021-08-04,125,2,90,33,-5,0,10,-15,,0.5
2021-08-05,140,3,,,15,1,,,15,0.5
2021-08-06,160,3,,,20,0,,,20,0.5
2021-08-07,170,4,,,10,1,,,10,0.5
";
    assert_eq!(t.read("data/regions/alphaland.csv"), want);
    let al = t.read("data/regions/us--alabama.csv");
    // Deaths 1, 0, 0, 1, 1: the first 1 after two zero days covers them (⅓ each).
    assert_eq!(
        al.lines().nth(5),
        Some("2021-08-05,31,3,,,6,1,,,6,1"),
        "{al}"
    );
    assert_eq!(
        al.lines().nth(3),
        Some("2021-08-03,22,1,,,4,0,,,4,0.33"),
        "{al}"
    );
    assert_eq!(al.lines().count(), 6);
}

#[test]
fn regions_json_schema() {
    let t = SiteTest::fixture("small");
    t.build();
    let v: serde_json::Value = serde_json::from_str(&t.read("data/regions.json")).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 10);
    let find = |id: &str| list.iter().find(|r| r["id"] == id).unwrap().clone();
    let a = find("us--alabama--autauga");
    assert_eq!(a["name"], "Autauga");
    assert_eq!(a["level"], "us_county");
    assert_eq!(a["parent"], "us--alabama");
    assert_eq!(a["population"], 55869);
    assert_eq!(a["page"], "regions/us--alabama--autauga.html");
    assert_eq!(a["csv"], "data/regions/us--alabama--autauga.csv");
    let b = find("betaland");
    assert_eq!(b["level"], "country");
    assert!(b["parent"].is_null());
    assert!(find("betaland--south")["population"].is_null());
    assert_eq!(find("betaland--north")["level"], "province");
    assert_eq!(find("us--guam")["level"], "us_state");
    // The seven original fields are all there (join keys are added beside them).
    for k in ["id", "name", "level", "parent", "population", "page", "csv"] {
        assert!(a.get(k).is_some(), "{k}");
    }
}

#[test]
fn check_fails_on_a_broken_link_and_an_external_image() {
    let t = SiteTest::fixture("small");
    t.build();
    let p = t.out().join("regions/alphaland.html");
    let html = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        html.replace("betaland.html", "nope.html") + "<a href=\"nope.html\">x</a>",
    )
    .unwrap();
    let o = Command::new(bin())
        .arg("check")
        .arg(t.out())
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("nope.html"), "{}", stderr(&o));

    let t2 = SiteTest::fixture("small");
    t2.build();
    let p = t2.out().join("about/index.html");
    let html = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        html.replace(
            "</main>",
            "<img src=\"https://cdn.example.org/x.png\" alt=\"\"></main>",
        ),
    )
    .unwrap();
    let o = Command::new(bin())
        .arg("check")
        .arg(t2.out())
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("another host"), "{}", stderr(&o));
}

/// Each bad input: non-zero exit, a message naming the file and row/column, and the previous
/// output folder byte-identical afterwards.
#[test]
fn bad_inputs_fail_clearly_and_keep_the_previous_output() {
    type Edit = Box<dyn Fn(&SiteTest)>;
    let cases: Vec<(&str, Edit, Vec<&str>)> = vec![
        (
            "missing file",
            Box::new(|t: &SiteTest| std::fs::remove_file(t.data_file(data::DEATHS_US)).unwrap()),
            vec!["time_series_covid19_deaths_US", "missing input file"],
        ),
        (
            "missing column",
            Box::new(|t: &SiteTest| {
                t.edit(data::CONFIRMED_GLOBAL, |s| {
                    s.replacen("Country/Region", "Country", 1)
                });
            }),
            vec!["time_series_covid19_confirmed_global.csv", "Country/Region"],
        ),
        (
            "non-contiguous dates",
            Box::new(|t: &SiteTest| {
                t.edit(data::DEATHS_GLOBAL, |s| s.replacen("8/3/21", "8/9/21", 1));
            }),
            vec![
                "time_series_covid19_deaths_global.csv",
                "not contiguous",
                "8/9/21",
            ],
        ),
        (
            "non-numeric cell",
            Box::new(|t: &SiteTest| {
                t.edit(data::CONFIRMED_US, |s| {
                    s.replacen(",12,15,15,20", ",12,x5,15,20", 1)
                });
            }),
            vec![
                "time_series_covid19_confirmed_US.csv",
                "line 2",
                "8/3/21",
                "x5",
            ],
        ),
        (
            "duplicate key",
            Box::new(|t: &SiteTest| {
                t.edit(data::CONFIRMED_GLOBAL, |s| {
                    let dup = s.lines().nth(2).unwrap().to_string();
                    format!("{s}{dup}\n")
                });
            }),
            vec![
                "time_series_covid19_confirmed_global.csv",
                "duplicate",
                "line 6",
                "line 3",
            ],
        ),
        (
            "empty file",
            Box::new(|t: &SiteTest| {
                t.edit(data::RECOVERED_GLOBAL, |_| String::new());
            }),
            vec!["time_series_covid19_recovered_global.csv", "empty"],
        ),
        (
            "header only",
            Box::new(|t: &SiteTest| {
                t.edit(data::UID_LOOKUP, |s| {
                    s.lines().next().unwrap().to_string() + "\n"
                });
            }),
            vec!["UID_ISO_FIPS_LookUp_Table.csv", "no data rows"],
        ),
        (
            "truncated line",
            Box::new(|t: &SiteTest| {
                t.edit(data::DEATHS_US, |s| {
                    let mut lines: Vec<String> = s.lines().map(str::to_string).collect();
                    let l = &mut lines[3];
                    let cut = l.rfind(',').unwrap();
                    l.truncate(cut);
                    lines.join("\n") + "\n"
                });
            }),
            vec!["time_series_covid19_deaths_US.csv", "line 4", "8/5/21"],
        ),
    ];
    // One good build to compare against.
    let good = SiteTest::fixture("small");
    good.build();
    let before = snapshot(&good.out());
    for (name, edit, needles) in cases {
        let t = SiteTest::fixture("small");
        // Put the good output in place as the "previous" site.
        copy_dir(&good.out(), &t.out());
        edit(&t);
        let o = t.build_with(&[]);
        let err = stderr(&o);
        assert!(!o.status.success(), "{name}: build succeeded");
        for n in needles {
            assert!(err.contains(n), "{name}: message lacks {n:?}: {err}");
        }
        assert_eq!(
            err.trim().lines().count(),
            1,
            "{name}: one paragraph: {err}"
        );
        assert!(
            snapshot(&t.out()) == before,
            "{name}: previous output changed"
        );
        let leftovers: Vec<_> = std::fs::read_dir(t.tmp.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".out."))
            .collect();
        assert!(leftovers.is_empty(), "{name}: staging folder left behind");
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dst = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dst).unwrap();
        } else {
            std::fs::copy(e.path(), &dst).unwrap();
        }
    }
}

/// A raw HTTP/1.0 GET so the path is sent exactly as written (no client normalisation).
fn get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let ctype = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_string())
        })
        .unwrap_or_default();
    (status, ctype, buf[split + 4..].to_vec())
}

#[test]
fn serve_types_404_and_no_traversal() {
    let t = SiteTest::fixture("small");
    t.build();
    // A secret beside the site that traversal must not reach.
    std::fs::write(t.tmp.path().join("secret.txt"), "TOP SECRET").unwrap();
    let s = serve(&t.out());
    let (st, ct, body) = get(s.1, "/");
    assert_eq!(st, 200);
    assert_eq!(ct, "text/html; charset=utf-8");
    assert_eq!(body, std::fs::read(t.out().join("index.html")).unwrap());
    let (st, ct, _) = get(s.1, "/regions/img/alphaland-daily.svg");
    assert_eq!((st, ct.as_str()), (200, "image/svg+xml"));
    let (st, ct, _) = get(s.1, "/data/regions/alphaland.csv");
    assert_eq!((st, ct.as_str()), (200, "text/csv; charset=utf-8"));
    let (st, ct, _) = get(s.1, "/assets/style.css");
    assert_eq!((st, ct.as_str()), (200, "text/css; charset=utf-8"));
    let (st, _, body) = get(s.1, "/no/such/page.html");
    assert_eq!(st, 404);
    assert_eq!(body, std::fs::read(t.out().join("404.html")).unwrap());
    for evil in [
        "/../secret.txt",
        "/regions/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/regions/%2e%2e%2f%2e%2e%2fsecret.txt",
    ] {
        let (st, _, body) = get(s.1, evil);
        assert_eq!(st, 404, "{evil}");
        assert!(
            !String::from_utf8_lossy(&body).contains("TOP SECRET"),
            "{evil}"
        );
    }
}

/// Issue 13: the sitemap was written before the compare and sandbox stages, so their pages
/// were missing. Built with a base URL, it lists every page of the site (404 excluded) and
/// nothing else, and robots.txt points to it.
#[test]
fn sitemap_lists_every_page_including_compare_and_sandbox() {
    let t = SiteTest::fixture("small");
    let base = "https://covid.example.org/";
    let o = t.build_with(&["--base-url", base]);
    assert!(o.status.success(), "{}", stderr(&o));
    let xml = t.read("sitemap.xml");
    let listed: std::collections::BTreeSet<String> = xml
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap().to_string())
        .collect();
    let pages: std::collections::BTreeSet<String> = snapshot(&t.out())
        .into_keys()
        .filter(|p| p.ends_with(".html") && p != "404.html")
        .map(|p| format!("{base}{}", p.trim_end_matches("index.html")))
        .collect();
    assert_eq!(listed, pages, "sitemap.xml and the pages differ");
    for page in [
        "compare/",
        "compare/top-countries.html",
        "sandbox/",
        "sandbox/scenarios.html",
        "regions/",
        "about/",
    ] {
        assert!(
            listed.contains(&format!("{base}{page}")),
            "{page} is not in the sitemap"
        );
    }
    assert_eq!(
        listed.len(),
        xml.matches("<url>").count(),
        "a page listed twice"
    );
    t.page_contains("robots.txt", &format!("Sitemap: {base}sitemap.xml"));
}

/// The `content` of `<meta property|name="KEY">` in `html`, entities decoded.
fn meta(html: &str, key: &str) -> Option<String> {
    let at = html
        .find(&format!("property=\"{key}\""))
        .or_else(|| html.find(&format!("name=\"{key}\"")))?;
    let rest = &html[at..];
    let c = rest.find("content=\"")? + 9;
    let end = rest[c..].find('"')?;
    Some(
        rest[c..c + end]
            .replace("&#x2F;", "/")
            .replace("&amp;", "&"),
    )
}

#[test]
fn every_page_has_a_link_preview_whose_image_exists() {
    let t = SiteTest::fixture("small");
    let base = "https://covid.example.org/";
    let o = t.build_with(&["--base-url", base]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pages: Vec<String> = snapshot(&t.out())
        .into_keys()
        .filter(|p| p.ends_with(".html") && p != "404.html")
        .collect();
    assert!(pages.len() > 20, "{pages:?}");
    for p in &pages {
        let html = t.read(p);
        for key in ["og:title", "og:description", "og:url", "twitter:card"] {
            assert!(
                meta(&html, key).is_some_and(|v| !v.is_empty()),
                "{p}: no {key}"
            );
        }
        let url = meta(&html, "og:url").unwrap();
        assert_eq!(
            url,
            format!("{base}{}", p.trim_end_matches("index.html")),
            "{p}"
        );
        let img = meta(&html, "og:image").unwrap_or_else(|| panic!("{p}: no og:image"));
        let file = img
            .strip_prefix(base)
            .unwrap_or_else(|| panic!("{p}: og:image {img} is not absolute under {base}"));
        assert!(
            t.out().join(file).is_file(),
            "{p}: og:image {file} is missing"
        );
    }
    // Pages without an image of their own (region pages: their charts are SVG, which link
    // previews cannot show) preview the featured map's poster.
    let region = t.read("regions/alphaland.html");
    assert!(
        meta(&region, "og:image")
            .unwrap()
            .ends_with("heatmaps/world/confirmed-new-pc-lin.png"),
        "{:?}",
        meta(&region, "og:image")
    );
    // Without a base URL the image link is relative to the page and still resolves.
    let t2 = SiteTest::fixture("small");
    t2.build();
    let html = t2.read("regions/alphaland.html");
    let img = meta(&html, "og:image").unwrap();
    assert!(img.starts_with("../"), "{img}");
    assert!(t2.out().join("regions").join(&img).is_file(), "{img}");
    assert!(meta(&html, "og:url").is_none());
}
