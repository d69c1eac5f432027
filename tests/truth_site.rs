//! Issues 10 and 20, data semantics, end to end on the real bundled data: one build of the
//! real site, then its downloads, maps and pages are checked against the rules of
//! docs/data-rules.md, and one quantity is checked to read the same wherever it is shown.

mod common;

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

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
            .arg("--quiet")
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
        "us,US,anomaly,confirmed,2020-12-22,2020-12-22,source seam: +358465; left out of the averages: 358465\n",
        "us--texas,\"Texas, US\",anomaly,confirmed,2020-12-22,2020-12-22,source seam: -4889; left out of the averages: 0\n",
        "us--florida--miami-dade,\"Miami-Dade, Florida, US\",state_level_only,deaths,2021-06-04,2022-01-11,",
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

/// Issue 22, item 9: a county reported as part of a health district (Washington County UT →
/// Southwest Utah; its own row is 0 from 2020-04-19) shows the district's charts, labelled as
/// the district's, and none of its own: no flat-zero chart, no peak card, no weekly or daily
/// table of zeros.
#[test]
fn district_county_pages_show_the_district_charts_and_no_county_figures() {
    let page = read("regions/us--utah--washington.html");
    let district = read("regions/us--utah--southwest-utah.html");
    // The main chart is the district's file, under a heading that names the district.
    assert!(
        page.contains("img&#x2F;us--utah--southwest-utah-daily.svg"),
        "no district chart"
    );
    assert!(page.contains("Southwest Utah, Utah, US: new cases and deaths per day"));
    assert!(page.contains(
        "so the county has no charts of its own: these are Southwest Utah, Utah, US&#x27;s."
    ));
    assert!(district.contains("img&#x2F;us--utah--southwest-utah-daily.svg"));
    // No chart of the county's own is written or shown.
    for kind in ["daily", "cumulative"] {
        let own = format!("img&#x2F;us--utah--washington-{kind}");
        assert!(!page.contains(&own), "a county chart is shown: {own}");
    }
    assert!(
        !site()
            .join("regions/img/us--utah--washington-daily.svg")
            .exists()
    );
    // No per-county figures that do not exist.
    for absent in [
        "Peak of new cases",
        "id=\"weekly\"",
        "id=\"daily\"",
        "<td>0%</td>",
    ] {
        assert!(!page.contains(absent), "{absent} on the county page");
    }
    assert!(district.contains("Peak of new cases") && district.contains("id=\"weekly\""));
    // The compare link opens compare-any with the district and Utah.
    assert!(page.contains(
        "compare&#x2F;any.html#regions=us--utah--southwest-utah,us--utah&amp;view=cases-new-linear-per100k-date"
    ));
}

#[test]
fn seam_is_disclosed_on_state_and_national_pages() {
    for id in ["us", "us--texas", "us--texas--harris"] {
        let p = read(&format!("regions/{id}.html"));
        assert!(p.contains("2020-12-22"), "{id}");
        assert!(p.contains("left out of the averages"), "{id}");
    }
}

/// Every heat-map scope, in the site's order.
const SCOPES: [&str; 6] = [
    "world",
    "us-states",
    "us-counties",
    "china",
    "canada",
    "australia",
];

/// The JSON object a data script passes to its callback (`cb(NAME, {...});` or `cb({...});`).
fn script_json(text: &str) -> Value {
    let start = text.find('{').expect("an object");
    let end = text.rfind('}').expect("an object");
    serde_json::from_str(&text[start..=end]).expect("JSON")
}

/// A map cell as the hover files write it (src/heatmap/hover.rs).
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Value(f64),
    Status(String),
}

