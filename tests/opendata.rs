//! The open-data downloads (issue 14): regions.json join keys, latest.json/.csv, the long
//! file and the Frictionless descriptor — on the `small` fixture (hand-worked answers, every
//! file validated with the `frictionless` Python package) and on the real bundled data.

mod common;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{SiteTest, bin, frictionless, repo_dir};
use serde_json::Value;

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn gunzip(path: &Path) -> String {
    let raw = std::fs::read(path).unwrap();
    let mut s = String::new();
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_string(&mut s)
        .unwrap();
    s
}

fn by_id(list: &Value) -> HashMap<String, Value> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap().to_string(), r.clone()))
        .collect()
}

/// Data rows of a per-region CSV.
fn csv_rows(text: &str) -> Vec<&str> {
    text.lines().skip(1).collect()
}

/// Checks that latest.json, latest.csv and the long file agree with the per-region CSVs of
/// the regions `ids` (all when None), in `data/` of a built site.
fn check_latest_and_long(data: &Path, ids: Option<&[String]>) {
    let latest = by_id(&json(&data.join("latest.json")));
    let regions = json(&data.join("regions.json"));
    let all_ids: Vec<String> = regions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(latest.len(), all_ids.len(), "one latest row per region");
    let csv_latest = std::fs::read_to_string(data.join("latest.csv")).unwrap();
    assert_eq!(csv_latest.lines().count(), all_ids.len() + 1);
    for id in ids.unwrap_or(&all_ids) {
        let text = std::fs::read_to_string(data.join(format!("regions/{id}.csv"))).unwrap();
        let last: Vec<&str> = csv_rows(&text).last().unwrap().split(',').collect();
        let l = &latest[id];
        assert_eq!(l["date"], last[0], "{id}");
        assert_eq!(
            l["confirmed"].as_i64().unwrap().to_string(),
            last[1],
            "{id}"
        );
        assert_eq!(l["deaths"].as_i64().unwrap().to_string(), last[2], "{id}");
    }
    // The long file: exactly the per-region rows, each prefixed with its id, in region order.
    let long = gunzip(&data.join("all-regions.csv.gz"));
    let mut lines = long.lines();
    let header = lines.next().unwrap();
    assert_eq!(
        header,
        "id,date,confirmed,deaths,recovered,active,new_confirmed,new_deaths,new_recovered,new_active,\
new_confirmed_smoothed,new_deaths_smoothed"
    );
    for id in &all_ids {
        let text = std::fs::read_to_string(data.join(format!("regions/{id}.csv"))).unwrap();
        for row in csv_rows(&text) {
            assert_eq!(lines.next(), Some(format!("{id},{row}").as_str()), "{id}");
        }
    }
    assert_eq!(lines.next(), None, "no rows beyond the per-region CSVs");
}

#[test]
fn fixture_regions_json_has_join_keys_and_keeps_the_original_fields() {
    let t = SiteTest::fixture("small");
    t.build();
    let r = by_id(&json(&t.out().join("data/regions.json")));
    let a = &r["us--alabama--autauga"];
    // The original fields keep their meaning.
    assert_eq!(a["name"], "Autauga");
    assert_eq!(a["level"], "us_county");
    assert_eq!(a["parent"], "us--alabama");
    assert_eq!(a["population"], 55869);
    assert_eq!(a["page"], "regions/us--alabama--autauga.html");
    assert_eq!(a["csv"], "data/regions/us--alabama--autauga.csv");
    // Join keys (tests/fixtures/small/UID_ISO_FIPS_LookUp_Table.csv).
    assert_eq!(a["uid"], 84001001);
    assert_eq!(a["fips"], "01001");
    assert_eq!(a["iso2"], "US");
    assert_eq!(a["iso3"], "USA");
    assert_eq!(a["code3"], 840);
    assert_eq!(a["lat"], 32.5);
    assert_eq!(a["long"], -86.6);
    assert_eq!(a["country_region"], "US");
    assert_eq!(a["province_state"], "Alabama");
    assert_eq!(a["admin2"], "Autauga");
    assert_eq!(a["combined_key"], "Autauga, Alabama, US");
    assert_eq!(r["us--alabama"]["fips"], "01");
    assert!(r["us--alabama"]["admin2"].is_null());
    assert_eq!(r["us--guam"]["fips"], "66");
    // Unassigned: a FIPS, but JHU's 0,0 "no place" is not a coordinate.
    assert_eq!(r["us--alabama--unassigned"]["fips"], "90001");
    assert!(r["us--alabama--unassigned"]["lat"].is_null());
    assert_eq!(r["alphaland"]["iso3"], "ALP");
    assert_eq!(r["alphaland"]["uid"], 900);
    assert!(r["alphaland"]["fips"].is_null());
    assert!(r["alphaland"]["province_state"].is_null());
    assert_eq!(r["betaland--north"]["province_state"], "North");
    assert_eq!(r["betaland--north"]["country_region"], "Betaland");
    // South has no UID row: no keys, but still its JHU names.
    assert!(r["betaland--south"]["uid"].is_null());
    assert!(r["betaland--south"]["iso3"].is_null());
    assert_eq!(r["betaland--south"]["country_region"], "Betaland");
}

