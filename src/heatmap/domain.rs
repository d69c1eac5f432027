//! The colour domain of one animation: the class breaks of its default (round) and log scales.

use super::breaks::{Frames, round_breaks};
use super::color::{ClassScale, nice_ceil};
use super::values::Matrix;
use crate::measures::{Mode, Scale, Unit};

/// The colour domain over the whole animation, mapped members only.
pub(super) struct Domain {
    max: f64,
    /// The 10th percentile of the positive values (the log scale reaches down to it).
    low: f64,
    /// No break below this: the data's resolution (see [`floor`]).
    floor: f64,
    /// The default ("lin") classes: round breaks chosen over every frame (`breaks`).
    round: ClassScale,
}

/// The smallest step the values of a view can take, so no break is finer than the data: a
/// whole count's classes start at 2 ("< 2" is one case), a 7-day average of counts moves in
/// sevenths of a case (so 0.2 is its finest round break); per capita, the smallest value of
/// any frame (one case in the most populous place that had one).
fn floor(mode: Mode, unit: Unit, frames: &Frames) -> f64 {
    match (mode, unit) {
        (Mode::Total, Unit::Absolute) => 2.0,
        (Mode::New, Unit::Absolute) => 1.0 / 7.0,
        (_, Unit::PerCapita) => frames.min().unwrap_or(1.0),
    }
}

impl Domain {
    pub(super) fn of(mat: &Matrix, mapped: &[bool], mode: Mode, unit: Unit) -> Self {
        let frames = Frames::new((0..mat.dates.len()).map(|f| {
            mat.frame(f)
                .iter()
                .zip(mapped)
                .filter(|(v, m)| **m && **v > 0.0)
                .map(|(v, _)| *v)
                .collect()
        }));
        let mut positive: Vec<f64> = Vec::new();
        for f in 0..mat.dates.len() {
            for (k, v) in mat.frame(f).iter().enumerate() {
                if mapped[k] && *v > 0.0 {
                    positive.push(*v);
                }
            }
        }
        let max = positive.iter().copied().fold(0.0, f64::max);
        let low = if positive.is_empty() {
            0.0
        } else {
            let k = positive.len() / 10;
            *positive.select_nth_unstable_by(k, f64::total_cmp).1
        };
        let floor = floor(mode, unit, &frames);
        // The pooled quantiles (eighths up to the median, then geometric steps to the 99th
        // percentile), snapped to round numbers, are one of the candidates.
        let hint = ClassScale::from_distribution(&mut positive, max, low).thresholds;
        let mut round = ClassScale::new(Scale::Linear, max, low);
        round.thresholds =
            round_breaks(&frames, floor, &hint).unwrap_or_else(|| vec![nice_ceil(floor)]);
        Self {
            max,
            low,
            floor,
            round,
        }
    }

    pub(super) fn scale(&self, axis: Scale) -> ClassScale {
        match axis {
            Scale::Linear => self.round.clone(),
            Scale::Log => {
                let mut s = ClassScale::new(axis, self.max, self.low);
                // Powers of ten down to a millionth of the peak: never below the data's
                // resolution.
                s.thresholds.retain(|t| *t >= self.floor * (1.0 - 1e-9));
                if s.thresholds.is_empty() {
                    s.thresholds.push(nice_ceil(self.floor));
                }
                s
            }
        }
    }
}
