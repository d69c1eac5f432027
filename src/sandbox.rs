//! The SIR epidemic model behind the sandbox pages: pure numerics, no I/O, no drawing.
//!
//! Population `N` = 10,000 with one infected person on day 0. A scenario is a list of
//! breakpoints (from `day` on, reproduction number `r` and days infectious `d`), giving
//! `beta = r / d` and `gamma = 1 / d`:
//!
//! ```text
//! dS/dt = −beta·S·I/N    dI/dt = beta·S·I/N − gamma·I    dR/dt = gamma·I
//! ```
//!
//! Integration: classical Runge–Kutta (RK4) with a fixed step of 0.1 day; values are kept
//! once per day. Breakpoints fall on whole days, so parameters are constant within every
//! step. A run stops once fewer than 0.5 people are infected after the last breakpoint (the
//! epidemic has burnt out) or at [`MAX_DAYS`].

/// Population.
pub const N: f64 = 10_000.0;
/// Infected people on day 0.
pub const I0: f64 = 1.0;
/// Integration steps per day (step 0.1 day).
pub const STEPS_PER_DAY: u32 = 10;
/// The run stops when fewer than this many people are infected.
pub const BURNT_OUT: f64 = 0.5;
/// Longest run in days (r close to 1 never quite burns out).
pub const MAX_DAYS: u32 = 1500;

/// From `day` on, use reproduction number `r` and `d` days infectious.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub day: u32,
    pub r: f64,
    pub d: f64,
}

/// Daily values of one run: index = day (0 = the start).
#[derive(Clone, Debug, Default)]
pub struct Run {
    pub s: Vec<f64>,
    pub i: Vec<f64>,
    pub r: Vec<f64>,
    /// Whether the run ended because the epidemic burnt out (not at the cap).
    pub burnt_out: bool,
}

/// Headline numbers of a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Largest number of people infected at once (daily values) and its day.
    pub peak: f64,
    pub peak_day: usize,
    /// People ever infected by the end of the run (N − S, including the first case).
    pub total: f64,
    /// Days shown (last day index).
    pub days: usize,
}

impl Run {
    pub fn days(&self) -> usize {
        self.s.len().saturating_sub(1)
    }

    pub fn summary(&self) -> Summary {
        let (peak_day, peak) =
            self.i
                .iter()
                .copied()
                .enumerate()
                .fold(
                    (0, f64::NEG_INFINITY),
                    |a, (k, v)| if v > a.1 { (k, v) } else { a },
                );
        Summary {
            peak,
            peak_day,
            total: N - self.s.last().copied().unwrap_or(N),
            days: self.days(),
        }
    }
}

/// The constant scenario of sandbox 1.
pub fn constant(r: f64, d: f64) -> Vec<Step> {
    vec![Step { day: 0, r, d }]
}

fn deriv(s: f64, i: f64, beta: f64, gamma: f64) -> (f64, f64, f64) {
    let inf = beta * s * i / N;
    let rec = gamma * i;
    (-inf, inf - rec, rec)
}

/// Runs a scenario. `steps` must start at day 0 with increasing days (the config validates
/// that); `d` must be positive.
pub fn simulate(steps: &[Step]) -> Run {
    simulate_with(steps, |_, _, _| {})
}

/// Like [`simulate`], calling `each(s, i, r)` after every integration step (for tests).
pub fn simulate_with(steps: &[Step], mut each: impl FnMut(f64, f64, f64)) -> Run {
    assert!(
        steps.first().is_some_and(|s| s.day == 0),
        "a scenario starts at day 0"
    );
    let last_break = steps.last().map_or(0, |s| s.day);
    let h = 1.0 / f64::from(STEPS_PER_DAY);
    let (mut s, mut i, mut r) = (N - I0, I0, 0.0);
    let mut run = Run {
        s: vec![s],
        i: vec![i],
        r: vec![r],
        burnt_out: false,
    };
    for day in 0..MAX_DAYS {
        let p = steps
            .iter()
            .rev()
            .find(|st| st.day <= day)
            .expect("a step at day 0");
        let (beta, gamma) = (p.r / p.d, 1.0 / p.d);
        for _ in 0..STEPS_PER_DAY {
            let k1 = deriv(s, i, beta, gamma);
            let k2 = deriv(s + h / 2.0 * k1.0, i + h / 2.0 * k1.1, beta, gamma);
            let k3 = deriv(s + h / 2.0 * k2.0, i + h / 2.0 * k2.1, beta, gamma);
            let k4 = deriv(s + h * k3.0, i + h * k3.1, beta, gamma);
            s += h / 6.0 * (k1.0 + 2.0 * k2.0 + 2.0 * k3.0 + k4.0);
            i += h / 6.0 * (k1.1 + 2.0 * k2.1 + 2.0 * k3.1 + k4.1);
            r += h / 6.0 * (k1.2 + 2.0 * k2.2 + 2.0 * k3.2 + k4.2);
            each(s, i, r);
        }
        run.s.push(s);
        run.i.push(i);
        run.r.push(r);
        if day + 1 >= last_break && i < BURNT_OUT {
            run.burnt_out = true;
            break;
        }
    }
    run
}

