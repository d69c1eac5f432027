//! `compare/` ("the curves"): overlays of several regions. Preset groups (top 10 countries,
//! G7, the provinces of Australia, Canada and China, top 10 US states) plus groups from
//! `seecovid.toml`. Every view of a group — total/new × linear/log × absolute/per-capita ×
//! three alignments — is rendered ahead of time; `switch.js` swaps the image, and a table of
//! links reaches every image without JavaScript.
//!
//! Owns the group resolution (an unknown region id in a config group is an error naming the
//! group and the id) and the per-view series; drawing is `render::chart`'s.

use anyhow::{Result, bail};
use chrono::{Duration, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use super::interact::{self, SeriesRef};
use super::{Site, pictures, script_json};
use crate::config::CompareGroup;
use crate::data::{Dataset, Level, Slugs, names, slug};
use crate::measures::{self, Measure, Mode, Scale, Unit};
use crate::render::chart::{self, Chart, Panel, Trace};
use crate::render::format::{count, decimal, si, thousands};

/// Most lines in one chart (the palette has ten distinguishable colours).
pub const MAX_LINES: usize = 10;
const W: u32 = 720;
const H: u32 = 360;
/// Height of the phone layout (`site::pictures`).
const PHONE_H: u32 = 320;
const PER: f64 = measures::PER_CAPITA_BASE as f64;

/// One group of regions drawn together.
#[derive(Clone, Debug)]
pub struct Group {
    /// File-name stem: `compare/{slug}.html`.
    pub slug: String,
    pub name: String,
    pub about: String,
    /// Region indices in drawing (and colour) order.
    pub members: Vec<usize>,
    /// Regions of a preset that did not fit in the ten lines.
    pub left_out: Vec<usize>,
    pub from_config: bool,
}

fn last_confirmed(ds: &Dataset, i: usize) -> i64 {
    ds.regions[i].series.confirmed.last().copied().unwrap_or(0)
}

/// Sorts by the latest confirmed total (largest first), ties by id.
fn by_cases(ds: &Dataset, mut v: Vec<usize>) -> Vec<usize> {
    v.sort_by(|&a, &b| {
        last_confirmed(ds, b)
            .cmp(&last_confirmed(ds, a))
            .then_with(|| ds.regions[a].id.cmp(&ds.regions[b].id))
    });
    v
}

/// The ten with the most cases, and the rest.
fn top(ds: &Dataset, v: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
    let mut v = by_cases(ds, v);
    let rest = v.split_off(v.len().min(MAX_LINES));
    (v, rest)
}

/// The ten with the most cases (a "top 10" needs no list of the others).
fn top_only(ds: &Dataset, v: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
    (top(ds, v).0, Vec::new())
}

/// The preset groups that exist in this dataset, then the config groups (validated against
/// the region ids).
pub fn resolve_groups(ds: &Dataset, config: &[CompareGroup]) -> Result<Vec<Group>> {
    let mut groups = presets(ds);
    let mut slugs = Slugs::default();
    for g in &groups {
        slugs.take(&g.slug);
    }
    for (gi, g) in config.iter().enumerate() {
        let members = config_members(ds, gi, g)?;
        groups.push(Group {
            slug: slugs.unique(&slug(&g.name)),
            name: g.name.clone(),
            about: "A group defined in the site's configuration (seecovid.toml).".into(),
            members,
            left_out: Vec::new(),
            from_config: true,
        });
    }
    Ok(groups)
}

fn preset(slug: &str, name: &str, about: String, m: (Vec<usize>, Vec<usize>)) -> Option<Group> {
    (!m.0.is_empty()).then(|| Group {
        slug: slug.into(),
        name: name.into(),
        about,
        members: m.0,
        left_out: m.1,
        from_config: false,
    })
}

/// The preset groups that exist in this dataset: top 10 countries, G7, the provinces of
/// Australia, Canada and China, top 10 US states.
fn presets(ds: &Dataset) -> Vec<Group> {
    let date = ds.data_date();
    // Real places only: cruise ships, the Olympics and "Unknown" rows are not in the groups.
    let of_level = |l: Level| -> Vec<usize> {
        (0..ds.regions.len())
            .filter(|&i| ds.regions[i].level == l && !names::is_pseudo(&ds.regions[i]))
            .collect()
    };
    let mut groups = Vec::new();
    groups.extend(preset(
        "top-countries",
        "Top 10 countries",
        format!("The ten countries with the most confirmed cases on {date}."),
        top_only(ds, of_level(Level::Country)),
    ));
    let g7: Vec<usize> = [
        "canada",
        "france",
        "germany",
        "italy",
        "japan",
        "united-kingdom",
        "us",
    ]
    .iter()
    .filter_map(|id| ds.regions.iter().position(|r| r.id == *id))
    .collect();
    groups.extend(preset(
        "g7",
        "G7",
        "Canada, France, Germany, Italy, Japan, the United Kingdom and the United States.".into(),
        (g7, Vec::new()),
    ));
    for (id, name) in [
        ("australia", "Australia"),
        ("canada", "Canada"),
        ("china", "China"),
    ] {
        groups.extend(provinces(ds, id, name));
    }
    groups.extend(preset(
        "top-us-states",
        "Top 10 US states",
        format!("The ten US states and territories with the most confirmed cases on {date}."),
        top_only(ds, of_level(Level::UsState)),
    ));
    groups
}

/// The provinces of one country (the ten with the most cases when there are more).
fn provinces(ds: &Dataset, id: &str, name: &str) -> Option<Group> {
    let c = ds.regions.iter().position(|r| r.id == id)?;
    let kids: Vec<usize> = ds.regions[c]
        .children
        .iter()
        .copied()
        .filter(|&k| ds.regions[k].level == Level::Province)
        .collect();
    let n = kids.len();
    let about = if n > MAX_LINES {
        format!(
            "The ten of {name}'s {n} provinces and states (as published by JHU) with the most confirmed cases on {}; the others are listed below.",
            ds.data_date()
        )
    } else {
        format!("All {n} provinces and states of {name} as published by JHU.")
    };
    preset(
        &format!("provinces-{id}"),
        &format!("Provinces of {name}"),
        about,
        top(ds, kids),
    )
}

/// A config group's regions; an unknown id is an error naming the group and the id.
fn config_members(ds: &Dataset, gi: usize, g: &CompareGroup) -> Result<Vec<usize>> {
    let mut members = Vec::new();
    for id in &g.regions {
        let Some(i) = ds.regions.iter().position(|r| &r.id == id) else {
            let want = slug(id);
            let close: Vec<&str> = ds
                .regions
                .iter()
                .filter(|r| r.id == want || (want.len() >= 3 && r.id.contains(&want)))
                .take(3)
                .map(|r| r.id.as_str())
                .collect();
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", close.join(", "))
            };
            bail!(
                "`compare.groups[{gi}].regions`: group `{}` names unknown region id `{id}`{hint}; region ids are listed in data/regions.json of a built site (e.g. `germany`, `canada--ontario`, `us--texas`)",
                g.name
            );
        };
        if !members.contains(&i) {
            members.push(i);
        }
    }
    Ok(members)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Date,
    FirstCase,
    Per10k,
}

