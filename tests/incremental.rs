//! Incremental, deterministic and fail-safe builds (issue: fast, incremental, deterministic
//! and fail-safe builds) on the `small` fixture.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

use common::{SiteTest, bin, snapshot, stderr};

fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

fn ok(o: &std::process::Output) -> String {
    let e = stderr(o);
    assert!(o.status.success(), "{e}");
    e
}

#[test]
fn noop_rebuild_writes_nothing() {
    let t = SiteTest::fixture("small");
    t.build();
    let before = mtimes(&t.out());
    let snap = snapshot(&t.out());
    std::thread::sleep(Duration::from_millis(20));
    let e = ok(&t.build_with(&[]));
    assert!(e.contains("up to date"), "{e}");
    assert!(e.contains("0 written"), "{e}");
    assert_eq!(mtimes(&t.out()), before, "a no-op rebuild touched files");
    assert!(snapshot(&t.out()) == snap);
}

#[test]
fn template_change_rerenders_only_its_pages_and_force_rebuilds_all() {
    let t = SiteTest::fixture("small");
    t.build();
    let before = mtimes(&t.out());
    std::thread::sleep(Duration::from_millis(20));
    // An author overrides the about template.
    let tpl = t.tmp.path().join("tpl");
    std::fs::create_dir_all(&tpl).unwrap();
    let about = std::fs::read_to_string(common::repo_dir().join("templates/about.html")).unwrap();
    std::fs::write(
        tpl.join("about.html"),
        about.replace("About this site", "About us"),
    )
    .unwrap();
    let cfg = t.tmp.path().join("seecovid.toml");
    std::fs::write(
        &cfg,
        format!("[site]\ntemplates = {:?}\n", tpl.display().to_string()),
    )
    .unwrap();
    let e = ok(&t.build_with(&["--config", cfg.to_str().unwrap()]));
    let after = mtimes(&t.out());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k)
        .filter(|k| !k.starts_with(".seecovid"))
        .collect();
    assert_eq!(changed, vec!["about/index.html"], "{e}");
    assert!(t.read("about/index.html").contains("About us"));

    std::thread::sleep(Duration::from_millis(20));
    let e = ok(&t.build_with(&["--config", cfg.to_str().unwrap(), "--force"]));
    let forced = mtimes(&t.out());
    let untouched = forced
        .iter()
        .filter(|(k, v)| after.get(*k) == Some(v))
        .count();
    assert_eq!(untouched, 0, "--force must rewrite every file: {e}");
}

#[test]
fn new_data_rebuilds_what_depends_on_it() {
    let t = SiteTest::fixture("small");
    t.build();
    let before = snapshot(&t.out());
    // Change one US county's last value: the US, Alabama and that county change.
    t.edit(seecovid::data::CONFIRMED_US, |s| {
        s.replacen(",15,15,20\n", ",15,15,21\n", 1)
    });
    ok(&t.build_with(&[]));
    let after = snapshot(&t.out());
    assert_ne!(
        before["data/regions/us--alabama--autauga.csv"],
        after["data/regions/us--alabama--autauga.csv"]
    );
    assert_ne!(
        before["data/regions/us--alabama.csv"],
        after["data/regions/us--alabama.csv"]
    );
    assert_eq!(
        before["data/regions/alphaland.csv"],
        after["data/regions/alphaland.csv"]
    );
}

#[test]
fn jobs_1_and_jobs_2_give_byte_identical_trees() {
    let a = SiteTest::fixture("small");
    ok(&a.build_with(&["--jobs", "1"]));
    let b = SiteTest::fixture("small");
    ok(&b.build_with(&["--jobs", "2", "--force"]));
    let (sa, sb) = (snapshot(&a.out()), snapshot(&b.out()));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (k, v) in &sa {
        assert!(v == &sb[k], "{k} differs between --jobs 1 and --jobs 2");
    }
}

