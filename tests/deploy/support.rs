//! Harness: free ports, moto_server and nginx processes, a raw HTTP client (so tests see
//! exactly what the server sent: encodings, chunking, headers), fixture sites and data.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub use tempfile::TempDir;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .expect("bind 127.0.0.1:0")
        .local_addr()
        .expect("local addr")
        .port()
}

/// A world-readable temp dir (nginx workers run as `nobody` when the tests run as root).
pub fn tempdir() -> TempDir {
    let d = tempfile::Builder::new()
        .prefix("seecovid-deploy-")
        .tempdir()
        .expect("tempdir");
    chmod_755(d.path());
    d
}

pub fn chmod_755(p: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// Finds a server binary or fails the test with the way to install it.
pub fn need(name: &str, install: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/local/bin", "/usr/bin"].map(PathBuf::from));
    for d in dirs {
        let p = d.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("`{name}` is not installed: {install} (scripts/test.sh installs every test server)");
}

// ---------------------------------------------------------------- HTTP

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`), raw: the path is
/// sent exactly as given and the body is returned as sent (de-chunked, not decompressed).
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    parse_response(&raw, method == "HEAD")
}

pub fn get(port: u16, path: &str) -> Response {
    http(port, "GET", path, &[], b"")
}

fn parse_response(raw: &[u8], head: bool) -> Response {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head_text = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked && !head {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let nl = b
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = String::from_utf8_lossy(&b[..nl]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        b = &b[nl + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size + 2..];
    }
}

pub fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(b)
        .read_to_end(&mut out)
        .expect("gzip body");
    out
}

pub fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

fn wait_for(port: u16, path: &str, what: &str, child: &mut Child, log: &Path) {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(60) {
        if let Some(st) = child.try_wait().unwrap() {
            panic!(
                "{what} exited ({st}) before answering: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let r = get(port, path);
            if r.status < 500 {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not answer on 127.0.0.1:{port} within 60 s");
}

fn signal(pid: u32, sig: &str) {
    let st = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(st.success(), "kill {sig} {pid}");
}

// ---------------------------------------------------------------- moto (S3)

pub struct Moto {
    pub port: u16,
    child: Child,
    log: PathBuf,
    _dir: TempDir,
}

impl Moto {
    pub fn start() -> Moto {
        let bin = need("moto_server", "pip install 'moto[server]'");
        let dir = tempdir();
        let log = dir.path().join("moto.log");
        let port = free_port();
        let f = std::fs::File::create(&log).unwrap();
        let mut child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(f.try_clone().unwrap())
            .stderr(f)
            .stdin(Stdio::null())
            .spawn()
            .expect("start moto_server");
        wait_for(port, "/moto-api/", "moto_server", &mut child, &log);
        Moto {
            port,
            child,
            log,
            _dir: dir,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The request lines moto logged so far (`PUT /bucket/key?x-id=PutObject`).
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let start = l.find("] \"")? + 3;
                let rest = &l[start..];
                let end = rest.find(" HTTP/")?;
                Some(rest[..end].to_string())
            })
            .collect()
    }

    pub fn create_bucket(&self, bucket: &str) {
        let r = http(self.port, "PUT", &format!("/{bucket}"), &[], b"");
        assert_eq!(r.status, 200, "create bucket: {}", r.text());
        // So that the harness can read objects back with plain GETs.
        self.allow_anonymous(bucket);
    }

    /// Anonymous access (moto checks anonymous requests against the bucket policy), so the
    /// harness can read and write with plain requests, and nginx can read as it does
    /// through the VPC endpoint in production.
    pub fn allow_anonymous(&self, bucket: &str) {
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{bucket}","arn:aws:s3:::{bucket}/*"]}}]}}"#
        );
        let r = http(
            self.port,
            "PUT",
            &format!("/{bucket}?policy"),
            &[("Content-Type", "application/json")],
            policy.as_bytes(),
        );
        assert!(r.status < 300, "put policy: {} {}", r.status, r.text());
    }

    pub fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        let r = http(self.port, "PUT", &format!("/{bucket}/{key}"), &[], body);
        assert_eq!(r.status, 200, "put {key}: {}", r.text());
    }

    pub fn get(&self, bucket: &str, key: &str) -> Response {
        get(self.port, &format!("/{bucket}/{key}"))
    }

    /// Every key under `prefix`, sorted.
    pub fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut path = format!("/{bucket}?list-type=2&prefix={prefix}");
            if let Some(t) = &token {
                path.push_str(&format!(
                    "&continuation-token={}",
                    t.replace('=', "%3D")
                        .replace('+', "%2B")
                        .replace('/', "%2F")
                ));
            }
            let r = get(self.port, &path);
            assert_eq!(r.status, 200, "list: {}", r.text());
            let xml = r.text();
            keys.extend(between_all(&xml, "<Key>", "</Key>"));
            token = between_all(&xml, "<NextContinuationToken>", "</NextContinuationToken>")
                .into_iter()
                .next();
            if token.is_none() {
                break;
            }
        }
        keys.sort();
        keys
    }

    /// Freezes the server (SIGSTOP): connections are accepted by the kernel, never answered.
    pub fn pause(&self) {
        signal(self.child.id(), "-STOP");
    }
    pub fn resume(&self) {
        signal(self.child.id(), "-CONT");
    }
    pub fn kill(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let _ = signal_quiet(self.child.id(), "-CONT");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal_quiet(pid: u32, sig: &str) -> std::io::Result<std::process::ExitStatus> {
    Command::new("kill")
        .args([sig, &pid.to_string()])
        .stderr(Stdio::null())
        .status()
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.kill();
    }
}

fn between_all(s: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(close) else { break };
        out.push(after[..j].replace("&amp;", "&"));
        rest = &after[j + close.len()..];
    }
    out
}

// ---------------------------------------------------------------- seecovid

/// Runs the binary with static test credentials and no AWS config files.
pub fn seecovid(args: &[&str]) -> Output {
    seecovid_cmd(args).output().expect("run seecovid")
}

pub fn seecovid_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_seecovid"));
    c.args(args)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("seecovid-deploy-tests-cache"),
        )
        .env("AWS_CONFIG_FILE", "/nonexistent/seecovid-test")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/seecovid-test")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_MAX_ATTEMPTS")
        .env_remove("SEECOVID_S3_ENDPOINT")
        .stdin(Stdio::null());
    c
}

pub fn out_text(o: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "seecovid failed: {}", out_text(o));
}

// ---------------------------------------------------------------- fixture site

/// A small site with the lead's layout: root pages, nested pages, a 404 page, heat-map
/// images and CSV, data downloads, CSS/JS/font assets, and a hidden build manifest.
pub fn fixture_site(root: &Path) -> Vec<String> {
    let filler = "<p>".to_string() + &"Lorem ipsum dolor sit amet. ".repeat(40) + "</p>";
    let page = |title: &str, css: &str| {
        format!(
            "<!doctype html><html><head><meta charset=utf-8><title>{title}</title>\
             <link rel=stylesheet href=\"{css}\"></head><body><h1>{title}</h1>{filler}</body></html>\n"
        )
    };
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "index.html",
            page("Overview", "assets/site.css").into_bytes(),
        ),
        (
            "404.html",
            page("Page not found", "assets/site.css").into_bytes(),
        ),
        (
            "regions/index.html",
            page("Regions", "../assets/site.css").into_bytes(),
        ),
        (
            "regions/sweden.html",
            page("Sweden", "../assets/site.css").into_bytes(),
        ),
        (
            "regions/us/texas.html",
            page("Texas", "../../assets/site.css").into_bytes(),
        ),
        (
            "heatmaps/index.html",
            page("Heat maps", "../assets/site.css").into_bytes(),
        ),
        (
            "heatmaps/world/confirmed-total.png",
            b"\x89PNG\r\n\x1a\nnot really a png".repeat(20),
        ),
        (
            "heatmaps/world/confirmed-total.gif",
            b"GIF89a not really a gif".repeat(20),
        ),
        (
            "heatmaps/world/confirmed-total.csv",
            "id,value\nsweden,1\n".repeat(30).into_bytes(),
        ),
        (
            "data/regions.json",
            format!("[{}]", vec![r#"{"id":"sweden"}"#; 30].join(",")).into_bytes(),
        ),
        (
            "data/regions/sweden.csv",
            "date,confirmed\n2020-01-22,0\n".repeat(20).into_bytes(),
        ),
        (
            "assets/site.css",
            "body { font-family: sans-serif; margin: 0 auto; }\n"
                .repeat(20)
                .into_bytes(),
        ),
        (
            "assets/search.js",
            "document.querySelectorAll('a').forEach(() => {});\n"
                .repeat(20)
                .into_bytes(),
        ),
        (
            "assets/fonts/sans.woff2",
            b"wOF2 not really a font".to_vec(),
        ),
        (
            "sitemap.xml",
            b"<?xml version=\"1.0\"?><urlset></urlset>\n".to_vec(),
        ),
        ("robots.txt", b"User-agent: *\nAllow: /\n".to_vec()),
        ("favicon.ico", b"\x00\x00\x01\x00 icon".to_vec()),
    ];
    let mut rels = Vec::new();
    for (rel, body) in files {
        write(root, rel, &body);
        rels.push(rel.to_string());
    }
    // Hidden: never uploaded, never served.
    write(root, ".seecovid-manifest.json", b"{}");
    rels.sort();
    rels
}

pub fn write(root: &Path, rel: &str, body: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    chmod_tree(root, p.parent().unwrap());
    std::fs::write(&p, body).unwrap();
}

fn chmod_tree(root: &Path, dir: &Path) {
    let mut d = dir;
    while d.starts_with(root) {
        chmod_755(d);
        match d.parent() {
            Some(p) => d = p,
            None => break,
        }
    }
}

// ---------------------------------------------------------------- nginx

pub enum Mode {
    /// Serve a folder.
    Baked { root: PathBuf },
    /// Proxy to an S3 origin (`http://127.0.0.1:PORT/BUCKET`) under `prefix`.
    Proxy {
        origin: String,
        prefix: String,
        cache_valid: String,
    },
}

/// An nginx prefix folder laid out like /etc/nginx in the image: conf.d/ with the shared
/// http-level file and the rendered template, seecovid/ with the server snippet.
pub struct NginxConf {
    pub dir: TempDir,
    pub port: u16,
}

/// Substitutes `${NAME}` like the nginx image's envsubst, and checks none is left.
pub fn render_template(text: &str, vars: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("${{{k}}}"), v);
    }
    assert!(
        !out.contains("${SEECOVID_"),
        "template variable left unset:\n{out}"
    );
    out
}

