//! Reporting cadence (docs/data-rules.md §5): one rule that keeps every reported count in the
//! averages exactly once.
//!
//! Many places did not report every day: weekly or every two weeks, or a daily reporter
//! caught up after a few days without a report. A report that follows a run of zero days
//! counts the cases of those days, so, like the NYT's averages that keep a multi-day report
//! with the days it covers, it is spread evenly over the zero days and its own day. A frame
//! between two weekly reports then shows the weekly level, not 0, and the report day is not a
//! spike of seven days in one. What is truly not a count of that day's new cases stays out,
//! and the amount is disclosed: the 2020-12-22 source seam, negative corrections, counts moved
//! from a state's "Unassigned" row into its counties, and the backlog part of a day far above
//! the days around it (the UK's 847,371 on 2022-01-31).
//!
//! Pure functions on one region's new-per-day values; `quality::assess` applies them.

use super::{Anomaly, DUMP_MIN_REPORT_DAYS, DUMP_SPAN, SILENT_DAYS, TRAILING_SILENT_DAYS};

/// A run of at most this many zero days ended by a report is spread over (a report at least
/// every four weeks). A longer run is judged by the not-reporting rules (§3) instead.
pub const SPREAD_MAX_GAP: usize = SILENT_DAYS - 1;
/// A short silent tail at the end of the data is "not in yet" (unknown, not 0) when the place
/// averaged at least this many reports a day over the `SILENT_DAYS` days before it; a quiet
/// place keeps its zeros there.
pub const PENDING_MIN_MEAN: f64 = 1.0;
/// A day above this multiple of the median of the `DUMP_SPAN` days on each side (after
/// spreading) is a backlog: the excess over that median is left out of the averages.
pub const DUMP_RATIO: f64 = 5.0;
/// Such a day that recurs `BATCH_MIN_GAP` to `DUMP_SPAN` days after (or before) another is a
/// periodic batch, not a backlog: the place sends small provisional counts daily and the
/// full count every week or two (Florida in 2022–23: ~800 a day, then ~46,000 every 14
/// days). The batch is added evenly to the days since the previous one.
pub const BATCH_MIN_GAP: usize = 5;

/// One measure of one region after the cadence rule: what the averages are made of.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Smoothed {
    /// Per day: the value that enters the averages. NaN where the day is left out (seam,
    /// correction, moved counts) or its report is not in yet (`pending`).
    pub values: Vec<f64>,
    /// Per day: why the day's reported value is not used as it is (None = used as is, or
    /// spread: see `spreads`).
    pub anomalies: Vec<Option<Anomaly>>,
    /// Reports spread over the zero days before them: `(first zero day, report day)`.
    pub spreads: Vec<(usize, usize)>,
    /// Periodic batches added evenly to the days they cover: `(first day, batch day)`.
    pub batches: Vec<(usize, usize)>,
    /// What is left out of the averages, per day: `(day, amount)`, amount > 0.
    pub left_out: Vec<(usize, f64)>,
    /// First day of a short silent tail after steady reports (< `TRAILING_SILENT_DAYS` days):
    /// the report that covers it is not in yet, so those days are unknown, not 0.
    pub pending: Option<usize>,
}

/// What `smooth` decided, borrowed: all `values` needs to rebuild the series (the quality
/// facts keep these, not the values, so the dataset stays small).
#[derive(Clone, Copy, Debug)]
pub struct Decided<'a> {
    pub anomalies: &'a [Option<Anomaly>],
    pub spreads: &'a [(usize, usize)],
    pub batches: &'a [(usize, usize)],
    pub left_out: &'a [(usize, f64)],
    pub pending: Option<usize>,
}

impl Smoothed {
    pub fn decided(&self) -> Decided<'_> {
        Decided {
            anomalies: &self.anomalies,
            spreads: &self.spreads,
            batches: &self.batches,
            left_out: &self.left_out,
            pending: self.pending,
        }
    }
}

