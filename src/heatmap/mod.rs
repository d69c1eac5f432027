//! Animated heat maps (`heatmaps/` of the site): for every scope × measure × total/new ×
//! absolute/per-capita × linear/log colour scale, a looping GIF (map + top-10 bars, date on
//! every frame), a poster PNG of the last date and a CSV of the last date's values, plus an
//! index the page builder reads. Speed comes from the design, not from tuning: a label raster
//! per scope, per-frame palette lookups, one global palette, classed colours, cropped
//! transparent frame differences and parallel LZW (see docs/performance.md).

pub mod color;
pub(crate) mod encode;
pub mod frame;
pub(crate) mod frames;
pub(crate) mod hover;
pub mod image;
pub(crate) mod lzw;
pub mod scope;
pub(crate) mod text;
pub(crate) mod truth;

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Duration as Days, NaiveDate};
use rayon::prelude::*;
use serde::Serialize;

use self::color::ClassScale;
use self::encode::Timers;
use self::frame::{Canvas, Labels};
use self::scope::{SCOPES, ScopeMap};
use crate::data::{Dataset, Level, Region, names};
use crate::diag::SharedDiagnostics;
use crate::measures;
pub(crate) use crate::measures::{Measure, Mode, Scale, Unit};
use crate::output::Output;
use crate::output::csv::Table;
use crate::quality::Status;
use truth::Cell;

/// Per-capita images are made once, per this many people; other divisors only relabel.
pub(crate) const PER_CAPITA: f64 = measures::PER_CAPITA_BASE as f64;
/// "New" on maps and bars: trailing mean over this many days of new cases per day.
pub(crate) const NEW_WINDOW: usize = 7;
/// Frame delays in 1/100 s: weekly frames at ~8 per second, then a pause on the last date.
pub const FRAME_DELAY: u16 = 12;
pub const LAST_FRAME_DELAY: u16 = 300;

#[derive(Clone, Debug)]
pub struct HeatmapOptions {
    /// Scope ids to render; empty = all (world, us-states, us-counties, china, canada, australia).
    pub scopes: Vec<String>,
    /// Days between frames (default 7); the last frame is always the last date.
    pub frame_step: u32,
}

impl Default for HeatmapOptions {
    fn default() -> Self {
        Self {
            scopes: Vec::new(),
            frame_step: 7,
        }
    }
}

/// Everything the page builder needs about the rendered heat maps.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct HeatmapIndex {
    pub frame_step: u32,
    pub per_capita_base: f64,
    pub scopes: Vec<ScopeEntry>,
    pub animations: Vec<Animation>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ScopeEntry {
    pub id: String,
    pub label: String,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub measures: Vec<Measure>,
    pub boundaries: String,
    pub coverage: Coverage,
    /// The part of its images a phone shows: the date and the map (`x, y, w, h`).
    pub phone_crop: [usize; 4],
    /// The map-hover hit file (see [`hover`]), relative to the site root.
    #[serde(default)]
    pub hit: String,
    /// Ids of the regions drawn on the map, in data order.
    #[serde(default)]
    pub regions: Vec<String>,
}

