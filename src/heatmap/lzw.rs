//! GIF LZW compression specialised for small palettes.
//!
//! LZW is most of a frame's cost. Our frames use at most 32 palette indices, so the string
//! table can be a dense array `[code][symbol] → code` (4096 × 32 entries, 256 KB): one
//! array load per input byte, no hashing. Output is what `gif::Frame::make_lzw_pre_encoded`
//! produces (minimum code size byte, then the packed codes) for
//! `Encoder::write_lzw_pre_encoded_frame`. Code-size and table-reset points follow giflib.

const MAX_CODE: u16 = 4095;

/// Compresses palette indices (all `< 1 << min_code_size`).
pub(crate) fn encode(data: &[u8]) -> Vec<u8> {
    let max = data.iter().copied().max().unwrap_or(0) as u32;
    // As the gif crate: at least 2 bits, enough for the largest index.
    let min = (max + 1).max(4).next_power_of_two().trailing_zeros() as u8;
    let mut out = Vec::with_capacity(data.len() / 4 + 16);
    out.push(min);
    let clear: u16 = 1 << min;
    let eoi = clear + 1;
    let mut table = vec![0u16; 4096 << min];
    let mut w = BitWriter {
        out,
        acc: 0,
        bits: 0,
        size: min as u32 + 1,
    };
    let mut next = eoi + 1;
    w.put(clear as u32, next);
    let Some((&first, rest)) = data.split_first() else {
        w.put(eoi as u32, next);
        return w.finish();
    };
    let mut prefix = first as u16;
    for &b in rest {
        let idx = ((prefix as usize) << min) | b as usize;
        let c = table[idx];
        if c != 0 {
            prefix = c;
            continue;
        }
        w.put(prefix as u32, next);
        if next >= MAX_CODE {
            w.put(clear as u32, next);
            table.fill(0);
            next = eoi + 1;
            w.size = min as u32 + 1;
        } else {
            table[idx] = next;
            next += 1;
        }
        prefix = b as u16;
    }
    w.put(prefix as u32, next);
    w.put(eoi as u32, next);
    w.finish()
}

struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    bits: u32,
    size: u32,
}

impl BitWriter {
    /// Writes `code` with the current width, then widens codes once the next code to be
    /// assigned no longer fits (the decoder does the same one code later).
    #[inline]
    fn put(&mut self, code: u32, next: u16) {
        self.acc |= (code as u64) << self.bits;
        self.bits += self.size;
        while self.bits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.bits -= 8;
        }
        if next as u32 >= (1 << self.size) && self.size < 12 {
            self.size += 1;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.bits > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes `px` as a one-frame GIF with our LZW and decodes it with the gif crate.
    fn roundtrip(w: u16, h: u16, px: &[u8]) -> Vec<u8> {
        let mut f = gif::Frame::from_indexed_pixels(w, h, px.to_vec(), None);
        f.buffer = std::borrow::Cow::Owned(encode(px));
        let pal = vec![0u8; 32 * 3];
        let mut bytes = Vec::new();
        {
            let mut e = gif::Encoder::new(&mut bytes, w, h, &pal).unwrap();
            e.write_lzw_pre_encoded_frame(&f).unwrap();
        }
        let mut o = gif::DecodeOptions::new();
        o.set_color_output(gif::ColorOutput::Indexed);
        let mut d = o.read_info(&bytes[..]).unwrap();
        d.read_next_frame().unwrap().unwrap().buffer.to_vec()
    }

    #[test]
    fn decodes_back_through_the_gif_crate() {
        // Pseudo-random noise (many table resets), long runs (deep codes) and tiny inputs.
        let mut x = 12345u32;
        let noise: Vec<u8> = (0..300 * 200)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                ((x >> 16) % 31) as u8
            })
            .collect();
        assert_eq!(roundtrip(300, 200, &noise), noise);
        let runs: Vec<u8> = (0..400 * 300).map(|i| ((i / 997) % 3) as u8 * 9).collect();
        assert_eq!(roundtrip(400, 300, &runs), runs);
        assert_eq!(roundtrip(1, 1, &[3]), vec![3]);
        let two = [1u8, 0, 1, 1];
        assert_eq!(roundtrip(2, 2, &two), two.to_vec());
        // Never larger than the gif crate's own encoder by much, and runs compress well.
        let mut f = gif::Frame::from_indexed_pixels(400, 300, runs.clone(), None);
        f.make_lzw_pre_encoded();
        assert!(encode(&runs).len() <= f.buffer.len() * 11 / 10);
        assert!(encode(&runs).len() < runs.len() / 20);
    }
}