/// Every cell of a map's hover value set: (region id, date) → cell, decoded like maps.js.
fn hover_cells(scope: &str, set: &str) -> HashMap<(String, String), Cell> {
    let hit = script_json(&read(&format!("heatmaps/{scope}/hover/hit.js")));
    let ids: Vec<String> = hit["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    let mut out = HashMap::new();
    for chunk in 0.. {
        let path = site().join(format!("heatmaps/{scope}/hover/{set}-{chunk}.js"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            break;
        };
        let v = script_json(&text);
        let div = v["div"].as_f64().unwrap();
        let dates: Vec<&str> = v["dates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        for (k, cells) in v["v"].as_str().unwrap().split(';').enumerate() {
            let mut acc = 0i64;
            for (f, c) in cells.split(',').enumerate() {
                let cell = match c {
                    "" => Cell::Status("no_data".into()),
                    "n" => Cell::Status("not_reporting".into()),
                    "s" => Cell::Status("state_level_only".into()),
                    "p" => Cell::Status("above_population".into()),
                    x => {
                        acc += x
                            .parse::<i64>()
                            .unwrap_or_else(|e| panic!("{path:?}: {x}: {e}"));
                        Cell::Value(acc as f64 / div)
                    }
                };
                out.insert((ids[k].clone(), dates[f].to_string()), cell);
            }
        }
    }
    assert!(!out.is_empty(), "{scope} {set}");
    out
}

/// Rows of a scope's frames.csv.gz.
fn frames(scope: &str) -> Vec<Vec<String>> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(site().join(format!("heatmaps/{scope}/frames.csv.gz"))).unwrap(),
    )
    .read_to_string(&mut text)
    .unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "date,region_id,confirmed,deaths,confirmed_new_7d,deaths_new_7d,confirmed_status,deaths_status"
        )
    );
    lines.map(common::split_csv).collect()
}

/// Start date, averages per day, and `[first, last, label]` status runs.
type Published = (chrono::NaiveDate, Vec<Option<f64>>, Vec<(i64, i64, String)>);

/// A region's published averages (data/regions/ID.js, what charts, tooltips and compare-any
/// read): per day, the value or the status label.
fn published(id: &str, field: &str) -> Published {
    let v = script_json(&read(&format!("data/regions/{id}.js")));
    let start = v["start"].as_str().unwrap().parse().unwrap();
    let mut acc = 0i64;
    let ma = v[format!("ma_{field}")]
        .as_str()
        .unwrap()
        .split(',')
        .map(|x| {
            (x != "n").then(|| {
                acc += if x.is_empty() {
                    0
                } else {
                    x.parse::<i64>().unwrap()
                };
                acc as f64 / 100.0
            })
        })
        .collect();
    let runs = v[format!("status_{field}")]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_i64().unwrap(),
                r[1].as_i64().unwrap(),
                r[2].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (start, ma, runs)
}