/// Join coverage of a scope (also logged as a note).
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Coverage {
    pub shapes: usize,
    pub shapes_with_data: usize,
    /// Names of shapes drawn as "no data" (no region joins them).
    pub shapes_without_data: Vec<String>,
    /// Regions of the scope with data but no shape.
    pub regions_without_shape: Vec<UnmappedRegion>,
    /// Shapes joined to a region that never reports a case (0 throughout, e.g. counties
    /// whose cases a health district reports): not counted in `shapes_with_data`.
    #[serde(default)]
    pub shapes_zero_throughout: Vec<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct UnmappedRegion {
    pub id: String,
    pub name: String,
    /// Why, when it is a documented mismatch; `None` = unexpected (also a warning).
    pub known_reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Animation {
    pub scope: String,
    pub scope_label: String,
    pub measure: Measure,
    pub measure_label: String,
    pub mode: Mode,
    pub unit: Unit,
    /// The colour classes' scale.
    pub scale: Scale,
    /// Paths relative to the site root.
    pub gif: String,
    pub poster: String,
    /// The poster in the dark scheme (the same pixels, the dark palette).
    pub poster_dark: String,
    pub csv: String,
    pub width: usize,
    pub height: usize,
    pub frames: usize,
    /// Days between frames (`scope_step`).
    pub step: u32,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub gif_bytes: usize,
    pub poster_bytes: usize,
    pub title: String,
    /// One line saying what the values are (unit, average, scale).
    pub subtitle: String,
    /// The scope's regions, plural ("countries").
    pub noun: String,
    /// Per capita: the population below which a region is not ranked.
    pub rank_floor: Option<u64>,
    /// Page prose, written by the pages (`site::heatmaps::describe`), not the renderer.
    #[serde(default)]
    pub alt: String,
    pub legend: Legend,
    /// Highest values on the last date (mapped regions only; per capita, only those above
    /// the population floor).
    pub top: Vec<TopRow>,
    /// `confirmed-new-pc`: the map-hover value set it shares with its lin/log twin.
    #[serde(default)]
    pub hover_set: String,
    /// The map-hover value files of that set.
    #[serde(default)]
    pub hover: Vec<String>,
    /// On the last date: how much of the scope's total is in rows not drawn, when more than
    /// 1 % ("Not on the map: …", docs/data-rules.md §2).
    #[serde(default)]
    pub unmapped_note: Option<String>,
    /// Set when some shapes show the value of the unit that reports them.
    #[serde(default)]
    pub district_note: Option<String>,
    /// Who is ranked in `top` when not every mapped region is (the per-capita population
    /// floor); empty otherwise. Page prose, like `alt`.
    #[serde(default)]
    pub top_note: String,
}

/// The colour legend; per-capita ticks are per `per_capita_base` people, so a page may
/// relabel them for another divisor (value × divisor / base) — colours do not change.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Legend {
    pub unit: String,
    pub per_capita: bool,
    /// Class breaks, ascending (class k covers [t[k-1], t[k])).
    pub thresholds: Vec<f64>,
    /// Rows as drawn, highest first: colour and label (ends with "0" and "No data").
    pub rows: Vec<LegendRow>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct LegendRow {
    pub color: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct TopRow {
    pub rank: usize,
    pub region_id: String,
    pub name: String,
    pub value: f64,
    pub per_capita: bool,
}

/// `confirmed-new-pc-lin`: the name of one view of a scope (file names, the explorer's keys).
pub(crate) fn view_name(me: Measure, mode: Mode, unit: Unit, scale: Scale) -> String {
    format!(
        "{}-{}-{}-{}",
        me.as_str(),
        mode.as_str(),
        unit.short(),
        scale.short()
    )
}

impl Animation {
    /// `world/confirmed-new-pc-lin`: the animation's path under `heatmaps/`, without extension.
    pub(crate) fn key(&self) -> String {
        format!(
            "{}/{}",
            self.scope,
            view_name(self.measure, self.mode, self.unit, self.scale)
        )
    }
}

/// Timing of one animation, for the benchmark.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
pub struct AnimStats {
    pub scope: String,
    pub name: String,
    pub frames: usize,
    pub map_ns: u64,
    pub bars_ns: u64,
    pub encode_ns: u64,
    pub diff_ns: u64,
    pub gif_bytes: usize,
    pub poster_bytes: usize,
    pub wall: Duration,
}

/// Renders every heat map of the requested scopes into `out` (paths
/// `heatmaps/{scope}/{measure}-{total|new}-{abs|pc}-{lin|log}.{gif,png,csv}`).
pub fn render_all(
    ds: &Dataset,
    opts: &HeatmapOptions,
    out: &Output,
    diag: &SharedDiagnostics,
) -> Result<HeatmapIndex> {
    render_all_with_stats(ds, opts, out, diag).map(|(i, _)| i)
}

/// [`render_all`] plus per-animation timings and the per-scope setup time.
pub fn render_all_with_stats(
    ds: &Dataset,
    opts: &HeatmapOptions,
    out: &Output,
    diag: &SharedDiagnostics,
) -> Result<(HeatmapIndex, Vec<AnimStats>)> {
    crate::config::check_frame_step(opts.frame_step)?;
    let ids: Vec<&str> = if opts.scopes.is_empty() {
        SCOPES.iter().map(|s| s.0).collect()
    } else {
        for s in &opts.scopes {
            if scope::scope_label(s).is_none() {
                bail!(
                    "unknown map scope `{s}` (known: {})",
                    SCOPES.map(|s| s.0).join(", ")
                );
            }
        }
        // In the canonical order, without duplicates.
        SCOPES
            .iter()
            .map(|s| s.0)
            .filter(|id| opts.scopes.iter().any(|s| s == id))
            .collect()
    };
    // Scopes (label rasters) in parallel, then every animation of every scope in parallel.
    let maps: Vec<ScopeMap> = ids
        .par_iter()
        .map(|id| {
            scope::build(ds, id, frame::MAP_W, frame::MAP_H)
                .with_context(|| format!("heat map scope `{id}`"))
        })
        .collect::<Result<_>>()?;
    let mut scopes = Vec::new();
    let mut jobs = Vec::new();
    for (si, m) in maps.iter().enumerate() {
        let coverage = coverage(ds, m, diag);
        let measures: Vec<Measure> = Measure::ALL
            .into_iter()
            .filter(|me| !me.needs_recovered() || has_recovered(ds, m))
            .collect();
        scopes.push(ScopeEntry {
            id: m.id.to_string(),
            label: m.label.to_string(),
            first_date: m.start,
            last_date: m.end,
            measures: measures.clone(),
            boundaries: m.boundaries.to_string(),
            coverage,
            hit: hover::hit_path(m),
            regions: hover::mapped_ids(ds, m),
            phone_crop: frame::phone_crop(m.content_h),
        });
        let (path, text) = hover::hit_file(ds, m);
        out.write(&path, text.as_bytes())?;
        let step = scope_step(m.id, opts.frame_step);
        // Beside the maps, and under data/ where data/datapackage.json describes it (a data
        // package may not reach outside its folder).
        let frames = frames::csv_gz(ds, m, step)?;
        out.write(&frames::path(m), &frames)?;
        out.write(&format!("data/{}", frames::path(m)), &frames)?;
        for me in measures {
            for mode in [Mode::Total, Mode::New] {
                for sc in [Unit::Absolute, Unit::PerCapita] {
                    jobs.push((si, me, mode, sc));
                }
            }
        }
    }
    let results: Vec<Vec<(Animation, AnimStats)>> = jobs
        .par_iter()
        .map(|&(si, me, mode, sc)| {
            let step = scope_step(maps[si].id, opts.frame_step);
            render_pair(ds, &maps[si], me, mode, sc, step, out).with_context(|| {
                format!(
                    "heat map {}/{}-{}-{}",
                    maps[si].id,
                    me.as_str(),
                    mode.as_str(),
                    sc.short()
                )
            })
        })
        .collect::<Result<_>>()?;
    let (animations, stats): (Vec<_>, Vec<_>) = results.into_iter().flatten().unzip();
    for a in &animations {
        if a.gif_bytes > 3_000_000 {
            diag.warn(format!("{} is {} bytes (budget 3 MB)", a.gif, a.gif_bytes));
        }
        if a.poster_bytes > 150_000 {
            diag.warn(format!(
                "{} is {} bytes (budget 150 KB)",
                a.poster, a.poster_bytes
            ));
        }
    }
    Ok((
        HeatmapIndex {
            frame_step: opts.frame_step,
            per_capita_base: PER_CAPITA,
            scopes,
            animations,
        },
        stats,
    ))
}

fn has_recovered(ds: &Dataset, m: &ScopeMap) -> bool {
    ds.recovered_until.is_some()
        && m.members
            .iter()
            .zip(&m.mapped)
            .any(|(&r, &on)| on && ds.regions[r].series.recovered.is_some())
}

fn coverage(ds: &Dataset, m: &ScopeMap, diag: &SharedDiagnostics) -> Coverage {
    let shapes_without_data: Vec<String> =
        m.shapes_without_data().map(|s| s.name.clone()).collect();
    let regions_without_shape: Vec<UnmappedRegion> = m
        .unjoined
        .iter()
        .map(|u| UnmappedRegion {
            id: ds.regions[u.region].id.clone(),
            name: ds.regions[u.region].full_name(&ds.regions),
            known_reason: u.reason.map(str::to_string),
        })
        .collect();
    let shapes_zero_throughout: Vec<String> = m
        .shapes
        .iter()
        .filter(|s| {
            s.region
                .is_some_and(|r| ds.regions[r].series.confirmed.iter().all(|&v| v <= 0))
        })
        .map(|s| s.name.clone())
        .collect();
    let c = Coverage {
        shapes: m.shapes.len(),
        shapes_with_data: m.shapes.len() - shapes_without_data.len() - shapes_zero_throughout.len(),
        shapes_without_data,
        regions_without_shape,
        shapes_zero_throughout,
    };
    let known = c
        .regions_without_shape
        .iter()
        .filter(|r| r.known_reason.is_some())
        .count();
    diag.note(format!(
        "heat maps {}: {} of {} shapes have data; {} regions have no shape (all documented: {}){}",
        m.id,
        c.shapes_with_data,
        c.shapes,
        c.regions_without_shape.len(),
        known == c.regions_without_shape.len(),
        if c.shapes_without_data.is_empty() {
            String::new()
        } else {
            format!(
                "; shapes without data: {}",
                c.shapes_without_data.join(", ")
            )
        }
    ));
    for r in c
        .regions_without_shape
        .iter()
        .filter(|r| r.known_reason.is_none())
    {
        diag.warn(format!(
            "heat maps {}: region {} ({}) has data but no shape",
            m.id, r.name, r.id
        ));
    }
    c
}

/// The frame step of a scope. US counties take every second step: with colour classes from
/// the distribution of all frames, ~3,100 small shapes change class from week to week, and
/// their weekly GIFs measured up to 3.8 MB, over the 3 MB budget a visitor's phone downloads.
pub(crate) fn scope_step(scope: &str, frame_step: u32) -> u32 {
    if scope == "us-counties" {
        frame_step * 2
    } else {
        frame_step
    }
}

/// Frame dates: every `step` days back from `end` (so the last frame is the last date).
pub fn frame_dates(start: NaiveDate, end: NaiveDate, step: u32) -> Vec<NaiveDate> {
    let mut v = Vec::new();
    let mut d = end;
    while d >= start {
        v.push(d);
        d -= Days::days(step as i64);
    }
    v.reverse();
    v
}

/// Daily values of one region on its own dates, and what each day's value is.
pub(crate) struct Daily {
    /// NaN where the status is not `Reported`.
    pub values: Vec<f64>,
    pub status: Vec<Status>,
}

/// Daily values of one region, aligned with its series start; `None` where not published.
/// "New" values are the 7-day means of `measures::new_series` (docs/data-rules.md §4–5), the
/// same numbers the region's page and the open data show, with their status; totals are the
/// last reported totals. Unknown recovered/active days are "no data".
pub(crate) fn daily(ds: &Dataset, ri: usize, me: Measure, mode: Mode) -> Option<Daily> {
    let s = &ds.regions[ri].series;
    let q = &ds.quality.regions[ri];
    match me {
        Measure::Confirmed | Measure::Deaths => {
            let deaths = me == Measure::Deaths;
            let cum = if deaths { &s.deaths } else { &s.confirmed };
            // A total is the last one reported, also while the place is not reporting or
            // its new counts sit at state level ("the cumulative maps keep the last total");
            // only a county in a district has none. The averages are not needed for it.
            let (values, status) = match mode {
                Mode::New => {
                    let ns = measures::new_series(cum, q, deaths, NEW_WINDOW);
                    (ns.mean, ns.status)
                }
                Mode::Total if q.reported_in.is_some() => (
                    vec![f64::NAN; cum.len()],
                    vec![Status::InDistrict; cum.len()],
                ),
                Mode::Total => (measures::to_f64(cum), vec![Status::Reported; cum.len()]),
            };
            Some(Daily { values, status })
        }
        Measure::Recovered | Measure::Active => {
            let rec = s.recovered.as_ref()?;
            let cum = if me == Measure::Recovered {
                rec.clone()
            } else {
                measures::active(&s.confirmed, &s.deaths, rec)
            };
            let values = match mode {
                Mode::Total => measures::opt_to_f64(&cum),
                Mode::New => measures::trailing_mean(
                    &measures::opt_to_f64(&measures::new_per_day_opt(&cum)),
                    NEW_WINDOW,
                ),
            };
            let status = values
                .iter()
                .map(|v| {
                    if v.is_nan() {
                        Status::NoData
                    } else {
                        Status::Reported
                    }
                })
                .collect();
            Some(Daily { values, status })
        }
    }
}

/// Region label for bars and tables: counties carry their state's postal code.
fn bar_name(ds: &Dataset, r: &Region) -> String {
    match (r.level, r.parent) {
        (Level::UsCounty, Some(p)) => match state_abbrev(&ds.regions[p].name) {
            Some(a) => format!("{}, {a}", r.name),
            None => r.name.clone(),
        },
        _ => r.name.clone(),
    }
}

pub(crate) fn state_abbrev(state: &str) -> Option<&'static str> {
    const T: [(&str, &str); 56] = [
        ("Alabama", "AL"),
        ("Alaska", "AK"),
        ("Arizona", "AZ"),
        ("Arkansas", "AR"),
        ("California", "CA"),
        ("Colorado", "CO"),
        ("Connecticut", "CT"),
        ("Delaware", "DE"),
        ("District of Columbia", "DC"),
        ("Florida", "FL"),
        ("Georgia", "GA"),
        ("Hawaii", "HI"),
        ("Idaho", "ID"),
        ("Illinois", "IL"),
        ("Indiana", "IN"),
        ("Iowa", "IA"),
        ("Kansas", "KS"),
        ("Kentucky", "KY"),
        ("Louisiana", "LA"),
        ("Maine", "ME"),
        ("Maryland", "MD"),
        ("Massachusetts", "MA"),
        ("Michigan", "MI"),
        ("Minnesota", "MN"),
        ("Mississippi", "MS"),
        ("Missouri", "MO"),
        ("Montana", "MT"),
        ("Nebraska", "NE"),
        ("Nevada", "NV"),
        ("New Hampshire", "NH"),
        ("New Jersey", "NJ"),
        ("New Mexico", "NM"),
        ("New York", "NY"),
        ("North Carolina", "NC"),
        ("North Dakota", "ND"),
        ("Ohio", "OH"),
        ("Oklahoma", "OK"),
        ("Oregon", "OR"),
        ("Pennsylvania", "PA"),
        ("Rhode Island", "RI"),
        ("South Carolina", "SC"),
        ("South Dakota", "SD"),
        ("Tennessee", "TN"),
        ("Texas", "TX"),
        ("Utah", "UT"),
        ("Vermont", "VT"),
        ("Virginia", "VA"),
        ("Washington", "WA"),
        ("West Virginia", "WV"),
        ("Wisconsin", "WI"),
        ("Wyoming", "WY"),
        ("Puerto Rico", "PR"),
        ("Guam", "GU"),
        ("Virgin Islands", "VI"),
        ("American Samoa", "AS"),
        ("Northern Mariana Islands", "MP"),
    ];
    T.iter().find(|t| t.0 == state).map(|t| t.1)
}

/// Values of every member at the frame dates (`[frame][member]`), NaN = no data.
struct Matrix {
    dates: Vec<NaiveDate>,
    n: usize,
    values: Vec<f64>,
}

impl Matrix {
    fn frame(&self, f: usize) -> &[f64] {
        &self.values[f * self.n..(f + 1) * self.n]
    }
    fn last(&self) -> &[f64] {
        self.frame(self.dates.len() - 1)
    }
}

/// One scope × measure × total/new × absolute/per-capita: what its two animations share.
struct Pair<'a> {
    ds: &'a Dataset,
    m: &'a ScopeMap,
    me: Measure,
    mode: Mode,
    sc: Unit,
    step: u32,
    mat: Matrix,
    /// Bar and table label of every member.
    names: Vec<String>,
    /// The member drawn in each shape.
    shape_member: Vec<Option<usize>>,
    /// What the map leaves out and which members are drawn and ranked (docs/data-rules.md).
    adj: truth::Adjusted,
}

/// Renders the linear and the log animation of one scope/measure/mode/scale (they share the
/// values, only the class breaks differ).
fn render_pair(
    ds: &Dataset,
    m: &ScopeMap,
    me: Measure,
    mode: Mode,
    sc: Unit,
    step: u32,
    out: &Output,
) -> Result<Vec<(Animation, AnimStats)>> {
    let mut mat = values(ds, m, me, mode, sc, step)?;
    let mut adj = truth::adjust(ds, m, me, mode, sc, PER_CAPITA, &mat.dates, &mut mat.values);
    // Per capita, only places above the population floor are ranked (issue 10 item 10).
    if sc == Unit::PerCapita {
        for (k, &ri) in m.members.iter().enumerate() {
            adj.rankable[k] &= names::ranks_per_capita(&ds.regions[ri]);
        }
    }
    let pair = Pair {
        ds,
        m,
        me,
        mode,
        sc,
        step,
        mat,
        adj,
        names: m
            .members
            .iter()
            .map(|&r| bar_name(ds, &ds.regions[r]))
            .collect(),
        shape_member: shape_members(ds, m),
    };
    let domain = Domain::of(&pair.mat, &pair.adj.mapped);
    let (set, files) = hover::value_files(m, &pair.mat.dates, &pair.mat.values, (me, mode, sc));
    for (path, text) in &files {
        out.write(path, text.as_bytes())?;
    }
    let hover: Vec<String> = files.into_iter().map(|f| f.0).collect();
    [Scale::Linear, Scale::Log]
        .into_iter()
        .map(|axis| {
            let scale = domain.scale(axis);
            // Whole counts (totals) have no "< 1" class.
            let scale = if (mode, sc) == (Mode::Total, Unit::Absolute) {
                scale.for_counts()
            } else {
                scale
            };
            let (mut a, stats) = render_one(&pair, scale, out)?;
            a.hover_set = set.clone();
            a.hover = hover.clone();
            Ok((a, stats))
        })
        .collect()
}

/// The frame dates and every member's value on them (absolute or per capita).
fn values(
    ds: &Dataset,
    m: &ScopeMap,
    me: Measure,
    mode: Mode,
    sc: Unit,
    step: u32,
) -> Result<Matrix> {
    let end = if me.needs_recovered() {
        m.end
            .min(ds.recovered_until.context("recovered is not published")?)
    } else {
        m.end
    };
    let dates = frame_dates(m.start, end, step);
    if dates.is_empty() {
        bail!("no dates between {} and {end}", m.start);
    }
    let n = m.members.len();
    let mut values = vec![f64::NAN; dates.len() * n];
    for (k, &ri) in m.members.iter().enumerate() {
        let r = &ds.regions[ri];
        let Some(series) = daily(ds, ri, me, mode) else {
            continue;
        };
        let per = match sc {
            Unit::Absolute => Some(1.0),
            Unit::PerCapita => r
                .population
                .filter(|&p| p > 0)
                .map(|p| PER_CAPITA / p as f64),
        };
        let Some(per) = per else { continue };
        // Per capita, a place whose reported cases exceed its population has a data problem
        // (Loving County TX: 238,462 per 100,000): marked, never coloured as a rate.
        let above = |i: usize| {
            sc == Unit::PerCapita
                && r.population
                    .is_some_and(|p| r.series.confirmed.get(i).is_some_and(|&c| c > p as i64))
        };
        for (f, d) in dates.iter().enumerate() {
            let i = (*d - r.series.start).num_days();
            if i < 0 || i as usize >= series.values.len() {
                continue;
            }
            let i = i as usize;
            values[f * n + k] = match series.status[i] {
                Status::Reported if above(i) => truth::mark(Cell::AbovePopulation),
                Status::Reported => series.values[i] * per,
                st => truth::mark_status(st),
            };
        }
    }
    Ok(Matrix { dates, n, values })
}

/// The member drawn in each shape of the scope.
fn shape_members(ds: &Dataset, m: &ScopeMap) -> Vec<Option<usize>> {
    let mut member_of = vec![None; ds.regions.len()];
    for (k, &r) in m.members.iter().enumerate() {
        member_of[r] = Some(k);
    }
    m.shapes
        .iter()
        .map(|s| s.region.and_then(|r| member_of[r]))
        .collect()
}

/// The colour domain over the whole animation, mapped members only.
struct Domain {
    max: f64,
    /// The 10th percentile of the positive values (the lowest class starts near it).
    low: f64,
    /// The default ("lin") classes: from the distribution of all frames.
    pooled: ClassScale,
}

impl Domain {
    fn of(mat: &Matrix, mapped: &[bool]) -> Self {
        let mut positive: Vec<f64> = Vec::new();
        for f in 0..mat.dates.len() {
            for (k, v) in mat.frame(f).iter().enumerate() {
                if mapped[k] && *v > 0.0 {
                    positive.push(*v);
                }
            }
        }
        let max = positive.iter().copied().fold(0.0, f64::max);
        let low = if positive.is_empty() {
            0.0
        } else {
            let k = positive.len() / 10;
            *positive.select_nth_unstable_by(k, f64::total_cmp).1
        };
        // Linear classes span up to the 99.5th percentile, not the maximum: one outlier (a tiny
        // place's correction day) would otherwise push almost every region into the lowest
        // class. Values above it fall in the open top class ("≥ …").
        let lin_max = if positive.len() < 200 {
            max
        } else {
            let k = positive.len() * 995 / 1000;
            *positive.select_nth_unstable_by(k, f64::total_cmp).1
        };
        let pooled = ClassScale::from_distribution(&mut positive, lin_max, low);
        Self { max, low, pooled }
    }

    fn scale(&self, axis: Scale) -> ClassScale {
        match axis {
            Scale::Linear => self.pooled.clone(),
            Scale::Log => ClassScale::new(axis, self.max, self.low),
        }
    }
}

/// `heatmaps/{scope}/{measure}-{total|new}-{abs|pc}-{lin|log}`: the files' stem.
fn stem(p: &Pair, axis: Scale) -> String {
    format!(
        "heatmaps/{}/{}",
        p.m.id,
        view_name(p.me, p.mode, p.sc, axis)
    )
}

/// The texts drawn into every frame.
fn labels(p: &Pair, axis: Scale) -> Labels {
    let (me, mode, sc, m) = (p.me, p.mode, p.sc, p.m);
    Labels {
        title: format!("{} — {}", me.label(), m.label),
        subtitle: subtitle(mode, sc, axis),
        bars_heading: format!(
            "Top {} {}{}",
            frame::TOP_N,
            m.noun.1,
            floor_note(p.ds, m, sc)
        ),
        legend_heading: if sc == Unit::PerCapita {
            "Per 100,000 people".to_string()
        } else {
            match mode {
                Mode::Total => "Total".to_string(),
                Mode::New => "Per day (7-day average)".to_string(),
            }
        },
        footer: format!(
            "Data: JHU CSSE COVID-19 Data (CC BY 4.0){} · {}",
            if me.needs_recovered() {
                ", recovered published until 2021-08-04"
            } else {
                ""
            },
            m.boundaries
        ),
    }
}

pub(crate) fn what(mode: Mode) -> &'static str {
    match mode {
        Mode::Total => "Cumulative total",
        Mode::New => "New per day, 7-day average",
    }
}