/// Inputs of the rule besides the values.
#[derive(Clone, Copy, Debug, Default)]
pub struct Known<'a> {
    /// The source seam's day (its value mixes revisions with new counts).
    pub seam: Option<usize>,
    /// Smallest backlog worth leaving out (`DUMP_MIN_CONFIRMED` / `DUMP_MIN_DEATHS`).
    pub min_dump: i64,
    /// Days whose positive value was moved in from the state's "Unassigned" row.
    pub moved: &'a [usize],
    /// Days already known to be unreported (not reporting, state level only): NaN, never
    /// spread over.
    pub silent: &'a [bool],
}

/// Mean of the reports (positive values) over the `SILENT_DAYS` days before day `s` (fewer at
/// the start): how much the place was reporting. A correction does not make it quiet (Alaska's
/// −1,893 on 2022-11-08 hid its weekly ~400 from a plain mean).
fn mean_before(new: &[i64], s: usize) -> f64 {
    let before = &new[s.saturating_sub(SILENT_DAYS)..s];
    before.iter().map(|&v| v.max(0)).sum::<i64>() as f64 / before.len().max(1) as f64
}

/// The reports to spread: `(first day of the run, report day)` for every run of 1 to
/// `SPREAD_MAX_GAP` days without a positive value (zeros, and corrections, which stay out)
/// after the first positive value, ended by a positive report that is not a known anomaly.
/// The report is spread over the run's zero days and its own (`fill`). Whatever the level:
/// from the data alone a small place's weekly report of 3 cannot be told from 3 cases on one
/// day after 6 quiet ones, and both are counted once either way; spreading stops a small
/// place flickering between 0 and a one-week spike from frame to frame.
pub fn spread_runs(new: &[i64], k: &Known) -> Vec<(usize, usize)> {
    let n = new.len();
    let silent = |i: usize| k.silent.get(i).copied().unwrap_or(false);
    let reportable = |i: usize| !silent(i) && k.seam != Some(i) && !k.moved.contains(&i);
    let mut out = Vec::new();
    let mut seen = false;
    let mut i = 0;
    while i < n {
        // The seam's value is left out whole, so no run covers it (its share would be lost).
        if new[i] > 0 || silent(i) || k.seam == Some(i) {
            seen |= new[i] > 0;
            i += 1;
            continue;
        }
        let s = i;
        while i < n && new[i] <= 0 && !silent(i) && k.seam != Some(i) {
            i += 1;
        }
        let r = i; // the day after the run
        let ok = seen
            && r < n
            && new[r] > 0
            && r - s <= SPREAD_MAX_GAP
            && new[s..r].contains(&0)
            && reportable(r);
        // Two reports on consecutive days after the run, then nothing again, are one catch-up
        // (Florida: provisional and county counts on 2023-03-02 and 03-03).
        let e = if r + 1 < n
            && new.get(r + 1).is_some_and(|&v| v > 0)
            && new.get(r + 2).is_some_and(|&v| v <= 0)
            && reportable(r + 1)
        {
            r + 1
        } else {
            r
        };
        if ok {
            out.push((s, e));
            i = e + 1;
        }
    }
    out
}

/// Spreads each report (or two-day catch-up) evenly over the zero days of its run and its
/// own days; corrections in the run keep their value (they are left out as anomalies).
pub fn fill(new: &[i64], spreads: &[(usize, usize)], v: &mut [f64]) {
    for &(s, e) in spreads {
        let span = &new[s..=e];
        let total: i64 = span.iter().filter(|&&x| x > 0).sum();
        let days = span.iter().filter(|&&x| x >= 0).count();
        let each = total as f64 / days as f64;
        for i in s..=e {
            if new[i] >= 0 {
                v[i] = each;
            }
        }
    }
}

/// The values before the anomaly rules: unknown (silent) days NaN, reports spread, a pending
/// tail NaN.
fn base(
    new: &[i64],
    silent: &[bool],
    spreads: &[(usize, usize)],
    pending: Option<usize>,
) -> Vec<f64> {
    let mut v: Vec<f64> = new
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            if silent.get(i).copied().unwrap_or(false) {
                f64::NAN
            } else {
                x as f64
            }
        })
        .collect();
    fill(new, spreads, &mut v);
    if let Some(p) = pending {
        v[p..].fill(f64::NAN);
    }
    v
}

