//! Daily bars, drawn so that the picture agrees with the numbers.
//!
//! A region chart puts ~1,140 days into ~650 pixels: drawn as one rectangle per day, most bars
//! are narrower than a pixel and vanish, while the axis is still scaled to them. Here every
//! pixel column shows the largest (and the most negative) value of the days it covers, so a
//! single-day spike is never lost. The y range follows the bulk of the data: a few outlying
//! days (single-day dumps, big corrections) are clipped at the edge of the plot and labelled
//! with their value, and a small negative correction gets a sliver below zero, not a whole
//! tick. Days flagged as anomalies are drawn in grey and do not set the range.
//!
//! Knows nothing about regions: input is plain slices, output is pixels.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::si;

/// Grey for flagged days (anomalies) and the marks of clipped bars.
pub const FLAGGED: RGBColor = RGBColor(150, 150, 150);
const MARK: RGBColor = RGBColor(60, 60, 60);

/// Share of the days that may lie outside the robust range on each side.
const TAIL: f64 = 0.01;
/// Clip only when the outliers reach this far (× the robust span) beyond the robust range.
const CLIP_BEYOND: f64 = 0.5;
/// Below this many days a chart shows everything (too few days for a percentile).
const MIN_DAYS_FOR_CLIP: usize = 50;

/// A y axis for a bar panel (linear, in data units).
#[derive(Clone, Debug, PartialEq)]
pub struct BarAxis {
    pub lo: f64,
    pub hi: f64,
    pub ticks: Vec<f64>,
}

impl BarAxis {
    /// Whether a value lies outside the axis and is drawn clipped.
    pub fn clips(&self, v: f64) -> bool {
        v.is_finite() && (v > self.hi || v < self.lo)
    }
}

fn finite_extent(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let k = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[k]
}

/// The data range a bar panel shows: (lo, hi), lo ≤ 0 ≤ hi. Lines (moving averages) are
/// always inside it; bars beyond it are drawn clipped.
pub fn bar_range(bars: &[f64], flagged: Option<&[bool]>, lines: &[&[f64]]) -> (f64, f64) {
    let (line_lo, line_hi) = finite_extent(lines.iter().flat_map(|l| l.iter().copied()));
    let (full_lo, full_hi) = finite_extent(bars.iter().copied());
    let (full_lo, full_hi) = (full_lo.min(line_lo), full_hi.max(line_hi));
    let mut kept: Vec<f64> = bars
        .iter()
        .enumerate()
        .filter(|&(i, v)| v.is_finite() && flagged.is_none_or(|f| f.get(i) != Some(&true)))
        .map(|(_, &v)| v)
        .collect();
    if kept.len() < MIN_DAYS_FOR_CLIP {
        let (lo, hi) = finite_extent(kept.iter().copied());
        let lo = if flagged.is_some() {
            lo.min(line_lo)
        } else {
            full_lo
        };
        let hi = if flagged.is_some() {
            hi.max(line_hi)
        } else {
            full_hi
        };
        return (lo, hi);
    }
    kept.sort_by(f64::total_cmp);
    let r_hi = quantile(&kept, 1.0 - TAIL).max(line_hi).max(0.0);
    let r_lo = quantile(&kept, TAIL).min(line_lo).min(0.0);
    let span = (r_hi - r_lo).max(f64::MIN_POSITIVE);
    let hi = if full_hi > r_hi + CLIP_BEYOND * span {
        r_hi
    } else {
        full_hi
    };
    let lo = if full_lo < r_lo - CLIP_BEYOND * span {
        // Room for a visible stub of the clipped negative bars.
        r_lo.min(-0.04 * span)
    } else {
        full_lo
    };
    (lo, hi)
}

/// The axis for a bar panel: "nice" ticks over [`bar_range`], but a negative part smaller than
/// half a tick step gets only a small margin below zero instead of a tick of its own.
pub fn bar_axis(bars: &[f64], flagged: Option<&[bool]>, lines: &[&[f64]]) -> BarAxis {
    let (lo, hi) = bar_range(bars, flagged, lines);
    let (a, b, ticks) = super::axis::nice_range(lo.min(0.0), hi.max(0.0));
    let step = if ticks.len() > 1 {
        ticks[1] - ticks[0]
    } else {
        b - a
    };
    if lo < 0.0 && lo > -step / 2.0 {
        let y0 = lo - 0.02 * (b - lo);
        let ticks = ticks.into_iter().filter(|&t| t >= 0.0).collect();
        return BarAxis {
            lo: y0,
            hi: b,
            ticks,
        };
    }
    BarAxis {
        lo: a,
        hi: b,
        ticks,
    }
}

