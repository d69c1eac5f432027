//! The heat-map explorer (`heatmaps/index.html`: JS switches between precomputed images) and
//! one plain page per rendered combination (the no-JS path, and shareable links).

use anyhow::Result;
use serde::Serialize;

use super::{Site, script_json};
use crate::config::Config;
use crate::diag::SharedDiagnostics;
use crate::heatmap::{Animation, HeatmapIndex, HeatmapOptions, Sink};
use crate::measures::{Measure, Mode, Scale, Unit};
use crate::output::Output;
use crate::output::keys::BaseKeys;
use crate::quality::Assessed;
use crate::render::format::column;

// One literal for the number and its media query (`concat!` takes only literals).
macro_rules! map_crop_max_w {
    () => {
        1023
    };
}
/// Up to this width a heat map shows only its map block, with the legend and top 10 as text:
/// the whole 1040-px image needs a 1024-px window to be shown at ≥ 0.95 × its size, and
/// scaled into a tablet's column its panel text shrank to 6–8 px.
pub(crate) const MAP_CROP_MAX_W: u32 = map_crop_max_w!();
/// The media query of [`MAP_CROP_MAX_W`].
pub(crate) const MAP_CROP_MEDIA: &str = concat!("(max-width: ", map_crop_max_w!(), "px)");

/// Per-capita divisors the visitor can pick; images are made once, per 100,000.
pub(crate) const DIVISORS: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/// The heat-map set's folder in the site.
const DIR: &str = "heatmaps";

/// The renderer's files go under [`DIR`]; the frames files also under `data/`, where
/// data/datapackage.json describes them (a data package may not reach outside its folder).
impl Sink for Output {
    fn put(&self, name: &str, bytes: &[u8]) -> Result<()> {
        self.write(&format!("{DIR}/{name}"), bytes)
    }

    fn put_frames(&self, name: &str, bytes: &[u8]) -> Result<()> {
        self.put(name, bytes)?;
        self.write(&format!("data/{DIR}/{name}"), bytes)
    }
}

/// The index's file names (relative to the heat-map set) as paths from the site root.
fn place(idx: &mut HeatmapIndex) {
    let at = |name: &mut String| *name = format!("{DIR}/{name}");
    for a in &mut idx.animations {
        for name in [&mut a.gif, &mut a.poster, &mut a.poster_dark, &mut a.csv] {
            at(name);
        }
        a.hover.iter_mut().for_each(at);
    }
    for s in &mut idx.scopes {
        at(&mut s.hit);
    }
}

/// Renders the heat-map set (`heatmap::render_all`) as one incremental unit: the files it
/// writes and its index, which is what the pages need. Returns the index and the stage's
/// summary.
pub(crate) fn render(
    cfg: &Config,
    ds: &Assessed,
    out: &Output,
    keys: &BaseKeys,
    diag: &SharedDiagnostics,
) -> Result<(HeatmapIndex, String)> {
    let opts = HeatmapOptions {
        scopes: cfg.build.scopes.clone(),
        frame_step: cfg.build.frame_step,
    };
    let key = keys.heatmaps(opts.frame_step, &opts.scopes);
    let (idx, rebuilt) = out.unit_json(DIR, &key, || {
        let mut idx = crate::heatmap::render_all(ds, &opts, out, diag)?;
        place(&mut idx);
        let mut files: Vec<String> = idx
            .animations
            .iter()
            .flat_map(|a| {
                [
                    a.gif.clone(),
                    a.poster.clone(),
                    a.poster_dark.clone(),
                    a.csv.clone(),
                ]
            })
            .chain(idx.animations.iter().flat_map(|a| a.hover.clone()))
            .chain(idx.scopes.iter().map(|s| s.hit.clone()))
            // Each scope's frames file (and its copy under data/): part of the unit, so a build
            // that reuses the maps (a WHO-only refresh) keeps them.
            .chain(idx.scopes.iter().flat_map(|s| {
                let p = format!("{DIR}/{}/frames.csv.gz", s.id);
                [format!("data/{p}"), p]
            }))
            .collect();
        // Lin and log animations share their hover value files.
        files.sort();
        files.dedup();
        Ok((idx, files))
    })?;
    let bytes: usize = idx.animations.iter().map(|a| a.gif_bytes).sum();
    let detail = format!(
        "{} animations in {} scopes ({} frames, {:.1} MB of GIF)",
        idx.animations.len(),
        idx.scopes.len(),
        idx.animations.iter().map(|a| a.frames).sum::<usize>(),
        bytes as f64 / 1e6
    ) + if rebuilt { "" } else { ", unchanged" };
    Ok((idx, detail))
}