/// One combination of the five choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    /// Confirmed cases or deaths (alignments are on cases either way).
    pub measure: Measure,
    pub mode: Mode,
    pub scale: Scale,
    pub unit: Unit,
    pub align: Align,
}

// The controls: value (the long spelling of the shared vocabulary) and label.
const MEASURES: [(Measure, &str, &str); 2] = [
    (Measure::Confirmed, "cases", "Confirmed cases"),
    (Measure::Deaths, "deaths", "Deaths"),
];
const MODES: [(Mode, &str, &str); 2] = [
    (Mode::New, "new", "New per day"),
    (Mode::Total, "total", "Total"),
];
const SCALES: [(Scale, &str, &str); 2] = [
    (Scale::Linear, "linear", "Linear"),
    (Scale::Log, "log", "Logarithmic"),
];
const UNITS: [(Unit, &str, &str); 2] = [
    (Unit::Absolute, "absolute", "Number"),
    (Unit::PerCapita, "per100k", "Per 100,000 people"),
];
const ALIGNS: [(Align, &str, &str); 3] = [
    (Align::Date, "date", "Calendar date"),
    (Align::FirstCase, "first", "Days since the first case"),
    (Align::Per10k, "p10k", "Days since 1 case per 10,000 people"),
];

impl View {
    /// All 48 views, in the order of the controls.
    pub fn all() -> Vec<View> {
        let mut v = Vec::new();
        for c in MEASURES {
            for m in MODES {
                for s in SCALES {
                    for u in UNITS {
                        for a in ALIGNS {
                            v.push(View {
                                measure: c.0,
                                mode: m.0,
                                scale: s.0,
                                unit: u.0,
                                align: a.0,
                            });
                        }
                    }
                }
            }
        }
        v
    }