/// One pixel column of bars: the extremes of the days it covers, split into ordinary and
/// flagged days.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Column {
    pub max: f64,
    pub min: f64,
    pub flagged_max: f64,
    pub flagged_min: f64,
}

/// Bars per pixel column. `x_of(day ± 0.5)` maps a day's edges to pixels; a day covers at
/// least one column. Returns (first pixel, columns).
pub fn columns(
    values: &[f64],
    flagged: Option<&[bool]>,
    x_of: impl Fn(f64) -> i32,
) -> (i32, Vec<Column>) {
    let spans: Vec<(i32, i32)> = (0..values.len())
        .map(|i| {
            let a = x_of(i as f64 - 0.5);
            let b = x_of(i as f64 + 0.5);
            (a.min(b), a.max(b).max(a.min(b) + 1))
        })
        .collect();
    let Some(x0) = spans.iter().map(|s| s.0).min() else {
        return (0, Vec::new());
    };
    let x1 = spans.iter().map(|s| s.1).max().unwrap_or(x0);
    let mut cols = vec![Column::default(); (x1 - x0) as usize];
    for (i, (&v, &(a, b))) in values.iter().zip(&spans).enumerate() {
        if !v.is_finite() {
            continue;
        }
        let is_flagged = flagged.is_some_and(|f| f.get(i) == Some(&true));
        for c in &mut cols[(a - x0) as usize..(b - x0) as usize] {
            if is_flagged {
                c.flagged_max = c.flagged_max.max(v);
                c.flagged_min = c.flagged_min.min(v);
            } else {
                c.max = c.max.max(v);
                c.min = c.min.min(v);
            }
        }
    }
    (x0, cols)
}

/// A run of adjacent clipped columns: its pixel span and the most extreme value in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Clipped {
    pub x0: i32,
    pub x1: i32,
    pub value: f64,
    pub top: bool,
}

/// Groups the clipped columns (gaps of up to 2 pixels join a group).
pub fn clipped(x0: i32, cols: &[Column], axis: &BarAxis) -> Vec<Clipped> {
    let mut out: Vec<Clipped> = Vec::new();
    for top in [true, false] {
        for (k, c) in cols.iter().enumerate() {
            let v = if top {
                c.max.max(c.flagged_max)
            } else {
                c.min.min(c.flagged_min)
            };
            if !(if top { v > axis.hi } else { v < axis.lo }) {
                continue;
            }
            let x = x0 + k as i32;
            match out.last_mut() {
                Some(g) if g.top == top && x - g.x1 <= 2 => {
                    g.x1 = x;
                    g.value = if top { g.value.max(v) } else { g.value.min(v) };
                }
                _ => out.push(Clipped {
                    x0: x,
                    x1: x,
                    value: v,
                    top,
                }),
            }
        }
    }
    out
}

/// Pixel mapping of one panel: data → absolute pixels.
pub struct Frame<'m> {
    pub x_of: &'m dyn Fn(f64) -> i32,
    pub y_of: &'m dyn Fn(f64) -> i32,
    /// Plot area in absolute pixels: x range and y range (top < bottom).
    pub plot_x: (i32, i32),
    pub plot_y: (i32, i32),
    /// Draw each layer as polygons over runs of adjacent columns (for SVG: a few elements
    /// instead of one rectangle per pixel column) instead of one rectangle per column.
    pub polygons: bool,
}

type Root<DB> = DrawingArea<DB, plotters::coord::Shift>;
type DrawResult<T, DB> = Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// One colour layer of the bars: per pixel column, the filled pixel rows `top..=bottom`
/// (None: nothing in that column).
struct Layer {
    color: RGBColor,
    spans: Vec<Option<(i32, i32)>>,
}

impl Layer {
    fn new(color: RGBColor, n: usize) -> Self {
        Layer {
            color,
            spans: vec![None; n],
        }
    }

