//! A group's page and the index's card: the controls, the links to every image and the
//! table of members.

use anyhow::Result;
use serde::Serialize;

use super::groups::Group;
use super::images::image_rel;
use super::texts::ViewJson;
use super::view::{ALIGNS, MEASURES, MODES, SCALES, UNITS, View};
use super::{H, PER, PHONE_H, W};
use crate::data::Dataset;
use crate::render::chart;
use crate::render::format::{decimal, thousands};
use crate::site::{Site, pictures, script_json};

#[derive(Serialize)]
struct LinkCell {
    href: String,
    text: String,
}

#[derive(Serialize)]
struct LinkRow {
    label: String,
    cells: Vec<LinkCell>,
}

#[derive(Serialize)]
struct MemberRow {
    name: String,
    page: String,
    population: String,
    confirmed: String,
    per100k: String,
    first_case: String,
    first_p10k: String,
}

#[derive(Serialize)]
pub(super) struct GroupCard {
    name: String,
    href: String,
    about: String,
    regions: String,
    from_config: bool,
}

/// The links to every view's image, one row per measure × scale × unit.
fn link_rows(g: &Group, views: &[View]) -> Vec<LinkRow> {
    views
        .chunks(ALIGNS.len())
        .map(|c| LinkRow {
            label: c[0].label(),
            cells: c
                .iter()
                .map(|v| LinkCell {
                    href: image_rel(g, *v),
                    text: ALIGNS
                        .iter()
                        .find(|a| a.0 == v.align)
                        .expect("listed")
                        .2
                        .into(),
                })
                .collect(),
        })
        .collect()
}

/// The table of the group's regions: population, cases, outbreak start dates.
fn member_rows(ds: &Dataset, g: &Group) -> Vec<MemberRow> {
    g.members
        .iter()
        .map(|&i| {
            let r = &ds.regions[i];
            let s = &r.series;
            let last = s.confirmed.last().copied().unwrap_or(0);
            let pop = r.population.filter(|&p| p > 0);
            let first = s.confirmed.iter().position(|&c| c > 0);
            let p10k = pop.and_then(|p| {
                s.confirmed
                    .iter()
                    .position(|&c| c > 0 && c as f64 * crate::measures::ALIGN_PER >= p as f64)
            });
            MemberRow {
                name: r.full_name(&ds.regions),
                page: format!("../regions/{}.html", r.id),
                population: pop.map_or("unknown".into(), |p| thousands(p as i64)),
                confirmed: thousands(last),
                per100k: pop.map_or(String::new(), |p| decimal(last as f64 * PER / p as f64)),
                first_case: first.map_or("none".into(), |i| s.date(i).to_string()),
                first_p10k: match (pop, p10k) {
                    (None, _) => String::new(),
                    (Some(_), None) => "not reached".into(),
                    (Some(_), Some(i)) => s.date(i).to_string(),
                },
            }
        })
        .collect()
}

/// A group's page; returns its card for the index.
pub(super) fn write_group(
    site: &Site,
    g: &Group,
    views: &[View],
    texts: &[ViewJson],
) -> Result<GroupCard> {
    let ds = site.dataset;
    // Views in key order for the JSON (a BTreeMap keeps the output stable).
    let map: std::collections::BTreeMap<String, &ViewJson> =
        views.iter().zip(texts).map(|(v, t)| (v.key(), t)).collect();
    let default = 0; // new, linear, absolute, date
    let left_out: Vec<serde_json::Value> = g
        .left_out
        .iter()
        .map(|&i| {
            serde_json::json!({
                "name": ds.regions[i].name,
                "page": format!("../regions/{}.html", ds.regions[i].id),
            })
        })
        .collect();
    let rel = format!("compare/{}.html", g.slug);
    let mut ctx = site.context(&rel, &format!("Compare: {}", g.name), "compare/index.html");
    ctx.insert("group", &g.name);
    ctx.insert(
        "description",
        &format!("COVID-19 case curves compared: {}", g.name),
    );
    ctx.insert("slug", &g.slug);
    ctx.insert("about", &g.about);
    ctx.insert("from_config", &g.from_config);
    ctx.insert("window", &site.window());
    ctx.insert("views_json", &script_json(&map)?);
    ctx.insert("default_src", &image_rel(g, views[default]));
    ctx.insert("default", &texts[default]);
    ctx.insert("width", &W);
    ctx.insert("height", &H);
    ctx.insert("phone_width", &chart::PHONE_W);
    ctx.insert("phone_height", &PHONE_H);
    ctx.insert("phone_media", pictures::PHONE_MEDIA);
    ctx.insert("rows", &link_rows(g, views));
    ctx.insert("n_views", &views.len());
    ctx.insert("members", &member_rows(ds, g));
    ctx.insert("left_out", &left_out);
    ctx.insert(
        "controls",
        &[
            control("what", "Show", &MEASURES.map(|m| (m.1, m.2))),
            control("measure", "Count", &MODES.map(|m| (m.1, m.2))),
            control("scale", "Scale", &SCALES.map(|m| (m.1, m.2))),
            control("unit", "Values", &UNITS.map(|m| (m.1, m.2))),
            control("align", "Align on", &ALIGNS.map(|m| (m.1, m.2))),
        ],
    );
    site.write_page(&rel, "compare.html", &ctx)?;
    let names: Vec<&str> = g
        .members
        .iter()
        .map(|&i| ds.regions[i].name.as_str())
        .collect();
    Ok(GroupCard {
        name: g.name.clone(),
        href: format!("{}.html", g.slug),
        about: g.about.clone(),
        regions: names.join(", "),
        from_config: g.from_config,
    })
}

#[derive(Serialize)]
pub struct ControlCtx {
    pub dim: String,
    pub label: String,
    pub options: Vec<(String, String)>,
}

fn control(dim: &str, label: &str, options: &[(&str, &str)]) -> ControlCtx {
    ControlCtx {
        dim: dim.into(),
        label: label.into(),
        options: options
            .iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect(),
    }
}
