//! Frame composition: the static layer (title, legend, footer) drawn once per animation, then
//! per frame the map (label raster → palette lookup), the date and the top-10 bars, all into
//! one palette-indexed image.

use std::time::Instant;

use chrono::NaiveDate;

use super::color::{self, ClassScale, fmt_num};
use super::encode::Timers;
use super::image::Indexed;
use super::text::{self, Align, Style};
use crate::geo::raster::{self, LabelRaster};

// Two blocks side by side: the map block (the date above the map) and the panel (top-10
// bars, then the legend), under a title strip. A phone shows the map block alone, cropped by
// CSS from the same image (`CROP`), with the legend and top 10 as text below it: one GIF
// serves both layouts, so the animation costs no second encode and no second download.
pub const WIDTH: usize = 1040;
pub const HEIGHT: usize = 640;
/// Map box.
pub(crate) const MAP_X: usize = 8;
pub(crate) const MAP_Y: usize = 104;
pub const MAP_W: usize = 664;
pub const MAP_H: usize = 516;
/// The map block `(x, y, w, h)` a phone shows. At least 672 px wide, so that on a 360-px
/// phone at 2× (336 CSS px of content) it is never upscaled; the date in it (30 px) reads at
/// ~15 CSS px there.
pub const CROP: (usize, usize, usize, usize) = (0, 58, 680, 566);
/// [`CROP`] down to the last drawn row of a map `content_h` rows tall (a wide map, such as the
/// world's, leaves the lower part of its box empty).
pub fn phone_crop(content_h: usize) -> [usize; 4] {
    let (x, y, w, h) = CROP;
    let bottom = (MAP_Y + content_h + 8).min(y + h);
    [x, y, w, bottom - y]
}

/// Right panel: bars, then legend.
const PANEL_X: i32 = 700;
const PANEL_R: i32 = 1030;
const BAR_TOP: i32 = 98;
const BAR_ROW: i32 = 25;
const BAR_H: i32 = 17;
const LABEL_W: f32 = 130.0;
const BAR_X: i32 = PANEL_X + LABEL_W as i32 + 6;
/// Room left of the panel edge for the value after the longest bar.
const VALUE_W: i32 = 46;
pub const TOP_N: usize = 10;
const LEGEND_TOP: i32 = 398;
const LEGEND_ROW: i32 = 17;

/// Texts of the static layer.
pub(crate) struct Labels {
    pub title: String,
    pub subtitle: String,
    pub bars_heading: String,
    pub legend_heading: String,
    pub footer: String,
}

/// Everything a frame needs besides the values of its date.
pub(crate) struct Canvas<'a> {
    pub raster: &'a LabelRaster,
    /// Member index drawn into each shape (by shape index), if any.
    pub shape_member: &'a [Option<usize>],
    pub scale: &'a ClassScale,
    /// Bar labels, by member.
    pub names: &'a [String],
    /// Whether a member may appear in the bars (drawn on the map).
    pub rankable: &'a [bool],
    base: Indexed,
    /// Per-date note under the bars ("Not on the map: …", docs/data-rules.md §2).
    notes: Vec<(NaiveDate, String)>,
}

impl<'a> Canvas<'a> {
    pub(crate) fn new(
        raster: &'a LabelRaster,
        shape_member: &'a [Option<usize>],
        scale: &'a ClassScale,
        names: &'a [String],
        rankable: &'a [bool],
        labels: &Labels,
    ) -> Self {
        let mut base = Indexed::new(WIDTH, HEIGHT, color::WHITE);
        let room = (WIDTH - 24) as f32;
        let title = text::fit(&labels.title, Style::Title, room);
        text::draw(&mut base, &title, 12.0, 27, Style::Title, Align::Left, 1.0);
        let sub = text::fit(&labels.subtitle, Style::Sub, room);
        text::draw(&mut base, &sub, 12.0, 50, Style::Sub, Align::Left, 0.75);
        text::draw(
            &mut base,
            &labels.bars_heading,
            PANEL_X as f32,
            BAR_TOP - 12,
            Style::Heading,
            Align::Left,
            1.0,
        );
        text::draw(
            &mut base,
            &labels.legend_heading,
            PANEL_X as f32,
            LEGEND_TOP,
            Style::Heading,
            Align::Left,
            1.0,
        );
        for (k, (c, label)) in scale.legend().iter().enumerate() {
            let y = LEGEND_TOP + 8 + k as i32 * LEGEND_ROW;
            base.fill_rect(PANEL_X, y, 24, 13, *c);
            base.stroke_rect(PANEL_X, y, 24, 13, color::OUTLINE);
            text::draw(
                &mut base,
                label,
                (PANEL_X + 32) as f32,
                y + 11,
                Style::Label,
                Align::Left,
                1.0,
            );
        }
        text::draw(
            &mut base,
            &labels.footer,
            10.0,
            (HEIGHT - 9) as i32,
            Style::Small,
            Align::Left,
            0.7,
        );
        Self {
            raster,
            shape_member,
            scale,
            names,
            rankable,
            base,
            notes: Vec::new(),
        }
    }