    fn set(&mut self, k: usize, y_a: i32, y_b: i32) {
        self.spans[k] = Some((y_a.min(y_b), y_a.max(y_b)));
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &Root<DB>,
        x0: i32,
        polygons: bool,
    ) -> DrawResult<(), DB> {
        let style = self.color.filled();
        if !polygons {
            for (k, s) in self.spans.iter().enumerate() {
                if let Some((top, bottom)) = *s {
                    let x = x0 + k as i32;
                    root.draw(&Rectangle::new([(x, top), (x + 1, bottom + 1)], style))?;
                }
            }
            return Ok(());
        }
        let mut k = 0;
        while k < self.spans.len() {
            if self.spans[k].is_none() {
                k += 1;
                continue;
            }
            let a = k;
            while k < self.spans.len() && self.spans[k].is_some() {
                k += 1;
            }
            root.draw(&Polygon::new(
                run_outline(x0 + a as i32, &self.spans[a..k]),
                style,
            ))?;
        }
        Ok(())
    }
}

/// The outline of adjacent filled columns starting at pixel `x`: along the tops left to
/// right, then along the bottoms back (pixel edges, so column `x` covers `x..x + 1`), with
/// no point where the edge goes straight on.
fn run_outline(x: i32, spans: &[Option<(i32, i32)>]) -> Vec<(i32, i32)> {
    let cols: Vec<(i32, i32)> = spans.iter().map(|s| s.unwrap_or((0, 0))).collect();
    let mut pts = Vec::new();
    let edge = |pts: &mut Vec<(i32, i32)>, xa: i32, xb: i32, y: i32| {
        // A horizontal edge from xa to xb at row y, joined to the last one by a vertical step.
        match pts.last() {
            Some(&(_, ly)) if ly == y => {
                pts.pop();
            }
            _ => pts.push((xa, y)),
        }
        pts.push((xb, y));
    };
    for (k, &(top, _)) in cols.iter().enumerate() {
        let xk = x + k as i32;
        edge(&mut pts, xk, xk + 1, top);
    }
    for (k, &(_, bottom)) in cols.iter().enumerate().rev() {
        let xk = x + k as i32;
        edge(&mut pts, xk + 1, xk, bottom + 1);
    }
    pts
}

/// Draws the bar columns onto `root` (a drawing area whose origin is the image's), clipped
/// to the axis, then marks the clipped groups with their value. Returns the clipped groups.
pub fn draw<DB: DrawingBackend>(
    root: &Root<DB>,
    values: &[f64],
    flagged: Option<&[bool]>,
    axis: &BarAxis,
    color: RGBColor,
    f: &Frame,
    font: FontDesc,
) -> DrawResult<Vec<Clipped>, DB> {
    let (x0, cols) = columns(values, flagged, f.x_of);
    let clamp = |v: f64| v.clamp(axis.lo, axis.hi);
    let y = |v: f64| (f.y_of)(clamp(v));
    let zero = y(0.0);
    // Up and down from zero in the bar colour, then the flagged days beyond them in grey.
    let mut layers = [
        Layer::new(color, cols.len()),
        Layer::new(color, cols.len()),
        Layer::new(FLAGGED, cols.len()),
        Layer::new(FLAGGED, cols.len()),
    ];
    for (k, c) in cols.iter().enumerate() {
        let x = x0 + k as i32;
        if x < f.plot_x.0 || x >= f.plot_x.1 {
            continue;
        }
        if c.max > 0.0 {
            layers[0].set(k, zero, y(c.max));
        }
        if c.min < 0.0 {
            layers[1].set(k, zero, y(c.min));
        }
        // Flagged days: only the part beyond the ordinary days, in grey.
        if c.flagged_max > c.max.max(0.0) {
            layers[2].set(k, y(c.max.max(0.0)), y(c.flagged_max));
        }
        if c.flagged_min < c.min.min(0.0) {
            layers[3].set(k, y(c.min.min(0.0)), y(c.flagged_min));
        }
    }
    for l in &layers {
        l.draw(root, x0, f.polygons)?;
    }
    let groups = clipped(x0, &cols, axis);
    mark_clipped(root, &groups, f, font)?;
    Ok(groups)
}

