//! Files the map pages load when the visitor points at a map (`assets/maps.js`), so a region
//! can show its name and value and link to its page:
//!
//! - `heatmaps/{scope}/hover/hit.js`: which region each pixel of the map box shows (the
//!   scope's label raster, run-length encoded), the regions (id, label) and where
//!   the map box sits in the 960×600 image;
//! - `heatmaps/{scope}/hover/{measure}-{total|new}-{abs|pc}-{chunk}.js`: the values of every
//!   mapped region at a run of frames (the same values the frames were coloured with).
//!   Chunk 0 holds the last `chunk_frames` frames, chunk 1 the ones before, and so on, so the
//!   poster (the last date) needs one small file.
//!
//! Each file is one call of `seecovidMapData({...})`: a `<script>` element loads it, which
//! works from `file://` where `fetch` does not.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

use super::scope::ScopeMap;
use super::truth::Cell;
use super::{Measure, Mode, Unit, frame};
use crate::data::Dataset;
use crate::geo::raster;

/// The function the files call (defined by `assets/maps.js`).
const CALLBACK: &str = "seecovidMapData";
/// About this many values per chunk file (≈ 20–40 KB gzipped for the US counties).
const CHUNK_VALUES: usize = 16_000;

/// `{scope}/hover/` in the heat-map set's folder.
fn dir(m: &ScopeMap) -> String {
    format!("{}/hover", m.id)
}

/// Path of the hit file of a scope.
pub(crate) fn hit_path(m: &ScopeMap) -> String {
    format!("{}/hit.js", dir(m))
}

/// Frames per value chunk: fewer for scopes with many regions, so one chunk stays small.
pub(crate) fn chunk_frames(m: &ScopeMap) -> usize {
    let mapped = m.mapped.iter().filter(|&&b| b).count().max(1);
    (CHUNK_VALUES / mapped).max(1)
}

/// Mapped members, in member order: the hover label `k + 1` is `hit_members(m)[k]`.
fn hit_members(m: &ScopeMap) -> Vec<usize> {
    (0..m.members.len()).filter(|&k| m.mapped[k]).collect()
}

/// Ids of the regions drawn on the map, in member order.
pub(crate) fn mapped_ids(ds: &Dataset, m: &ScopeMap) -> Vec<String> {
    hit_members(m)
        .into_iter()
        .map(|k| ds.regions[m.members[k]].id.clone())
        .collect()
}

/// Pixel → hover label (0 = no region, `k + 1` = the k-th mapped member). Border pixels take
/// the label of the region left of (or above) them, so the pointer never falls into a gap
/// between two regions and the runs stay long.
fn hover_labels(m: &ScopeMap) -> Vec<u32> {
    let mut member_of = vec![None; m.members.len()];
    for (h, &k) in hit_members(m).iter().enumerate() {
        member_of[k] = Some(h as u32 + 1);
    }
    let mut region_member = std::collections::HashMap::new();
    for (k, &r) in m.members.iter().enumerate() {
        region_member.insert(r, k);
    }
    let shape_label: Vec<u32> = m
        .shapes
        .iter()
        .map(|s| {
            s.region
                .and_then(|r| region_member.get(&r))
                .and_then(|&k| member_of[k])
                .unwrap_or(0)
        })
        .collect();
    let r = &m.raster;
    let mut out = vec![0u32; r.labels.len()];
    for (i, &l) in r.labels.iter().enumerate() {
        out[i] = if l >= raster::FIRST_SHAPE {
            shape_label[(l - raster::FIRST_SHAPE) as usize]
        } else if l == raster::BORDER {
            let left = if i % r.width > 0 { out[i - 1] } else { 0 };
            let up = if i >= r.width { out[i - r.width] } else { 0 };
            if left != 0 { left } else { up }
        } else {
            0
        };
    }
    out
}

/// Run-length code as two lists, `(labels, counts)`: `"l1,l2,…"` and `"n1,n2,…"` (run k is
/// `nk` pixels of label `lk`). Two lists compress better than interleaved pairs: the labels
/// repeat from row to row, the counts are small numbers.
fn runs(labels: &[u32]) -> (String, String) {
    let (mut ls, mut ns) = (String::new(), String::new());
    let mut i = 0;
    while i < labels.len() {
        let l = labels[i];
        let n = labels[i..].iter().take_while(|&&x| x == l).count();
        let sep = if ls.is_empty() { "" } else { "," };
        let _ = write!(ls, "{sep}{l}");
        let _ = write!(ns, "{sep}{n}");
        i += n;
    }
    (ls, ns)
}

