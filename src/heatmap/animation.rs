//! One scope × measure × total/new × absolute/per-capita: its linear and log animations,
//! rendered, encoded, written and described.

use std::time::Instant;

use anyhow::Result;

use super::color::{self, ClassScale};
use super::domain::Domain;
use super::encode::{self, Timers};
use super::frame::{self, Canvas, Labels};
use super::index::{AnimStats, Animation, TopRow, view_name};
use super::labels::{bar_name, labels, legend, rank_floor};
use super::scope::ScopeMap;
use super::table::last_date_csv;
use super::values::{Pair, shape_members, values};
use super::{FRAME_DELAY, LAST_FRAME_DELAY, PER_CAPITA, Sink, hover, truth};
use crate::data::names;
use crate::measures::{Measure, Mode, Scale, Unit};
use crate::quality::Assessed;

/// Renders the linear and the log animation of one scope/measure/mode/scale (they share the
/// values, only the class breaks differ).
pub(super) fn render_pair(
    ds: &Assessed,
    m: &ScopeMap,
    me: Measure,
    mode: Mode,
    sc: Unit,
    step: u32,
    out: &dyn Sink,
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
    let domain = Domain::of(&pair.mat, &pair.adj.mapped, mode, sc);
    let (set, files) = hover::value_files(m, &pair.mat.dates, &pair.mat.values, (me, mode, sc));
    for (path, text) in &files {
        out.put(path, text.as_bytes())?;
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

/// `{scope}/{measure}-{total|new}-{abs|pc}-{lin|log}`: the files' stem.
fn stem(p: &Pair, axis: Scale) -> String {
    format!("{}/{}", p.m.id, view_name(p.me, p.mode, p.sc, axis))
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

/// Renders and writes one animation (GIF, poster, CSV) and describes it.
fn render_one(p: &Pair, mut scale: ClassScale, out: &dyn Sink) -> Result<(Animation, AnimStats)> {
    let t0 = Instant::now();
    scale.not_reporting = p.adj.has_not_reporting;
    scale.state_level = p.adj.has_state_level;
    scale.above_population = p.adj.has_above_population;
    let axis = scale.axis;
    let stem = stem(p, axis);
    let labels = labels(p, axis);
    let timers = Timers::default();
    let (gif, poster, poster_dark) = encode_frames(p, &scale, &labels, &timers)?;
    out.put(&format!("{stem}.gif"), &gif)?;
    out.put(&format!("{stem}.png"), &poster)?;
    out.put(&format!("{stem}-dark.png"), &poster_dark)?;
    out.put(&format!("{stem}.csv"), &last_date_csv(p)?)?;
    let (first, last) = (p.mat.dates[0], *p.mat.dates.last().expect("non-empty"));
    let nf = p.mat.dates.len();
    let stats = AnimStats {
        scope: p.m.id.to_string(),
        name: stem.clone(),
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
