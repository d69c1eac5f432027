//! The overview, about and 404 pages, robots.txt and static assets.

use anyhow::Result;
use serde::Serialize;
use tera::Tera;

use super::regions::RegionSummary;
use super::writer::Output;
use super::{NavItem, STATIC, base_context, render};
use crate::data::{Dataset, Level, Source, names};
use crate::render::format::{column, thousands};

pub struct PageSettings<'a> {
    pub site_title: &'a str,
    pub nav: &'a [NavItem],
    pub window: usize,
    pub per_capita: u64,
}

#[derive(Serialize)]
struct Figure {
    label: String,
    value: String,
    note: String,
}

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

pub fn write_static(out: &Output) -> Result<()> {
    for (rel, bytes) in STATIC {
        out.write(rel, bytes)?;
    }
    Ok(())
}

/// robots.txt without a sitemap (there is none without a base URL).
pub fn write_robots(out: &Output) -> Result<()> {
    out.write("robots.txt", b"User-agent: *\nAllow: /\n")
}

pub fn write_index(
    ds: &Dataset,
    summaries: &[RegionSummary],
    st: &PageSettings,
    tera: &Tera,
    out: &Output,
    extra: &tera::Context,
) -> Result<()> {
    // Cruise ships and the Olympic Games are JHU rows, not countries.
    let countries: Vec<&RegionSummary> = summaries
        .iter()
        .filter(|s| s.level == Level::Country && !names::is_pseudo(&ds.regions[s.index]))
        .collect();
    let (global_confirmed, global_deaths) = ds.world_totals();
    let us = ds
        .regions
        .iter()
        .find(|r| r.level == Level::Country && r.source == Source::Us);
    let mut headline = vec![
        Figure {
            label: "Confirmed cases worldwide".into(),
            value: thousands(global_confirmed),
            note: format!("{} countries and territories", countries.len()),
        },
        Figure {
            label: "Deaths worldwide".into(),
            value: thousands(global_deaths),
            note: format!(
                "{:.2}% of confirmed cases",
                global_deaths as f64 * 100.0 / global_confirmed.max(1) as f64
            ),
        },
    ];
    if let Some(us) = us {
        headline.push(Figure {
            label: "Confirmed cases, US".into(),
            value: thousands(*us.series.confirmed.last().unwrap_or(&0)),
            note: format!("on {}", us.series.end()),
        });
        headline.push(Figure {
            label: "Deaths, US".into(),
            value: thousands(*us.series.deaths.last().unwrap_or(&0)),
            note: format!("on {}", us.series.end()),
        });
    }
    let mut by_conf = countries.clone();
    by_conf.sort_by(|a, b| b.confirmed.cmp(&a.confirmed).then(a.name.cmp(&b.name)));
    let mut by_new = countries.clone();
    by_new.sort_by(|a, b| b.new7.total_cmp(&a.new7).then(a.name.cmp(&b.name)));
    // One number style per table: the 7-day means of a table share their decimals.
    let rows = |list: &[&RegionSummary]| -> Vec<TopRow> {
        let list = &list[..list.len().min(10)];
        let new7 = column(&list.iter().map(|s| s.new7).collect::<Vec<_>>());
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
    let sections: Vec<&Section> = all_sections
        .iter()
        .filter(|s| st.nav.iter().any(|n| n.path == s.path))
        .collect();
    let mut ctx = base_context(st.site_title, st.nav, "", "Overview", "index.html");
    ctx.extend(extra.clone());
    ctx.insert("global_end", &ds.global_range.end.to_string());
    ctx.insert("us_end", &ds.us_range.end.to_string());
    ctx.insert("headline", &headline);
    ctx.insert("top_confirmed", &rows(&by_conf));
    ctx.insert("top_new", &rows(&by_new));
    ctx.insert("sections", &sections);
    out.write("index.html", render(tera, "index.html", &ctx)?.as_bytes())
}

pub fn write_about(
    ds: &Dataset,
    st: &PageSettings,
    tera: &Tera,
    out: &Output,
    extra: &tera::Context,
) -> Result<()> {
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
                    .is_some_and(|v| v.iter().any(|&x| x > 0))
            }),
        },
    ];
    let mut ctx = base_context(st.site_title, st.nav, "../", "About", "about/index.html");
    ctx.extend(extra.clone());
    ctx.insert("data_date", &ds.data_date().to_string());
    ctx.insert("coverage", &coverage);
    ctx.insert("window", &st.window);
    ctx.insert("per_capita", &thousands(st.per_capita as i64));
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
    out.write(
        "about/index.html",
        render(tera, "about.html", &ctx)?.as_bytes(),
    )
}

/// The 404 page is served at any depth, so its links are root-relative (`/…`).
pub fn write_404(st: &PageSettings, tera: &Tera, out: &Output) -> Result<()> {
    let ctx = base_context(st.site_title, st.nav, "/", "Page not found", "");
    out.write("404.html", render(tera, "404.html", &ctx)?.as_bytes())
}

/// `sitemap.xml` with absolute URLs of every page written so far (404 excluded).
pub fn write_sitemap(out: &Output, base_url: &str) -> Result<()> {
    let base = if base_url.ends_with('/') {
        base_url.to_string()
    } else {
        format!("{base_url}/")
    };
    anyhow::ensure!(
        base.starts_with("https://") || base.starts_with("http://"),
        "the base URL `{base_url}` must start with https:// or http://"
    );
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for f in out.files() {
        if f.ends_with(".html") && f != "404.html" {
            let loc = if f == "index.html" {
                base.clone()
            } else {
                format!("{base}{}", f.trim_end_matches("index.html"))
            };
            xml.push_str(&format!(
                "  <url><loc>{}</loc></url>\n",
                loc.replace('&', "&amp;")
            ));
        }
    }
    xml.push_str("</urlset>\n");
    out.write("sitemap.xml", xml.as_bytes())?;
    out.write(
        "robots.txt",
        format!("User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n").as_bytes(),
    )
}
