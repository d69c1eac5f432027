//! Issue 10, items 5, 6 and 9: charts must agree with their numbers. Each rule is checked on
//! the rendered RGB buffer of a small chart built only from the public chart interface.

use chrono::NaiveDate;
use plotters::style::RGBColor;
use seecovid::render::chart::{Chart, Panel, Trace, render_rgb};

const RED: RGBColor = RGBColor(255, 0, 0);
const BLUE: RGBColor = RGBColor(0, 0, 255);
const GREEN: RGBColor = RGBColor(0, 160, 0);
const AXIS: [u8; 3] = [90, 90, 90];

struct Img {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Img {
    fn render(chart: &Chart) -> Self {
        Img {
            w: chart.width as usize,
            h: chart.height as usize,
            px: render_rgb(chart).unwrap(),
        }
    }
    fn is(&self, x: usize, y: usize, c: [u8; 3]) -> bool {
        let p = (y * self.w + x) * 3;
        self.px[p..p + 3] == c
    }
    /// Every pixel of exactly this colour.
    fn pixels(&self, c: RGBColor) -> Vec<(usize, usize)> {
        let c = [c.0, c.1, c.2];
        (0..self.h)
            .flat_map(|y| (0..self.w).map(move |x| (x, y)))
            .filter(|&(x, y)| self.is(x, y, c))
            .collect()
    }
    /// The row of the x axis: the row with the longest run of axis-coloured pixels.
    fn axis_row(&self) -> usize {
        (0..self.h)
            .max_by_key(|&y| (0..self.w).filter(|&x| self.is(x, y, AXIS)).count())
            .unwrap()
    }
    /// The column of the y axis: the column with the longest run of axis-coloured pixels.
    fn axis_col(&self) -> usize {
        (0..self.w)
            .max_by_key(|&x| (0..self.h).filter(|&y| self.is(x, y, AXIS)).count())
            .unwrap()
    }
    /// Pixels of exactly this colour inside the plot (right of the y axis, so not the
    /// legend's swatches, which sit above the plot from its left edge).
    fn plot_pixels(&self, c: RGBColor) -> Vec<(usize, usize)> {
        let left = self.axis_col();
        self.pixels(c).into_iter().filter(|p| p.0 > left).collect()
    }
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 1, 22).unwrap()
}

fn bar_chart<'a>(bars: &'a [f64], ma: &'a [f64]) -> Chart<'a> {
    Chart {
        phone: false,
        width: 720,
        height: 260,
        start: start(),
        days: bars.len(),
        panels: vec![Panel {
            title: "New per day".into(),
            bars: Some(Trace {
                label: "per day",
                values: bars,
                color: RED,
            }),
            lines: vec![Trace {
                label: "moving average",
                values: ma,
                color: BLUE,
            }],
            ..Default::default()
        }],
    }
}

fn moving_average(v: &[f64]) -> Vec<f64> {
    (0..v.len())
        .map(|i| {
            let a = i.saturating_sub(3);
            let b = (i + 4).min(v.len());
            v[a..b].iter().sum::<f64>() / (b - a) as f64
        })
        .collect()
}

