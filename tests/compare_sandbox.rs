//! Compare ("the curves") and sandbox (SIR) pages on the `small` fixture: every view is
//! rendered and linked, config groups and scenarios appear, bad config is a clear error, and
//! the site passes `seecovid check`.

mod common;

use std::process::Command;

use common::{SiteTest, bin, snapshot, stderr};

const CONFIG: &str = r#"
[[compare.groups]]
name = "Test Group"
regions = ["alphaland", "betaland--south", "us--alabama"]

[[sandbox.scenarios]]
name = "Test lockdown"
steps = [
  { day = 0, r = 3.0, d = 7 },
  { day = 21, r = 0.6, d = 7 },
  { day = 77, r = 1.5, d = 5.5 },
]
"#;

fn build_with_config(t: &SiteTest, toml: &str) -> std::process::Output {
    let p = t.tmp.path().join("test.toml");
    std::fs::write(&p, toml).unwrap();
    t.build_with(&["--config", p.to_str().unwrap()])
}

/// A page with Tera's `&#x2F;` escapes decoded.
fn read(t: &SiteTest, rel: &str) -> String {
    t.read(rel).replace("&#x2F;", "/")
}

fn contains(t: &SiteTest, rel: &str, needle: &str) {
    assert!(
        read(t, rel).contains(needle),
        "{rel} does not contain {needle:?}"
    );
}

/// The JSON in `<script type="application/json" id="{id}">` of a page.
fn views(page: &str, id: &str) -> serde_json::Map<String, serde_json::Value> {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let start = page.find(&open).expect("views JSON") + open.len();
    let end = start + page[start..].find("</script>").unwrap();
    match serde_json::from_str(&page[start..end]).unwrap() {
        serde_json::Value::Object(m) => m,
        v => panic!("not an object: {v}"),
    }
}

#[test]
fn compare_and_sandbox_pages_are_complete_and_pass_check() {
    let t = SiteTest::fixture("small");
    t.build();
    t.has_file("compare/index.html")
        .has_file("sandbox/index.html")
        .has_file("sandbox/scenarios.html")
        .has_file("assets/switch.js");
    // Both sections are in the top navigation of every page.
    contains(&t, "index.html", "href=\"compare/index.html\"");
    contains(
        &t,
        "regions/alphaland.html",
        "href=\"../sandbox/index.html\"",
    );
    contains(&t, "compare/index.html", "href=\"top-countries.html\"");
    contains(&t, "compare/top-countries.html", "Alphaland");
    contains(
        &t,
        "sandbox/index.html",
        "Runge–Kutta method (RK4) with a fixed step of 1/10 day",
    );
    contains(&t, "sandbox/index.html", "href=\"scenarios.html\"");

    // Each group page: 48 views (cases and deaths), every view's image exists and is linked
    // with <a href>.
    let page = read(&t, "compare/top-countries.html");
    let v = views(&page, "views");
    assert_eq!(v.len(), 48);
    for (key, view) in &v {
        let img = format!("img/top-countries-{key}.svg");
        t.has_file(&format!("compare/{img}"));
        assert!(
            page.contains(&format!("href=\"{img}\"")),
            "no link to {img}"
        );
        let alt = view["alt"].as_str().unwrap();
        assert!(alt.starts_with("Line chart of "), "{alt}");
    }
    // Calendar totals: the alt text names the values shown (Alphaland ends at 170).
    let alt = v["cases-total-linear-absolute-date"]["alt"]
        .as_str()
        .unwrap();
    assert!(alt.contains("Alphaland 170 (2021-08-07)"), "{alt}");
    // The deaths views: Alphaland's deaths end at 4 on 2021-08-07 (its CSV).
    let alt = v["deaths-total-linear-absolute-date"]["alt"]
        .as_str()
        .unwrap();
    assert!(
        alt.starts_with("Line chart of total deaths") && alt.contains("Alphaland 4 (2021-08-07)"),
        "{alt}"
    );

    // Sandbox 1: the full grid, linked from the no-JS table; both selectors share one set.
    let page = read(&t, "sandbox/index.html");
    let grid = views(&page, "sir-views");
    assert_eq!(grid.len(), 28 * 17);
    for (key, view) in &grid {
        // Each run is drawn on its own (shortest) horizon, linked from the table, and on
        // every longer one for the side-by-side view.
        let h = view["h"].as_u64().unwrap();
        let img = format!("img/sir-{key}-h{h}.svg");
        t.has_file(&format!("sandbox/{img}"));
        assert!(
            page.contains(&format!("href=\"{img}\"")),
            "no link to {img}"
        );
        for longer in [100, 300, 1500].into_iter().filter(|&x| x >= h) {
            t.has_file(&format!("sandbox/img/sir-{key}-h{longer}.svg"));
        }
    }
    assert_eq!(page.matches("data-switch=\"").count(), 2);
    // r = 2: about 79.7 % ever infected (the final-size equation), shown for every d.
    assert!(
        grid["r2-d7"]["total"]
            .as_str()
            .unwrap()
            .contains("(79.7\u{a0}%)"),
        "{}",
        grid["r2-d7"]
    );

    sandbox_side_by_side_shares_axes_and_grid_rows_differ(&t, &page);

    let ok = Command::new(bin())
        .arg("check")
        .arg(t.out())
        .output()
        .unwrap();
    assert!(ok.status.success(), "check failed: {}", stderr(&ok));
}

