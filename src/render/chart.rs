//! Time-series charts. One drawing routine, generic over plotters' backends, serves every
//! chart kind: a chart is one or more panels side by side, each with optional daily bars, any
//! number of lines, and an optional vertical marker. The site publishes SVG (sharp at any
//! pixel density, and small: lines are simplified to the pixel grid and daily bars are a few
//! polygons); the RGB buffer serves the pixel tests.
//!
//! Every chart has two layouts: the desktop one (`width` × `height`, 12-px type) and a phone
//! one (`Chart::for_phone`: [`PHONE_W`] wide, type × [`PHONE_TEXT`], fewer ticks, panels stacked)
//! whose smallest text is at least 11 CSS px when the image is shown at ≥ 0.9 × its width.
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
use chrono::{Duration, NaiveDate};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{
    Axis, date_label, log_range, nice_range, segments, transform, x_keys, y_label, yearly,
};
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
    /// The phone layout: type × [`PHONE_TEXT`], fewer ticks, panels stacked (see `for_phone`).
    pub phone: bool,
}

/// The narrowest screen the phone layout is made for, in CSS px.
pub const PHONE_SCREEN: u32 = 360;
/// The page's side margin on a phone: `main`'s padding in the stylesheet (`--page-margin`,
/// written from this constant by `site::rules`).
pub const PHONE_PAGE_MARGIN: u32 = 12;
/// Width of the phone layout: the content width of a [`PHONE_SCREEN`] (336 px).
pub const PHONE_W: u32 = PHONE_SCREEN - 2 * PHONE_PAGE_MARGIN;
/// Type scale of the phone layout. plotters writes SVG font sizes as size / 1.24, so the
/// smallest text (size 11) becomes 11 × 1.3 / 1.24 = 11.5 px: ≥ 11 CSS px down to 0.96 × the
/// design width, and the 12-px ticks 12.6 px.
pub const PHONE_TEXT: f64 = 1.35;

impl<'a> Chart<'a> {
    /// The phone layout of this chart: [`PHONE_W`] wide, `panel_h` tall per panel, panels
    /// stacked (side by side they would be half a phone wide).
    pub fn for_phone(&self, panel_h: u32) -> Chart<'a> {
        Chart {
            width: PHONE_W,
            height: panel_h * self.panels.len().max(1) as u32,
            phone: true,
            ..self.clone()
        }
    }

    /// Text and margin scale of the layout.
    fn k(&self) -> f64 {
        if self.phone { PHONE_TEXT } else { 1.0 }
    }

    /// A length of the desktop layout in this layout's pixels.
    fn px(&self, v: u32) -> u32 {
        (f64::from(v) * self.k()).round() as u32
    }

    /// The font of desktop size `size` in this layout.
    fn font(&self, size: f64) -> FontDesc<'static> {
        ("sans-serif", size * self.k()).into_font()
    }

    /// Width and height of one panel.
    fn panel_size(&self) -> (u32, u32) {
        let n = self.panels.len().max(1) as u32;
        if self.phone {
            (self.width, self.height / n)
        } else {
            (self.width / n, self.height)
        }
    }
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
pub(crate) const AXIS: RGBColor = RGBColor(90, 90, 90);
pub(crate) const GRID: RGBColor = RGBColor(232, 232, 232);

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

/// Renders the chart as SVG and returns it with the geometry of each panel.
pub fn render_svg_geom(chart: &Chart) -> Result<(String, Vec<PanelGeom>)> {
    font::register();
    let mut svg = String::with_capacity(32 * 1024);
    let geom = {
        let root =
            SVGBackend::with_string(&mut svg, (chart.width, chart.height)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| anyhow!("chart drawing failed: {e}"))?;
        let geom = draw_chart(&root, chart, true)?;
        root.present()
            .map_err(|e| anyhow!("chart drawing failed: {e}"))?;
        geom
    };
    Ok((super::svg::compact(&svg), geom))
}

/// Renders the chart into an RGB8 buffer (tests read its pixels).
pub fn render_rgb(chart: &Chart) -> Result<Vec<u8>> {
    Ok(render_rgb_geom(chart)?.0)
}

/// Renders the chart into an RGB8 buffer and returns the geometry of each panel.
pub fn render_rgb_geom(chart: &Chart) -> Result<(Vec<u8>, Vec<PanelGeom>)> {
    font::register();
    let (w, h) = (chart.width, chart.height);
    let mut buf = vec![255u8; (w * h * 3) as usize];
    let geom = {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        let geom = draw_chart(&root, chart, false)?;
        root.present()
            .map_err(|e| anyhow!("chart drawing failed: {e}"))?;
        geom
    };
    Ok((buf, geom))
}

