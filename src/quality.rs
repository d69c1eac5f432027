//! Data-quality rules (docs/method.md, "What the numbers leave out"): when recovered counts
//! as reported, which days are reporting anomalies, when a region is not reporting.
//!
//! Pure functions on plain slices of one region's daily values; no I/O and no knowledge of
//! regions, files or pictures. `quality::assess` (in `quality/assess.rs`) applies them to a
//! whole dataset. Every threshold is a named constant here so the docs can quote it.

pub mod assess;
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
/// A day is a dump when it is larger than this share of the sum of its neighbourhood…
pub const DUMP_SHARE: f64 = 0.5;
/// …in a series that reports (non-zero) on at least this many of those neighbouring days.
pub const DUMP_MIN_REPORT_DAYS: usize = 4;
/// Smallest dump, in confirmed cases (deaths: `DUMP_MIN_DEATHS`).
pub const DUMP_MIN_CONFIRMED: i64 = 100;
pub const DUMP_MIN_DEATHS: i64 = 10;

/// No new cases for at least this many days is a silent run.
pub const SILENT_DAYS: usize = 28;
/// A silent run is "not reporting" when the parent's new cases over it, shared out by
/// population, would have given the region at least this many cases.
pub const SILENT_EXPECTED: f64 = 100.0;
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
    /// One day is larger than half of the four weeks around it together (a backlog).
    Dump,
}

impl Anomaly {
    pub fn as_str(self) -> &'static str {
        match self {
            Anomaly::Seam => "source seam",
            Anomaly::Negative => "negative correction",
            Anomaly::Dump => "single-day dump",
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

/// Anomalous days of a new-per-day series. `seam` is the index of a known source break (its
/// value mixes revisions with new cases); `min_dump` is `DUMP_MIN_CONFIRMED`/`_DEATHS`.
pub fn anomalies(new: &[i64], seam: Option<usize>, min_dump: i64) -> Vec<Option<Anomaly>> {
    let n = new.len();
    // Prefix sums of values and of reporting days make each neighbourhood O(1).
    let mut sum = vec![0i64; n + 1];
    let mut days = vec![0usize; n + 1];
    for (i, &v) in new.iter().enumerate() {
        sum[i + 1] = sum[i] + v;
        days[i + 1] = days[i] + usize::from(v != 0);
    }
    (0..n)
        .map(|i| {
            let v = new[i];
            if seam == Some(i) {
                return Some(Anomaly::Seam);
            }
            // The first day is the cumulative count itself, not a correction or a dump.
            if i == 0 {
                return None;
            }
            if v < 0 {
                return Some(Anomaly::Negative);
            }
            let lo = i.saturating_sub(DUMP_SPAN);
            let hi = (i + DUMP_SPAN + 1).min(n);
            let around = sum[hi] - sum[lo] - v;
            let reporting = days[hi] - days[lo] - 1;
            let dump = v >= min_dump
                && reporting >= DUMP_MIN_REPORT_DAYS
                && v as f64 > DUMP_SHARE * around as f64;
            dump.then_some(Anomaly::Dump)
        })
        .collect()
}

/// The mean of the last `n` days of `new` with anomalous days left out (NaN when all are):
/// the "new per day, last 7 days" of key figures, tables and `latest`, by the same rule as the
/// moving averages and the heat maps.
pub fn recent_mean(new: &[i64], flags: &[Option<Anomaly>], n: usize) -> f64 {
    let from = new.len().saturating_sub(n);
    let kept: Vec<i64> = (from..new.len())
        .filter(|&i| flags.get(i).is_none_or(|f| f.is_none()))
        .map(|i| new[i])
        .collect();
    if kept.is_empty() {
        return f64::NAN;
    }
    kept.iter().sum::<i64>() as f64 / kept.len() as f64
}

/// A copy of `new` as f64 with anomalous days set to NaN, for the moving averages (which skip
/// NaN, so an excluded day takes the mean of the days around it).
pub fn without_anomalies(new: &[i64], flags: &[Option<Anomaly>]) -> Vec<f64> {
    new.iter()
        .zip(flags.iter().chain(std::iter::repeat(&None)))
        .map(|(&v, f)| if f.is_some() { f64::NAN } else { v as f64 })
        .collect()
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
pub fn silent_runs(new: &[i64], parent: Option<(&[i64], f64)>) -> Vec<SilentRun> {
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
                    (expected >= SILENT_EXPECTED).then(|| run(Some(expected), None))
                }
                None if e == n - 1 => Some(run(None, None)),
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
    for r in silent_runs(new, parent) {
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

#[cfg(test)]
mod tests;
