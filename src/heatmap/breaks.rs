//! The default colour classes: round breaks (1-2-5 or 1-3-10 × a power of ten) chosen so that
//! every frame of the animation keeps at least five classes in use (docs/method.md, About).
//!
//! Breaks from quantiles of all frames (the previous default) read 0.064 / 0.29 / 0.95 / 2.8:
//! nobody can hold such a legend in mind. Round breaks can. Among the candidate runs of round
//! numbers, the one kept leaves the fewest frames with more than 60 % of their regions in the
//! top class (the peaks), then the fewest frames short of five classes in use, then spreads
//! each frame's regions most evenly over the classes (the most information, summed over the
//! frames): counting classes alone favoured low breaks that kept one region in each low class
//! while 95 % of the world sat in the top class at the peaks. One set of breaks for all frames
//! cannot always do both: the US states lie within a decade of each other on any date while
//! their level moves over four decades.

/// A frame keeps at least this many classes in use…
pub(crate) const MIN_IN_USE: usize = 5;
/// …when it has at least this many regions above zero per class (a frame with 12 regions
/// above zero keeps 2; early frames and small maps cannot fill five classes).
pub(crate) const REGIONS_PER_CLASS: usize = 6;
/// Classes (so breaks + 1) at most.
const MAX_BREAKS: usize = super::color::NUM_CLASSES - 1;
/// The mantissas of the round-number sequences tried, finest first.
const GRIDS: [&[f64]; 4] = [&[1.0, 2.0, 3.0, 5.0], &[1.0, 2.0, 5.0], &[1.0, 3.0], &[1.0]];
/// A frame with more than this share of its regions in the top class is saturated.
pub(crate) const TOP_SHARE: f64 = 0.6;

/// Every frame's positive values, sorted (the input the breaks are chosen from).
pub(crate) struct Frames {
    sorted: Vec<Vec<f64>>,
    /// Per frame: the classes it should keep in use, `MIN_IN_USE` or fewer for a frame with
    /// few regions above zero or few distinct values.
    want: Vec<usize>,
    max: f64,
}

impl Frames {
    pub(crate) fn new(frames: impl IntoIterator<Item = Vec<f64>>) -> Self {
        let mut sorted: Vec<Vec<f64>> = frames.into_iter().collect();
        for f in &mut sorted {
            f.retain(|v| *v > 0.0 && v.is_finite());
            f.sort_by(f64::total_cmp);
        }
        let want = sorted
            .iter()
            .map(|f| {
                let distinct = 1 + f.windows(2).filter(|w| w[0] < w[1]).count();
                if f.is_empty() {
                    0
                } else {
                    distinct
                        .min(MIN_IN_USE)
                        .min((f.len() / REGIONS_PER_CLASS).max(1))
                }
            })
            .collect();
        let max = sorted
            .iter()
            .filter_map(|f| f.last().copied())
            .fold(0.0, f64::max);
        Self { sorted, want, max }
    }

    /// The smallest positive value of any frame.
    pub(crate) fn min(&self) -> Option<f64> {
        self.sorted
            .iter()
            .filter_map(|f| f.first().copied())
            .min_by(f64::total_cmp)
    }

    /// Values of frame `f` in each class of `t` (class k is `[t[k-1], t[k])`).
    fn class_sizes(&self, f: usize, t: &[f64]) -> Vec<usize> {
        let v = &self.sorted[f];
        let mut below: Vec<usize> = vec![0];
        below.extend(t.iter().map(|b| v.partition_point(|x| x < b)));
        below.push(v.len());
        below.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// Classes of `t` that hold at least one value of frame `f`.
    #[cfg(test)]
    fn in_use(&self, f: usize, t: &[f64]) -> usize {
        self.class_sizes(f, t).iter().filter(|&&n| n > 0).count()
    }

    /// (saturated frames, frames short of their target, the information in the classes
    /// summed over the frames in bits): fewer saturated, then fewer short, then more bits.
    fn score(&self, t: &[f64]) -> (usize, usize, f64) {
        let (mut saturated, mut short) = (0, 0);
        let mut bits = 0.0;
        for f in 0..self.sorted.len() {
            let sizes = self.class_sizes(f, t);
            let n = self.sorted[f].len() as f64;
            if sizes.iter().filter(|&&k| k > 0).count() < self.want[f] {
                short += 1;
            }
            let top = *sizes.last().unwrap_or(&0) as f64;
            if self.want[f] > 1 && top > TOP_SHARE * n {
                saturated += 1;
            }
            bits -= sizes
                .iter()
                .filter(|&&k| k > 0)
                .map(|&k| (k as f64 / n) * (k as f64 / n).log2())
                .sum::<f64>();
        }
        (saturated, short, bits)
    }
}

/// Round numbers of `mantissas` × 10^k from `floor` up to `max`, ascending.
fn grid(mantissas: &[f64], floor: f64, max: f64) -> Vec<f64> {
    let (lo, hi) = (floor.log10().floor() as i32, max.log10().ceil() as i32);
    let mut out = Vec::new();
    for e in lo..=hi {
        for m in mantissas {
            let v = round_sig(m * 10f64.powi(e));
            if v >= floor * (1.0 - 1e-9) && v <= max * (1.0 + 1e-9) {
                out.push(v);
            }
        }
    }
    out
}

/// Rounds away binary noise (0.30000000000000004 → 0.3).
pub(crate) fn round_sig(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let e = v.abs().log10().floor() as i32;
    let f = 10f64.powi(6 - e);
    (v * f).round() / f
}

/// The nearest value of the 1-2-5 sequence to `v` (in ratio).
fn snap(v: f64) -> f64 {
    let e = v.log10().floor() as i32;
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| round_sig(m * 10f64.powi(e)))
        .min_by(|a, b| (a / v).ln().abs().total_cmp(&(b / v).ln().abs()))
        .unwrap_or(v)
}