    /// `cases-new-linear-absolute-date`: the control values joined by `-` (the URL hash and
    /// the image name use it; compare/any.html uses the same keys).
    pub fn key(&self) -> String {
        let c = MEASURES
            .iter()
            .find(|x| x.0 == self.measure)
            .expect("listed")
            .1;
        let a = ALIGNS.iter().find(|x| x.0 == self.align).expect("listed").1;
        format!(
            "{c}-{}-{}-{}-{a}",
            self.mode.as_str(),
            self.scale.long(),
            self.unit.long()
        )
    }

    /// "confirmed cases" or "deaths".
    fn noun(&self) -> &'static str {
        match self.measure {
            Measure::Deaths => "deaths",
            _ => "confirmed cases",
        }
    }

    fn what(&self, window: usize) -> String {
        let n = self.noun();
        let m = match self.mode {
            Mode::Total => format!("Total {n}"),
            Mode::New => format!("New {n} per day ({window}-day average)"),
        };
        match self.unit {
            Unit::Absolute => m,
            Unit::PerCapita => format!("{m} per 100,000 people"),
        }
    }

    fn title(&self, window: usize) -> String {
        // Compare groups show cases or deaths only.
        let n = self.measure.noun();
        let m = match self.mode {
            Mode::Total => format!("Total {n}"),
            Mode::New => format!("New {n} per day, {window}-day average"),
        };
        let u = match self.unit {
            Unit::Absolute => "",
            Unit::PerCapita => " per 100,000 people",
        };
        let s = match self.scale {
            Scale::Linear => "",
            Scale::Log => " (log scale)",
        };
        format!("{m}{u}{s}")
    }

    fn scale_text(&self) -> &'static str {
        match self.scale {
            Scale::Linear => "linear scale",
            Scale::Log => "logarithmic scale (zero and negative values left out)",
        }
    }

    fn align_text(&self) -> &'static str {
        match self.align {
            Align::Date => "by calendar date",
            Align::FirstCase => "aligned on the day of the first case (day 0)",
            Align::Per10k => {
                "aligned on the day each region reached 1 case per 10,000 people (day 0)"
            }
        }
    }

    fn x_desc(&self) -> &'static str {
        match self.align {
            Align::Date => "",
            Align::FirstCase => "days since the first case",
            Align::Per10k => "days since 1 case per 10,000 people",
        }
    }

    /// Short description for the list of links.
    fn label(&self) -> String {
        let parts = [
            MEASURES
                .iter()
                .find(|x| x.0 == self.measure)
                .expect("listed")
                .2,
            MODES.iter().find(|x| x.0 == self.mode).expect("listed").2,
            SCALES.iter().find(|x| x.0 == self.scale).expect("listed").2,
            UNITS.iter().find(|x| x.0 == self.unit).expect("listed").2,
        ];
        parts.join(", ")
    }
}