#[test]
fn fixture_latest_and_long_file_match_the_region_csvs() {
    let t = SiteTest::fixture("small");
    t.build();
    let data = t.out().join("data");
    check_latest_and_long(&data, None);
    // Hand-worked (tests/fixtures/small/README.md): Alphaland's last 7 new values are
    // 100, 10, 20, −5, 15, 20, 10; the −5 correction is an anomaly, left out as in every
    // average: 175 / 6 = 29.1667, published as 29.17 (hundredths). Deaths 1, 0, 1, 0, 1, 0, 1:
    // each death covers the zero day before it, 4 / 7 = 0.57; population 1,000,000.
    let l = by_id(&json(&data.join("latest.json")));
    let a = &l["alphaland"];
    assert_eq!(a["date"], "2021-08-07");
    assert_eq!(a["confirmed"], 170);
    assert_eq!(a["new_confirmed_7d"], 29.17);
    assert_eq!(a["new_deaths_7d"], 0.57);
    assert_eq!(a["confirmed_per_100k"], 17.0);
    assert_eq!(a["deaths_per_100k"], 0.4);
    assert_eq!(a["new_confirmed_7d_per_100k"], 2.917);
    assert_eq!(a["population"], 1_000_000);
    // The US files end earlier: Alabama's last date is its own, over its 5 rows (15 … 31).
    let al = &l["us--alabama"];
    assert_eq!(al["date"], "2021-08-05");
    assert_eq!(al["new_confirmed_7d"], 6.2);
    // No population, no per-capita values.
    assert!(l["betaland--south"]["confirmed_per_100k"].is_null());
    let csv = t.read("data/latest.csv");
    assert!(
        csv.lines().any(|r| r
            == "alphaland,Alphaland,country,1000000,2021-08-07,170,4,29.17,0.57,17,0.4,2.917,0.057,reported,reported,,,,,,,"),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|r| r.starts_with("betaland--south,South,province,,2021-08-07,12,1,")),
        "{csv}"
    );
}

#[test]
fn fixture_descriptor_validates_every_file_and_catches_a_bad_one() {
    let t = SiteTest::fixture("small");
    t.build();
    let d = t.out().join("data/datapackage.json");
    let pkg = json(&d);
    let names: Vec<&str> = pkg["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    // Every data file of the site is a resource; the `.js` files are the same numbers as
    // scripts for the pages (hover values, compare any), not downloads.
    let files: usize = walkdir::WalkDir::new(t.out().join("data"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let n = e.file_name().to_string_lossy();
            !n.ends_with("datapackage.json")
                && !n.ends_with("region-schema.json")
                && !n.ends_with(".js")
        })
        .count();
    assert_eq!(names.len(), files, "{names:?}");
    let (ok, report) = frictionless(&d, &[]);
    assert!(ok, "{report}");
    // The validation is real: a wrong type and a broken foreign key are caught.
    let latest = t.out().join("data/latest.csv");
    let good = std::fs::read_to_string(&latest).unwrap();
    std::fs::write(&latest, good.replacen(",170,4,", ",17x,4,", 1)).unwrap();
    let (ok, report) = frictionless(&d, &["latest-csv"]);
    assert!(!ok && report.contains("type-error"), "{report}");
    std::fs::write(&latest, good.replacen("alphaland,", "atlantis,", 1)).unwrap();
    let (ok, report) = frictionless(&d, &["latest-csv"]);
    assert!(!ok && report.contains("foreign-key"), "{report}");
}

// ---- real bundled data: one build shared by the tests below ----

fn real_site() -> &'static PathBuf {
    static SITE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let tmp = tempfile::tempdir().unwrap();
            let out = tmp.path().join("out");
            let o = Command::new(bin())
                .arg("build")
                .arg("--data")
                .arg(repo_dir().join("assets/data"))
                .arg("--out")
                .arg(&out)
                .arg("--quiet")
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            (tmp, out)
        })
        .1
}

