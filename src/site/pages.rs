//! The overview, about and 404 pages and the static assets.

use anyhow::Result;
use serde::Serialize;

use super::regions::RegionSummary;
use super::{Figure, STATIC, Site};
use crate::data::{Dataset, Level, Source, names};
use crate::heatmap::HeatmapIndex;
use crate::output::Output;
use crate::render::format::{column, thousands};

#[derive(Serialize)]
struct TopRow {
    name: String,
    page: String,
    confirmed: String,
    deaths: String,
    new7: String,
}

#[derive(Serialize)]
struct Section {
    name: &'static str,
    path: &'static str,
    text: &'static str,
}

#[derive(Serialize)]
struct Coverage {
    name: &'static str,
    from: String,
    to: String,
    regions: String,
}

/// Every page and file of the "pages" stage: the heat-map pages, the map lists, the regions
/// index, the open data, the search index, the data notes, the static files, the overview,
/// about and 404. Returns the stage's summary.
pub(crate) fn write_all(
    site: &Site,
    heat: &HeatmapIndex,
    summaries: &[RegionSummary],
) -> Result<&'static str> {
    super::heatmaps::write_all(site, heat)?;
    super::maplists::write_all(site, heat)?;
    super::regions::write_index(site)?;
    let scopes: Vec<&str> = heat.scopes.iter().map(|s| s.id.as_str()).collect();
    super::opendata::build(site, &scopes)?;
    let out = site.output;
    out.write(
        super::search::INDEX_PATH,
        super::search::index_js(site.dataset)?.as_bytes(),
    )?;
    // Every region and date range the data rules touch (docs/data-rules.md).
    out.write(
        "data/data-notes.csv",
        super::data_notes::notes_csv(site.dataset)?.as_bytes(),
    )?;
    write_static(out)?;
    write_index(site, heat, summaries)?;
    write_about(site, heat)?;
    write_404(site)?;
    Ok("overview, heat-map explorer, about, 404, regions index, open data, data-notes.csv")
}

pub(crate) fn write_static(out: &Output) -> Result<()> {
    for (rel, bytes) in STATIC {
        out.write(rel, bytes)?;
    }
    out.write("assets/style.css", super::rules::stylesheet().as_bytes())?;
    out.write(
        super::rules::RULES_PATH,
        super::rules::rules_js().as_bytes(),
    )
}

/// What the overview and the about page show of the heat maps: the featured animation and
/// the scopes.
fn heat_context(site: &Site, rel: &str, title: &str, heat: &HeatmapIndex) -> tera::Context {
    let mut ctx = site.context(rel, title, rel);
    if let Some(f) = super::heatmaps::featured(heat) {
        ctx.insert("featured", f);
        ctx.insert("featured_page", &super::heatmaps::page_path(f));
        ctx.insert("featured_top", &super::heatmaps::top_rows(f, ""));
        ctx.insert("featured_why", &super::heatmaps::featured_why(f));
    }
    ctx.insert("heat_scopes", &heat.scopes);
    ctx
}

/// Worldwide and US totals.
fn headline(ds: &Dataset, countries: usize) -> Vec<Figure> {
    let (global_confirmed, global_deaths) = ds.world_totals();
    let mut headline = vec![
        Figure::new(
            "Confirmed cases worldwide",
            thousands(global_confirmed),
            format!("{countries} countries and territories"),
        ),
        Figure::new(
            "Deaths worldwide",
            thousands(global_deaths),
            format!(
                "{:.2}% of confirmed cases",
                global_deaths as f64 * 100.0 / global_confirmed.max(1) as f64
            ),
        ),
    ];
    let us = ds
        .regions
        .iter()
        .find(|r| r.level == Level::Country && r.source == Source::Us);
    if let Some(us) = us {
        let on = format!("on {}", us.series.end());
        headline.push(Figure::new(
            "Confirmed cases, US",
            thousands(*us.series.confirmed.last().unwrap_or(&0)),
            on.clone(),
        ));
        headline.push(Figure::new(
            "Deaths, US",
            thousands(*us.series.deaths.last().unwrap_or(&0)),
            on,
        ));
    }
    headline
}

/// The sections of the site that this build has, with a line about each.
fn sections(site: &Site) -> Vec<Section> {
    let all_sections = [
        Section {
            name: "Heat maps",
            path: "heatmaps/index.html",
            text: "Animated maps with top-10 bars for the world, US states and counties, China, Canada and Australia.",
        },
        Section {
            name: "Regions",
            path: "regions/index.html",
            text: "A page for every country, province, US state and county, with curves and data downloads.",
        },
        Section {
            name: "Compare",
            path: "compare/index.html",
            text: "The curves: several regions on one chart, aligned by date or by outbreak start.",
        },
        Section {
            name: "Sandbox",
            path: "sandbox/index.html",
            text: "An SIR epidemic model to explore how r and the infectious period shape an outbreak.",
        },
        Section {
            name: "About",
            path: "about/index.html",
            text: "Sources, licences, method notes and data coverage.",
        },
    ];
    all_sections
        .into_iter()
        .filter(|s| site.nav.iter().any(|n| n.path == s.path))
        .collect()
}