/// A region's line in one view: values indexed from the view's day 0, which is index `first`
/// of the region's series.
struct Line {
    member: usize,
    values: Vec<f64>,
    first: usize,
}

/// The series of one view: lines, the date of index 0 (calendar view) and the regions left
/// out with the reason.
struct ViewData {
    start: NaiveDate,
    days: usize,
    lines: Vec<(usize, Vec<f64>)>,
    /// Per line: the index in the region's series of the view's day 0 (negative when the
    /// line starts later than the view).
    offsets: Vec<i64>,
    skipped: Vec<(usize, &'static str)>,
}

fn view_data(ds: &Dataset, g: &Group, v: View, window: usize) -> ViewData {
    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for (k, &i) in g.members.iter().enumerate() {
        let r = &ds.regions[i];
        let s = &r.series;
        let pop = r.population.filter(|&p| p > 0);
        if (v.unit == Unit::PerCapita || v.align == Align::Per10k) && pop.is_none() {
            skipped.push((k, "no population figure"));
            continue;
        }
        let counts = match v.measure {
            Measure::Deaths => &s.deaths,
            _ => &s.confirmed,
        };
        let mut vals = match v.mode {
            Mode::Total => measures::to_f64(counts),
            // The region's own N-day average (docs/data-rules.md §4–5): the one published.
            Mode::New => {
                measures::new_series(
                    counts,
                    &ds.quality.regions[i],
                    v.measure == Measure::Deaths,
                    window,
                )
                .mean
            }
        };
        if v.unit == Unit::PerCapita {
            let p = pop.expect("checked above") as f64;
            for x in &mut vals {
                *x = *x * PER / p;
            }
        }
        let first = match v.align {
            Align::Date => Some(0),
            Align::FirstCase => s.confirmed.iter().position(|&c| c > 0),
            Align::Per10k => {
                let p = pop.expect("checked above") as f64;
                s.confirmed
                    .iter()
                    .position(|&c| c > 0 && c as f64 * 10_000.0 >= p)
            }
        };
        let Some(first) = first else {
            skipped.push((
                k,
                if v.align == Align::FirstCase {
                    "no cases reported"
                } else {
                    "never reached 1 case per 10,000 people"
                },
            ));
            continue;
        };
        lines.push(Line {
            member: k,
            values: vals[first..].to_vec(),
            first,
        });
    }
    // Calendar view: pad every line to the common start date.
    let mut offsets: Vec<i64> = lines.iter().map(|l| l.first as i64).collect();
    let (start, lines): (NaiveDate, Vec<(usize, Vec<f64>)>) = if v.align == Align::Date {
        let start = g
            .members
            .iter()
            .map(|&i| ds.regions[i].series.start)
            .min()
            .unwrap_or_else(|| ds.data_date());
        let lines = lines
            .into_iter()
            .zip(&mut offsets)
            .map(|(l, off)| {
                let r = &ds.regions[g.members[l.member]];
                let pad = (r.series.start - start).num_days().max(0) as usize;
                *off = -(pad as i64);
                let mut v = vec![f64::NAN; pad];
                v.extend(l.values);
                (l.member, v)
            })
            .collect();
        (start, lines)
    } else {
        (
            ds.data_date(),
            lines.into_iter().map(|l| (l.member, l.values)).collect(),
        )
    };
    let days = lines.iter().map(|l| l.1.len()).max().unwrap_or(2).max(2);
    ViewData {
        start,
        days,
        lines,
        offsets,
        skipped,
    }
}

/// Short line label: the region's own name, at most 18 characters.
fn short(name: &str) -> String {
    if name.chars().count() <= 18 {
        name.to_string()
    } else {
        let s: String = name.chars().take(17).collect();
        format!("{}…", s.trim_end())
    }
}

fn value_text(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Absolute => si(v),
        Unit::PerCapita => decimal(v),
    }
}

