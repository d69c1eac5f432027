//! Label raster: every pixel of a map box holds the index of the shape that covers it (or a
//! special label for background, outlines and borders). Built once per scope; each animation
//! frame then colours the map by a table lookup instead of refilling polygons.

use super::topojson::Ring;

/// Nothing drawn (paper).
pub(crate) const BACKGROUND: u16 = 0;
/// Outline drawn on the background just outside a shape (coasts, the map's edge).
pub(crate) const OUTLINE: u16 = 1;
/// Line between two neighbouring shapes.
pub(crate) const BORDER: u16 = 2;
/// Land shown for orientation only (neighbouring countries); never coloured by data.
pub(crate) const CONTEXT: u16 = 3;
/// Shape `i` has label `FIRST_SHAPE + i`.
pub(crate) const FIRST_SHAPE: u16 = 4;

/// Pixel → label, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelRaster {
    pub width: usize,
    pub height: usize,
    pub labels: Vec<u16>,
}

impl LabelRaster {
    pub(crate) fn new(width: usize, height: usize) -> Self {
        Self {
            width,
            height,
            labels: vec![BACKGROUND; width * height],
        }
    }

    pub(crate) fn get(&self, x: usize, y: usize) -> u16 {
        self.labels[y * self.width + x]
    }

    /// Fills `rings` (pixel coordinates) with `label` using the even-odd rule, so holes (e.g.
    /// Lesotho inside South Africa) stay open. A pixel is inside when its centre is. Returns the
    /// number of pixels set. A shape too small to cover any pixel centre (a small island state
    /// on the world map) gets the pixel under its bounding-box centre, so it stays visible.
    pub(crate) fn fill(&mut self, rings: &[Ring], label: u16) -> usize {
        let (w, h) = (self.width as i64, self.height as i64);
        // (row, x) of every edge crossing a pixel-centre scan line.
        let mut crossings: Vec<(i32, f32)> = Vec::new();
        for ring in rings {
            for e in ring.windows(2) {
                let ([x0, y0], [x1, y1]) = (e[0], e[1]);
                if y0 == y1 {
                    continue;
                }
                let (ya, yb) = if y0 < y1 { (y0, y1) } else { (y1, y0) };
                // Rows r whose centre r + 0.5 lies in [ya, yb).
                let r0 = ((ya - 0.5).ceil() as i64).max(0);
                let r1 = ((yb - 0.5).ceil() as i64).min(h);
                let dxdy = (x1 - x0) / (y1 - y0);
                for r in r0..r1 {
                    let x = x0 + (r as f64 + 0.5 - y0) * dxdy;
                    crossings.push((r as i32, x as f32));
                }
            }
        }
        crossings.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let mut count = 0;
        for pair in crossings.chunk_by(|a, b| a.0 == b.0) {
            let row = pair[0].0 as usize * self.width;
            for span in pair.chunks_exact(2) {
                let c0 = ((span[0].1 - 0.5).ceil() as i64).clamp(0, w) as usize;
                let c1 = ((span[1].1 - 0.5).ceil() as i64).clamp(0, w) as usize;
                if c1 > c0 {
                    self.labels[row + c0..row + c1].fill(label);
                    count += c1 - c0;
                }
            }
        }
        if count == 0 {
            count = self.stamp_centre(rings, label);
        }
        count
    }

    /// Gives a shape too small to cover a pixel centre the pixel at the centre of its box
    /// (when inside the raster): every place on the map stays visible and clickable. Returns
    /// the pixels set (0 or 1).
    pub(crate) fn stamp_centre(&mut self, rings: &[Ring], label: u16) -> usize {
        let (w, h) = (self.width as i64, self.height as i64);
        let Some(b) = super::topojson::bbox_of(rings.iter().flatten()) else {
            return 0;
        };
        let (cx, cy) = (((b[0] + b[2]) / 2.0).floor(), ((b[1] + b[3]) / 2.0).floor());
        if cx >= 0.0 && cy >= 0.0 && (cx as i64) < w && (cy as i64) < h {
            self.labels[cy as usize * self.width + cx as usize] = label;
            1
        } else {
            0
        }
    }

