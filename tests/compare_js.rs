//! compare/any.html draws its chart in the browser (assets/site/compare.js) by the layout
//! rules of the precomputed charts (`render::chart`). This test runs compare.js's own axis and
//! label functions with Node (after the site's assets/rules.js, whose constants both sides
//! share) and compares them with Rust's (`render::axis`, `render::chart`) on sweeps of inputs: linear ranges and ticks, log
//! axes (at most 6 decades), day and date ticks at the desktop and phone widths (text ×
//! the phone scale, fewer ticks), year-only date labels, y labels, and end labels spread in one
//! column with grey dotted leaders.

mod common;

use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};

use seecovid::render::axis::{
    date_label, date_ticks, day_ticks, log_range, nice_range, x_keys, y_label, yearly,
};
use seecovid::render::chart::{PHONE_TEXT, PHONE_W, spread_labels};

/// compare.js's functions `names` (and its MONTHS table), then `body`, run with `arg`.
fn run(names: &[&str], body: &str, arg: Value) -> Value {
    let js = std::fs::read_to_string(common::repo_dir().join("assets/site/compare.js")).unwrap();
    let months = js
        .lines()
        .find(|l| l.trim_start().starts_with("var MONTHS ="))
        .expect("compare.js has MONTHS");
    let mut script = format!("{months}\nvar K = 1;\n");
    for n in names {
        script += &common::function_source(&js, n);
        script += "\n";
    }
    script += "var A = JSON.parse(process.argv[1]);\n";
    script += body;
    common::node_with_rules(&script, &arg)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn same_range(js: &Value, rust: &(f64, f64, Vec<f64>), what: &str) {
    let a = js[0].as_f64().unwrap();
    let b = js[1].as_f64().unwrap();
    let t: Vec<f64> = js[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        close(a, rust.0) && close(b, rust.1),
        "{what}: JS {a}..{b}, Rust {}..{}",
        rust.0,
        rust.1
    );
    assert_eq!(t.len(), rust.2.len(), "{what}: ticks {t:?} vs {:?}", rust.2);
    for (x, y) in t.iter().zip(&rust.2) {
        assert!(close(*x, *y), "{what}: ticks {t:?} vs {:?}", rust.2);
    }
}

#[test]
fn linear_and_log_axes_match_render_chart() {
    let mut pairs: Vec<(f64, f64)> = Vec::new();
    for lo in [-2500.0, -30.0, -0.4, 0.0, 0.003, 1.0, 17.0] {
        for hi in [0.0, 0.05, 0.9, 1.0, 7.3, 95.0, 1234.0, 98_765.0, 3.2e7] {
            if hi >= lo {
                pairs.push((lo, hi));
            }
        }
    }
    let out = run(
        &["niceRange", "yAxis", "yLabel"],
        "console.log(JSON.stringify(A.map(function (p) { \
           var l = yAxis(p[0], p[1], false), g = yAxis(Math.log10(Math.max(p[0], 1e-9)), Math.log10(Math.max(p[1], 1e-9)), true); \
           return [l, g, l[2].map(function (y) { return yLabel(y, false); }), g[2].map(function (y) { return yLabel(y, true); })]; })));",
        json!(pairs),
    );
    for (k, &(lo, hi)) in pairs.iter().enumerate() {
        let lin = nice_range(lo.min(0.0), hi.max(0.0));
        same_range(&out[k][0], &lin, &format!("linear {lo}..{hi}"));
        let (llo, lhi) = (lo.max(1e-9).log10(), hi.max(1e-9).log10());
        let log = log_range(llo, lhi);
        same_range(&out[k][1], &log, &format!("log {lo}..{hi}"));
        assert!(log.1 - log.0 <= 6.0, "log axis over 6 decades");
        let lin_labels: Vec<String> = lin.2.iter().map(|&y| y_label(y, false)).collect();
        let log_labels: Vec<String> = log.2.iter().map(|&y| y_label(y, true)).collect();
        assert_eq!(out[k][2], json!(lin_labels), "linear labels {lo}..{hi}");
        assert_eq!(out[k][3], json!(log_labels), "log labels {lo}..{hi}");
    }
    // 1e-9 .. 3.2e7 spans 17 decades: both cap at 6.
    let capped = &out[pairs.iter().position(|p| *p == (0.0, 3.2e7)).unwrap()][1];
    assert_eq!(capped[0].as_f64().unwrap(), 2.0);
}

#[test]
fn day_and_date_ticks_and_labels_match_render_chart() {
    let start = NaiveDate::from_ymd_opt(2020, 1, 22).unwrap();
    let mut cases: Vec<(Option<String>, usize, u32, f64)> = Vec::new();
    for days in [2, 10, 45, 60, 130, 400, 800, 1143] {
        for (w, k) in [(720, 1.0), (PHONE_W, PHONE_TEXT), (300, PHONE_TEXT)] {
            cases.push((Some(start.to_string()), days, w, k));
            cases.push((None, days, w, k));
        }
    }
    let out = run(
        &["px", "dayTicks", "utc", "dateTicks", "xTicks", "xLabels"],
        "console.log(JSON.stringify(A.map(function (c) { K = c[3]; \
           var t = xTicks(c[0], c[1], c[2]); return [t, xLabels(c[0], c[1], t)]; })));",
        json!(cases),
    );
    for (n, (s, days, w, k)) in cases.iter().enumerate() {
        let st = s.as_ref().map(|_| start);
        let keys = x_keys(st, *days, *w, *k);
        let js: Vec<f64> = out[n][0]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(
            js,
            keys,
            "x ticks of {days} days, {w} px, ×{k}, dates {}",
            st.is_some()
        );
        let labels: Vec<String> = match st {
            None => keys
                .iter()
                .map(|x| format!("{}", x.round() as i64))
                .collect(),
            Some(st) => keys
                .iter()
                .map(|x| date_label(st + Duration::days(*x as i64), *days, yearly(&keys)))
                .collect(),
        };
        assert_eq!(out[n][1], json!(labels), "labels of {days} days at {w} px");
    }
    // The sweep covers year-only labels (1,143 days on a phone) and plain day/date ticks.
    let year_only = |c: &Value| {
        c[1].as_array().is_some_and(|l| {
            l.len() > 1 && l.iter().all(|t| t.as_str().is_some_and(|t| t.len() == 4))
        })
    };
    assert!(out.as_array().unwrap().iter().any(year_only));
    // The Rust helpers agree with date_ticks / day_ticks themselves.
    assert_eq!(x_keys(None, 11, 720, 1.0), day_ticks(10, 10));
    let d: Vec<f64> = date_ticks(start, 400, 7).iter().map(|t| t.0).collect();
    assert_eq!(x_keys(Some(start), 400, 720, 1.0), d);
}

/// End labels: the positions of chart::spread_labels, in one column right of the plot; a
/// label that moved is joined to its line's end by a grey dotted leader (never the line's
/// colour), a dot of the line's colour marks the end.
#[test]
fn end_labels_are_spread_in_one_column_with_grey_dotted_leaders() {
    let ends = [
        (120.0, 300.0),
        (122.0, 690.0),
        (125.0, 500.0),
        (240.0, 690.0),
        (40.0, 680.0),
    ];
    let out = run(
        &["px", "spreadLabels", "darken", "endLabels"],
        "var drawn = []; function svg(tag, attrs) { drawn.push([tag, attrs]); return {}; } \
         var ls = A.map(function (e, n) { return { s: { color: R.lines[n] } }; }); \
         var ends = A.map(function (e, n) { return { y: e[0], x: e[1], n: n }; }); \
         endLabels(null, ends, ls, A.map(function (e, n) { return 'L' + n; }), { top: 30, bottom: 300, right: 700 }, 12); \
         console.log(JSON.stringify([drawn, R.leader, R.lines]));",
        json!(ends),
    );
    let drawn = out[0].as_array().unwrap();
    let leader = out[1].as_str().unwrap();
    let lines: Vec<&str> = out[2]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let texts: Vec<&Value> = drawn
        .iter()
        .filter(|d| d[0] == "text")
        .map(|d| &d[1])
        .collect();
    assert_eq!(texts.len(), ends.len());
    // One column.
    assert!(texts.iter().all(|t| t["x"] == texts[0]["x"]), "{texts:?}");
    // The label heights chart::spread_labels gives (labels sorted by the height of their
    // line's end), gap 14 at K = 1, inside the plot less 6 px.
    let mut want: Vec<i32> = ends.iter().map(|e| e.0 as i32).collect();
    want.sort();
    let ys = spread_labels(&want, 36, 294, 14);
    let got: Vec<i32> = texts
        .iter()
        .map(|t| (t["y"].as_f64().unwrap() - 4.0).round() as i32)
        .collect();
    assert_eq!(got, ys);
    let leaders: Vec<&Value> = drawn
        .iter()
        .filter(|d| d[0] == "path")
        .map(|d| &d[1])
        .collect();
    assert!(!leaders.is_empty(), "labels moved, so leaders are drawn");
    for l in &leaders {
        assert_eq!(l["stroke"], leader, "a leader in a data colour: {l}");
        assert!(!lines.contains(&leader));
        assert!(l["stroke-dasharray"].is_string(), "a solid leader: {l}");
    }
    let dots = drawn.iter().filter(|d| d[0] == "circle").count();
    assert_eq!(dots, ends.len(), "a dot at every line end");
}

/// The phone switch and type scale come from the rules, not from numbers of compare.js.
#[test]
fn layout_reads_the_charts_phone_rules() {
    let js = std::fs::read_to_string(common::repo_dir().join("assets/site/compare.js")).unwrap();
    assert!(js.contains("R.chart_phone_max_w"));
    let layout = common::function_source(&js, "layout");
    assert!(layout.contains("R.phone_text"), "{layout}");
    for n in ["560", "679", "1.35", "#0072b2", "* 10000", "10,000"] {
        assert!(!js.contains(n), "compare.js writes {n} itself");
    }
}
