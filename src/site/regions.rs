//! Region pages (one per country, province/state, US state and US county), their charts and
//! CSV downloads, `data/regions.json` and the searchable `regions/index.html`.

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use super::peers::Peers;
use super::{Figure, Site, interact, pictures, script_json};
use crate::data::{Dataset, Level, Region, names};
use crate::measures::{self, Derived};
use crate::output::Output;
use crate::output::csv::Table;
use crate::quality;
use crate::quality::Assessed;
use crate::render::chart::{self, Chart, Panel, Trace};
use crate::render::format::{count, csv_number, decimal, thousands};

pub const CSV_HEADER: &str = "date,confirmed,deaths,recovered,active,new_confirmed,new_deaths,\
new_recovered,new_active,new_confirmed_smoothed,new_deaths_smoothed";

pub fn page_path(r: &Region) -> String {
    format!("regions/{}.html", r.id)
}
pub fn csv_path(r: &Region) -> String {
    format!("data/regions/{}.csv", r.id)
}

/// What the overview and index pages need to know about a region after its page is built.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RegionSummary {
    pub index: usize,
    pub id: String,
    pub name: String,
    pub full_name: String,
    pub level: Level,
    pub page: String,
    pub last_date: String,
    pub confirmed: i64,
    pub deaths: i64,
    /// The last day's average of new cases per day (`None` where the region is not
    /// reporting or has no data on it).
    pub new7: Option<f64>,
    pub population: Option<u64>,
}

/// The region's CSV download (docs/method.md §2): ISO dates, true day-over-day values
/// (negatives kept) exactly as JHU published them, empty cells where a value is not
/// published; then the smoothed daily values the averages are made of (reports spread over
/// the days they cover, empty where left out or unknown: docs/data-rules.md §3–5). The
/// averages themselves are in `latest`, the maps' `frames.csv.gz` and the pages' data files.
pub fn region_csv(r: &Region, d: &Derived) -> Result<String> {
    let s = &r.series;
    let header: Vec<&str> = CSV_HEADER.split(',').collect();
    let mut csv = Table::with_capacity(&header, s.len() * 64);
    // Empty where not published or not reported (docs/data-rules.md §1).
    let opt = |v: Option<&Vec<Option<i64>>>, i: usize| v.and_then(|v| v.get(i).copied().flatten());
    for i in 0..s.len() {
        csv.cell_fmt(s.date(i))?;
        csv.cell_fmt(s.confirmed[i])?;
        csv.cell_fmt(s.deaths[i])?;
        csv.cell_opt(opt(s.recovered.as_ref(), i))?;
        csv.cell_opt(opt(d.active.as_ref(), i))?;
        csv.cell_fmt(d.new_confirmed[i])?;
        csv.cell_fmt(d.new_deaths[i])?;
        csv.cell_opt(opt(d.new_recovered.as_ref(), i))?;
        csv.cell_opt(opt(d.new_active.as_ref(), i))?;
        csv.cell(csv_number(d.cases.smoothed[i]))?;
        csv.cell(csv_number(d.deaths.smoothed[i]))?;
        csv.end_row()?;
    }
    Ok(String::from_utf8(csv.finish()?)?)
}

#[derive(Serialize)]
struct Link {
    name: String,
    href: String,
}

#[derive(Serialize, serde::Deserialize, Clone)]
struct ChartCtx {
    #[serde(flatten)]
    picture: pictures::Picture,
    alt: String,
    caption: String,
    /// `data-hover`: where the chart's data sits in the image (see `site::interact`).
    hover: String,
}

pub(crate) const W: u32 = 720;
pub(crate) const H: u32 = 260;
/// Height of a panel in the phone layout.
pub(crate) const PHONE_PANEL_H: u32 = 260;
/// The main chart (new cases and deaths per day, side by side): drawn at MAIN_W × MAIN_H and
/// shown at the width of the page's column (1,068 px inside `main`'s 1,100), SHOWN_W × SHOWN_H:
/// an SVG scales without blur, and its 12-px ticks read as 12 / 1.24 × 1.37 = 13.2 px instead
/// of the 9.7 px of a chart shown at its drawn size (issue 22, item 6).
const MAIN_W: u32 = 760;
const MAIN_H: u32 = 285;
const SHOWN_W: u32 = 1040;
const SHOWN_H: u32 = 390;
/// Height of each of the main chart's two panels in the phone layout (stacked: 440 px).
const MAIN_PHONE_PANEL_H: u32 = 220;

