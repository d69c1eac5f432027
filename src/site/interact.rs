//! The data the browser reads for values on hover and for comparing any regions, and the
//! chart descriptions (`data-hover`) that tell `assets/hover.js` where a chart's data sits in
//! its image.
//!
//! Data files are scripts, not JSON, because `fetch()` fails on pages opened from file://:
//! a page injects `<script src>` and the file calls `seecovidData(NAME, OBJECT)`. Every file
//! lives under `data/` and is named `data/NAME.js`:
//!
//! - `data/regions/ID.js` — one region (name `regions/ID`): `id`, `name`, `full_name`,
//!   `level`, `population` (or null), `start` (ISO date of index 0), `window` (days of the
//!   average the site draws), and per day `new_confirmed`, `new_deaths`
//!   (whole numbers; day 0 holds the cumulative value, so running sums give the totals; the
//!   same numbers as the region's CSV) and `new_recovered` (shorter where JHU stopped
//!   publishing; null where never published); `anomalies_confirmed`, `anomalies_deaths`: the
//!   day indices whose reported value is not used as it is (docs/data-rules.md §4);
//!   `ma_confirmed`, `ma_deaths`: the published N-day averages (`measures::NewSeries::mean`,
//!   the numbers every page shows) as a string of hundredths, delta-coded, empty = no
//!   change, `n` = none (`Compact`), and `status_confirmed`,
//!   `status_deaths`: `[first day, last day, label]` runs of days that have no average because
//!   the region was not reporting, reported at state level only, or has no data.
//! - `data/sandbox/NAME.js` — one SIR model run: `s`, `i`, `r` per day (people).

use chrono::NaiveDate;
use plotters::style::RGBColor;
use serde::Serialize;

use anyhow::Result;

use super::Site;
use super::pictures::Drawn;
use crate::data::{Dataset, Level, Region};
use crate::measures::Derived;
use crate::quality::Status;
use crate::render::chart::{Chart, PanelGeom};

/// `data/NAME.js`: the file a page injects to get the object named `name`.
pub(crate) fn data_path(name: &str) -> String {
    format!("data/{name}.js")
}

/// The script text of a data file: one call, so the loader knows which object arrived.
pub(crate) fn script(name: &str, json: &str) -> String {
    // `</` never occurs in our JSON, but the file is a script: keep it inert anyway.
    format!(
        "seecovidData({},{});\n",
        serde_json::to_string(name).expect("a string serializes"),
        json.replace("</", "<\\/")
    )
}

#[derive(Serialize)]
struct RegionData<'a> {
    id: &'a str,
    name: &'a str,
    full_name: &'a str,
    level: &'a str,
    population: Option<u64>,
    start: NaiveDate,
    window: usize,
    new_confirmed: &'a [i64],
    new_deaths: &'a [i64],
    new_recovered: Option<&'a [Option<i64>]>,
    /// Day indices of reporting anomalies.
    anomalies_confirmed: Vec<usize>,
    anomalies_deaths: Vec<usize>,
    /// The published averages: the browser shows these, it never recomputes them.
    ma_confirmed: Compact<'a>,
    ma_deaths: Compact<'a>,
    status_confirmed: Vec<(usize, usize, &'static str)>,
    status_deaths: Vec<(usize, usize, &'static str)>,
}

/// The averages as one string: hundredths (the averages are rounded to hundredths once, in
/// `measures::new_series`), the first value then the change from the last value given,
/// separated by `,`; an empty change is 0 (flat stretches cost one comma), `n` is none.
/// On the real data this is about a third of an array of decimals.
struct Compact<'a>(&'a [f64]);

impl Serialize for Compact<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use std::fmt::Write as _;
        let mut out = String::with_capacity(self.0.len() * 3);
        let mut prev = 0i64;
        for (i, &v) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if v.is_finite() && v.abs() < 1e12 {
                let q = (v * 100.0).round() as i64;
                if q != prev {
                    let _ = write!(out, "{}", q - prev);
                }
                prev = q;
            } else {
                out.push('n');
            }
        }
        ser.serialize_str(&out)
    }
}