#[test]
fn one_seven_day_average_reads_the_same_everywhere() {
    // Issue 20 item 11: Germany's card said 6,641 new cases a day, its chart and compare-any
    // 9,552; Texas 1,772 on its page and 2,964 on compare-any. Now the number is computed once
    // and every place reads it: the map values (frames.csv.gz and the maps' hover files), the
    // region's data file (the chart, its tooltip and compare-any read it), and on the last
    // date the page's card and latest.json.
    let latest: Vec<Value> = serde_json::from_str(&read("data/latest.json")).unwrap();
    let latest: HashMap<&str, &Value> = latest
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r))
        .collect();
    let mut checked = 0;
    let mut last_checked = 0;
    let mut statuses = 0;
    for scope in SCOPES {
        let rows = frames(scope);
        let last = rows.iter().map(|r| r[0].clone()).max().unwrap();
        let hover = [
            hover_cells(scope, "confirmed-new-abs"),
            hover_cells(scope, "deaths-new-abs"),
        ];
        // Every 97th row, and Germany, Texas and Harris on the last date.
        let sample = rows.iter().enumerate().filter(|(k, r)| {
            k % 97 == 0
                || (r[0] == last
                    && ["germany", "us--texas", "us--texas--harris", "us", "china"]
                        .contains(&r[1].as_str()))
        });
        for (_, r) in sample {
            let (d, id) = (&r[0], &r[1]);
            for (m, field) in ["confirmed", "deaths"].into_iter().enumerate() {
                let (frame_value, status) = (&r[4 + m], &r[6 + m]);
                let frame: Option<f64> =
                    (!frame_value.is_empty()).then(|| frame_value.parse().unwrap());
                assert_eq!(
                    frame.is_some(),
                    status == "reported",
                    "{scope} {id} {d} {field}"
                );
                // The region's data file.
                let (start, ma, runs) = published(id, field);
                let i = (d.parse::<chrono::NaiveDate>().unwrap() - start).num_days();
                let js = ma[i as usize];
                let label = runs
                    .iter()
                    .find(|x| (x.0..=x.1).contains(&i))
                    .map(|x| x.2.clone());
                if status == "in_district" {
                    continue; // its shape shows the district's row (checked with that row)
                }
                assert_eq!(js, frame, "{scope} {id} {d} {field}: data file vs frames");
                if status != "reported" {
                    statuses += 1;
                    let want = match status.as_str() {
                        "not_reporting" => "not reporting",
                        "state_level_only" => "reported at state level only",
                        _ => "no data",
                    };
                    assert_eq!(label.as_deref(), Some(want), "{scope} {id} {d} {field}");
                }
                // The map's own values (hover files), for regions drawn on the map.
                if let Some(cell) = hover[m].get(&(id.clone(), d.clone())) {
                    match (cell, frame) {
                        (Cell::Value(v), Some(f)) => assert_eq!(*v, f, "{scope} {id} {d}"),
                        (Cell::Status(s), None) => assert_eq!(s, status, "{scope} {id} {d}"),
                        (c, f) => panic!("{scope} {id} {d} {field}: map {c:?} vs frames {f:?}"),
                    }
                }
                if *d == last
                    && let Some(l) = latest.get(id.as_str())
                {
                    assert_eq!(
                        l[format!("new_{field}_7d")].as_f64(),
                        frame,
                        "{id} latest.json"
                    );
                    assert_eq!(l[format!("{field}_status")].as_str(), Some(status.as_str()));
                    // The page's card.
                    let page = read(&format!("regions/{id}.html"));
                    let what = if m == 0 {
                        "New cases per day"
                    } else {
                        "New deaths per day"
                    };
                    let at = page
                        .find(&format!("{what}</dt><dd>"))
                        .unwrap_or_else(|| panic!("{id}: no card"));
                    let card = &page[at + what.len() + 9..];
                    let card = &card[..card.find("</dd>").unwrap()];
                    let want = match frame {
                        Some(f) => seecovid::render::format::decimal(f),
                        None => label.clone().unwrap(),
                    };
                    assert_eq!(card, want, "{id} card");
                    last_checked += 1;
                }
                checked += 1;
            }
        }
    }
    eprintln!(
        "one 7-day average: {checked} region-date × measure values, {last_checked} on the last date, {statuses} not reported"
    );
    assert!(checked >= 400, "{checked} region-dates × measures checked");
    assert!(last_checked >= 10, "{last_checked} last-date checks");
    assert!(statuses > 0);
}

#[test]
fn map_values_are_numbers_or_statuses_never_sentinels() {
    // Issue 20 item 7: "not reporting" was stored as ±2^63 and printed "9223372B a day";
    // the deltas after it broke ("−18446744B", 236 frames in Nebraska).
    let mut cells = 0;
    for scope in SCOPES {
        for set in ["confirmed-new-abs", "deaths-new-pc", "confirmed-total-pc"] {
            for (k, c) in hover_cells(scope, set) {
                if let Cell::Value(v) = c {
                    assert!(v.is_finite() && v.abs() < 1e12, "{scope} {set} {k:?}: {v}");
                }
                cells += 1;
            }
        }
    }
    assert!(cells > 100_000, "{cells}");
    // Nebraska's counties after their not-reporting stretch read their true values.
    let ne = hover_cells("us-counties", "confirmed-new-abs");
    let douglas = &ne[&(
        "us--nebraska--douglas".to_string(),
        "2023-03-09".to_string(),
    )];
    assert!(matches!(douglas, Cell::Value(v) if *v > 0.0), "{douglas:?}");
}

#[test]
fn loving_county_is_marked_above_its_population_not_coloured() {
    // Issue 20 item 10: population 169, 238,462 cases per 100,000: a data problem.
    let cells = hover_cells("us-counties", "confirmed-total-pc");
    let c = &cells[&("us--texas--loving".to_string(), "2023-03-09".to_string())];
    assert_eq!(*c, Cell::Status("above_population".into()));
    // The legend names the class, and the last-date CSV gives it no value and no rank.
    assert!(
        read("heatmaps/us-counties/confirmed-total-pc-lin.html").contains("Cases above population")
    );
    let csv = read("heatmaps/us-counties/confirmed-total-pc-lin.csv");
    let row = csv
        .lines()
        .map(common::split_csv)
        .find(|r| r[1] == "us--texas--loving")
        .unwrap();
    assert_eq!((row[0].as_str(), row[4].as_str()), ("", ""), "{row:?}");
}
