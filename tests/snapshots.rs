//! Snapshot tests: the generated HTML, CSV and JSON of the `small` fixture, and the list of
//! every file, compared byte for byte with `tests/snapshots/small/`. A change to the output
//! shows up here as a diff to review. After an intended change, regenerate with
//! `SEECOVID_UPDATE_SNAPSHOTS=1 cargo test --release --test snapshots` and commit the files.

mod common;

use std::path::PathBuf;

use common::{SiteTest, snapshot, stderr};

/// Text files worth reading in a review: one of each kind of page and download.
const FILES: &[&str] = &[
    "index.html",
    "about/index.html",
    "404.html",
    "regions/index.html",
    "regions/alphaland.html",
    "regions/us--alabama--autauga.html",
    "data/regions.json",
    "data/regions/alphaland.csv",
    "data/regions/us--alabama.csv",
    "compare/index.html",
    "compare/top-countries.html",
    "sandbox/scenarios.html",
    "heatmaps/index.html",
    "heatmaps/world/confirmed-new-pc-lin.html",
    "heatmaps/world/confirmed-new-pc-lin.csv",
    "sitemap.xml",
    "robots.txt",
];

fn snapshot_dir() -> PathBuf {
    common::repo_dir().join("tests/snapshots/small")
}

/// `regions/alphaland.html` → `regions__alphaland.html`.
fn snapshot_name(rel: &str) -> String {
    rel.replace('/', "__")
}

/// The first line where two texts differ, for the failure message.
fn first_difference(want: &str, got: &str) -> String {
    for (i, (a, b)) in want.lines().zip(got.lines()).enumerate() {
        if a != b {
            return format!("line {}:\n  snapshot: {a}\n  built:    {b}", i + 1);
        }
    }
    format!(
        "{} lines in the snapshot, {} built",
        want.lines().count(),
        got.lines().count()
    )
}

#[test]
fn small_fixture_output_matches_the_snapshots() {
    let t = SiteTest::fixture("small");
    let o = t.build_with(&["--base-url", "https://covid.example.org/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let listing: String = snapshot(&t.out())
        .into_keys()
        .filter(|p| p != ".seecovid-manifest.json")
        .map(|p| p + "\n")
        .collect();
    let mut cases: Vec<(String, String)> = vec![("files.txt".to_string(), listing)];
    for rel in FILES {
        cases.push((snapshot_name(rel), t.read(rel)));
    }
    let dir = snapshot_dir();
    if std::env::var_os("SEECOVID_UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &cases {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut failures = Vec::new();
    for (name, got) in &cases {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(want) if &want == got => {}
            Ok(want) => failures.push(format!("{name}: {}", first_difference(&want, got))),
            Err(e) => failures.push(format!("{name}: no snapshot ({e})")),
        }
    }
    assert!(
        failures.is_empty(),
        "output differs from tests/snapshots/small (regenerate with \
         SEECOVID_UPDATE_SNAPSHOTS=1 if the change is intended):\n{}",
        failures.join("\n")
    );
}
