//! The one global GIF palette and the classed colour scales.
//!
//! A classed scale (8 classes) rather than a continuous one: between weekly frames few regions
//! change class, so few pixels change, and the GIF stores only those. Zero and "no data" have
//! their own colours, distinct from the lowest class.

use serde::Serialize;

use crate::measures::Scale;
use crate::render::format::{Compact, compact};

/// Palette indices. Kept below 32 so the GIF's LZW starts from 5-bit codes.
pub const WHITE: u8 = 0;
/// Anti-aliasing ramp for text on white, lightest to darkest.
pub(crate) const INK: [u8; 8] = [1, 2, 3, 4, 5, 6, 7, 8];
pub(crate) const OUTLINE: u8 = 9;
pub(crate) const NO_DATA: u8 = 10;
pub(crate) const ZERO: u8 = 11;
pub(crate) const CONTEXT: u8 = 12;
pub(crate) const RULE: u8 = 13;
pub const CLASS0: u8 = 14;
/// "Not reporting" (docs/data-rules.md §3): after the classes.
pub(crate) const NOT_REPORTING: u8 = 22;
/// "Reported at state level only" (a county's counts sat in its state's "Unassigned" row).
pub(crate) const STATE_LEVEL: u8 = 23;
/// Per capita: reported cases above the population (a data problem, not a rate).
pub(crate) const ABOVE_POPULATION: u8 = 24;
pub const NUM_CLASSES: usize = 8;
/// Marks "unchanged since the previous frame" in GIF frames after the first.
pub const TRANSPARENT: u8 = 31;
pub(crate) const PALETTE_LEN: usize = 32;

/// The colours of one scheme (light or dark page), by role.
pub(crate) struct Theme {
    pub paper: [u8; 3],
    pub ink: [u8; 3],
    pub outline: [u8; 3],
    pub no_data: [u8; 3],
    pub zero: [u8; 3],
    pub context: [u8; 3],
    pub rule: [u8; 3],
    pub not_reporting: [u8; 3],
    pub state_level: [u8; 3],
    pub above_population: [u8; 3],
    /// Lowest class first; each step more salient on its paper.
    pub classes: [[u8; 3]; NUM_CLASSES],
}

/// On white. The classes run along ColorBrewer YlOrRd (without its palest step, too close to
/// the paper and to zero), re-spaced so that neighbours are equally far apart as the eye sees
/// it: CIEDE2000 ≥ 11 (YlOrRd's own first two steps were 7 apart).
pub(crate) const LIGHT: Theme = Theme {
    paper: [0xff, 0xff, 0xff],
    ink: [0x1e, 0x1e, 0x1e],
    outline: [0x9a, 0x9a, 0x9a],
    no_data: [0xbd, 0xbd, 0xbd],
    // Pale blue-grey: clearly "nothing" yet not the paper (CIEDE2000 ≥ 10), the grey of
    // no-data or a yellow class.
    zero: [0xcf, 0xdb, 0xe6],
    context: [0xf0, 0xf0, 0xf0],
    rule: [0xd4, 0xd4, 0xd4],
    // Muted violet: neither a case class (warm) nor zero (pale blue) nor no data (grey).
    not_reporting: [0x9e, 0x9a, 0xc8],
    // Cool teal: a known count held elsewhere, apart from the violet of "not reporting".
    state_level: [0x8c, 0xc4, 0xb8],
    // Olive drab: a flag on a data problem, not a warm class.
    above_population: [0x8a, 0x86, 0x5a],
    classes: [
        [0xff, 0xed, 0xa0],
        [0xfe, 0xcb, 0x66],
        [0xfe, 0xa7, 0x47],
        [0xfd, 0x83, 0x39],
        [0xfc, 0x55, 0x2c],
        [0xe2, 0x19, 0x1c],
        [0xb5, 0x00, 0x26],
        [0x80, 0x00, 0x26],
    ],
};

