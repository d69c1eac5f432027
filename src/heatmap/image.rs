//! An 8-bit palette-indexed image: what map frames, bars and text are drawn into, and what the
//! GIF and PNG encoders take directly (no colour quantisation anywhere).

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indexed {
    pub width: usize,
    pub height: usize,
    pub px: Vec<u8>,
}

impl Indexed {
    pub fn new(width: usize, height: usize, fill: u8) -> Self {
        Self {
            width,
            height,
            px: vec![fill; width * height],
        }
    }

    #[cfg(test)]
    pub(crate) fn get(&self, x: usize, y: usize) -> u8 {
        self.px[y * self.width + x]
    }

    /// Fills the rectangle, clipped to the image.
    pub(crate) fn fill_rect(&mut self, x: i32, y: i32, w: i32, h: i32, c: u8) {
        let x0 = x.clamp(0, self.width as i32) as usize;
        let x1 = (x + w).clamp(0, self.width as i32) as usize;
        let y0 = y.clamp(0, self.height as i32) as usize;
        let y1 = (y + h).clamp(0, self.height as i32) as usize;
        if x1 <= x0 {
            return;
        }
        for row in y0..y1 {
            self.px[row * self.width + x0..row * self.width + x1].fill(c);
        }
    }

    /// Outline of a rectangle, 1 px.
    pub(crate) fn stroke_rect(&mut self, x: i32, y: i32, w: i32, h: i32, c: u8) {
        self.fill_rect(x, y, w, 1, c);
        self.fill_rect(x, y + h - 1, w, 1, c);
        self.fill_rect(x, y, 1, h, c);
        self.fill_rect(x + w - 1, y, 1, h, c);
    }
}
