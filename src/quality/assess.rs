//! Applies the rules of `quality` to every region of a dataset.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::units::{self, ReportingUnit};
use super::{
    Anomaly, DUMP_MIN_CONFIRMED, DUMP_MIN_DEATHS, RecoveredGap, SilentRun, anomalies, combine_gaps,
    recovered_gaps, silent_runs,
};
use crate::data::{Dataset, Level, Region, Source};
use crate::measures::new_per_day;

/// First day of the US series that comes from the JHU daily reports instead of the JHU time
/// series (the rebuilt US files): its new values mix revisions with new cases.
pub fn us_seam() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 12, 22).expect("valid date")
}

/// The reporting unit whose counts include a county that has none of its own.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportedIn {
    /// Unit name as shown ("Southwest Utah").
    pub name: String,
    /// Region indices of the unit's rows (two for Chugach + Copper River).
    pub regions: Vec<usize>,
    /// The unit's population (for per-capita values over the whole unit).
    pub population: u64,
}

/// Quality facts of one region, aligned with its `Series` (index 0 = `series.start`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegionQuality {
    /// As long as the published recovered series: why recovered and active are unknown on a
    /// day (`None` = reported). `None` when the region has no recovered series at all.
    pub recovered_gaps: Option<Vec<Option<RecoveredGap>>>,
    /// Per day: why the new confirmed / new deaths value is an anomaly.
    pub anomalies_confirmed: Vec<Option<Anomaly>>,
    pub anomalies_deaths: Vec<Option<Anomaly>>,
    /// Per day: inside a run the region did not report (new confirmed).
    pub not_reporting: Vec<bool>,
    /// Those runs, with the cases the parent's rate would have given the region.
    pub silent_runs: Vec<SilentRun>,
    /// Set for counties whose cases are reported in another row.
    pub reported_in: Option<ReportedIn>,
}

impl RegionQuality {
    /// True when recovered (and active) count as reported on day `i`.
    pub fn recovered_known(&self, i: usize) -> bool {
        self.recovered_gaps
            .as_ref()
            .is_some_and(|g| g.get(i).is_some_and(Option::is_none))
    }
}

/// Quality facts of every region, in region order.
#[derive(Clone, Debug, Default)]
pub struct Quality {
    pub regions: Vec<RegionQuality>,
}

/// Assesses the freshly loaded dataset, blanks recovered where it is not reported and keeps
/// the facts in `ds.quality` (the loader calls this once).
pub fn apply(ds: &mut Dataset) {
    let q = assess(ds);
    for (r, rq) in ds.regions.iter_mut().zip(&q.regions) {
        if let (Some(rec), Some(g)) = (r.series.recovered.as_mut(), rq.recovered_gaps.as_ref()) {
            for (v, gap) in rec.iter_mut().zip(g) {
                if gap.is_some() {
                    *v = None;
                }
            }
        }
    }
    ds.quality = q;
}

/// Applies every rule to every region of a dataset as loaded (recovered not yet blanked).
pub fn assess(ds: &Dataset) -> Quality {
    let mut regions: Vec<RegionQuality> = ds.regions.iter().map(|r| own_quality(ds, r)).collect();
    // A country summed from its provinces is unknown where one of them is.
    for (i, r) in ds.regions.iter().enumerate() {
        let members: Vec<usize> = r
            .children
            .iter()
            .copied()
            .filter(|&c| ds.regions[c].in_parent_total && regions[c].recovered_gaps.is_some())
            .collect();
        if r.level != Level::Country || members.is_empty() {
            continue;
        }
        let Some(own) = regions[i].recovered_gaps.clone() else {
            continue;
        };
        let mut all: Vec<Vec<Option<RecoveredGap>>> = vec![own];
        all.extend(
            members
                .iter()
                .filter_map(|&c| regions[c].recovered_gaps.clone()),
        );
        let len = all[0].len();
        regions[i].recovered_gaps = Some(combine_gaps(&all, len));
    }
    for (county, unit) in reporting_units(ds, &units::bundled()) {
        regions[county].not_reporting.fill(false);
        regions[county].silent_runs.clear();
        regions[county].reported_in = Some(unit);
    }
    Quality { regions }
}