/// Runs of days whose status is not "reported", with what the page says instead.
fn status_runs(status: &[Status]) -> Vec<(usize, usize, &'static str)> {
    let mut out: Vec<(usize, usize, &'static str)> = Vec::new();
    for (i, st) in status.iter().enumerate() {
        if *st == Status::Reported {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.1 + 1 == i && last.2 == st.label() => last.1 = i,
            _ => out.push((i, i, st.label())),
        }
    }
    out
}

/// The indices of the flagged days.
fn flagged<T>(mask: &[Option<T>]) -> Vec<usize> {
    mask.iter()
        .enumerate()
        .filter_map(|(i, a)| a.is_some().then_some(i))
        .collect()
}

/// `regions/ID`: the name of a region's data file.
pub(crate) fn region_name(r: &Region) -> String {
    format!("regions/{}", r.id)
}

/// The URL hash of compare/any.html that picks `ids` and shows `view` (the format
/// `assets/compare.js` reads: `#regions=ID,ID&view=WHAT-MEASURE-SCALE-UNIT-ALIGN`).
pub(crate) fn compare_any_hash(ids: &[&str], view: &str) -> String {
    format!("#regions={}&view={view}", ids.join(","))
}

/// The text of `data/regions/ID.js`.
pub(crate) fn region_script(r: &Region, full_name: &str, d: &Derived, window: usize) -> String {
    let data = RegionData {
        id: &r.id,
        name: &r.name,
        full_name,
        level: r.level.as_str(),
        population: r.population.filter(|&p| p > 0),
        start: r.series.start,
        window,
        new_confirmed: &d.new_confirmed,
        new_deaths: &d.new_deaths,
        new_recovered: d.new_recovered.as_deref(),
        anomalies_confirmed: flagged(&d.anomalies_confirmed),
        anomalies_deaths: flagged(&d.anomalies_deaths),
        ma_confirmed: Compact(&d.cases.mean),
        ma_deaths: Compact(&d.deaths.mean),
        status_confirmed: status_runs(&d.cases.status),
        status_deaths: status_runs(&d.deaths.status),
    };
    script(
        &region_name(r),
        &serde_json::to_string(&data).expect("plain data serializes"),
    )
}

/// A model run's values rounded to hundredths of a person (what a tooltip can show).
fn people(v: &[f64]) -> Vec<f64> {
    v.iter().map(|x| (x * 100.0).round() / 100.0).collect()
}

/// The text of `data/sandbox/NAME.js`: fields `s`, `i`, `r` (susceptible, infected,
/// recovered people per day) and, when given, `i0` (infected without the scenario's changes).
pub(crate) fn sir_script(name: &str, run: &crate::sandbox::Run, base_i: Option<&[f64]>) -> String {
    let mut m = serde_json::Map::new();
    m.insert("s".into(), people(&run.s).into());
    m.insert("i".into(), people(&run.i).into());
    m.insert("r".into(), people(&run.r).into());
    if let Some(b) = base_i {
        m.insert("i0".into(), people(b).into());
    }
    script(
        name,
        &serde_json::to_string(&m).expect("plain data serializes"),
    )
}

/// Where one drawn series comes from: the data file `data`, its field `key`, and index
/// `i + off` of that field for day `i` of the chart; `per` > 0 divides by the population and
/// multiplies by `per`.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub(crate) struct SeriesRef {
    pub(crate) label: String,
    pub(crate) data: String,
    pub(crate) key: String,
    pub(crate) off: i64,
    pub(crate) per: u64,
    pub(crate) color: String,
    pub(crate) bar: bool,
}

impl SeriesRef {
    pub(crate) fn new(label: &str, data: &str, key: &str, color: RGBColor) -> Self {
        SeriesRef {
            label: label.into(),
            data: data.into(),
            key: key.into(),
            off: 0,
            per: 0,
            color: hex(color),
            bar: false,
        }
    }
}

pub(crate) fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[derive(Serialize)]
struct PanelSpec<'a> {
    #[serde(flatten)]
    geom: &'a PanelGeom,
    series: &'a [SeriesRef],
}

/// The geometry of a chart's other layout: used while `media` matches.
#[derive(Serialize)]
struct AltGeom<'a> {
    media: &'a str,
    w: u32,
    h: u32,
    panels: &'a [PanelGeom],
}

#[derive(Serialize)]
struct HoverSpec<'a> {
    w: u32,
    h: u32,
    /// Date of day 0, or null when the x axis counts days.
    start: Option<NaiveDate>,
    panels: Vec<PanelSpec<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    alt: Option<AltGeom<'a>>,
}

