//! Data-quality rules (docs/method.md, "What the numbers leave out"): when recovered counts
//! as reported, which days are reporting anomalies, when a region is not reporting.
//!
//! Pure functions on plain slices of one region's daily values; no I/O and no knowledge of
//! regions, files or pictures. `quality::assess` (in `quality/assess.rs`) applies them to a
//! whole dataset. Every threshold is a named constant here so the docs can quote it.

pub mod assess;
pub use assess::Assessed;
pub mod cadence;
pub mod units;

/// Recovered unchanged for at least this many days (counted from the region's first case)…
pub const FROZEN_DAYS: usize = 28;
/// …while confirmed grew by at least this many cases over those days counts as not reported.
pub const FROZEN_MIN_GROWTH: i64 = 100;
/// A shorter freeze of at least this many days (two weeks: longer than any weekly update
/// pause) is not reported either…
pub const FROZEN_SHORT_DAYS: usize = 14;
/// …when confirmed grew by at least this share over it (and by `FROZEN_MIN_GROWTH` cases): a
/// recovered count that stands still for two weeks beside a case count growing by half is
/// taken as not updated (the 28-day rule alone misses such freezes). The UK's recovered
/// stayed at 135 from 2020-03-24 to 2020-04-09 while confirmed rose 15,039 → 81,498 ("active"
/// 65,564).
pub const FROZEN_SHORT_GROWTH: f64 = 0.5;

/// Days on each side of a day that form its neighbourhood for the dump test.
pub const DUMP_SPAN: usize = 14;
/// A day is judged as a backlog only in a series that reports (non-zero, after spreading) on
/// at least this many of its neighbouring days (`quality::cadence`).
pub const DUMP_MIN_REPORT_DAYS: usize = 4;
/// Smallest backlog, in confirmed cases (deaths: `DUMP_MIN_DEATHS`).
pub const DUMP_MIN_CONFIRMED: i64 = 100;
pub const DUMP_MIN_DEATHS: i64 = 10;

/// No new cases for at least this many days is a silent run.
pub const SILENT_DAYS: usize = 28;
/// A silent run is "not reporting" when the parent's new cases over it, shared out by
/// population, would have given the region at least this many cases.
pub const SILENT_EXPECTED: f64 = 100.0;
/// The same for deaths: a county with no deaths for four weeks while its state's rate would
/// have given it 10 or more (Poisson: a chance below 1 in 20,000) is not reporting them.
pub const SILENT_EXPECTED_DEATHS: f64 = 10.0;
/// A shorter silent run that reaches the end of the data is "not reporting" too (no report
/// in the last week: a weekly report not yet in, or a place that has just stopped) when the
/// region averaged at least `TRAILING_MIN_MEAN` new cases a day over the `SILENT_DAYS` before
/// it: Taiwan after ~20,000 a day, Western Australia's weekly ~2,300. A quiet place with a
/// few cases a month keeps its honest 0.
pub const TRAILING_SILENT_DAYS: usize = 7;
pub const TRAILING_MIN_MEAN: f64 = 1.0;

/// Why a day's recovered (and so active) value is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveredGap {
    /// The region's recovered series is 0 on every date although it has cases.
    Never,
    /// Recovered fell to 0 (or below) after having been positive.
    Reset,
    /// Recovered did not change for `FROZEN_DAYS`+ days while cases grew (or for
    /// `FROZEN_SHORT_DAYS`+ days while they grew by `FROZEN_SHORT_GROWTH`+).
    Frozen,
}

impl RecoveredGap {
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveredGap::Never => "never published",
            RecoveredGap::Reset => "reset to 0",
            RecoveredGap::Frozen => "frozen while cases grew",
        }
    }
}

/// Why a day's new value is left out of moving averages and map classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anomaly {
    /// A known break in the source (the US seam of 2020-12-22).
    Seam,
    /// The cumulative count went down (a correction).
    Negative,
    /// One day far above the days around it (a backlog): its excess is left out.
    Dump,
    /// Counts moved into a county from its state's "Unassigned" row after a period reported
    /// at state level only (Florida's county deaths on 2022-01-12).
    Moved,
}

