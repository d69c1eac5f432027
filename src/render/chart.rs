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
//! simply become gaps and are never plotted. Values below the axis minimum are gaps too (never
//! drawn on the axis): a line starts where it first reaches the axis.
//!
//! Daily bars are drawn per pixel column (see `bars`): spikes stay visible and rare outliers
//! are clipped and labelled instead of flattening the chart. End labels sit in one column
//! right of the plot; their leaders are dotted grey so that they cannot be read as data, and
//! each labelled line ends in a dot.

use anyhow::{Result, anyhow};
use chrono::{Datelike, Duration, NaiveDate};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::si;
use super::{bars, font};

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
    /// Days of `bars` flagged as anomalies (single-day dumps, corrections): drawn in grey and
    /// left out of the axis range. `None`: no day is flagged. (The hook for the anomaly mask.)
    pub flagged: Option<&'a [bool]>,
    /// A description under the x axis (empty: none).
    pub x_desc: String,
    /// A second scale on the right axis: (factor, label), e.g. per 100,000 people of a
    /// region — the same picture read per capita, without a second image.
    pub right_axis: Option<(f64, String)>,
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

/// Where a panel's data sits in the image, so that scripts can map a pointer position to a
/// day and a value to a pixel without guessing the layout: day `x_lo` is drawn at pixel column
/// `px[0]` and day `x_hi` at `px[1]`; axis value `y_lo` at pixel row `py[0]`, `y_hi` at `py[1]`
/// (axis values are log10 of the data on log panels). Pixels are image pixels.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PanelGeom {
    pub px: [i32; 2],
    pub py: [i32; 2],
    pub x_lo: f64,
    pub x_hi: f64,
    pub y_lo: f64,
    pub y_hi: f64,
    pub log: bool,
}

/// Renders the chart and returns an indexed PNG and the geometry of each panel.
pub fn render_png_geom(chart: &Chart) -> Result<(Vec<u8>, Vec<PanelGeom>)> {
    let (rgb, geom) = render_rgb_geom(chart)?;
    Ok((
        super::png::encode_indexed(&rgb, chart.width, chart.height)?,
        geom,
    ))
}

/// Renders the chart and returns a smaller, slower-to-encode indexed PNG and the geometry of
/// each panel.
pub fn render_png_small_geom(chart: &Chart) -> Result<(Vec<u8>, Vec<PanelGeom>)> {
    let (rgb, geom) = render_rgb_geom(chart)?;
    Ok((
        super::png::encode_indexed_small(&rgb, chart.width, chart.height)?,
        geom,
    ))
}

/// Renders the chart into an RGB8 buffer (tests read its pixels).
pub fn render_rgb(chart: &Chart) -> Result<Vec<u8>> {
    Ok(render_rgb_geom(chart)?.0)
}

/// Renders the chart into an RGB8 buffer and returns the geometry of each panel.
pub fn render_rgb_geom(chart: &Chart) -> Result<(Vec<u8>, Vec<PanelGeom>)> {
    font::register();
    let mut geom = Vec::with_capacity(chart.panels.len());
    let (w, h) = (chart.width, chart.height);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        let n = chart.panels.len().max(1);
        let areas = root.split_evenly((1, n));
        for (area, panel) in areas.iter().zip(&chart.panels) {
            geom.push(
                draw_panel(area, chart, panel).map_err(|e| anyhow!("chart drawing failed: {e}"))?,
            );
        }
        root.present()
            .map_err(|e| anyhow!("chart drawing failed: {e}"))?;
    }
    Ok((buf, geom))
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

/// Decades shown at most on a log axis: below that, values are gaps.
const LOG_DECADES: f64 = 6.0;

/// The y axis over everything drawn, in axis space (log10 on a log axis): (low, high, ticks).
/// Linear daily bars get the robust axis of `bars`.
fn y_axis(panel: &Panel) -> (f64, f64, Vec<f64>) {
    if let Some(a) = bar_axis(panel) {
        return (a.lo, a.hi, a.ticks);
    }
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
        let b = hi.ceil().max(lo.floor() + 1.0);
        let a = lo.floor().max(b - LOG_DECADES);
        let ticks: Vec<f64> = (a as i32..=b as i32).map(f64::from).collect();
        (a, b, ticks)
    } else {
        nice_range(lo.min(0.0), hi.max(0.0))
    }
}

/// The axis of linear daily bars (None for log panels and panels without bars).
fn bar_axis(panel: &Panel) -> Option<bars::BarAxis> {
    let b = panel.bars.filter(|_| !panel.log)?;
    let lines: Vec<&[f64]> = panel.lines.iter().map(|t| t.values).collect();
    Some(bars::bar_axis(b.values, panel.flagged, &lines))
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
        // Room for the per-capita axis labels.
        return if panel.right_axis.is_some() { 52 } else { 14 };
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
    widest + 18
}

