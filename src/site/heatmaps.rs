//! The heat-map explorer (`heatmaps/index.html`: JS switches between precomputed images) and
//! one plain page per rendered combination (the no-JS path, and shareable links).

use anyhow::Result;
use serde::Serialize;
use tera::Tera;

use super::writer::Output;
use super::{NavItem, base_context, render};
use crate::heatmap::{Animation, HeatmapIndex};
use crate::render::format::column;

/// Per-capita divisors the visitor can pick; images are made once, per 100,000.
pub const DIVISORS: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

pub fn page_path(a: &Animation) -> String {
    a.gif.trim_end_matches(".gif").to_string() + ".html"
}

fn key(a: &Animation) -> String {
    format!(
        "{}/{}-{}-{}-{}",
        a.scope,
        a.measure.as_str(),
        a.mode.as_str(),
        a.scale.as_str(),
        a.axis.as_str()
    )
}

#[derive(Serialize)]
struct JsAnim<'a> {
    key: String,
    title: &'a str,
    subtitle: &'a str,
    alt: &'a str,
    poster: &'a str,
    gif: &'a str,
    csv: &'a str,
    page: String,
    w: usize,
    h: usize,
    frames: usize,
    first: String,
    last: String,
    unit: &'a str,
    pc: bool,
    legend: Vec<(String, String)>,
    thresholds: &'a [f64],
    top: Vec<(String, String, f64)>,
    top_note: &'a str,
}