/// Harris County, TX: ~1,140 days, a curve peaking near 11,000 and one day of +58,777 (the
/// 2020-12-22 seam). The spike must be visible, and the curve must not be squashed into the
/// bottom fifth of the chart by an axis scaled to the one day.
#[test]
fn a_single_day_spike_is_visible_and_does_not_flatten_the_bars() {
    let n = 1143;
    let spike = 335;
    let mut bars: Vec<f64> = (0..n)
        .map(|i| {
            let t = i as f64;
            11_000.0 * (-((t - 720.0) / 40.0).powi(2)).exp()
                + 4_000.0 * (-((t - 360.0) / 60.0).powi(2)).exp()
                + 200.0
        })
        .collect();
    bars[spike] = 58_777.0;
    let ma = moving_average(&bars);
    let img = Img::render(&bar_chart(&bars, &ma));
    let red = img.plot_pixels(RED);
    let base = img.axis_row();
    // Columns of the spike day: where x is in the spike's share of the plot.
    let (x_lo, x_hi) = (
        red.iter().map(|p| p.0).min().unwrap(),
        red.iter().map(|p| p.0).max().unwrap(),
    );
    let spike_x = x_lo + (x_hi - x_lo) * spike / (n - 1);
    let top_in = |xs: std::ops::RangeInclusive<usize>| {
        red.iter()
            .filter(|p| xs.contains(&p.0))
            .map(|p| p.1)
            .min()
            .unwrap_or(base)
    };
    let spike_top = top_in(spike_x.saturating_sub(2)..=spike_x + 2);
    let rest_top = red
        .iter()
        .filter(|p| p.0 + 4 < spike_x || p.0 > spike_x + 4)
        .map(|p| p.1)
        .min()
        .unwrap();
    let (spike_h, rest_h) = (base - spike_top, base - rest_top);
    assert!(
        spike_h > rest_h,
        "the spike (bar height {spike_h} px) must stand above the curve ({rest_h} px)"
    );
    assert!(
        rest_h * 2 >= spike_h,
        "the curve's peak ({rest_h} px) is squashed under an axis scaled to one day ({spike_h} px)"
    );
}

/// Germany's deaths: one day of −7 against peaks of about 1,200 must not cost a whole tick
/// below zero (the axis went to −250).
#[test]
fn a_small_negative_gets_a_sliver_below_zero() {
    let mut bars: Vec<f64> = (0..1000)
        .map(|i| 1_200.0 * (-((i as f64 - 400.0) / 80.0).powi(2)).exp())
        .collect();
    bars[700] = -7.0;
    let ma = moving_average(&bars);
    let img = Img::render(&bar_chart(&bars, &ma));
    let red = img.pixels(RED);
    let top = red.iter().map(|p| p.1).min().unwrap();
    // Zero: the row most bars start from (their lowest pixel).
    let mut bottoms = std::collections::BTreeMap::<usize, usize>::new();
    for x in red
        .iter()
        .map(|p| p.0)
        .collect::<std::collections::BTreeSet<_>>()
    {
        let b = red.iter().filter(|p| p.0 == x).map(|p| p.1).max().unwrap();
        *bottoms.entry(b).or_default() += 1;
    }
    let zero = *bottoms.iter().max_by_key(|e| e.1).unwrap().0;
    let axis = img.axis_row();
    let below = axis - zero;
    let above = zero - top;
    assert!(
        below * 20 <= above,
        "{below} px below zero for a −7 against {above} px for 1,200"
    );
}

fn flat_lines_chart<'a>(lines: &'a [Vec<f64>], days: usize, log: bool) -> Chart<'a> {
    let colors = [RED, BLUE, GREEN];
    Chart {
        phone: false,
        width: 720,
        height: 360,
        start: start(),
        days,
        panels: vec![Panel {
            title: "Compare".into(),
            log,
            lines: lines
                .iter()
                .zip(colors)
                .enumerate()
                .map(|(k, (v, color))| Trace {
                    label: ["Alphaland", "Betaland", "Gammaland"][k],
                    values: v,
                    color,
                })
                .collect(),
            end_labels: true,
            x_days: true,
            ..Default::default()
        }],
    }
}

/// Compare charts: three lines ending close together. Their labels have to move apart, but
/// what joins a label to its line must not look like the line going up or down at the end:
/// a line's colour appears only along the line itself (and a small dot at its end).
#[test]
fn end_label_leaders_do_not_read_as_data() {
    let lines: Vec<Vec<f64>> = [1000.0, 1010.0, 990.0]
        .iter()
        .map(|&v| (0..100).map(|i| v * (i as f64 / 99.0)).collect())
        .collect();
    let img = Img::render(&flat_lines_chart(&lines, 100, false));
    // Every line ends on the last day: at the right end of the x axis.
    let axis = img.axis_row();
    let end_x = (0..img.w).filter(|&x| img.is(x, axis, AXIS)).max().unwrap();
    for c in [RED, BLUE, GREEN] {
        let px = img.pixels(c);
        assert!(!px.is_empty());
        let stray: Vec<_> = px.iter().filter(|p| p.0 > end_x + 3).collect();
        assert!(
            stray.is_empty(),
            "{c:?}: {} pixels of the line's colour right of its end at x = {end_x}: {:?}",
            stray.len(),
            &stray[..stray.len().min(5)]
        );
        // No vertical "crash" at the end: the last columns hold at most a dot's height.
        for x in end_x.saturating_sub(6)..=end_x + 3 {
            let rows: Vec<usize> = px.iter().filter(|p| p.0 == x).map(|p| p.1).collect();
            if let (Some(a), Some(b)) = (rows.iter().min(), rows.iter().max()) {
                assert!(b - a <= 8, "{c:?}: column {x} spans rows {a}..={b}");
            }
        }
    }
}

