//! GIF and PNG encoding of indexed frames.
//!
//! GIF: one global palette; frame 0 whole, every later frame cropped to the rectangle that
//! changed since the previous frame, with unchanged pixels transparent (disposal "keep"), so
//! LZW sees long runs. Frames are LZW-compressed in parallel (rayon) in chunks; each chunk
//! re-renders the frame before it, so no chunk waits for another and memory stays bounded.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::{Context, Result};
use gif::{DisposalMethod, Encoder, Frame, Repeat};
use rayon::prelude::*;

use super::color::{PALETTE_LEN, TRANSPARENT, Theme, palette};
use super::image::Indexed;

/// Frames per parallel work unit (each costs one extra render).
const CHUNK: usize = 12;

/// Nanosecond counters of where the time goes (summed over threads, i.e. CPU time).
#[derive(Debug, Default)]
pub(crate) struct Timers {
    pub map_ns: AtomicU64,
    pub bars_ns: AtomicU64,
    pub encode_ns: AtomicU64,
    /// Part of `encode_ns` spent finding and cropping the changed rectangle.
    pub diff_ns: AtomicU64,
    pub frames: AtomicU64,
}

impl Timers {
    pub(crate) fn add(&self, c: &AtomicU64, t: Instant) {
        c.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }
}

pub(crate) fn palette_bytes() -> Vec<u8> {
    palette().into_iter().flatten().collect()
}

/// The part of `cur` that differs from `prev`: a frame cropped to the changed rectangle with
/// unchanged pixels transparent. An unchanged frame becomes one transparent pixel.
pub(crate) fn diff_frame(prev: &Indexed, cur: &Indexed) -> Frame<'static> {
    let w = cur.width;
    let rows = |y: usize| (&prev.px[y * w..(y + 1) * w], &cur.px[y * w..(y + 1) * w]);
    let changed: Vec<usize> = (0..cur.height)
        .filter(|&y| rows(y).0 != rows(y).1)
        .collect();
    let (Some(&y0), Some(&y1)) = (changed.first(), changed.last()) else {
        let mut f = Frame::from_indexed_pixels(1, 1, vec![TRANSPARENT], Some(TRANSPARENT));
        f.dispose = DisposalMethod::Keep;
        return f;
    };
    let (mut x0, mut x1) = (w, 0);
    for &y in &changed {
        let (a, b) = rows(y);
        // Only look where the range found so far could still grow.
        if let Some(first) = (0..x0).find(|&i| a[i] != b[i]) {
            x0 = first;
        }
        if let Some(last) = (x1.max(x0)..w).rev().find(|&i| a[i] != b[i]) {
            x1 = x1.max(last);
        }
    }
    let (cw, ch) = (x1 - x0 + 1, y1 - y0 + 1);
    let mut buf = Vec::with_capacity(cw * ch);
    // An unchanged pixel may be written as transparent or as its own colour; pick whichever
    // continues the current run, since runs are what LZW compresses well.
    let mut last = TRANSPARENT;
    for y in y0..=y1 {
        let (a, b) = rows(y);
        let (a, b) = (&a[x0..=x1], &b[x0..=x1]);
        let mut i = 0;
        while i < a.len() {
            // Fast path: unchanged pixels after a transparent one stay transparent.
            if last == TRANSPARENT && i + 16 <= a.len() && a[i..i + 16] == b[i..i + 16] {
                buf.extend_from_slice(&[TRANSPARENT; 16]);
                i += 16;
                continue;
            }
            let (p, q) = (a[i], b[i]);
            let v = if p != q || q == last { q } else { TRANSPARENT };
            buf.push(v);
            last = v;
            i += 1;
        }
    }
    let mut f = Frame::from_indexed_pixels(cw as u16, ch as u16, buf, Some(TRANSPARENT));
    f.left = x0 as u16;
    f.top = y0 as u16;
    f.dispose = DisposalMethod::Keep;
    f
}

