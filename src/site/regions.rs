//! Region pages (one per country, province/state, US state and US county), their charts and
//! CSV downloads, `data/regions.json` and the searchable `regions/index.html`.

use std::fmt::Write as _;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use tera::Tera;

use super::writer::Output;
use super::{NavItem, base_context, render};
use crate::data::{Dataset, Level, Region, names};
use crate::measures::{self, Derived};
use crate::render::chart::{self, Chart, Panel, Trace};
use crate::render::format::{count, decimal, thousands};

pub const CSV_HEADER: &str =
    "date,confirmed,deaths,recovered,active,new_confirmed,new_deaths,new_recovered,new_active";

pub fn page_path(r: &Region) -> String {
    format!("regions/{}.html", r.id)
}
pub fn csv_path(r: &Region) -> String {
    format!("data/regions/{}.csv", r.id)
}

/// Settings the region pages need.
pub struct RegionSettings<'a> {
    pub site_title: &'a str,
    pub nav: &'a [NavItem],
    pub window: usize,
    pub per_capita: u64,
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
    /// Mean new cases per day over the last 7 days.
    pub new7: f64,
    pub population: Option<u64>,
}

/// The region's CSV download (SPEC §3): ISO dates, true day-over-day values (negatives kept),
/// empty cells where a value is not published.
pub fn region_csv(r: &Region, d: &Derived) -> String {
    let s = &r.series;
    let mut out = String::with_capacity(s.len() * 48);
    out.push_str(CSV_HEADER);
    out.push('\n');
    let opt = |v: Option<&Vec<i64>>, i: usize| -> String {
        v.and_then(|v| v.get(i))
            .map(|x| x.to_string())
            .unwrap_or_default()
    };
    for i in 0..s.len() {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            s.date(i),
            s.confirmed[i],
            s.deaths[i],
            opt(s.recovered.as_ref(), i),
            opt(d.active.as_ref(), i),
            d.new_confirmed[i],
            d.new_deaths[i],
            opt(d.new_recovered.as_ref(), i),
            opt(d.new_active.as_ref(), i),
        );
    }
    out
}

#[derive(Serialize)]
struct Link {
    name: String,
    href: String,
}

#[derive(Serialize, serde::Deserialize)]
struct Figure {
    label: String,
    value: String,
    note: String,
}

#[derive(Serialize, serde::Deserialize)]
struct ChartCtx {
    src: String,
    alt: String,
    width: u32,
    height: u32,
    caption: String,
}

#[derive(Serialize, serde::Deserialize)]
struct Row {
    date: String,
    confirmed: String,
    new_confirmed: String,
    deaths: String,
    new_deaths: String,
}

const W: u32 = 720;
const H: u32 = 260;

fn last_mean(v: &[i64], n: usize) -> f64 {
    let k = v.len().min(n).max(1);
    v[v.len().saturating_sub(n)..].iter().sum::<i64>() as f64 / k as f64
}