/// One line saying what the values are: unit, average, scale.
fn subtitle(mode: Mode, sc: Unit, axis: Scale) -> String {
    let mut subtitle = what(mode).to_string();
    if sc == Unit::PerCapita {
        subtitle.push_str(" · per 100,000 people");
    }
    subtitle.push_str(match axis {
        Scale::Linear => " · colour classes from all frames",
        Scale::Log => " · log colour scale",
    });
    subtitle
}

/// The animated GIF and the poster (the last date) of one colour scale, the poster in the
/// light and the dark scheme.
fn encode_frames(
    p: &Pair,
    scale: &ClassScale,
    labels: &Labels,
    timers: &Timers,
) -> Result<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    let (m, mat) = (p.m, &p.mat);
    let notes = mat
        .dates
        .iter()
        .zip(&p.adj.unmapped)
        .filter_map(|(d, n)| n.clone().map(|n| (*d, n)))
        .collect();
    let canvas = Canvas::new(
        &m.raster,
        &p.shape_member,
        scale,
        &p.names,
        &p.adj.rankable,
        labels,
    )
    .with_notes(
        notes,
        p.adj
            .district_note
            .as_ref()
            .map(|_| "Counties in a district: the district's value"),
    );
    let nf = mat.dates.len();
    let gif = encode::gif(
        frame::WIDTH,
        frame::HEIGHT,
        nf,
        |f| canvas.render(mat.dates[f], mat.frame(f), timers),
        |f| {
            if f + 1 == nf {
                LAST_FRAME_DELAY
            } else {
                FRAME_DELAY
            }
        },
        timers,
    )?;
    let poster_img = canvas.render(mat.dates[nf - 1], mat.last(), &Timers::default());
    Ok((
        gif,
        encode::png(&poster_img, &color::LIGHT)?,
        encode::png(&poster_img, &color::DARK)?,
    ))
}

