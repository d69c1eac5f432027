//! Derived series (docs/method.md §1.3): new per day, active, per capita, moving averages.
//!
//! Plain slices in, plain `Vec`s out; no I/O and no knowledge of regions or files.

use serde::{Deserialize, Serialize};

use crate::quality::{Anomaly, Status, assess::RegionQuality};

/// What is counted: the measures every view of the data is made of. With [`Mode`], [`Unit`]
/// and [`Scale`], the one vocabulary of heat maps, compare pages and charts. File names and
/// URL keys keep their spellings: heat maps use the short ones (`abs`, `pc`, `lin`), compare
/// pages the long ones (`absolute`, `per100k`, `linear`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Confirmed,
    Deaths,
    Recovered,
    Active,
}

impl Measure {
    pub(crate) const ALL: [Measure; 4] = [
        Measure::Confirmed,
        Measure::Deaths,
        Measure::Recovered,
        Measure::Active,
    ];
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Measure::Confirmed => "confirmed",
            Measure::Deaths => "deaths",
            Measure::Recovered => "recovered",
            Measure::Active => "active",
        }
    }
    pub(crate) fn label(self) -> &'static str {
        match self {
            Measure::Confirmed => "Confirmed cases",
            Measure::Deaths => "Deaths",
            Measure::Recovered => "Recovered",
            Measure::Active => "Active cases",
        }
    }
    /// What a count of this measure counts, in running text ("807 cases per day").
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Measure::Confirmed => "cases",
            Measure::Deaths => "deaths",
            Measure::Recovered => "recovered",
            Measure::Active => "active cases",
        }
    }
    /// Recovered and active exist only while recovered was published.
    pub(crate) fn needs_recovered(self) -> bool {
        matches!(self, Measure::Recovered | Measure::Active)
    }
}

/// The cumulative total, or new per day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Total,
    New,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Total => "total",
            Mode::New => "new",
        }
    }
}

/// Absolute counts, or per capita (per [`PER_CAPITA_BASE`] people).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Absolute,
    PerCapita,
}

impl Unit {
    /// Heat-map file names: `abs`, `pc`.
    pub(crate) fn short(self) -> &'static str {
        match self {
            Unit::Absolute => "abs",
            Unit::PerCapita => "pc",
        }
    }
    /// Compare keys: `absolute`, `per100k`.
    pub(crate) fn long(self) -> &'static str {
        match self {
            Unit::Absolute => "absolute",
            Unit::PerCapita => "per100k",
        }
    }
}

/// A linear or a logarithmic scale (an axis, or a map's colour classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    Linear,
    Log,
}

impl Scale {
    /// Heat-map file names: `lin`, `log`.
    pub(crate) fn short(self) -> &'static str {
        match self {
            Scale::Linear => "lin",
            Scale::Log => "log",
        }
    }
    /// Compare keys: `linear`, `log`.
    pub(crate) fn long(self) -> &'static str {
        match self {
            Scale::Linear => "linear",
            Scale::Log => "log",
        }
    }
}

/// Per-capita values are per this many people unless `measures.per_capita` says otherwise
/// (heat-map images and compare charts always use it).
pub(crate) const PER_CAPITA_BASE: u64 = 100_000;
/// Default moving-average window in days.
pub(crate) const DEFAULT_WINDOW: usize = 7;
/// One case per this many people: the day compare charts align regions on ("days since 1
/// case per 10,000 people"), in the precomputed charts and in compare.js (`align_per`).
pub(crate) const ALIGN_PER: f64 = 10_000.0;
/// Allowed moving-average windows.
pub(crate) const WINDOW_RANGE: std::ops::RangeInclusive<usize> = 1..=28;

/// Lives with the series it reads (data/), so quality/ can use it without importing measures.
pub use crate::data::new_per_day;

/// `active = confirmed − recovered − deaths`, 0 where that is negative; as long as `recovered`,
/// unknown (`None`) where recovered is.
pub(crate) fn active(
    confirmed: &[i64],
    deaths: &[i64],
    recovered: &[Option<i64>],
) -> Vec<Option<i64>> {
    recovered
        .iter()
        .zip(confirmed)
        .zip(deaths)
        .map(|((r, c), d)| r.map(|r| (c - r - d).max(0)))
        .collect()
}