/// The UID table's rows as (UID, column → cell).
fn uid_table() -> Vec<HashMap<String, String>> {
    let text = gunzip(&repo_dir().join("assets/data/UID_ISO_FIPS_LookUp_Table.csv.gz"));
    let mut lines = text.lines();
    let header: Vec<String> = split_csv(lines.next().unwrap());
    lines
        .map(|l| header.iter().cloned().zip(split_csv(l)).collect())
        .collect()
}

/// A CSV line's cells (quoted cells may hold commas).
fn split_csv(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

#[test]
fn real_regions_json_has_fips_for_every_county_and_iso3_for_every_country() {
    let r = json(&real_site().join("data/regions.json"));
    let list = r.as_array().unwrap();
    let by_uid: HashMap<u64, &Value> = list
        .iter()
        .filter_map(|x| x["uid"].as_u64().map(|u| (u, x)))
        .collect();
    let mut counties = 0;
    for row in uid_table() {
        let fips = row["FIPS"].trim();
        if row["Admin2"].trim().is_empty() || fips.is_empty() {
            continue;
        }
        let uid: u64 = row["UID"].parse().unwrap();
        let Some(reg) = by_uid.get(&uid) else {
            continue; // a UID-table county without a series row
        };
        if reg["level"] != "us_county" {
            continue;
        }
        let want = format!("{:05}", fips.parse::<f64>().unwrap() as u64);
        assert_eq!(reg["fips"], want.as_str(), "{}", reg["id"]);
        counties += 1;
    }
    assert!(counties > 3000, "{counties} counties checked");
    // Every country has an ISO3 code, except the four JHU rows that are not countries.
    let not_countries = [
        "diamond-princess",
        "ms-zaandam",
        "summer-olympics-2020",
        "winter-olympics-2022",
    ];
    let mut n = 0;
    for c in list.iter().filter(|x| x["level"] == "country") {
        let id = c["id"].as_str().unwrap();
        if not_countries.contains(&id) {
            continue;
        }
        let iso3 = c["iso3"]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: no iso3"));
        assert!(
            iso3.len() == 3 && iso3.chars().all(|ch| ch.is_ascii_uppercase()),
            "{id}: {iso3}"
        );
        n += 1;
    }
    assert!(n > 190, "{n} countries");
    let r = by_id(&r);
    assert_eq!(r["germany"]["iso3"], "DEU");
    assert_eq!(r["us"]["iso3"], "USA");
    assert_eq!(r["us--texas"]["fips"], "48");
    assert_eq!(r["us--texas--harris"]["fips"], "48201");
    assert_eq!(r["us--texas--harris"]["uid"], 84048201);
    assert_eq!(r["canada--ontario"]["iso2"], "CA");
}

#[test]
fn real_latest_matches_the_region_csvs_and_the_long_file_has_exactly_their_rows() {
    let data = real_site().join("data");
    let regions = json(&data.join("regions.json"));
    let ids: Vec<String> = regions
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    // A sample of 50 regions spread over every level, and Harris County.
    let step = ids.len() / 49;
    let mut sample: Vec<String> = ids.iter().step_by(step).take(49).cloned().collect();
    sample.push("us--texas--harris".into());
    assert_eq!(sample.len(), 50);
    check_latest_and_long(&data, Some(&sample));
}

#[test]
fn real_descriptor_validates_the_main_files() {
    let d = real_site().join("data/datapackage.json");
    let (ok, report) = frictionless(
        &d,
        &[
            "regions",
            "latest",
            "latest-csv",
            "region-us--texas--harris",
            "region-germany",
            "region-canada--ontario",
            "region-united-kingdom",
        ],
    );
    assert!(ok, "{report}");
}

// ---- region pages (issue 14) on the real data ----

/// The rows of the table with `id` in `html`: each row's cells as text (tags stripped).
fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table #{id}"));
    let end = start + html[start..].find("</table>").unwrap();
    let body = &html[start..end];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(open) = rest.find(['<']) {
                let tag_end = open + rest[open..].find('>').unwrap();
                let tag = &rest[open + 1..tag_end];
                rest = &rest[tag_end + 1..];
                if tag.starts_with("td") || tag.starts_with("th") {
                    let name = &tag[..2];
                    let close = rest.find(&format!("</{name}>")).unwrap();
                    cells.push(strip_tags(&rest[..close]));
                    rest = &rest[close..];
                }
            }
            cells
        })
        .collect()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in s.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