impl Anomaly {
    pub fn as_str(self) -> &'static str {
        match self {
            Anomaly::Seam => "source seam",
            Anomaly::Negative => "negative correction",
            Anomaly::Dump => "backlog",
            Anomaly::Moved => "moved from the state's Unassigned row",
        }
    }
}

/// Per day of `recovered` (and as long as it): why the value is unknown, `None` where it
/// counts as reported. `confirmed` is aligned with `recovered` and at least as long.
pub fn recovered_gaps(confirmed: &[i64], recovered: &[i64]) -> Vec<Option<RecoveredGap>> {
    let n = recovered.len();
    let confirmed = &confirmed[..n.min(confirmed.len())];
    let mut out = vec![None; n];
    if recovered.iter().all(|&v| v <= 0) {
        if confirmed.iter().any(|&c| c > 0) {
            out.fill(Some(RecoveredGap::Never));
        }
        return out;
    }
    let mut was_positive = false;
    for (o, &v) in out.iter_mut().zip(recovered) {
        if v > 0 {
            was_positive = true;
        } else if was_positive {
            *o = Some(RecoveredGap::Reset);
        }
    }
    for (s, e) in equal_runs(recovered) {
        // Days before the first case cannot show a freeze.
        let Some(a) = (s..=e).find(|&i| confirmed.get(i).is_some_and(|&c| c > 0)) else {
            continue;
        };
        let (days, grew) = (e - a + 1, confirmed[e] - confirmed[a]);
        let long = days >= FROZEN_DAYS;
        let short = days >= FROZEN_SHORT_DAYS
            && confirmed[e] as f64 >= (1.0 + FROZEN_SHORT_GROWTH) * confirmed[a] as f64;
        let frozen = (long || short) && grew >= FROZEN_MIN_GROWTH;
        if frozen && out[e].is_none() {
            // The run's first day carries a real update (unless it is the first case day).
            for o in &mut out[a.max(s + 1)..=e] {
                *o = Some(RecoveredGap::Frozen);
            }
        }
    }
    out
}

/// Per-day combination for a sum of rows: a day is unknown when any member is unknown on it
/// (the first member's reason wins).
pub fn combine_gaps(
    members: &[Vec<Option<RecoveredGap>>],
    len: usize,
) -> Vec<Option<RecoveredGap>> {
    (0..len)
        .map(|i| members.iter().find_map(|m| m.get(i).copied().flatten()))
        .collect()
}

/// What a region's value on a day is (the `*_status` columns of the open data): a number
/// only when `Reported`. Precedence, highest first: in a district, state level only, not
/// reporting; "no data" is decided where the value is read (no row that day, or nothing left
/// to average).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Reported,
    NotReporting,
    StateLevelOnly,
    InDistrict,
    NoData,
}

impl Status {
    /// The open-data spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::NotReporting => "not_reporting",
            Status::StateLevelOnly => "state_level_only",
            Status::InDistrict => "in_district",
            Status::NoData => "no_data",
        }
    }
    /// What pages say instead of a number.
    pub fn label(self) -> &'static str {
        match self {
            Status::Reported => "reported",
            Status::NotReporting => "not reporting",
            Status::StateLevelOnly => "reported at state level only",
            Status::InDistrict => "reported as part of a district",
            Status::NoData => "no data",
        }
    }
}

/// The thresholds of the not-reporting rule for one measure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SilentRule {
    /// A county's silent run counts when its parent's rate would have given it this many.
    pub expected: f64,
    /// Without a parent, any silent run of `SILENT_DAYS`+ to the end of the data after the
    /// first count is "stopped reporting" (cases: every place had cases in 2023; deaths: a
    /// small place with no deaths for a month is often true, so only the short-tail rule).
    pub long_tail: bool,
}

impl SilentRule {
    pub const CASES: SilentRule = SilentRule {
        expected: SILENT_EXPECTED,
        long_tail: true,
    };
    pub const DEATHS: SilentRule = SilentRule {
        expected: SILENT_EXPECTED_DEATHS,
        long_tail: false,
    };
}