fn own_quality(ds: &Dataset, r: &Region) -> RegionQuality {
    let s = &r.series;
    let seam = (r.source == Source::Us)
        .then(|| (us_seam() - s.start).num_days())
        .filter(|&i| i > 0 && (i as usize) < s.len())
        .map(|i| i as usize);
    let new_c = new_per_day(&s.confirmed);
    let new_d = new_per_day(&s.deaths);
    let runs = silent(ds, r, &new_c);
    let mut not_reporting = vec![false; s.len()];
    for x in &runs {
        not_reporting[x.first..=x.last].fill(true);
    }
    RegionQuality {
        recovered_gaps: s.recovered.as_deref().map(|rec| {
            let raw: Vec<i64> = rec.iter().map(|v| v.unwrap_or(0)).collect();
            recovered_gaps(&s.confirmed, &raw)
        }),
        anomalies_confirmed: anomalies(&new_c, seam, DUMP_MIN_CONFIRMED),
        anomalies_deaths: anomalies(&new_d, seam, DUMP_MIN_DEATHS),
        not_reporting,
        silent_runs: runs,
        reported_in: None,
    }
}

/// The not-reporting rule: against the parent's rate for US counties, else a silent tail.
fn silent(ds: &Dataset, r: &Region, new: &[i64]) -> Vec<SilentRun> {
    // The parent's rate is a fair yardstick for a US county only: provinces and states
    // (China, Australia, Canada) had long real zeros behind closed borders, so for them, as
    // for countries, only a silent run to the end of the data counts.
    let parent = r
        .parent
        .filter(|_| r.in_parent_total && r.level == Level::UsCounty)
        .map(|p| &ds.regions[p]);
    match parent {
        None => silent_runs(new, None),
        Some(p) => {
            let (Some(pop), Some(ppop)) = (r.population, p.population) else {
                return Vec::new();
            };
            // Align the parent's series with the region's.
            let off = (r.series.start - p.series.start).num_days();
            let pnew = new_per_day(&p.series.confirmed);
            let aligned: Vec<i64> = (0..new.len() as i64)
                .map(|i| {
                    usize::try_from(i + off)
                        .ok()
                        .and_then(|k| pnew.get(k).copied())
                        .unwrap_or(0)
                })
                .collect();
            let mut runs = silent_runs(new, Some((&aligned, pop as f64 / ppop as f64)));
            with_silent_state(new, &aligned, &mut runs);
            runs
        }
    }
}

/// A county silent to the end of the data while its state has stopped (or its weekly report
/// is not in: the state's own tail is "not reporting") goes silent with it, whatever its own
/// size: Washington's small counties were painted "0" beside their "not reporting" state.
pub(crate) fn with_silent_state(new: &[i64], state: &[i64], runs: &mut Vec<SilentRun>) {
    let n = new.len();
    if runs.last().is_some_and(|x| x.last + 1 == n) {
        return;
    }
    let Some(s) = silent_runs(state, None).pop().filter(|x| x.last + 1 == n) else {
        return;
    };
    if new[s.first..].iter().all(|&v| v == 0) && new[..s.first].iter().any(|&v| v > 0) {
        runs.push(SilentRun {
            first: s.first,
            last: n - 1,
            expected: None,
            recent: None,
        });
    }
}

