//! Locator maps for region pages: the region highlighted in its parent's view (a country on
//! the world map, a province on its country's map, a US state on the US map, a county on its
//! state), cut from the same label rasters as the heat maps. Small palette PNGs with a
//! transparent background and transparent borders, so the page colour shows through: the
//! same file reads on a light and on a dark page. Each is a build unit keyed by the binary
//! and the region table's structure (not the case numbers), so data updates reuse them.

use std::sync::OnceLock;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::data::{Dataset, Level};
use crate::geo::raster;
use crate::heatmap::scope::{self, ScopeMap};
use crate::output::Output;

/// Largest locator image (CSS pixels; scaled down on phones).
const MAX_W: usize = 320;
const MAX_H: usize = 200;
/// Image pixels per CSS pixel: drawn at 2× (from rasters twice the size) and shown at half
/// its size, so that it is sharp on a 2× phone screen (issue 23, item 7; a 2-bit palette PNG
/// costs ~1 KB more a region than at 1×).
const DENSITY: usize = 2;

/// Palette: transparent paper and borders, other land, the parent's other regions, the region.
const PAPER: u8 = 0;
const LAND: u8 = 1;
const SIBLING: u8 = 2;
const TARGET: u8 = 3;
const PALETTE: [u8; 12] = [
    0xff, 0xff, 0xff, // paper (transparent)
    0xc3, 0xc8, 0xcf, // other land
    0x8e, 0x96, 0xa1, // the parent's other regions
    0xd9, 0x48, 0x0f, // the region
];
const ALPHA: [u8; 4] = [0, 255, 255, 255];

/// What a page shows: an image, or why there is none.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub(crate) struct Locator {
    /// Path relative to `regions/`.
    pub(crate) src: Option<String>,
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) alt: String,
    /// Why there is no map (when `src` is None).
    pub(crate) reason: String,
}

/// A scope with the pixel box of every raster label.
pub(crate) struct Boxed {
    map: ScopeMap,
    boxes: Vec<Option<[usize; 4]>>,
}

/// The scopes a locator may need, built on first use at locator resolution.
pub(crate) struct Scopes<'a> {
    ds: &'a Dataset,
    cells: [OnceLock<Option<Boxed>>; 6],
}

/// (scope id, raster width, raster height): the US counties are drawn at twice the
/// heat-map scale so a state cut from them keeps its shape.
const SIZES: [(&str, usize, usize); 6] = [
    ("world", 960, 500),
    ("us-states", 640, 400),
    ("us-counties", 1950, 1220),
    ("china", 480, 400),
    ("canada", 480, 400),
    ("australia", 480, 400),
];

impl<'a> Scopes<'a> {
    pub(crate) fn new(ds: &'a Dataset) -> Self {
        Self {
            ds,
            cells: Default::default(),
        }
    }

    fn get(&self, id: &str) -> Option<&Boxed> {
        let i = SIZES.iter().position(|s| s.0 == id)?;
        let (_, w, h) = SIZES[i];
        self.cells[i]
            .get_or_init(|| {
                let map = scope::build(self.ds, id, w * DENSITY, h * DENSITY).ok()?;
                let boxes = label_boxes(&map);
                Some(Boxed { map, boxes })
            })
            .as_ref()
    }
}

/// The scope a region is located in, or why it has none.
fn scope_of(ds: &Dataset, idx: usize) -> Result<&'static str, String> {
    let r = &ds.regions[idx];
    match r.level {
        Level::Country => Ok("world"),
        Level::UsState => Ok("us-states"),
        Level::UsCounty => Ok("us-counties"),
        Level::Province => match r.country.as_str() {
            "China" => Ok("china"),
            "Canada" => Ok("canada"),
            "Australia" => Ok("australia"),
            c => Err(format!(
                "the maps draw provinces only for China, Canada and Australia, not for {c}"
            )),
        },
    }
}

/// Pixel box `[x0, y0, x1, y1)` of every label of the raster.
fn label_boxes(m: &ScopeMap) -> Vec<Option<[usize; 4]>> {
    let r = &m.raster;
    let mut boxes: Vec<Option<[usize; 4]>> =
        vec![None; raster::FIRST_SHAPE as usize + m.shapes.len()];
    for y in 0..r.height {
        for x in 0..r.width {
            if let Some(b) = boxes.get_mut(r.get(x, y) as usize) {
                let e = b.get_or_insert([x, y, x + 1, y + 1]);
                e[0] = e[0].min(x);
                e[1] = e[1].min(y);
                e[2] = e[2].max(x + 1);
                e[3] = e[3].max(y + 1);
            }
        }
    }
    boxes
}

