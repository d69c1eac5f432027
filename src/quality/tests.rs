//! Hand-worked cases for the rules (each answer is worked out in the comment above it).

use super::*;

fn growing(n: usize, from: i64, step: i64) -> Vec<i64> {
    (0..n as i64).map(|i| from + i * step).collect()
}

#[test]
fn recovered_never_published_is_unknown_on_every_day() {
    let g = recovered_gaps(&[0, 5, 9], &[0, 0, 0]);
    assert_eq!(g, vec![Some(RecoveredGap::Never); 3]);
    // No cases at all: 0 recovered is simply true.
    assert_eq!(recovered_gaps(&[0, 0], &[0, 0]), vec![None, None]);
}

#[test]
fn recovered_reset_to_zero_is_unknown_until_positive_again() {
    // Day 2 and 3 fall back to 0 after 4; day 4 is positive again.
    let g = recovered_gaps(&[5, 9, 12, 14, 20], &[0, 4, 0, 0, 7]);
    let r = Some(RecoveredGap::Reset);
    assert_eq!(g, vec![None, None, r, r, None]);
}

#[test]
fn recovered_frozen_while_cases_grow() {
    // 40 days: recovered changes to 50 on day 2 and stays; confirmed grows 10 a day, so from
    // day 2 to day 39 (38 days ≥ 28) it grows by 380 ≥ 100: days 3..=39 are unknown, day 2 is
    // the last real update and stays.
    let conf = growing(40, 100, 10);
    let mut rec = vec![10, 30];
    rec.extend(std::iter::repeat_n(50, 38));
    let g = recovered_gaps(&conf, &rec);
    assert_eq!(&g[..3], &[None, None, None]);
    assert!(g[3..].iter().all(|x| *x == Some(RecoveredGap::Frozen)));
}

#[test]
fn recovered_short_or_flat_runs_are_kept() {
    // 27 equal days: too short for FROZEN_DAYS, and confirmed grows 10,000 → 12,600 (26 % <
    // FROZEN_SHORT_GROWTH): kept.
    let conf = growing(27, 10_000, 100);
    assert!(recovered_gaps(&conf, &[5; 27]).iter().all(Option::is_none));
    // 40 equal days but cases grew by 39 only (< 100): kept.
    let conf = growing(40, 100, 1);
    assert!(recovered_gaps(&conf, &[5; 40]).iter().all(Option::is_none));
}

#[test]
fn recovered_freeze_is_counted_from_the_first_case() {
    // Recovered 0 for 40 days at the start; cases begin on day 20: only 20 days of freeze
    // (< FROZEN_DAYS), and confirmed grows 1,000 → 1,380 over them (38 % <
    // FROZEN_SHORT_GROWTH): kept.
    let mut conf = vec![0; 20];
    conf.extend(growing(20, 1000, 20));
    let mut rec = vec![0; 40];
    rec.push(10);
    conf.push(1000);
    assert!(recovered_gaps(&conf, &rec).iter().all(Option::is_none));
    // Cases from day 5: 35 frozen days from the first case with growth ≥ 100: days 5..=39
    // unknown (day 5 itself too, since the run began before the first case).
    let mut conf = vec![0; 5];
    conf.extend(growing(36, 1, 10));
    let g = recovered_gaps(&conf, &rec);
    assert!(g[..5].iter().all(Option::is_none));
    assert!(g[5..40].iter().all(|x| *x == Some(RecoveredGap::Frozen)));
    assert_eq!(g[40], None);
}

/// Recovered 10 on day 0, `20` for `flat` days (days 1..=flat), then 30: the short-freeze shape.
fn short_freeze(flat: usize) -> Vec<i64> {
    let mut rec = vec![10];
    rec.extend(std::iter::repeat_n(20, flat));
    rec.push(30);
    rec
}