/// The values that enter the averages, rebuilt from what `smooth` decided.
pub fn values(new: &[i64], silent: &[bool], s: Decided) -> Vec<f64> {
    let mut v = base(new, silent, s.spreads, s.pending);
    add_batches(new, s.batches, s.anomalies, &mut v);
    for (i, a) in s.anomalies.iter().enumerate() {
        if a.is_some() && *a != Some(Anomaly::Dump) {
            v[i] = f64::NAN;
        }
    }
    for &(i, amount) in s.left_out {
        if s.anomalies[i] == Some(Anomaly::Dump) {
            v[i] -= amount;
        }
    }
    v
}

/// Adds each batch evenly to the days it covers (those with a value of their own, not a
/// correction), the batch day keeping only its share.
fn add_batches(
    new: &[i64],
    batches: &[(usize, usize)],
    anomalies: &[Option<Anomaly>],
    v: &mut [f64],
) {
    for &(a, b) in batches {
        // Not onto days that are left out (seam, moved) or unknown.
        let counted =
            |i: usize| matches!(anomalies.get(i), None | Some(None | Some(Anomaly::Dump)));
        let days: Vec<usize> = (a..b)
            .filter(|&i| new[i] >= 0 && !v[i].is_nan() && counted(i))
            .collect();
        let each = new[b] as f64 / (days.len() + 1) as f64;
        for i in days {
            v[i] += each;
        }
        v[b] = each;
    }
}

/// The periodic batches among the days far above their neighbours (`big`, ascending): a big
/// day with another `BATCH_MIN_GAP`..=`DUMP_SPAN` days before it covers the days since that
/// one; the first of a series covers as many days as the gap to the next.
fn batches(big: &[usize], n: usize) -> Vec<(usize, usize)> {
    let period = |g: usize| (BATCH_MIN_GAP..=DUMP_SPAN).contains(&g);
    let mut out = Vec::new();
    for (k, &i) in big.iter().enumerate() {
        let before = k.checked_sub(1).map(|j| i - big[j]).filter(|&g| period(g));
        let after = big.get(k + 1).map(|&j| j - i).filter(|&g| period(g));
        if let Some(g) = before.or(after) {
            let a = (i + 1).saturating_sub(g).max(1);
            if a < i && i < n {
                out.push((a, i));
            }
        }
    }
    out
}

/// A silent tail of 1 to `TRAILING_SILENT_DAYS - 1` zero days after steady reports: its
/// first day (the report that covers it is not in yet).
fn pending_tail(new: &[i64], silent: &[bool]) -> Option<usize> {
    let n = new.len();
    let s = (0..n).rev().take_while(|&i| new[i] == 0).last()?;
    let len = n - s;
    let quiet = silent.get(s).copied().unwrap_or(false);
    (len < TRAILING_SILENT_DAYS && !quiet && s > 0 && mean_before(new, s) >= PENDING_MIN_MEAN)
        .then_some(s)
}