/// The overview: headline totals, the featured heat map, the top 10s.
pub(crate) fn write_index(
    site: &Site,
    heat: &HeatmapIndex,
    summaries: &[RegionSummary],
) -> Result<()> {
    let ds = site.dataset;
    // Cruise ships and the Olympic Games are JHU rows, not countries.
    let countries: Vec<&RegionSummary> = summaries
        .iter()
        .filter(|s| s.level == Level::Country && !names::is_pseudo(&ds.regions[s.index]))
        .collect();
    let mut by_conf = countries.clone();
    by_conf.sort_by(|a, b| b.confirmed.cmp(&a.confirmed).then(a.name.cmp(&b.name)));
    // Places not reporting have no average: not ranked.
    let mut by_new: Vec<&RegionSummary> = countries
        .iter()
        .copied()
        .filter(|s| s.new7.is_some())
        .collect();
    by_new.sort_by(|a, b| {
        let (x, y) = (a.new7.unwrap_or(0.0), b.new7.unwrap_or(0.0));
        y.total_cmp(&x).then(a.name.cmp(&b.name))
    });
    // One number style per table: the 7-day means of a table share their decimals.
    let top = |list: &[&RegionSummary]| -> Vec<TopRow> {
        let list = &list[..list.len().min(10)];
        let new7 = column(
            &list
                .iter()
                .map(|s| s.new7.unwrap_or(f64::NAN))
                .collect::<Vec<_>>(),
        );
        list.iter()
            .zip(new7)
            .map(|(s, new7)| TopRow {
                name: s.name.clone(),
                page: s.page.clone(),
                confirmed: thousands(s.confirmed),
                deaths: thousands(s.deaths),
                new7,
            })
            .collect()
    };
    let mut ctx = heat_context(site, "index.html", "Overview", heat);
    ctx.insert("global_end", &ds.global_range.end.to_string());
    ctx.insert("us_end", &ds.us_range.end.to_string());
    ctx.insert("headline", &headline(ds, countries.len()));
    ctx.insert("top_confirmed", &top(&by_conf));
    ctx.insert("top_new", &top(&by_new));
    ctx.insert("sections", &sections(site));
    ctx.insert("who", &super::who::overview(site)?);
    site.write_page("index.html", "index.html", &ctx)
}

/// The about page: sources, method notes, coverage.
pub(crate) fn write_about(site: &Site, heat: &HeatmapIndex) -> Result<()> {
    let ds = site.dataset;
    let count = |f: &dyn Fn(&crate::data::Region) -> bool| {
        thousands(ds.regions.iter().filter(|r| f(r)).count() as i64)
    };
    let coverage = vec![
        Coverage {
            name: "Global (countries, provinces)",
            from: ds.global_range.start.to_string(),
            to: ds.global_range.end.to_string(),
            regions: count(&|r| r.source == Source::Global),
        },
        Coverage {
            name: "US (total, states, counties)",
            from: ds.us_range.start.to_string(),
            to: ds.us_range.end.to_string(),
            regions: count(&|r| r.source == Source::Us),
        },
        Coverage {
            name: "Recovered (global)",
            from: ds.global_range.start.to_string(),
            to: ds
                .recovered_until
                .map_or_else(|| "not published".into(), |d| d.to_string()),
            // Regions whose recovered series holds a value, not just a column of zeros.
            regions: count(&|r| {
                r.series
                    .recovered
                    .as_ref()
                    .is_some_and(|v| v.iter().any(|x| x.is_some_and(|x| x > 0)))
            }),
        },
    ];
    let mut ctx = heat_context(site, "about/index.html", "About", heat);
    ctx.insert("data_date", &ds.data_date().to_string());
    ctx.insert("who", &super::who::about(ds));
    ctx.insert("coverage", &coverage);
    ctx.insert("window", &site.window());
    ctx.insert("per_capita", &thousands(site.per_capita() as i64));
    ctx.insert("pc_floor", &thousands(names::PER_CAPITA_FLOOR as i64));
    ctx.insert(
        "pc_floor_county",
        &thousands(names::PER_CAPITA_FLOOR_COUNTY as i64),
    );
    ctx.insert(
        "recovered_until",
        &ds.recovered_until
            .map_or_else(|| "never".into(), |d| d.to_string()),
    );
    site.write_page("about/index.html", "about.html", &ctx)
}

/// The 404 page is served at any depth, so its links are root-relative (`/…`).
pub(crate) fn write_404(site: &Site) -> Result<()> {
    let ctx = site.context("404.html", "Page not found", "");
    site.write_page("404.html", "404.html", &ctx)
}