#[test]
fn recovered_short_freeze_with_fast_growth_is_unknown() {
    // Recovered is 20 on days 1..=14 (14 days = FROZEN_SHORT_DAYS); confirmed grows 10 a day
    // from 250, so 260 on day 1 and 390 on day 14: exactly 1.5 × 260 (50 % =
    // FROZEN_SHORT_GROWTH) and 130 cases (≥ FROZEN_MIN_GROWTH). Day 1 is the last real
    // update: days 2..=14 are unknown; days 0, 1 and 15 (30) are kept.
    let conf = growing(16, 250, 10);
    let g = recovered_gaps(&conf, &short_freeze(14));
    assert_eq!(&g[..2], &[None, None]);
    assert!(g[2..15].iter().all(|x| *x == Some(RecoveredGap::Frozen)));
    assert_eq!(g[15], None);
}

#[test]
fn recovered_short_freeze_of_13_days_is_kept() {
    // Recovered is 20 on days 1..=13 (13 < FROZEN_SHORT_DAYS) while confirmed grows 50 a day
    // from 100: 150 → 750 (5 ×, 600 cases). Too short: every day kept.
    let conf = growing(15, 100, 50);
    assert!(
        recovered_gaps(&conf, &short_freeze(13))
            .iter()
            .all(Option::is_none)
    );
}

#[test]
fn recovered_short_freeze_with_slow_growth_is_kept() {
    // Recovered is 20 on days 1..=20 (20 days: ≥ FROZEN_SHORT_DAYS, < FROZEN_DAYS) while
    // confirmed grows 20 a day from 930: 950 on day 1, 1,330 on day 20 = 1.4 × 950 (40 % <
    // 50 %), although 380 cases ≥ 100: kept.
    let conf = growing(22, 930, 20);
    assert!(
        recovered_gaps(&conf, &short_freeze(20))
            .iter()
            .all(Option::is_none)
    );
}

#[test]
fn recovered_short_freeze_with_few_cases_is_kept() {
    // Recovered is 20 on days 1..=21 (21 days) while confirmed grows 4 a day from 121: 125 on
    // day 1, 205 on day 21 = 1.64 × 125 (64 % ≥ 50 %), but 80 cases < FROZEN_MIN_GROWTH = 100:
    // kept.
    let conf = growing(23, 121, 4);
    assert!(
        recovered_gaps(&conf, &short_freeze(21))
            .iter()
            .all(Option::is_none)
    );
}

#[test]
fn sums_are_unknown_where_a_member_is() {
    let a = vec![None, Some(RecoveredGap::Reset), None];
    let b = vec![Some(RecoveredGap::Frozen), Some(RecoveredGap::Frozen), None];
    assert_eq!(
        combine_gaps(&[a, b], 3),
        vec![Some(RecoveredGap::Frozen), Some(RecoveredGap::Reset), None]
    );
}

#[test]
fn silent_runs_against_the_parent() {
    // 30 silent days; the parent adds 1,000 a day (30,000 over the run); a region with 1 % of
    // its population expects 300 ≥ 100: not reporting. With 0.1 % it expects 30: kept as 0.
    let mut new = vec![5; 5];
    new.extend([0; 30]);
    new.extend([5; 5]);
    let parent = vec![1000; 40];
    let m = not_reporting(&new, Some((&parent, 0.01)));
    assert!(m[..5].iter().all(|&x| !x));
    assert!(m[5..35].iter().all(|&x| x));
    assert!(m[35..].iter().all(|&x| !x));
    let runs = silent_runs(&new, Some((&parent, 0.01)), SilentRule::CASES);
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].first, runs[0].last), (5, 34));
    assert!((runs[0].expected.unwrap() - 300.0).abs() < 1e-9);
    assert!(
        not_reporting(&new, Some((&parent, 0.001)))
            .iter()
            .all(|&x| !x)
    );
    // Before the first case, 0 is "no cases yet", whatever the parent does.
    let mut early = vec![0; 40];
    early.extend([5; 5]);
    assert!(
        not_reporting(&early, Some((&[1000; 45], 1.0)))
            .iter()
            .all(|&x| !x)
    );
    // 27 silent days are not a run.
    let mut short = vec![5; 5];
    short.extend([0; 27]);
    short.push(5);
    assert!(
        not_reporting(&short, Some((&parent, 1.0)))
            .iter()
            .all(|&x| !x)
    );
}