/// On the site's dark page (`--bg` in style.css). On dark paper the eye reads brightness as
/// "more", so the classes run the other way in lightness: from a dim brown close to the paper
/// to a bright yellow, through the same warm hues (an inverted YlOrRd reads high values as the
/// darkest, which on a dark page means "least"). The ramp runs from a dim maroon through red
/// and orange to a pale yellow, equally spaced (CIEDE2000 ≥ 12 between neighbours: the first
/// dark ramp, brown to yellow, had four neighbouring pairs 7 apart that nobody could tell
/// apart). Zero stays a cool slate and "not reporting" a violet, apart from every warm class.
pub(crate) const DARK: Theme = Theme {
    paper: [0x15, 0x17, 0x1a],
    ink: [0xe8, 0xe8, 0xea],
    outline: [0x6e, 0x72, 0x78],
    no_data: [0x5c, 0x5c, 0x60],
    // Contrast with the paper ≥ 2:1 for zero and the lowest class (the first dark palette's
    // 1.4–1.6:1 let most of Africa melt into the page); the two apart by hue.
    zero: [0x35, 0x47, 0x5c],
    context: [0x24, 0x27, 0x2b],
    rule: [0x44, 0x48, 0x4e],
    not_reporting: [0x7c, 0x74, 0xb4],
    state_level: [0x3f, 0x86, 0x7a],
    above_population: [0x84, 0x80, 0x4c],
    classes: [
        [0x5c, 0x1f, 0x2a],
        [0x88, 0x27, 0x24],
        [0xb7, 0x38, 0x1f],
        [0xdb, 0x55, 0x1d],
        [0xf1, 0x7b, 0x21],
        [0xf8, 0xa2, 0x33],
        [0xfd, 0xc9, 0x59],
        [0xff, 0xf0, 0x8a],
    ],
};

/// The light global palette, `PALETTE_LEN` RGB triples.
pub(crate) fn palette() -> Vec<[u8; 3]> {
    LIGHT.palette()
}

impl Theme {
    /// The global palette in this scheme: the same indices as every other scheme, so a GIF or
    /// PNG changes scheme by swapping its palette alone.
    pub(crate) fn palette(&self) -> Vec<[u8; 3]> {
        let mut p = vec![self.paper; PALETTE_LEN];
        for (k, &i) in INK.iter().enumerate() {
            // Blend ink over paper: k = 0 is the faintest edge pixel, the last is full ink.
            let a = (k + 1) as f32 / INK.len() as f32;
            p[i as usize] = std::array::from_fn(|c| {
                (self.paper[c] as f32 * (1.0 - a) + self.ink[c] as f32 * a).round() as u8
            });
        }
        p[OUTLINE as usize] = self.outline;
        p[NO_DATA as usize] = self.no_data;
        p[ZERO as usize] = self.zero;
        p[CONTEXT as usize] = self.context;
        p[RULE as usize] = self.rule;
        p[NOT_REPORTING as usize] = self.not_reporting;
        p[STATE_LEVEL as usize] = self.state_level;
        p[ABOVE_POPULATION as usize] = self.above_population;
        for (k, c) in self.classes.iter().enumerate() {
            p[CLASS0 as usize + k] = *c;
        }
        // The transparent slot is never shown; magenta makes a bug obvious in a decoder.
        p[TRANSPARENT as usize] = [0xff, 0x00, 0xff];
        p
    }
}

/// The dark-scheme colour of a light palette colour (legend swatches), if it is one.
pub(crate) fn dark_of(light: [u8; 3]) -> Option<[u8; 3]> {
    let (l, d) = (LIGHT.palette(), DARK.palette());
    l.iter().position(|c| *c == light).map(|i| d[i])
}

pub(crate) fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// Class breaks: class 0 is `(0, t[0])`, class k is `[t[k-1], t[k])`, the last `[t[n-1], ∞)`.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub(crate) struct ClassScale {
    pub axis: Scale,
    pub thresholds: Vec<f64>,
    /// Whether the legend lists the "not reporting" class (some frame has such a member).
    #[serde(default)]
    pub not_reporting: bool,
    /// …the "reported at state level only" class, and the "above the population" one.
    #[serde(default)]
    pub state_level: bool,
    #[serde(default)]
    pub above_population: bool,
    /// The values are whole counts (totals): a "< 1" class would be empty and is left out
    /// of the legend.
    #[serde(default)]
    pub whole: bool,
}