    /// Adds what the map leaves out: a note per date under the bars, and a static line under
    /// the legend (counties painted with their reporting unit's value).
    pub(crate) fn with_notes(
        mut self,
        notes: Vec<(NaiveDate, String)>,
        legend_note: Option<&str>,
    ) -> Self {
        self.notes = notes;
        if let Some(t) = legend_note {
            let rows = self.scale.legend().len() as i32;
            let y = LEGEND_TOP + 8 + rows * LEGEND_ROW + 8;
            let t = text::fit(t, Style::Small, (PANEL_R - PANEL_X) as f32);
            text::draw(
                &mut self.base,
                &t,
                PANEL_X as f32,
                y,
                Style::Small,
                Align::Left,
                0.85,
            );
        }
        self
    }

    /// The frame for `date` with `values` (by member; NaN = no data).
    pub(crate) fn render(&self, date: NaiveDate, values: &[f64], timers: &Timers) -> Indexed {
        let t = Instant::now();
        let mut img = self.base.clone();
        // Label → palette index for this frame.
        let mut lut = vec![color::NO_DATA; raster::FIRST_SHAPE as usize + self.shape_member.len()];
        lut[raster::BACKGROUND as usize] = color::WHITE;
        lut[raster::OUTLINE as usize] = color::OUTLINE;
        lut[raster::BORDER as usize] = color::WHITE;
        lut[raster::CONTEXT as usize] = color::CONTEXT;
        for (s, m) in self.shape_member.iter().enumerate() {
            if let Some(m) = *m {
                lut[raster::FIRST_SHAPE as usize + s] = self.scale.index(values[m]);
            }
        }
        let r = self.raster;
        for y in 0..r.height {
            let src = &r.labels[y * r.width..(y + 1) * r.width];
            let dst =
                &mut img.px[(MAP_Y + y) * WIDTH + MAP_X..(MAP_Y + y) * WIDTH + MAP_X + r.width];
            for (d, &l) in dst.iter_mut().zip(src) {
                *d = lut[l as usize];
            }
        }
        timers.add(&timers.map_ns, t);
        let t = Instant::now();
        draw_date(&mut img, date);
        self.bars(&mut img, values);
        if let Some((_, note)) = self.notes.iter().find(|n| n.0 == date) {
            // Two lines: "Not on the map: 345 per day (1.1 %), in Puerto Rico, Northern
            // Mariana Islands and 2 more" was cut after "Norther…" on one.
            let lines = text::wrap(note, Style::Small, (PANEL_R - PANEL_X) as f32, 2);
            for (k, t) in lines.iter().enumerate() {
                let y = BAR_TOP + TOP_N as i32 * BAR_ROW + 12 + 15 * k as i32;
                text::draw(
                    &mut img,
                    t,
                    PANEL_X as f32,
                    y,
                    Style::Small,
                    Align::Left,
                    1.0,
                );
            }
        }
        timers.add(&timers.bars_ns, t);
        img
    }