/// A run of days a region did not report: `first..=last`, and the cases the parent's rate
/// would have given it (`None` for a country's silent tail).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SilentRun {
    pub first: usize,
    pub last: usize,
    pub expected: Option<f64>,
    /// A short run to the end of the data: the new cases a day over the `SILENT_DAYS` before.
    pub recent: Option<f64>,
}

/// Silent runs that count as "not reporting": no new value other than 0 for `SILENT_DAYS`+
/// days after the region's first case, while the parent's new values over the run, shared
/// out by `share` (region population / parent population), add up to at least
/// `SILENT_EXPECTED`. Without a parent (countries), a silent run counts only when it lasts to
/// the end of the data ("stopped reporting"). And a run of `TRAILING_SILENT_DAYS`+ to the end
/// of the data after an average of `TRAILING_MIN_MEAN`+ a day (`recent`: that average).
pub fn silent_runs(new: &[i64], parent: Option<(&[i64], f64)>, rule: SilentRule) -> Vec<SilentRun> {
    let n = new.len();
    let mut out = Vec::new();
    let mut seen_cases = false;
    let mut i = 0;
    while i < n {
        if new[i] != 0 {
            seen_cases |= new[i] > 0;
            i += 1;
            continue;
        }
        let s = i;
        while i < n && new[i] == 0 {
            i += 1;
        }
        let e = i - 1;
        // Before the first case a 0 is simply "no cases yet".
        if !seen_cases {
            continue;
        }
        let len = e - s + 1;
        let run = |expected, recent| SilentRun {
            first: s,
            last: e,
            expected,
            recent,
        };
        let long = if len < SILENT_DAYS {
            None
        } else {
            match parent {
                Some((p, share)) => {
                    let grew: i64 = p.iter().skip(s).take(len).sum();
                    let expected = grew as f64 * share;
                    (expected >= rule.expected).then(|| run(Some(expected), None))
                }
                None if e == n - 1 && rule.long_tail => Some(run(None, None)),
                None => None,
            }
        };
        let trailing = || {
            let before = &new[s.saturating_sub(SILENT_DAYS)..s];
            let mean = before.iter().sum::<i64>() as f64 / before.len().max(1) as f64;
            (e == n - 1 && len >= TRAILING_SILENT_DAYS && mean >= TRAILING_MIN_MEAN)
                .then(|| run(None, Some(mean)))
        };
        out.extend(long.or_else(trailing));
    }
    out
}

/// Per day: inside a not-reporting run (see `silent_runs`).
pub fn not_reporting(new: &[i64], parent: Option<(&[i64], f64)>) -> Vec<bool> {
    let mut out = vec![false; new.len()];
    for r in silent_runs(new, parent, SilentRule::CASES) {
        out[r.first..=r.last].fill(true);
    }
    out
}

/// Runs of equal values: `(first, last)` index pairs covering the slice.
pub fn equal_runs(v: &[i64]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for i in 1..=v.len() {
        if i == v.len() || v[i] != v[s] {
            out.push((s, i - 1));
            s = i;
        }
    }
    out
}

/// Runs of `true`: `(first, last)` index pairs.
pub fn true_runs(mask: impl IntoIterator<Item = bool>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut last = 0;
    for (i, m) in mask.into_iter().enumerate() {
        match (m, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i - 1));
                start = None;
            }
            _ => {}
        }
        last = i;
    }
    if let Some(s) = start {
        out.push((s, last));
    }
    out
}

/// Share of a scope's total that is not drawn, when it is worth saying (more than 1 %):
/// `(unmapped, share 0..1)`.
pub fn unmapped_share(unmapped: f64, total: f64) -> Option<(f64, f64)> {
    if total.is_nan() || total <= 0.0 || !unmapped.is_finite() {
        return None;
    }
    let share = unmapped / total;
    (share > 0.01).then_some((unmapped, share))
}

/// Loads the JHU files in `dir` (`data::load`) and assesses them: the dataset every build
/// stage reads.
pub fn load(
    dir: &std::path::Path,
    diag: &mut crate::diag::Diagnostics,
) -> anyhow::Result<Assessed> {
    Ok(assess::apply(crate::data::load(dir, diag)?))
}

#[cfg(test)]
mod tests;