fn peak(v: &[f64]) -> Option<(usize, f64)> {
    v.iter()
        .copied()
        .enumerate()
        .filter(|(_, x)| x.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// Builds one region's charts and CSV and the figures its page shows.
fn build_assets(
    ds: &Dataset,
    idx: usize,
    st: &RegionSettings,
    out: &Output,
) -> Result<(RegionAssets, Vec<String>)> {
    let r = &ds.regions[idx];
    // Failure injection for the fail-safe tests: a panic inside a render task.
    if std::env::var_os("SEECOVID_TEST_PANIC_REGION").is_some_and(|v| v == r.id.as_str()) {
        panic!("injected panic while rendering region {}", r.id);
    }
    let s = &r.series;
    let d = measures::derive(s, st.window);
    let full = r.full_name(&ds.regions);
    let page = page_path(r);
    let (first, last) = (s.start, s.end());
    let span = format!("{first} to {last}");
    let w = st.window;

    out.write(&csv_path(r), region_csv(r, &d).as_bytes())?;
    let mut files = vec![csv_path(r)];

    let mut charts = Vec::new();
    let mut emit = |kind: &str, chart: &Chart, alt: String, caption: String| -> Result<()> {
        let rel = format!("regions/img/{}-{kind}.png", r.id);
        out.write(&rel, &chart::render_png(chart)?)?;
        files.push(rel);
        charts.push(ChartCtx {
            src: format!("img/{}-{kind}.png", r.id),
            alt,
            width: chart.width,
            height: chart.height,
            caption,
        });
        Ok(())
    };

    let days = s.len();
    let peak_text = |v: &[f64], what: &str| -> String {
        match peak(v) {
            Some((i, x)) if x > 0.0 => format!(
                " The {w}-day average of {what} peaked at {} per day on {}.",
                decimal(x),
                s.date(i)
            ),
            _ => String::new(),
        }
    };
    // Daily bars with their moving average: new cases, then new deaths.
    let daily = [
        (
            "new-cases",
            "New confirmed cases per day",
            "new cases",
            &d.new_confirmed,
            &d.ma_confirmed,
            chart::CASES_LIGHT,
            chart::CASES,
        ),
        (
            "new-deaths",
            "New deaths per day",
            "new deaths",
            &d.new_deaths,
            &d.ma_deaths,
            chart::DEATHS_LIGHT,
            chart::DEATHS,
        ),
    ];
    for (kind, title, what, values, ma, light, dark) in daily {
        let bars = measures::to_f64(values);
        let negatives = values.iter().filter(|&&x| x < 0).count();
        let neg_note = match negatives {
            0 => String::new(),
            1 => " 1 day has a negative value (a correction), drawn below zero.".to_string(),
            n => format!(
                " {} days have negative values (corrections), drawn below zero.",
                thousands(n as i64)
            ),
        };
        // Days beyond the axis (single-day dumps, big corrections) are cut at its edge and
        // labelled with their value; say which, so the picture and the text agree.
        let axis = crate::render::bars::bar_axis(&bars, None, &[ma.as_slice()]);
        let clipped: Vec<String> = bars
            .iter()
            .enumerate()
            .filter(|(_, v)| axis.clips(**v))
            .map(|(i, v)| format!("{} on {}", thousands(*v as i64), s.date(i)))
            .collect();
        let clip_note = match clipped.len() {
            0 => String::new(),
            n if n <= 5 => format!(
                " Beyond the axis, cut at its edge and marked with their value: {}.",
                clipped.join(", ")
            ),
            n => format!(
                " {} beyond the axis are cut at its edge and marked with their value.",
                count(n as i64, "day", "days")
            ),
        };
        let chart = Chart {
            width: W,
            height: H,
            start: first,
            days,
            panels: vec![Panel {
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
                ..Default::default()
            }],
        };
        emit(
            kind,
            &chart,
            format!(
                "Bar chart of {}{} in {full}, {span}, with a {w}-day centered moving average line.{}{neg_note}{clip_note}",
                title[..1].to_lowercase(),
                &title[1..],
                peak_text(ma, what),
            ),
            format!("{title}, with the {w}-day centered moving average."),
        )?;
    }

    let cc = measures::to_f64(&s.confirmed);
    let cd = measures::to_f64(&s.deaths);
    let last_c = *s.confirmed.last().unwrap_or(&0);
    let last_d = *s.deaths.last().unwrap_or(&0);
    emit(
        "cumulative",
        &Chart {
            width: W,
            height: H,
            start: first,
            days,
            panels: vec![
                Panel {
                    title: "Total confirmed cases".into(),
                    lines: vec![Trace {
                        label: "confirmed",
                        values: &cc,
                        color: chart::CASES,
                    }],
                    ..Default::default()
                },
                Panel {
                    title: "Total deaths".into(),
                    lines: vec![Trace {
                        label: "deaths",
                        values: &cd,
                        color: chart::DEATHS,
                    }],
                    ..Default::default()
                },
            ],
        },
        format!(
            "Two line charts on linear axes of the cumulative totals in {full}, {span}: confirmed cases reaching {} and deaths reaching {}.",
            thousands(last_c),
            thousands(last_d)
        ),
        "Cumulative totals on a linear axis.".into(),
    )?;
    emit(
        "cumulative-log",
        &Chart {
            width: W,
            height: H,
            start: first,
            days,
            panels: vec![Panel {
                title: "Total confirmed cases and deaths (log scale)".into(),
                log: true,
                lines: vec![
                    Trace {
                        label: "confirmed",
                        values: &cc,
                        color: chart::CASES,
                    },
                    Trace {
                        label: "deaths",
                        values: &cd,
                        color: chart::DEATHS,
                    },
                ],
                ..Default::default()
            }],
        },
        format!(
            "Line chart on a logarithmic axis of cumulative confirmed cases and deaths in {full}, {span}; zero values are not drawn."
        ),
        "Cumulative totals on a logarithmic axis (days with a total of zero are left out).".into(),
    )?;

    if let (Some(rec), Some(act)) = (&s.recovered, &d.active) {
        let until = s.date(rec.len().saturating_sub(1));
        let rf = measures::to_f64(rec);
        let af = measures::to_f64(act);
        let marker =
            (rec.len() < days).then(|| (rec.len() - 1, format!("not published after {until}")));
        emit(
            "recovered-active",
            &Chart {
                width: W,
                height: H,
                start: first,
                days,
                panels: vec![Panel {
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
                }],
            },
            format!(
                "Line chart of cumulative recovered and active cases in {full} from {first} to {until}; JHU stopped publishing recovered cases after {until}, so both lines end there."
            ),
            format!(
                "Recovered and active (confirmed − recovered − deaths, at least 0), published only up to {until}."
            ),
        )?;
    }

    // Key figures.
    let pc = st.per_capita as f64;
    let per_label = format!("per {}", thousands(st.per_capita as i64));
    let mut figures = vec![
        Figure {
            label: "Confirmed cases".into(),
            value: thousands(last_c),
            note: format!("total on {last}"),
        },
        Figure {
            label: "Deaths".into(),
            value: thousands(last_d),
            note: format!("total on {last}"),
        },
        Figure {
            label: "New cases per day".into(),
            value: decimal(last_mean(&d.new_confirmed, 7)),
            note: "mean of the last 7 days".into(),
        },
        Figure {
            label: "New deaths per day".into(),
            value: decimal(last_mean(&d.new_deaths, 7)),
            note: "mean of the last 7 days".into(),
        },
    ];
    if let Some(p) = r.population {
        figures.push(Figure {
            label: format!("Cases {per_label}"),
            value: decimal(last_c as f64 * pc / p as f64),
            note: format!("population {}", thousands(p as i64)),
        });
        figures.push(Figure {
            label: format!("Deaths {per_label}"),
            value: decimal(last_d as f64 * pc / p as f64),
            note: format!("population {}", thousands(p as i64)),
        });
    } else {
        figures.push(Figure {
            label: "Population".into(),
            value: "unknown".into(),
            note: "no per-capita values".into(),
        });
    }
    if let Some(rec) = &s.recovered
        && let Some(&v) = rec.last()
    {
        figures.push(Figure {
            label: "Recovered".into(),
            value: thousands(v),
            note: format!("last published, {}", s.date(rec.len() - 1)),
        });
    }
    let first_case = s.confirmed.iter().position(|&v| v > 0).map(|i| s.date(i));
    figures.push(Figure {
        label: "Latest data".into(),
        value: last.to_string(),
        note: match first_case {
            Some(f) => format!("series from {first}; first case {f}"),
            None => format!("series from {first}; no cases reported"),
        },
    });

    // Last four weeks, newest first.
    let rows: Vec<Row> = (days.saturating_sub(28)..days)
        .rev()
        .map(|i| Row {
            date: s.date(i).to_string(),
            confirmed: thousands(s.confirmed[i]),
            new_confirmed: thousands(d.new_confirmed[i]),
            deaths: thousands(s.deaths[i]),
            new_deaths: thousands(d.new_deaths[i]),
        })
        .collect();

    let summary = RegionSummary {
        index: idx,
        id: r.id.clone(),
        name: r.name.clone(),
        full_name: full,
        level: r.level,
        page,
        last_date: last.to_string(),
        confirmed: last_c,
        deaths: last_d,
        new7: last_mean(&d.new_confirmed, 7),
        population: r.population,
    };
    Ok((
        RegionAssets {
            summary,
            figures,
            charts,
            rows,
        },
        files,
    ))
}

/// What a region page shows besides its links: made (with the charts and the CSV) only when
/// the region's data changes, so a template change re-renders pages, not charts.
#[derive(Serialize, serde::Deserialize)]
pub struct RegionAssets {
    summary: RegionSummary,
    figures: Vec<Figure>,
    charts: Vec<ChartCtx>,
    rows: Vec<Row>,
}

/// Renders a region's page from its assets (written only if its bytes changed).
fn write_page(
    ds: &Dataset,
    idx: usize,
    a: &RegionAssets,
    st: &RegionSettings,
    tera: &Tera,
    out: &Output,
) -> Result<()> {
    let r = &ds.regions[idx];
    let full = &a.summary.full_name;
    let mut crumbs = Vec::new();
    let mut p = r.parent;
    while let Some(i) = p {
        crumbs.push(Link {
            name: ds.regions[i].name.clone(),
            href: format!("{}.html", ds.regions[i].id),
        });
        p = ds.regions[i].parent;
    }
    crumbs.reverse();
    let children: Vec<Link> = r
        .children
        .iter()
        .map(|&c| Link {
            name: ds.regions[c].name.clone(),
            href: format!("{}.html", ds.regions[c].id),
        })
        .collect();
    let child_label = match r.level {
        Level::Country if r.source == crate::data::Source::Us => "States and territories",
        Level::Country => "Provinces and states",
        Level::UsState => "Counties",
        _ => "",
    };

    let mut ctx = base_context(st.site_title, st.nav, "../", full, "regions/index.html");
    ctx.insert("name", &r.name);
    ctx.insert("full_name", full);
    ctx.insert("level", r.level.label());
    ctx.insert("crumbs", &crumbs);
    ctx.insert("children", &children);
    ctx.insert("child_label", child_label);
    ctx.insert("figures", &a.figures);
    ctx.insert("charts", &a.charts);
    ctx.insert("rows", &a.rows);
    ctx.insert("csv", &format!("../{}", csv_path(r)));
    ctx.insert("window", &st.window);
    ctx.insert(
        "rebuilt_us",
        &(r.source == crate::data::Source::Us && r.level == Level::UsCounty),
    );
    out.write(&page_path(r), render(tera, "region.html", &ctx)?.as_bytes())
}

/// Everything a region's charts, CSV and figures are made from (not the templates).
fn region_key(ds: &Dataset, idx: usize, st: &RegionSettings, version: &str) -> Result<String> {
    let r = &ds.regions[idx];
    let ints = |v: &[i64]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
    let meta = serde_json::to_vec(&(
        &r.id,
        r.full_name(&ds.regions),
        r.level,
        r.population,
        r.source,
        r.series.start,
        st.window,
        st.per_capita,
    ))?;
    let rec = r.series.recovered.as_deref().map(ints).unwrap_or_default();
    Ok(crate::site::writer::key_of(&[
        version.as_bytes(),
        &meta,
        &ints(&r.series.confirmed),
        &ints(&r.series.deaths),
        &[u8::from(r.series.recovered.is_some())],
        &rec,
    ]))
}

/// Builds every region (in parallel) and returns their summaries in region order.
pub fn build_all(
    ds: &Dataset,
    st: &RegionSettings,
    tera: &Tera,
    out: &Output,
    bar: &indicatif::ProgressBar,
    version: &str,
) -> Result<Vec<RegionSummary>> {
    (0..ds.regions.len())
        .into_par_iter()
        .map(|i| {
            let key = region_key(ds, i, st, version)?;
            let (meta, _) = out.unit(&format!("region/{}", ds.regions[i].id), &key, || {
                let (assets, files) = build_assets(ds, i, st, out)?;
                Ok((serde_json::to_string(&assets)?, files))
            })?;
            let assets: RegionAssets = serde_json::from_str(&meta)?;
            write_page(ds, i, &assets, st, tera, out)?;
            bar.inc(1);
            Ok(assets.summary)
        })
        .collect()
}

#[derive(Serialize)]
struct RegionJson<'a> {
    id: &'a str,
    name: &'a str,
    level: Level,
    parent: Option<&'a str>,
    population: Option<u64>,
    page: String,
    csv: String,
}

/// `data/regions.json` (SPEC §3 schema, paths relative to the site root).
pub fn regions_json(ds: &Dataset) -> Result<String> {
    let list: Vec<RegionJson> = ds
        .regions
        .iter()
        .map(|r| RegionJson {
            id: &r.id,
            name: &r.name,
            level: r.level,
            parent: r.parent.map(|p| ds.regions[p].id.as_str()),
            population: r.population,
            page: page_path(r),
            csv: csv_path(r),
        })
        .collect();
    Ok(serde_json::to_string_pretty(&list)? + "\n")
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
pub fn write_index(ds: &Dataset, st: &RegionSettings, tera: &Tera, out: &Output) -> Result<()> {
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
    let mut ctx = base_context(
        st.site_title,
        st.nav,
        "../",
        "All regions",
        "regions/index.html",
    );
    ctx.insert("countries", &countries);
    ctx.insert("others", &others);
    ctx.insert(
        "n_others",
        &ds.regions.iter().filter(|r| names::is_pseudo(r)).count(),
    );
    // `</` cannot appear in JSON strings here, but escape it anyway for the script block.
    ctx.insert(
        "search_index",
        &serde_json::to_string(&index)?.replace("</", "<\\/"),
    );
    ctx.insert("n_regions", &ds.regions.len());
    ctx.insert("n_countries", &count(Level::Country));
    ctx.insert("n_provinces", &count(Level::Province));
    ctx.insert("n_states", &count(Level::UsState));
    ctx.insert("n_counties", &count(Level::UsCounty));
    out.write(
        "regions/index.html",
        render(tera, "regions.html", &ctx)?.as_bytes(),
    )
}
