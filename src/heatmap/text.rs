//! Text for map frames, drawn straight into palette-indexed images.
//!
//! Glyphs come from the bundled DejaVu Sans (`render::font`) through ab_glyph — the same
//! rasteriser plotters uses for its embedded fonts — and are rasterised once into a cache, so a
//! frame's date and bar labels cost a few table copies. Anti-aliasing uses a small ramp of
//! palette greys, so text must be drawn on the white background.

use std::collections::HashMap;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};

use super::color::INK;
use super::image::Indexed;
use crate::render::font::{BOLD, REGULAR};

/// Size of the frame's date: the phone crop shows it at >= 11 CSS px (`assets/rules.js`).
pub const DATE_PX: f32 = 30.0;

/// The text styles used on frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Style {
    /// Footer / source line.
    Small,
    /// Bar labels, legend labels.
    Label,
    /// Subtitle.
    Sub,
    /// Panel headings.
    Heading,
    /// Frame title.
    Title,
    /// The frame's date.
    Date,
}

impl Style {
    fn spec(self) -> (bool, f32) {
        match self {
            Style::Small => (false, 12.0),
            Style::Label => (false, 13.5),
            Style::Sub => (false, 14.5),
            Style::Heading => (true, 14.5),
            Style::Title => (true, 19.0),
            Style::Date => (true, DATE_PX),
        }
    }
}

struct Glyph {
    /// Offset of the bitmap's top-left corner from the pen position on the baseline.
    left: i32,
    top: i32,
    w: usize,
    h: usize,
    coverage: Vec<u8>,
    advance: f32,
    id: GlyphId,
}

struct Face {
    font: FontRef<'static>,
    scale: PxScale,
    glyphs: HashMap<char, Glyph>,
}

impl Face {
    fn new(bytes: &'static [u8], size: f32) -> Self {
        let font = FontRef::try_from_slice(bytes).expect("bundled font parses");
        let scale = PxScale::from(size);
        let mut glyphs = HashMap::new();
        let chars = (0x20u32..0x7f)
            .chain(0xa0..0x180)
            .filter_map(char::from_u32)
            .chain("–—…·×≥≤’‘“”•".chars());
        for c in chars {
            let id = font.glyph_id(c);
            if id.0 == 0 && c != ' ' {
                continue;
            }
            let sf = font.as_scaled(scale);
            let advance = sf.h_advance(id);
            let g = id.with_scale_and_position(scale, point(0.0, 0.0));
            let glyph = match font.outline_glyph(g) {
                Some(o) => {
                    let b = o.px_bounds();
                    let (w, h) = (b.width() as usize, b.height() as usize);
                    let mut coverage = vec![0u8; w * h];
                    o.draw(|x, y, v| {
                        let i = y as usize * w + x as usize;
                        if i < coverage.len() {
                            coverage[i] = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
                        }
                    });
                    Glyph {
                        left: b.min.x as i32,
                        top: b.min.y as i32,
                        w,
                        h,
                        coverage,
                        advance,
                        id,
                    }
                }
                None => Glyph {
                    left: 0,
                    top: 0,
                    w: 0,
                    h: 0,
                    coverage: Vec::new(),
                    advance,
                    id,
                },
            };
            glyphs.insert(c, glyph);
        }
        Self {
            font,
            scale,
            glyphs,
        }
    }

    fn glyph(&self, c: char) -> &Glyph {
        self.glyphs
            .get(&c)
            .or_else(|| self.glyphs.get(&'?'))
            .expect("'?' is cached")
    }

    fn kern(&self, a: GlyphId, b: GlyphId) -> f32 {
        self.font.as_scaled(self.scale).kern(a, b)
    }
}

fn face(style: Style) -> &'static Face {
    static FACES: OnceLock<HashMap<Style, Face>> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        [
            Style::Small,
            Style::Label,
            Style::Sub,
            Style::Heading,
            Style::Title,
            Style::Date,
        ]
        .into_iter()
        .map(|s| {
            let (bold, size) = s.spec();
            (s, Face::new(if bold { BOLD } else { REGULAR }, size))
        })
        .collect()
    });
    &faces[&style]
}

/// Width of `text` in pixels.
pub(crate) fn width(text: &str, style: Style) -> f32 {
    let f = face(style);
    let mut x = 0.0;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let g = f.glyph(c);
        if let Some(p) = prev {
            x += f.kern(p, g.id);
        }
        x += g.advance;
        prev = Some(g.id);
    }
    x
}

/// `text`, shortened with "…" to fit `max` pixels.
pub(crate) fn fit(text: &str, style: Style, max: f32) -> String {
    if width(text, style) <= max {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let s: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if width(&s, style) <= max {
            return s;
        }
    }
    "…".to_string()
}