fn draw_panel(area: &Area, chart: &Chart, panel: &Panel) -> DynResult<PanelGeom> {
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
    let geom = panel_geom(&c, (days - 1) as f64, (y0, y1), log);
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
    if let Some((factor, label)) = &panel.right_axis
        && !log
    {
        draw_right_axis(area, &c, *factor, label, &font)?;
    }
    let clipped = draw_series(area, &mut c, panel, y0)?;
    draw_markers(&mut c, panel, (y0, y1), days)?;
    if panel.end_labels {
        draw_end_labels(area, &c, panel, y0, &label_font)?;
    } else if panel.lines.len() + usize::from(panel.bars.is_some()) > 1 {
        // The legend box goes where no clipped-bar label is.
        let (px, _) = c.plotting_area().get_pixel_range();
        let (bx, _) = area.get_base_pixel();
        let left_busy = clipped
            .iter()
            .any(|g| g.x0 + bx < px.start + (px.end - px.start) * 2 / 5);
        c.configure_series_labels()
            .position(if left_busy {
                SeriesLabelPosition::UpperRight
            } else {
                SeriesLabelPosition::UpperLeft
            })
            .background_style(WHITE.mix(0.85))
            .border_style(GRID)
            .label_font(("sans-serif", 12).into_font())
            .draw()?;
    }
    Ok(geom)
}

/// The image pixels of days 0 and `x_hi` and of axis values `y.0` and `y.1` (the renderer's own
/// mapping, for `PanelGeom`).
fn panel_geom(c: &Plot, x_hi: f64, y: (f64, f64), log: bool) -> PanelGeom {
    let (p0, p1) = (c.backend_coord(&(0.0, y.0)), c.backend_coord(&(x_hi, y.1)));
    PanelGeom {
        px: [p0.0, p1.0],
        py: [p0.1, p1.1],
        x_lo: 0.0,
        x_hi,
        y_lo: y.0,
        y_hi: y.1,
        log,
    }
}

/// The bars, then the lines (each split where it has no value, or below the axis). Returns
/// the groups of clipped bars.
fn draw_series(area: &Area, c: &mut Plot, panel: &Panel, y0: f64) -> DynResult<Vec<bars::Clipped>> {
    let log = panel.log;
    let mut clipped = Vec::new();
    if let Some(b) = panel.bars {
        let style = b.color.filled();
        if let Some(axis) = bar_axis(panel) {
            clipped = draw_bars(area, c, b, panel.flagged, &axis)?;
        } else {
            c.draw_series(b.values.iter().enumerate().filter_map(|(i, &v)| {
                let y = transform(v, log);
                (y.is_finite() && y >= y0).then(|| {
                    let x = i as f64;
                    Rectangle::new([(x - 0.5, y0), (x + 0.5, y)], style)
                })
            }))?;
        }
        // The legend entry (the bars themselves are drawn in pixels).
        c.draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
            .label(b.label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 12, y + 4)], style));
    }
    for t in &panel.lines {
        let style = t.color.stroke_width(2);
        let mut first = true;
        for seg in segments(t.values, log, y0) {
            let s = c.draw_series(LineSeries::new(seg, style))?;
            if first {
                s.label(t.label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], style));
                first = false;
            }
        }
    }
    Ok(clipped)
}

/// Daily bars per pixel column, clipped to the axis (see `bars`).
fn draw_bars(
    area: &Area,
    c: &Plot,
    b: Trace,
    flagged: Option<&[bool]>,
    axis: &bars::BarAxis,
) -> DynResult<Vec<bars::Clipped>> {
    let (bx, by) = area.get_base_pixel();
    let (xr, yr) = c.plotting_area().get_pixel_range();
    let x_of = |x: f64| c.backend_coord(&(x, axis.lo)).0 - bx;
    let y_of = |y: f64| c.backend_coord(&(0.0, y)).1 - by;
    let frame = bars::Frame {
        x_of: &x_of,
        y_of: &y_of,
        plot_x: (xr.start - bx, xr.end - bx),
        plot_y: (yr.start - by, yr.end - by),
    };
    Ok(bars::draw(area, b.values, flagged, axis, b.color, &frame)?)
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

/// Tick labels on the right edge of the plot: each left tick value × `factor`, with the
/// axis name above them.
fn draw_right_axis(
    area: &Area,
    c: &ChartContext<BitMapBackend, Cartesian2d<Axis, Axis>>,
    factor: f64,
    label: &str,
    font: &TextStyle,
) -> Result<(), Box<dyn std::error::Error + 'static>> {
    let (bx, by) = area.get_base_pixel();
    let (xr, yr) = c.plotting_area().get_pixel_range();
    let x = xr.end - bx;
    let (lo, hi) = (c.y_range().start, c.y_range().end);
    let style = font.pos(Pos::new(HPos::Left, VPos::Center));
    // Round values on the right scale, placed where they fall on the left one.
    // An axis line for the ticks to hang from: without it a tick beside its label read as a
    // minus sign ("-200" for 200).
    area.draw(&PathElement::new(
        vec![(x, yr.start - by), (x, yr.end - by)],
        AXIS,
    ))?;
    let (_, _, ticks) = nice_range(lo * factor, hi * factor);
    for t in ticks {
        let v = t / factor;
        if v < lo || v > hi {
            continue;
        }
        let (_, y) = c.backend_coord(&(c.x_range().end, v));
        area.draw(&PathElement::new(vec![(x, y - by), (x + 3, y - by)], AXIS))?;
        area.draw(&Text::new(si(t), (x + 7, y - by), style.clone()))?;
    }
    // The axis name above its top label, right-aligned with the labels.
    let top = font.pos(Pos::new(HPos::Right, VPos::Bottom));
    area.draw(&Text::new(
        label.to_string(),
        (x + 48, yr.start - by - 8),
        top,
    ))?;
    Ok(())
}

