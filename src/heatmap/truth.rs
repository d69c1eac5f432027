//! What a heat map must not hide (docs/data-rules.md): counties painted with the value of the
//! district that reports them, "not reporting" days in their own class, and how much of the
//! scope's total sits in rows that are not drawn.

use chrono::NaiveDate;

use super::scope::ScopeMap;
use super::{Measure, Mode, Unit, daily};
use crate::quality::Assessed;
use crate::quality::{self, Status};
use crate::render::format::thousands;

/// What a frame cell holds. Cells that are not a value are NaN with a payload, so every
/// consumer that wants values skips them as NaN (ranks, class breaks, sums), and only the
/// colours, the hover files and `frames.csv.gz` tell them apart (through `cell`). They never
/// reach a file as numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    Value,
    NoData,
    NotReporting,
    StateLevelOnly,
    /// Per capita: reported cases above the population (a data problem).
    AbovePopulation,
}

/// The quiet-NaN bits; the low byte carries the kind.
const NAN_BITS: u64 = 0x7ff8_0000_0000_0000;

pub(crate) fn mark(c: Cell) -> f64 {
    let code = match c {
        Cell::Value | Cell::NoData => 0,
        Cell::NotReporting => 1,
        Cell::StateLevelOnly => 2,
        Cell::AbovePopulation => 3,
    };
    f64::from_bits(NAN_BITS | code)
}

/// The mark of a day's status that is not a value (`InDistrict` counties are painted with
/// their district's value by `adjust`; until then, no data).
pub(crate) fn mark_status(s: Status) -> f64 {
    mark(match s {
        Status::NotReporting => Cell::NotReporting,
        Status::StateLevelOnly => Cell::StateLevelOnly,
        _ => Cell::NoData,
    })
}

pub(crate) fn cell(v: f64) -> Cell {
    if !v.is_nan() {
        return Cell::Value;
    }
    match v.to_bits() & 0xff {
        1 => Cell::NotReporting,
        2 => Cell::StateLevelOnly,
        3 => Cell::AbovePopulation,
        _ => Cell::NoData,
    }
}

/// The adjusted view of one animation's members.
pub(crate) struct Adjusted {
    /// Members drawn on the map (the scope's own joins plus reporting units painted over
    /// their member counties).
    pub mapped: Vec<bool>,
    /// Members that may appear in the top-10 bars: drawn, and not a copy of a unit's value.
    pub rankable: Vec<bool>,
    /// Per frame: "Not on the map: …" when undrawn rows hold more than 1 % of the total.
    pub unmapped: Vec<Option<String>>,
    /// Legend note when some shapes show a reporting unit's value.
    pub district_note: Option<String>,
    /// The kinds of non-value cells some drawn frame has (for the legend).
    pub has_not_reporting: bool,
    pub has_state_level: bool,
    pub has_above_population: bool,
}

/// Adjusts `values` (`[frame][member]`, as `Matrix`) in place and says what the map leaves out.
#[allow(clippy::too_many_arguments)]
pub(crate) fn adjust(
    ds: &Assessed,
    m: &ScopeMap,
    me: Measure,
    mode: Mode,
    sc: Unit,
    per_capita: f64,
    dates: &[NaiveDate],
    values: &mut [f64],
) -> Adjusted {
    let n = m.members.len();
    let mut mapped = m.mapped.clone();
    let mut rankable = m.mapped.clone();
    let at = |ri: usize, d: NaiveDate| -> Option<usize> {
        let i = (d - ds.regions[ri].series.start).num_days();
        usize::try_from(i)
            .ok()
            .filter(|&i| i < ds.regions[ri].series.len())
    };
    let mut member_of = vec![None; ds.regions.len()];
    for (k, &r) in m.members.iter().enumerate() {
        member_of[r] = Some(k);
    }
    // Counties reported in a district: the district's value (per capita over its population).
    let mut units = Vec::new();
    for (k, &ri) in m.members.iter().enumerate() {
        let Some(u) = &ds.quality.regions[ri].reported_in else {
            continue;
        };
        if !m.mapped[k] || u.regions.iter().any(|&x| member_of[x].is_none()) {
            continue;
        }
        let parts: Vec<(usize, Vec<f64>)> = u
            .regions
            .iter()
            .filter_map(|&x| daily(ds, x, me, mode).map(|v| (x, v.values)))
            .collect();
        let per = match sc {
            Unit::Absolute => 1.0,
            Unit::PerCapita => per_capita / u.population as f64,
        };
        for (f, &d) in dates.iter().enumerate() {
            let mut sum = 0.0;
            let mut any = false;
            for (x, v) in &parts {
                if let Some(i) = at(*x, d).filter(|&i| !v[i].is_nan()) {
                    sum += v[i];
                    any = true;
                }
            }
            values[f * n + k] = if any { sum * per } else { f64::NAN };
        }
        rankable[k] = false;
        for &x in &u.regions {
            let ku = member_of[x].expect("checked above");
            mapped[ku] = true;
            rankable[ku] = true;
        }
        units.push(u.name.clone());
    }
    let has = |c: Cell| {
        (0..dates.len()).any(|f| (0..n).any(|k| mapped[k] && cell(values[f * n + k]) == c))
    };
    let (has_not_reporting, has_state_level, has_above_population) = (
        has(Cell::NotReporting),
        has(Cell::StateLevelOnly),
        has(Cell::AbovePopulation),
    );
    let unmapped = unmapped_notes(ds, m, me, mode, dates, &mapped);
    units.sort();
    units.dedup();
    let district_note = (!units.is_empty()).then(|| {
        format!(
            "Counties in a reporting unit ({}) show the unit's value",
            abbreviate(&units, 3)
        )
    });
    Adjusted {
        mapped,
        rankable,
        unmapped,
        district_note,
        has_not_reporting,
        has_state_level,
        has_above_population,
    }
}

