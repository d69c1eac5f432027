//! Time-series charts (plotters → RGB buffer → indexed PNG). One drawing routine serves every
//! chart kind: a chart is one or more panels side by side, each with optional daily bars, any
//! number of lines, and an optional vertical marker.
//!
//! A panel's x axis shows dates from `Chart::start`, or plain day numbers (`x_days`, for
//! "days since …" alignments and model runs). Lines can be labelled at their ends instead of
//! in a legend box (`end_labels`); labels that would collide are spread apart vertically and
//! joined to their line end by a short leader.
//!
//! Log axes are drawn in log10 space on a linear coordinate with decade ticks, so values ≤ 0
//! simply become gaps and are never plotted.

use anyhow::{Result, anyhow};
use chrono::{Datelike, Duration, NaiveDate};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::font;
use super::format::si;

/// One plotted series: `values[i]` belongs to day `start + i`; NaN is a gap.
#[derive(Clone, Copy, Debug)]
pub struct Trace<'a> {
    pub label: &'a str,
    pub values: &'a [f64],
    pub color: RGBColor,
}

#[derive(Clone, Debug, Default)]
pub struct Panel<'a> {
    pub title: String,
    pub log: bool,
    pub bars: Option<Trace<'a>>,
    pub lines: Vec<Trace<'a>>,
    /// Dashed vertical lines at day indices, each with a short label.
    pub markers: Vec<(usize, String)>,
    /// X axis in day numbers (0, 1, …) instead of dates.
    pub x_days: bool,
    /// Label every line at its last point instead of drawing a legend box.
    pub end_labels: bool,
    /// A description under the x axis (empty: none).
    pub x_desc: String,
}

#[derive(Clone, Debug)]
pub struct Chart<'a> {
    pub width: u32,
    pub height: u32,
    /// Date of day index 0 and the number of days on the x axis.
    pub start: NaiveDate,
    pub days: usize,
    pub panels: Vec<Panel<'a>>,
}

/// Colours for up to ten overlaid lines: the Okabe–Ito palette without its yellow (too
/// light on white), then three colours from Paul Tol's muted scheme; all colour-blind safe.
pub const LINES: [RGBColor; 10] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(0, 0, 0),       // black
    RGBColor(51, 34, 136),   // indigo
    RGBColor(136, 34, 85),   // wine
    RGBColor(153, 153, 51),  // olive
];
pub const CASES_LIGHT: RGBColor = RGBColor(158, 202, 225);
pub const CASES: RGBColor = RGBColor(8, 81, 156);
pub const DEATHS_LIGHT: RGBColor = RGBColor(252, 187, 161);
pub const DEATHS: RGBColor = RGBColor(165, 15, 21);
pub const RECOVERED: RGBColor = RGBColor(35, 139, 69);
pub const ACTIVE: RGBColor = RGBColor(217, 95, 2);
const AXIS: RGBColor = RGBColor(90, 90, 90);
const GRID: RGBColor = RGBColor(232, 232, 232);

/// Renders the chart and returns an indexed PNG.
pub fn render_png(chart: &Chart) -> Result<Vec<u8>> {
    let rgb = render_rgb(chart)?;
    super::png::encode_indexed(&rgb, chart.width, chart.height)
}

/// Renders the chart and returns a smaller, slower-to-encode indexed PNG.
pub fn render_png_small(chart: &Chart) -> Result<Vec<u8>> {
    let rgb = render_rgb(chart)?;
    super::png::encode_indexed_small(&rgb, chart.width, chart.height)
}

/// Renders the chart into an RGB8 buffer.
pub fn render_rgb(chart: &Chart) -> Result<Vec<u8>> {
    font::register();
    let (w, h) = (chart.width, chart.height);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        let n = chart.panels.len().max(1);
        let areas = root.split_evenly((1, n));
        for (area, panel) in areas.iter().zip(&chart.panels) {
            draw_panel(area, chart, panel).map_err(|e| anyhow!("chart drawing failed: {e}"))?;
        }
        root.present()
            .map_err(|e| anyhow!("chart drawing failed: {e}"))?;
    }
    Ok(buf)
}

type Area<'b> = DrawingArea<BitMapBackend<'b>, plotters::coord::Shift>;

fn transform(v: f64, log: bool) -> f64 {
    if log {
        if v > 0.0 { v.log10() } else { f64::NAN }
    } else {
        v
    }
}

type DynResult<T> = Result<T, Box<dyn std::error::Error + 'static>>;
type Plot<'a, 'b> = ChartContext<'a, BitMapBackend<'b>, Cartesian2d<Axis, Axis>>;

