//! The data rules of docs/method.md §1 on the hand-made `small` fixture (answers worked out by hand in
//! tests/fixtures/small/README.md) and on the real bundled data.

mod common;

use std::path::Path;

use chrono::NaiveDate;
use seecovid::data::{self, Level};
use seecovid::diag::Diagnostics;
use seecovid::measures;
use seecovid::quality::{self, Assessed};

fn load(dir: &Path) -> Assessed {
    quality::load(dir, &mut Diagnostics::default()).unwrap()
}

fn small() -> Assessed {
    load(&common::fixture_dir("small"))
}

/// Values that all count as reported.
fn known(v: &[i64]) -> Vec<Option<i64>> {
    v.iter().copied().map(Some).collect()
}

fn derive(ds: &Assessed, id: &str, window: usize) -> measures::Derived {
    let i = ds.regions.iter().position(|r| r.id == id).unwrap();
    measures::derive(&ds.regions[i].series, &ds.quality.regions[i], window)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn regions_of_every_level_with_stable_ids() {
    let ds = small();
    let ids: Vec<&str> = ds.regions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "alphaland",
            "betaland",
            "us",
            "betaland--north",
            "betaland--south",
            "us--alabama",
            "us--alabama--autauga",
            "us--alabama--baldwin",
            "us--alabama--unassigned",
            "us--guam",
        ]
    );
    let lv = |id: &str| ds.by_id(id).unwrap().level;
    assert_eq!(lv("betaland"), Level::Country);
    assert_eq!(lv("betaland--north"), Level::Province);
    assert_eq!(lv("us--guam"), Level::UsState);
    assert_eq!(lv("us--alabama--unassigned"), Level::UsCounty);
}

#[test]
fn country_without_country_row_is_the_sum_of_its_provinces() {
    let ds = small();
    let b = &ds.by_id("betaland").unwrap().series;
    assert_eq!(b.confirmed, vec![15, 25, 36, 48, 58, 69, 82]);
    assert_eq!(b.deaths, vec![0, 0, 1, 1, 2, 3, 3]);
}

#[test]
fn us_state_sums_all_rows_including_unassigned_and_us_total_comes_from_us_files() {
    let ds = small();
    let al = &ds.by_id("us--alabama").unwrap().series;
    assert_eq!(al.confirmed, vec![15, 18, 22, 25, 31]);
    assert_eq!(al.deaths, vec![1, 1, 1, 2, 3]);
    let us = &ds.by_id("us").unwrap().series;
    // Not the global file's US row (1..7).
    assert_eq!(us.confirmed, vec![22, 25, 30, 33, 39]);
    assert_eq!(us.deaths, vec![2, 2, 2, 3, 4]);
    assert!(us.recovered.is_none());
}

#[test]
fn fips_are_zero_padded() {
    let ds = small();
    assert_eq!(
        ds.by_id("us--alabama--autauga").unwrap().fips.as_deref(),
        Some("01001")
    );
    assert_eq!(ds.by_id("us--alabama").unwrap().fips.as_deref(), Some("01"));
    assert_eq!(ds.by_id("us--guam").unwrap().fips.as_deref(), Some("66"));
}

#[test]
fn recovered_is_cut_off_after_2021_08_04_and_active_is_clipped() {
    let ds = small();
    assert_eq!(ds.recovered_until, Some(date(2021, 8, 4)));
    let a = ds.by_id("alphaland").unwrap();
    assert_eq!(a.series.recovered, Some(known(&[50, 60, 80, 90])));
    let d = derive(&ds, "alphaland", 7);
    assert_eq!(d.active, Some(known(&[49, 49, 48, 33])));
    // Canada-like: one recovered country row, provinces without recovered.
    let b = ds.by_id("betaland").unwrap();
    assert_eq!(b.series.recovered, Some(known(&[10, 20, 40, 45])));
    let d = derive(&ds, "betaland", 7);
    assert_eq!(d.active, Some(known(&[5, 5, 0, 2])));
    assert!(
        ds.by_id("betaland--north")
            .unwrap()
            .series
            .recovered
            .is_none()
    );
}