/// Union of the boxes of the labels whose class `keep` accepts.
fn union(b: &Boxed, class: &[u8], keep: &dyn Fn(u8) -> bool) -> Option<[usize; 4]> {
    b.boxes
        .iter()
        .zip(class)
        .filter(|(_, c)| keep(**c))
        .filter_map(|(b, _)| *b)
        .reduce(|a, c| {
            [
                a[0].min(c[0]),
                a[1].min(c[1]),
                a[2].max(c[2]),
                a[3].max(c[3]),
            ]
        })
}

/// Grows a box by a margin and to a minimum size, clipped to the raster.
fn pad(b: [usize; 4], m: &ScopeMap, min_w: usize, min_h: usize) -> [usize; 4] {
    let (w, h) = (b[2] - b[0], b[3] - b[1]);
    let mx = (w / 8).max(min_w.saturating_sub(w) / 2);
    let my = (h / 8).max(min_h.saturating_sub(h) / 2);
    [
        b[0].saturating_sub(mx),
        b[1].saturating_sub(my),
        (b[2] + mx).min(m.raster.width),
        (b[3] + my).min(m.raster.height),
    ]
}

/// Colour class of every raster label for region `idx`: the region, its parent's other
/// regions, other land. A county is shown on its state alone (the Albers USA insets would put
/// Hawaii next to Texas).
fn classes(ds: &Dataset, m: &ScopeMap, idx: usize) -> Vec<u8> {
    let parent = ds.regions[idx].parent;
    let county = ds.regions[idx].level == Level::UsCounty;
    let other = if county { PAPER } else { LAND };
    let mut c = vec![PAPER; raster::FIRST_SHAPE as usize + m.shapes.len()];
    c[raster::CONTEXT as usize] = other;
    for (i, s) in m.shapes.iter().enumerate() {
        c[raster::FIRST_SHAPE as usize + i] = match s.region {
            Some(r) if r == idx => TARGET,
            Some(r) if parent.is_some() && ds.regions[r].parent == parent => SIBLING,
            _ => other,
        };
    }
    c
}

/// Samples the box into at most MAX_W × MAX_H CSS pixels at [`DENSITY`]; a cell takes the
/// highest class of the raster pixels under it, so a one-pixel island stays visible.
fn sample(m: &ScopeMap, class: &[u8], b: [usize; 4]) -> (Vec<u8>, usize, usize) {
    let (bw, bh) = (b[2] - b[0], b[3] - b[1]);
    let (max_w, max_h) = (MAX_W * DENSITY, MAX_H * DENSITY);
    let s = (bw as f64 / max_w as f64).max(bh as f64 / max_h as f64);
    let (w, h) = (
        ((bw as f64 / s).round() as usize).clamp(1, max_w),
        ((bh as f64 / s).round() as usize).clamp(1, max_h),
    );
    let mut px = vec![PAPER; w * h];
    // The columns' spans are the same on every row: computed once.
    let xs: Vec<(usize, usize)> = (0..w).map(|x| span(x, s, b[0], b[2])).collect();
    for y in 0..h {
        let (y0, y1) = span(y, s, b[1], b[3]);
        for (x, &(x0, x1)) in xs.iter().enumerate() {
            let mut best = PAPER;
            for yy in y0..y1 {
                for xx in x0..x1 {
                    best = best.max(class[m.raster.get(xx, yy) as usize]);
                }
            }
            px[y * w + x] = best;
        }
    }
    (px, w, h)
}

/// Source pixels `[lo, hi)` under output cell `i` at scale `s` (at least one pixel).
fn span(i: usize, s: f64, start: usize, end: usize) -> (usize, usize) {
    let lo = (start + (i as f64 * s).floor() as usize).min(end - 1);
    let hi = (start + ((i + 1) as f64 * s).floor() as usize).clamp(lo + 1, end);
    (lo, hi)
}

/// A ring around a region too small to see (under 20 CSS pixels at locator scale).
fn ring_if_tiny(px: &mut [u8], w: usize, h: usize) {
    let k = DENSITY as f64;
    let cells: Vec<(usize, usize)> = (0..w * h)
        .filter(|&i| px[i] == TARGET)
        .map(|i| (i % w, i / w))
        .collect();
    if cells.is_empty() || cells.len() >= 20 * DENSITY * DENSITY {
        return;
    }
    let cx = cells.iter().map(|c| c.0).sum::<usize>() as f64 / cells.len() as f64;
    let cy = cells.iter().map(|c| c.1).sum::<usize>() as f64 / cells.len() as f64;
    for y in 0..h {
        for x in 0..w {
            let dist = ((x as f64 - cx).powi(2) + (y as f64 - cy).powi(2)).sqrt();
            if (7.0 * k..9.0 * k).contains(&dist) {
                px[y * w + x] = TARGET;
            }
        }
    }
}