fn peak(v: &[f64]) -> Option<(usize, f64)> {
    v.iter()
        .copied()
        .enumerate()
        .filter(|(_, x)| x.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// One region's chart files as they are written: the page's chart list and the unit's files.
struct Charts<'a> {
    out: &'a Output,
    id: &'a str,
    /// The region's data file for the browser (`site::interact`).
    data: String,
    files: Vec<String>,
    list: Vec<ChartCtx>,
}

impl Charts<'_> {
    /// Writes one chart. `keys[panel]` names the data-file fields of the panel's bars and
    /// lines, for the values on hover.
    fn emit(
        &mut self,
        kind: &str,
        chart: &Chart,
        keys: &[&[&str]],
        alt: String,
        caption: String,
    ) -> Result<()> {
        let c = self.draw(kind, chart, keys, alt, caption, PHONE_PANEL_H)?;
        self.list.push(c);
        Ok(())
    }

    /// Writes one chart's two files and returns what the page needs to show it.
    fn draw(
        &mut self,
        kind: &str,
        chart: &Chart,
        keys: &[&[&str]],
        alt: String,
        caption: String,
        phone_panel_h: u32,
    ) -> Result<ChartCtx> {
        let src = format!("img/{}-{kind}.svg", self.id);
        let drawn = pictures::write(self.out, "regions", &src, chart, phone_panel_h)?;
        self.files.push(format!("regions/{src}"));
        self.files
            .push(format!("regions/{}", drawn.picture.phone_src));
        let series = interact::series_of(chart, &self.data, keys);
        Ok(ChartCtx {
            hover: interact::picture_hover(chart, &drawn, &series),
            picture: drawn.picture,
            alt,
            caption,
        })
    }
}

/// What the charts' texts say about the region: its full name, date span and window.
struct About<'a> {
    r: &'a Region,
    d: &'a Derived,
    full: &'a str,
    span: String,
    window: usize,
    /// Per-capita divisor of the right axis of the daily charts.
    per_capita: u64,
}

impl About<'_> {
    fn chart<'t>(&self, panels: Vec<Panel<'t>>) -> Chart<'t> {
        Chart {
            phone: false,
            width: W,
            height: H,
            start: self.r.series.start,
            days: self.r.series.len(),
            panels,
        }
    }

    /// " The 7-day average of new cases peaked at 1,234 per day on 2021-01-08." (or nothing).
    fn peak_text(&self, v: &[f64], what: &str) -> String {
        match peak(v) {
            Some((i, x)) if x > 0.0 => format!(
                " The {}-day average of {what} peaked at {} per day on {}.",
                self.window,
                decimal(x),
                self.r.series.date(i)
            ),
            _ => String::new(),
        }
    }
}

/// Builds one region's charts and CSV and the figures its page shows.
fn build_assets(site: &Site, idx: usize) -> Result<(RegionAssets, Vec<String>)> {
    let ds = site.dataset;
    let r = &ds.regions[idx];
    test_hooks::maybe_panic(&r.id);
    let s = &r.series;
    let d = measures::derive(s, &ds.quality.regions[idx], site.window());
    let full = r.full_name(&ds.regions);
    let out = site.output;
    out.write(&csv_path(r), region_csv(r, &d)?.as_bytes())?;
    let data = interact::region_name(r);
    let data_rel = interact::data_path(&data);
    let script = interact::region_script(r, &full, &d, site.window());
    out.write(&data_rel, script.as_bytes())?;
    let mut charts = Charts {
        out,
        id: &r.id,
        data,
        files: vec![csv_path(r), data_rel],
        list: Vec::new(),
    };
    let about = About {
        r,
        d: &d,
        full: &full,
        span: format!("{} to {}", s.start, s.end()),
        window: site.window(),
        per_capita: site.per_capita(),
    };
    let unit = &ds.quality.regions[idx].reported_in;
    let (main, key) = match unit {
        // Its own row is 0 (or nearly): its page shows the unit's charts and figures, so no
        // chart of its own is drawn (issue 22, item 9).
        Some(u) => (
            None,
            KeyFigures {
                headline: counted_elsewhere_figures(&u.name),
                note: String::new(),
                figures: latest_figure(r),
            },
        ),
        None => {
            let main = main_chart(&about, &mut charts)?;
            cumulative_charts(&about, &mut charts)?;
            recovered_chart(&about, &mut charts)?;
            (
                Some(main),
                key_figures(r, &d, site.per_capita(), site.window()),
            )
        }
    };
    let assets = RegionAssets {
        headline: key.headline,
        headline_note: key.note,
        figures: key.figures,
        summary: summary(r, idx, &d, full),
        main,
        charts: charts.list,
    };
    Ok((assets, charts.files))
}