/// A darker shade of a line colour for its label text (legible on white).
fn darken(c: RGBColor) -> RGBColor {
    let f = |v: u8| (f64::from(v) * 0.7).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

/// Grey of the dotted leaders from line ends to their labels: not a data colour.
const LEADER: RGBColor = RGBColor(160, 160, 160);

/// Vertical positions for labels wanted at `ys` (sorted ascending), at least `gap` apart and
/// inside `top..=bottom` where there is room: pushed down from the top, then back up from
/// the bottom.
pub fn spread_labels(ys: &[i32], top: i32, bottom: i32, gap: i32) -> Vec<i32> {
    let mut out: Vec<i32> = ys.iter().map(|y| (*y).clamp(top, bottom)).collect();
    for k in 1..out.len() {
        out[k] = out[k].max(out[k - 1] + gap);
    }
    if let Some(&last) = out.last()
        && last > bottom
    {
        let n = out.len();
        out[n - 1] = bottom;
        for k in (0..n - 1).rev() {
            out[k] = out[k].min(out[k + 1] - gap);
        }
    }
    out
}

/// Labels at line ends, all in one column right of the plot (so no two can overlap), spread
/// apart vertically. Each line ends in a dot of its colour; a dotted grey leader joins the
/// dot to a label that had to move, so the leader never reads as part of the line.
fn draw_end_labels(
    area: &Area,
    c: &ChartContext<BitMapBackend, Cartesian2d<Axis, Axis>>,
    panel: &Panel,
    y0: f64,
    font: &FontDesc,
) -> Result<(), Box<dyn std::error::Error + 'static>> {
    const GAP: i32 = 14;
    let (bx, by) = area.get_base_pixel();
    let (xrange, yrange) = c.plotting_area().get_pixel_range();
    let (top, bottom) = (yrange.start - by + 6, yrange.end - by - 6);
    let x = xrange.end - bx + 4;
    // (y, x) of each line's last plottable point, in area pixels.
    let mut ends: Vec<(i32, i32, usize)> = Vec::new();
    for (k, t) in panel.lines.iter().enumerate() {
        if let Some(last) = segments(t.values, panel.log, y0)
            .last()
            .and_then(|s| s.last())
        {
            let (px, py) = c.backend_coord(last);
            ends.push((py - by, px - bx, k));
        }
    }
    ends.sort_by_key(|e| (e.0, e.2));
    let want: Vec<i32> = ends.iter().map(|e| e.0).collect();
    let ys = spread_labels(&want, top, bottom, GAP);
    for (e, &y) in ends.iter().zip(&ys) {
        let t = &panel.lines[e.2];
        area.draw(&Circle::new((e.1, e.0), 3, t.color.filled()))?;
        if (y - e.0).abs() > 3 || x - e.1 > 12 {
            dotted(area, (e.1 + 5, e.0), (x - 1, y))?;
        }
        let style = font
            .color(&darken(t.color))
            .pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(t.label, (x + 2, y), style))?;
    }
    Ok(())
}

/// A dotted 1-px grey line (every other pixel of a 2-px dash pattern).
fn dotted(
    area: &Area,
    from: (i32, i32),
    to: (i32, i32),
) -> Result<(), Box<dyn std::error::Error + 'static>> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let n = dx.abs().max(dy.abs());
    for k in (0..=n).step_by(3) {
        let p = (from.0 + (dx * k) / n.max(1), from.1 + (dy * k) / n.max(1));
        area.draw_pixel(p, &LEADER)?;
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

/// Consecutive runs of plottable points: finite in axis space and not below `floor` (the
/// axis minimum), so nothing is ever drawn on or under the axis.
fn segments(values: &[f64], log: bool, floor: f64) -> Vec<Vec<(f64, f64)>> {
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