fn encode(px: &[u8], w: usize, h: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Two);
        enc.set_palette(PALETTE.to_vec());
        enc.set_trns(ALPHA.to_vec());
        enc.set_compression(png::Compression::Balanced);
        let mut wr = enc.write_header()?;
        // Four pixels per byte, rows padded to whole bytes.
        let row = w.div_ceil(4);
        let mut packed = vec![0u8; row * h];
        for y in 0..h {
            for x in 0..w {
                packed[y * row + x / 4] |= px[y * w + x] << (6 - 2 * (x % 4));
            }
        }
        wr.write_image_data(&packed)?;
    }
    Ok(out)
}

fn none(reason: String) -> Locator {
    Locator {
        src: None,
        width: 0,
        height: 0,
        alt: String::new(),
        reason,
    }
}

/// Draws region `idx`'s locator (PNG bytes and what the page says), or says why there is none.
pub(crate) fn draw(
    ds: &Dataset,
    scopes: &Scopes,
    idx: usize,
) -> Result<(Locator, Option<Vec<u8>>)> {
    let r = &ds.regions[idx];
    let id = match scope_of(ds, idx) {
        Ok(id) => id,
        Err(why) => return Ok((none(format!("No locator map: {why}.")), None)),
    };
    let Some(b) = scopes.get(id) else {
        return Ok((
            none("No locator map: the boundaries could not be read.".into()),
            None,
        ));
    };
    let m = &b.map;
    let class = classes(ds, m, idx);
    let Some(own) = union(b, &class, &|c| c == TARGET) else {
        let why = m
            .unjoined
            .iter()
            .find(|u| u.region == idx)
            .and_then(|u| u.reason)
            .unwrap_or("no shape in the map's boundary file");
        return Ok((
            none(format!("No locator map: {} has no shape ({why}).", r.name)),
            None,
        ));
    };
    let view = if r.level == Level::UsCounty {
        let state = union(b, &class, &|c| matches!(c, TARGET | SIBLING)).unwrap_or(own);
        pad(state, m, 80 * DENSITY, 50 * DENSITY)
    } else {
        [0, 0, m.raster.width, m.raster.height]
    };
    let (mut px, w, h) = sample(m, &class, view);
    ring_if_tiny(&mut px, w, h);
    let within = match (r.level, r.parent) {
        (Level::Country, _) => "the world".to_string(),
        (_, Some(p)) => ds.regions[p].name.clone(),
        _ => String::new(),
    };
    let loc = Locator {
        src: Some(format!("img/{}-locator.png", r.id)),
        width: w.div_ceil(DENSITY),
        height: h.div_ceil(DENSITY),
        alt: format!("Locator map: {} highlighted in {within}.", r.name),
        reason: String::new(),
    };
    Ok((loc, Some(encode(&px, w, h)?)))
}

/// The locator of region `idx` as a build unit (reused while `key` is unchanged).
pub(crate) fn unit(
    ds: &Dataset,
    scopes: &Scopes,
    idx: usize,
    out: &Output,
    key: &str,
) -> Result<Locator> {
    let r = &ds.regions[idx];
    let (loc, _) = out.unit_json(&format!("locator/{}", r.id), key, || {
        let (loc, png) = draw(ds, scopes, idx)?;
        let mut files = Vec::new();
        if let (Some(src), Some(bytes)) = (&loc.src, png) {
            let rel = format!("regions/{src}");
            out.write(&rel, &bytes)?;
            files.push(rel);
        }
        Ok((loc, files))
    })?;
    Ok(loc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_the_box_without_gaps() {
        // Downsampling 10 pixels into 4 cells, and upsampling 3 into 6.
        let cells: Vec<(usize, usize)> = (0..4).map(|i| span(i, 2.5, 0, 10)).collect();
        assert_eq!(cells, [(0, 2), (2, 5), (5, 7), (7, 10)]);
        let up: Vec<(usize, usize)> = (0..6).map(|i| span(i, 0.5, 4, 7)).collect();
        assert_eq!(up, [(4, 5), (4, 5), (5, 6), (5, 6), (6, 7), (6, 7)]);
    }

    #[test]
    fn two_bit_png_round_trips() {
        let px = [0, 1, 2, 3, 3, 2, 1, 0, 1];
        let bytes = encode(&px, 3, 3).unwrap();
        let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
        dec.set_transformations(png::Transformations::IDENTITY);
        let mut reader = dec.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (3, 3));
        assert_eq!(info.trns.as_deref(), Some(&ALPHA[..]));
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        // Rows [0,1,2], [3,3,2], [1,0,1] as 2-bit values, MSB first, padded to a byte.
        assert_eq!(&buf[..3], &[0b0001_1000, 0b1111_1000, 0b0100_0100]);
    }
}