/// The `data-hover` attribute of a chart offered in two layouts (`site::pictures`): its size,
/// the geometry of each panel and what each drawn series is (`series[k]` lists panel k's
/// series, bars first, then lines), and `alt`, the phone layout's size and geometry with the
/// media query that selects it.
pub(crate) fn picture_hover(chart: &Chart, drawn: &Drawn, series: &[Vec<SeriesRef>]) -> String {
    let p = &drawn.picture;
    let alt = AltGeom {
        media: &p.media,
        w: p.phone_width,
        h: p.phone_height,
        panels: &drawn.phone_geom,
    };
    spec_json(chart, &drawn.geom, series, Some(alt))
}

/// `data-hover` for one layout, with the other one's geometry if any.
fn spec_json(
    chart: &Chart,
    geom: &[PanelGeom],
    series: &[Vec<SeriesRef>],
    alt: Option<AltGeom>,
) -> String {
    let x_days = chart.panels.first().is_some_and(|p| p.x_days);
    let spec = HoverSpec {
        w: chart.width,
        h: chart.height,
        start: (!x_days).then_some(chart.start),
        panels: geom
            .iter()
            .zip(series)
            .map(|(g, s)| PanelSpec { geom: g, series: s })
            .collect(),
        alt,
    };
    attr_json(serde_json::to_string(&spec).expect("plain data serializes"))
}

/// JSON that can sit unescaped in a single-quoted HTML attribute (`data-hover='…'`): the
/// three characters that could end or change the attribute become JSON `\u` escapes, which
/// are only valid inside JSON strings, where they mean the same character. Entity-escaping
/// every `"` instead doubled the size of the region pages.
pub(crate) fn attr_json(json: String) -> String {
    if !json.contains(['&', '\'', '<']) {
        return json;
    }
    json.replace('&', "\\u0026")
        .replace('\'', "\\u0027")
        .replace('<', "\\u003c")
}

/// The series of a chart's panels in drawing order, named by `keys[panel][k]` in the data file
/// `data` (bars first, then lines; labels and colours from the chart).
pub(crate) fn series_of(chart: &Chart, data: &str, keys: &[&[&str]]) -> Vec<Vec<SeriesRef>> {
    chart
        .panels
        .iter()
        .zip(keys)
        .map(|(p, keys)| {
            let bars = p.bars.iter().map(|t| (t, true));
            let lines = p.lines.iter().map(|t| (t, false));
            bars.chain(lines)
                .zip(keys.iter())
                .map(|((t, bar), key)| SeriesRef {
                    bar,
                    ..SeriesRef::new(t.label, data, key, t.color)
                })
                .collect()
        })
        .collect()
}

/// The examples the compare page offers before the visitor picks regions (links that set the
/// URL hash; nothing is loaded until one is followed): the three countries with the most
/// confirmed cases, and one region of each level.
fn examples(ds: &Dataset) -> Vec<(String, String)> {
    let last = |r: &Region| r.series.confirmed.last().copied().unwrap_or(0);
    let top = |l: Level, n: usize| -> Vec<&Region> {
        let mut v: Vec<&Region> = ds.regions.iter().filter(|r| r.level == l).collect();
        v.sort_by(|a, b| last(b).cmp(&last(a)).then_with(|| a.id.cmp(&b.id)));
        v.truncate(n);
        v
    };
    let link = |label: String, rs: &[&Region], view: &str| -> (String, String) {
        let ids: Vec<&str> = rs.iter().map(|r| r.id.as_str()).collect();
        (label, format!("#regions={}&view={view}", ids.join(",")))
    };
    let mut out = Vec::new();
    let countries = top(Level::Country, 3);
    if !countries.is_empty() {
        let names: Vec<&str> = countries.iter().map(|r| r.name.as_str()).collect();
        out.push(link(
            format!("The countries with the most cases: {}", names.join(", ")),
            &countries,
            "cases-new-linear-absolute-date",
        ));
    }
    let levels: Vec<&Region> = [
        Level::Country,
        Level::Province,
        Level::UsState,
        Level::UsCounty,
    ]
    .into_iter()
    .filter_map(|l| top(l, 1).first().copied())
    .collect();
    if levels.len() > 1 {
        let names: Vec<String> = levels.iter().map(|r| r.full_name(&ds.regions)).collect();
        out.push(link(
            format!(
                "Deaths per 100,000 people, one region of each level: {}",
                names.join("; ")
            ),
            &levels,
            "deaths-total-log-per100k-date",
        ));
    }
    out
}

/// The G7 countries, by id: a preset compare group and compare-any's default chart.
pub(crate) const G7: [&str; 7] = [
    "canada",
    "france",
    "germany",
    "italy",
    "japan",
    "united-kingdom",
    "us",
];

