//! `seecovid serve`: an offline preview server on 127.0.0.1. Static files only, correct MIME
//! types, the site's own 404 page with status 404, and no way out of the site folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use tiny_http::{Header, Method, Request, Response};

pub struct Server {
    http: Arc<tiny_http::Server>,
    root: PathBuf,
    port: u16,
}

/// Content-Type for a file name; text types carry a charset.
pub fn content_type(path: &str) -> String {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let mime = match ext.as_str() {
        "html" | "htm" => "text/html".to_string(),
        "csv" => "text/csv".to_string(),
        "js" | "mjs" => "text/javascript".to_string(),
        "json" => "application/json".to_string(),
        _ => mime_guess::from_ext(&ext)
            .first_or_octet_stream()
            .essence_str()
            .to_string(),
    };
    if mime.starts_with("text/") || mime == "application/json" || mime == "image/svg+xml" {
        format!("{mime}; charset=utf-8")
    } else {
        mime
    }
}

/// Decodes `%xx` escapes; `None` for malformed escapes or non-UTF-8 results.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let h = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Maps a request URL to a file under `root`, or `None` if it must not be served.
pub fn map_path(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let mut rel = PathBuf::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            // Refuse rather than resolve: `..`, backslashes and NULs never reach the disk.
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') || s.contains(':') => return None,
            s => rel.push(s),
        }
    }
    let mut full = root.join(&rel);
    if full.is_dir() {
        full.push("index.html");
    }
    // Symlinks must not lead out of the site either.
    let canon = full.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    (canon.starts_with(&root) && canon.is_file()).then_some(canon)
}

impl Server {
    /// Binds 127.0.0.1:`port` (0 picks a free port).
    pub fn bind(root: &Path, port: u16) -> Result<Self> {
        if !root.join("index.html").is_file() {
            bail!(
                "{} is not a built site (no index.html); run `seecovid build` first",
                root.display()
            );
        }
        let http = tiny_http::Server::http(("127.0.0.1", port))
            .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        let port = http
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .context("server has no IP address")?;
        Ok(Self {
            http: Arc::new(http),
            root: root.to_path_buf(),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves requests forever on a few threads.
    pub fn run(self) {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let http = Arc::clone(&self.http);
                let root = self.root.clone();
                std::thread::spawn(move || {
                    for req in http.incoming_requests() {
                        let _ = handle(&root, req);
                    }
                })
            })
            .collect();
        for t in threads {
            let _ = t.join();
        }
    }
}

fn header(k: &str, v: &str) -> Header {
    Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
}

fn handle(root: &Path, req: Request) -> std::io::Result<()> {
    let head = *req.method() == Method::Head;
    if !matches!(req.method(), Method::Get | Method::Head) {
        return req.respond(
            Response::from_string("method not allowed\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD")),
        );
    }
    let (status, path) = match map_path(root, req.url()) {
        Some(p) => (200, p),
        None => (404, root.join("404.html")),
    };
    let body = match std::fs::read(&path) {
        Ok(b) => b,
        Err(_) => b"not found\n".to_vec(),
    };
    let ctype = content_type(&path.to_string_lossy());
    let len = body.len();
    let resp = Response::from_data(if head { Vec::new() } else { body })
        .with_status_code(status)
        .with_header(header("Content-Type", &ctype))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Cache-Control", "no-cache"));
    let resp = if head {
        resp.with_header(header("Content-Length", &len.to_string()))
    } else {
        resp
    };
    req.respond(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_have_charsets_for_text() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("x.png"), "image/png");
        assert_eq!(content_type("x.gif"), "image/gif");
        assert_eq!(content_type("x.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("x.json"), "application/json; charset=utf-8");
    }

    #[test]
    fn traversal_is_refused() {
        let dir = std::env::temp_dir().join(format!("seecovid-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "x").unwrap();
        std::fs::write(dir.join("sub/index.html"), "y").unwrap();
        assert!(map_path(&dir, "/").is_some());
        assert!(map_path(&dir, "/sub/").is_some());
        assert!(map_path(&dir, "/sub").is_some());
        assert!(map_path(&dir, "/../etc/passwd").is_none());
        assert!(map_path(&dir, "/%2e%2e/etc/passwd").is_none());
        assert!(map_path(&dir, "/sub/..%2f..%2fetc").is_none());
        assert!(map_path(&dir, "/nope.html").is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