    /// Draws outlines and borders. Works on a copy of the labels so marks don't cascade:
    /// - a background pixel next to land (4-neighbourhood) becomes [`OUTLINE`];
    /// - with `borders`, a land pixel whose right or lower neighbour is other land becomes
    ///   [`BORDER`] — unless its shape is tiny (< `MIN_PIXELS`) and the neighbour's larger, in
    ///   which case the neighbour takes the border, so small shapes keep their colour.
    pub(crate) fn mark_edges(&mut self, borders: bool) {
        const MIN_PIXELS: usize = 40;
        let src = self.labels.clone();
        let (w, h) = (self.width, self.height);
        let mut count = vec![0usize; src.iter().copied().max().unwrap_or(0) as usize + 1];
        for &l in &src {
            count[l as usize] += 1;
        }
        let land = |l: u16| l == CONTEXT || l >= FIRST_SHAPE;
        for y in 0..h {
            for x in 0..w {
                let i = y * w + x;
                let l = src[i];
                if l == BACKGROUND {
                    let near_land = (x > 0 && land(src[i - 1]))
                        || (x + 1 < w && land(src[i + 1]))
                        || (y > 0 && land(src[i - w]))
                        || (y + 1 < h && land(src[i + w]));
                    if near_land {
                        self.labels[i] = OUTLINE;
                    }
                } else if borders && land(l) {
                    for j in [(x + 1 < w).then_some(i + 1), (y + 1 < h).then_some(i + w)]
                        .into_iter()
                        .flatten()
                    {
                        let m = src[j];
                        if land(m) && m != l {
                            let (cl, cm) = (count[l as usize], count[m as usize]);
                            // Between two small shapes (Bahrain beside Qatar) the larger one
                            // takes the border, so a one-pixel shape is never erased.
                            let here = if cm < MIN_PIXELS {
                                cl >= cm
                            } else {
                                cl >= MIN_PIXELS
                            };
                            if here {
                                self.labels[i] = BORDER;
                            } else {
                                self.labels[j] = BORDER;
                            }
                        }
                    }
                }
            }
        }
    }

    /// Draws [`BORDER`] wherever `other` (same size, e.g. US states) changes label between two
    /// land pixels: state lines over a county map that has no county lines of its own.
    pub(crate) fn overlay_borders(&mut self, other: &LabelRaster) {
        assert_eq!((self.width, self.height), (other.width, other.height));
        let w = self.width;
        let src = &other.labels;
        for i in 0..src.len() {
            let l = src[i];
            if l < FIRST_SHAPE || self.labels[i] < FIRST_SHAPE {
                continue;
            }
            let right = (i % w + 1 < w).then(|| src[i + 1]);
            let down = src.get(i + w).copied();
            if [right, down]
                .into_iter()
                .flatten()
                .any(|m| m >= FIRST_SHAPE && m != l)
            {
                self.labels[i] = BORDER;
            }
        }
    }