/// Issue 10 item 9: the two scenarios side by side are drawn on the same axes (their x-axis
/// strips are identical pixels), and the scenario grid does not repeat one row 28 times.
fn sandbox_side_by_side_shares_axes_and_grid_rows_differ(t: &SiteTest, page: &str) {
    let srcs: Vec<&str> = page
        .split("<img data-bind data-bind-src=\"")
        .skip(1)
        .map(|p| {
            let p = &p[p.find(" src=\"").unwrap() + 6..];
            &p[..p.find('"').unwrap()]
        })
        .collect();
    assert_eq!(srcs.len(), 2, "{srcs:?}");
    // The x axes: every text in the bottom 30 px of each SVG (tick labels and the axis
    // description, with their positions) and the images' sizes must be the same.
    let bottom_texts = |src: &str| -> (String, Vec<String>) {
        let svg = std::fs::read_to_string(t.out().join("sandbox").join(src)).unwrap();
        let attr = |tag: &str, name: &str| -> f64 {
            let k = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            tag[k..k + tag[k..].find('"').unwrap()].parse().unwrap()
        };
        let head = &svg[..svg.find('>').unwrap()];
        let h = attr(head, "height");
        let texts = svg
            .split("<text")
            .skip(1)
            .filter(|t| attr(t, "y") > h - 30.0)
            .map(|t| t[..t.find("</text>").unwrap()].to_string())
            .collect();
        (head.to_string(), texts)
    };
    let (a, b) = (bottom_texts(srcs[0]), bottom_texts(srcs[1]));
    assert!(!a.1.is_empty(), "no x-axis labels found in {}", srcs[0]);
    assert!(
        a == b,
        "{} and {} have different x axes: {:?} vs {:?}",
        srcs[0],
        srcs[1],
        a.1,
        b.1
    );
    // Grid rows (the cells of each "N days" row) are not all the same.
    let rows: std::collections::BTreeSet<String> = page
        .split("<tr><th scope=\"row\">")
        .skip(1)
        .filter(|r| r.contains(" day"))
        .map(|r| {
            let r = &r[r.find("</th>").unwrap()..r.find("</tr>").unwrap()];
            r.split("<span")
                .map(|c| c.rsplit('>').next().unwrap_or(""))
                .collect::<String>()
        })
        .collect();
    assert!(rows.len() >= 20, "only {} different grid rows", rows.len());
}