fn num(s: &str) -> i64 {
    s.replace(',', "").replace('−', "-").parse().unwrap()
}

#[test]
fn real_harris_county_weekly_totals_are_sums_of_its_csv_rows_beside_texas_and_the_us() {
    let site = real_site();
    let page = std::fs::read_to_string(site.join("regions/us--texas--harris.html")).unwrap();
    let csv = std::fs::read_to_string(site.join("data/regions/us--texas--harris.csv")).unwrap();
    let days: Vec<Vec<&str>> = csv_rows(&csv)
        .iter()
        .map(|r| r.split(',').collect())
        .collect();
    let weeks = table_rows(&page, "weekly");
    assert_eq!(weeks.len(), 1 + 12, "header and 12 weeks");
    let mut covered = 0;
    for w in &weeks[1..] {
        // "2023-03-03 – 2023-03-09", new cases, change, new deaths, change
        let (from, to) = w[0].split_once(" – ").unwrap();
        let rows: Vec<&Vec<&str>> = days.iter().filter(|d| d[0] >= from && d[0] <= to).collect();
        assert_eq!(rows.len(), 7, "{from}..{to}");
        let cases: i64 = rows.iter().map(|d| d[5].parse::<i64>().unwrap()).sum();
        let deaths: i64 = rows.iter().map(|d| d[6].parse::<i64>().unwrap()).sum();
        assert_eq!(num(&w[1]), cases, "cases {from}..{to}");
        assert_eq!(num(&w[3]), deaths, "deaths {from}..{to}");
        covered += 7;
    }
    // The newest week ends on the last CSV date; the daily rows are folded below.
    assert_eq!(
        weeks[1][0].split(" – ").nth(1),
        Some(days.last().unwrap()[0])
    );
    assert_eq!(covered, 84);
    assert!(page.contains("<details class=\"daily\">"));
    let daily = table_rows(&page, "daily");
    assert_eq!(daily.len(), 1 + 28);
    assert_eq!(daily[1][0], days.last().unwrap()[0], "newest day first");

    // Per 100,000 beside Texas and the US, from their CSVs and regions.json populations.
    let regions = by_id(&json(&site.join("data/regions.json")));
    // One row per region, the measures as columns (issue 22 item 8).
    let cmp = table_rows(&page, "compare-table");
    let head = &cmp[0];
    let col = |h: &str| -> usize {
        head.iter()
            .position(|c| c == h)
            .unwrap_or_else(|| panic!("no column {h}: {head:?}"))
    };
    let row = |label: &str| -> &Vec<String> {
        cmp.iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no row {label}: {cmp:?}"))
    };
    for (label, id) in [
        ("Harris", "us--texas--harris"),
        ("Texas", "us--texas"),
        ("US", "us"),
    ] {
        let text = std::fs::read_to_string(site.join(format!("data/regions/{id}.csv"))).unwrap();
        let last: Vec<&str> = csv_rows(&text).last().unwrap().split(',').collect();
        let pop = regions[id]["population"].as_f64().unwrap();
        let cases_pc = last[1].parse::<f64>().unwrap() * 1e5 / pop;
        let deaths_pc = last[2].parse::<f64>().unwrap() * 1e5 / pop;
        assert_eq!(
            row(label)[col("Cases per 100,000")],
            seecovid::render::format::decimal(cases_pc),
            "{id}"
        );
        assert_eq!(
            row(label)[col("Deaths per 100,000")],
            seecovid::render::format::decimal(deaths_pc),
            "{id}"
        );
    }
    assert!(page.contains("ranks "), "rank among Texas counties");
}

