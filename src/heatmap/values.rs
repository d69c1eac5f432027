//! Value derivation: a region's daily values of one view, every member's values at the
//! frame dates, and the `Pair` of animations that share them.

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;

use super::scope::ScopeMap;
use super::truth::{self, Cell};
use super::{NEW_WINDOW, PER_CAPITA, frame_dates};
use crate::measures::{self, Measure, Mode, Unit};
use crate::quality::Assessed;
use crate::quality::Status;

/// Daily values of one region on its own dates, and what each day's value is.
pub(crate) struct Daily {
    /// NaN where the status is not `Reported`.
    pub values: Vec<f64>,
    pub status: Vec<Status>,
}

/// Daily values of one region, aligned with its series start; `None` where not published.
/// "New" values are the 7-day means of `measures::new_series` (docs/data-rules.md §4–5), the
/// same numbers the region's page and the open data show, with their status; totals are the
/// last reported totals. Unknown recovered/active days are "no data".
pub(crate) fn daily(ds: &Assessed, ri: usize, me: Measure, mode: Mode) -> Option<Daily> {
    let s = &ds.regions[ri].series;
    let q = &ds.quality.regions[ri];
    match me {
        Measure::Confirmed | Measure::Deaths => {
            let deaths = me == Measure::Deaths;
            let cum = if deaths { &s.deaths } else { &s.confirmed };
            // A total is the last one reported, also while the place is not reporting or
            // its new counts sit at state level ("the cumulative maps keep the last total");
            // only a county in a district has none. The averages are not needed for it.
            let (values, status) = match mode {
                Mode::New => {
                    let ns = measures::new_series(cum, q, deaths, NEW_WINDOW);
                    (ns.mean, ns.status)
                }
                Mode::Total if q.reported_in.is_some() => (
                    vec![f64::NAN; cum.len()],
                    vec![Status::InDistrict; cum.len()],
                ),
                Mode::Total => (measures::to_f64(cum), vec![Status::Reported; cum.len()]),
            };
            Some(Daily { values, status })
        }
        Measure::Recovered | Measure::Active => {
            let rec = s.recovered.as_ref()?;
            let cum = if me == Measure::Recovered {
                rec.clone()
            } else {
                measures::active(&s.confirmed, &s.deaths, rec)
            };
            let values = match mode {
                Mode::Total => measures::opt_to_f64(&cum),
                Mode::New => measures::trailing_mean(
                    &measures::opt_to_f64(&measures::new_per_day_opt(&cum)),
                    NEW_WINDOW,
                ),
            };
            let status = values
                .iter()
                .map(|v| {
                    if v.is_nan() {
                        Status::NoData
                    } else {
                        Status::Reported
                    }
                })
                .collect();
            Some(Daily { values, status })
        }
    }
}

/// Values of every member at the frame dates (`[frame][member]`), NaN = no data.
pub(super) struct Matrix {
    pub(super) dates: Vec<NaiveDate>,
    pub(super) n: usize,
    pub(super) values: Vec<f64>,
}

impl Matrix {
    pub(super) fn frame(&self, f: usize) -> &[f64] {
        &self.values[f * self.n..(f + 1) * self.n]
    }
    pub(super) fn last(&self) -> &[f64] {
        self.frame(self.dates.len() - 1)
    }
}

/// The frame dates and every member's value on them (absolute or per capita).
pub(super) fn values(
    ds: &Assessed,
    m: &ScopeMap,
    me: Measure,
    mode: Mode,
    sc: Unit,
    step: u32,
) -> Result<Matrix> {
    let end = if me.needs_recovered() {
        m.end
            .min(ds.recovered_until.context("recovered is not published")?)
    } else {
        m.end
    };
    let dates = frame_dates(m.start, end, step);
    if dates.is_empty() {
        bail!("no dates between {} and {end}", m.start);
    }
    let n = m.members.len();
    let mut values = vec![f64::NAN; dates.len() * n];
    for (k, &ri) in m.members.iter().enumerate() {
        let r = &ds.regions[ri];
        let Some(series) = daily(ds, ri, me, mode) else {
            continue;
        };
        let per = match sc {
            Unit::Absolute => Some(1.0),
            Unit::PerCapita => r
                .population
                .filter(|&p| p > 0)
                .map(|p| PER_CAPITA / p as f64),
        };
        let Some(per) = per else { continue };
        // Per capita, a place whose reported cases exceed its population has a data problem
        // (Loving County TX: 238,462 per 100,000): marked, never coloured as a rate.
        let above = |i: usize| {
            sc == Unit::PerCapita
                && r.population
                    .is_some_and(|p| r.series.confirmed.get(i).is_some_and(|&c| c > p as i64))
        };
        for (f, d) in dates.iter().enumerate() {
            let i = (*d - r.series.start).num_days();
            if i < 0 || i as usize >= series.values.len() {
                continue;
            }
            let i = i as usize;
            values[f * n + k] = match series.status[i] {
                Status::Reported if above(i) => truth::mark(Cell::AbovePopulation),
                Status::Reported => series.values[i] * per,
                st => truth::mark_status(st),
            };
        }
    }
    Ok(Matrix { dates, n, values })
}

/// The member drawn in each shape of the scope.
pub(super) fn shape_members(ds: &Assessed, m: &ScopeMap) -> Vec<Option<usize>> {
    let mut member_of = vec![None; ds.regions.len()];
    for (k, &r) in m.members.iter().enumerate() {
        member_of[r] = Some(k);
    }
    m.shapes
        .iter()
        .map(|s| s.region.and_then(|r| member_of[r]))
        .collect()
}

/// One scope × measure × total/new × absolute/per-capita: what its two animations share.
pub(super) struct Pair<'a> {
    pub(super) ds: &'a Assessed,
    pub(super) m: &'a ScopeMap,
    pub(super) me: Measure,
    pub(super) mode: Mode,
    pub(super) sc: Unit,
    pub(super) step: u32,
    pub(super) mat: Matrix,
    /// Bar and table label of every member.
    pub(super) names: Vec<String>,
    /// The member drawn in each shape.
    pub(super) shape_member: Vec<Option<usize>>,
    /// What the map leaves out and which members are drawn and ranked (docs/data-rules.md).
    pub(super) adj: truth::Adjusted,
}
