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
const REQUIRED_SECTIONS: &[(&str, usize)] = &[("heatmaps", 1), ("compare", 1), ("sandbox", 2)];
/// Sections checked when the build has them (not on main yet when this test was written).
const OPTIONAL_SECTIONS: &[(&str, usize)] = &[];

const TIMEOUT: Duration = Duration::from_secs(900);

fn chromium() -> PathBuf {
    std::env::var_os("SEECOVID_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
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
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.as_ref().is_ok_and(|o| o.status.success()),
        "the browser test needs Node.js (`node` on PATH): {hint}"
    );
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
    // 5 loads per page (file:// and http at 1280 and 360 px, dark at 1280 over http); the 404
    // page only over http.
    assert_eq!(
        summary["loads"].as_u64().unwrap() as usize,
        (pages.len() - 1) * 5 + 3,
        "loads"
    );
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