    fn bars(&self, img: &mut Indexed, values: &[f64]) {
        let top = top_n(values, self.rankable, self.names, TOP_N);
        let Some(&(_, vmax)) = top.first() else {
            // Nothing above zero to rank. "No cases yet" was false on the last frames, where
            // every place had stopped reporting.
            let ranked = || values.iter().zip(self.rankable).filter(|p| *p.1);
            let silent = ranked()
                .filter(|p| super::truth::cell(*p.0) == super::truth::Cell::NotReporting)
                .count();
            text::draw(
                img,
                if silent > 0 && silent == ranked().count() {
                    "Not reporting on this date"
                } else if silent > 0 {
                    "None above zero; some not reporting"
                } else {
                    "None above zero on this date"
                },
                PANEL_X as f32,
                BAR_TOP + 14,
                Style::Label,
                Align::Left,
                0.7,
            );
            return;
        };
        let len_max = (PANEL_R - VALUE_W - BAR_X) as f64;
        // Baseline rule.
        img.fill_rect(
            BAR_X - 1,
            BAR_TOP - 3,
            1,
            TOP_N as i32 * BAR_ROW + 2,
            color::RULE,
        );
        for (k, &(m, v)) in top.iter().enumerate() {
            let y = BAR_TOP + k as i32 * BAR_ROW;
            let name = text::fit(&self.names[m], Style::Label, LABEL_W);
            text::draw(
                img,
                &name,
                (BAR_X - 6) as f32,
                y + 13,
                Style::Label,
                Align::Right,
                1.0,
            );
            let len = ((v / vmax * len_max).round() as i32).max(1);
            img.fill_rect(BAR_X, y, len, BAR_H, self.scale.index(v));
            text::draw(
                img,
                &fmt_num(v),
                (BAR_X + len + 4) as f32,
                y + 13,
                Style::Label,
                Align::Left,
                1.0,
            );
        }
    }
}

/// Where the date goes: `(x, y, w, h)`, top left of the map block, white underneath.
pub const DATE_BOX: (usize, usize, usize, usize) = (MAP_X, 62, 300, 40);

/// Draws the frame's date (ISO, so it reads the same everywhere) inside [`DATE_BOX`].
pub fn draw_date(img: &mut Indexed, date: NaiveDate) {
    text::draw(
        img,
        &date.format("%Y-%m-%d").to_string(),
        (MAP_X + 4) as f32,
        94,
        Style::Date,
        Align::Left,
        1.0,
    );
}

/// The `n` members with the highest positive values among `rankable` ones, highest first
/// (ties by name so the order is stable).
pub(crate) fn top_n(
    values: &[f64],
    rankable: &[bool],
    names: &[String],
    n: usize,
) -> Vec<(usize, f64)> {
    let mut v: Vec<(usize, f64)> = values
        .iter()
        .enumerate()
        .filter(|&(m, &x)| rankable[m] && x > 0.0)
        .map(|(m, &x)| (m, x))
        .collect();
    v.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| names[a.0].cmp(&names[b.0]))
    });
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::Scale;

    #[test]
    fn frame_colours_map_by_lookup_and_draws_bars() {
        // A 4×2 raster: two shapes, background and a border pixel.
        let raster = LabelRaster {
            width: 4,
            height: 2,
            labels: vec![4, 4, 2, 5, 0, 1, 5, 5],
        };
        let scale = ClassScale::new(Scale::Linear, 80.0, 1.0);
        let names = vec!["Alpha".to_string(), "Beta".to_string()];
        let rankable = [true, true];
        let shape_member = [Some(0), Some(1)];
        let labels = Labels {
            title: "T".into(),
            subtitle: "S".into(),
            bars_heading: "Top".into(),
            legend_heading: "L".into(),
            footer: "F".into(),
        };
        let c = Canvas::new(&raster, &shape_member, &scale, &names, &rankable, &labels);
        let timers = Timers::default();
        let date = NaiveDate::from_ymd_opt(2021, 8, 4).unwrap();
        let img = c.render(date, &[75.0, f64::NAN], &timers);
        let at = |x: usize, y: usize| img.get(MAP_X + x, MAP_Y + y);
        assert_eq!(at(0, 0), scale.index(75.0));
        assert_eq!(at(0, 0), color::CLASS0 + 7);
        assert_eq!(at(3, 0), color::NO_DATA);
        assert_eq!(at(2, 0), color::WHITE);
        assert_eq!(at(1, 1), color::OUTLINE);
        // One bar (Beta has no data), in the class colour, starting at BAR_X.
        assert_eq!(
            img.get(BAR_X as usize + 2, BAR_TOP as usize + 5),
            color::CLASS0 + 7
        );
        assert_eq!(
            img.get(BAR_X as usize + 2, (BAR_TOP + BAR_ROW) as usize + 5),
            color::WHITE
        );
        assert_eq!(
            top_n(&[0.0, 3.0, 3.0], &[true, true, false], &names, 10),
            vec![(1, 3.0)]
        );
    }
}