/// Runs of a US state's days whose counts sat in its "Unassigned" row: `SILENT_DAYS`+ days
/// after the counties' first count with no new count in any county (`counties_new`: the
/// largest new value of any county, per day) while the "Unassigned" row's total (`unassigned`) grew by at least
/// `min_growth`. Shorter runs are a weekly or biweekly cadence and are spread (Florida kept
/// its provisional cases there between reports).
pub fn state_level_runs(
    counties_new: &[i64],
    unassigned: &[i64],
    min_growth: f64,
) -> Vec<(usize, usize)> {
    let n = counties_new.len().min(unassigned.len());
    let mut out = Vec::new();
    let Some(first) = counties_new.iter().position(|&v| v > 0) else {
        return out;
    };
    let mut i = first + 1;
    while i < n {
        if counties_new[i] > 0 {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && counties_new[i] <= 0 {
            i += 1;
        }
        let e = i - 1;
        let grew = unassigned[e] - unassigned[s - 1];
        if e - s + 1 >= SILENT_DAYS && grew as f64 >= min_growth {
            out.push((s, e));
        }
    }
    out
}

/// Median of the known values of `v` in `lo..hi`, day `i` left out, and how many of them are
/// not 0.
fn neighbours(v: &[f64], i: usize) -> (f64, usize) {
    let lo = i.saturating_sub(DUMP_SPAN);
    let hi = (i + DUMP_SPAN + 1).min(v.len());
    let mut around: Vec<f64> = (lo..hi)
        .filter(|&j| j != i && !v[j].is_nan())
        .map(|j| v[j])
        .collect();
    let reporting = around.iter().filter(|&&x| x != 0.0).count();
    if around.is_empty() {
        return (f64::NAN, 0);
    }
    around.sort_by(f64::total_cmp);
    let m = around.len();
    let median = if m % 2 == 1 {
        around[m / 2]
    } else {
        (around[m / 2 - 1] + around[m / 2]) / 2.0
    };
    (median, reporting)
}

/// Applies the cadence rule to one measure's new-per-day values.
pub fn smooth(new: &[i64], k: &Known) -> Smoothed {
    let n = new.len();
    let silent = |i: usize| k.silent.get(i).copied().unwrap_or(false);
    let spreads = spread_runs(new, k);
    let pending = pending_tail(new, k.silent);
    // Flags are decided on the spread series, so a batch is no longer a "dump".
    let spread = base(new, k.silent, &spreads, pending);
    let mut anomalies = vec![None; n];
    let mut left_out = Vec::new();
    let mut big = Vec::new();
    for i in 1..n {
        if silent(i) {
            continue;
        }
        let v = new[i];
        let flag = if k.seam == Some(i) {
            Some(Anomaly::Seam)
        } else if v < 0 {
            Some(Anomaly::Negative)
        } else if v > 0 && k.moved.contains(&i) {
            Some(Anomaly::Moved)
        } else {
            None
        };
        if let Some(f) = flag {
            anomalies[i] = Some(f);
            if v > 0 {
                left_out.push((i, v as f64));
            }
            continue;
        }
        let x = spread[i];
        if x.is_nan() || x < k.min_dump as f64 {
            continue;
        }
        let (median, reporting) = neighbours(&spread, i);
        if reporting >= DUMP_MIN_REPORT_DAYS && x > DUMP_RATIO * median {
            big.push((i, x - median));
        }
    }
    // A big day that recurs every week or two is a batch; the others are backlogs (and so is
    // a spread report still far above the days around: its gap does not explain it).
    let in_spread = |i: usize| spreads.iter().any(|&(a, e)| (a..=e).contains(&i));
    let big_days: Vec<usize> = big.iter().map(|b| b.0).filter(|&i| !in_spread(i)).collect();
    let batches = batches(&big_days, n);
    for (i, excess) in big {
        if !batches.iter().any(|b| b.1 == i) {
            anomalies[i] = Some(Anomaly::Dump);
            left_out.push((i, excess));
        }
    }
    left_out.sort_by_key(|x| x.0);
    let mut s = Smoothed {
        values: Vec::new(),
        anomalies,
        spreads,
        batches,
        left_out,
        pending,
    };
    s.values = values(new, k.silent, s.decided());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(min_dump: i64) -> Known<'static> {
        Known {
            min_dump,
            ..Known::default()
        }
    }

    fn sum(v: &[f64]) -> f64 {
        v.iter().filter(|x| !x.is_nan()).sum()
    }

    #[test]
    fn a_weekly_report_is_spread_over_its_week() {
        // 28 days of 7 a day (mean 7 ≥ 1), then a weekly reporter: six zeros and 70.
        let mut new = vec![7; 28];
        new.extend([0, 0, 0, 0, 0, 0, 70]);
        new.extend([0, 0, 0, 0, 0, 0, 35]);
        let s = smooth(&new, &k(100));
        assert_eq!(s.spreads, vec![(28, 34), (35, 41)]);
        assert!(s.values[28..35].iter().all(|&x| x == 10.0));
        assert!(s.values[35..42].iter().all(|&x| x == 5.0));
        assert!(s.anomalies.iter().all(Option::is_none));
        // Conservation: every case appears once.
        assert_eq!(sum(&s.values), new.iter().sum::<i64>() as f64);
    }

    #[test]
    fn a_daily_reporter_catching_up_after_zero_days() {
        // Harris County deaths 2021-10-13: ~20 a day, five zero days, then 191.
        let mut new = vec![20; 30];
        new.extend([0, 0, 0, 0, 0, 191]);
        new.extend([20; 10]);
        let s = smooth(&new, &k(10));
        assert_eq!(s.spreads, vec![(30, 35)]);
        // 191 over six days: 31.83 a day, under 5 × the median (20): no backlog.
        assert!((s.values[30] - 191.0 / 6.0).abs() < 1e-12);
        assert!(s.anomalies.iter().all(Option::is_none));
        assert!(s.left_out.is_empty());
    }

    #[test]
    fn a_small_place_reporting_now_and_then_is_spread_too() {
        // One case every ten days: each covers the nine zero days before it (0.1 a day), so
        // its 7-day average never drops to 0 between cases. A quiet tail stays 0 (not pending).
        let mut new: Vec<i64> = (0..60).map(|i| i64::from(i % 10 == 0)).collect();
        new.extend([0, 0, 0]);
        let s = smooth(&new, &k(100));
        assert_eq!(s.spreads.len(), 5);
        assert_eq!(s.values[5], 0.1);
        assert_eq!(s.pending, None);
        assert_eq!(s.values[61], 0.0);
    }

    #[test]
    fn a_run_with_a_correction_is_spread_over_its_zero_days() {
        // Alabama counties in 2021: zeros and negative corrections between reports. The
        // report (12) covers the three zero days and its own: 3 a day; the −2 stays out.
        let mut new = vec![5; 30];
        new.extend([0, -2, 0, 0, 12]);
        let s = smooth(&new, &k(100));
        assert_eq!(s.spreads, vec![(30, 34)]);
        assert_eq!(s.values[30], 3.0);
        assert!(s.values[31].is_nan());
        assert_eq!(&s.values[32..35], &[3.0, 3.0, 3.0]);
        assert_eq!(s.anomalies[31], Some(Anomaly::Negative));
    }

    #[test]
    fn a_two_day_catch_up_after_a_gap_is_one_report() {
        // Florida 2023-03-02/03: 13 zero days, then 11,514 and 46,170, then zeros: both
        // reports are spread together over the 15 days (3,845.6 a day), none is a backlog.
        let mut new = vec![3000; 30];
        new.extend([0; 13]);
        new.extend([11514, 46170, 0, 0]);
        let s = smooth(&new, &k(100));
        assert_eq!(s.spreads, vec![(30, 44)]);
        assert!((s.values[44] - 57684.0 / 15.0).abs() < 1e-9);
        assert!(s.left_out.is_empty());
    }

    #[test]
    fn a_long_silence_is_not_spread() {
        // 28 zero days are a not-reporting question (§3), not a reporting gap.
        let mut new = vec![50; 30];
        new.extend([0; 28]);
        new.push(1400);
        assert!(spread_runs(&new, &k(100)).is_empty());
    }

    #[test]
    fn a_backfill_without_a_gap_leaves_out_its_excess() {
        // 100 a day, then 1,000 on one day: 10 × the median (100) > 5: a backlog; 100 stays.
        let mut new = vec![100; 20];
        new.push(1000);
        new.extend([100; 20]);
        let s = smooth(&new, &k(100));
        assert_eq!(s.anomalies[20], Some(Anomaly::Dump));
        assert_eq!(s.values[20], 100.0);
        assert_eq!(s.left_out, vec![(20, 900.0)]);
        // Conservation: smoothed sum = raw positive sum − left out.
        assert_eq!(sum(&s.values), 41.0 * 100.0 + 900.0 - 900.0);
    }

    #[test]
    fn a_periodic_batch_on_top_of_small_daily_counts_is_added_to_its_days() {
        // Florida in 2022–23: ~10 provisional cases a day, the full count (700) every 14th
        // day. Each batch is far above its median (10) but recurs after 14 days: it is added
        // evenly to the 14 days it covers (50 a day on top of the 10), not left out.
        let mut new = Vec::new();
        for _ in 0..6 {
            new.extend([10; 13]);
            new.push(700);
        }
        let s = smooth(&new, &k(100));
        assert!(s.left_out.is_empty(), "{:?}", s.left_out);
        assert_eq!(s.batches.len(), 6);
        assert_eq!(s.values[20], 60.0);
        assert_eq!(s.values[27], 50.0);
        let total: i64 = new.iter().sum();
        assert!((sum(&s.values) - total as f64).abs() < 1e-6);
    }

    #[test]
    fn seam_corrections_and_moved_counts_are_left_out() {
        let mut new = vec![10; 20];
        new[5] = -4; // a correction
        new[8] = 300; // the seam
        new[12] = 40; // moved from "Unassigned"
        let kn = Known {
            seam: Some(8),
            min_dump: 100,
            moved: &[12],
            silent: &[],
        };
        let s = smooth(&new, &kn);
        assert_eq!(s.anomalies[5], Some(Anomaly::Negative));
        assert_eq!(s.anomalies[8], Some(Anomaly::Seam));
        assert_eq!(s.anomalies[12], Some(Anomaly::Moved));
        assert!(s.values[5].is_nan() && s.values[8].is_nan() && s.values[12].is_nan());
        assert_eq!(s.left_out, vec![(8, 300.0), (12, 40.0)]);
        let positive: i64 = new.iter().filter(|&&v| v > 0).sum();
        assert_eq!(sum(&s.values), positive as f64 - 340.0);
    }

    #[test]
    fn a_short_tail_after_steady_reports_is_pending() {
        // A weekly reporter whose next report is not in: its last three days are unknown.
        let mut new = vec![0; 1];
        for _ in 0..5 {
            new.extend([0, 0, 0, 0, 0, 0, 70]);
        }
        new.extend([0, 0, 0]);
        let s = smooth(&new, &k(100));
        let n = new.len();
        assert_eq!(s.pending, Some(n - 3));
        assert!(s.values[n - 3..].iter().all(|x| x.is_nan()));
        assert_eq!(s.values[n - 4], 10.0);
    }

    #[test]
    fn counts_held_at_state_level() {
        // Counties report 5 a day, then nothing for 30 days while "Unassigned" grows by 150
        // (≥ 100): a state-level-only run; then 10 days of 5 a day, and a 30-day pause with
        // "Unassigned" flat (a true lull): not one.
        let mut counties = vec![5i64; 10];
        counties.extend([0; 30]);
        counties.extend([5; 10]);
        counties.extend([0; 30]);
        let mut unassigned = vec![0i64; 10];
        unassigned.extend((1..=30).map(|i| i * 5));
        unassigned.extend([150; 40]);
        assert_eq!(
            state_level_runs(&counties, &unassigned, 100.0),
            vec![(10, 39)]
        );
        // Growth 145 < 150 asked: none.
        assert!(state_level_runs(&counties, &unassigned, 151.0).is_empty());
    }

    #[test]
    fn known_silent_days_are_unknown_and_never_spread_over() {
        let mut new = vec![30; 30];
        new.extend([0; 5]);
        new.push(300);
        let mut silent = vec![false; new.len()];
        silent[30..35].fill(true);
        let kn = Known {
            min_dump: 100,
            silent: &silent,
            ..Known::default()
        };
        let s = smooth(&new, &kn);
        assert!(s.spreads.is_empty());
        assert!(s.values[30..35].iter().all(|x| x.is_nan()));
    }
}