impl ClassScale {
    /// Breaks for values up to `max` over the whole animation (so colours compare across
    /// frames). Linear: 7 equal "nice" steps. Log: powers of ten (1, 10, 100 …) when the data
    /// span six decades or more, else 1-3-10 or 1-2-5 steps, so every class is used; `low` is a
    /// typical small positive value (a low percentile) that says how far down to reach.
    pub(crate) fn new(axis: Scale, max: f64, low: f64) -> Self {
        let n = NUM_CLASSES - 1;
        let max = if max.is_finite() && max > 0.0 {
            max
        } else {
            1.0
        };
        let thresholds = match axis {
            Scale::Linear => {
                let step = nice_ceil(max / NUM_CLASSES as f64);
                (1..=n).map(|k| step * k as f64).collect()
            }
            Scale::Log => {
                let low = if low.is_finite() && low > 0.0 && low < max {
                    low
                } else {
                    max / 1e6
                };
                let span = (max / low).log10();
                let mantissas: &[f64] = if span >= 5.0 {
                    &[1.0]
                } else if span >= 3.0 {
                    &[1.0, 3.0]
                } else {
                    &[1.0, 2.0, 5.0]
                };
                // Nice numbers ≤ max, descending, n of them.
                let mut e = max.log10().floor() as i32 + 1;
                let mut out = Vec::with_capacity(n);
                'outer: loop {
                    for &m in mantissas.iter().rev() {
                        let v = m * 10f64.powi(e);
                        // Round to kill binary noise such as 0.30000000000000004.
                        let v = round_sig(v);
                        if v <= max * (1.0 + 1e-9) {
                            out.push(v);
                            if out.len() == n {
                                break 'outer;
                            }
                        }
                    }
                    e -= 1;
                }
                out.reverse();
                out
            }
        };
        Self {
            axis,
            thresholds,
            not_reporting: false,
            state_level: false,
            above_population: false,
            whole: false,
        }
    }

    /// Marks the scale as one for whole counts (see `whole`).
    pub(crate) fn for_counts(mut self) -> Self {
        self.whole = true;
        self
    }

    /// Breaks from the distribution of every positive value of every frame (rounded to two
    /// significant digits), so colours compare across frames and every frame keeps several
    /// classes. The lower classes are pooled quantiles (eighths up to the median: each holds
    /// about an eighth of all region-days), the upper ones geometric steps from the median to
    /// the 99th percentile. Octiles all the way up put the top class at the 87.5th percentile,
    /// which the peaks passed everywhere: in January 2022, 96 % of US counties were in it. Equal
    /// steps up to the peak put almost every region of a quiet frame into the lowest class.
    /// Falls back to equal steps up to `max` when there are too few distinct values. Reorders
    /// `positive`.
    pub(crate) fn from_distribution(positive: &mut [f64], max: f64, low: f64) -> Self {
        const UPPER: usize = 3;
        let n = NUM_CLASSES - 1;
        if positive.len() >= 4 * NUM_CLASSES {
            let len = positive.len();
            let mut q = |p: f64| {
                let i = ((len as f64 * p) as usize).min(len - 1);
                *positive.select_nth_unstable_by(i, f64::total_cmp).1
            };
            let lower = n - UPPER;
            let mut t: Vec<f64> = (1..=lower)
                .map(|k| q(k as f64 / NUM_CLASSES as f64))
                .collect();
            let (median, top) = (t[lower - 1], q(0.99));
            if top > median {
                t.extend(
                    (1..=UPPER).map(|k| median * (top / median).powf(k as f64 / UPPER as f64)),
                );
            }
            let mut t: Vec<f64> = t.into_iter().map(round_2sig).collect();
            t.dedup();
            if t.len() == n && t.iter().all(|v| *v > 0.0) {
                return Self {
                    axis: Scale::Linear,
                    thresholds: t,
                    not_reporting: false,
                    state_level: false,
                    above_population: false,
                    whole: false,
                };
            }
        }
        Self::new(Scale::Linear, max, low)
    }

    /// Palette index for a value: a cell that is not a value → its class (`truth::Cell`),
    /// ≤ 0 → zero (negative "new" values come from corrections and are coloured as zero),
    /// else the class colour.
    pub(crate) fn index(&self, v: f64) -> u8 {
        use super::truth::{Cell, cell};
        match cell(v) {
            Cell::Value => {}
            Cell::NoData => return NO_DATA,
            Cell::NotReporting => return NOT_REPORTING,
            Cell::StateLevelOnly => return STATE_LEVEL,
            Cell::AbovePopulation => return ABOVE_POPULATION,
        }
        if v <= 0.0 {
            ZERO
        } else {
            CLASS0 + self.thresholds.iter().take_while(|&&t| t <= v).count() as u8
        }
    }

    /// Legend rows, highest class first: (palette index, label). Ends with zero and no data.
    pub(crate) fn legend(&self) -> Vec<(u8, String)> {
        let t = &self.thresholds;
        let mut rows = Vec::new();
        for k in (0..=t.len()).rev() {
            if k == 0 && self.whole && t[0] <= 1.0 {
                continue;
            }
            let label = if k == t.len() {
                format!("≥ {}", fmt_num(t[k - 1]))
            } else if k == 0 {
                format!("< {}", fmt_num(t[0]))
            } else {
                format!("{} – {}", fmt_num(t[k - 1]), fmt_num(t[k]))
            };
            rows.push((CLASS0 + k as u8, label));
        }
        rows.push((ZERO, "0".to_string()));
        if self.not_reporting {
            rows.push((NOT_REPORTING, "Not reporting".to_string()));
        }
        if self.state_level {
            rows.push((STATE_LEVEL, "At state level only".to_string()));
        }
        if self.above_population {
            rows.push((ABOVE_POPULATION, "Cases above population".to_string()));
        }
        rows.push((NO_DATA, "No data".to_string()));
        rows
    }
}