/// The unit cell of a heat-map CSV. The per-capita ones hold a comma ("100,000"): the
/// [`Table`] writer quotes them (hand-written rows once left them bare, 8 fields under a
/// 7-column header).
fn unit_cell(sc: Unit, mode: Mode) -> &'static str {
    match (sc, mode) {
        (Unit::Absolute, Mode::Total) => "count",
        (Unit::Absolute, Mode::New) => "per day (7-day average)",
        (Unit::PerCapita, Mode::Total) => "per 100,000 people",
        (Unit::PerCapita, Mode::New) => "per day per 100,000 people (7-day average)",
    }
}

/// The CSV of the last date's values of every member (mapped or not), true values (negative
/// "new" kept), highest first.
fn last_date_csv(p: &Pair) -> Result<Vec<u8>> {
    let (ds, m, lastv, names) = (p.ds, p.m, p.mat.last(), &p.names);
    let last = p.mat.dates.last().expect("non-empty").to_string();
    let mut order: Vec<usize> = (0..p.mat.n).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (lastv[a], lastv[b]);
        y.is_nan()
            .cmp(&x.is_nan())
            .reverse()
            .then(y.total_cmp(&x))
            .then_with(|| names[a].cmp(&names[b]))
    });
    let mut csv = Table::new(&[
        "rank",
        "region_id",
        "name",
        "date",
        "value",
        "unit",
        "on_map",
    ]);
    let unit = unit_cell(p.sc, p.mode);
    for (rank, &k) in order.iter().enumerate() {
        let r = &ds.regions[m.members[k]];
        let v = lastv[k];
        // Not reporting (−∞) and no data (NaN) have no value and no rank.
        let (rank, value) = if v.is_finite() {
            ((rank + 1).to_string(), fmt_csv(v))
        } else {
            (String::new(), String::new())
        };
        let name = names::jhu_full_name(r, &ds.regions);
        let on_map = if p.adj.mapped[k] { "true" } else { "false" };
        csv.row([rank.as_str(), &r.id, &name, &last, &value, unit, on_map])?;
    }
    csv.finish()
}