pub(crate) fn page_path(a: &Animation) -> String {
    format!("heatmaps/{}.html", a.key())
}

#[derive(Serialize)]
struct JsAnim<'a> {
    key: String,
    title: &'a str,
    subtitle: &'a str,
    alt: &'a str,
    poster: &'a str,
    poster_dark: &'a str,
    gif: &'a str,
    csv: &'a str,
    page: String,
    w: usize,
    h: usize,
    frames: usize,
    /// Days between frames.
    step: u32,
    first: String,
    last: String,
    unit: &'a str,
    pc: bool,
    legend: Vec<(String, String)>,
    thresholds: &'a [f64],
    top: Vec<(String, String, f64)>,
    /// What the map leaves out, as one sentence (or empty).
    note: String,
    top_note: &'a str,
    /// The view its scope opens on (`featured_of`).
    featured: bool,
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
pub(crate) struct TopCtx {
    rank: usize,
    name: String,
    href: String,
    value: String,
}

fn label_of(a: &Animation) -> String {
    format!(
        "{}, {}, {}, {}",
        a.measure_label,
        if a.mode == Mode::New {
            "new per day (7-day average)"
        } else {
            "total"
        },
        if a.unit == Unit::PerCapita {
            "per 100,000"
        } else {
            "absolute"
        },
        if a.scale == Scale::Log {
            "log scale"
        } else {
            "round colour classes"
        }
    )
}

/// What the map leaves out, for captions: rows without a shape on the last date (when more
/// than 1 % of the total) and counties painted with their reporting unit's value.
pub(crate) fn note_of(a: &Animation) -> String {
    let mut parts = Vec::new();
    if let Some(n) = &a.unmapped_note {
        parts.push(format!("{n} on {}.", a.last_date));
    }
    if let Some(n) = &a.district_note {
        parts.push(format!("{n}."));
    }
    parts.join(" ")
}

/// Regions ranked on the last date below which new cases make a poor first view.
const FEATURED_MIN_REPORTING: usize = 5;

/// The view a scope is shown in first (the explorer, the overview for the world): new cases
/// per 100,000 (7-day average), which compares places of any size, when it ranks on the last
/// date at least as many regions as the total does (up to `FEATURED_MIN_REPORTING`); else the
/// cumulative total per
/// 100,000, whose last date is never empty (China's provinces stopped reporting new cases, and
/// its new-cases map was all "Not reporting"). Always the default colour classes.
pub(crate) fn featured_of<'a>(idx: &'a HeatmapIndex, scope: &str) -> Option<&'a Animation> {
    let pick = |mode: Mode| {
        idx.animations.iter().find(|a| {
            a.scope == scope
                && a.measure == Measure::Confirmed
                && a.mode == mode
                && a.unit == Unit::PerCapita
                && a.scale == Scale::Linear
        })
    };
    let total = pick(Mode::Total);
    let enough = total.map_or(0, |t| t.top.len().min(FEATURED_MIN_REPORTING));
    pick(Mode::New).filter(|a| a.top.len() >= enough).or(total)
}

/// The animation shown first (and on the overview): the world's featured view.
pub(crate) fn featured(idx: &HeatmapIndex) -> Option<&Animation> {
    featured_of(idx, "world")
        .or_else(|| idx.scopes.first().and_then(|s| featured_of(idx, &s.id)))
        .or_else(|| idx.animations.first())
}

/// One sentence on which view is featured and why (the caption of the overview's map).
pub(crate) fn featured_why(a: &Animation) -> String {
    if a.mode == Mode::New {
        format!(
            "{} per day per 100,000 people (7-day average), the first view of every map: per capita, it compares places of any size.",
            a.measure_label
        )
    } else {
        format!(
            "{} in total per 100,000 people: fewer regions of this map report new cases on the last date than report a total, so it opens on the total.",
            a.measure_label
        )
    }
}