/// The y axis over everything drawn, in axis space (log10 on a log axis): (low, high, ticks).
fn y_axis(panel: &Panel) -> (f64, f64, Vec<f64>) {
    let log = panel.log;
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for t in panel.bars.iter().chain(&panel.lines) {
        for &v in t.values {
            let y = transform(v, log);
            if y.is_finite() {
                lo = lo.min(y);
                hi = hi.max(y);
            }
        }
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if log {
        let a = lo.floor().max(0.0);
        let b = hi.ceil().max(a + 1.0);
        let ticks: Vec<f64> = (a as i32..=b as i32).map(f64::from).collect();
        (a, b, ticks)
    } else {
        nice_range(lo.min(0.0), hi.max(0.0))
    }
}

/// The x axis: days since day 0, or dates (ticks spaced for the panel's width).
fn x_axis(chart: &Chart, panel: &Panel, days: usize) -> Axis {
    let panel_w = chart.width as usize / chart.panels.len().max(1);
    let keys: Vec<f64> = if panel.x_days {
        day_ticks(days - 1, (panel_w / 70).max(2))
    } else {
        date_ticks(chart.start, days, (panel_w / 95).max(2))
            .iter()
            .map(|t| t.0)
            .collect()
    };
    Axis {
        lo: 0.0,
        hi: (days - 1) as f64,
        keys,
    }
}

/// Right margin: room for the end labels when the lines have them.
fn right_margin(area: &Area, panel: &Panel, label_font: &FontDesc) -> u32 {
    if !panel.end_labels {
        return 14;
    }
    let widest = panel
        .lines
        .iter()
        .filter_map(|t| {
            area.estimate_text_size(t.label, &TextStyle::from(label_font.clone()))
                .ok()
        })
        .map(|(w, _)| w)
        .max()
        .unwrap_or(0);
    widest + 14
}

fn draw_panel(area: &Area, chart: &Chart, panel: &Panel) -> DynResult<()> {
    let log = panel.log;
    let (y0, y1, yticks) = y_axis(panel);
    let days = chart.days.max(2);
    let yr = Axis {
        lo: y0,
        hi: y1,
        keys: yticks,
    };
    let font = ("sans-serif", 12).into_font().color(&AXIS);
    let label_font = ("sans-serif", 12).into_font();
    let mut c = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 14).into_font())
        .margin(6)
        .margin_right(right_margin(area, panel, &label_font))
        .x_label_area_size(if panel.x_desc.is_empty() { 20 } else { 36 })
        .y_label_area_size(48)
        .build_cartesian_2d(x_axis(chart, panel, days), yr)?;
    let start = chart.start;
    let x_days = panel.x_days;
    let xfmt = move |x: &f64| -> String {
        if x_days {
            return format!("{}", x.round() as i64);
        }
        let d = start + Duration::days(x.round() as i64);
        if days > 120 {
            d.format("%b %Y").to_string()
        } else {
            d.format("%-d %b").to_string()
        }
    };
    let yfmt = move |y: &f64| -> String { if log { si(10f64.powf(*y)) } else { si(*y) } };
    let mut mesh = c.configure_mesh();
    if !panel.x_desc.is_empty() {
        mesh.x_desc(panel.x_desc.as_str());
    }
    mesh.light_line_style(GRID)
        .bold_line_style(GRID)
        .axis_style(AXIS)
        .label_style(font.clone())
        .x_label_formatter(&xfmt)
        .y_label_formatter(&yfmt)
        .draw()?;
    draw_series(&mut c, panel, y0)?;
    draw_markers(&mut c, panel, (y0, y1), days)?;
    if panel.end_labels {
        draw_end_labels(area, &c, panel, &label_font)?;
    } else if panel.lines.len() + usize::from(panel.bars.is_some()) > 1 {
        c.configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(GRID)
            .label_font(("sans-serif", 12).into_font())
            .draw()?;
    }
    Ok(())
}

/// The bars, then the lines (each split where it has no value).
fn draw_series(c: &mut Plot, panel: &Panel, y0: f64) -> DynResult<()> {
    let log = panel.log;
    if let Some(b) = panel.bars {
        let style = b.color.filled();
        let base = if log { y0 } else { 0.0 };
        c.draw_series(b.values.iter().enumerate().filter_map(|(i, &v)| {
            let y = transform(v, log);
            (y.is_finite() && v != 0.0).then(|| {
                let x = i as f64;
                Rectangle::new([(x - 0.5, base), (x + 0.5, y)], style)
            })
        }))?
        .label(b.label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 12, y + 4)], style));
    }
    for t in &panel.lines {
        let style = t.color.stroke_width(2);
        let mut first = true;
        for seg in segments(t.values, log) {
            let s = c.draw_series(LineSeries::new(seg, style))?;
            if first {
                s.label(t.label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], style));
                first = false;
            }
        }
    }
    Ok(())
}

/// Dashed vertical markers with their label to the right, near the top.
fn draw_markers(c: &mut Plot, panel: &Panel, (y0, y1): (f64, f64), days: usize) -> DynResult<()> {
    for (day, label) in &panel.markers {
        let x = *day as f64;
        let dash = AXIS.stroke_width(1);
        let steps = 24;
        for k in (0..steps).step_by(2) {
            let a = y0 + (y1 - y0) * k as f64 / steps as f64;
            let b = y0 + (y1 - y0) * (k + 1) as f64 / steps as f64;
            c.draw_series(std::iter::once(PathElement::new(
                vec![(x, a), (x, b)],
                dash,
            )))?;
        }
        c.draw_series(std::iter::once(Text::new(
            label.clone(),
            (x + days as f64 * 0.01, y1 - (y1 - y0) * 0.04),
            ("sans-serif", 11).into_font().color(&AXIS),
        )))?;
    }
    Ok(())
}

