//! The explorer's JavaScript table formatter (`column` in assets/site/heatmaps.js, which
//! relabels the top-10 values for other per-capita divisors) mirrors the Rust one
//! (`render::format::column`, used for the same tables in the pages). Runs the real script's
//! function with Node on a sweep of values and compares every result with Rust's.
//!
//! One difference is inherent and allowed: at a decimal tie (0.125 at two decimals, or
//! 0.09995 at four) Rust's formatting rounds the exact binary value half to even and
//! JavaScript's `Intl.NumberFormat` rounds the shortest decimal half away from zero. Every
//! other value must give the same text.

mod common;

use std::process::Command;

use seecovid::render::format::column;

/// The source of `function NAME(…) { … }` in `js` (the functions have no nested braces
/// beyond one level, so brace counting is enough).
fn function_source(js: &str, name: &str) -> String {
    let start = js
        .find(&format!("function {name}("))
        .unwrap_or_else(|| panic!("no function {name} in heatmaps.js"));
    let mut depth = 0;
    for (i, c) in js[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return js[start..start + i + 1].to_string();
                }
            }
            _ => {}
        }
    }
    panic!("function {name} is not closed");
}

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
    let js = std::fs::read_to_string(common::repo_dir().join("assets/site/heatmaps.js")).unwrap();
    let script = format!(
        "{}\nconst sets = JSON.parse(process.argv[1]);\nconsole.log(JSON.stringify(sets.map(column)));",
        function_source(&js, "column"),
    );
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
    let out = Command::new("node")
        .arg("-e")
        .arg(&script)
        .arg(serde_json::to_string(&sets).unwrap())
        .output()
        .expect("node must be installed (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_js: Vec<Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
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
