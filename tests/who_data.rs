//! WHO's weekly reports (docs/data-rules.md §8): the parser and the reporting rules on a
//! hand-made fixture whose answers are worked out by hand, and on the bundled snapshot.

mod common;

use chrono::NaiveDate;
use seecovid::data::who::{self, EntityKind, WeekStatus, Who};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fixture() -> Who {
    who::load(&common::fixture_dir("who/WHO-COVID-19-global-data.csv")).unwrap()
}

/// tests/fixtures/who: 8 entities × 8 weeks (2020-01-05 … 2020-02-23), rows shuffled.
#[test]
fn fixture_shape_is_read_from_unsorted_rows() {
    let w = fixture();
    assert_eq!(w.start, d("2020-01-05"));
    assert_eq!(w.weeks, 8);
    assert_eq!(w.end(), d("2020-02-23"));
    let codes: Vec<&str> = w.entities.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["CI", "DE", "JP", "NA", "TV", "US", "XK", "XXJ"]);
    // Unsorted rows land in their weeks: Namibia's cases 3, 5, 0, –, 2, 4, 1, 1.
    let na = w.by_code("NA").unwrap();
    assert_eq!(
        na.cases.new,
        [
            Some(3),
            Some(5),
            Some(0),
            None,
            Some(2),
            Some(4),
            Some(1),
            Some(1)
        ]
    );
    assert_eq!(na.cases.cumulative, [3, 8, 8, 8, 10, 14, 15, 16]);
}

#[test]
fn namibia_na_is_a_code_and_kosovo_xk_a_place() {
    let w = fixture();
    let na = w
        .by_code("NA")
        .expect("`NA` read as Namibia's code, not as missing");
    assert_eq!(na.name, "Namibia");
    assert_eq!(na.kind, EntityKind::Place);
    let xk = w.by_code("XK").unwrap();
    assert_eq!(xk.kind, EntityKind::Place);
    assert_eq!(xk.who_region, "EURO");
}

#[test]
fn conveyance_rows_are_their_own_kind_and_count_in_the_world_total() {
    let w = fixture();
    let ship = w.by_code("XXJ").unwrap();
    assert_eq!(ship.kind, EntityKind::Conveyance);
    assert_eq!(ship.cases.cumulative[7], 712);
    // By hand: 16 + 52 + 110 + 1 + 30 + 1,900 + 16 + 712 cases; 2 + 1 + 8 + 52 + 3 deaths.
    assert_eq!(w.world_cumulative(7), (2837, 66));
    // Week to 2020-02-23: Namibia 1, Kosovo 2, Côte d'Ivoire 2 cases; Germany 1, US 3 deaths.
    assert_eq!(w.world_new(7), (5, 4));
    // Places with a report in the last 4 weeks: all but Tuvalu (and the ship is no place).
    assert_eq!(w.still_reporting(), 6);
}

#[test]
fn empty_is_no_report_and_zero_is_a_reported_zero() {
    let w = fixture();
    let na = w.by_code("NA").unwrap();
    assert_eq!(na.cases.status[2], WeekStatus::Reported);
    assert_eq!(na.cases.value(2), Some(0));
    assert_eq!(na.cases.status[3], WeekStatus::NoReport);
    assert_eq!(na.cases.value(3), None);
    // Deaths empty in the first two weeks: no report, cumulative 0 carried.
    assert_eq!(na.deaths.status[..2], [WeekStatus::NoReport; 2]);
    assert_eq!(na.cases.stopped_from, None);
}

#[test]
fn a_negative_week_is_a_correction_kept_and_never_ranked() {
    let w = fixture();
    let xk = w.by_code("XK").unwrap();
    assert_eq!(xk.cases.status[2], WeekStatus::Correction);
    assert_eq!(xk.cases.value(2), Some(-5));
    assert_eq!(xk.cases.rankable(2), None);
    assert_eq!(xk.cases.rankable(3), Some(7));
    assert_eq!(xk.cases.cumulative[2], 25);
}