#[derive(Serialize)]
struct Hit<'a> {
    kind: &'static str,
    scope: &'a str,
    /// Size of the poster/frame image, and the map box inside it: x, y, width, height.
    image: [usize; 2],
    #[serde(rename = "box")]
    map_box: [usize; 4],
    /// Frames per value chunk.
    chunk: usize,
    /// `[region id, label]` per hover label − 1.
    regions: Vec<(&'a str, String)>,
    /// Run-length code of the map box's pixels, row by row: run labels and run lengths.
    labels: String,
    counts: String,
}

/// The hit file of a scope: `(path, text)`.
pub(crate) fn hit_file(ds: &Dataset, m: &ScopeMap) -> (String, String) {
    let regions = hit_members(m)
        .into_iter()
        .map(|k| {
            let r = &ds.regions[m.members[k]];
            (r.id.as_str(), super::bar_name(ds, r))
        })
        .collect();
    let (labels, counts) = runs(&hover_labels(m));
    let hit = Hit {
        kind: "hit",
        scope: m.id,
        image: [frame::WIDTH, frame::HEIGHT],
        map_box: [frame::MAP_X, frame::MAP_Y, m.raster.width, m.raster.height],
        chunk: chunk_frames(m),
        regions,
        labels,
        counts,
    };
    let json = serde_json::to_string(&hit).expect("plain data serializes");
    (hit_path(m), format!("{CALLBACK}({json});\n"))
}

#[derive(Serialize)]
struct Values<'a> {
    kind: &'static str,
    scope: &'a str,
    /// `{measure}-{total|new}-{abs|pc}`.
    set: String,
    chunk: usize,
    /// Dates of the chunk's frames, ascending.
    dates: Vec<String>,
    /// Values are integers to divide by this (1 when all values are whole numbers, else
    /// 1000).
    div: u32,
    /// Per hover label − 1, separated by `;`: the first frame's value, then the change from
    /// the last value given, separated by `,`; empty = no data, and a letter where the cell
    /// is not a value (`truth::Cell`): `n` not reporting, `s` reported at state level only,
    /// `p` cases above the population. Never a sentinel number.
    v: String,
}

/// One set's name in file names and in the files.
fn set_name(me: Measure, mode: Mode, unit: Unit) -> String {
    format!("{}-{}-{}", me.as_str(), mode.as_str(), unit.short())
}

/// The value chunks of one measure/mode/unit: its set name and `(path, text)` per chunk.
/// `values` is `[frame][member]` as the frames were drawn (NaN = no data).
pub(crate) fn value_files(
    m: &ScopeMap,
    dates: &[NaiveDate],
    values: &[f64],
    (me, mode, unit): (Measure, Mode, Unit),
) -> (String, Vec<(String, String)>) {
    let members = hit_members(m);
    let set = set_name(me, mode, unit);
    let whole = values.iter().all(|v| !v.is_finite() || v.fract() == 0.0);
    // Three decimals: the pages print at most two, so rounding twice rarely shows.
    let div: u32 = if whole { 1 } else { 1000 };
    let files = chunks(dates.len(), chunk_frames(m))
        .into_iter()
        .enumerate()
        .map(|(chunk, frames)| {
            let vals = Values {
                kind: "values",
                scope: m.id,
                set: set.clone(),
                chunk,
                dates: dates[frames.clone()]
                    .iter()
                    .map(|d| d.to_string())
                    .collect(),
                div,
                v: encode(&members, m.members.len(), values, frames, div),
            };
            let json = serde_json::to_string(&vals).expect("plain data serializes");
            (
                format!("{}/{set}-{chunk}.js", dir(m)),
                format!("{CALLBACK}({json});\n"),
            )
        })
        .collect();
    (set, files)
}

/// Frame ranges of the chunks, chunk 0 last: `per` frames each, the first chunk of the
/// animation possibly shorter.
fn chunks(frames: usize, per: usize) -> Vec<std::ops::Range<usize>> {
    let mut v = Vec::new();
    let mut end = frames;
    while end > 0 {
        let start = end.saturating_sub(per);
        v.push(start..end);
        end = start;
    }
    v
}