#[derive(Serialize, serde::Deserialize)]
struct ViewJson {
    alt: String,
    caption: String,
    note: String,
    /// `data-hover` of the view's image (see `site::interact`).
    hover: String,
}

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
struct GroupCard {
    name: String,
    href: String,
    about: String,
    regions: String,
    from_config: bool,
}

fn image_rel(g: &Group, v: View) -> String {
    format!("img/{}-{}.svg", g.slug, v.key())
}

/// Renders one view and returns its texts.
fn render_view(site: &Site, g: &Group, v: View) -> Result<ViewJson> {
    let (ds, window) = (site.dataset, site.window());
    let d = view_data(ds, g, v, window);
    let labels: Vec<String> = g
        .members
        .iter()
        .map(|&i| short(&ds.regions[i].name))
        .collect();
    let traces: Vec<Trace> = d
        .lines
        .iter()
        .map(|(k, vals)| Trace {
            label: &labels[*k],
            values: vals,
            color: chart::LINES[*k % chart::LINES.len()],
        })
        .collect();
    let c = Chart {
        phone: false,
        width: W,
        height: H,
        start: d.start,
        days: d.days,
        panels: vec![Panel {
            title: v.title(window),
            log: v.scale == Scale::Log,
            lines: traces,
            x_days: v.align != Align::Date,
            end_labels: true,
            x_desc: v.x_desc().to_string(),
            ..Default::default()
        }],
    };
    let drawn = pictures::write(site.output, "compare", &image_rel(g, v), &c, PHONE_H)?;
    let mut texts = view_texts(ds, g, v, &d, window);
    texts.hover = interact::picture_hover(&c, &drawn, &[view_series(ds, g, v, &d, &c)]);
    Ok(texts)
}

/// Where each line of a view comes from in the regions' data files (for values on hover).
fn view_series(ds: &Dataset, g: &Group, v: View, d: &ViewData, c: &Chart) -> Vec<SeriesRef> {
    let key = match (v.measure, v.mode) {
        (Measure::Deaths, Mode::Total) => "deaths",
        (Measure::Deaths, Mode::New) => "ma_deaths",
        (_, Mode::Total) => "confirmed",
        (_, Mode::New) => "ma_confirmed",
    };
    let per = match v.unit {
        Unit::PerCapita => PER as u64,
        Unit::Absolute => 0,
    };
    d.lines
        .iter()
        .zip(&d.offsets)
        .zip(&c.panels[0].lines)
        .map(|(((k, _), &off), t)| SeriesRef {
            off,
            per,
            ..SeriesRef::new(
                t.label,
                &interact::region_name(&ds.regions[g.members[*k]]),
                key,
                t.color,
            )
        })
        .collect()
}