/// One panel of the main chart: daily bars with their moving average.
struct Daily<'d> {
    title: &'static str,
    what: &'static str,
    keys: [&'static str; 2],
    values: &'d [i64],
    ma: &'d [f64],
    anomalies: &'d [Option<quality::Anomaly>],
    light: plotters::style::RGBColor,
    dark: plotters::style::RGBColor,
}

impl Daily<'_> {
    /// What the alt text says of the panel beyond its title: peak, corrections, clipped days.
    fn notes(&self, a: &About, bars: &[f64], flagged: Option<&[bool]>) -> String {
        let neg_note = match self.values.iter().filter(|&&x| x < 0).count() {
            0 => String::new(),
            1 => " 1 day has a negative value (a correction), drawn below zero.".to_string(),
            n => format!(
                " {} days have negative values (corrections), drawn below zero.",
                thousands(n as i64)
            ),
        };
        let clip_note = clipped_note(a, bars, flagged, self.ma);
        format!("{}{neg_note}{clip_note}", a.peak_text(self.ma, self.what))
    }
}

/// The main chart: new cases and new deaths per day (bars and their moving average), side by
/// side on a desktop and stacked on a phone, with a per-capita right axis. It opens the page.
fn main_chart(a: &About, charts: &mut Charts) -> Result<ChartCtx> {
    let d = a.d;
    let daily = [
        Daily {
            title: "New confirmed cases per day",
            what: "new cases",
            keys: ["new_confirmed", "ma_confirmed"],
            values: &d.new_confirmed,
            ma: d.ma_confirmed(),
            anomalies: &d.anomalies_confirmed,
            light: chart::CASES_LIGHT,
            dark: chart::CASES,
        },
        Daily {
            title: "New deaths per day",
            what: "new deaths",
            keys: ["new_deaths", "ma_deaths"],
            values: &d.new_deaths,
            ma: d.ma_deaths(),
            anomalies: &d.anomalies_deaths,
            light: chart::DEATHS_LIGHT,
            dark: chart::DEATHS,
        },
    ];
    let (w, full, span) = (a.window, a.full, &a.span);
    // The same daily charts read per capita: a right axis scaled by the population.
    let per = a.per_capita as f64;
    let per_axis = a.r.population.filter(|&p| p > 0).map(|p| {
        (
            per / p as f64,
            format!("per {}", crate::render::format::si(per)),
        )
    });
    let per_note = match per_axis {
        Some(_) => format!(
            " Right axes: per {} people.",
            thousands(a.per_capita as i64)
        ),
        None => String::new(),
    };
    let bars: Vec<Vec<f64>> = daily.iter().map(|p| measures::to_f64(p.values)).collect();
    // Anomalous days (data rules) are drawn grey and do not set the axis.
    let flags: Vec<Vec<bool>> = daily
        .iter()
        .map(|p| p.anomalies.iter().map(Option::is_some).collect())
        .collect();
    let flagged = |k: usize| flags[k].contains(&true).then_some(flags[k].as_slice());
    let panels = daily
        .iter()
        .enumerate()
        .map(|(k, p)| Panel {
            title: p.title.to_string(),
            bars: Some(Trace {
                label: "per day",
                values: &bars[k],
                color: p.light,
            }),
            lines: vec![Trace {
                label: "moving average",
                values: p.ma,
                color: p.dark,
            }],
            right_axis: per_axis.clone(),
            flagged: flagged(k),
            ..Default::default()
        })
        .collect();
    let chart = Chart {
        width: MAIN_W,
        height: MAIN_H,
        ..a.chart(panels)
    };
    let grey = if flagged(0).is_some() || flagged(1).is_some() {
        " Grey bars: days with a reporting anomaly, left out of the average."
    } else {
        ""
    };
    let alt = format!(
        "Two bar charts of new confirmed cases and new deaths per day in {full}, {span}, each with its {w}-day average line (each day the mean of that day and the 6 before, reports spread over the days they cover).{}{}{grey}",
        daily[0].notes(a, &bars[0], flagged(0)),
        daily[1].notes(a, &bars[1], flagged(1)),
    );
    let caption = format!(
        "New confirmed cases and new deaths per day in {full}, with the {w}-day average.{grey}{per_note}"
    );
    let keys: Vec<&[&str]> = daily.iter().map(|p| &p.keys[..]).collect();
    let mut ctx = charts.draw("daily", &chart, &keys, alt, caption, MAIN_PHONE_PANEL_H)?;
    // Shown wider than drawn (see MAIN_W); the hover geometry is in drawn pixels.
    ctx.picture.width = SHOWN_W;
    ctx.picture.height = SHOWN_H;
    Ok(ctx)
}