/// Draws every panel (side by side, or stacked in the phone layout). `vector`: the backend
/// is SVG, so daily bars are drawn as polygons rather than pixel columns.
fn draw_chart<DB: DrawingBackend>(
    root: &Area<DB>,
    chart: &Chart,
    vector: bool,
) -> Result<Vec<PanelGeom>>
where
    DB::ErrorType: 'static,
{
    let n = chart.panels.len().max(1);
    let areas = root.split_evenly(if chart.phone { (n, 1) } else { (1, n) });
    areas
        .iter()
        .zip(&chart.panels)
        .map(|(area, panel)| {
            draw_panel(area, chart, panel, vector).map_err(|e| anyhow!("chart drawing failed: {e}"))
        })
        .collect()
}

type Area<DB> = DrawingArea<DB, plotters::coord::Shift>;

type DynResult<T> = Result<T, Box<dyn std::error::Error + 'static>>;
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<Axis, Axis>>;

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
        log_range(lo, hi)
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
    let panel_w = chart.panel_size().0;
    let start = (!panel.x_days).then_some(chart.start);
    Axis {
        lo: 0.0,
        hi: (days - 1) as f64,
        keys: x_keys(start, days, panel_w, chart.k()),
    }
}

/// Right margin: room for the end labels when the lines have them.
fn right_margin<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &Chart,
    panel: &Panel,
    label_font: &FontDesc,
) -> u32 {
    if !end_labels(chart, panel) {
        // Room for the per-capita axis labels.
        return chart.px(if panel.right_axis.is_some() { 52 } else { 14 });
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
    widest + chart.px(18)
}

fn draw_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &Chart,
    panel: &Panel,
    vector: bool,
) -> DynResult<PanelGeom>
where
    DB::ErrorType: 'static,
{
    let log = panel.log;
    let (y0, y1, yticks) = y_axis(panel);
    let days = chart.days.max(2);
    let yr = Axis {
        lo: y0,
        hi: y1,
        keys: yticks,
    };
    let font = chart.font(12.0).color(&AXIS);
    let label_font = chart.font(12.0);
    let xr = x_axis(chart, panel, days);
    let yearly = yearly(&xr.keys);
    let items = legend_items(chart, panel);
    let legend = Legend::layout(area, chart, &items, &label_font);
    let title_h = draw_title(area, chart, &panel.title)?;
    let mut c = ChartBuilder::on(area)
        .margin(chart.px(6))
        .margin_top(chart.px(6) + title_h + legend.height)
        .margin_right(right_margin(area, chart, panel, &label_font))
        .x_label_area_size(chart.px(if panel.x_desc.is_empty() { 20 } else { 36 }))
        .y_label_area_size(chart.px(48))
        .build_cartesian_2d(xr, yr)?;
    let geom = panel_geom(&c, (days - 1) as f64, (y0, y1), log);
    let start = chart.start;
    let x_days = panel.x_days;
    let xfmt = move |x: &f64| -> String {
        if x_days {
            return format!("{}", x.round() as i64);
        }
        date_label(start + Duration::days(x.round() as i64), days, yearly)
    };
    let yfmt = move |y: &f64| -> String { y_label(*y, log) };
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
        draw_right_axis(area, chart, &c, (*factor, label), &font)?;
    }
    draw_series(area, chart, &mut c, panel, (y0, vector))?;
    draw_markers(&mut c, chart, panel, (y0, y1))?;
    if end_labels(chart, panel) {
        draw_end_labels(area, chart, &c, panel, y0, &label_font)?;
    } else {
        let (_, yr) = c.plotting_area().get_pixel_range();
        legend.draw(
            area,
            chart,
            &items,
            yr.start - area.get_base_pixel().1,
            &label_font,
        )?;
    }
    Ok(geom)
}

/// The panel title, centred at the top; returns the height it takes (plotters' own caption
/// would sit above the margin, leaving no room for the legend between title and plot).
fn draw_title<DB: DrawingBackend>(area: &Area<DB>, chart: &Chart, title: &str) -> DynResult<u32>
where
    DB::ErrorType: 'static,
{
    if title.is_empty() {
        return Ok(0);
    }
    let font = chart.font(14.0);
    let (_, h) = area.estimate_text_size(title, &TextStyle::from(font.clone()))?;
    let pad = (h / 2).min(5);
    let (w, _) = area.dim_in_pixel();
    let style = font.color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top));
    area.draw(&Text::new(
        title,
        ((w / 2) as i32, (chart.px(6) + pad) as i32),
        style,
    ))?;
    Ok(h + 2 * pad)
}