/// Per frame, the share of the scope's total (the sum of all its rows) in undrawn rows.
fn unmapped_notes(
    ds: &Assessed,
    m: &ScopeMap,
    me: Measure,
    mode: Mode,
    dates: &[NaiveDate],
    mapped: &[bool],
) -> Vec<Option<String>> {
    // New per day: the net change of each row's total over the week (at least 0). An
    // "Unassigned" row's negative days move its counts into the counties (Florida's
    // provisional cases every two weeks), so its average of positive days alone would count
    // them twice against the counties.
    let series: Vec<Option<Vec<f64>>> = m
        .members
        .iter()
        .map(|&r| match (me, mode) {
            (Measure::Confirmed | Measure::Deaths, Mode::New) => {
                let s = &ds.regions[r].series;
                let cum = if me == Measure::Deaths {
                    &s.deaths
                } else {
                    &s.confirmed
                };
                Some(net_week(cum))
            }
            _ => daily(ds, r, me, mode).map(|d| d.values),
        })
        .collect();
    // "Unassigned, TX": a county scope has one "Unassigned" row per state. Named once, not
    // per frame.
    let names: Vec<Option<String>> = m
        .members
        .iter()
        .zip(mapped)
        .map(|(&ri, &on)| (!on).then(|| super::bar_name(ds, &ds.regions[ri])))
        .collect();
    dates
        .iter()
        .map(|&d| {
            let (mut total, mut off) = (0.0, 0.0);
            let mut off_map: Vec<(f64, &str)> = Vec::new();
            for (k, &ri) in m.members.iter().enumerate() {
                let r = &ds.regions[ri];
                let i = (d - r.series.start).num_days();
                let Some(v) = series[k]
                    .as_ref()
                    .and_then(|s| usize::try_from(i).ok().and_then(|i| s.get(i)))
                    .copied()
                    .filter(|v| v.is_finite())
                else {
                    continue;
                };
                total += v;
                if let (Some(name), true) = (&names[k], v > 0.0) {
                    off += v;
                    off_map.push((v, name));
                }
            }
            let (count, share) = quality::unmapped_share(off, total)?;
            off_map.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let listed: Vec<String> = off_map.iter().map(|x| x.1.to_string()).collect();
            // A count, said as one: on a per-capita map a bare "807 per day" read as a rate.
            Some(format!(
                "Not on the map: {} {}{} ({:.1} % of the total), {}",
                thousands(count.round() as i64),
                me.noun(),
                if mode == Mode::New { " per day" } else { "" },
                share * 100.0,
                rows_phrase(&listed)
            ))
        })
        .collect()
}

/// Net change of a cumulative series over the last 7 days, per day, at least 0.
fn net_week(cum: &[i64]) -> Vec<f64> {
    (0..cum.len())
        .map(|i| {
            let before = if i >= 7 { cum[i - 7] } else { 0 };
            ((cum[i] - before) as f64 / 7.0).max(0.0)
        })
        .collect()
}

/// "a, b and 3 more".
fn abbreviate(names: &[String], keep: usize) -> String {
    if names.len() <= keep {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..keep].join(", "),
        names.len() - keep
    )
}

/// Where the off-map counts are: "in Unknown", or, for many rows, how many and the largest:
/// "in 99 “Unassigned” and “Out of” rows, largest Unassigned, VT" (a list of the first two
/// read as a garbled list of places: "in Unassigned, VT, Unassigned, MA and 97 more").
/// `names` are largest first.
fn rows_phrase(names: &[String]) -> String {
    if names.len() <= 2 {
        return format!("in {}", names.join(", "));
    }
    let kind = |prefix: &str| names.iter().filter(|n| n.starts_with(prefix)).count();
    let (unassigned, out_of) = (kind("Unassigned"), kind("Out of"));
    let rows = match (unassigned, out_of) {
        _ if unassigned + out_of < names.len() => "rows without a shape",
        (0, _) => "“Out of” rows",
        (_, 0) => "“Unassigned” rows",
        _ => "“Unassigned” and “Out of” rows",
    };
    format!("in {} {rows}, largest {}", names.len(), names[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations() {
        let v: Vec<String> = ["Unknown", "Unassigned", "Out of TX"]
            .map(String::from)
            .to_vec();
        assert_eq!(abbreviate(&v[..1], 2), "Unknown");
        assert_eq!(abbreviate(&v, 2), "Unknown, Unassigned and 1 more");
    }

    #[test]
    fn off_map_rows_are_named_by_kind() {
        let v = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(rows_phrase(&v(&["Unknown"])), "in Unknown");
        assert_eq!(
            rows_phrase(&v(&["Alphaland", "Betaland"])),
            "in Alphaland, Betaland"
        );
        let mut counties = v(&["Unassigned, VT", "Unassigned, MA", "Out of TX"]);
        assert_eq!(
            rows_phrase(&counties),
            "in 3 “Unassigned” and “Out of” rows, largest Unassigned, VT"
        );
        assert_eq!(
            rows_phrase(
                &counties[..2]
                    .iter()
                    .chain(&counties[..1])
                    .cloned()
                    .collect::<Vec<_>>()
            ),
            "in 3 “Unassigned” rows, largest Unassigned, VT"
        );
        counties.push("Diamond Princess".into());
        assert_eq!(
            rows_phrase(&counties),
            "in 4 rows without a shape, largest Unassigned, VT"
        );
    }
}