/// Days beyond the axis of a daily chart (single-day dumps, big corrections) are cut at its
/// edge and labelled with their value: the alt text names them, so picture and text agree.
fn clipped_note(a: &About, bars: &[f64], flagged: Option<&[bool]>, ma: &[f64]) -> String {
    let axis = crate::render::bars::bar_axis(bars, flagged, &[ma]);
    let clipped: Vec<String> = bars
        .iter()
        .enumerate()
        .filter(|(_, v)| axis.clips(**v))
        .map(|(i, v)| format!("{} on {}", thousands(*v as i64), a.r.series.date(i)))
        .collect();
    match clipped.len() {
        0 => String::new(),
        n if n <= 5 => format!(
            " Beyond the axis, cut at its edge and marked with their value: {}.",
            clipped.join(", ")
        ),
        n => format!(
            " {} beyond the axis are cut at its edge and marked with their value.",
            count(n as i64, "day", "days")
        ),
    }
}

/// Cumulative totals on a linear and on a log axis.
fn cumulative_charts(a: &About, charts: &mut Charts) -> Result<()> {
    let s = &a.r.series;
    let (full, span) = (a.full, &a.span);
    let cc = measures::to_f64(&s.confirmed);
    let cd = measures::to_f64(&s.deaths);
    let last_c = *s.confirmed.last().unwrap_or(&0);
    let last_d = *s.deaths.last().unwrap_or(&0);
    let line = |label, values, color| Trace {
        label,
        values,
        color,
    };
    // The rebuilt US series' seam shows as a step in the totals: mark it where it is flagged.
    let seam = |flags: &[Option<quality::Anomaly>]| -> Vec<(usize, String)> {
        flags
            .iter()
            .position(|f| *f == Some(quality::Anomaly::Seam))
            .map(|i| (i, "source switch".to_string()))
            .into_iter()
            .collect()
    };
    let linear = a.chart(vec![
        Panel {
            title: "Total confirmed cases".into(),
            lines: vec![line("confirmed", &cc, chart::CASES)],
            markers: seam(&a.d.anomalies_confirmed),
            ..Default::default()
        },
        Panel {
            title: "Total deaths".into(),
            lines: vec![line("deaths", &cd, chart::DEATHS)],
            markers: seam(&a.d.anomalies_deaths),
            ..Default::default()
        },
    ]);
    charts.emit(
        "cumulative",
        &linear,
        &[&["confirmed"], &["deaths"]],
        format!(
            "Two line charts on linear axes of the cumulative totals in {full}, {span}: confirmed cases reaching {} and deaths reaching {}.",
            thousands(last_c),
            thousands(last_d)
        ),
        match linear.panels.iter().find_map(|p| p.markers.first()) {
            Some((i, _)) => format!(
                "Cumulative totals on a linear axis. The dashed line marks {}, when the US series switches from the JHU time series to the daily reports: its step mixes later revisions into one day.",
                s.date(*i)
            ),
            None => "Cumulative totals on a linear axis.".into(),
        },
    )?;
    let log = a.chart(vec![Panel {
        title: "Total cases and deaths (log scale)".into(),
        log: true,
        lines: vec![
            line("confirmed", &cc, chart::CASES),
            line("deaths", &cd, chart::DEATHS),
        ],
        ..Default::default()
    }]);
    charts.emit(
        "cumulative-log",
        &log,
        &[&["confirmed", "deaths"]],
        format!(
            "Line chart on a logarithmic axis of cumulative confirmed cases and deaths in {full}, {span}; zero values are not drawn."
        ),
        "Cumulative totals on a logarithmic axis (days with a total of zero are left out).".into(),
    )
}