/// The alt text, caption and note of one view: what it shows, the figures the picture shows
/// (largest first), and the regions it leaves out.
fn view_texts(ds: &Dataset, g: &Group, v: View, d: &ViewData, window: usize) -> ViewJson {
    let what = v.what(window);
    let span = if v.align == Align::Date {
        format!(
            "from {} to {}",
            d.start,
            d.start + Duration::days(d.days as i64 - 1)
        )
    } else {
        format!("over {} days", d.days)
    };
    // The figures the picture shows, largest first.
    let mut facts: Vec<(f64, String)> = d
        .lines
        .iter()
        .filter_map(|(k, vals)| {
            let name = &ds.regions[g.members[*k]].name;
            let (i, x) = match v.mode {
                Mode::Total => vals
                    .iter()
                    .copied()
                    .enumerate()
                    .rev()
                    .find(|(_, x)| x.is_finite())?,
                Mode::New => vals
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, x)| x.is_finite())
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?,
            };
            let when = if v.align == Align::Date {
                (d.start + Duration::days(i as i64)).to_string()
            } else {
                format!("day {i}")
            };
            Some((x, format!("{name} {} ({when})", value_text(x, v.unit))))
        })
        .collect();
    facts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let facts: Vec<String> = facts.into_iter().map(|f| f.1).collect();
    let lead = match v.mode {
        Mode::Total => "Latest values",
        Mode::New => "Highest averages",
    };
    let alt = if facts.is_empty() {
        format!(
            "Empty line chart of {} for {}: no region can be shown in this view.",
            what.to_lowercase(),
            g.name
        )
    } else {
        format!(
            "Line chart of {} for {} of the group {}, {}, on a {}, {span}. {lead}: {}.",
            what.to_lowercase(),
            count(facts.len() as i64, "region", "regions"),
            g.name,
            v.align_text(),
            v.scale_text(),
            facts.join("; ")
        )
    };
    let caption = format!("{what}, {}, {}.", v.align_text(), v.scale_text());
    let note = if d.skipped.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = d
            .skipped
            .iter()
            .map(|(k, why)| format!("{} ({why})", ds.regions[g.members[*k]].name))
            .collect();
        format!("Not shown in this view: {}.", list.join(", "))
    };
    ViewJson {
        alt,
        caption,
        note,
        hover: String::new(),
    }
}

/// Writes every group's images and page, and `compare/index.html`. Returns (groups, images).
pub(crate) fn build(site: &Site, groups: &[Group]) -> Result<(usize, usize)> {
    let views = View::all();
    let texts: Vec<Vec<ViewJson>> = groups
        .par_iter()
        .map(|g| group_images(site, g, &views))
        .collect::<Result<_>>()?;
    let cards = groups
        .iter()
        .zip(&texts)
        .map(|(g, t)| write_group(site, g, &views, t))
        .collect::<Result<Vec<_>>>()?;
    let rel = "compare/index.html";
    let mut ctx = site.context(rel, "Compare regions", rel);
    ctx.insert(
        "description",
        "Compare regions: COVID-19 case curves of several countries, provinces or states overlaid",
    );
    ctx.insert("groups", &cards);
    ctx.insert("window", &site.window());
    site.write_page(rel, "compare_index.html", &ctx)?;
    Ok((groups.len(), groups.len() * views.len()))
}

/// One incremental unit per group: a changed group re-renders only its own images.
fn group_images(site: &Site, g: &Group, views: &[View]) -> Result<Vec<ViewJson>> {
    let ids: Vec<&str> = g
        .members
        .iter()
        .map(|&i| site.dataset.regions[i].id.as_str())
        .collect();
    let key = site
        .keys
        .compare_group(&g.slug, &g.name, &ids, site.window());
    let (texts, _) = site
        .output
        .unit_json(&format!("compare/{}", g.slug), &key, || {
            let texts: Vec<ViewJson> = views
                .par_iter()
                .map(|&v| render_view(site, g, v))
                .collect::<Result<_>>()?;
            let files = views
                .iter()
                .flat_map(|&v| {
                    let src = image_rel(g, v);
                    [
                        format!("compare/{src}"),
                        format!("compare/{}", pictures::phone_src(&src)),
                    ]
                })
                .collect();
            Ok((texts, files))
        })?;
    Ok(texts)
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
                    .position(|&c| c > 0 && c as f64 * 10_000.0 >= p as f64)
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
fn write_group(site: &Site, g: &Group, views: &[View], texts: &[ViewJson]) -> Result<GroupCard> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_keys_are_unique_and_default_first() {
        let all = View::all();
        assert_eq!(all.len(), 48);
        let keys: std::collections::BTreeSet<String> = all.iter().map(View::key).collect();
        assert_eq!(keys.len(), 48);
        assert_eq!(all[0].key(), "cases-new-linear-absolute-date");
        assert_eq!(all[24].key(), "deaths-new-linear-absolute-date");
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(short("Germany"), "Germany");
        assert_eq!(short("Newfoundland and Labrador"), "Newfoundland and…");
    }
}
