//! Issue 10, data semantics, end to end on the real bundled data: one build of the real site
//! (heat maps of China and the US counties only, to keep it short), then its downloads, maps
//! and pages are checked against the rules of docs/data-rules.md.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The built site (built once for every test of this file).
fn site() -> &'static PathBuf {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let o = Command::new(common::bin())
            .arg("build")
            .arg("--data")
            .arg(common::repo_dir().join("assets/data"))
            .arg("--out")
            .arg(&out)
            .args(["--quiet", "--scopes", "china,us-counties"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (tmp, out)
    })
    .1
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(site().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The cells of the row of `date` in a region CSV.
fn row(csv: &str, date: &str) -> Vec<String> {
    csv.lines()
        .find(|l| l.starts_with(date))
        .unwrap_or_else(|| panic!("no row {date}"))
        .split(',')
        .map(str::to_string)
        .collect()
}

#[test]
fn region_csvs_leave_unknown_recovered_and_active_empty_and_keep_raw_new_values() {
    // UK: recovered is reported on 2020-04-12, reset to 0 from 2020-04-13.
    let uk = read("data/regions/united-kingdom.csv");
    let before = row(&uk, "2020-04-12");
    assert!(!before[3].is_empty() && !before[4].is_empty(), "{before:?}");
    let after = row(&uk, "2021-08-04");
    assert_eq!(&after[3..5], ["", ""], "{after:?}");
    assert_eq!(&after[7..9], ["", ""], "{after:?}");
    for (id, date) in [
        ("sweden", "2021-06-01"),
        ("spain", "2021-01-01"),
        ("australia--new-south-wales", "2021-03-01"),
    ] {
        let r = row(&read(&format!("data/regions/{id}.csv")), date);
        assert_eq!(&r[3..5], ["", ""], "{id} {r:?}");
    }
    // Germany keeps its values: recovered 3,659,260 on 2021-08-04.
    let de = row(&read("data/regions/germany.csv"), "2021-08-04");
    assert_eq!(de[3], "3659260");
    assert!(!de[4].is_empty());
    // The seam day keeps its raw value in the CSV.
    let harris = row(&read("data/regions/us--texas--harris.csv"), "2020-12-22");
    assert_eq!(harris[5], "58777");
    let tx = row(&read("data/regions/us--texas.csv"), "2020-12-22");
    assert_eq!(tx[5], "-4889");
}

#[test]
fn data_notes_csv_lists_the_affected_regions_and_dates() {
    let notes = read("data/data-notes.csv");
    assert!(notes.starts_with("region_id,region,rule,measure,from,to,detail\n"));
    for needle in [
        "united-kingdom,United Kingdom,recovered_unknown,\"recovered,active\",2020-04-13,2021-08-04,reset to 0\n",
        "sweden,Sweden,recovered_unknown,\"recovered,active\",2020-01-22,2021-08-04,never published\n",
        "spain,Spain,recovered_unknown,\"recovered,active\",2020-05-19,2021-08-04,frozen while cases grew\n",
        "us,US,anomaly,confirmed,2020-12-22,2020-12-22,source seam: +358465\n",
        "us--texas,\"Texas, US\",anomaly,confirmed,2020-12-22,2020-12-22,source seam: -4889\n",
        "us--utah--washington,\"Washington, Utah, US\",counted_in_district,all,2020-01-22,2023-03-09,reported as part of Southwest Utah (us--utah--southwest-utah)\n",
    ] {
        assert!(notes.contains(needle), "missing {needle}");
    }
    // Nebraska's counties in 2021 are "not reporting".
    assert!(
        notes.lines().any(
            |l| l.starts_with("us--nebraska--") && l.contains(",not_reporting,confirmed,2021-")
        )
    );
    // The About page states the rules and links the download.
    let about = read("about/index.html");
    assert!(about.contains("id=\"rules\""));
    assert!(about.contains("../data/data-notes.csv"));
    assert!(about.contains("JHU CSSE stopped publishing on 2023-03-10"));
    assert!(read("index.html").contains("JHU CSSE stopped publishing on 2023-03-10"));
}

#[test]
fn china_maps_state_what_is_not_on_the_map() {
    // Deaths: 82,195 of 101,056 (81.3 %) are in "Unknown, China" on 2023-03-09.
    let page = read("heatmaps/china/deaths-total-abs-lin.html");
    assert!(
        page.contains(
            "Not on the map: 82,195 deaths (81.3 % of the total), in Unknown on 2023-03-09."
        ),
        "{}",
        &page[..page.len().min(4000)]
    );
    // Cases: 1,521,816 of 4,903,524 (31.0 %).
    let page = read("heatmaps/china/confirmed-total-pc-log.html");
    assert!(page.contains(
        "Not on the map: 1,521,816 cases (31.0 % of the total), in Unknown on 2023-03-09."
    ));
    // The explorer carries the same note for every view.
    assert!(
        read("heatmaps/index.html").contains("Not on the map: 82,195 deaths (81.3 % of the total)")
    );
}

#[test]
fn utah_district_counties_are_painted_with_the_district_value() {
    // The per-capita CSV of the county map: Washington County shows Southwest Utah's value
    // (per capita over the district's 252,042 people), not 0.
    let csv = read("heatmaps/us-counties/confirmed-total-pc-lin.csv");
    let value = |id: &str| -> f64 {
        let l = csv
            .lines()
            .find(|l| l.split(',').nth(1) == Some(id))
            .unwrap_or_else(|| panic!("no {id}"));
        common::split_csv(l)[4].parse().unwrap()
    };
    let sw = value("us--utah--southwest-utah");
    let w = value("us--utah--washington");
    assert!(sw > 0.0);
    assert_eq!(w, sw);
    // 72,559 cases over 252,042 people on 2023-03-09.
    assert!((sw - 72_559.0 * 100_000.0 / 252_042.0).abs() < 0.01, "{sw}");
    // The legend says so, and the county page names its district.
    assert!(
        read("heatmaps/us-counties/confirmed-total-pc-lin.html")
            .contains("show the unit&#x27;s value")
    );
    assert!(
        read("regions/us--utah--washington.html").contains("Reported as part of Southwest Utah")
    );
}

#[test]
fn seam_is_disclosed_on_state_and_national_pages() {
    for id in ["us", "us--texas", "us--texas--harris"] {
        let p = read(&format!("regions/{id}.html"));
        assert!(p.contains("2020-12-22"), "{id}");
        assert!(p.contains("left out of the moving averages"), "{id}");
    }
}