/// Recovered and active, up to the last date recovered was published (none where it never was).
fn recovered_chart(a: &About, charts: &mut Charts) -> Result<()> {
    let s = &a.r.series;
    let (Some(rec), Some(act)) = (&s.recovered, &a.d.active) else {
        return Ok(());
    };
    if rec.iter().all(Option::is_none) {
        // Never really reported (e.g. Sweden): an empty chart says nothing; the page's notes
        // say why there is none.
        return Ok(());
    }
    let (first, full, days) = (s.start, a.full, s.len());
    let until = s.date(rec.len().saturating_sub(1));
    let rf = measures::opt_to_f64(rec);
    let af = measures::opt_to_f64(act);
    let marker =
        (rec.len() < days).then(|| (rec.len() - 1, format!("not published after {until}")));
    let c = a.chart(vec![Panel {
        title: "Recovered and active cases".into(),
        lines: vec![
            Trace {
                label: "recovered",
                values: &rf,
                color: chart::RECOVERED,
            },
            Trace {
                label: "active",
                values: &af,
                color: chart::ACTIVE,
            },
        ],
        markers: marker.into_iter().collect(),
        ..Default::default()
    }]);
    // Days where recovered does not count as reported are gaps (docs/data-rules.md §1).
    let unknown = rec.iter().filter(|v| v.is_none()).count();
    let gaps = if unknown == 0 {
        String::new()
    } else {
        format!(
            " Recovered is not really reported on {unknown} of these days (never published, reset to 0 or frozen): those days are gaps."
        )
    };
    charts.emit(
        "recovered-active",
        &c,
        &[&["recovered", "active"]],
        format!(
            "Line chart of cumulative recovered and active cases in {full} from {first} to {until}; JHU stopped publishing recovered cases after {until}, so both lines end there.{gaps}"
        ),
        format!(
            "Recovered and active (confirmed − recovered − deaths, at least 0), published only up to {until}.{gaps}"
        ),
    )
}

/// The headline of a county whose cases are reported as part of another unit.
fn counted_elsewhere_figures(unit: &str) -> Vec<Figure> {
    vec![Figure::new(
        "Cases and deaths",
        format!("in {unit}"),
        "reported as part of it",
    )]
}

/// "Latest data": the last date and the series' span.
fn latest_figure(r: &Region) -> Vec<Figure> {
    let s = &r.series;
    let first_case = s.confirmed.iter().position(|&v| v > 0).map(|i| s.date(i));
    vec![Figure::new(
        "Latest data",
        s.end().to_string(),
        match first_case {
            Some(f) => format!("series from {}; first case {f}", s.start),
            None => format!("series from {}; no cases reported", s.start),
        },
    )]
}

/// The last day's average, or what stands in its place ("not reporting"): never a 0.00 beside
/// a "not reporting" elsewhere on the page.
fn mean_figure(label: &str, ns: &measures::NewSeries) -> Figure {
    let (Some(&v), Some(&st)) = (ns.mean.last(), ns.status.last()) else {
        return Figure::new(label, "no data", "");
    };
    match st {
        quality::Status::Reported => Figure::new(label, decimal(v), ""),
        st => Figure::new(label, st.label(), ""),
    }
}

/// The key figures: the headline row above the main chart (totals, the last averages, per
/// capita; one note for all of them) and the figures below it (recovered, dates).
fn key_figures(r: &Region, d: &Derived, per_capita: u64, window: usize) -> KeyFigures {
    let s = &r.series;
    let last = s.end();
    let last_c = *s.confirmed.last().unwrap_or(&0);
    let last_d = *s.deaths.last().unwrap_or(&0);
    let mut headline = vec![
        Figure::new("Confirmed cases", thousands(last_c), ""),
        Figure::new("Deaths", thousands(last_d), ""),
        mean_figure("New cases per day", &d.cases),
        mean_figure("New deaths per day", &d.deaths),
    ];
    headline.extend(per_capita_figures(r.population, last_c, last_d, per_capita));
    let population = match r.population {
        Some(p) => format!(
            "; per {} of a population of {}",
            thousands(per_capita as i64),
            thousands(p as i64)
        ),
        None => "; no per-capita values (population unknown)".into(),
    };
    let note = format!(
        "Totals on {last}; new per day: the {window}-day average on {last}, reports spread over the days they cover{population}."
    );
    let mut figures = Vec::new();
    if let Some(rec) = &s.recovered
        && let Some((i, v)) = rec
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, v)| v.map(|v| (i, v)))
    {
        figures.push(Figure::new(
            "Recovered",
            thousands(v),
            format!("last reported, {}", s.date(i)),
        ));
    }
    figures.extend(latest_figure(r));
    KeyFigures {
        headline,
        note,
        figures,
    }
}