/// Whether the lines are labelled at their ends. Not in the phone layout: a column of labels
/// took 40 % of a 336-px chart; the legend rows above the plot name the lines there.
fn end_labels(chart: &Chart, panel: &Panel) -> bool {
    panel.end_labels && !chart.phone
}

/// One legend entry: label, colour, and whether it is bars (a box) or a line.
type LegendItem<'a> = (&'a str, RGBColor, bool);

/// The legend entries of a panel without end labels: bars, then lines (none for one series,
/// which its title names).
fn legend_items<'a>(chart: &Chart, panel: &Panel<'a>) -> Vec<LegendItem<'a>> {
    if end_labels(chart, panel) {
        return Vec::new();
    }
    let items: Vec<LegendItem> = panel
        .bars
        .iter()
        .map(|b| (b.label, b.color, true))
        .chain(panel.lines.iter().map(|t| (t.label, t.color, false)))
        .collect();
    if items.len() > 1 { items } else { Vec::new() }
}

/// The legend as rows of entries between the title and the plot: outside the plot, so it
/// never covers data (a box inside it hid the only data of some charts, and on phones the
/// clipped-bar labels).
struct Legend {
    /// Each entry's (x, row), in area pixels.
    at: Vec<(i32, i32)>,
    height: u32,
}

impl Legend {
    fn layout<DB: DrawingBackend>(
        area: &Area<DB>,
        chart: &Chart,
        items: &[LegendItem],
        font: &FontDesc,
    ) -> Legend {
        if items.is_empty() {
            return Legend {
                at: Vec::new(),
                height: 0,
            };
        }
        let (w, _) = area.dim_in_pixel();
        let (left, right) = (chart.px(12) as i32, w as i32 - chart.px(8) as i32);
        let (swatch, gap) = (chart.px(18) as i32, chart.px(16) as i32);
        let mut at = Vec::with_capacity(items.len());
        let (mut x, mut row) = (left, 0);
        for (label, _, _) in items {
            let tw = area
                .estimate_text_size(label, &TextStyle::from(font.clone()))
                .map_or(80, |(tw, _)| tw as i32);
            if x > left && x + swatch + tw > right {
                (x, row) = (left, row + 1);
            }
            at.push((x, row));
            x += swatch + tw + gap;
        }
        Legend {
            at,
            height: (row as u32 + 1) * chart.px(17),
        }
    }

    /// Draws the entries in the rows above `plot_top` (area pixels).
    fn draw<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        chart: &Chart,
        items: &[LegendItem],
        plot_top: i32,
        font: &FontDesc,
    ) -> DynResult<()>
    where
        DB::ErrorType: 'static,
    {
        let k = |v: u32| chart.px(v) as i32;
        let rows = self.at.iter().map(|a| a.1).max().unwrap_or(0) + 1;
        for (&(label, color, bar), &(x, row)) in items.iter().zip(&self.at) {
            let y = plot_top - k(6) - (rows - row) * k(17) + k(8);
            if bar {
                area.draw(&Rectangle::new(
                    [(x, y - k(4)), (x + k(13), y + k(4))],
                    color.filled(),
                ))?;
            } else {
                area.draw(&PathElement::new(
                    vec![(x, y), (x + k(13), y)],
                    color.stroke_width(2),
                ))?;
            }
            let style = font.color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
            area.draw(&Text::new(label, (x + k(18), y), style))?;
        }
        Ok(())
    }
}