/// Two significant digits: 0.03472 → 0.035, 1234 → 1200.
fn round_2sig(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 0.0;
    }
    let e = v.log10().floor() as i32 - 1;
    round_sig((v / 10f64.powi(e)).round() * 10f64.powi(e))
}

fn round_sig(v: f64) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let e = v.abs().log10().floor() as i32;
    let f = 10f64.powi(6 - e);
    (v * f).round() / f
}

/// Smallest of 1, 2, 2.5, 5 × 10^k that is ≥ `v`.
pub(crate) fn nice_ceil(v: f64) -> f64 {
    if !(v.is_finite() && v > 0.0) {
        return 1.0;
    }
    let e = v.log10().floor() as i32;
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let c = round_sig(m * 10f64.powi(e));
        if c >= v * (1.0 - 1e-12) {
            return c;
        }
    }
    round_sig(10f64.powi(e + 1))
}

/// Compact number: 1.2M, 34.5k, 850, 12.3, 0.45 (what bar values and legend ticks show).
pub(crate) fn fmt_num(v: f64) -> String {
    compact(v, Compact::Legend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_bins_zero_and_missing() {
        let s = ClassScale::new(Scale::Linear, 7_900.0, 1.0);
        // max/8 = 987.5 → step 1000.
        assert_eq!(s.thresholds, vec![1e3, 2e3, 3e3, 4e3, 5e3, 6e3, 7e3]);
        assert_eq!(s.index(f64::NAN), NO_DATA);
        assert_eq!(s.index(0.0), ZERO);
        assert_eq!(
            s.index(-3.0),
            ZERO,
            "negative corrections are coloured as zero"
        );
        assert_eq!(s.index(0.5), CLASS0);
        assert_eq!(s.index(999.0), CLASS0);
        assert_eq!(s.index(1000.0), CLASS0 + 1);
        assert_eq!(s.index(7_900.0), CLASS0 + 7);
        assert_eq!(s.index(1e12), CLASS0 + 7);
        assert_ne!(ZERO, NO_DATA);
    }

    #[test]
    fn log_bins_use_decades_over_a_wide_span() {
        // World confirmed totals: 1 … 103.8M.
        let s = ClassScale::new(Scale::Log, 103_802_702.0, 1.0);
        assert_eq!(s.thresholds, vec![1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]);
        assert_eq!(s.index(99.0), CLASS0);
        assert_eq!(s.index(100.0), CLASS0 + 1);
        assert_eq!(s.index(5e7), CLASS0 + 6);
        // Three decades: 1-3 steps.
        let s = ClassScale::new(Scale::Log, 2_000.0, 1.5);
        assert_eq!(
            s.thresholds,
            vec![1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0]
        );
        // Narrow span: 1-2-5 steps, fractional values are fine.
        let s = ClassScale::new(Scale::Log, 0.9, 0.05);
        assert_eq!(s.thresholds, vec![0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
        let legend = s.legend();
        assert_eq!(legend.len(), NUM_CLASSES + 2);
        assert_eq!(legend[0], (CLASS0 + 7, "≥ 0.5".to_string()));
        assert_eq!(legend[7], (CLASS0, "< 0.005".to_string()));
        assert_eq!(legend[8].0, ZERO);
        assert_eq!(legend[9], (NO_DATA, "No data".to_string()));
    }

    /// Issue 10 item 8: a wave that ends (values falling 20-fold over the frames). Equal
    /// steps leave the quiet frames in one class; classes from the distribution of all frames
    /// keep at least three classes in use in every frame.
    /// Frame `f` of a long quiet spell (1–100) with a tenfold peak in frames 85–94.
    fn peak(f: usize, k: usize) -> f64 {
        let base = 1.0 + k as f64 / 2.0;
        if (85..95).contains(&f) {
            base * 10.0 * (1.0 + (f - 85) as f64 / 10.0)
        } else {
            base
        }
    }

    #[test]
    fn classes_from_all_frames_keep_quiet_frames_informative() {
        let (frames, regions) = (100, 200);
        let value = |f: usize, k: usize| 1000.0 * 0.97f64.powi(f as i32) * (1.0 + k as f64) / 200.0;
        let mut all: Vec<f64> = (0..frames)
            .flat_map(|f| (0..regions).map(move |k| value(f, k)))
            .collect();
        let max = all.iter().copied().fold(0.0, f64::max);
        let equal = ClassScale::new(Scale::Linear, max, 1.0);
        let pooled = ClassScale::from_distribution(&mut all, max, 1.0);
        assert!(
            pooled.thresholds.windows(2).all(|w| w[0] < w[1]),
            "{pooled:?}"
        );
        let used = |s: &ClassScale, f: usize| {
            let set: std::collections::BTreeSet<u8> =
                (0..regions).map(|k| s.index(value(f, k))).collect();
            set.len()
        };
        assert_eq!(used(&equal, frames - 1), 1, "the old scale: one class");
        for f in 0..frames {
            assert!(used(&pooled, f) >= 3, "frame {f}: {pooled:?}");
        }
        // A peak far above everything else (Omicron): with octiles all the way up, every
        // region of the peak frame was in the top class; now the peak keeps several classes.
        let mut all: Vec<f64> = (0..100)
            .flat_map(|f| (0..200).map(move |k| peak(f, k)))
            .collect();
        let s = ClassScale::from_distribution(&mut all, 20_000.0, 1.0);
        let set: std::collections::BTreeSet<u8> = (0..200).map(|k| s.index(peak(90, k))).collect();
        assert!(set.len() >= 3, "{s:?}");
        let top = (0..200)
            .filter(|&k| s.index(peak(90, k)) == CLASS0 + 7)
            .count();
        assert!(top < 100, "{top} of 200 in the top class: {s:?}");
        assert_eq!(round_2sig(0.034_72), 0.035);
        assert_eq!(round_2sig(1234.0), 1200.0);
    }

    /// Issue 10 item 12: whole counts have no "< 1" class.
    #[test]
    fn count_legends_have_no_class_below_one() {
        let s = ClassScale::new(Scale::Log, 2_000.0, 1.5);
        assert_eq!(s.thresholds[0], 1.0);
        assert!(s.legend().iter().any(|r| r.1 == "< 1"));
        let s = s.for_counts();
        assert!(s.legend().iter().all(|r| r.1 != "< 1"), "{:?}", s.legend());
        assert_eq!(s.legend().len(), NUM_CLASSES + 1);
    }

    #[test]
    fn degenerate_domains_do_not_panic() {
        for axis in [Scale::Linear, Scale::Log] {
            let s = ClassScale::new(axis, 0.0, 0.0);
            assert_eq!(s.thresholds.len(), NUM_CLASSES - 1);
            assert!(s.thresholds.windows(2).all(|w| w[0] < w[1]));
            let s = ClassScale::new(axis, f64::NAN, f64::NAN);
            assert_eq!(s.index(1.0), s.index(1.0));
        }
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(fmt_num(1_234_567.0), "1.2M");
        assert_eq!(fmt_num(34_512.0), "34.5k");
        assert_eq!(fmt_num(103_802_702.0), "104M");
        assert_eq!(fmt_num(2_500.0), "2500");
        assert_eq!(fmt_num(100_000.0), "100k");
        assert_eq!(fmt_num(850.0), "850");
        assert_eq!(fmt_num(12.34), "12.3");
        assert_eq!(fmt_num(0.456), "0.46");
        assert_eq!(fmt_num(0.005), "0.005");
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(1e6), "1M");
        assert_eq!(nice_ceil(987.5), 1000.0);
        assert_eq!(nice_ceil(2.1), 2.5);
    }

    #[test]
    fn palette_is_small_and_classes_distinct() {
        let p = palette();
        assert_eq!(p.len(), PALETTE_LEN);
        let mut specials = vec![
            p[WHITE as usize],
            p[ZERO as usize],
            p[NO_DATA as usize],
            p[CONTEXT as usize],
        ];
        specials.extend(LIGHT.classes);
        let n = specials.len();
        specials.sort();
        specials.dedup();
        assert_eq!(specials.len(), n, "every map colour is distinct");
        assert_eq!(p[INK[7] as usize], LIGHT.ink);
    }

    /// Relative luminance (WCAG), for ordering classes by how much they stand out.
    fn luminance(c: [u8; 3]) -> f64 {
        let lin = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
    }

    /// CIE L*a*b* (D65) of an sRGB colour.
    fn lab(c: [u8; 3]) -> [f64; 3] {
        let lin = |v: u8| {
            let v = v as f64 / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        let (r, g, b) = (lin(c[0]), lin(c[1]), lin(c[2]));
        let x = (0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b) / 0.950_47;
        let y = 0.212_672_9 * r + 0.715_152_2 * g + 0.072_175 * b;
        let z = (0.019_333_9 * r + 0.119_192 * g + 0.950_304_1 * b) / 1.088_83;
        let f = |t: f64| {
            if t > 216.0 / 24389.0 {
                t.cbrt()
            } else {
                (24389.0 / 27.0 * t + 16.0) / 116.0
            }
        };
        let (fx, fy, fz) = (f(x), f(y), f(z));
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// CIEDE2000 colour difference of two L*a*b* colours (Sharma, Wu and Dalal 2005).
    fn ciede2000(p: [f64; 3], q: [f64; 3]) -> f64 {
        let ([l1, a1, b1], [l2, a2, b2]) = (p, q);
        let pow7 = |c: f64| (c.powi(7) / (c.powi(7) + 25f64.powi(7))).sqrt();
        let cbar = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
        let g = 0.5 * (1.0 - pow7(cbar));
        let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
        let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
        let hue = |b: f64, a: f64| {
            if a == 0.0 && b == 0.0 {
                0.0
            } else {
                b.atan2(a).to_degrees().rem_euclid(360.0)
            }
        };
        let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
        let dlp = l2 - l1;
        let dcp = c2p - c1p;
        let dhp = if c1p * c2p == 0.0 {
            0.0
        } else if (h2p - h1p).abs() <= 180.0 {
            h2p - h1p
        } else if h2p - h1p > 180.0 {
            h2p - h1p - 360.0
        } else {
            h2p - h1p + 360.0
        };
        let d_hp = 2.0 * (c1p * c2p).sqrt() * (dhp.to_radians() / 2.0).sin();
        let lbp = (l1 + l2) / 2.0;
        let cbp = (c1p + c2p) / 2.0;
        let hbp = if c1p * c2p == 0.0 {
            h1p + h2p
        } else if (h1p - h2p).abs() <= 180.0 {
            (h1p + h2p) / 2.0
        } else if h1p + h2p < 360.0 {
            (h1p + h2p + 360.0) / 2.0
        } else {
            (h1p + h2p - 360.0) / 2.0
        };
        let cos = |deg: f64| deg.to_radians().cos();
        let t = 1.0 - 0.17 * cos(hbp - 30.0) + 0.24 * cos(2.0 * hbp) + 0.32 * cos(3.0 * hbp + 6.0)
            - 0.20 * cos(4.0 * hbp - 63.0);
        let dtheta = 30.0 * (-((hbp - 275.0) / 25.0).powi(2)).exp();
        let rt = -2.0 * pow7(cbp) * (2.0 * dtheta).to_radians().sin();
        let sl = 1.0 + 0.015 * (lbp - 50.0).powi(2) / (20.0 + (lbp - 50.0).powi(2)).sqrt();
        let sc = 1.0 + 0.045 * cbp;
        let sh = 1.0 + 0.015 * cbp * t;
        ((dlp / sl).powi(2)
            + (dcp / sc).powi(2)
            + (d_hp / sh).powi(2)
            + rt * (dcp / sc) * (d_hp / sh))
            .sqrt()
    }

    #[test]
    fn ciede2000_matches_the_published_test_data() {
        // Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 17, 25 and 34.
        let cases = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
            (
                [22.7233, 20.0904, -46.694],
                [23.0331, 14.973, -42.5619],
                2.0373,
            ),
        ];
        for (p, q, want) in cases {
            let got = ciede2000(p, q);
            assert!((got - want).abs() < 1e-4, "{p:?} {q:?}: {got} != {want}");
        }
    }

    /// Issue 22 item 2: a reader tells every class from its neighbours and from the page, in
    /// both schemes. CIEDE2000 ≥ 10 is a difference seen at a glance (≈ 2.3 is "just
    /// noticeable"); the first dark ramp had four neighbouring pairs at 7.
    #[test]
    fn classes_are_visibly_apart_in_both_schemes() {
        const MIN: f64 = 10.0;
        for (name, t) in [("light", &LIGHT), ("dark", &DARK)] {
            let d = |a: [u8; 3], b: [u8; 3]| ciede2000(lab(a), lab(b));
            for (k, w) in t.classes.windows(2).enumerate() {
                let de = d(w[0], w[1]);
                assert!(
                    de >= MIN,
                    "{name}: classes {k} and {} are {de:.1} apart",
                    k + 1
                );
            }
            for (k, c) in t.classes.iter().enumerate() {
                let de = d(*c, t.paper);
                assert!(de >= MIN, "{name}: class {k} is {de:.1} from the page");
            }
            let de = d(t.zero, t.paper);
            assert!(de >= MIN, "{name}: zero is {de:.1} from the page");
            let de = d(t.zero, t.classes[0]);
            assert!(de >= MIN, "{name}: zero is {de:.1} from the lowest class");
        }
    }

    #[test]
    fn each_scheme_orders_classes_away_from_its_paper() {
        // Light: every step darker (further from white); dark: every step brighter.
        for w in LIGHT.classes.windows(2) {
            assert!(luminance(w[1]) < luminance(w[0]), "{w:?}");
        }
        for w in DARK.classes.windows(2) {
            assert!(luminance(w[1]) > luminance(w[0]), "{w:?}");
        }
        // The lowest class stays apart from the paper and from zero in both schemes.
        for t in [&LIGHT, &DARK] {
            let d = |a: [u8; 3], b: [u8; 3]| (luminance(a) - luminance(b)).abs();
            assert!(d(t.classes[0], t.paper) > 0.01);
            let p = t.palette();
            let mut all: Vec<[u8; 3]> = p[..TRANSPARENT as usize].to_vec();
            all.sort();
            all.dedup();
            // Ink ramp, specials and classes are all distinct colours.
            assert_eq!(all.len(), ABOVE_POPULATION as usize + 1);
        }
        assert_eq!(dark_of(LIGHT.classes[7]), Some(DARK.classes[7]));
        assert_eq!(dark_of([1, 2, 3]), None);
    }
}