/// What [`key_figures`] returns.
struct KeyFigures {
    headline: Vec<Figure>,
    note: String,
    figures: Vec<Figure>,
}

fn per_capita_figures(population: Option<u64>, cases: i64, deaths: i64, per: u64) -> Vec<Figure> {
    let Some(p) = population else {
        return vec![Figure::new("Population", "unknown", "")];
    };
    let per_label = format!("per {}", thousands(per as i64));
    let value = |v: i64| decimal(v as f64 * per as f64 / p as f64);
    // More cases than people: a data problem, said where the rate would be read.
    let cases_value = if cases > p as i64 {
        "above population".to_string()
    } else {
        value(cases)
    };
    vec![
        Figure::new(format!("Cases {per_label}"), cases_value, ""),
        Figure::new(format!("Deaths {per_label}"), value(deaths), ""),
    ]
}

fn summary(r: &Region, idx: usize, d: &Derived, full_name: String) -> RegionSummary {
    let s = &r.series;
    RegionSummary {
        index: idx,
        id: r.id.clone(),
        name: r.name.clone(),
        full_name,
        level: r.level,
        page: page_path(r),
        last_date: s.end().to_string(),
        confirmed: *s.confirmed.last().unwrap_or(&0),
        deaths: *s.deaths.last().unwrap_or(&0),
        new7: d.cases.mean.last().copied().filter(|v| v.is_finite()),
        population: r.population,
    }
}

/// Failure injection for the fail-safe tests (tests/incremental.rs): a panic inside a render
/// task for the region named by `SEECOVID_TEST_PANIC_REGION`. Compiled into every binary and
/// inert unless that variable is set: a cargo feature for it made the test build a second
/// seecovid (and each `cargo build` after `cargo test` rebuild it again).
mod test_hooks {
    use std::ffi::OsString;
    use std::sync::OnceLock;

    pub(super) fn maybe_panic(id: &str) {
        static TARGET: OnceLock<Option<OsString>> = OnceLock::new();
        let target = TARGET.get_or_init(|| std::env::var_os("SEECOVID_TEST_PANIC_REGION"));
        if target.as_deref().is_some_and(|v| v == id) {
            panic!("injected panic while rendering region {id}");
        }
    }
}

/// What a region page shows besides its links: made (with the charts and the CSV) only when
/// the region's data changes, so a template change re-renders pages, not charts.
#[derive(Serialize, serde::Deserialize)]
pub struct RegionAssets {
    summary: RegionSummary,
    /// The compact row above the main chart, and the note under it.
    headline: Vec<Figure>,
    headline_note: String,
    /// The figures below the charts.
    figures: Vec<Figure>,
    /// New cases and deaths per day (none for a county reported as part of another unit).
    main: Option<ChartCtx>,
    /// The other charts, below.
    charts: Vec<ChartCtx>,
}

/// One main-chart block of a page: the chart, whose it is, the region whose data its views
/// draw (`data/regions/ID.js`) and its "Compare with…" link.
#[derive(Serialize)]
struct MainBlock<'a> {
    heading: String,
    note: String,
    chart: &'a ChartCtx,
    id: &'a str,
    compare: String,
    /// Whether the per-capita view can be offered (the population is known).
    per_capita: bool,
}