#[test]
fn countries_stop_reporting_only_at_the_end() {
    // Without a parent: a silent tail after cases counts; a silent middle does not, and a
    // country that never had a case is not "not reporting".
    let mut new = vec![3; 10];
    new.extend([0; 30]);
    new.extend([3; 10]);
    new.extend([0; 28]);
    let m = not_reporting(&new, None);
    assert!(m[..50].iter().all(|&x| !x));
    assert!(m[50..].iter().all(|&x| x));
    assert!(not_reporting(&[0; 40], None).iter().all(|&x| !x));
}

#[test]
fn a_short_silent_tail_after_steady_reports_is_not_reporting() {
    // Weekly reports of 2,300 (Western Australia), the last one 8 days before the end: the
    // 7-day window is empty, yet the place did not stop having cases.
    let mut weekly: Vec<i64> = Vec::new();
    for _ in 0..6 {
        weekly.extend([0, 0, 0, 0, 0, 0, 2300]);
    }
    weekly.extend([0; 8]);
    let m = not_reporting(&weekly, None);
    assert!(m[weekly.len() - 8..].iter().all(|&x| x), "the tail");
    assert!(
        m[..weekly.len() - 8].iter().all(|&x| !x),
        "gaps between reports"
    );
    let runs = silent_runs(&weekly, None, SilentRule::CASES);
    let last = runs.last().unwrap();
    assert_eq!(
        (last.first, last.last),
        (weekly.len() - 8, weekly.len() - 1)
    );
    // 28 days before the tail: 4 reports of 2,300 → 328.6 a day.
    assert!((last.recent.unwrap() - 4.0 * 2300.0 / 28.0).abs() < 1e-6);
    assert_eq!(last.expected, None);
    // Six days are no run; a quiet place (a case every ten days) keeps its 0.
    let mut six = vec![5; 30];
    six.extend([0; 6]);
    assert!(not_reporting(&six, None).iter().all(|&x| !x));
    let mut quiet = Vec::new();
    for _ in 0..4 {
        quiet.extend([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    }
    quiet.extend([0; 9]);
    assert!(not_reporting(&quiet, None).iter().all(|&x| !x));
}

#[test]
fn a_small_county_goes_silent_with_its_state() {
    // The state: 500 a day, then 10 days of nothing to the end (not reporting). A county
    // with a case every few days, silent over the same 10 days: below its own 1-a-day bar,
    // yet "not reporting" with its state, not "0".
    let mut state = vec![500; 40];
    state.extend([0; 10]);
    let mut county = Vec::new();
    for _ in 0..10 {
        county.extend([0, 0, 0, 1]);
    }
    county.extend([0; 10]);
    let mut runs = silent_runs(&county, Some((&state, 0.001)), SilentRule::CASES);
    assert!(runs.is_empty());
    super::assess::with_silent_state(&county, &state, &mut runs, SilentRule::CASES);
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].first, runs[0].last), (40, 49));
    // A county that reported during the state's silence (or never had a case) keeps its own.
    let mut busy = county.clone();
    busy[45] = 3;
    let mut runs = Vec::new();
    super::assess::with_silent_state(&busy, &state, &mut runs, SilentRule::CASES);
    assert!(runs.is_empty());
    let mut runs = Vec::new();
    super::assess::with_silent_state(&[0; 50], &state, &mut runs, SilentRule::CASES);
    assert!(runs.is_empty());
}

#[test]
fn runs_and_shares() {
    assert_eq!(
        equal_runs(&[1, 1, 2, 2, 2, 3]),
        vec![(0, 1), (2, 4), (5, 5)]
    );
    assert_eq!(
        true_runs([false, true, true, false, true]),
        vec![(1, 2), (4, 4)]
    );
    assert_eq!(true_runs([true]), vec![(0, 0)]);
    assert_eq!(true_runs(Vec::<bool>::new()), vec![]);
    // China on 2023-03-09: 82,195 of 101,056 deaths in "Unknown" = 81.3 %.
    let (n, s) = unmapped_share(82_195.0, 101_056.0).unwrap();
    assert_eq!(n, 82_195.0);
    assert!((s - 0.8134).abs() < 1e-4);
    assert_eq!(unmapped_share(1.0, 100.0), None);
    assert_eq!(unmapped_share(5.0, 0.0), None);
}