    /// Number of pixels per label.
    pub(crate) fn histogram(&self) -> Vec<usize> {
        let mut count = vec![0usize; self.labels.iter().copied().max().unwrap_or(0) as usize + 1];
        for &l in &self.labels {
            count[l as usize] += 1;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::projection::Fit;
    use crate::geo::topojson::Topology;

    const TWO_SQUARES: &str = r#"{
      "type": "Topology",
      "objects": {"sq": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "id": "L", "arcs": [[0, 1]]},
        {"type": "Polygon", "id": "R", "arcs": [[-1, 2]]}
      ]}},
      "arcs": [
        [[1, 0], [1, 1]],
        [[1, 1], [0, 1], [0, 0], [1, 0]],
        [[1, 0], [2, 0], [2, 1], [1, 1]]
      ]
    }"#;

    /// The two squares fitted into a 24×16 raster: pixels x 2..22, y 2..12 (scale 10, at the top).
    fn two_squares(borders: bool) -> LabelRaster {
        let t = Topology::parse(TWO_SQUARES.as_bytes(), "test").unwrap();
        let f = t.features("sq").unwrap();
        let fit = Fit::to_features(&f, 24.0, 16.0, 2.0);
        assert!((fit.scale - 10.0).abs() < 1e-9);
        let px = fit.apply_features(&f);
        let mut r = LabelRaster::new(24, 16);
        assert_eq!(r.fill(&px[0].rings, FIRST_SHAPE), 100);
        assert_eq!(r.fill(&px[1].rings, FIRST_SHAPE + 1), 100);
        r.mark_edges(borders);
        r
    }

    #[test]
    fn label_raster_interior_border_outside() {
        let r = two_squares(true);
        // Interior of each square.
        assert_eq!(r.get(5, 7), FIRST_SHAPE);
        assert_eq!(r.get(18, 7), FIRST_SHAPE + 1);
        // The shared edge at x = 12: the left square's last column becomes the border.
        assert_eq!(r.get(11, 7), BORDER);
        assert_eq!(r.get(12, 7), FIRST_SHAPE + 1);
        // First/last covered pixels: x 2..=21, y 2..=11; outline just outside.
        assert_eq!(r.get(2, 2), FIRST_SHAPE);
        assert_eq!(r.get(21, 11), FIRST_SHAPE + 1);
        assert_eq!(r.get(1, 5), OUTLINE);
        assert_eq!(r.get(22, 5), OUTLINE);
        assert_eq!(r.get(10, 1), OUTLINE);
        assert_eq!(r.get(10, 12), OUTLINE);
        assert_eq!(r.get(0, 0), BACKGROUND);
        assert_eq!(r.get(23, 15), BACKGROUND);
        // Diagonal neighbours are not outlined.
        assert_eq!(r.get(1, 1), BACKGROUND);
    }

    #[test]
    fn label_raster_without_borders_keeps_shapes_whole() {
        let r = two_squares(false);
        assert_eq!(r.get(11, 7), FIRST_SHAPE);
        let hist = r.histogram();
        assert_eq!(hist[FIRST_SHAPE as usize], 100);
        assert_eq!(hist[FIRST_SHAPE as usize + 1], 100);
        assert_eq!(hist[OUTLINE as usize], 2 * 20 + 2 * 10);
    }

    #[test]
    fn of_two_tiny_neighbours_the_larger_takes_the_border() {
        // A one-pixel shape (Bahrain) left of a three-pixel one (Qatar): before, the pixel
        // on the left always became the border, erasing the smaller shape.
        let (a, b) = (FIRST_SHAPE, FIRST_SHAPE + 1);
        let mut r = LabelRaster {
            width: 5,
            height: 1,
            labels: vec![BACKGROUND, a, b, b, b],
        };
        r.mark_edges(true);
        assert_eq!(r.labels, vec![OUTLINE, a, BORDER, b, b]);
        // Mirrored: the larger shape on the left takes it.
        let mut r = LabelRaster {
            width: 5,
            height: 1,
            labels: vec![b, b, b, a, BACKGROUND],
        };
        r.mark_edges(true);
        assert_eq!(r.labels, vec![b, b, BORDER, a, OUTLINE]);
    }

    #[test]
    fn holes_stay_open_and_tiny_shapes_get_a_pixel() {
        let outer = vec![
            [0.0, 0.0],
            [10.0, 0.0],
            [10.0, 10.0],
            [0.0, 10.0],
            [0.0, 0.0],
        ];
        let hole = vec![[3.0, 3.0], [3.0, 7.0], [7.0, 7.0], [7.0, 3.0], [3.0, 3.0]];
        let mut r = LabelRaster::new(10, 10);
        assert_eq!(r.fill(&[outer, hole], 5), 100 - 16);
        assert_eq!(r.get(5, 5), BACKGROUND);
        assert_eq!(r.get(1, 1), 5);
        let speck = vec![[5.1, 5.1], [5.3, 5.1], [5.3, 5.3], [5.1, 5.1]];
        assert_eq!(r.fill(&[speck], 6), 1);
        assert_eq!(r.get(5, 5), 6);
    }
}