/// The breaks: among runs of consecutive round numbers (1-2-5, 1-3-10 or powers of ten; at
/// most `MAX_BREAKS`, none below `floor`, the data's resolution) and the pooled quantiles
/// `hint` snapped to 1-2-5, the one that leaves the fewest frames saturated, then the fewest
/// short of their classes in use, then carries the most information. `None` when no round number lies between `floor`
/// and the largest value.
pub(crate) fn round_breaks(frames: &Frames, floor: f64, hint: &[f64]) -> Option<Vec<f64>> {
    let floor = if floor > 0.0 && floor.is_finite() {
        floor
    } else {
        frames.min()?
    };
    // `max` is finite (a fold of finite values from 0) and so is `floor`.
    if frames.max < floor {
        return None;
    }
    let mut candidates: Vec<Vec<f64>> = Vec::new();
    for mantissas in GRIDS {
        let g = grid(mantissas, floor, frames.max);
        let n = g.len().min(MAX_BREAKS);
        if n == 0 {
            continue;
        }
        candidates.extend(g.windows(n).map(|w| w.to_vec()));
    }
    let mut snapped: Vec<f64> = hint
        .iter()
        .map(|&v| snap(v))
        .filter(|&v| v >= floor * (1.0 - 1e-9))
        .collect();
    snapped.dedup();
    if !snapped.is_empty() {
        candidates.push(snapped);
    }
    // Ties go to the first candidate: the finest grid, the lowest run.
    candidates
        .into_iter()
        .map(|t| (frames.score(&t), t))
        .min_by(|(a, _), (b, _)| (a.0, a.1).cmp(&(b.0, b.1)).then(b.2.total_cmp(&a.2)))
        .map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_in_use_are_counted_per_frame() {
        let f = Frames::new([vec![0.5, 1.5, 1.7, 3.0, f64::NAN, 0.0], vec![], vec![9.0]]);
        let t = [1.0, 2.0, 5.0];
        // 0.5 → class 0; 1.5, 1.7 → class 1; 3 → class 2; class 3 (≥ 5) empty.
        assert_eq!(f.in_use(0, &t), 3);
        assert_eq!(f.in_use(1, &t), 0);
        assert_eq!(f.in_use(2, &t), 1);
        // Four regions above zero: one class wanted (one per six regions, at least one).
        assert_eq!(f.want, vec![1, 0, 1]);
        let many = Frames::new([(1..=40).map(f64::from).collect::<Vec<_>>()]);
        assert_eq!(many.want, vec![MIN_IN_USE]);
        assert_eq!(f.min(), Some(0.5));
    }

    #[test]
    fn grids_are_round_and_within_the_data() {
        assert_eq!(
            grid(&[1.0, 2.0, 5.0], 0.2, 60.0),
            vec![0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        );
        assert_eq!(
            grid(&[1.0, 3.0], 2.0, 400.0),
            vec![3.0, 10.0, 30.0, 100.0, 300.0]
        );
        assert_eq!(
            grid(GRIDS[0], 2.0, 40.0),
            vec![2.0, 3.0, 5.0, 10.0, 20.0, 30.0]
        );
        assert_eq!(snap(0.29), 0.2);
        assert_eq!(snap(0.064), 0.05);
        assert_eq!(snap(2.8), 2.0);
        assert_eq!(snap(3.3), 5.0);
        assert_eq!(snap(7.9), 10.0);
    }

    /// A wave that swells tenfold and ebbs (each frame's values spread over two decades, as
    /// places of one map are): round breaks keep five classes in every frame, and no break is
    /// below the floor.
    #[test]
    fn every_frame_keeps_five_classes() {
        let frames: Vec<Vec<f64>> = (0..60)
            .map(|f| {
                let level = 10f64.powf(1.0 - ((f as f64 - 30.0) / 30.0).abs());
                (0..300)
                    .map(|k| level * 0.1 * 100f64.powf(k as f64 / 299.0))
                    .collect()
            })
            .collect();
        let fr = Frames::new(frames.clone());
        let t = round_breaks(&fr, 0.2, &[]).expect("breaks");
        assert!(
            t.len() <= MAX_BREAKS && t.windows(2).all(|w| w[0] < w[1]),
            "{t:?}"
        );
        assert!(t[0] >= 0.2, "{t:?}");
        for (f, _) in frames.iter().enumerate() {
            assert!(fr.in_use(f, &t) >= MIN_IN_USE, "frame {f}: {t:?}");
        }
        // Every break is a round number.
        for b in &t {
            let m = b / 10f64.powf(b.log10().floor());
            assert!(
                [1.0, 2.0, 3.0, 5.0].iter().any(|r| (m - r).abs() < 1e-9),
                "{b}"
            );
        }
    }

    /// Counts never get a break finer than the data (a count is not 0.00045 of a case): the
    /// floor holds even when the values would favour lower breaks, and little data gives
    /// fewer classes, not finer ones.
    #[test]
    fn breaks_never_go_below_the_floor() {
        let fr = Frames::new([vec![0.001, 0.002, 0.01, 1.0, 3.0, 8.0]]);
        let t = round_breaks(&fr, 0.2, &[0.0015, 0.005]).unwrap();
        assert!(t.iter().all(|&b| b >= 0.2), "{t:?}");
        let tiny = Frames::new([vec![1.0, 1.0, 2.0]]);
        assert_eq!(round_breaks(&tiny, 2.0, &[]), Some(vec![2.0]));
        assert_eq!(round_breaks(&Frames::new([vec![1.0]]), 2.0, &[]), None);
        assert_eq!(round_breaks(&Frames::new([Vec::new()]), 0.0, &[]), None);
    }
}
