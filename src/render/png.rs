//! PNG encoding of rendered RGB buffers as palette-indexed images (charts use few colours,
//! so indexed PNGs are several times smaller than RGB ones).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use anyhow::{Context, Result};

/// Encodes an RGB8 buffer (`w × h × 3`) as an indexed PNG. Up to 256 distinct colours are
/// kept exactly; beyond that the 256 most frequent are kept and the rest (antialiasing
/// shades) snap to the nearest of them.
///
/// zlib level 6 with the `Up` filter: the link previews of region pages (one chart each) came
/// out at 9 KB against 15 KB with level 1 and no filter, 21 MB less site over 3,686 regions
/// for about a millisecond more each. (Page charts are SVG; see `render::chart`.)
pub fn encode_indexed(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    encode(
        rgb,
        w,
        h,
        png::DeflateCompression::Level(6),
        png::Filter::Up,
    )
}

fn encode(
    rgb: &[u8],
    w: u32,
    h: u32,
    compression: png::DeflateCompression,
    filter: png::Filter,
) -> Result<Vec<u8>> {
    let (palette, indices) = quantize(rgb);
    let mut out = Vec::with_capacity(indices.len() / 4);
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Indexed);
        let depth = match palette.len() / 3 {
            0..=2 => png::BitDepth::One,
            3..=4 => png::BitDepth::Two,
            5..=16 => png::BitDepth::Four,
            _ => png::BitDepth::Eight,
        };
        enc.set_depth(depth);
        enc.set_palette(palette);
        enc.set_deflate_compression(compression);
        enc.set_filter(filter);
        let mut wr = enc.write_header().context("PNG header")?;
        let packed = pack(&indices, w as usize, depth);
        wr.write_image_data(&packed).context("PNG data")?;
    }
    Ok(out)
}

/// A multiplicative hasher for packed RGB keys: SipHash dominated the whole build here.
#[derive(Default)]
struct RgbHasher(u64);

impl Hasher for RgbHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.0 = u64::from(v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type RgbMap<V> = HashMap<u32, V, BuildHasherDefault<RgbHasher>>;

fn key(c: [u8; 3]) -> u32 {
    u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2])
}

/// Returns the palette (RGB triples) and one palette index per pixel. Deterministic: the
/// palette is ordered by first appearance. One hashing pass assigns provisional indices; only
/// images with more than 256 colours need the (cheap) remapping pass.
pub fn quantize(rgb: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let n = rgb.len() / 3;
    let mut lookup: RgbMap<u32> = RgbMap::default();
    let mut colours: Vec<([u8; 3], u32, u32)> = Vec::new(); // colour, count, first
    let mut provisional: Vec<u32> = Vec::with_capacity(n);
    // A direct-mapped cache in front of the map: most pixels repeat a recent colour. Most of
    // all they repeat the previous pixel (background, bars, lines along a row): runs skip
    // both the cache and the count until the colour changes.
    const SLOTS: usize = 1024;
    let mut cache = [(u32::MAX, 0u32); SLOTS];
    let (mut prev_key, mut prev_idx, mut run) = (u32::MAX, 0u32, 0u32);
    for (i, px) in rgb.chunks_exact(3).enumerate() {
        let k = key([px[0], px[1], px[2]]);
        if k != prev_key {
            if run > 0 {
                colours[prev_idx as usize].1 += run;
                run = 0;
            }
            let slot = (k.wrapping_mul(0x9E37_79B1) >> 22) as usize % SLOTS;
            prev_idx = if cache[slot].0 == k {
                cache[slot].1
            } else {
                let next = colours.len() as u32;
                let idx = *lookup.entry(k).or_insert(next);
                if idx == next {
                    colours.push(([px[0], px[1], px[2]], 0, i as u32));
                }
                cache[slot] = (k, idx);
                idx
            };
            prev_key = k;
        }
        run += 1;
        provisional.push(prev_idx);
    }
    if run > 0 {
        colours[prev_idx as usize].1 += run;
    }
    if colours.len() <= 256 {
        let palette = colours.iter().flat_map(|c| c.0).collect();
        return (palette, provisional.into_iter().map(|i| i as u8).collect());
    }
    // Keep the 256 most frequent colours (in first-appearance order); snap the rest.
    let mut order: Vec<usize> = (0..colours.len()).collect();
    order.sort_by(|&a, &b| colours[b].1.cmp(&colours[a].1).then(a.cmp(&b)));
    let mut kept: Vec<usize> = order[..256].to_vec();
    kept.sort_unstable();
    let kept_colours: Vec<([u8; 3], u32, u32)> = kept.iter().map(|&i| colours[i]).collect();
    let mut remap = vec![0u8; colours.len()];
    let mut is_kept = vec![false; colours.len()];
    for (new, &old) in kept.iter().enumerate() {
        remap[old] = new as u8;
        is_kept[old] = true;
    }
    for (old, c) in colours.iter().enumerate() {
        if !is_kept[old] {
            remap[old] = nearest(&kept_colours, c.0);
        }
    }
    let palette = kept_colours.iter().flat_map(|c| c.0).collect();
    (
        palette,
        provisional.into_iter().map(|i| remap[i as usize]).collect(),
    )
}

fn nearest(colours: &[([u8; 3], u32, u32)], c: [u8; 3]) -> u8 {
    let d = |p: [u8; 3]| -> i32 {
        (0..3)
            .map(|k| {
                let x = i32::from(p[k]) - i32::from(c[k]);
                x * x
            })
            .sum()
    };
    colours
        .iter()
        .enumerate()
        .min_by_key(|(_, p)| d(p.0))
        .map_or(0, |(i, _)| i as u8)
}

fn pack(indices: &[u8], w: usize, depth: png::BitDepth) -> Vec<u8> {
    let bits = match depth {
        png::BitDepth::One => 1,
        png::BitDepth::Two => 2,
        png::BitDepth::Four => 4,
        _ => return indices.to_vec(),
    };
    let per_byte = 8 / bits;
    let row_bytes = w.div_ceil(per_byte);
    let h = indices.len() / w;
    let mut out = vec![0u8; row_bytes * h];
    for y in 0..h {
        for x in 0..w {
            let v = indices[y * w + x];
            let shift = 8 - bits * (x % per_byte + 1);
            out[y * row_bytes + x / per_byte] |= v << shift;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut dec = png::Decoder::new(std::io::Cursor::new(bytes));
        dec.set_transformations(png::Transformations::EXPAND);
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn round_trips_few_colours_exactly() {
        // 3×2 image: white, red, blue / blue, white, red.
        let rgb = [
            255, 255, 255, 255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 255, 255, 255, 0, 0,
        ];
        let png = encode_indexed(&rgb, 3, 2).unwrap();
        let (w, h, px) = decode(&png);
        assert_eq!((w, h), (3, 2));
        assert_eq!(px, rgb);
    }

    #[test]
    fn more_than_256_colours_snap_to_frequent_ones() {
        let mut rgb = Vec::new();
        for i in 0..300u32 {
            rgb.extend_from_slice(&[(i % 256) as u8, (i / 256) as u8, 7]);
        }
        // Many pixels of one colour so it is certainly kept.
        for _ in 0..100 {
            rgb.extend_from_slice(&[1, 2, 3]);
        }
        let (pal, idx) = quantize(&rgb);
        assert_eq!(pal.len(), 256 * 3);
        let last = idx[idx.len() - 1] as usize;
        assert_eq!(&pal[last * 3..last * 3 + 3], &[1, 2, 3]);
    }
}
