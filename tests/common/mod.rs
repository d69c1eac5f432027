//! Fixture helper shared by the integration tests: copies a fixture dataset into a temp dir,
//! runs the real `seecovid` binary on it, and inspects the output.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The real bundled data, loaded once per test binary.
pub fn real_dataset() -> &'static seecovid::quality::Assessed {
    static DS: std::sync::OnceLock<seecovid::quality::Assessed> = std::sync::OnceLock::new();
    DS.get_or_init(|| {
        seecovid::quality::load(
            &repo_dir().join("assets/data"),
            &mut seecovid::diag::Diagnostics::default(),
        )
        .unwrap()
    })
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_seecovid")
}

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder with a copy of a fixture dataset in `data/` and an `out/` target.
pub struct SiteTest {
    pub tmp: tempfile::TempDir,
}

impl SiteTest {
    pub fn fixture(name: &str) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        for e in std::fs::read_dir(fixture_dir(name)).unwrap() {
            let e = e.unwrap();
            let n = e.file_name().to_string_lossy().into_owned();
            if n.ends_with(".csv") || n.ends_with(".csv.gz") {
                std::fs::copy(e.path(), data.join(&n)).unwrap();
            }
        }
        Self { tmp }
    }

    pub fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }
    pub fn out(&self) -> PathBuf {
        self.tmp.path().join("out")
    }
    pub fn data_file(&self, stem: &str) -> PathBuf {
        self.data().join(format!("{stem}.csv"))
    }

    /// Rewrites one data file with `f(text)`.
    pub fn edit(&self, stem: &str, f: impl FnOnce(String) -> String) -> &Self {
        let p = self.data_file(stem);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, f(text)).unwrap();
        self
    }

    pub fn build_with(&self, extra: &[&str]) -> Output {
        let mut cmd = Command::new(bin());
        cmd.current_dir(self.tmp.path())
            .arg("build")
            .arg("--data")
            .arg(self.data())
            .arg("--out")
            .arg(self.out())
            .arg("--quiet")
            .args(extra);
        cmd.output().unwrap()
    }

    /// Builds and asserts success.
    pub fn build(&self) -> &Self {
        let o = self.build_with(&[]);
        assert!(
            o.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        self
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel))
            .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    pub fn has_file(&self, rel: &str) -> &Self {
        assert!(self.out().join(rel).is_file(), "missing {rel}");
        self
    }

    pub fn page_contains(&self, rel: &str, needle: &str) -> &Self {
        let t = self.read(rel);
        assert!(t.contains(needle), "{rel} does not contain {needle:?}");
        self
    }
}

/// Every file under `dir` with its bytes (for byte-identical comparisons).
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    if !dir.exists() {
        return m;
    }
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            m.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    m
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A running `seecovid serve` on 127.0.0.1 (`.1` is its port); killed when dropped.
pub struct Serve(pub Child, pub u16);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `seecovid serve DIR` on a free port and waits until it accepts connections.
pub fn serve(dir: &std::path::Path) -> Serve {
    let port = free_port();
    let child = Command::new(bin())
        .arg("serve")
        .arg(dir)
        .args(["--port", &port.to_string()])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let s = Serve(child, port);
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return s;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("serve did not start");
}

/// The fields of a CSV line (quoted fields may hold commas).
pub fn split_csv(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// The source of `function NAME(…) { … }` in `js`, found by counting braces (the site's
/// scripts put no braces in strings or regular expressions of these functions).
pub fn function_source(js: &str, name: &str) -> String {
    let start = js
        .find(&format!("function {name}("))
        .unwrap_or_else(|| panic!("no function {name} in the script"));
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

/// Runs `script` with Node after the site's `assets/rules.js` (window.seecovidRules and the
/// one number formatter, window.seecovidFormat), with `arg` as JSON in `process.argv[1]`;
/// returns what the script printed, parsed as JSON.
pub fn node_with_rules(script: &str, arg: &serde_json::Value) -> serde_json::Value {
    let full = format!(
        "var window = {{}};\n{}\nvar R = window.seecovidRules;\nvar F = window.seecovidFormat;\n{script}",
        seecovid::rules_js()
    );
    let out = Command::new("node")
        .arg("-e")
        .arg(&full)
        .arg(serde_json::to_string(arg).unwrap())
        .output()
        .expect("node must be installed (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the script prints JSON")
}

/// Runs the `frictionless` Python package on `descriptor`, validating the resources named
/// (all when empty); returns (valid, report text). Fails — never skips — without it.
pub fn frictionless(descriptor: &Path, names: &[&str]) -> (bool, String) {
    let script = r#"
import sys, frictionless
from frictionless import Package
pkg = Package(sys.argv[1])
names = sys.argv[2:] or [r.name for r in pkg.resources]
ok = True
for n in names:
    rep = pkg.get_resource(n).validate()
    if not rep.valid:
        ok = False
        for e in rep.flatten(["type", "rowNumber", "fieldName", "note"])[:5]:
            print(n, e)
print("VALID" if ok else "INVALID", len(names))
"#;
    let o = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(descriptor)
        .args(names)
        .output()
        .expect("python3 runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !text.contains("No module named 'frictionless'") && !text.contains("Please install"),
        "the frictionless Python package (with its json extra) is missing: scripts/test.sh installs it\n{text}"
    );
    (
        o.status.success() && text.contains("VALID ") && !text.contains("INVALID"),
        text,
    )
}