impl NginxConf {
    pub fn new(mode: &Mode) -> NginxConf {
        let dir = tempdir();
        let d = dir.path();
        let port = free_port();
        let src = repo().join("deploy/nginx");
        std::fs::create_dir_all(d.join("conf.d")).unwrap();
        std::fs::create_dir_all(d.join("seecovid")).unwrap();
        for sub in ["conf.d", "seecovid"] {
            for e in std::fs::read_dir(src.join(sub)).unwrap() {
                let e = e.unwrap();
                std::fs::copy(e.path(), d.join(sub).join(e.file_name())).unwrap();
            }
        }
        let listen = format!("127.0.0.1:{port}");
        let (template, vars) = match mode {
            Mode::Baked { root } => (
                "seecovid-baked.conf.template",
                vec![
                    ("SEECOVID_LISTEN", listen),
                    ("SEECOVID_ROOT", root.display().to_string()),
                ],
            ),
            Mode::Proxy {
                origin,
                prefix,
                cache_valid,
            } => (
                "seecovid-proxy.conf.template",
                vec![
                    ("SEECOVID_LISTEN", listen),
                    ("SEECOVID_S3_ORIGIN", origin.clone()),
                    ("SEECOVID_S3_BUCKET", String::new()),
                    ("SEECOVID_S3_REGION", "us-east-1".into()),
                    ("SEECOVID_S3_PREFIX", prefix.clone()),
                    ("SEECOVID_RESOLVER", "127.0.0.1".into()),
                    ("SEECOVID_CACHE_DIR", d.join("cache").display().to_string()),
                    ("SEECOVID_CACHE_MAX_SIZE", "16m".into()),
                    ("SEECOVID_CACHE_VALID", cache_valid.clone()),
                ],
            ),
        };
        let text = std::fs::read_to_string(src.join("templates").join(template)).unwrap();
        std::fs::write(
            d.join("conf.d/seecovid.conf"),
            render_template(&text, &vars),
        )
        .unwrap();
        let p = d.display();
        let main = format!(
            "worker_processes 1;\n\
             pid {p}/nginx.pid;\n\
             error_log {p}/error.log warn;\n\
             events {{ worker_connections 256; }}\n\
             http {{\n\
                 include /etc/nginx/mime.types;\n\
                 default_type application/octet-stream;\n\
                 access_log {p}/access.log;\n\
                 client_body_temp_path {p}/tmp_body;\n\
                 proxy_temp_path {p}/tmp_proxy;\n\
                 fastcgi_temp_path {p}/tmp_fastcgi;\n\
                 uwsgi_temp_path {p}/tmp_uwsgi;\n\
                 scgi_temp_path {p}/tmp_scgi;\n\
                 include conf.d/*.conf;\n\
             }}\n"
        );
        std::fs::write(d.join("nginx.conf"), main).unwrap();
        NginxConf { dir, port }
    }