#[test]
fn new_per_day_keeps_negative_corrections_and_the_first_value() {
    let ds = small();
    let d = derive(&ds, "alphaland", 3);
    assert_eq!(d.new_confirmed, vec![100, 10, 20, -5, 15, 20, 10]);
    // Trailing 3-day mean (the day and the two before, fewer at the start), worked out by
    // hand and rounded to hundredths; the negative correction (−5 on day 3) is an anomaly and
    // left out (docs/data-rules.md §4): day 3 averages days 1–2, day 5 days 4–5.
    assert!(d.anomalies_confirmed[3].is_some());
    let want = [100.0, 55.0, 43.33, 15.0, 17.5, 17.5, 15.0];
    assert_eq!(d.ma_confirmed(), &want);
}

#[test]
fn files_may_end_on_different_dates() {
    let ds = small();
    assert_eq!(ds.global_range.end, date(2021, 8, 7));
    assert_eq!(ds.us_range.end, date(2021, 8, 5));
    assert_eq!(
        ds.by_id("alphaland").unwrap().series.end(),
        date(2021, 8, 7)
    );
    assert_eq!(
        ds.by_id("us--alabama").unwrap().series.end(),
        date(2021, 8, 5)
    );
}

#[test]
fn population_from_the_uid_table() {
    let ds = small();
    let p = |id: &str| ds.by_id(id).unwrap().population;
    assert_eq!(p("betaland"), Some(200_000));
    assert_eq!(p("betaland--north"), Some(150_000));
    assert_eq!(p("betaland--south"), None);
    assert_eq!(p("us--alabama"), Some(4_903_185));
    assert_eq!(p("us--alabama--baldwin"), Some(223_234));
    assert_eq!(p("us--alabama--unassigned"), None);
    assert_eq!(p("us--guam"), Some(168_784));
}

/// CRLF line endings, a UTF-8 BOM and gzip are accepted and give the same regions.
#[test]
fn crlf_bom_and_gzip_are_accepted() {
    let t = common::SiteTest::fixture("small");
    t.edit(data::CONFIRMED_GLOBAL, |s| {
        format!("\u{feff}{}", s.replace('\n', "\r\n"))
    });
    let p = t.data_file(data::CONFIRMED_US);
    let raw = std::fs::read(&p).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &raw).unwrap();
    std::fs::write(p.with_extension("csv.gz"), gz.finish().unwrap()).unwrap();
    std::fs::remove_file(&p).unwrap();
    let a = small();
    let b = load(&t.data());
    assert_eq!(a.regions.len(), b.regions.len());
    for (x, y) in a.regions.iter().zip(&b.regions) {
        assert_eq!(x.id, y.id);
        assert_eq!(x.series, y.series);
    }
}

// ---- real bundled data ----

fn real() -> Assessed {
    load(&common::repo_dir().join("assets/data"))
}

#[test]
fn real_data_known_totals() {
    let ds = real();
    assert_eq!(ds.global_range.end, date(2023, 3, 9));
    let last = |id: &str| {
        let r = ds.by_id(id).unwrap_or_else(|| panic!("no region {id}"));
        (
            *r.series.confirmed.last().unwrap(),
            *r.series.deaths.last().unwrap(),
        )
    };
    // Countries (US from the US files) plus the overseas territories that are not part of
    // their country's total (France, UK, …) = the sum of every row of the global file.
    let summed = ["Australia", "Canada", "China"];
    let (c, d): (i64, i64) = ds
        .regions
        .iter()
        .filter(|r| {
            r.level == Level::Country
                || (r.level == Level::Province && !summed.contains(&r.country.as_str()))
        })
        .map(|r| {
            (
                *r.series.confirmed.last().unwrap(),
                *r.series.deaths.last().unwrap(),
            )
        })
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert_eq!(c, 676_570_149);
    assert_eq!(d, 6_881_802);
    assert_eq!(ds.world_totals(), (676_570_149, 6_881_802));
    assert_eq!(last("us"), (103_802_702, 1_123_836));
    // Checked independently with Python's csv module on the raw files.
    assert_eq!(last("germany").0, 38_249_060);
    assert_eq!(last("canada").0, 4_617_095); // sum of 16 province rows
    assert_eq!(last("canada--ontario").0, 1_601_325);
    assert_eq!(last("france").0, 38_618_509); // the country row only
    assert_eq!(last("us--texas").0, 8_466_220);
    assert_eq!(last("us--texas--harris").0, 1_275_028);
    assert_eq!(ds.by_id("us--texas").unwrap().population, Some(28_995_881));
    assert_eq!(ds.by_id("germany").unwrap().population, Some(83_155_031));
    let harris = &ds.by_id("us--texas--harris").unwrap();
    assert_eq!(harris.fips.as_deref(), Some("48201"));
    let i = (date(2021, 1, 1) - harris.series.start).num_days() as usize;
    assert_eq!(harris.series.confirmed[i], 306_622);
}