/// (county region, its unit) for every member county with a row of its own that is not the
/// unit's own row.
pub fn reporting_units(ds: &Dataset, table: &[ReportingUnit]) -> Vec<(usize, ReportedIn)> {
    let by_uid: HashMap<u64, usize> = ds
        .regions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.level == Level::UsCounty)
        .filter_map(|(i, r)| r.uid.map(|u| (u, i)))
        .collect();
    let by_fips: HashMap<&str, usize> = ds
        .regions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.level == Level::UsCounty)
        .filter_map(|(i, r)| r.fips.as_deref().map(|f| (f, i)))
        .collect();
    let mut out = Vec::new();
    for u in table {
        let regions: Vec<usize> = u
            .uids
            .iter()
            .filter_map(|x| by_uid.get(x))
            .copied()
            .collect();
        if regions.len() != u.uids.len() {
            continue; // a data folder without these rows (fixtures)
        }
        for (_, fips) in &u.members {
            let Some(&c) = by_fips.get(fips.as_str()) else {
                continue;
            };
            if regions.contains(&c) {
                continue;
            }
            out.push((
                c,
                ReportedIn {
                    name: u.name.clone(),
                    regions: regions.clone(),
                    population: u.population,
                },
            ));
        }
    }
    out
}

/// Header of `data/data-notes.csv`.
pub const NOTES_HEADER: &str = "region_id,region,rule,measure,from,to,detail";

/// `data/data-notes.csv`: one row per affected region and date range (anomalies: per day,
/// with the raw value), in region order.
pub fn notes_csv(ds: &Dataset, q: &Quality) -> String {
    let mut out = String::from(NOTES_HEADER);
    out.push('\n');
    for (r, rq) in ds.regions.iter().zip(&q.regions) {
        let name = csv_field(&r.full_name(&ds.regions));
        let mut row = |rule: &str, measure: &str, a: usize, b: usize, detail: &str| {
            let _ = writeln!(
                out,
                "{},{name},{rule},{},{},{},{}",
                r.id,
                csv_field(measure),
                r.series.date(a),
                r.series.date(b),
                csv_field(detail)
            );
        };
        if let Some(u) = &rq.reported_in {
            let last = r.series.len().saturating_sub(1);
            let ids: Vec<&str> = u
                .regions
                .iter()
                .map(|&i| ds.regions[i].id.as_str())
                .collect();
            row(
                "counted_in_district",
                "all",
                0,
                last,
                &format!("reported as part of {} ({})", u.name, ids.join(" + ")),
            );
        }
        if let Some(g) = &rq.recovered_gaps {
            for (a, b) in gap_runs(g) {
                let why = g[a].map_or("", RecoveredGap::as_str);
                row("recovered_unknown", "recovered,active", a, b, why);
            }
        }
        for x in &rq.silent_runs {
            let days = x.last - x.first + 1;
            let detail = match (x.expected, x.recent) {
                (Some(e), _) => format!(
                    "{days} days with no new cases; the parent's rate would have given {}",
                    e.round()
                ),
                (None, Some(m)) => format!(
                    "{days} days with no new cases to the end of the data, after {} a day",
                    m.round()
                ),
                (None, None) => format!("{days} days with no new cases to the end of the data"),
            };
            row("not_reporting", "confirmed", x.first, x.last, &detail);
        }
        let new_c = new_per_day(&r.series.confirmed);
        let new_d = new_per_day(&r.series.deaths);
        for (measure, flags, new) in [
            ("confirmed", &rq.anomalies_confirmed, &new_c),
            ("deaths", &rq.anomalies_deaths, &new_d),
        ] {
            for (i, f) in flags.iter().enumerate() {
                if let Some(f) = f {
                    row(
                        "anomaly",
                        measure,
                        i,
                        i,
                        &format!("{}: {:+}", f.as_str(), new[i]),
                    );
                }
            }
        }
    }
    out
}

/// Runs of days with the same gap reason.
fn gap_runs(g: &[Option<RecoveredGap>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < g.len() {
        if g[i].is_none() {
            i += 1;
            continue;
        }
        let s = i;
        while i + 1 < g.len() && g[i + 1] == g[s] {
            i += 1;
        }
        out.push((s, i));
        i += 1;
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}