    fn args(&self) -> Vec<String> {
        let d = self.dir.path().display().to_string();
        vec![
            "-p".into(),
            format!("{d}/"),
            "-c".into(),
            format!("{d}/nginx.conf"),
            "-e".into(),
            format!("{d}/error.log"),
        ]
    }

    /// `nginx -t`
    pub fn test(&self) -> Output {
        let bin = need("nginx", "apt-get install -y nginx");
        Command::new(bin)
            .args(self.args())
            .arg("-t")
            .output()
            .expect("nginx -t")
    }

    pub fn start(self) -> Nginx {
        let bin = need("nginx", "apt-get install -y nginx");
        let log = self.dir.path().join("error.log");
        let mut child = Command::new(bin)
            .args(self.args())
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        wait_for(self.port, "/healthz", "nginx", &mut child, &log);
        Nginx {
            port: self.port,
            child,
            conf: self,
        }
    }
}

pub struct Nginx {
    pub port: u16,
    child: Child,
    pub conf: NginxConf,
}

impl Nginx {
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.conf.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGQUIT: graceful stop of master and workers.
        let _ = signal_quiet(self.child.id(), "-QUIT");
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- fixture data

/// The six JHU inputs, tiny but valid for the loader: `days` daily columns from 2020-01-22.
pub fn fixture_data(days: usize) -> Vec<(&'static str, String)> {
    let dates: Vec<String> = (0..days)
        .map(|i| {
            let d = chrono::NaiveDate::from_ymd_opt(2020, 1, 22).unwrap()
                + chrono::Duration::days(i as i64);
            d.format("%-m/%-d/%y").to_string()
        })
        .collect();
    let series = |scale: usize| {
        (0..days)
            .map(|i| (i * scale).to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let global = |scale: usize| {
        format!(
            "Province/State,Country/Region,Lat,Long,{}\n\
             ,Sweden,60.1,18.6,{}\n\
             Ontario,Canada,51.2,-85.3,{}\n\
             Quebec,Canada,52.9,-73.5,{}\n",
            dates.join(","),
            series(scale),
            series(scale * 2),
            series(scale * 3)
        )
    };
    let us = |scale: usize, deaths: bool| {
        let (pop_h, pop_v) = if deaths {
            (",Population", ",4713325")
        } else {
            ("", "")
        };
        format!(
            "UID,iso2,iso3,code3,FIPS,Admin2,Province_State,Country_Region,Lat,Long_,Combined_Key{pop_h},{}\n\
             84048201,US,USA,840,48201.0,Harris,Texas,US,29.8,-95.4,\"Harris, Texas, US\"{pop_v},{}\n",
            dates.join(","),
            series(scale)
        )
    };
    let uid = "UID,iso2,iso3,code3,FIPS,Admin2,Province_State,Country_Region,Lat,Long_,Combined_Key,Population\n\
               752,SE,SWE,752,,,,Sweden,60.1,18.6,Sweden,10099270\n\
               124,CA,CAN,124,,,,Canada,56.1,-106.3,Canada,37855702\n\
               12406,CA,CAN,124,,,Ontario,Canada,51.2,-85.3,\"Ontario, Canada\",14826276\n\
               12411,CA,CAN,124,,,Quebec,Canada,52.9,-73.5,\"Quebec, Canada\",8604495\n\
               840,US,USA,840,,,,US,40.0,-100.0,US,329466283\n\
               84000048,US,USA,840,48.0,,Texas,US,31.0,-100.0,\"Texas, US\",28995881\n\
               84048201,US,USA,840,48201.0,Harris,Texas,US,29.8,-95.4,\"Harris, Texas, US\",4713325\n"
        .to_string();
    vec![
        ("time_series_covid19_confirmed_global", global(10)),
        ("time_series_covid19_deaths_global", global(1)),
        ("time_series_covid19_recovered_global", global(5)),
        ("time_series_covid19_confirmed_US", us(10, false)),
        ("time_series_covid19_deaths_US", us(1, true)),
        ("UID_ISO_FIPS_LookUp_Table", uid),
    ]
}

/// A local mirror of the JHU raw-file layout (tiny_http on 127.0.0.1), serving whatever
/// `files` holds at request time: `(url path, body)`.
pub struct Mirror {
    pub port: u16,
    pub files: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<u8>>>>,
    server: std::sync::Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Mirror {
    pub fn start() -> Mirror {
        let server = std::sync::Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("mirror"));
        let port = server.server_addr().to_ip().unwrap().port();
        let files = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashMap::new()));
        let (s, f) = (server.clone(), files.clone());
        let thread = std::thread::spawn(move || {
            for req in s.incoming_requests() {
                let body = f.lock().unwrap().get(req.url()).cloned();
                let _ = match body {
                    Some(b) => req.respond(tiny_http::Response::from_data(b)),
                    None => req.respond(tiny_http::Response::empty(404)),
                };
            }
        });
        Mirror {
            port,
            files,
            server,
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/jhu", self.port)
    }

    /// Serves `data` at the JHU paths.
    pub fn serve(&self, data: &[(&str, String)]) {
        let mut f = self.files.lock().unwrap();
        f.clear();
        for (stem, body) in data {
            f.insert(
                format!("/jhu/{}", seecovid::fetch::jhu_path(stem)),
                body.clone().into_bytes(),
            );
        }
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Every file of a folder with its bytes, for "nothing changed" assertions.
pub fn snapshot(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
        })
        .unwrap_or_default()
}
