//! PNG encoding of rendered RGB buffers as palette-indexed images (charts use few colours,
//! so indexed PNGs are several times smaller than RGB ones).

use std::collections::HashMap;

use anyhow::{Context, Result};

/// Encodes an RGB8 buffer (`w × h × 3`) as an indexed PNG. Up to 256 distinct colours are
/// kept exactly; beyond that the 256 most frequent are kept and the rest (antialiasing
/// shades) snap to the nearest of them.
pub fn encode_indexed(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
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
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::Filter::NoFilter);
        let mut wr = enc.write_header().context("PNG header")?;
        let packed = pack(&indices, w as usize, depth);
        wr.write_image_data(&packed).context("PNG data")?;
    }
    Ok(out)
}

/// Returns the palette (RGB triples) and one palette index per pixel. Deterministic: the
/// palette is ordered by first appearance.
pub fn quantize(rgb: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let n = rgb.len() / 3;
    let mut counts: HashMap<[u8; 3], (u32, u32)> = HashMap::new(); // colour → (count, first)
    let mut last = [0u8; 3];
    let mut last_valid = false;
    for (i, px) in rgb.chunks_exact(3).enumerate() {
        let c = [px[0], px[1], px[2]];
        if last_valid && c == last {
            counts.get_mut(&c).expect("seen").0 += 1;
            continue;
        }
        counts.entry(c).or_insert((0, i as u32)).0 += 1;
        last = c;
        last_valid = true;
    }
    let mut colours: Vec<([u8; 3], u32, u32)> =
        counts.into_iter().map(|(c, (n, f))| (c, n, f)).collect();
    if colours.len() > 256 {
        colours.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        colours.truncate(256);
    }
    colours.sort_by_key(|c| c.2);
    let mut map: HashMap<[u8; 3], u8> = colours
        .iter()
        .enumerate()
        .map(|(i, c)| (c.0, i as u8))
        .collect();
    let palette: Vec<u8> = colours.iter().flat_map(|c| c.0).collect();
    let mut indices = Vec::with_capacity(n);
    let mut last = ([0u8; 3], 0u8, false);
    for px in rgb.chunks_exact(3) {
        let c = [px[0], px[1], px[2]];
        if last.2 && last.0 == c {
            indices.push(last.1);
            continue;
        }
        let idx = match map.get(&c) {
            Some(&i) => i,
            None => {
                let i = nearest(&colours, c);
                map.insert(c, i);
                i
            }
        };
        indices.push(idx);
        last = (c, idx, true);
    }
    (palette, indices)
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