#[test]
fn a_panic_in_a_render_task_leaves_the_previous_output() {
    let t = SiteTest::fixture("small");
    t.build();
    let before = snapshot(&t.out());
    // Change the data so the build cannot reuse everything, then crash while rendering.
    t.edit(seecovid::data::CONFIRMED_GLOBAL, |s| {
        s.replace(",160,170", ",161,171")
    });
    let o = Command::new(bin())
        .current_dir(t.tmp.path())
        .args(["build", "--quiet", "--data"])
        .arg(t.data())
        .arg("--out")
        .arg(t.out())
        .env("SEECOVID_TEST_PANIC_REGION", "alphaland")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(snapshot(&t.out()) == before, "previous output changed");
    assert_no_leftovers(t.tmp.path());
}

fn assert_no_leftovers(dir: &Path) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out."))
        .collect();
    assert!(left.is_empty(), "leftovers: {left:?}");
}

#[test]
fn sigterm_during_a_build_leaves_the_previous_output() {
    let t = SiteTest::fixture("small");
    t.build();
    let before = snapshot(&t.out());
    t.edit(seecovid::data::CONFIRMED_GLOBAL, |s| {
        s.replace(",160,170", ",161,171")
    });
    // Use the real data size to have time to interrupt: copy the bundled data.
    let big = t.tmp.path().join("big");
    std::fs::create_dir_all(&big).unwrap();
    for e in std::fs::read_dir(common::repo_dir().join("assets/data")).unwrap() {
        let e = e.unwrap();
        // The JHU files are enough to be interrupted (the who/ folder is skipped).
        if e.path().is_file() {
            std::fs::copy(e.path(), big.join(e.file_name())).unwrap();
        }
    }
    for delay_ms in [300u64, 1500, 4000] {
        let mut child = Command::new(bin())
            .current_dir(t.tmp.path())
            .args(["build", "--quiet", "--scopes", "australia", "--data"])
            .arg(&big)
            .arg("--out")
            .arg(t.out())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        unsafe_free_kill(child.id());
        let st = child.wait().unwrap();
        assert!(
            !st.success(),
            "the build finished before SIGTERM ({delay_ms} ms)"
        );
        assert!(
            snapshot(&t.out()) == before,
            "previous output changed ({delay_ms} ms)"
        );
    }
    // The next build cleans up whatever a killed build left behind.
    ok(&t.build_with(&[]));
    assert_no_leftovers(t.tmp.path());
}

/// SIGTERM via the `kill` command (no unsafe libc call needed).
fn unsafe_free_kill(pid: u32) {
    let s = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(s.success());
}

#[test]
fn a_changed_compare_group_rerenders_only_that_group() {
    let t = SiteTest::fixture("small");
    let cfg = t.tmp.path().join("seecovid.toml");
    let write = |extra: &str| {
        std::fs::write(
            &cfg,
            format!(
                "[[compare.groups]]\nname = \"Group A\"\nregions = [\"alphaland\", \"betaland\"]\n\n\
                 [[compare.groups]]\nname = \"Group B\"\nregions = [\"us\", \"{extra}\"]\n"
            ),
        )
        .unwrap();
    };
    write("us--alabama");
    ok(&t.build_with(&["--config", cfg.to_str().unwrap()]));
    let before = mtimes(&t.out());
    std::thread::sleep(Duration::from_millis(20));
    write("us--guam");
    ok(&t.build_with(&["--config", cfg.to_str().unwrap()]));
    let after = mtimes(&t.out());
    let changed: Vec<&String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        changed.iter().any(|k| k.starts_with("compare/img/group-b")),
        "{changed:?}"
    );
    assert!(
        !changed.iter().any(|k| k.starts_with("compare/img/group-a")),
        "group A was re-rendered: {changed:?}"
    );
    assert!(
        !changed.iter().any(|k| k.starts_with("regions/")),
        "{changed:?}"
    );
}
