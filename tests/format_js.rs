//! The scripts' one number formatter (assets/site/format.js, shipped in assets/rules.js with
//! the format tables of `render::format`) mirrors the Rust one: `column` (the explorer's
//! top-10 values for other per-capita divisors; `render::format::column` in the pages),
//! `decimal` and `si` (hover values, compare-any's axes). Runs the real script with Node on
//! a sweep of values and compares every result with Rust's.
//!
//! One difference is inherent and allowed: at a decimal tie (0.125 at two decimals, or
//! 0.09995 at four) Rust's formatting rounds the exact binary value half to even and
//! JavaScript's `Intl.NumberFormat` rounds the shortest decimal half away from zero. Every
//! other value must give the same text.

mod common;

use seecovid::render::format::{column, decimal, si};

/// Values across every branch: zero, fractions, each suffix, the thresholds and just around
/// them, negatives.
fn values() -> Vec<f64> {
    let mut v = vec![0.0];
    for exp in -3..=10 {
        for m in [
            1.0, 1.2, 1.25, 2.0, 2.5, 3.333, 5.0, 7.5, 9.99, 9.995, 9.999,
        ] {
            let x = m * 10f64.powi(exp);
            v.extend([x, -x]);
        }
    }
    for n in [
        950,
        999,
        1000,
        1001,
        12_250,
        34_512,
        99_949,
        99_950,
        102_500,
        103_802_702,
    ] {
        v.push(n as f64);
    }
    v
}

/// True when `x`, as a decimal, ends in exactly 5 at the first digit that `digits` decimals
/// drop (a tie that the two languages round differently).
/// Also when the shortest decimal that reads back as `x` is such a tie (0.09995, stored as
/// 0.0999499…): JavaScript rounds that decimal, Rust the exact binary value.
fn is_tie(x: f64, digits: usize) -> bool {
    let exact = format!("{:.60}", x.abs());
    let point = exact.find('.').expect("a point");
    let tail = exact[point + 1 + digits..].trim_end_matches('0');
    let shortest = format!("{}", x.abs());
    let short_tail = shortest
        .split_once('.')
        .map_or("", |(_, f)| f.get(digits..).unwrap_or(""));
    tail == "5" || short_tail == "5"
}

#[test]
fn javascript_column_matches_rust_column() {
    // Every value alone, beside its neighbour in the sweep (a column's decimals come from its
    // smallest value), and a few table-like columns.
    let vals = values();
    let mut sets: Vec<Vec<f64>> = vals.iter().map(|&v| vec![v]).collect();
    sets.extend(vals.windows(2).map(<[f64]>::to_vec));
    sets.extend([
        vec![1234.56, 15.26],
        vec![55.5, 33.9, 0.0, 0.456],
        vec![103_802_702.0, 44_690_738.0],
    ]);
    let out = common::node_with_rules(
        "console.log(JSON.stringify(JSON.parse(process.argv[1]).map(F.column)));",
        &serde_json::json!(sets),
    );
    let from_js: Vec<Vec<String>> = serde_json::from_value(out).unwrap();
    assert_eq!(from_js.len(), sets.len());
    let mut same = 0;
    for (set, js) in sets.iter().zip(&from_js) {
        let rust = column(set);
        for ((v, r), j) in set.iter().zip(&rust).zip(js) {
            if r == j {
                same += 1;
                continue;
            }
            let digits = r.split_once('.').map_or(0, |(_, f)| f.len());
            assert!(
                is_tie(*v, digits),
                "{v} in {set:?}: Rust gives {r:?}, JavaScript {j:?} (not a rounding tie)"
            );
        }
    }
    assert!(same > 300, "only {same} values compared equal");
}

/// `decimal` and `si` of format.js give Rust's text for every value of the sweep (ties of
/// the last decimal excepted, as above).
#[test]
fn javascript_decimal_and_si_match_rust() {
    let vals = values();
    let out = common::node_with_rules(
        "var v = JSON.parse(process.argv[1]); console.log(JSON.stringify([v.map(F.decimal), v.map(F.si)]));",
        &serde_json::json!(vals),
    );
    let from_js: (Vec<String>, Vec<String>) = serde_json::from_value(out).unwrap();
    let mut same = 0;
    for (k, &v) in vals.iter().enumerate() {
        for (rust, js) in [(decimal(v), &from_js.0[k]), (si(v), &from_js.1[k])] {
            if rust == *js {
                same += 1;
                continue;
            }
            let digits = rust
                .trim_end_matches(['k', 'M', 'B'])
                .split_once('.')
                .map_or(0, |(_, f)| f.len());
            let scaled = [1e9, 1e6, 1e3]
                .into_iter()
                .find(|s| rust.ends_with(['k', 'M', 'B']) && v.abs() >= *s)
                .map_or(v, |s| v / s);
            assert!(
                is_tie(scaled, digits) || is_tie(scaled, digits + 1),
                "{v}: Rust gives {rust:?}, JavaScript {js:?} (not a rounding tie)"
            );
        }
    }
    assert!(same > 250, "only {same} values compared equal");
}
