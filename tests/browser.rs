//! The browser test: builds the `small` fixture site, serves it with `seecovid serve`, and runs
//! `tests/browser/check.mjs` (headless Debian Chromium driven by playwright-core, axe-core
//! injected) over the overview, the region pages, about, and the heat-map explorer, comparison
//! and sandbox pages, each from file:// and from the server, at 1280 and 360 px, light and dark.
//! What it checks is listed at the top of check.mjs.
//!
//! It fails — never skips — when Chromium, Node or the npm packages are missing:
//! `scripts/test.sh` installs them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{SiteTest, repo_dir, serve};

/// Sections that must be in the build, each with how many pages besides its index.html to check.
/// (compare: any.html, then the first preset group; sandbox: index.html's grid and scenarios.)
const REQUIRED_SECTIONS: &[(&str, usize)] = &[("heatmaps", 1), ("compare", 2), ("sandbox", 2)];
/// Sections checked when the build has them (not on main yet when this test was written).
const OPTIONAL_SECTIONS: &[(&str, usize)] = &[];

const TIMEOUT: Duration = Duration::from_secs(900);

fn chromium() -> PathBuf {
    std::env::var_os("SEECOVID_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Panics with the fix when `program` (`what`) does not run.
fn require_command(program: &str, arg: &str, what: &str, hint: &str) {
    let out = Command::new(program).arg(arg).output();
    assert!(
        out.as_ref().is_ok_and(|o| o.status.success()),
        "the test needs {what} (`{program}` on PATH): {hint}"
    );
}

/// Panics with the fix when a tool the test needs is missing.
fn require_tools(browser_dir: &Path) {
    let hint =
        "run scripts/test.sh (it installs Debian chromium and runs `npm ci` in tests/browser)";
    let chromium = chromium();
    assert!(
        chromium.is_file(),
        "the browser test needs Chromium at {} (or set SEECOVID_CHROMIUM): {hint}",
        chromium.display()
    );
    require_command("node", "--version", "Node.js", hint);
    for pkg in ["playwright-core", "axe-core"] {
        assert!(
            browser_dir.join("node_modules").join(pkg).is_dir(),
            "the browser test needs tests/browser/node_modules/{pkg}: {hint}"
        );
    }
}

/// Every `.html` file under `dir`, relative to `root`, sorted.
fn html_files(root: &Path, dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    v.sort();
    v
}

/// The section's index.html plus its first `extra` other pages.
fn section_pages(out: &Path, section: &str, extra: usize) -> Vec<String> {
    let index = format!("{section}/index.html");
    let mut pages = vec![index.clone()];
    pages.extend(
        html_files(out, &out.join(section))
            .into_iter()
            .filter(|p| *p != index)
            .take(extra),
    );
    pages
}

#[test]
fn pages_work_in_headless_chromium() {
    let browser_dir = repo_dir().join("tests/browser");
    require_tools(&browser_dir);

    let t = SiteTest::fixture("small");
    t.build();
    let out = t.out();

    let mut pages: Vec<String> = [
        "index.html",
        "regions/index.html",
        "regions/us--alabama.html",
        "regions/alphaland.html",
        "regions/us--alabama--autauga.html",
        "about/index.html",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for &(section, extra) in REQUIRED_SECTIONS {
        assert!(
            out.join(section).join("index.html").is_file(),
            "the build has no {section}/index.html"
        );
        pages.extend(section_pages(&out, section, extra));
    }
    for &(section, extra) in OPTIONAL_SECTIONS {
        if out.join(section).join("index.html").is_file() {
            pages.extend(section_pages(&out, section, extra));
        } else {
            eprintln!("note: the build has no {section}/ yet; not checked");
        }
    }
    // The server's 404 page for a missing path two folders deep (its links are root-relative).
    pages.push("404:no/such/folder/page.html".to_string());
    // Every checked section is linked from the overview.
    let index = t.read("index.html");
    for p in pages.iter().filter(|p| !p.starts_with("404:")) {
        let section = p.split('/').next().unwrap();
        if p.contains('/') {
            assert!(
                index.contains(&format!("{section}/"))
                    || index.contains(&format!("{section}&#x2F;")),
                "index.html does not link to {section}/"
            );
        }
    }

    let server = serve(&out);
    let log = t.tmp.path().join("browser-check.json");
    let err_log = t.tmp.path().join("browser-check.err");
    let started = Instant::now();
    let mut child = Command::new("node")
        .current_dir(&browser_dir)
        .arg("check.mjs")
        .arg("--site")
        .arg(&out)
        .arg("--base")
        .arg(format!("http://127.0.0.1:{}/", server.1))
        .arg("--chromium")
        .arg(chromium())
        .args(&pages)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(&err_log).unwrap())
        .spawn()
        .expect("cannot start node");
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stdout = std::fs::read_to_string(&log).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_log).unwrap_or_default();
    println!("{stdout}");
    eprintln!("{stderr}");
    eprintln!(
        "browser check of {} pages took {:.1} s",
        pages.len(),
        started.elapsed().as_secs_f64()
    );
    let status = status.unwrap_or_else(|| panic!("the browser check timed out after {TIMEOUT:?}"));
    assert!(
        status.success(),
        "the browser check failed ({status}):\n{stderr}"
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("JSON summary");
    assert_eq!(summary["ok"], true);
    // 6 loads per page (file:// and http at 1280 and 360 px, dark at 1280 and 360 over
    // http); the 404 page only over http.
    assert_eq!(
        summary["loads"].as_u64().unwrap() as usize,
        (pages.len() - 1) * 6 + 4,
        "loads"
    );
    assert_widgets(&summary);
    // The explorer's controls were found and switched the image.
    let explorer = summary["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["page"] == "heatmaps/index.html" && c["width"] == 1280 && c["scheme"] == "light"
        })
        .collect::<Vec<_>>();
    assert_eq!(explorer.len(), 2, "explorer checked from file:// and http");
    for c in explorer {
        let controls = c["controls"].as_array().expect("controls exercised");
        let selects = controls.iter().filter(|k| k["kind"] == "select").count();
        assert!(
            selects >= 5,
            "the explorer has selects for scope, measure, total/new, scale and colours: {c}"
        );
        let switched: u64 = controls
            .iter()
            .filter_map(|k| k["changes"].as_array())
            .flatten()
            .map(|ch| ch["images"].as_u64().unwrap_or(0))
            .sum();
        assert!(
            switched > 0,
            "the explorer's controls switched no image: {c}"
        );
        assert!(
            controls
                .iter()
                .any(|k| k["kind"] == "url" && k["ok"] == true),
            "the explorer's view was not checked to come back from its URL: {c}"
        );
        // Issue 10 item 7: every "Per N people" divisor, 1 … 1,000,000, was checked.
        let divisors = c["divisors"].as_array().expect("divisors checked");
        assert_eq!(divisors.len(), 7, "{c}");
        assert!(divisors.iter().all(|d| d["ok"] == true), "{c}");
    }
}

/// Issue 22, items 6, 7 and 10: region pages open on their main chart (within the first
/// screen at 360 × 740), drawn for the column on a desktop, with its views and a "Compare
/// with…" link that opens compare-any with the region and its parent picked; tap targets and
/// table columns on the screen at 360 px (tests/browser/region.mjs says what it checks).
#[test]
fn region_pages_open_on_their_main_chart_in_headless_chromium() {
    let browser_dir = repo_dir().join("tests/browser");
    require_tools(&browser_dir);
    let t = SiteTest::fixture("small");
    t.build();
    let pages = [
        "regions/us--alabama.html",
        "regions/alphaland.html",
        "regions/us--alabama--autauga.html",
        "regions/betaland--north.html",
        "grid:sandbox/index.html",
        "grid:regions/index.html",
    ];
    let o = Command::new("node")
        .current_dir(&browser_dir)
        .arg("region.mjs")
        .arg("--site")
        .arg(t.out())
        .arg("--chromium")
        .arg(chromium())
        .args(pages)
        .stdin(Stdio::null())
        .output()
        .expect("cannot start node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    println!("{stdout}");
    assert!(o.status.success(), "region.mjs failed:\n{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).expect("JSON summary");
    assert_eq!(summary["ok"], true);
    let checked = summary["pages"].as_array().unwrap();
    assert_eq!(checked.len(), pages.len());
    // The region pages' views were drawn and their compare links followed.
    for p in checked.iter().filter(|p| p["phone"].is_object()) {
        assert!(p["views"].as_array().is_some_and(|v| !v.is_empty()), "{p}");
        let ids = p["compare"]["ids"].as_array().map_or(0, Vec::len);
        assert!(ids >= 1, "{p}");
        assert_eq!(
            p["compare"]["chips"].as_array().map(Vec::len),
            Some(ids),
            "{p}"
        );
    }
}

/// Runs check.mjs on `out` (served on `port`) with `args`; panics with its report on failure
/// and returns its JSON summary.
fn run_check_mjs(out: &Path, port: u16, args: &[String], tmp: &Path) -> serde_json::Value {
    let browser_dir = repo_dir().join("tests/browser");
    let log = tmp.join("interactions.json");
    let err_log = tmp.join("interactions.err");
    let started = Instant::now();
    let mut child = Command::new("node")
        .current_dir(&browser_dir)
        .arg("check.mjs")
        .arg("--site")
        .arg(out)
        .arg("--base")
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg("--chromium")
        .arg(chromium())
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(&err_log).unwrap())
        .spawn()
        .expect("cannot start node");
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the browser check timed out after {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let stdout = std::fs::read_to_string(&log).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_log).unwrap_or_default();
    eprintln!("{stderr}");
    assert!(
        status.success(),
        "the browser check failed ({status}):\n{stderr}"
    );
    serde_json::from_str(&stdout).expect("JSON summary")
}

/// Issue 12 items 2 and 3 on real regions (fixture `named`): the header search finds
/// "South Korea", "Harris, TX", "New York City" (with the other four boroughs offered), "NYC",
/// "Burma" (and aliases, "Harris") first and Enter opens them, never showing an alias that
/// repeats the name; the compare picker finds "Harris, TX" too; pointing at a region — Harris County on a US-counties poster, Fulton County in the
/// explorer (at the slider's first date over http: the region CSV's value that day), Germany
/// on a world poster, Czechia on the overview — shows its value as in the map's CSV, and
/// clicking opens its page. From file:// and http, 1280 px (mouse) and 360 px (touch), light
/// and dark, with axe-core run while the list and the tooltip are open.
#[test]
fn search_and_clickable_maps_in_headless_chromium() {
    require_tools(&repo_dir().join("tests/browser"));
    let t = SiteTest::fixture("named");
    t.build();
    let out = t.out();
    let server = serve(&out);
    let explorer =
        "heatmaps/index.html#scope=us-counties&measure=confirmed&mode=total&scale=abs&axis=lin";
    let mut args: Vec<String> = Vec::new();
    for (q, id) in [
        ("South Korea", "korea-south"),
        ("Harris, TX", "us--texas--harris"),
        // Issue 22 item 13: the city's name offers its five counties, Manhattan first.
        (
            "New York City",
            "us--new-york--new-york+us--new-york--kings+us--new-york--queens+us--new-york--bronx+us--new-york--richmond",
        ),
        ("Czech Republic", "czechia"),
        ("UK", "united-kingdom"),
        ("Harris", "us--texas--harris"),
        ("NYC", "us--new-york--new-york+us--new-york--kings"),
        ("Burma", "burma"),
    ] {
        args.push("--search".into());
        args.push(format!("{q}={id}"));
    }
    // Issue 22 item 12: the compare picker finds what the header search finds.
    args.push("--pick".into());
    args.push("Harris, TX=us--texas--harris".into());
    for (page, id) in [
        (
            "heatmaps/us-counties/confirmed-total-abs-lin.html",
            "us--texas--harris",
        ),
        (explorer, "us--georgia--fulton"),
        ("heatmaps/world/deaths-total-abs-log.html", "germany"),
        // The overview's world map: new cases per 100,000 (fractional values).
        ("index.html", "ukraine"),
    ] {
        args.push("--map".into());
        args.push(format!("{page}={id}"));
    }
    // Issue 22 item 4: the explorer's timeline on a view with three frames.
    args.push("--timeline".into());
    args.push(
        "heatmaps/index.html#scope=world&measure=confirmed&mode=total&scale=abs&axis=lin".into(),
    );
    if let Some(dir) = std::env::var_os("SEECOVID_SHOTS") {
        args.push("--screenshots".into());
        args.push(dir.to_string_lossy().into_owned());
    }
    // The standard checks on the pages these widgets add or change.
    args.extend(
        ["index.html", "heatmaps/us-counties/regions.html"]
            .iter()
            .map(|s| s.to_string()),
    );
    let summary = run_check_mjs(&out, server.1, &args, t.tmp.path());
    assert_eq!(summary["ok"], true);
    let done = summary["interactions"].as_array().expect("interactions");
    // 6 runs (file/http × 1280/360 light, http × 1280/360 dark) × (8 searches + 4 maps +
    // 1 compare pick), and the timeline on the 4 http runs.
    assert_eq!(done.len(), 6 * 13 + 4, "interactions run");
    let timelines: Vec<&serde_json::Value> = done
        .iter()
        .filter(|c| {
            c["page"]
                .as_str()
                .is_some_and(|p| p.starts_with("timeline "))
        })
        .collect();
    assert_eq!(timelines.len(), 4, "timeline checks");
    for c in timelines {
        assert!(
            c["beforeLoad"]["text"].is_string() && c["afterLoad"]["frame"] == 0,
            "the timeline check did not get through: {c}"
        );
    }
    let tips = done
        .iter()
        .filter(|c| c["tip"]["value"].as_str().is_some_and(|v| !v.is_empty()))
        .count();
    assert_eq!(tips, 6 * 4, "every map check read a tooltip value");
}

/// The widget checks of widgets.mjs ran where they should (their failures already failed the
/// check): values on hover on every load of the region page, compare-any on every load of its
/// page, at both widths and from both origins.
fn assert_widgets(summary: &serde_json::Value) {
    let checks = summary["checks"].as_array().unwrap();
    let of = |page: &str| -> Vec<&serde_json::Value> {
        checks.iter().filter(|c| c["page"] == page).collect()
    };
    let region = of("regions/us--alabama.html");
    assert_eq!(region.len(), 6, "region page loads");
    for c in &region {
        let h = &c["widgets"]["hover"];
        assert!(
            // The main chart (new cases and deaths, two panels), the totals and the log totals.
            h["figures"].as_u64().unwrap_or(0) >= 3 && h["keys"].as_u64().unwrap_or(0) >= 15,
            "hover values were not checked on every chart: {c}"
        );
        assert_eq!(h["pointer"], 1, "pointer hover not checked: {c}");
    }
    for page in [
        "compare/g7.html",
        "sandbox/index.html",
        "sandbox/scenarios.html",
    ] {
        let loads = of(page);
        assert_eq!(loads.len(), 6, "{page} loads");
        for c in &loads {
            let h = &c["widgets"]["hover"];
            assert!(
                h["figures"].as_u64().unwrap_or(0) >= 1 && h["pointer"] == 1,
                "hover values were not checked on {page}: {c}"
            );
        }
    }
    let compare = of("compare/any.html");
    assert_eq!(compare.len(), 6, "compare-any loads");
    for c in &compare {
        let w = &c["widgets"]["compare"];
        assert!(
            w["onLoad"].as_u64().unwrap_or(0) >= 2,
            "no default chart: {c}"
        );
        assert_eq!(w["cases"].as_array().map(Vec::len), Some(4), "{c}");
        assert_eq!(w["deaths"].as_array().map(Vec::len), Some(4), "{c}");
        assert_eq!(w["afterPick"], 5, "{c}");
    }
}

/// Issue 23 item 7: the Nu HTML checker (npm `vnu-jar`, run with Java) finds no error on a
/// sample of every page type of the `small` fixture site: the overview, the regions index, a
/// country, a state and a county page, about, the heat-map explorer, a heat-map page and its
/// regions list, the comparison index, a preset comparison and compare-any, the sandbox and its
/// scenarios, and the 404 page. (It found `p` after a `figcaption` inside `figure` on the
/// overview, the explorer and every heat-map page.)
#[test]
fn pages_pass_the_nu_html_checker() {
    let browser_dir = repo_dir().join("tests/browser");
    let jar = browser_dir.join("node_modules/vnu-jar/build/dist/vnu.jar");
    let hint =
        "run scripts/test.sh (it installs a Java runtime and runs `npm ci` in tests/browser)";
    assert!(
        jar.is_file(),
        "the HTML check needs {}: {hint}",
        jar.display()
    );
    require_command("java", "-version", "Java", hint);
    let t = SiteTest::fixture("small");
    t.build();
    let out = t.out();
    let mut pages: Vec<String> = [
        "index.html",
        "regions/index.html",
        "regions/alphaland.html",
        "regions/us--alabama.html",
        "regions/us--alabama--autauga.html",
        "about/index.html",
        "heatmaps/index.html",
        "heatmaps/world/regions.html",
        "heatmaps/world/confirmed-new-pc-lin.html",
        "compare/index.html",
        "compare/any.html",
        "sandbox/index.html",
        "sandbox/scenarios.html",
        "404.html",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    pages.extend(section_pages(&out, "compare", 2).into_iter().skip(1));
    for p in &pages {
        assert!(out.join(p).is_file(), "the build has no {p}");
    }
    let o = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(pages.iter().map(|p| out.join(p)))
        .output()
        .expect("cannot run java");
    let report = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && report.trim().is_empty(),
        "the Nu HTML checker found errors on {} pages:\n{report}",
        pages.len()
    );
}
