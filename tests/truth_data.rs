//! Issue 10, data semantics, on the real bundled data: recovered where it is not reported,
//! the 2020-12-22 seam and other anomalies, counties counted in a district, rows without a
//! shape. Raw values are read independently from the gzipped JHU files.

mod common;

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;
use seecovid::measures;
use seecovid::quality::Assessed;
use seecovid::quality::{Anomaly, RecoveredGap};

fn real() -> &'static Assessed {
    common::real_dataset()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn idx(ds: &Assessed, id: &str) -> usize {
    ds.regions
        .iter()
        .position(|r| r.id == id)
        .unwrap_or_else(|| panic!("no region {id}"))
}

/// Raw rows of a gzipped global JHU file: (Province/State, Country/Region) → values.
/// The real files quote no field that contains a comma except "Korea, South" and the like,
/// so split on commas outside quotes.
fn raw_global(kind: &str) -> HashMap<(String, String), Vec<i64>> {
    let path = common::repo_dir().join(format!(
        "assets/data/time_series_covid19_{kind}_global.csv.gz"
    ));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut out = HashMap::new();
    for line in text.lines().skip(1) {
        let f = common::split_csv(line);
        let vals = f[4..].iter().map(|v| v.parse().unwrap()).collect();
        out.insert((f[0].clone(), f[1].clone()), vals);
    }
    out
}

/// Recovered of a region: (first unknown date, last unknown date) runs.
fn unknown_runs(ds: &Assessed, id: &str) -> Vec<(NaiveDate, NaiveDate)> {
    let r = &ds.regions[idx(ds, id)];
    let rec = r.series.recovered.as_ref().unwrap();
    seecovid::quality::true_runs(rec.iter().map(Option::is_none))
        .into_iter()
        .map(|(a, b)| (r.series.date(a), r.series.date(b)))
        .collect()
}

#[test]
fn recovered_unknown_where_not_really_reported() {
    let ds = real();
    let end = date(2021, 8, 4);
    // UK: reset to 0 on 2020-04-13 (the 5.8 M "active" on 2021-08-04); before it two
    // short freezes (FROZEN_SHORT_DAYS+ days while confirmed grew by half or more): 8 from
    // 2020-02-16 to 03-06 (18 → 373 cases) and 135 from 2020-03-24 to 04-09 (15,039 → 81,498).
    assert_eq!(
        unknown_runs(ds, "united-kingdom"),
        vec![
            (date(2020, 2, 17), date(2020, 3, 6)),
            (date(2020, 3, 25), date(2020, 4, 9)),
            (date(2020, 4, 13), end)
        ]
    );
    // Sweden: never published.
    assert_eq!(unknown_runs(ds, "sweden"), vec![(date(2020, 1, 22), end)]);
    // Spain: frozen at 150,376 from 2020-05-18 (that day is the last real update); a short
    // freeze at 2 from 2020-02-15 to 03-06 (2 → 400 cases).
    assert_eq!(
        unknown_runs(ds, "spain"),
        vec![
            (date(2020, 2, 16), date(2020, 3, 6)),
            (date(2020, 5, 19), end)
        ]
    );
    let es = &ds.regions[idx(ds, "spain")].series;
    let i = (date(2020, 5, 18) - es.start).num_days() as usize;
    assert_eq!(es.recovered.as_ref().unwrap()[i], Some(150_376));
    // New South Wales: 4 from 2020-02-13 while cases grew to 2,897, and 0 from 2020-08-01.
    assert_eq!(
        unknown_runs(ds, "australia--new-south-wales"),
        vec![
            (date(2020, 2, 14), date(2020, 4, 16)),
            (date(2020, 8, 1), end)
        ]
    );
    // Germany: every value kept, to 2021-08-04.
    assert_eq!(unknown_runs(ds, "germany"), vec![]);
}