/// A darker shade of a line colour for its label text (legible on white).
fn darken(c: RGBColor) -> RGBColor {
    let f = |v: u8| (f64::from(v) * 0.7).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

/// Labels at line ends. Lines ending within 60 px of each other share a column of labels
/// (at the rightmost end), spread apart so that none overlap.
fn draw_end_labels(
    area: &Area,
    c: &ChartContext<BitMapBackend, Cartesian2d<Axis, Axis>>,
    panel: &Panel,
    font: &FontDesc,
) -> Result<(), Box<dyn std::error::Error + 'static>> {
    const GAP: i32 = 14;
    let (bx, by) = area.get_base_pixel();
    let (_, yrange) = c.plotting_area().get_pixel_range();
    let (top, bottom) = (yrange.start - by + 6, yrange.end - by - 6);
    // (x, y) of each line's last plottable point, in area pixels.
    let mut ends: Vec<(i32, i32, usize)> = Vec::new();
    for (k, t) in panel.lines.iter().enumerate() {
        if let Some(last) = segments(t.values, panel.log).last().and_then(|s| s.last()) {
            let (x, y) = c.backend_coord(last);
            ends.push((x - bx, y - by, k));
        }
    }
    ends.sort_by_key(|e| (e.0, e.1, e.2));
    let mut clusters: Vec<Vec<(i32, i32, usize)>> = Vec::new();
    for e in ends {
        match clusters.last_mut() {
            Some(cl) if e.0 - cl[0].0 < 60 => cl.push(e),
            _ => clusters.push(vec![e]),
        }
    }
    for mut cl in clusters {
        let x = cl.iter().map(|e| e.0).max().unwrap_or(0);
        cl.sort_by_key(|e| (e.1, e.2));
        let mut ys: Vec<i32> = cl.iter().map(|e| e.1.clamp(top, bottom)).collect();
        for k in 1..ys.len() {
            ys[k] = ys[k].max(ys[k - 1] + GAP);
        }
        if let Some(&last) = ys.last()
            && last > bottom
        {
            let n = ys.len();
            ys[n - 1] = bottom;
            for k in (0..n - 1).rev() {
                ys[k] = ys[k].min(ys[k + 1] - GAP);
            }
        }
        for (e, &y) in cl.iter().zip(&ys) {
            let t = &panel.lines[e.2];
            if (y - e.1).abs() > 3 || x - e.0 > 3 {
                area.draw(&PathElement::new(
                    vec![(e.0 + 2, e.1), (x + 5, y)],
                    t.color.stroke_width(1),
                ))?;
            }
            let style = font
                .color(&darken(t.color))
                .pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(t.label, (x + 7, y), style))?;
        }
    }
    Ok(())
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
struct Axis {
    lo: f64,
    hi: f64,
    keys: Vec<f64>,
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

/// Consecutive runs of plottable points.
fn segments(values: &[f64], log: bool) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (i, &v) in values.iter().enumerate() {
        let y = transform(v, log);
        if y.is_finite() {
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
        let s = segments(&[1.0, 10.0, 0.0, -5.0, 100.0, f64::NAN, 1000.0], true);
        assert_eq!(
            s,
            vec![
                vec![(0.0, 0.0), (1.0, 1.0)],
                vec![(4.0, 2.0)],
                vec![(6.0, 3.0)]
            ]
        );
        let lin = segments(&[1.0, -5.0], false);
        assert_eq!(lin, vec![vec![(0.0, 1.0), (1.0, -5.0)]]);
    }

    /// Pixel assert on a tiny chart: a single positive bar is drawn in the bar colour above
    /// the axis, and a negative bar below it on a linear axis.
    #[test]
    fn bars_drawn_above_and_below_zero() {
        let vals = [0.0, 10.0, -10.0];
        let chart = Chart {
            width: 200,
            height: 150,
            start: d(2020, 1, 1),
            days: 3,
            panels: vec![Panel {
                title: String::new(),
                bars: Some(Trace {
                    label: "x",
                    values: &vals,
                    color: RGBColor(255, 0, 0),
                }),
                ..Default::default()
            }],
        };
        let buf = render_rgb(&chart).unwrap();
        let red_rows: Vec<usize> = (0..150)
            .filter(|y| {
                (0..200).any(|x| {
                    let p = (y * 200 + x) * 3;
                    buf[p..p + 3] == [255, 0, 0]
                })
            })
            .collect();
        assert!(!red_rows.is_empty());
        // Red pixels both above and below the middle of the plot (zero is mid-range).
        assert!(
            red_rows.first().unwrap() < &60 && red_rows.last().unwrap() > &90,
            "{red_rows:?}"
        );
    }
}
