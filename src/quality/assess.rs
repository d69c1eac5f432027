//! Applies the rules of `quality` to every region of a dataset.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::cadence::{self, Known};
use super::units::{self, ReportingUnit};
use super::{
    Anomaly, DUMP_MIN_CONFIRMED, DUMP_MIN_DEATHS, RecoveredGap, SilentRule, SilentRun, Status,
    combine_gaps, recovered_gaps, silent_runs,
};
use crate::data::new_per_day;
use crate::data::{Dataset, Level, Region, Source, names};

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

/// Quality facts of one measure (new cases or new deaths) of one region, aligned with its
/// `Series` (index 0 = `series.start`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeasureQuality {
    /// Per day: why the reported new value is not used as it is (docs/data-rules.md §4).
    pub anomalies: Vec<Option<Anomaly>>,
    /// Reports spread over the zero days before them: `(first zero day, report day)` (§5).
    pub spreads: Vec<(usize, usize)>,
    /// Periodic batches added to the days they cover: `(first day, batch day)` (§5).
    pub batches: Vec<(usize, usize)>,
    /// What is left out of the averages: `(day, amount)`.
    pub left_out: Vec<(usize, f64)>,
    /// First day of a short tail whose report is not in yet.
    pub pending: Option<usize>,
    /// Per day: inside a run the region did not report (§3).
    pub not_reporting: Vec<bool>,
    /// Those runs, with what the parent's rate would have given the region.
    pub silent_runs: Vec<SilentRun>,
    /// Runs the county's counts sat in its state's "Unassigned" row (§3).
    pub state_level: Vec<(usize, usize)>,
}

impl MeasureQuality {
    fn state_level_at(&self, i: usize) -> bool {
        self.state_level.iter().any(|&(a, b)| (a..=b).contains(&i))
    }

    /// Days with no report of the region's own: not reporting or at state level only.
    pub fn silent(&self) -> Vec<bool> {
        let mut v = self.not_reporting.clone();
        for &(a, b) in &self.state_level {
            v[a..=b].fill(true);
        }
        v
    }

    /// The status of day `i` (a county in a district: see `RegionQuality::status`).
    pub fn status(&self, i: usize) -> Status {
        if self.state_level_at(i) {
            Status::StateLevelOnly
        } else if self.not_reporting.get(i).copied().unwrap_or(false) {
            Status::NotReporting
        } else {
            Status::Reported
        }
    }

    /// The daily values that enter the averages (`quality::cadence`), rebuilt from the raw
    /// new values and the facts kept here: NaN where a day is left out or unknown.
    pub fn smoothed(&self, new: &[i64]) -> Vec<f64> {
        let decided = cadence::Decided {
            anomalies: &self.anomalies,
            spreads: &self.spreads,
            batches: &self.batches,
            left_out: &self.left_out,
            pending: self.pending,
        };
        cadence::values(new, &self.silent(), decided)
    }
}

/// Quality facts of one region, aligned with its `Series` (index 0 = `series.start`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegionQuality {
    /// As long as the published recovered series: why recovered and active are unknown on a
    /// day (`None` = reported). `None` when the region has no recovered series at all.
    pub recovered_gaps: Option<Vec<Option<RecoveredGap>>>,
    /// New cases and new deaths.
    pub confirmed: MeasureQuality,
    pub deaths: MeasureQuality,
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

    /// Cases (`deaths` false) or deaths.
    pub fn of(&self, deaths: bool) -> &MeasureQuality {
        if deaths {
            &self.deaths
        } else {
            &self.confirmed
        }
    }

    /// The status of day `i` of new cases or deaths (and of their totals).
    pub fn status(&self, deaths: bool, i: usize) -> Status {
        if self.reported_in.is_some() {
            Status::InDistrict
        } else {
            self.of(deaths).status(i)
        }
    }
}

/// Quality facts of every region, in region order.
#[derive(Clone, Debug, Default)]
pub struct Quality {
    pub regions: Vec<RegionQuality>,
}