/// Day-over-day difference of a cumulative series with unknown days: unknown where either
/// day is unknown (the first day is the value itself, as in `new_per_day`).
pub(crate) fn new_per_day_opt(cum: &[Option<i64>]) -> Vec<Option<i64>> {
    let mut prev = Some(0);
    cum.iter()
        .map(|&v| {
            let d = v.zip(prev).map(|(a, b)| a - b);
            prev = v;
            d
        })
        .collect()
}

/// Values as f64 with NaN for unknown days (charts draw NaN as a gap).
pub(crate) fn opt_to_f64(v: &[Option<i64>]) -> Vec<f64> {
    v.iter().map(|x| x.map_or(f64::NAN, |x| x as f64)).collect()
}

/// Trailing mean over the last `w` days (`i-w+1 ..= i`), `min_periods = 1`.
pub(crate) fn trailing_mean(v: &[f64], w: usize) -> Vec<f64> {
    window_mean(v, w.max(1) - 1, 0)
}

fn window_mean(v: &[f64], before: usize, after: usize) -> Vec<f64> {
    let n = v.len();
    // Prefix sums of values and of counts make every window O(1).
    let mut sum = vec![0.0f64; n + 1];
    let mut cnt = vec![0usize; n + 1];
    for (i, &x) in v.iter().enumerate() {
        let ok = !x.is_nan();
        sum[i + 1] = sum[i] + if ok { x } else { 0.0 };
        cnt[i + 1] = cnt[i] + usize::from(ok);
    }
    (0..n)
        .map(|i| {
            let lo = i.saturating_sub(before);
            let hi = (i + after + 1).min(n);
            let c = cnt[hi] - cnt[lo];
            if c == 0 {
                f64::NAN
            } else {
                (sum[hi] - sum[lo]) / c as f64
            }
        })
        .collect()
}

/// `value × per / population`; `None` without a (positive) population.
pub(crate) fn per_capita(value: f64, population: Option<u64>, per: f64) -> Option<f64> {
    population
        .filter(|&p| p > 0)
        .map(|p| value * per / p as f64)
}

pub(crate) fn to_f64(v: &[i64]) -> Vec<f64> {
    v.iter().map(|&x| x as f64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x - y).abs() < 1e-9, "{a:?} != {b:?}");
        }
    }

    #[test]
    fn new_keeps_first_value_and_negative_corrections() {
        assert_eq!(
            new_per_day(&[444, 444, 549, 540, 600]),
            vec![444, 0, 105, -9, 60]
        );
        assert_eq!(new_per_day(&[]), Vec::<i64>::new());
    }

    #[test]
    fn active_is_clipped_at_zero_and_as_long_as_recovered() {
        assert_eq!(
            active(
                &[10, 20, 30, 40],
                &[1, 2, 3, 4],
                &[Some(5), Some(25), Some(7)]
            ),
            vec![Some(4), Some(0), Some(20)]
        );
        // Unknown recovered: unknown active.
        assert_eq!(
            active(&[10, 20], &[1, 2], &[Some(5), None]),
            vec![Some(4), None]
        );
    }

    #[test]
    fn new_per_day_with_unknown_days() {
        assert_eq!(
            new_per_day_opt(&[Some(4), Some(6), None, Some(9), Some(12)]),
            vec![Some(4), Some(2), None, None, Some(3)]
        );
        let f = opt_to_f64(&[Some(1), None]);
        assert_eq!(f[0], 1.0);
        assert!(f[1].is_nan());
    }

    #[test]
    fn trailing_mean_skips_unknown_days() {
        // Day 1 unknown: day 2's 3-day window averages days 0 and 2 only.
        close(&trailing_mean(&[1., f64::NAN, 3.], 3), &[1., 1., 2.]);
    }

    #[test]
    fn trailing_mean_min_periods_1() {
        close(&trailing_mean(&[7., 0., 14., 7.], 3), &[7., 3.5, 7., 7.]);
    }

    #[test]
    fn per_capita_needs_population() {
        assert_eq!(per_capita(50.0, Some(1_000_000), 100_000.0), Some(5.0));
        assert_eq!(per_capita(50.0, None, 100_000.0), None);
        assert_eq!(per_capita(50.0, Some(0), 100_000.0), None);
    }
}