/// The explorer, one page per animation, and the legend colours' stylesheet.
pub(crate) fn write_all(site: &Site, idx: &HeatmapIndex) -> Result<()> {
    if idx.animations.is_empty() {
        return Ok(());
    }
    write_colours(site, idx)?;
    write_explorer(site, idx)?;
    for a in &idx.animations {
        write_page(site, idx, a)?;
    }
    Ok(())
}

/// The heat maps' stylesheet, made from the renderer's constants: the legend swatch colours
/// as classes in both schemes (the CSP allows no inline styles), the dark palette the
/// scripts give a GIF in dark mode, and the phone crop of the map block.
fn write_colours(site: &Site, idx: &HeatmapIndex) -> Result<()> {
    let mut colours: Vec<String> = idx
        .animations
        .iter()
        .flat_map(|a| a.legend.rows.iter().map(|r| r.color.to_lowercase()))
        .collect();
    colours.sort();
    colours.dedup();
    let mut css = colours_css(&colours);
    // The phone crop of each scope's map (the explorer switches `data-scope`).
    for s in &idx.scopes {
        let [_, _, w, h] = s.phone_crop;
        css += &format!(
            "@media {} {{ .hm-frame[data-scope=\"{}\"] {{ aspect-ratio: {w} / {h}; }} }}\n",
            MAP_CROP_MEDIA, s.id
        );
    }
    site.output
        .write("assets/heatmap-colors.css", css.as_bytes())
}

fn colours_css(colours: &[String]) -> String {
    use crate::heatmap::color;
    use crate::heatmap::frame::{CROP, WIDTH};
    let rgb = |hex: &str| -> Option<[u8; 3]> {
        let h = hex.trim_start_matches('#');
        let b = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
        Some([b(0)?, b(2)?, b(4)?])
    };
    let class = |c: &str| c.trim_start_matches('#').to_string();
    let mut css = String::from("/* Generated by seecovid from the heat-map renderer. */\n");
    for c in colours {
        css += &format!(".sw-{} {{ background: {c}; }}\n", class(c));
    }
    let dark_palette: String = color::DARK
        .palette()
        .iter()
        .map(|c| color::hex(*c).trim_start_matches('#').to_string())
        .collect();
    css += &format!(
        "@media (prefers-color-scheme: dark) {{\n  :root {{ --hm-dark-palette: \"{dark_palette}\"; }}\n"
    );
    for c in colours {
        if let Some(d) = rgb(c).and_then(color::dark_of) {
            css += &format!("  .sw-{} {{ background: {}; }}\n", class(c), color::hex(d));
        }
    }
    // From file:// the dark GIF cannot be made: the light one plays, and the swatches of its
    // page follow it (heatmaps.js sets the class).
    for c in colours {
        css += &format!("  .hm-light .sw-{} {{ background: {c}; }}\n", class(c));
    }
    css += "}\n";
    // The narrow layout: the map block alone, at the width of the page but never beyond its
    // own pixels (the legend and top 10 follow as text). Percent margins are of the
    // container's width.
    let (x, y, w, h) = CROP;
    css += &format!(
        "@media {MAP_CROP_MEDIA} {{\n  .hm-frame {{ width: auto; max-width: {}px; aspect-ratio: {w} / {h}; }}\n  \
         .hm-frame img, .hm-frame canvas {{ width: calc(100% * {WIDTH} / {w}); max-width: none; \
         margin-left: calc(-100% * {x} / {w}); margin-top: calc(-100% * {y} / {w}); }}\n}}\n",
        w + 2
    );
    css
}

/// Explorer data: everything the JS needs to switch views without loading anything.
fn js_anim<'a>(idx: &HeatmapIndex, a: &'a Animation) -> JsAnim<'a> {
    JsAnim {
        key: a.key(),
        title: &a.title,
        subtitle: &a.subtitle,
        alt: &a.alt,
        poster: a.poster.trim_start_matches("heatmaps/"),
        poster_dark: a.poster_dark.trim_start_matches("heatmaps/"),
        gif: a.gif.trim_start_matches("heatmaps/"),
        csv: a.csv.trim_start_matches("heatmaps/"),
        page: page_path(a).trim_start_matches("heatmaps/").to_string(),
        w: a.width,
        h: a.height,
        frames: a.frames,
        step: a.step,
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
        note: note_of(a),
        top_note: &a.top_note,
        featured: featured_of(idx, &a.scope).is_some_and(|f| std::ptr::eq(f, a)),
    }
}