/// The records of one CSV file, parsed strictly (`flexible(false)`): a record with more or
/// fewer fields than the header fails, naming the file and line.
fn strict_records(rel: &str, bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let header = r
        .headers()
        .unwrap_or_else(|e| panic!("{rel}: bad header: {e}"))
        .clone();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap_or_else(|e| {
            let line = e.position().map_or(0, |p| p.line());
            panic!("{rel} line {line}: {e}")
        });
        assert_eq!(rec.len(), header.len(), "{rel}: {rec:?}");
        rows.push(rec);
    }
    (header, rows)
}

#[test]
fn fixture_every_csv_and_csv_gz_parses_with_as_many_fields_as_its_header() {
    let t = SiteTest::fixture("small");
    t.build();
    let (mut n, mut filled) = (0, 0);
    for e in walkdir::WalkDir::new(t.out()) {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy();
        if !e.file_type().is_file() {
            continue;
        }
        let raw = std::fs::read(e.path()).unwrap();
        let bytes = if name.ends_with(".csv.gz") {
            let mut v = Vec::new();
            flate2::read::MultiGzDecoder::new(&raw[..])
                .read_to_end(&mut v)
                .unwrap();
            v
        } else if name.ends_with(".csv") {
            raw
        } else {
            continue;
        };
        let rel = rel_path(&t, e.path());
        let (_, rows) = strict_records(&rel, &bytes);
        // A scope without members in the fixture (Canada) has a header-only heat-map CSV.
        n += 1;
        filled += usize::from(!rows.is_empty());
    }
    assert!(filled > n / 2, "{filled} of {n} CSV files have rows");
    // Region CSVs, latest.csv, all-regions.csv.gz, data-notes.csv and 72 heat-map CSVs.
    assert!(n > 72, "only {n} CSV files");
}

/// Quirk: the per-capita heat-map units hold a comma ("per 100,000 people"); the heat-map
/// CSV wrote them unquoted (8 fields under a 7-column header) until every CSV went through
/// `output::csv`.
#[test]
fn fixture_per_capita_heatmap_csv_unit_cell_is_quoted() {
    let t = SiteTest::fixture("small");
    t.build();
    let (mut files, mut seen) = (0, 0);
    for e in walkdir::WalkDir::new(t.out().join("heatmaps")) {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.ends_with(".csv") && name.contains("-pc-")) {
            continue;
        }
        let rel = rel_path(&t, e.path());
        let text = std::fs::read_to_string(e.path()).unwrap();
        let (header, rows) = strict_records(&rel, text.as_bytes());
        let unit = header.iter().position(|h| h == "unit").unwrap();
        let want = if name.contains("-new-") {
            "per day per 100,000 people (7-day average)"
        } else {
            "per 100,000 people"
        };
        for r in &rows {
            assert_eq!(&r[unit], want, "{rel}");
        }
        if !rows.is_empty() {
            assert!(text.contains(&format!(",\"{want}\",")), "{rel}:\n{text}");
            seen += 1;
        }
        files += 1;
    }
    assert!(
        seen > 0,
        "none of the {files} per-capita heat-map CSVs has rows"
    );
}

/// A path under the fixture build's output, as the site names it.
fn rel_path(t: &SiteTest, p: &Path) -> String {
    p.strip_prefix(t.out()).unwrap().display().to_string()
}