/// Log charts: a value below the axis minimum is not drawn on the axis. Japan-like: 0.001
/// a day for 100 days, then growth from 0.01 to 100,000 (eight decades; the axis shows at
/// most six). Nothing left of where the line reaches the axis minimum (day 100 and later) may
/// be drawn near the axis: days 0–99 lie below it.
#[test]
fn log_lines_start_where_they_reach_the_axis() {
    let v: Vec<f64> = (0..300)
        .map(|i| {
            if i < 100 {
                0.001
            } else {
                10f64.powf(-2.0 + 7.0 * (i - 100) as f64 / 199.0)
            }
        })
        .collect();
    let lines = vec![v];
    let img = Img::render(&flat_lines_chart(&lines, 300, true));
    let axis = img.axis_row();
    let red = img.plot_pixels(RED);
    let (left, right) = (img.axis_col(), red.iter().map(|p| p.0).max().unwrap());
    let day100 = left + (right - left) * 100 / 299;
    let on_axis: Vec<_> = red
        .iter()
        .filter(|p| p.1 + 3 >= axis && p.0 < day100)
        .collect();
    assert!(
        on_axis.is_empty(),
        "{} line pixels on the axis (row {axis}), e.g. {:?}",
        on_axis.len(),
        &on_axis[..on_axis.len().min(5)]
    );
}

/// Sandbox and compare charts: end labels never overlap, even when the lines end at
/// different days (labels used to be grouped by where the lines end, and two groups could
/// print on top of each other).
#[test]
fn end_labels_do_not_collide() {
    let mk = |end: usize, v: f64| -> Vec<f64> {
        (0..100)
            .map(|i| if i <= end { v } else { f64::NAN })
            .collect()
    };
    // Same height, ends 11 days apart (about 60 px).
    let lines = vec![mk(88, 500.0), mk(99, 500.0), mk(99, 100.0)];
    let img = Img::render(&flat_lines_chart(&lines, 100, false));
    // Label text is drawn in a darker shade of each colour (70 %), antialiased on white:
    // a pixel of a label is darker than the line colour in its own channel and weak in the
    // others (the line itself, or its antialiasing, keeps 255 in its channel).
    let label_px = |channel: usize| -> Vec<(usize, usize)> {
        (0..img.h)
            .flat_map(|y| (0..img.w).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let p = (y * img.w + x) * 3;
                let c = &img.px[p..p + 3];
                (150..=230).contains(&c[channel])
                    && (0..3).filter(|&k| k != channel).all(|k| c[k] <= 80)
            })
            .collect()
    };
    let boxes: Vec<(usize, usize, usize, usize)> = [0, 2]
        .iter()
        .map(|&channel| {
            let px = label_px(channel);
            assert!(px.len() > 20, "no label text in channel {channel}");
            (
                px.iter().map(|p| p.0).min().unwrap(),
                px.iter().map(|p| p.0).max().unwrap(),
                px.iter().map(|p| p.1).min().unwrap(),
                px.iter().map(|p| p.1).max().unwrap(),
            )
        })
        .collect();
    let (a, b) = (boxes[0], boxes[1]);
    let overlap = a.0 <= b.1 && b.0 <= a.1 && a.2 <= b.3 && b.2 <= a.3;
    assert!(!overlap, "labels overlap: {a:?} and {b:?}");
}