/// `heatmaps/index.html`: the explorer, with a plain list of every page for no-JS visitors.
fn write_explorer(site: &Site, idx: &HeatmapIndex) -> Result<()> {
    let data: Vec<JsAnim> = idx.animations.iter().map(|a| js_anim(idx, a)).collect();
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
    let first_pos = idx
        .animations
        .iter()
        .position(|a| std::ptr::eq(a, first))
        .unwrap_or(0);
    let divisors: Vec<(u64, String)> = DIVISORS
        .iter()
        .map(|&d| (d, crate::render::format::thousands(d as i64)))
        .collect();
    let rel = "heatmaps/index.html";
    let mut ctx = site.context(rel, "Heat maps", rel);
    ctx.insert("scopes", &scopes);
    ctx.insert("groups", &groups);
    ctx.insert("first", &data[first_pos]);
    ctx.insert("first_legend", &first.legend);
    ctx.insert("first_top", &top_rows(first, "../"));
    ctx.insert("first_scope_label", &first.scope_label);
    ctx.insert("divisors", &divisors);
    ctx.insert("frame_step", &idx.frame_step);
    ctx.insert(
        "county_step",
        &crate::heatmap::scope_step("us-counties", idx.frame_step),
    );
    ctx.insert("data_json", &script_json(&data)?);
    site.write_page(rel, "heatmaps.html", &ctx)
}

/// One plain page per animation (the no-JS path, and shareable links).
fn write_page(site: &Site, idx: &HeatmapIndex, a: &Animation) -> Result<()> {
    let page = page_path(a);
    let root = super::root_of(&page);
    let file = |p: &str| p.rsplit('/').next().unwrap_or_default().to_string();
    let siblings: Vec<Link> = idx
        .animations
        .iter()
        .filter(|b| b.scope == a.scope && !std::ptr::eq(*b, a))
        .map(|b| Link {
            href: file(&page_path(b)),
            label: label_of(b),
        })
        .collect();
    let mut ctx = site.context(&page, &a.title, "heatmaps/index.html");
    ctx.insert("description", &format!("{}. {}", a.title, a.subtitle));
    ctx.insert("og_image", &a.poster);
    ctx.insert("a", a);
    ctx.insert("label", &label_of(a));
    ctx.insert("note", &note_of(a));
    ctx.insert("poster", &file(&a.poster));
    ctx.insert("poster_dark", &file(&a.poster_dark));
    ctx.insert("gif", &file(&a.gif));
    ctx.insert("csv", &file(&a.csv));
    ctx.insert("top", &top_rows(a, &root));
    ctx.insert("siblings", &siblings);
    site.write_page(&page, "heatmap.html", &ctx)
}

pub(crate) fn top_rows(a: &Animation, root: &str) -> Vec<TopCtx> {
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

/// Writes the page prose of every animation: its alt text and the note under a per-capita
/// top 10 (the renderer gives the facts: scope, measure, dates, step, floor).
pub(crate) fn describe(idx: &mut HeatmapIndex) {
    for a in &mut idx.animations {
        a.alt = alt(a);
        a.top_note = top_note(a);
    }
}

/// The alt text of an animation.
fn alt(a: &Animation) -> String {
    format!(
        "Animated map of {}: {} ({}{}), {}, one frame every {} from {} to {}, \
         with a bar chart of the {} {} with the highest values.",
        a.scope_label,
        a.measure.label().to_lowercase(),
        crate::heatmap::what(a.mode).to_lowercase(),
        if a.unit == Unit::PerCapita {
            ", per 100,000 people"
        } else {
            ""
        },
        match a.scale {
            Scale::Linear => "round colour classes, the same on every frame",
            Scale::Log => "logarithmic colour scale",
        },
        if a.step == 1 {
            "day".to_string()
        } else {
            format!("{} days", a.step)
        },
        a.first_date,
        a.last_date,
        crate::heatmap::frame::TOP_N,
        a.noun,
    )
}

/// The sentence under a per-capita top 10 stating the population floor.
fn top_note(a: &Animation) -> String {
    a.rank_floor.map_or(String::new(), |f| {
        format!(
            "Ranked per capita: only {} with at least {} people (smaller places swing with a handful of cases); the CSV lists every region.",
            a.noun,
            crate::render::format::thousands(f as i64)
        )
    })
}