/// A dark cap on each clipped group and its value beside it; a label that would overlap the
/// previous one on the same edge is left out (the cap still shows).
fn mark_clipped<DB: DrawingBackend>(
    root: &Root<DB>,
    groups: &[Clipped],
    f: &Frame,
    font: FontDesc,
) -> DrawResult<(), DB> {
    let font = font.color(&MARK);
    for g in groups {
        let y = if g.top { f.plot_y.0 } else { f.plot_y.1 - 2 };
        root.draw(&Rectangle::new(
            [(g.x0 - 2, y), (g.x1 + 3, y + 2)],
            MARK.filled(),
        ))?;
    }
    // Labels by size, largest first: where two would overlap, the larger one is kept (the
    // cap of the other still shows), so the most extreme day is always labelled.
    let mut order: Vec<&Clipped> = groups.iter().collect();
    order.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()));
    let mut taken: Vec<(bool, i32, i32)> = Vec::new();
    for g in order {
        let text = si(g.value);
        let width = root
            .estimate_text_size(&text, &font.clone())
            .map(|(w, _)| w as i32)
            .unwrap_or(30);
        let right_side = g.x1 + 5 + width <= f.plot_x.1;
        let (x_text, start, end) = if right_side {
            (g.x1 + 5, g.x1 + 5, g.x1 + 5 + width)
        } else {
            (g.x0 - 4, g.x0 - 4 - width, g.x0 - 4)
        };
        if taken
            .iter()
            .any(|&(top, a, b)| top == g.top && start <= b + 4 && end + 4 >= a)
        {
            continue;
        }
        taken.push((g.top, start, end));
        let h = if right_side { HPos::Left } else { HPos::Right };
        let (v, y_text) = if g.top {
            (VPos::Top, f.plot_y.0 + 2)
        } else {
            (VPos::Bottom, f.plot_y.1 - 3)
        };
        root.draw(&Text::new(text, (x_text, y_text), font.pos(Pos::new(h, v))))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ontario-like: a smooth curve peaking near 1,000 and one dump day of 4,000.
    fn curve_with_spike() -> Vec<f64> {
        let mut v: Vec<f64> = (0..1000)
            .map(|i| 1000.0 * (-((i as f64 - 500.0) / 150.0).powi(2)).exp())
            .collect();
        v[800] = 4000.0;
        v
    }

    #[test]
    fn one_dump_day_is_clipped_not_the_axis_maximum() {
        let v = curve_with_spike();
        let axis = bar_axis(&v, None, &[]);
        assert_eq!(axis.hi, 1000.0, "{axis:?}");
        assert!(axis.clips(4000.0));
        // Flagging the day as an anomaly has the same effect on the range.
        let mut flags = vec![false; v.len()];
        flags[800] = true;
        assert_eq!(bar_axis(&v, Some(&flags), &[]).hi, 1000.0);
    }

    #[test]
    fn a_broad_peak_is_never_clipped() {
        let v: Vec<f64> = (0..1000).map(|i| (i % 400) as f64).collect();
        let axis = bar_axis(&v, None, &[]);
        assert!(axis.hi >= 399.0, "{axis:?}");
    }

    /// Germany's deaths: one day of −7 against peaks of about 1,200 must not put −250 on
    /// the axis.
    #[test]
    fn small_negatives_get_a_sliver_not_a_tick() {
        let mut v: Vec<f64> = (0..1000).map(|i| (i % 1200) as f64).collect();
        v[10] = -7.0;
        let axis = bar_axis(&v, None, &[]);
        assert!(axis.lo < -7.0 && axis.lo > -50.0, "{axis:?}");
        assert!(axis.ticks.iter().all(|&t| t >= 0.0), "{axis:?}");
        // A large negative part (not a lone outlier) keeps its ticks.
        for x in &mut v[10..40] {
            *x = -700.0;
        }
        let axis = bar_axis(&v, None, &[]);
        assert!(axis.ticks[0] < 0.0 && axis.lo <= -700.0, "{axis:?}");
    }

    #[test]
    fn many_days_per_pixel_keep_their_maximum() {
        let v = curve_with_spike();
        // 1,000 days into 500 pixels.
        let (x0, cols) = columns(&v, None, |d| 100 + ((d + 0.5) * 0.5).round() as i32);
        // Day 999 ends on a pixel boundary and gets a column of its own.
        assert_eq!(cols.len(), 501);
        let best = cols.iter().map(|c| c.max).fold(0.0, f64::max);
        assert_eq!(best, 4000.0);
        let axis = bar_axis(&v, None, &[]);
        let g = clipped(x0, &cols, &axis);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].value, 4000.0);
        assert!(g[0].top);
        assert_eq!(g[0].x0, 100 + 400);
    }

    #[test]
    fn short_series_show_everything() {
        let v = [1.0, 5.0, 100.0, 2.0];
        assert_eq!(bar_range(&v, None, &[]), (0.0, 100.0));
    }
}