/// Quirk: Hubei starts at 444 cases, so its first new value is 444, not 0.
#[test]
fn real_data_first_day_new_value_is_the_value_itself() {
    let ds = real();
    let h = ds.by_id("china--hubei").unwrap();
    assert_eq!(measures::new_per_day(&h.series.confirmed)[0], 444);
}

/// Quirk: recovered is zero after 2021-08-04 (and -1 for Pitcairn); it must end there.
#[test]
fn real_data_recovered_ends_2021_08_04() {
    let ds = real();
    assert_eq!(ds.recovered_until, Some(date(2021, 8, 4)));
    let g = ds.by_id("germany").unwrap();
    let rec = g.series.recovered.as_ref().unwrap();
    assert_eq!(g.series.date(rec.len() - 1), date(2021, 8, 4));
    assert_eq!(*rec.last().unwrap(), Some(3_659_260));
    // Canada's provinces have no recovered; the country has.
    assert!(
        ds.by_id("canada--ontario")
            .unwrap()
            .series
            .recovered
            .is_none()
    );
    assert!(ds.by_id("canada").unwrap().series.recovered.is_some());
}

/// Quirk: names repeat across levels (Georgia, Diamond Princess): ids stay unique.
#[test]
fn real_data_ids_are_unique_across_levels() {
    let ds = real();
    let mut ids: Vec<&str> = ds.regions.iter().map(|r| r.id.as_str()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
    assert!(ds.by_id("georgia").is_some() && ds.by_id("us--georgia").is_some());
    assert!(ds.by_id("diamond-princess").is_some());
    assert!(ds.by_id("canada--diamond-princess").is_some());
    assert!(ds.by_id("us--diamond-princess").is_some());
}

/// Issue 10 item 11: readers' names on pages, JHU's names kept as aliases (ids unchanged);
/// ships, games and "Unknown" rows are not places.
#[test]
fn real_data_display_names_and_pseudo_regions() {
    use seecovid::data::names;
    let ds = real();
    let by_id = |id: &str| ds.by_id(id).unwrap_or_else(|| panic!("no region {id}"));
    for (id, shown, jhu) in [
        ("korea-south", "South Korea", "Korea, South"),
        ("taiwan", "Taiwan", "Taiwan*"),
        ("burma", "Myanmar", "Burma"),
        ("germany", "Germany", "Germany"),
    ] {
        let r = by_id(id);
        assert_eq!(r.name, shown, "{id}");
        assert_eq!(names::jhu_name(r), jhu, "{id}");
    }
    let pseudo: Vec<&str> = ds
        .regions
        .iter()
        .filter(|r| r.level == seecovid::data::Level::Country && names::is_pseudo(r))
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        pseudo,
        vec![
            "Diamond Princess",
            "MS Zaandam",
            "Summer Olympics 2020",
            "Winter Olympics 2022"
        ]
    );
    assert!(names::is_pseudo(by_id("china--unknown")));
    assert!(!names::ranks_per_capita(by_id("new-zealand--niue")));
    assert!(names::ranks_per_capita(by_id("germany")));
}