#[test]
fn active_is_unknown_with_recovered_and_every_kept_value_is_the_raw_one() {
    let ds = real();
    let raw = raw_global("recovered");
    let mut kept = 0;
    for (i, r) in ds.regions.iter().enumerate() {
        let Some(rec) = &r.series.recovered else {
            continue;
        };
        // Countries summed from provinces: sum the raw rows.
        let rows: Vec<&Vec<i64>> = match &r.province {
            Some(p) => vec![&raw[&(p.clone(), r.country.clone())]],
            None => match raw.get(&(String::new(), r.country.clone())) {
                Some(v) => vec![v],
                None => raw
                    .iter()
                    .filter(|(k, _)| k.1 == r.country)
                    .map(|(_, v)| v)
                    .collect(),
            },
        };
        let d = measures::derive(&r.series, &ds.quality.regions[i], 7);
        let act = d.active.as_ref().unwrap();
        for (k, v) in rec.iter().enumerate() {
            match v {
                Some(v) => {
                    let want: i64 = rows.iter().map(|row| row[k]).sum();
                    assert_eq!(*v, want, "{} day {k}", r.id);
                    let a = (r.series.confirmed[k] - v - r.series.deaths[k]).max(0);
                    assert_eq!(act[k], Some(a), "{} day {k}", r.id);
                    kept += 1;
                }
                None => assert_eq!(act[k], None, "{} day {k}", r.id),
            }
        }
    }
    // Germany alone keeps 561 days (2020-01-22..2021-08-04).
    assert!(kept > 561 * 50, "{kept}");
    let de = &ds.regions[idx(ds, "germany")].series;
    assert_eq!(de.recovered.as_ref().unwrap().len(), 561);
    let want = &raw[&(String::new(), "Germany".to_string())][..561];
    let got: Vec<i64> = de
        .recovered
        .as_ref()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn seam_of_2020_12_22_is_an_anomaly_left_out_of_the_averages() {
    let ds = real();
    let seam = date(2020, 12, 22);
    for (id, raw_new) in [
        ("us--texas", -4_889),
        ("us", 358_465),
        ("us--texas--harris", 58_777),
    ] {
        let i = idx(ds, id);
        let r = &ds.regions[i];
        let k = (seam - r.series.start).num_days() as usize;
        let d = measures::derive(&r.series, &ds.quality.regions[i], 7);
        // Raw value kept…
        assert_eq!(d.new_confirmed[k], raw_new, "{id}");
        assert_eq!(d.anomalies_confirmed[k], Some(Anomaly::Seam), "{id}");
        // …but the trailing 7-day mean of 12-22 is the mean of the six days before it.
        assert!(d.cases.smoothed[k].is_nan(), "{id}");
        let others: Vec<f64> = (k - 6..k)
            .map(|j| d.cases.smoothed[j])
            .filter(|v| !v.is_nan())
            .collect();
        let want = others.iter().sum::<f64>() / others.len() as f64;
        assert!((d.ma_confirmed()[k] - want).abs() <= 0.005, "{id}");
    }
    // Harris's 58,777 would be a backlog even without the seam rule.
    let h = idx(ds, "us--texas--harris");
    let new = measures::new_per_day(&ds.regions[h].series.confirmed);
    let k = (seam - ds.regions[h].series.start).num_days() as usize;
    let known = seecovid::quality::cadence::Known {
        min_dump: 100,
        ..Default::default()
    };
    assert_eq!(
        seecovid::quality::cadence::smooth(&new, &known).anomalies[k],
        Some(Anomaly::Dump)
    );
}

#[test]
fn utah_district_counties_are_counted_in_their_district() {
    let ds = real();
    let w = &ds.quality.regions[idx(ds, "us--utah--washington")];
    let unit = w.reported_in.as_ref().expect("Washington County UT");
    assert_eq!(unit.name, "Southwest Utah");
    assert_eq!(unit.regions, vec![idx(ds, "us--utah--southwest-utah")]);
    assert_eq!(unit.population, 252_042);
    // 22 Utah counties; Salt Lake reports itself.
    let utah = ds
        .quality
        .regions
        .iter()
        .zip(&ds.regions)
        .filter(|(q, r)| q.reported_in.is_some() && r.id.starts_with("us--utah--"))
        .count();
    assert_eq!(utah, 22);
    assert!(
        ds.quality.regions[idx(ds, "us--utah--salt-lake")]
            .reported_in
            .is_none()
    );
    // Counted elsewhere is not "not reporting".
    assert!(w.confirmed.not_reporting.iter().all(|&x| !x));
    assert!(w.deaths.not_reporting.iter().all(|&x| !x));
}

#[test]
fn recovered_gap_reasons_are_kept_for_the_notes() {
    let ds = real();
    let g = |id: &str, d: NaiveDate| {
        let i = idx(ds, id);
        let k = (d - ds.regions[i].series.start).num_days() as usize;
        ds.quality.regions[i].recovered_gaps.as_ref().unwrap()[k]
    };
    assert_eq!(g("sweden", date(2021, 6, 1)), Some(RecoveredGap::Never));
    assert_eq!(
        g("united-kingdom", date(2021, 8, 4)),
        Some(RecoveredGap::Reset)
    );
    assert_eq!(g("spain", date(2021, 1, 1)), Some(RecoveredGap::Frozen));
    assert_eq!(g("germany", date(2021, 1, 1)), None);
    let notes = seecovid::data_notes::notes_csv(ds).unwrap();
    assert!(notes.starts_with("region_id,region,rule,measure,from,to,detail\n"));
    assert!(notes.contains(
        "united-kingdom,United Kingdom,recovered_unknown,\"recovered,active\",2020-04-13,2021-08-04,reset to 0\n"
    ));
    assert!(notes.contains("us--texas--harris,\"Harris, Texas, US\",anomaly,confirmed,2020-12-22,2020-12-22,source seam: +58777; left out of the averages: 58777\n"));
    assert!(notes.contains(
        "us--utah--washington,\"Washington, Utah, US\",counted_in_district,all,2020-01-22,2023-03-09,reported as part of Southwest Utah (us--utah--southwest-utah)\n"
    ));
}

#[test]
fn uk_recovered_frozen_in_april_2020_is_unknown() {
    // Quirk: the UK's recovered stayed at 135 from 2020-03-24 to 2020-04-09 (17 days) while
    // confirmed rose 15,039 → 81,498, so "active" read 65,564 on 2020-04-09. A freeze of
    // FROZEN_SHORT_DAYS+ days with FROZEN_SHORT_GROWTH+ growth is unknown: recovered and
    // active are unknown on 2020-03-25..=2020-04-09 (03-24 is the last real update) and known
    // again on 2020-04-10 (344) until the reset to 0 on 2020-04-13.
    let ds = real();
    let i = idx(ds, "united-kingdom");
    let r = &ds.regions[i];
    let d = measures::derive(&r.series, &ds.quality.regions[i], 7);
    let rec = r.series.recovered.as_ref().unwrap();
    let act = d.active.as_ref().unwrap();
    let at = |y, m, dd| (date(y, m, dd) - r.series.start).num_days() as usize;
    for k in [at(2020, 3, 25), at(2020, 4, 1), at(2020, 4, 9)] {
        assert_eq!(rec[k], None, "recovered day {k}");
        assert_eq!(act[k], None, "active day {k}");
    }
    assert_eq!(
        ds.quality.regions[i].recovered_gaps.as_ref().unwrap()[at(2020, 4, 1)],
        Some(RecoveredGap::Frozen)
    );
    // The last real update before the freeze, and the first after it.
    assert_eq!(rec[at(2020, 3, 24)], Some(135));
    assert!(act[at(2020, 3, 24)].is_some());
    assert_eq!(rec[at(2020, 4, 10)], Some(344));
    assert!(act[at(2020, 4, 10)].is_some());
}