#[derive(Serialize)]
struct Opt {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct LinkGroup {
    label: String,
    links: Vec<Link>,
}

#[derive(Serialize)]
struct Link {
    href: String,
    label: String,
}

#[derive(Serialize)]
struct TopCtx {
    rank: usize,
    name: String,
    href: String,
    value: String,
}

fn label_of(a: &Animation) -> String {
    format!(
        "{}, {}, {}, {} scale",
        a.measure_label,
        if a.mode.as_str() == "new" {
            "new per day (7-day average)"
        } else {
            "total"
        },
        if a.scale.as_str() == "pc" {
            "per 100,000"
        } else {
            "absolute"
        },
        if a.axis.as_str() == "log" {
            "log"
        } else {
            "classes from all frames"
        }
    )
}

/// The animation shown first (and on the overview): world, confirmed, new, per capita.
pub fn featured(idx: &HeatmapIndex) -> Option<&Animation> {
    let pick = |scope: &str| {
        idx.animations.iter().find(|a| {
            a.scope == scope
                && a.measure.as_str() == "confirmed"
                && a.mode.as_str() == "new"
                && a.scale.as_str() == "pc"
                && a.axis.as_str() == "lin"
        })
    };
    pick("world")
        .or_else(|| idx.scopes.first().and_then(|s| pick(&s.id)))
        .or_else(|| idx.animations.first())
}

pub fn write_all(
    idx: &HeatmapIndex,
    site_title: &str,
    nav: &[NavItem],
    tera: &Tera,
    out: &Output,
) -> Result<()> {
    if idx.animations.is_empty() {
        return Ok(());
    }
    // Legend swatch colours as classes: the CSP allows no inline styles.
    let mut colours: Vec<String> = idx
        .animations
        .iter()
        .flat_map(|a| {
            a.legend
                .rows
                .iter()
                .map(|r| r.color.trim_start_matches('#').to_lowercase())
        })
        .collect();
    colours.sort();
    colours.dedup();
    let css: String = colours
        .iter()
        .map(|c| format!(".sw-{c} {{ background: #{c}; }}\n"))
        .collect();
    out.write("assets/heatmap-colors.css", css.as_bytes())?;
    // Explorer data: everything the JS needs to switch views without loading anything.
    let data: Vec<JsAnim> = idx
        .animations
        .iter()
        .map(|a| JsAnim {
            key: key(a),
            title: &a.title,
            subtitle: &a.subtitle,
            alt: &a.alt,
            poster: a.poster.trim_start_matches("heatmaps/"),
            gif: a.gif.trim_start_matches("heatmaps/"),
            csv: a.csv.trim_start_matches("heatmaps/"),
            page: page_path(a).trim_start_matches("heatmaps/").to_string(),
            w: a.width,
            h: a.height,
            frames: a.frames,
            first: a.first_date.to_string(),
            last: a.last_date.to_string(),
            unit: &a.legend.unit,
            pc: a.legend.per_capita,
            legend: a
                .legend
                .rows
                .iter()
                .map(|r| (r.color.clone(), r.label.clone()))
                .collect(),
            thresholds: &a.legend.thresholds,
            top: a
                .top
                .iter()
                .map(|t| {
                    (
                        t.name.clone(),
                        format!("../regions/{}.html", t.region_id),
                        t.value,
                    )
                })
                .collect(),
            top_note: &a.top_note,
        })
        .collect();
    let scopes: Vec<Opt> = idx
        .scopes
        .iter()
        .map(|s| Opt {
            value: s.id.clone(),
            label: s.label.clone(),
        })
        .collect();
    let groups: Vec<LinkGroup> = idx
        .scopes
        .iter()
        .map(|s| LinkGroup {
            label: s.label.clone(),
            links: idx
                .animations
                .iter()
                .filter(|a| a.scope == s.id)
                .map(|a| Link {
                    href: page_path(a).trim_start_matches("heatmaps/").to_string(),
                    label: label_of(a),
                })
                .collect(),
        })
        .collect();
    let first = featured(idx).expect("non-empty");
    let mut ctx = base_context(site_title, nav, "../", "Heat maps", "heatmaps/index.html");
    ctx.insert("scopes", &scopes);
    ctx.insert("groups", &groups);
    ctx.insert(
        "first",
        &data[idx
            .animations
            .iter()
            .position(|a| std::ptr::eq(a, first))
            .unwrap_or(0)],
    );
    ctx.insert("first_top", &top_rows(first, "../"));
    let divisors: Vec<(u64, String)> = DIVISORS
        .iter()
        .map(|&d| (d, crate::render::format::thousands(d as i64)))
        .collect();
    ctx.insert("divisors", &divisors);
    ctx.insert("frame_step", &idx.frame_step);
    ctx.insert(
        "data_json",
        &serde_json::to_string(&data)?.replace("</", "<\\/"),
    );
    out.write(
        "heatmaps/index.html",
        render(tera, "heatmaps.html", &ctx)?.as_bytes(),
    )?;

    for a in &idx.animations {
        let page = page_path(a);
        let root = super::root_of(&page);
        let siblings: Vec<Link> = idx
            .animations
            .iter()
            .filter(|b| b.scope == a.scope && !std::ptr::eq(*b, a))
            .map(|b| Link {
                href: page_path(b)
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
                label: label_of(b),
            })
            .collect();
        let mut ctx = base_context(site_title, nav, &root, &a.title, "heatmaps/index.html");
        ctx.insert("a", a);
        ctx.insert("label", &label_of(a));
        ctx.insert("poster", a.poster.rsplit('/').next().unwrap_or_default());
        ctx.insert("gif", a.gif.rsplit('/').next().unwrap_or_default());
        ctx.insert("csv", a.csv.rsplit('/').next().unwrap_or_default());
        ctx.insert("top", &top_rows(a, &root));
        ctx.insert("siblings", &siblings);
        out.write(&page, render(tera, "heatmap.html", &ctx)?.as_bytes())?;
    }
    Ok(())
}

fn top_rows(a: &Animation, root: &str) -> Vec<TopCtx> {
    // One number style per table (whole counts without decimals).
    let values = column(&a.top.iter().map(|t| t.value).collect::<Vec<_>>());
    a.top
        .iter()
        .zip(values)
        .map(|(t, value)| TopCtx {
            rank: t.rank,
            name: t.name.clone(),
            href: format!("{root}regions/{}.html", t.region_id),
            value,
        })
        .collect()
}