/// The final-size fraction z of an SIR epidemic with reproduction number `r` started by a
/// vanishing number of cases: the root in (0, 1] of `z = 1 − e^(−r·z)` (0 for r ≤ 1). The
/// tests check the model against it.
#[cfg(test)]
fn final_size(r: f64) -> f64 {
    if r <= 1.0 {
        return 0.0;
    }
    let mut z = 1.0;
    for _ in 0..10_000 {
        let next = 1.0 - (-r * z).exp();
        if (next - z).abs() < 1e-14 {
            return next;
        }
        z = next;
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Vec<(f64, f64)> {
        let mut v = Vec::new();
        for d in [1.0, 4.0, 14.0, 28.0] {
            for r in [0.0, 0.5, 0.9, 1.0, 1.5, 2.0, 3.5, 8.0] {
                v.push((r, d));
            }
        }
        v
    }

    /// S + I + R = N after every integration step (RK4 keeps this linear invariant up to
    /// rounding) and in every daily value.
    #[test]
    fn population_is_conserved_at_every_step() {
        for (r0, d) in grid() {
            let mut steps = 0usize;
            let run = simulate_with(&constant(r0, d), |s, i, r| {
                steps += 1;
                assert!(
                    (s + i + r - N).abs() < 1e-7,
                    "r={r0} d={d}: S+I+R = {}",
                    s + i + r
                );
                assert!(s >= -1e-9 && i >= -1e-9 && r >= -1e-9);
            });
            assert!(steps > 0);
            for k in 0..run.s.len() {
                assert!((run.s[k] + run.i[k] + run.r[k] - N).abs() < 1e-7);
            }
        }
        // Also with breakpoints.
        let steps = [
            Step {
                day: 0,
                r: 3.0,
                d: 7.0,
            },
            Step {
                day: 20,
                r: 0.5,
                d: 4.0,
            },
            Step {
                day: 60,
                r: 2.0,
                d: 10.0,
            },
        ];
        simulate_with(&steps, |s, i, r| assert!((s + i + r - N).abs() < 1e-7));
    }

    /// Below r = 1 each case causes fewer than one new case: the outbreak dies out with only
    /// a handful infected (expected total 1/(1 − r) for a single start case).
    #[test]
    fn no_epidemic_below_r_one() {
        for d in [1.0, 7.0, 28.0] {
            for r in [0.0, 0.5, 0.9] {
                let run = simulate(&constant(r, d));
                let s = run.summary();
                assert!(run.burnt_out, "r={r} d={d} did not burn out");
                assert!(
                    s.total < 1.5 / (1.0 - r),
                    "r={r} d={d}: {} infected",
                    s.total
                );
                assert_eq!(s.peak_day, 0, "r={r} d={d}: peak after day 0");
            }
        }
    }

    /// For r = 2 the share ever infected solves 1 − s∞ = 1 − e^(−r(1 − s∞)) (≈ 79.7 %).
    #[test]
    fn final_size_matches_the_final_size_equation() {
        let z = final_size(2.0);
        assert!((z - 0.796_812).abs() < 1e-5, "{z}");
        for d in [1.0, 5.0, 14.0, 28.0] {
            let run = simulate(&constant(2.0, d));
            assert!(run.burnt_out, "d={d}");
            let got = run.summary().total / N;
            assert!(
                ((got - z) / z).abs() < 0.01,
                "d={d}: final size {got} vs {z}"
            );
        }
        // And for other r, the same equation.
        for r in [1.5, 3.0, 8.0] {
            let got = simulate(&constant(r, 7.0)).summary().total / N;
            let z = final_size(r);
            assert!(((got - z) / z).abs() < 0.01, "r={r}: {got} vs {z}");
        }
    }

    /// The peak and its timing scale with d: doubling d doubles the peak day, same peak size.
    #[test]
    fn d_only_stretches_time() {
        let a = simulate(&constant(3.0, 5.0)).summary();
        let b = simulate(&constant(3.0, 10.0)).summary();
        assert!((a.peak - b.peak).abs() / a.peak < 0.01);
        assert!((b.peak_day as f64 / a.peak_day as f64 - 2.0).abs() < 0.1);
    }

    /// A lockdown (r below 1) on day 15 stops growth: the peak is on or just after day 15 and
    /// far fewer people are infected than without it; the run continues past every breakpoint.
    #[test]
    fn lockdown_breakpoint_takes_effect() {
        let free = simulate(&constant(3.0, 7.0)).summary();
        let lock = simulate(&[
            Step {
                day: 0,
                r: 3.0,
                d: 7.0,
            },
            Step {
                day: 15,
                r: 0.5,
                d: 7.0,
            },
            Step {
                day: 200,
                r: 0.5,
                d: 7.0,
            },
        ]);
        let s = lock.summary();
        assert!((15..=17).contains(&s.peak_day), "{}", s.peak_day);
        assert!(s.total < free.total / 2.0);
        assert!(lock.days() >= 200);
    }

    /// r = 1 never quite burns out; the cap ends it.
    #[test]
    fn capped_at_max_days() {
        let run = simulate(&constant(1.0, 28.0));
        assert!(!run.burnt_out);
        assert_eq!(run.days(), MAX_DAYS as usize);
    }
}