/// A dataset with its quality facts: what every stage above data/ reads. It reads as the
/// dataset (`Deref`); `quality` is the one addition. data/ stays a leaf: it knows nothing of
/// quality, and quality wraps it.
#[derive(Debug)]
pub struct Assessed {
    data: Dataset,
    /// Data-quality facts of every region, in region order (docs/data-rules.md).
    pub quality: Quality,
}

impl std::ops::Deref for Assessed {
    type Target = Dataset;
    fn deref(&self) -> &Dataset {
        &self.data
    }
}

/// Assesses a freshly loaded dataset, blanks recovered where it is not reported and keeps
/// the facts beside it (`quality::load` calls this once).
pub fn apply(mut ds: Dataset) -> Assessed {
    let q = assess(&ds);
    for (r, rq) in ds.regions.iter_mut().zip(&q.regions) {
        if let (Some(rec), Some(g)) = (r.series.recovered.as_mut(), rq.recovered_gaps.as_ref()) {
            for (v, gap) in rec.iter_mut().zip(g) {
                if gap.is_some() {
                    *v = None;
                }
            }
        }
    }
    Assessed {
        data: ds,
        quality: q,
    }
}

/// Applies every rule to every region of a dataset as loaded (recovered not yet blanked).
pub fn assess(ds: &Dataset) -> Quality {
    let state_level = state_level_runs(ds);
    let mut regions: Vec<RegionQuality> = ds
        .regions
        .iter()
        .zip(&state_level)
        .map(|(r, sl)| own_quality(ds, r, sl))
        .collect();
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
        let rq = &mut regions[county];
        for q in [&mut rq.confirmed, &mut rq.deaths] {
            q.not_reporting.fill(false);
            q.silent_runs.clear();
            q.state_level.clear();
        }
        regions[county].reported_in = Some(unit);
    }
    Quality { regions }
}

fn own_quality(ds: &Dataset, r: &Region, state_level: &[Vec<(usize, usize)>; 2]) -> RegionQuality {
    let s = &r.series;
    let seam = (r.source == Source::Us)
        .then(|| (us_seam() - s.start).num_days())
        .filter(|&i| i > 0 && (i as usize) < s.len())
        .map(|i| i as usize);
    let measure = |cum: &[i64], rule: SilentRule, min_dump: i64, sl: &[(usize, usize)]| {
        let new = new_per_day(cum);
        let runs = silent(ds, r, &new, rule);
        let mut q = MeasureQuality {
            not_reporting: vec![false; s.len()],
            silent_runs: runs,
            state_level: sl.to_vec(),
            ..MeasureQuality::default()
        };
        for x in &q.silent_runs {
            q.not_reporting[x.first..=x.last].fill(true);
        }
        // The first day after a state-level-only run holds what moved into the county.
        let moved: Vec<usize> = sl
            .iter()
            .map(|&(_, b)| b + 1)
            .filter(|&i| i < s.len())
            .collect();
        let mask = q.silent();
        let k = Known {
            seam,
            min_dump,
            moved: &moved,
            silent: &mask,
        };
        let sm = cadence::smooth(&new, &k);
        q.anomalies = sm.anomalies;
        q.spreads = sm.spreads;
        q.batches = sm.batches;
        q.left_out = sm.left_out;
        q.pending = sm.pending;
        q
    };
    RegionQuality {
        recovered_gaps: s.recovered.as_deref().map(|rec| {
            let raw: Vec<i64> = rec.iter().map(|v| v.unwrap_or(0)).collect();
            recovered_gaps(&s.confirmed, &raw)
        }),
        confirmed: measure(
            &s.confirmed,
            SilentRule::CASES,
            DUMP_MIN_CONFIRMED,
            &state_level[0],
        ),
        deaths: measure(
            &s.deaths,
            SilentRule::DEATHS,
            DUMP_MIN_DEATHS,
            &state_level[1],
        ),
        reported_in: None,
    }
}

