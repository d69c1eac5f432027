//! WHO's weekly reports on a built site (issue 21): the `small` fixture with the WHO-shaped
//! file of tests/fixtures/small-who (six entities × six weeks, answers worked out by hand).

mod common;

use std::collections::HashMap;

use common::{SiteTest, frictionless};
use serde_json::Value;

/// The `small` fixture with WHO's file in `data/who/`.
fn site() -> SiteTest {
    let t = SiteTest::fixture("small");
    let who = t.data().join("who");
    std::fs::create_dir_all(&who).unwrap();
    std::fs::copy(
        common::fixture_dir("small-who/WHO-COVID-19-global-data.csv"),
        who.join("WHO-COVID-19-global-data.csv"),
    )
    .unwrap();
    t.build();
    t
}

/// `data/who/weekly.csv` as (who_code, week) → column → cell.
fn weekly(t: &SiteTest) -> HashMap<(String, String), HashMap<String, String>> {
    let text = t.read("data/who/weekly.csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let row: HashMap<String, String> = head
            .iter()
            .cloned()
            .zip(rec.iter().map(String::from))
            .collect();
        out.insert((row["who_code"].clone(), row["week"].clone()), row);
    }
    out
}

#[test]
fn weekly_csv_is_tidy_with_empty_for_no_report_and_marked_corrections() {
    let t = site();
    let w = weekly(&t);
    assert_eq!(w.len(), 36, "6 entities × 6 weeks");
    let al = |week: &str| &w[&("AL".to_string(), week.to_string())];
    // Alphaland: 0 in the week to 2021-07-18 is a reported zero; 2021-07-25 is empty.
    assert_eq!(al("2021-07-18")["new_cases"], "0");
    assert_eq!(al("2021-07-18")["cases_reported"], "true");
    assert_eq!(al("2021-07-25")["new_cases"], "");
    assert_eq!(al("2021-07-25")["cases_reported"], "false");
    assert_eq!(al("2021-07-25")["cases_status"], "no_report");
    assert_eq!(al("2021-07-25")["cumulative_cases"], "21");
    assert_eq!(al("2021-07-25")["iso3"], "ALP");
    assert_eq!(al("2021-07-25")["region_id"], "alphaland");
    let be = &w[&("BE".to_string(), "2021-07-11".to_string())];
    assert_eq!(
        (be["new_cases"].as_str(), be["cases_status"].as_str()),
        ("-1", "correction")
    );
    // The United States sent no case count after the week to 2021-07-11: four empty weeks.
    let us = &w[&("US".to_string(), "2021-07-18".to_string())];
    assert_eq!(us["cases_status"], "not_reporting");
    assert_eq!(us["deaths_status"], "reported");
    // Guam: its own WHO entity, joined to the site's Guam (inside JHU's US total).
    assert_eq!(
        w[&("GU".to_string(), "2021-07-04".to_string())]["region_id"],
        "us--guam"
    );
    // Tokelau and the ship: WHO only; the ship has no ISO code.
    assert_eq!(
        w[&("TK".to_string(), "2021-07-04".to_string())]["region_id"],
        ""
    );
    let ship = &w[&("XXJ".to_string(), "2021-07-04".to_string())];
    assert_eq!(
        (ship["iso2"].as_str(), ship["new_cases"].as_str()),
        ("", "2")
    );
}

#[test]
fn latest_carries_each_countrys_last_who_week() {
    let t = site();
    let latest: Value = serde_json::from_str(&t.read("data/latest.json")).unwrap();
    let row = |id: &str| {
        latest
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let us = row("us");
    assert_eq!(us["who_week"], "2021-08-08");
    assert_eq!(us["who_new_cases"], Value::Null);
    assert_eq!(us["who_new_deaths"], 1);
    assert_eq!(us["who_cumulative_cases"], 190);
    assert_eq!(us["who_cumulative_deaths"], 16);
    assert_eq!(us["who_cases_not_reporting_since"], "2021-07-18");
    assert_eq!(us["who_deaths_not_reporting_since"], Value::Null);
    let al = row("alphaland");
    assert_eq!(al["who_week"], "2021-08-08");
    assert_eq!(al["who_new_cases"], 7);
    assert_eq!(al["who_cumulative_cases"], 49);
    // Betaland's province has no WHO entity of its own.
    assert_eq!(row("betaland--north")["who_week"], Value::Null);
    let csv = t.read("data/latest.csv");
    assert!(csv.lines().next().unwrap().ends_with(
        "who_week,who_new_cases,who_new_deaths,who_cumulative_cases,who_cumulative_deaths,who_cases_not_reporting_since,who_deaths_not_reporting_since"
    ));
}

#[test]
fn descriptor_validates_the_who_files() {
    let t = site();
    let d = t.out().join("data/datapackage.json");
    let (ok, report) = frictionless(&d, &["who-weekly", "latest", "latest-csv"]);
    assert!(ok, "{report}");
    let desc: Value = serde_json::from_str(&t.read("data/datapackage.json")).unwrap();
    assert!(
        desc["description"]
            .as_str()
            .unwrap()
            .contains("2021-07-04 … 2021-08-08")
    );
}

#[test]
fn country_pages_have_a_who_section_with_weekly_charts() {
    let t = site();
    let us = t.read("regions/us.html");
    assert!(
        us.contains("WHO weekly reports, 2020 to 2021-08-08"),
        "{us}"
    );
    // Cases: 100, 90, then four empty weeks; deaths to the end (1 in the last week).
    assert!(
        us.contains("Cases: no report after the week to 2021-07-11 (90 that week): not reporting from the week to 2021-07-18."),
        "{us}"
    );
    assert!(
        us.contains("Deaths: last report 1 in the week to 2021-08-08."),
        "{us}"
    );
    assert!(us.contains("us-who-cases.svg") && us.contains("us-who-deaths.svg"));
    t.has_file("regions/img/us-who-cases.svg")
        .has_file("regions/img/us-who-deaths-phone.svg");
    let be = t.read("regions/betaland.html");
    assert!(be.contains("1 week(s) with a negative value"), "{be}");
    // A province that WHO does not list has no WHO section.
    assert!(
        !t.read("regions/betaland--north.html")
            .contains("WHO weekly reports, 2020")
    );
}

/// The real bundled data (JHU and WHO's 2026-05-10 file), built once.
fn real_site() -> &'static std::path::PathBuf {
    static SITE: std::sync::OnceLock<(tempfile::TempDir, std::path::PathBuf)> =
        std::sync::OnceLock::new();
    &SITE
        .get_or_init(|| {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("out");
            let o = std::process::Command::new(common::bin())
                .args(["build", "--quiet", "--data"])
                .arg(common::repo_dir().join("assets/data"))
                .arg("--out")
                .arg(&out)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            (tmp, out)
        })
        .1
}