/// The `v` text of a chunk: per member in `members`, its values at `frames` (×`div`,
/// rounded): the first, then differences from the last value given; empty = NaN.
fn encode(
    members: &[usize],
    n: usize,
    values: &[f64],
    frames: std::ops::Range<usize>,
    div: u32,
) -> String {
    let mut v = String::new();
    for (j, &k) in members.iter().enumerate() {
        if j > 0 {
            v.push(';');
        }
        let mut prev = 0i64;
        for f in frames.clone() {
            if f > frames.start {
                v.push(',');
            }
            let x = values[f * n + k];
            match super::truth::cell(x) {
                Cell::Value if x.is_finite() => {
                    let q = (x * div as f64).round() as i64;
                    let _ = write!(v, "{}", q - prev);
                    prev = q;
                }
                Cell::Value | Cell::NoData => {}
                Cell::NotReporting => v.push('n'),
                Cell::StateLevelOnly => v.push('s'),
                Cell::AbovePopulation => v.push('p'),
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_on_the_last_frame() {
        assert_eq!(chunks(5, 2), vec![3..5, 1..3, 0..1]);
        assert_eq!(chunks(4, 10), vec![0..4]);
        assert!(chunks(0, 3).is_empty());
    }

    #[test]
    fn values_are_differences_with_gaps() {
        use super::super::truth::mark;
        // 3 frames × 3 members; members 0 and 2 are on the map.
        let nan = f64::NAN;
        let values = [1.0, 9.0, nan, 3.0, 9.0, 5.0, 2.0, 9.0, 7.0];
        assert_eq!(encode(&[0, 2], 3, &values, 0..3, 1), "1,2,-1;,5,2");
        assert_eq!(encode(&[2], 3, &values, 1..3, 1), "5,2");
        let halves = [0.5, 1.25];
        assert_eq!(encode(&[0], 1, &halves, 0..2, 100), "50,75");
        // A gap keeps the last value given as the base.
        let gap = [4.0, nan, 6.0];
        assert_eq!(encode(&[0], 1, &gap, 0..3, 1), "4,,2");
        // Regression (issue 20 item 7): "not reporting" was −∞, written as ±2^63, and broke the
        // deltas after it ("9223372B a day", "−18446744B"). Now a letter; the base is kept.
        let silent = [
            4.0,
            mark(Cell::NotReporting),
            mark(Cell::StateLevelOnly),
            mark(Cell::AbovePopulation),
            6.0,
        ];
        assert_eq!(encode(&[0], 1, &silent, 0..5, 1), "4,n,s,p,2");
    }

    fn shape(region: usize) -> super::super::scope::Shape {
        super::super::scope::Shape {
            key: None,
            name: String::new(),
            region: Some(region),
            pixels: 0,
        }
    }

    #[test]
    fn hover_labels_follow_members_and_fill_borders() {
        let d = NaiveDate::from_ymd_opt(2021, 8, 1).unwrap();
        let m = ScopeMap {
            id: "test",
            label: "Test",
            noun: ("place", "places"),
            // Shape 0 (label 4), a border, shape 1 (label 5), background; then an outline.
            raster: raster::LabelRaster {
                width: 4,
                height: 2,
                labels: vec![4, 2, 5, 0, 1, 4, 5, 5],
            },
            content_h: 2,
            shapes: vec![shape(10), shape(20)],
            // Region 20 is the first member on the map, region 10 the second; 30 is unmapped.
            members: vec![20, 10, 30],
            mapped: vec![true, true, false],
            unjoined: Vec::new(),
            start: d,
            end: d,
            boundaries: "",
            geo: None,
        };
        assert_eq!(hover_labels(&m), vec![2, 2, 1, 0, 0, 2, 1, 1]);
        assert_eq!(
            runs(&hover_labels(&m)),
            ("2,1,0,2,1".to_string(), "2,1,2,1,2".to_string())
        );
    }

    #[test]
    fn runs_round_trip() {
        assert_eq!(runs(&[0, 0, 3, 3, 3, 1]), ("0,3,1".into(), "2,3,1".into()));
        assert_eq!(runs(&[]), (String::new(), String::new()));
    }
}