/// The image pixels of days 0 and `x_hi` and of axis values `y.0` and `y.1` (the renderer's own
/// mapping, for `PanelGeom`).
fn panel_geom<DB: DrawingBackend>(c: &Plot<DB>, x_hi: f64, y: (f64, f64), log: bool) -> PanelGeom {
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
fn draw_series<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &Chart,
    c: &mut Plot<DB>,
    panel: &Panel,
    (y0, vector): (f64, bool),
) -> DynResult<()>
where
    DB::ErrorType: 'static,
{
    let log = panel.log;
    if let Some(b) = panel.bars {
        let style = b.color.filled();
        if let Some(axis) = bar_axis(panel) {
            draw_bars(area, (chart, vector), c, b, panel.flagged, &axis)?;
        } else {
            c.draw_series(b.values.iter().enumerate().filter_map(|(i, &v)| {
                let y = transform(v, log);
                (y.is_finite() && y >= y0).then(|| {
                    let x = i as f64;
                    Rectangle::new([(x - 0.5, y0), (x + 0.5, y)], style)
                })
            }))?;
        }
    }
    let (bx, by) = area.get_base_pixel();
    for t in &panel.lines {
        let style = t.color.stroke_width(2);
        let segs = segments(t.values, log, y0);
        // Drawn in pixels, simplified to what the pixel grid can show (a 1,100-day line
        // becomes a few dozen points in the SVG).
        for seg in segs {
            let px: Vec<(i32, i32)> = seg
                .iter()
                .map(|p| {
                    let (x, y) = c.backend_coord(p);
                    (x - bx, y - by)
                })
                .collect();
            area.draw(&PathElement::new(simplify(&px, 0.5), style))?;
        }
    }
    Ok(())
}