#[test]
fn real_us_and_japan_pages_say_where_who_reports_stopped() {
    let read = |rel: &str| std::fs::read_to_string(real_site().join(rel)).unwrap();
    let us = read("regions/us.html");
    assert!(us.contains("WHO weekly reports, 2020 to 2026-05-10"));
    assert!(
        us.contains("Cases: no report after the week to 2023-05-14"),
        "US cases"
    );
    assert!(
        us.contains("Deaths: last report 68 in the week to 2026-05-10."),
        "US deaths"
    );
    let jp = read("regions/japan.html");
    assert!(
        jp.contains("not reporting from the week to 2023-05-21 (the zeros WHO published from then to 2023-12-03 count as no report)"),
        "Japan"
    );
    let cn = read("regions/china.html");
    assert!(
        cn.contains("Only zeros since the week to 2025-01-12"),
        "China"
    );
    let latest = read("data/latest.csv");
    let us_row = latest.lines().find(|l| l.starts_with("us,")).unwrap();
    assert!(
        us_row.ends_with(",2026-05-10,,68,103436829,1238123,2023-05-21,"),
        "{us_row}"
    );
}

#[test]
fn overview_shows_world_weekly_totals_rankings_and_who_still_reports() {
    let t = site();
    let text = |html: &str| {
        let re_tags = html
            .split('<')
            .map(|s| s.split_once('>').map_or(s, |x| x.1))
            .collect::<Vec<_>>()
            .join(" ");
        re_tags.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let idx = text(&t.read("index.html"));
    assert!(idx.contains("WHO weekly reports to 2021-08-08"), "{idx}");
    // By hand: 49 + 17 + 190 + 6 + 0 + 2 cases; 1 + 16 deaths.
    assert!(idx.contains("Cases reported to WHO 264"), "{idx}");
    assert!(idx.contains("Deaths reported to WHO 17"), "{idx}");
    // Week to 2021-08-08: Alphaland 7, Betaland 4, Guam 1 cases; the US 1 death.
    assert!(idx.contains("12 cases, 1 deaths"), "{idx}");
    assert!(
        idx.contains("from 5 places that reported that week"),
        "{idx}"
    );
    assert!(idx.contains("Still reporting 5 of 5"), "{idx}");
    // Last four weeks: Alphaland 0 + 21 + 7, Betaland 2 + 5 + 4 + 4 (the US sent no cases).
    assert!(
        idx.contains("Most cases reported, weeks to 2021-07-18 … 2021-08-08 Country Reported Per 100,000 Alphaland 28 2.80 Betaland 15 7.50 Guam 4 2.37 Tokelau 0"),
        "{idx}"
    );
    // Per capita: Betaland's 15 over 200,000 people first.
    assert!(idx.contains("places of 100,000 people or more), weeks to 2021-07-18 … 2021-08-08 Country Reported Per 100,000 Betaland 15 7.50 Alphaland 28 2.80"), "{idx}");
    t.has_file("who/world-cases.svg")
        .has_file("who/world-deaths-phone.svg");
}

#[test]
fn a_who_only_refresh_keeps_every_file_and_changes_only_who_outputs() {
    let t = site();
    let before = common::snapshot(&t.out());
    // Tokelau reports 1 case in the last week (its cumulative follows).
    let f = t.data().join("who/WHO-COVID-19-global-data.csv");
    let text = std::fs::read_to_string(&f).unwrap();
    let text = text.replace(
        "2021-08-08,TK,Tokelau,WPRO,0,0,0,0",
        "2021-08-08,TK,Tokelau,WPRO,1,1,0,0",
    );
    assert!(text.contains("2021-08-08,TK,Tokelau,WPRO,1,1,0,0"));
    std::fs::write(&f, text).unwrap();
    t.build();
    let after = common::snapshot(&t.out());
    let names =
        |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&before),
        names(&after),
        "the same files, heat-map frames included"
    );
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    // Tokelau has no page here: WHO's files, the overview and About change, nothing else.
    for c in &changed {
        assert!(
            c.starts_with("data/who/")
                || c.starts_with("data/latest")
                || c.starts_with("who/")
                || [
                    "index.html",
                    "about/index.html",
                    "data/datapackage.json",
                    ".seecovid-manifest.json"
                ]
                .contains(&c.as_str()),
            "{c} changed: {changed:?}"
        );
    }
    assert!(changed.iter().any(|c| c.as_str() == "data/who/weekly.csv"));
}