/// The highest values on the last date (mapped members only).
fn top_rows(p: &Pair) -> Vec<TopRow> {
    frame::top_n(p.mat.last(), &p.adj.rankable, &p.names, frame::TOP_N)
        .into_iter()
        .enumerate()
        .map(|(i, (k, v))| TopRow {
            rank: i + 1,
            region_id: p.ds.regions[p.m.members[k]].id.clone(),
            name: p.names[k].clone(),
            value: v,
            per_capita: p.sc == Unit::PerCapita,
        })
        .collect()
}

fn legend(scale: &ClassScale, unit: &str, per_capita: bool) -> Legend {
    Legend {
        unit: unit.to_string(),
        per_capita,
        thresholds: scale.thresholds.clone(),
        rows: scale
            .legend()
            .into_iter()
            .map(|(c, label)| LegendRow {
                color: color::hex(color::palette()[c as usize]),
                label,
            })
            .collect(),
    }
}

/// Renders and writes one animation (GIF, poster, CSV) and describes it.
fn render_one(p: &Pair, mut scale: ClassScale, out: &Output) -> Result<(Animation, AnimStats)> {
    let t0 = Instant::now();
    scale.not_reporting = p.adj.has_not_reporting;
    scale.state_level = p.adj.has_state_level;
    scale.above_population = p.adj.has_above_population;
    let axis = scale.axis;
    let stem = stem(p, axis);
    let labels = labels(p, axis);
    let timers = Timers::default();
    let (gif, poster, poster_dark) = encode_frames(p, &scale, &labels, &timers)?;
    out.write(&format!("{stem}.gif"), &gif)?;
    out.write(&format!("{stem}.png"), &poster)?;
    out.write(&format!("{stem}-dark.png"), &poster_dark)?;
    out.write(&format!("{stem}.csv"), &last_date_csv(p)?)?;
    let (first, last) = (p.mat.dates[0], *p.mat.dates.last().expect("non-empty"));
    let nf = p.mat.dates.len();
    let stats = AnimStats {
        scope: p.m.id.to_string(),
        name: stem.trim_start_matches("heatmaps/").to_string(),
        frames: nf,
        map_ns: timers.map_ns.load(std::sync::atomic::Ordering::Relaxed),
        bars_ns: timers.bars_ns.load(std::sync::atomic::Ordering::Relaxed),
        encode_ns: timers.encode_ns.load(std::sync::atomic::Ordering::Relaxed),
        diff_ns: timers.diff_ns.load(std::sync::atomic::Ordering::Relaxed),
        gif_bytes: gif.len(),
        poster_bytes: poster.len(),
        wall: t0.elapsed(),
    };
    let animation = Animation {
        scope: p.m.id.to_string(),
        scope_label: p.m.label.to_string(),
        measure: p.me,
        measure_label: p.me.label().to_string(),
        mode: p.mode,
        unit: p.sc,
        scale: axis,
        gif: format!("{stem}.gif"),
        poster: format!("{stem}.png"),
        poster_dark: format!("{stem}-dark.png"),
        csv: format!("{stem}.csv"),
        width: frame::WIDTH,
        height: frame::HEIGHT,
        frames: nf,
        step: p.step,
        first_date: first,
        last_date: last,
        gif_bytes: gif.len(),
        poster_bytes: poster.len(),
        title: format!("{}: {}", labels.title, labels.subtitle.to_lowercase()),
        noun: p.m.noun.1.to_string(),
        rank_floor: rank_floor(p.ds, p.m, p.sc),
        alt: String::new(),
        legend: legend(&scale, &labels.legend_heading, p.sc == Unit::PerCapita),
        subtitle: labels.subtitle,
        top: top_rows(p),
        hover_set: String::new(),
        hover: Vec::new(),
        unmapped_note: p.adj.unmapped.last().cloned().flatten(),
        district_note: p.adj.district_note.clone(),
        top_note: String::new(),
    };
    Ok((animation, stats))
}