/// `text` in at most `lines` lines of at most `max` pixels, broken between words; the last
/// line is [`fit`] (ends in "…" when the text does not fit).
pub(crate) fn wrap(text: &str, style: Style, max: f32, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() && out.len() + 1 < lines && width(rest, style) > max {
        // The longest run of whole words that fits.
        let cut = rest
            .char_indices()
            .filter(|&(_, c)| c == ' ')
            .map(|(i, _)| i)
            .take_while(|&i| width(&rest[..i], style) <= max)
            .last();
        let Some(i) = cut else { break };
        out.push(rest[..i].to_string());
        rest = rest[i..].trim_start();
    }
    if !rest.is_empty() {
        out.push(fit(rest, style, max));
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// Draws `text` with its baseline at `y`; `x` is the left or right end. `strength` in 0..=1
/// lightens the ink (1 = darkest). Returns the drawn width.
pub(crate) fn draw(
    img: &mut Indexed,
    text: &str,
    x: f32,
    y: i32,
    style: Style,
    align: Align,
    strength: f32,
) -> f32 {
    let f = face(style);
    let w = width(text, style);
    let mut pen = match align {
        Align::Left => x,
        Align::Right => x - w,
    };
    let mut prev: Option<GlyphId> = None;
    let levels = INK.len() as f32;
    for c in text.chars() {
        let g = f.glyph(c);
        if let Some(p) = prev {
            pen += f.kern(p, g.id);
        }
        let ox = pen.round() as i32 + g.left;
        let oy = y + g.top;
        for gy in 0..g.h {
            let py = oy + gy as i32;
            if py < 0 || py >= img.height as i32 {
                continue;
            }
            for gx in 0..g.w {
                let cov = g.coverage[gy * g.w + gx];
                let px = ox + gx as i32;
                if cov < 24 || px < 0 || px >= img.width as i32 {
                    continue;
                }
                // Coverage → one of the ink greys (ramp from light to the darkest).
                let k =
                    ((cov as f32 / 255.0 * strength * levels).ceil() as usize).clamp(1, INK.len());
                let i = py as usize * img.width + px as usize;
                let c = INK[k - 1];
                // Overlapping glyph edges keep the darker ink.
                if INK
                    .iter()
                    .position(|&v| v == img.px[i])
                    .is_none_or(|cur| cur < k - 1)
                {
                    img.px[i] = c;
                }
            }
        }
        pen += g.advance;
        prev = Some(g.id);
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heatmap::color::WHITE;

    #[test]
    fn wrap_breaks_between_words_and_fits_the_last_line() {
        let t = "Not on the map: 345 per day (1.1 %), in Puerto Rico, Northern Mariana Islands, \
                 Guam, the Virgin Islands and 2 more";
        let max = width("Not on the map: 345 per day (1.1 %), in", Style::Small) + 1.0;
        let lines = wrap(t, Style::Small, max, 2);
        assert_eq!(lines[0], "Not on the map: 345 per day (1.1 %), in");
        assert!(
            lines[1].starts_with("Puerto Rico") && lines[1].ends_with('…'),
            "{lines:?}"
        );
        assert!(lines.iter().all(|l| width(l, Style::Small) <= max));
        assert_eq!(wrap("short", Style::Small, 100.0, 2), vec!["short"]);
        assert_eq!(wrap(t, Style::Small, 10_000.0, 1), vec![t]);
    }

    #[test]
    fn text_is_drawn_with_ink_and_measured() {
        let mut img = Indexed::new(120, 30, WHITE);
        let w = draw(
            &mut img,
            "2023-03-09",
            2.0,
            20,
            Style::Label,
            Align::Left,
            1.0,
        );
        assert!(w > 50.0 && w < 100.0, "{w}");
        let inked = img.px.iter().filter(|&&p| p != WHITE).count();
        assert!(inked > 60, "{inked}");
        assert!(img.px.iter().all(|p| *p == WHITE || INK.contains(p)));
        // Nothing right of the text's end, and the darkest ink is used for stems.
        assert!((0..30).all(|y| img.get(105, y) == WHITE));
        assert!(img.px.contains(&INK[INK.len() - 1]));
        assert!(width("Bold", Style::Title) > width("Bold", Style::Label));
    }

    #[test]
    fn fit_shortens_with_ellipsis() {
        let long = "Saint Vincent and the Grenadines";
        let s = fit(long, Style::Label, 100.0);
        assert!(s.ends_with('…') && width(&s, Style::Label) <= 100.0, "{s}");
        assert_eq!(fit("Chad", Style::Label, 100.0), "Chad");
        // Characters outside the cache fall back to '?', not a panic.
        assert!(width("漢", Style::Label) > 0.0);
    }
}