#[test]
fn zeros_after_real_counts_that_end_in_silence_are_not_reporting() {
    let w = fixture();
    // Japan: 50, 60, then 0, 0, then four empty weeks: not reporting from the first zero.
    let jp = w.by_code("JP").unwrap();
    assert_eq!(jp.cases.stopped_from, Some(2));
    assert_eq!(w.week(2), d("2020-01-19"));
    assert_eq!(jp.cases.status[2..], [WeekStatus::NotReporting; 6]);
    assert_eq!(jp.cases.value(2), None);
    assert_eq!(jp.cases.last_report(), Some(1));
    // Its deaths: reported zeros to the last week are zeros, not a stop.
    assert_eq!(jp.deaths.stopped_from, None);
    assert_eq!(jp.deaths.value(7), Some(0));
}

#[test]
fn a_small_place_keeps_its_zeros_and_stops_at_its_first_empty_week() {
    let w = fixture();
    // Tuvalu: 1, 0, 0, 0, then four empty weeks; a mean of 1 a week is below 7.
    let tv = w.by_code("TV").unwrap();
    assert_eq!(tv.cases.stopped_from, Some(4));
    assert_eq!(tv.cases.value(3), Some(0));
    assert_eq!(tv.deaths.stopped_from, Some(4));
    assert!(!tv.still_reporting());
}

#[test]
fn a_short_empty_tail_is_not_a_stop_and_measures_stop_separately() {
    let w = fixture();
    let de = w.by_code("DE").unwrap();
    assert_eq!(de.cases.stopped_from, None, "two empty weeks: not in yet");
    assert_eq!(de.cases.status[7], WeekStatus::NoReport);
    // United States: cases empty after the second week, deaths to the end.
    let us = w.by_code("US").unwrap();
    assert_eq!(us.cases.stopped_from, Some(2));
    assert_eq!(us.cases.last_report(), Some(1));
    assert_eq!(us.deaths.stopped_from, None);
    assert_eq!(us.deaths.value(7), Some(3));
    assert!(us.still_reporting());
}

#[test]
fn broken_accents_are_fixed_by_code() {
    let w = fixture();
    assert_eq!(w.by_code("CI").unwrap().name, "Côte d'Ivoire");
    assert_eq!(who::display_name("TR", "T\u{fffd}rkiye"), "Türkiye");
}

fn header() -> &'static str {
    "Date_reported,Country_code,Country,WHO_region,New_cases,Cumulative_cases,New_deaths,Cumulative_deaths\n"
}

fn err(body: &str) -> String {
    who::parse(format!("{}{body}", header()).as_bytes(), "who.csv")
        .unwrap_err()
        .to_string()
}

#[test]
fn bad_files_are_errors_that_name_the_line() {
    let ok = "2020-01-05,FR,France,EURO,1,1,0,0\n";
    assert!(who::parse(format!("{}{ok}", header()).as_bytes(), "who.csv").is_ok());
    let e = who::parse(
        b"Date_reported,Country_code,Country\n2020-01-05,FR,France\n",
        "who.csv",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("expected WHO's columns"), "{e}");
    let e = err(&format!("{ok}2020-01-12,FR,France,EURO,2,3"));
    assert!(e.contains("line 3"), "truncated row: {e}");
    let e = err(&format!("{ok}2020-01-12,FR,France,EURO,2,4,0,0\n"));
    assert!(e.contains("line 3") && e.contains("makes 3"), "{e}");
    let e = err(&format!("{ok}2020-01-05,FR,France,EURO,1,1,0,0\n"));
    assert!(e.contains("a second row"), "{e}");
    let e = err("2020-01-06,FR,France,EURO,1,1,0,0\n");
    assert!(e.contains("Sunday"), "{e}");
    let e = err("2020-01-05,F1,France,EURO,1,1,0,0\n");
    assert!(e.contains("Country_code"), "{e}");
    let e = err("2020-01-05,FR,France,EURO,x,1,0,0\n");
    assert!(e.contains("New_cases"), "{e}");
    let e = err(&format!("{ok}2020-01-12,DE,Germany,EURO,1,1,0,0\n"));
    assert!(
        e.contains("`DE` has no row for the week to 2020-01-05"),
        "{e}"
    );
    assert!(err("").contains("no data rows"));
}

// ---- the bundled snapshot ----

fn real() -> &'static Who {
    common::real_dataset()
        .who
        .as_ref()
        .expect("assets/data/who is bundled")
}

