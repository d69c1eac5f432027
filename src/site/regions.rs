//! Region pages (one per country, province/state, US state and US county), their charts and
//! CSV downloads, `data/regions.json` and the searchable `regions/index.html`.

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

use super::{Figure, Site, interact, pictures, script_json};
use crate::data::{Dataset, Level, Region, names};
use crate::measures::{self, Derived};
use crate::output::Output;
use crate::output::csv::Table;
use crate::quality;
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

#[derive(Serialize, serde::Deserialize)]
struct ChartCtx {
    #[serde(flatten)]
    picture: pictures::Picture,
    alt: String,
    caption: String,
    /// `data-hover`: where the chart's data sits in the image (see `site::interact`).
    hover: String,
}

const W: u32 = 720;
const H: u32 = 260;
/// Height of a panel in the phone layout.
const PHONE_PANEL_H: u32 = 260;

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
        let src = format!("img/{}-{kind}.svg", self.id);
        let drawn = pictures::write(self.out, "regions", &src, chart, PHONE_PANEL_H)?;
        self.files.push(format!("regions/{src}"));
        self.files
            .push(format!("regions/{}", drawn.picture.phone_src));
        let series = interact::series_of(chart, &self.data, keys);
        self.list.push(ChartCtx {
            hover: interact::picture_hover(chart, &drawn, &series),
            picture: drawn.picture,
            alt,
            caption,
        });
        Ok(())
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
    daily_charts(&about, &mut charts)?;
    cumulative_charts(&about, &mut charts)?;
    recovered_chart(&about, &mut charts)?;
    let assets = RegionAssets {
        figures: match &ds.quality.regions[idx].reported_in {
            // Its own row is 0: headline the unit that holds its cases, not zeros.
            Some(u) => counted_elsewhere_figures(r, &u.name),
            None => key_figures(r, &d, site.per_capita(), site.window()),
        },
        summary: summary(r, idx, &d, full),
        charts: charts.list,
    };
    Ok((assets, charts.files))
}

/// Daily bars with their moving average: new cases, then new deaths.
fn daily_charts(a: &About, charts: &mut Charts) -> Result<()> {
    let d = a.d;
    let daily = [
        (
            "new-cases",
            "New confirmed cases per day",
            "new cases",
            ["new_confirmed", "ma_confirmed"],
            &d.new_confirmed,
            d.ma_confirmed(),
            &d.anomalies_confirmed,
            chart::CASES_LIGHT,
            chart::CASES,
        ),
        (
            "new-deaths",
            "New deaths per day",
            "new deaths",
            ["new_deaths", "ma_deaths"],
            &d.new_deaths,
            d.ma_deaths(),
            &d.anomalies_deaths,
            chart::DEATHS_LIGHT,
            chart::DEATHS,
        ),
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
            " Right axis: per {} people.",
            thousands(a.per_capita as i64)
        ),
        None => String::new(),
    };
    for (kind, title, what, keys, values, ma, anomalies, light, dark) in daily {
        let bars = measures::to_f64(values);
        // Anomalous days (data rules) are drawn grey and do not set the axis.
        let flags: Vec<bool> = anomalies.iter().map(Option::is_some).collect();
        let flagged = flags.contains(&true).then_some(flags.as_slice());
        let negatives = values.iter().filter(|&&x| x < 0).count();
        let neg_note = match negatives {
            0 => String::new(),
            1 => " 1 day has a negative value (a correction), drawn below zero.".to_string(),
            n => format!(
                " {} days have negative values (corrections), drawn below zero.",
                thousands(n as i64)
            ),
        };
        let clip_note = clipped_note(a, &bars, flagged, ma);
        let grey = if flagged.is_some() {
            " Grey bars: days with a reporting anomaly, left out of the average."
        } else {
            ""
        };
        let chart = a.chart(vec![Panel {
            title: title.to_string(),
            log: false,
            bars: Some(Trace {
                label: "per day",
                values: &bars,
                color: light,
            }),
            lines: vec![Trace {
                label: "moving average",
                values: ma,
                color: dark,
            }],
            right_axis: per_axis.clone(),
            flagged,
            ..Default::default()
        }]);
        charts.emit(
            kind,
            &chart,
            &[&keys],
            format!(
                "Bar chart of {}{} in {full}, {span}, with its {w}-day average line (each day the mean of that day and the 6 before, reports spread over the days they cover).{}{neg_note}{clip_note}{grey}",
                title[..1].to_lowercase(),
                &title[1..],
                a.peak_text(ma, what),
            ),
            format!("{title}, with the {w}-day average.{grey}{per_note}"),
        )?;
    }
    Ok(())
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