/// One measure's new values as every page, map and file shows them: the one definition of
/// "new per day, N-day average" (docs/data-rules.md §4–5).
#[derive(Debug, Clone)]
pub struct NewSeries {
    /// The daily values that enter the averages: reports spread over the days they cover,
    /// NaN where a day is left out or unknown (`quality::cadence`).
    pub smoothed: Vec<f64>,
    /// Trailing mean over the last `window` days (`i-window+1 ..= i`) of `smoothed`, unknown
    /// days skipped; NaN where the status is not `Reported`.
    pub mean: Vec<f64>,
    /// Per day: what the value is (a number only when `Reported`; `NoData` where nothing was
    /// left to average).
    pub status: Vec<Status>,
}

/// The new series of cases (`deaths` false) or deaths of a region from its cumulative counts.
pub fn new_series(cum: &[i64], q: &RegionQuality, deaths: bool, window: usize) -> NewSeries {
    let new = new_per_day(cum);
    let smoothed = q.of(deaths).smoothed(&new);
    // Rounded once, here, to the hundredths the site prints and publishes: every page, map,
    // file and script shows this very number.
    let mut mean: Vec<f64> = trailing_mean(&smoothed, window)
        .into_iter()
        .map(|m| (m * 100.0).round() / 100.0)
        .collect();
    let status: Vec<Status> = (0..new.len())
        .map(|i| match q.status(deaths, i) {
            Status::Reported if mean[i].is_nan() => Status::NoData,
            s => s,
        })
        .collect();
    for (m, st) in mean.iter_mut().zip(&status) {
        if *st != Status::Reported {
            *m = f64::NAN;
        }
    }
    NewSeries {
        smoothed,
        mean,
        status,
    }
}

/// All derived series of one region, aligned with its `Series` dates.
#[derive(Debug, Clone)]
pub struct Derived {
    /// True day-over-day values (negatives and anomalies kept).
    pub new_confirmed: Vec<i64>,
    pub new_deaths: Vec<i64>,
    /// As long as the published recovered series (`None` where not published); a day is
    /// `None` where recovered is unknown (docs/data-rules.md §1).
    pub active: Option<Vec<Option<i64>>>,
    pub new_recovered: Option<Vec<Option<i64>>>,
    pub new_active: Option<Vec<Option<i64>>>,
    /// Per day: why `new_confirmed` / `new_deaths` is not used as it is (docs/data-rules.md
    /// §4). Charts mark them.
    pub anomalies_confirmed: Vec<Option<Anomaly>>,
    pub anomalies_deaths: Vec<Option<Anomaly>>,
    /// Smoothed values, trailing means and statuses of new cases and new deaths.
    pub cases: NewSeries,
    pub deaths: NewSeries,
}

impl Derived {
    /// The trailing means (what charts, cards, tables and files show).
    pub fn ma_confirmed(&self) -> &[f64] {
        &self.cases.mean
    }
    pub fn ma_deaths(&self) -> &[f64] {
        &self.deaths.mean
    }
}

pub fn derive(s: &crate::data::Series, q: &RegionQuality, window: usize) -> Derived {
    let new_confirmed = new_per_day(&s.confirmed);
    let new_deaths = new_per_day(&s.deaths);
    let active = s
        .recovered
        .as_ref()
        .map(|r| active(&s.confirmed, &s.deaths, r));
    let new_recovered = s.recovered.as_deref().map(new_per_day_opt);
    let new_active = active.as_deref().map(new_per_day_opt);
    Derived {
        new_confirmed,
        new_deaths,
        active,
        new_recovered,
        new_active,
        anomalies_confirmed: q.confirmed.anomalies.clone(),
        anomalies_deaths: q.deaths.anomalies.clone(),
        cases: new_series(&s.confirmed, q, false, window),
        deaths: new_series(&s.deaths, q, true, window),
    }
}