/// `compare/any.html` with region `idx` and the regions it is compared with already picked:
/// its parent, or for a country its peers (`region_stats::peers`); per 100,000 people when
/// every one has a population.
fn compare_link(ds: &Dataset, peers: &Peers, idx: usize) -> String {
    let mut ids = vec![idx];
    match ds.regions[idx].parent {
        Some(p) => ids.push(p),
        None => ids.extend(peers.of(idx).0.iter().take(3)),
    }
    let per = ids
        .iter()
        .all(|&i| ds.regions[i].population.is_some_and(|p| p > 0));
    let view = if per {
        "cases-new-linear-per100k-date"
    } else {
        "cases-new-linear-absolute-date"
    };
    let names: Vec<&str> = ids.iter().map(|&i| ds.regions[i].id.as_str()).collect();
    format!(
        "../compare/any.html{}",
        interact::compare_any_hash(&names, view)
    )
}

/// The page's main charts and the charts below them: its own, or for a county reported as
/// part of another unit the unit's (each row's, labelled as the unit's).
fn page_charts<'a>(
    ds: &'a Assessed,
    peers: &Peers,
    idx: usize,
    all: &'a [RegionAssets],
) -> (Vec<MainBlock<'a>>, Vec<ChartCtx>) {
    let r = &ds.regions[idx];
    let block = |i: usize, heading: String, note: String| {
        all[i].main.as_ref().map(|chart| MainBlock {
            heading,
            note,
            chart,
            id: &ds.regions[i].id,
            compare: compare_link(ds, peers, i),
            per_capita: ds.regions[i].population.is_some_and(|p| p > 0),
        })
    };
    let Some(u) = &ds.quality.regions[idx].reported_in else {
        let main = block(idx, "New cases and deaths per day".into(), String::new());
        return (main.into_iter().collect(), all[idx].charts.clone());
    };
    let mut mains = Vec::new();
    let mut charts = Vec::new();
    for &ui in &u.regions {
        let row = &all[ui].summary.full_name;
        let note = format!(
            "{}'s cases and deaths are reported as part of {}, so the county has no charts of its own: these are {row}'s.",
            r.name, u.name
        );
        mains.extend(block(
            ui,
            format!("{row}: new cases and deaths per day"),
            note,
        ));
        charts.extend(all[ui].charts.iter().map(|c| ChartCtx {
            caption: format!("{row}: {}", c.caption),
            ..c.clone()
        }));
    }
    (mains, charts)
}

/// Renders a region's page from its assets (written only if its bytes changed).
fn write_page(
    site: &Site,
    idx: usize,
    all: &[RegionAssets],
    stats: &[super::region_stats::Stats],
    peers: &Peers,
    locator: &super::locator::Locator,
    who: Option<&super::who::RegionWho>,
) -> Result<()> {
    let ds = site.dataset;
    let r = &ds.regions[idx];
    let a = &all[idx];
    let full = &a.summary.full_name;
    let link = |i: usize| Link {
        name: ds.regions[i].name.clone(),
        href: format!("{}.html", ds.regions[i].id),
    };
    let mut crumbs = Vec::new();
    let mut p = r.parent;
    while let Some(i) = p {
        crumbs.push(link(i));
        p = ds.regions[i].parent;
    }
    crumbs.reverse();
    let children: Vec<Link> = r.children.iter().map(|&c| link(c)).collect();
    let child_label = match r.level {
        Level::Country if r.source == crate::data::Source::Us => "States and territories",
        Level::Country => "Provinces and states",
        Level::UsState => "Counties",
        _ => "",
    };
    let rel = page_path(r);
    let mut ctx = site.context(&rel, full, "regions/index.html");
    ctx.insert(
        "description",
        &format!("COVID-19 in {full}: confirmed cases and deaths per day, totals, per 100,000 people, charts and the data as CSV (JHU CSSE)"),
    );
    ctx.insert("name", &r.name);
    ctx.insert("full_name", full);
    ctx.insert("level", r.level.label());
    ctx.insert("crumbs", &crumbs);
    ctx.insert("children", &children);
    ctx.insert("child_label", child_label);
    ctx.insert("headline", &a.headline);
    ctx.insert("headline_note", &a.headline_note);
    ctx.insert("figures", &a.figures);
    let (mains, charts) = page_charts(ds, peers, idx, all);
    ctx.insert("mains", &mains);
    ctx.insert("charts", &charts);
    ctx.insert("csv", &format!("../{}", csv_path(r)));
    ctx.insert("window", &site.window());
    ctx.insert(
        "rebuilt_us",
        // The seam concerns the national and state series too (docs/data-rules.md §4).
        &(r.source == crate::data::Source::Us),
    );
    ctx.insert("locator", locator);
    super::region_stats::insert_page_context(
        &mut ctx,
        ds,
        stats,
        peers,
        idx,
        site.window(),
        site.per_capita() as f64,
    );
    ctx.insert("data_notes", &super::notes::region_notes(ds, idx));
    ctx.insert("city", &super::search::city_note(ds, idx));
    ctx.insert("who", &who);
    site.write_page(&rel, "region.html", &ctx)
}