/// Encodes frames `0..n` (made by `render`) into a looping GIF. `delay(i)` in 1/100 s.
pub(crate) fn gif<R>(
    width: usize,
    height: usize,
    n: usize,
    render: R,
    delay: impl Fn(usize) -> u16 + Sync,
    timers: &Timers,
) -> Result<Vec<u8>>
where
    R: Fn(usize) -> Indexed + Sync,
{
    let chunks: Vec<Vec<Frame<'static>>> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let (a, b) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let mut prev = (a > 0).then(|| render(a - 1));
            let mut out = Vec::with_capacity(b - a);
            for i in a..b {
                let cur = render(i);
                let t = Instant::now();
                let mut f = match &prev {
                    Some(p) => diff_frame(p, &cur),
                    None => {
                        let mut f = Frame::from_indexed_pixels(
                            width as u16,
                            height as u16,
                            cur.px.clone(),
                            None,
                        );
                        f.dispose = DisposalMethod::Keep;
                        f
                    }
                };
                timers.add(&timers.diff_ns, t);
                f.delay = delay(i);
                f.buffer = Cow::Owned(super::lzw::encode(&f.buffer));
                timers.add(&timers.encode_ns, t);
                out.push(f);
                prev = Some(cur);
            }
            out
        })
        .collect();
    let t = Instant::now();
    let mut bytes = Vec::new();
    {
        let mut enc = Encoder::new(&mut bytes, width as u16, height as u16, &palette_bytes())
            .context("GIF header")?;
        enc.set_repeat(Repeat::Infinite)
            .context("GIF loop extension")?;
        for f in chunks.iter().flatten() {
            enc.write_lzw_pre_encoded_frame(f).context("GIF frame")?;
        }
        enc.into_inner().context("GIF trailer")?;
    }
    timers.add(&timers.encode_ns, t);
    timers.frames.fetch_add(n as u64, Ordering::Relaxed);
    Ok(bytes)
}

/// A palette PNG of `img` (only the palette entries it uses are written).
/// A palette PNG of `img` in the colours of `theme`.
pub(crate) fn png(img: &Indexed, theme: &Theme) -> Result<Vec<u8>> {
    let used = img.px.iter().copied().max().unwrap_or(0) as usize + 1;
    let all: Vec<u8> = theme.palette().into_iter().flatten().collect();
    let pal: Vec<u8> = all[..used.min(PALETTE_LEN) * 3].to_vec();
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, img.width as u32, img.height as u32);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_palette(pal);
        // Flat-colour palette images compress best unfiltered.
        enc.set_filter(png::Filter::NoFilter);
        enc.set_compression(png::Compression::High);
        let mut w = enc.write_header().context("PNG header")?;
        w.write_image_data(&img.px).context("PNG data")?;
        w.finish().context("PNG end")?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_crops_to_changes_and_marks_the_rest_transparent() {
        let a = Indexed::new(8, 6, 0);
        let mut b = a.clone();
        b.px[2 * 8 + 3] = 5;
        b.px[4 * 8 + 5] = 6;
        b.px[3 * 8 + 4] = 0; // unchanged
        let f = diff_frame(&a, &b);
        assert_eq!((f.left, f.top, f.width, f.height), (3, 2, 3, 3));
        assert_eq!(f.transparent, Some(TRANSPARENT));
        assert_eq!(f.buffer[0], 5);
        assert_eq!(f.buffer[8], 6);
        assert_eq!(f.buffer.iter().filter(|&&p| p == TRANSPARENT).count(), 7);
        // An unchanged pixel continuing a run of its own colour is written as that colour.
        let mut c = b.clone();
        c.px[2 * 8 + 4] = 5;
        let mut d = c.clone();
        d.px[2 * 8 + 2] = 5;
        d.px[2 * 8 + 4] = 9;
        let f = diff_frame(&c, &d);
        assert_eq!((f.left, f.top, f.width, f.height), (2, 2, 3, 1));
        assert_eq!(&f.buffer[..], &[5, 5, 9]);
        let same = diff_frame(&a, &a);
        assert_eq!((same.width, same.height), (1, 1));
    }
}