/// Per region: the runs of days (cases, deaths) its counts sat in its US state's "Unassigned"
/// row: `SILENT_DAYS`+ days with no new count in any county of the state while the state's
/// "Unassigned" row grew by the not-reporting rule's expected count or more (Florida's county
/// deaths from 2021-06-04 to 2022-01-11). Empty for every other region.
fn state_level_runs(ds: &Dataset) -> Vec<[Vec<(usize, usize)>; 2]> {
    let mut out = vec![[Vec::new(), Vec::new()]; ds.regions.len()];
    for st in ds.regions.iter().filter(|r| r.level == Level::UsState) {
        let counties: Vec<usize> = st
            .children
            .iter()
            .copied()
            .filter(|&c| {
                let r = &ds.regions[c];
                r.level == Level::UsCounty && r.in_parent_total && !names::is_pseudo(r)
            })
            .collect();
        let Some(&un) = st
            .children
            .iter()
            .find(|&&c| ds.regions[c].name == "Unassigned")
        else {
            continue;
        };
        for (m, rule) in [SilentRule::CASES, SilentRule::DEATHS]
            .into_iter()
            .enumerate()
        {
            fn cum(r: &Region, m: usize) -> &[i64] {
                if m == 0 {
                    &r.series.confirmed
                } else {
                    &r.series.deaths
                }
            }
            let n = st.series.len();
            // Per day, the largest new value of any county: a run needs every county silent
            // (no county's count is hidden by the state-level rule).
            let mut top = vec![i64::MIN; n];
            for &c in &counties {
                let r = &ds.regions[c];
                if r.series.start != st.series.start || r.series.len() != n {
                    continue;
                }
                for (t, v) in top.iter_mut().zip(new_per_day(cum(r, m))) {
                    *t = (*t).max(v);
                }
            }
            let runs = cadence::state_level_runs(&top, cum(&ds.regions[un], m), rule.expected);
            for &c in &counties {
                out[c][m] = runs.clone();
            }
        }
    }
    out
}

/// The not-reporting rule: against the parent's rate for US counties, else a silent tail.
fn silent(ds: &Dataset, r: &Region, new: &[i64], rule: SilentRule) -> Vec<SilentRun> {
    // The parent's rate is a fair yardstick for a US county only: provinces and states
    // (China, Australia, Canada) had long real zeros behind closed borders, so for them, as
    // for countries, only a silent run to the end of the data counts.
    let parent = r
        .parent
        .filter(|_| r.in_parent_total && r.level == Level::UsCounty)
        .map(|p| &ds.regions[p]);
    match parent {
        None => silent_runs(new, None, rule),
        Some(p) => {
            let (Some(pop), Some(ppop)) = (r.population, p.population) else {
                return Vec::new();
            };
            // Align the parent's series with the region's.
            let off = (r.series.start - p.series.start).num_days();
            let pcum = if rule == SilentRule::CASES {
                &p.series.confirmed
            } else {
                &p.series.deaths
            };
            let pnew = new_per_day(pcum);
            let aligned: Vec<i64> = (0..new.len() as i64)
                .map(|i| {
                    usize::try_from(i + off)
                        .ok()
                        .and_then(|k| pnew.get(k).copied())
                        .unwrap_or(0)
                })
                .collect();
            let mut runs = silent_runs(new, Some((&aligned, pop as f64 / ppop as f64)), rule);
            with_silent_state(new, &aligned, &mut runs, rule);
            runs
        }
    }
}

/// A county silent to the end of the data while its state has stopped (or its weekly report
/// is not in: the state's own tail is "not reporting") goes silent with it, whatever its own
/// size: Washington's small counties were painted "0" beside their "not reporting" state.
pub(crate) fn with_silent_state(
    new: &[i64],
    state: &[i64],
    runs: &mut Vec<SilentRun>,
    rule: SilentRule,
) {
    let n = new.len();
    if runs.last().is_some_and(|x| x.last + 1 == n) {
        return;
    }
    let Some(s) = silent_runs(state, None, rule)
        .pop()
        .filter(|x| x.last + 1 == n)
    else {
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