/// Builds every region (in parallel) and returns their summaries in region order. A region's
/// charts, CSV and figures are one incremental unit; its page is rendered every build, after
/// every unit is made (a county reported as part of another unit shows that unit's charts).
pub(crate) fn build_all(site: &Site, bar: &indicatif::ProgressBar) -> Result<Vec<RegionSummary>> {
    let ds = site.dataset;
    let stats = super::region_stats::all_stats(ds);
    let scopes = super::locator::Scopes::new(ds);
    let loc_key = site.keys.locators(ds);
    let peers = Peers::new(ds)?;
    let all: Vec<RegionAssets> = (0..ds.regions.len())
        .into_par_iter()
        .map(|i| {
            let key = site.keys.region(ds, i, site.window(), site.per_capita())?;
            let name = format!("region/{}", ds.regions[i].id);
            let (assets, _) = site
                .output
                .unit_json(&name, &key, || build_assets(site, i))?;
            Ok(assets)
        })
        .collect::<Result<_>>()?;
    (0..ds.regions.len())
        .into_par_iter()
        .map(|i| {
            let loc = super::locator::unit(ds, &scopes, i, site.output, &loc_key)?;
            let who = super::who::region_unit(site, i)?;
            write_page(site, i, &all, &stats, &peers, &loc, who.as_ref())?;
            bar.inc(1);
            Ok(all[i].summary.clone())
        })
        .collect()
}

#[derive(Serialize)]
struct TreeNode {
    name: String,
    href: String,
    children: Vec<TreeNode>,
}

fn tree(ds: &Assessed, i: usize) -> TreeNode {
    let r = &ds.regions[i];
    TreeNode {
        name: r.name.clone(),
        href: format!("{}.html", r.id),
        children: r.children.iter().map(|&c| tree(ds, c)).collect(),
    }
}

/// `regions/index.html`: every region, grouped, with a search box over an embedded JSON index.
pub(crate) fn write_index(site: &Site) -> Result<()> {
    let ds = site.dataset;
    // Cruise ships and the Olympic Games are rows of the data, not countries: listed apart.
    let (countries, others): (Vec<usize>, Vec<usize>) = (0..ds.regions.len())
        .filter(|&i| ds.regions[i].parent.is_none())
        .partition(|&i| !names::is_pseudo(&ds.regions[i]));
    let countries: Vec<TreeNode> = countries.into_iter().map(|i| tree(ds, i)).collect();
    let others: Vec<TreeNode> = others.into_iter().map(|i| tree(ds, i)).collect();
    // Search index: [name, full name, level, href] — embedded so it works from file://.
    let index: Vec<[String; 3]> = ds
        .regions
        .iter()
        .map(|r| {
            [
                r.full_name(&ds.regions),
                r.level.label().to_string(),
                format!("{}.html", r.id),
            ]
        })
        .collect();
    let count = |l: Level| {
        ds.regions
            .iter()
            .filter(|r| r.level == l && !names::is_pseudo(r))
            .count()
    };
    let rel = "regions/index.html";
    let mut ctx = site.context(rel, "All regions", rel);
    ctx.insert("countries", &countries);
    super::region_stats::insert_index_context(&mut ctx, ds, site.per_capita() as f64);
    ctx.insert("others", &others);
    ctx.insert(
        "n_others",
        &ds.regions.iter().filter(|r| names::is_pseudo(r)).count(),
    );
    ctx.insert("search_index", &script_json(&index)?);
    ctx.insert("n_regions", &ds.regions.len());
    ctx.insert("n_countries", &count(Level::Country));
    ctx.insert("n_provinces", &count(Level::Province));
    ctx.insert("n_states", &count(Level::UsState));
    ctx.insert("n_counties", &count(Level::UsCounty));
    site.write_page(rel, "regions.html", &ctx)
}