/// Per capita: the population floor of the scope's regions' ranking.
fn rank_floor(ds: &Dataset, m: &ScopeMap, sc: Unit) -> Option<u64> {
    match (sc, m.members.first()) {
        (Unit::PerCapita, Some(&ri)) => Some(names::per_capita_floor(ds.regions[ri].level)),
        _ => None,
    }
}

/// ", pop. ≥ 100k" for per-capita rankings, drawn above the bars.
fn floor_note(ds: &Dataset, m: &ScopeMap, sc: Unit) -> String {
    rank_floor(ds, m, sc).map_or(String::new(), |f| {
        format!(", pop. ≥ {}", crate::render::format::si(f as f64))
    })
}

fn fmt_csv(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_end_on_the_last_date() {
        let d = |m, day| NaiveDate::from_ymd_opt(2020, m, day).unwrap();
        let v = frame_dates(d(1, 22), d(2, 10), 7);
        assert_eq!(v, vec![d(1, 27), d(2, 3), d(2, 10)]);
        assert_eq!(frame_dates(d(1, 22), d(1, 22), 7), vec![d(1, 22)]);
        assert_eq!(frame_dates(d(1, 22), d(1, 24), 1).len(), 3);
    }

    /// Quirk: the per-capita units hold a comma ("per 100,000 people"); written by hand they
    /// went out unquoted, 8 fields under the 7-column header of the heat-map CSV.
    #[test]
    fn per_capita_heatmap_csv_unit_cell_is_quoted() {
        let mut t = Table::new(&["rank", "unit", "on_map"]);
        for sc in [Unit::Absolute, Unit::PerCapita] {
            for mode in [Mode::Total, Mode::New] {
                t.row(["1", unit_cell(sc, mode), "true"]).unwrap();
            }
        }
        let text = String::from_utf8(t.finish().unwrap()).unwrap();
        assert!(text.contains(",\"per day per 100,000 people (7-day average)\","));
        assert!(text.contains(",\"per 100,000 people\","));
        assert!(text.contains(",count,"));
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert!(r.records().all(|rec| rec.unwrap().len() == 3));
    }

    #[test]
    fn csv_numbers() {
        assert_eq!(fmt_csv(12.0), "12");
        assert_eq!(fmt_csv(-3.5), "-3.5000");
    }
}
