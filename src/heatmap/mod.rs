//! Animated heat maps (`heatmaps/` of the site): for every scope × measure × total/new ×
//! absolute/per-capita × linear/log colour scale, a looping GIF (map + top-10 bars, date on
//! every frame), a poster PNG of the last date and a CSV of the last date's values, plus an
//! index the page builder reads. Speed comes from the design, not from tuning: a label raster
//! per scope, per-frame palette lookups, one global palette, classed colours, cropped
//! transparent frame differences and parallel LZW (see docs/performance.md).

mod animation;
pub(crate) mod breaks;
pub mod color;
mod domain;
pub(crate) mod encode;
pub mod frame;
pub(crate) mod frames;
pub(crate) mod hover;
pub mod image;
mod index;
mod labels;
pub(crate) mod lzw;
pub mod scope;
mod table;
pub(crate) mod text;
pub(crate) mod truth;
mod values;

use anyhow::{Context, Result, bail};
use chrono::{Duration as Days, NaiveDate};
use rayon::prelude::*;

use self::animation::render_pair;
use self::scope::{SCOPES, ScopeMap};
use crate::diag::SharedDiagnostics;
use crate::measures;
pub(crate) use crate::measures::{Measure, Mode, Unit};

pub use self::index::{
    AnimStats, Animation, Coverage, HeatmapIndex, Legend, LegendRow, ScopeEntry, TopRow,
    UnmappedRegion,
};
use self::labels::bar_name;
pub(crate) use self::labels::what;
pub(crate) use self::values::{Daily, daily};
use crate::quality::Assessed;

/// Per-capita images are made once, per this many people; other divisors only relabel.
pub(crate) const PER_CAPITA: f64 = measures::PER_CAPITA_BASE as f64;
/// "New" on maps and bars: trailing mean over this many days of new cases per day.
pub(crate) const NEW_WINDOW: usize = 7;
/// Frame delays in 1/100 s: weekly frames at ~8 per second, then a pause on the last date.
pub const FRAME_DELAY: u16 = 12;
pub const LAST_FRAME_DELAY: u16 = 300;

/// Where the renderer hands its files, named relative to the heat-map set's folder
/// (`world/confirmed-new-pc-lin.gif`, `world/hover/hit.js`; the index holds the same names):
/// the site decides where that folder is and writes them, so this layer writes no file.
pub trait Sink: Sync {
    fn put(&self, name: &str, bytes: &[u8]) -> Result<()>;
    /// A scope's frames file (`world/frames.csv.gz`), which the site also publishes as
    /// open data.
    fn put_frames(&self, name: &str, bytes: &[u8]) -> Result<()>;
}

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

/// Renders every heat map of the requested scopes and hands the files to `out` (names
/// `{scope}/{measure}-{total|new}-{abs|pc}-{lin|log}.{gif,png,csv}`).
pub fn render_all(
    ds: &Assessed,
    opts: &HeatmapOptions,
    out: &dyn Sink,
    diag: &SharedDiagnostics,
) -> Result<HeatmapIndex> {
    render_all_with_stats(ds, opts, out, diag).map(|(i, _)| i)
}

/// [`render_all`] plus per-animation timings and the per-scope setup time.
pub fn render_all_with_stats(
    ds: &Assessed,
    opts: &HeatmapOptions,
    out: &dyn Sink,
    diag: &SharedDiagnostics,
) -> Result<(HeatmapIndex, Vec<AnimStats>)> {
    crate::config::check_frame_step(opts.frame_step)?;
    let ids = scope_ids(opts)?;
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
        out.put(&path, text.as_bytes())?;
        let step = scope_step(m.id, opts.frame_step);
        out.put_frames(&frames::path(m), &frames::csv_gz(ds, m, step)?)?;
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

/// The requested scopes in the canonical order, without duplicates (all when none is asked
/// for); an unknown one is an error.
fn scope_ids(opts: &HeatmapOptions) -> Result<Vec<&'static str>> {
    for s in &opts.scopes {
        if scope::scope_label(s).is_none() {
            bail!(
                "unknown map scope `{s}` (known: {})",
                SCOPES.map(|s| s.0).join(", ")
            );
        }
    }
    Ok(SCOPES
        .iter()
        .map(|s| s.0)
        .filter(|id| opts.scopes.is_empty() || opts.scopes.iter().any(|s| s == id))
        .collect())
}

fn has_recovered(ds: &Assessed, m: &ScopeMap) -> bool {
    ds.recovered_until.is_some()
        && m.members
            .iter()
            .zip(&m.mapped)
            .any(|(&r, &on)| on && ds.regions[r].series.recovered.is_some())
}

fn coverage(ds: &Assessed, m: &ScopeMap, diag: &SharedDiagnostics) -> Coverage {
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
}