/// The points of a pixel polyline that matter at tolerance `eps` (Ramer–Douglas–Peucker):
/// the drawn line stays within `eps` pixels of the full one.
pub fn simplify(points: &[(i32, i32)], eps: f64) -> Vec<(i32, i32)> {
    let mut pts: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    for &p in points {
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    if pts.len() < 3 {
        return pts;
    }
    let mut keep = vec![false; pts.len()];
    keep[0] = true;
    keep[pts.len() - 1] = true;
    let mut stack = vec![(0usize, pts.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let (ax, ay) = (f64::from(pts[a].0), f64::from(pts[a].1));
        let (dx, dy) = (f64::from(pts[b].0) - ax, f64::from(pts[b].1) - ay);
        let len = dx.hypot(dy).max(f64::MIN_POSITIVE);
        let (mut far, mut dist) = (0, eps);
        for (k, p) in pts.iter().enumerate().take(b).skip(a + 1) {
            let d = ((f64::from(p.0) - ax) * dy - (f64::from(p.1) - ay) * dx).abs() / len;
            if d > dist {
                (far, dist) = (k, d);
            }
        }
        if far > 0 {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    pts.into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// Daily bars per pixel column, clipped to the axis (see `bars`).
fn draw_bars<DB: DrawingBackend>(
    area: &Area<DB>,
    (chart, vector): (&Chart, bool),
    c: &Plot<DB>,
    b: Trace,
    flagged: Option<&[bool]>,
    axis: &bars::BarAxis,
) -> DynResult<Vec<bars::Clipped>>
where
    DB::ErrorType: 'static,
{
    let (bx, by) = area.get_base_pixel();
    let (xr, yr) = c.plotting_area().get_pixel_range();
    let x_of = |x: f64| c.backend_coord(&(x, axis.lo)).0 - bx;
    let y_of = |y: f64| c.backend_coord(&(0.0, y)).1 - by;
    let frame = bars::Frame {
        x_of: &x_of,
        y_of: &y_of,
        plot_x: (xr.start - bx, xr.end - bx),
        plot_y: (yr.start - by, yr.end - by),
        polygons: vector,
    };
    Ok(bars::draw(
        area,
        b.values,
        flagged,
        axis,
        b.color,
        &frame,
        chart.font(11.0),
    )?)
}

/// Dashed vertical markers with their label to the right, near the top.
fn draw_markers<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    chart: &Chart,
    panel: &Panel,
    (y0, y1): (f64, f64),
) -> DynResult<()>
where
    DB::ErrorType: 'static,
{
    let mut placed: Vec<(i32, i32, i32)> = Vec::new();
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
        placed.push(draw_marker_label(c, chart, (x, label), (y0, y1), &placed)?);
    }
    Ok(())
}

/// A marker's label near the top of the plot: right of its line, else left of it, else in two
/// lines on the roomier side; a row lower when it would overlap a label already `placed`
/// (pixel spans and rows). Returns its own span and row.
fn draw_marker_label<DB: DrawingBackend>(
    c: &mut Plot<DB>,
    chart: &Chart,
    (x, label): (f64, &str),
    (y0, y1): (f64, f64),
    placed: &[(i32, i32, i32)],
) -> DynResult<(i32, i32, i32)>
where
    DB::ErrorType: 'static,
{
    let font = chart.font(11.0).color(&AXIS);
    let width = |t: &str| {
        c.plotting_area()
            .estimate_text_size(t, &font)
            .map_or(0, |(w, _)| w as i32)
    };
    let (px, py) = c.plotting_area().get_pixel_range();
    let at = c.backend_coord(&(x, y1)).0;
    let gap = chart.px(4) as i32;
    let (room_r, room_l) = (px.end - at - gap, at - px.start - gap);
    let lines: Vec<String> = if width(label) <= room_r.max(room_l) {
        vec![label.to_string()]
    } else {
        // Split at the space nearest the middle.
        let mid = label.len() / 2;
        let cut = label
            .char_indices()
            .filter(|&(_, ch)| ch == ' ')
            .map(|(i, _)| i)
            .min_by_key(|&i| i.abs_diff(mid));
        match cut {
            Some(i) => vec![label[..i].to_string(), label[i + 1..].to_string()],
            None => vec![label.to_string()],
        }
    };
    let w = lines.iter().map(|l| width(l)).max().unwrap_or(0);
    let right = w <= room_r || room_r >= room_l;
    let (x0, x1) = if right {
        (at + gap, at + gap + w)
    } else {
        (at - gap - w, at - gap)
    };
    let row = (0..)
        .find(|&r| {
            !placed
                .iter()
                .any(|&(a, b, pr)| pr == r && x0 <= b + gap && x1 + gap >= a)
        })
        .unwrap_or(0);
    let line_h = chart.px(13) as i32;
    let h = (py.end - py.start).max(1) as f64;
    let pos = Pos::new(if right { HPos::Left } else { HPos::Right }, VPos::Top);
    let first = row * lines.len() as i32;
    for (k, l) in lines.iter().enumerate() {
        let top = chart.px(4) as i32 + (first + k as i32) * line_h;
        let y = y1 - (y1 - y0) * f64::from(top) / h;
        let tx = if right { x0 } else { x1 };
        let xd = x
            + (f64::from(tx - at)) * (c.x_range().end - c.x_range().start)
                / f64::from((px.end - px.start).max(1));
        c.draw_series(std::iter::once(Text::new(
            l.clone(),
            (xd, y),
            font.pos(pos),
        )))?;
    }
    Ok((x0, x1, row))
}

/// Tick labels on the right edge of the plot: each left tick value × `factor`, with the
/// axis name above them.
fn draw_right_axis<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &Chart,
    c: &Plot<DB>,
    (factor, label): (f64, &str),
    font: &TextStyle,
) -> DynResult<()>
where
    DB::ErrorType: 'static,
{
    let k = |v: u32| chart.px(v) as i32;
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
        area.draw(&PathElement::new(
            vec![(x, y - by), (x + k(3), y - by)],
            AXIS,
        ))?;
        area.draw(&Text::new(si(t), (x + k(7), y - by), style.clone()))?;
    }
    // The axis name above its top label, right-aligned with the labels.
    let top = font.pos(Pos::new(HPos::Right, VPos::Bottom));
    area.draw(&Text::new(
        label.to_string(),
        (x + k(48), yr.start - by - k(8)),
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
pub(crate) const LEADER: RGBColor = RGBColor(160, 160, 160);

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
fn draw_end_labels<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &Chart,
    c: &Plot<DB>,
    panel: &Panel,
    y0: f64,
    font: &FontDesc,
) -> DynResult<()>
where
    DB::ErrorType: 'static,
{
    let gap = chart.px(14) as i32;
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
    let ys = spread_labels(&want, top, bottom, gap);
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

/// A dotted 1-px grey line (1-px dots 3 px apart).
fn dotted<DB: DrawingBackend>(area: &Area<DB>, from: (i32, i32), to: (i32, i32)) -> DynResult<()>
where
    DB::ErrorType: 'static,
{
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let n = dx.abs().max(dy.abs());
    let dots = (0..=n).step_by(3).map(|k| {
        let p = (from.0 + (dx * k) / n.max(1), from.1 + (dy * k) / n.max(1));
        Rectangle::new([p, (p.0 + 1, p.1 + 1)], LEADER.filled())
    });
    for d in dots {
        area.draw(&d)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pixel assert on a tiny chart: a single positive bar is drawn in the bar colour above
    /// the axis, and a negative bar below it on a linear axis.
    #[test]
    fn bars_drawn_above_and_below_zero() {
        let vals = [0.0, 10.0, -10.0];
        let chart = Chart {
            phone: false,
            width: 200,
            height: 150,
            start: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
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
