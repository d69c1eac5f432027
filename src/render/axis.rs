//! Axis maths: nice linear ranges and ticks, log decades, day and date ticks, and the
//! plotters axis whose ticks are exactly those. Used by the line charts and the bar axis.

use chrono::{Datelike, Duration, NaiveDate};

use super::format::si;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};

pub(crate) fn transform(v: f64, log: bool) -> f64 {
    if log {
        if v > 0.0 { v.log10() } else { f64::NAN }
    } else {
        v
    }
}

/// Decades shown at most on a log axis: below that, values are gaps.
pub(crate) const LOG_DECADES: f64 = 6.0;

/// A log axis over `lo..hi` (log10 values): whole decades, at most [`LOG_DECADES`] of them
/// (the top ones); (low, high, ticks).
pub fn log_range(lo: f64, hi: f64) -> (f64, f64, Vec<f64>) {
    let b = hi.ceil().max(lo.floor() + 1.0);
    let a = lo.floor().max(b - LOG_DECADES);
    let ticks: Vec<f64> = (a as i32..=b as i32).map(f64::from).collect();
    (a, b, ticks)
}

/// The x ticks of a panel `panel_w` px wide in a layout of text scale `k`: days since day 0
/// (`start` None), or dates from `start`.
pub fn x_keys(start: Option<NaiveDate>, days: usize, panel_w: u32, k: f64) -> Vec<f64> {
    let px = |v: f64| (v * k).round() as usize;
    let w = panel_w as usize;
    match start {
        None => day_ticks(days - 1, (w / px(70.0)).max(2)),
        Some(start) => date_ticks(start, days, (w / px(95.0)).max(2))
            .iter()
            .map(|t| t.0)
            .collect(),
    }
}

/// Whether date ticks are a year apart: they then say only the year ("2021", not "Jan
/// 2021": room on a phone).
pub fn yearly(keys: &[f64]) -> bool {
    keys.len() > 1 && keys.windows(2).all(|w| w[1] - w[0] >= 365.0)
}

/// A date tick's label on an axis of `days` days.
pub fn date_label(d: NaiveDate, days: usize, yearly: bool) -> String {
    if yearly {
        d.format("%Y").to_string()
    } else if days > 120 {
        d.format("%b %Y").to_string()
    } else {
        d.format("%-d %b").to_string()
    }
}

/// A y tick's label (`y` in axis space: log10 of the value on a log axis).
pub fn y_label(y: f64, log: bool) -> String {
    if !log {
        return si(y);
    }
    let v = 10f64.powf(y);
    if v < 1.0 {
        // Decades below 1 in full ("0.001"): `si` rounds them to "0", which a log axis
        // cannot show.
        let d = (-v.log10()).round().max(0.0) as usize;
        format!("{v:.d$}")
    } else {
        si(v)
    }
}

/// About `max` tick positions at 1-2-5 steps over days `0..=last`.
pub fn day_ticks(last: usize, max: usize) -> Vec<f64> {
    let last = last.max(1) as f64;
    let raw = last / max.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| (m * mag).max(1.0))
        .find(|s| last / s <= max as f64)
        .unwrap_or(10.0 * mag);
    let n = (last / step).floor() as i64;
    (0..=n).map(|k| k as f64 * step).collect()
}

/// A linear f64 axis whose ticks are exactly `keys` (plotters' own key-point wrapper has no
/// label formatting, so the mesh could not be drawn with it).
#[derive(Clone, Debug)]
pub(crate) struct Axis {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) keys: Vec<f64>,
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = if self.hi > self.lo {
            self.hi - self.lo
        } else {
            1.0
        };
        let f = (v - self.lo) / span;
        limit.0 + (f * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.max_num_points() == 0 || hint.weight().allow_light_points() {
            return Vec::new();
        }
        self.keys.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// Consecutive runs of plottable points: finite in axis space and not below `floor` (the
/// axis minimum), so nothing is ever drawn on or under the axis.
pub(crate) fn segments(values: &[f64], log: bool, floor: f64) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (i, &v) in values.iter().enumerate() {
        let y = transform(v, log);
        if y.is_finite() && y >= floor - 1e-9 {
            cur.push((i as f64, y));
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A "nice" linear axis range and ticks (1-2-5 steps, about 5 ticks).
pub fn nice_range(lo: f64, hi: f64) -> (f64, f64, Vec<f64>) {
    let span = if hi > lo { hi - lo } else { 1.0 };
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let a = (lo / step).floor() * step;
    let b = (hi / step).ceil() * step;
    let b = if b <= a { a + step } else { b };
    let n = ((b - a) / step).round() as i64;
    let ticks = (0..=n).map(|k| a + k as f64 * step).collect();
    (a, b, ticks)
}

/// Tick positions (day index, date) at month starts, at most about `max` of them.
pub fn date_ticks(start: NaiveDate, days: usize, max: usize) -> Vec<(f64, NaiveDate)> {
    let max = max.max(1) as u32;
    let end = start + Duration::days(days as i64 - 1);
    let months = ((end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32)
        .max(0) as u32;
    if months < 2 {
        // Short ranges: weekly ticks.
        return (0..days)
            .step_by(7)
            .map(|i| (i as f64, start + Duration::days(i as i64)))
            .collect();
    }
    let every = [1u32, 2, 3, 6, 12]
        .into_iter()
        .find(|e| months / e <= max)
        .unwrap_or(12);
    let mut out = Vec::new();
    let (mut y, mut m) = (start.year(), start.month());
    loop {
        let d = NaiveDate::from_ymd_opt(y, m, 1).expect("valid month start");
        if d > end {
            break;
        }
        if d >= start && (m - 1) % every == 0 {
            out.push(((d - start).num_days() as f64, d));
        }
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn nice_ranges() {
        let (a, b, t) = nice_range(0.0, 937.0);
        assert_eq!((a, b), (0.0, 1000.0));
        assert_eq!(t, vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
        let (a, b, _) = nice_range(-30.0, 95.0);
        assert!(a <= -30.0 && b >= 95.0);
    }

    #[test]
    fn ticks_on_month_starts() {
        let t = date_ticks(d(2020, 1, 22), 1143, 6);
        assert!(
            t.iter()
                .all(|(_, d)| d.day() == 1 && (d.month() - 1) % 6 == 0)
        );
        assert_eq!(t[0].1, d(2020, 7, 1));
        assert_eq!(t[0].0, 161.0);
        let short = date_ticks(d(2021, 8, 1), 7, 6);
        assert_eq!(short.len(), 1);
    }

    #[test]
    fn log_segments_skip_non_positive_values() {
        let s = segments(
            &[1.0, 10.0, 0.0, -5.0, 100.0, f64::NAN, 1000.0],
            true,
            f64::NEG_INFINITY,
        );
        assert_eq!(
            s,
            vec![
                vec![(0.0, 0.0), (1.0, 1.0)],
                vec![(4.0, 2.0)],
                vec![(6.0, 3.0)]
            ]
        );
        let lin = segments(&[1.0, -5.0], false, f64::NEG_INFINITY);
        assert_eq!(lin, vec![vec![(0.0, 1.0), (1.0, -5.0)]]);
    }
}