/// The key figures: totals, recent averages, per-capita values, recovered, dates.
/// The figures of a county whose cases are reported as part of another unit.
fn counted_elsewhere_figures(r: &Region, unit: &str) -> Vec<Figure> {
    let s = &r.series;
    vec![
        Figure::new(
            "Cases and deaths",
            format!("in {unit}"),
            "reported as part of it: this county's own row is 0",
        ),
        Figure::new(
            "Latest data",
            s.end().to_string(),
            format!("series from {}", s.start),
        ),
    ]
}

/// The last day's average, or what stands in its place ("not reporting"): never a 0.00 beside
/// a "not reporting" elsewhere on the page.
fn mean_figure(label: &str, ns: &measures::NewSeries, window: usize) -> Figure {
    let (Some(&v), Some(&st)) = (ns.mean.last(), ns.status.last()) else {
        return Figure::new(label, "no data", "");
    };
    match st {
        quality::Status::Reported => Figure::new(
            label,
            decimal(v),
            format!("{window}-day average, reports spread over the days they cover"),
        ),
        st => Figure::new(label, st.label(), "on the last date"),
    }
}

fn key_figures(r: &Region, d: &Derived, per_capita: u64, window: usize) -> Vec<Figure> {
    let s = &r.series;
    let (first, last) = (s.start, s.end());
    let last_c = *s.confirmed.last().unwrap_or(&0);
    let last_d = *s.deaths.last().unwrap_or(&0);
    let mut figures = vec![
        Figure::new(
            "Confirmed cases",
            thousands(last_c),
            format!("total on {last}"),
        ),
        Figure::new("Deaths", thousands(last_d), format!("total on {last}")),
        mean_figure("New cases per day", &d.cases, window),
        mean_figure("New deaths per day", &d.deaths, window),
    ];
    figures.extend(per_capita_figures(r.population, last_c, last_d, per_capita));
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
    let first_case = s.confirmed.iter().position(|&v| v > 0).map(|i| s.date(i));
    figures.push(Figure::new(
        "Latest data",
        last.to_string(),
        match first_case {
            Some(f) => format!("series from {first}; first case {f}"),
            None => format!("series from {first}; no cases reported"),
        },
    ));
    figures
}

fn per_capita_figures(population: Option<u64>, cases: i64, deaths: i64, per: u64) -> Vec<Figure> {
    let Some(p) = population else {
        return vec![Figure::new("Population", "unknown", "no per-capita values")];
    };
    let per_label = format!("per {}", thousands(per as i64));
    let note = format!("population {}", thousands(p as i64));
    let value = |v: i64| decimal(v as f64 * per as f64 / p as f64);
    // More cases than people: a data problem, said where the rate would be read.
    let cases_value = if cases > p as i64 {
        "above population".to_string()
    } else {
        value(cases)
    };
    vec![
        Figure::new(format!("Cases {per_label}"), cases_value, note.clone()),
        Figure::new(format!("Deaths {per_label}"), value(deaths), note),
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
    figures: Vec<Figure>,
    charts: Vec<ChartCtx>,
}

/// Renders a region's page from its assets (written only if its bytes changed).
fn write_page(
    site: &Site,
    idx: usize,
    a: &RegionAssets,
    stats: &[super::region_stats::Stats],
    locator: &super::locator::Locator,
) -> Result<()> {
    let ds = site.dataset;
    let r = &ds.regions[idx];
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
    ctx.insert("figures", &a.figures);
    ctx.insert("charts", &a.charts);
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
        idx,
        site.window(),
        site.per_capita() as f64,
    );
    ctx.insert("data_notes", &super::notes::region_notes(ds, idx));
    ctx.insert("city", &super::search::city_note(ds, idx));
    site.write_page(&rel, "region.html", &ctx)
}

/// Builds every region (in parallel) and returns their summaries in region order. A region's
/// charts, CSV and figures are one incremental unit; its page is rendered every build.
pub(crate) fn build_all(site: &Site, bar: &indicatif::ProgressBar) -> Result<Vec<RegionSummary>> {
    let ds = site.dataset;
    let stats = super::region_stats::all_stats(ds);
    let scopes = super::locator::Scopes::new(ds);
    let loc_key = site.keys.locators(ds);
    (0..ds.regions.len())
        .into_par_iter()
        .map(|i| {
            let key = site.keys.region(ds, i, site.window(), site.per_capita())?;
            let name = format!("region/{}", ds.regions[i].id);
            let (assets, _) = site
                .output
                .unit_json(&name, &key, || build_assets(site, i))?;
            let loc = super::locator::unit(ds, &scopes, i, site.output, &loc_key)?;
            write_page(site, i, &assets, &stats, &loc)?;
            bar.inc(1);
            Ok(assets.summary)
        })
        .collect()
}

#[derive(Serialize)]
struct TreeNode {
    name: String,
    href: String,
    children: Vec<TreeNode>,
}

fn tree(ds: &Dataset, i: usize) -> TreeNode {
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