#[test]
fn snapshot_world_totals_on_2026_05_10() {
    let w = real();
    assert_eq!(w.entities.len(), 240);
    assert_eq!(w.weeks, 332);
    assert_eq!(w.end(), d("2026-05-10"));
    assert_eq!(w.world_cumulative(w.weeks - 1), (779_221_055, 7_115_086));
    let i = w.week_index(d("2023-03-12")).unwrap();
    assert_eq!(w.world_cumulative(i), (759_080_679, 6_891_108));
    assert!(w.entities.iter().all(|e| !e.name.contains('\u{fffd}')));
    assert_eq!(
        w.entities
            .iter()
            .filter(|e| e.kind == EntityKind::Conveyance)
            .count(),
        6
    );
}

#[test]
fn snapshot_us_cases_stop_after_2023_05_14_while_deaths_continue() {
    let w = real();
    let us = w.by_code("US").unwrap();
    assert_eq!(w.week(us.cases.last_report().unwrap()), d("2023-05-14"));
    assert_eq!(w.week(us.cases.stopped_from.unwrap()), d("2023-05-21"));
    assert_eq!(us.cases.cumulative[w.weeks - 1], 103_436_829);
    assert_eq!(us.deaths.stopped_from, None);
    assert_eq!(us.deaths.value(w.weeks - 1), Some(68));
}

#[test]
fn snapshot_japan_is_not_reporting_from_2023_05_21() {
    let w = real();
    let jp = w.by_code("JP").unwrap();
    let from = jp.cases.stopped_from.unwrap();
    assert_eq!(w.week(from), d("2023-05-21"));
    // The zeros WHO published from then to 2023-12-03 are part of the stop.
    let dec = w.week_index(d("2023-12-03")).unwrap();
    assert_eq!(jp.cases.new[dec], Some(0));
    assert_eq!(jp.cases.status[dec], WeekStatus::NotReporting);
    assert_eq!(jp.cases.new[dec + 1], None);
    assert!(jp.cases.new[from - 1].unwrap() > 20_000);
}

#[test]
fn snapshot_corrections_and_reported_weeks() {
    let w = real();
    let count = |deaths: bool| {
        w.entities
            .iter()
            .map(|e| {
                e.measure(deaths)
                    .status
                    .iter()
                    .filter(|s| **s == WeekStatus::Correction)
                    .count()
            })
            .sum::<usize>()
    };
    assert_eq!((count(false), count(true)), (18, 13));
    let ph = w.by_code("PH").unwrap();
    let i = w.week_index(d("2023-08-20")).unwrap();
    assert_eq!(ph.cases.value(i), Some(-65_079));
    assert_eq!(ph.cases.rankable(i), None);
    // China: zeros reported to the end; its last non-zero week is 2025-01-12.
    let cn = w.by_code("CN").unwrap();
    assert_eq!(w.week(cn.cases.last_nonzero().unwrap()), d("2025-01-12"));
    assert_eq!(cn.cases.stopped_from, None);
}

#[test]
fn snapshot_joins_by_iso_code() {
    let ds = common::real_dataset();
    let w = real();
    let region_of = |code: &str| {
        w.by_code(code)
            .and_then(|e| e.region)
            .map(|i| ds.regions[i].id.as_str())
    };
    assert_eq!(region_of("NA"), Some("namibia"));
    assert_eq!(region_of("XK"), Some("kosovo"));
    assert_eq!(region_of("US"), Some("us"));
    assert_eq!(region_of("DE"), Some("germany"));
    assert_eq!(region_of("GL"), Some("denmark--greenland"));
    assert_eq!(region_of("XXJ"), None);
    // Inside JHU's US total, separate in WHO's file.
    assert_eq!(region_of("PR"), Some("us--puerto-rico"));
    let only_who: Vec<&str> = w.only_who().map(|e| e.code.as_str()).collect();
    let only_site: Vec<&str> = w
        .only_site
        .iter()
        .map(|&i| ds.regions[i].id.as_str())
        .collect();
    eprintln!("only WHO ({}): {only_who:?}", only_who.len());
    eprintln!("only the site ({}): {only_site:?}", only_site.len());
    assert!(only_who.contains(&"XXJ"));
    assert!(only_site.contains(&"diamond-princess"));
    assert!(!only_site.contains(&"namibia"));
}