#[test]
fn config_group_and_scenario_appear_on_the_site() {
    let t = SiteTest::fixture("small");
    let o = build_with_config(&t, CONFIG);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    contains(&t, "compare/index.html", "href=\"test-group.html\"");
    contains(&t, "compare/index.html", "Test Group");
    contains(&t, "compare/test-group.html", "<h1>Test Group</h1>");
    contains(
        &t,
        "compare/test-group.html",
        "href=\"../regions/us--alabama.html\"",
    );
    t.has_file("compare/img/test-group-cases-new-log-per100k-p10k.svg");
    t.has_file("compare/img/test-group-deaths-new-log-per100k-p10k.svg");
    // Betaland South has no population: left out of the per-capita views, with a note.
    let page = read(&t, "compare/test-group.html");
    let v = views(&page, "views");
    let note = v["cases-total-linear-per100k-date"]["note"]
        .as_str()
        .unwrap();
    assert!(note.contains("South (no population figure)"), "{note}");
    assert_eq!(v["cases-total-linear-absolute-date"]["note"], "");

    contains(
        &t,
        "sandbox/scenarios.html",
        "<h2 id=\"test-lockdown\">Test lockdown</h2>",
    );
    contains(
        &t,
        "sandbox/scenarios.html",
        "<th scope=\"row\">77</th><td>1.5</td><td>5.5</td>",
    );
    t.has_file("sandbox/img/scenario-test-lockdown.svg");

    let ok = Command::new(bin())
        .arg("check")
        .arg(t.out())
        .output()
        .unwrap();
    assert!(ok.status.success(), "check failed: {}", stderr(&ok));
}

#[test]
fn unknown_region_in_a_group_names_the_group_and_the_id() {
    let t = SiteTest::fixture("small");
    let o = build_with_config(
        &t,
        "[[compare.groups]]\nname = \"Neighbours\"\nregions = [\"alphaland\", \"gammaland\"]\n",
    );
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("`Neighbours`") && e.contains("`gammaland`") && e.contains("compare.groups[0]"),
        "{e}"
    );
    assert!(!t.out().exists(), "nothing is written on error");
}

#[test]
fn malformed_config_is_an_error_naming_the_key() {
    let cases = [
        // Misspelt key in a group.
        (
            "[[compare.groups]]\nname = \"A\"\nregion = [\"alphaland\"]\n",
            "region",
        ),
        // Unknown key inside a breakpoint.
        (
            "[[sandbox.scenarios]]\nname = \"S\"\nsteps = [{ day = 0, r = 2, d = 7, q = 1 }]\n",
            "q",
        ),
        // Out of range.
        (
            "[[sandbox.scenarios]]\nname = \"S\"\nsteps = [{ day = 0, r = 9, d = 7 }]\n",
            "sandbox.scenarios[0].steps[0].r",
        ),
        // Wrong type.
        (
            "[[compare.groups]]\nname = \"A\"\nregions = \"alphaland\"\n",
            "regions",
        ),
        // First breakpoint not on day 0.
        (
            "[[sandbox.scenarios]]\nname = \"S\"\nsteps = [{ day = 3, r = 2, d = 7 }]\n",
            "sandbox.scenarios[0].steps",
        ),
    ];
    let t = SiteTest::fixture("small");
    for (toml, key) in cases {
        let o = build_with_config(&t, toml);
        assert!(!o.status.success(), "accepted: {toml}");
        let e = stderr(&o);
        assert!(
            e.contains(key),
            "error for {toml:?} does not name {key:?}: {e}"
        );
        assert!(e.contains("test.toml"), "error does not name the file: {e}");
    }
}

#[test]
fn compare_and_sandbox_output_is_deterministic() {
    let a = SiteTest::fixture("small");
    let b = SiteTest::fixture("small");
    assert!(build_with_config(&a, CONFIG).status.success());
    assert!(build_with_config(&b, CONFIG).status.success());
    for dir in ["compare", "sandbox"] {
        let x = snapshot(&a.out().join(dir));
        let y = snapshot(&b.out().join(dir));
        assert!(!x.is_empty());
        assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
        for (k, v) in &x {
            assert!(v == &y[k], "{dir}/{k} differs between two builds");
        }
    }
}