/// The view compare/any.html opens on (compare.js's URL format, see there).
const DEFAULT_VIEW: &str = "cases-new-linear-per100k-date";

/// What compare/any.html shows before the visitor chooses: the G7 members in the data (the
/// three countries with the most cases when fewer than two are), new cases per 100,000
/// people. (Its name, the URL hash compare.js reads.)
fn default_choice(ds: &Dataset) -> (String, String) {
    let g7: Vec<&Region> = G7.iter().filter_map(|id| ds.by_id(id)).collect();
    let (name, rs) = if g7.len() >= 2 {
        ("the G7".to_string(), g7)
    } else {
        let mut v: Vec<&Region> = ds
            .regions
            .iter()
            .filter(|r| r.level == Level::Country && !crate::data::names::is_pseudo(r))
            .collect();
        let last = |r: &Region| r.series.confirmed.last().copied().unwrap_or(0);
        v.sort_by(|a, b| last(b).cmp(&last(a)).then_with(|| a.id.cmp(&b.id)));
        v.truncate(3);
        ("the countries with the most cases".to_string(), v)
    };
    let ids: Vec<&str> = rs.iter().map(|r| r.id.as_str()).collect();
    let names: Vec<&str> = rs.iter().map(|r| r.name.as_str()).collect();
    (
        format!("{name} ({})", names.join(", ")),
        format!("#regions={}&view={DEFAULT_VIEW}", ids.join(",")),
    )
}

/// `compare/any.html`: pick any regions; the chart is drawn by `assets/compare.js`.
pub(crate) fn write_compare_any(site: &Site) -> Result<()> {
    let rel = "compare/any.html";
    let mut ctx = site.context(rel, "Compare any regions", "compare/index.html");
    ctx.insert(
        "description",
        "Compare any regions: COVID-19 cases or deaths of up to ten countries, provinces, US states or counties in one chart",
    );
    ctx.insert("examples", &examples(site.dataset));
    ctx.insert("default", &default_choice(site.dataset));
    ctx.insert("window", &site.window());
    site.write_page(rel, "compare_any.html", &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::render::chart::{Panel, Trace, render_rgb_geom};

    /// The geometry is the renderer's own: a line from (day 0, 0) to (last day, 10) starts and
    /// ends on the pixels the geometry names, in a chart with two panels.
    #[test]
    fn geometry_names_the_pixels_the_line_is_drawn_on() {
        let vals = [0.0, 5.0, 10.0];
        let red = RGBColor(255, 0, 0);
        let panel = Panel {
            title: "t".into(),
            lines: vec![Trace {
                label: "x",
                values: &vals,
                color: red,
            }],
            ..Default::default()
        };
        let chart = Chart {
            phone: false,
            width: 400,
            height: 150,
            start: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            days: 3,
            panels: vec![panel.clone(), panel],
        };
        let (buf, geom) = render_rgb_geom(&chart).unwrap();
        assert_eq!(geom.len(), 2);
        let is_red = |x: i32, y: i32| {
            let p = (y as usize * 400 + x as usize) * 3;
            buf[p..p + 3] == [255, 0, 0]
        };
        for g in &geom {
            assert_eq!((g.x_lo, g.x_hi, g.y_lo, g.y_hi), (0.0, 2.0, 0.0, 10.0));
            assert!(g.px[0] < g.px[1] && g.py[0] > g.py[1], "{g:?}");
            assert!(is_red(g.px[0], g.py[0]), "start {g:?}");
            assert!(is_red(g.px[1], g.py[1]), "end {g:?}");
            // The middle point (day 1, value 5) is where linear interpolation puts it.
            let (mx, my) = ((g.px[0] + g.px[1]) / 2, (g.py[0] + g.py[1]) / 2);
            assert!(is_red(mx, my), "middle {g:?}");
        }
        assert!(
            geom[1].px[0] >= 200,
            "second panel in the right half: {:?}",
            geom[1]
        );
    }

    #[test]
    fn script_names_its_object() {
        assert_eq!(
            script("regions/x", "{\"a\":\"</b>\"}"),
            "seecovidData(\"regions/x\",{\"a\":\"<\\/b>\"});\n"
        );
        assert_eq!(data_path("regions/x"), "data/regions/x.js");
        let j = attr_json(r#"{"label":"Cote d'Ivoire & <b>"}"#.to_string());
        assert_eq!(j, r#"{"label":"Cote d\u0027Ivoire \u0026 \u003cb>"}"#);
        let back: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(back["label"], "Cote d'Ivoire & <b>");
    }
}
