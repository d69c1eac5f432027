//! The colour domain of one animation: the class breaks of its linear and log scales.

use super::color::ClassScale;
use super::values::Matrix;
use crate::measures::Scale;

/// The colour domain over the whole animation, mapped members only.
pub(super) struct Domain {
    max: f64,
    /// The 10th percentile of the positive values (the lowest class starts near it).
    low: f64,
    /// The default ("lin") classes: from the distribution of all frames.
    pooled: ClassScale,
}

impl Domain {
    pub(super) fn of(mat: &Matrix, mapped: &[bool]) -> Self {
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
        // Linear classes span up to the 99.5th percentile, not the maximum: one outlier (a tiny
        // place's correction day) would otherwise push almost every region into the lowest
        // class. Values above it fall in the open top class ("≥ …").
        let lin_max = if positive.len() < 200 {
            max
        } else {
            let k = positive.len() * 995 / 1000;
            *positive.select_nth_unstable_by(k, f64::total_cmp).1
        };
        let pooled = ClassScale::from_distribution(&mut positive, lin_max, low);
        Self { max, low, pooled }
    }

    pub(super) fn scale(&self, axis: Scale) -> ClassScale {
        match axis {
            Scale::Linear => self.pooled.clone(),
            Scale::Log => ClassScale::new(axis, self.max, self.low),
        }
    }
}
