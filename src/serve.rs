//! `seecovid serve`: an offline preview server on 127.0.0.1. Static files only, correct MIME
//! types, the site's own 404 page with status 404, and no way out of the site folder.
//!
//! A deliberately small HTTP/1.1 server on `std::net`: one thread per connection, one request
//! per connection (`Connection: close`). (tiny_http 0.12 stalled a browser's parallel keep-alive
//! connections: its task pool can leave a new connection queued behind idle keep-alive ones, so
//! some images of a page never arrived — found by the browser test.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};

pub struct Server {
    listener: TcpListener,
    root: PathBuf,
    port: u16,
}

/// Connections served at once; one more gets a 503 and is closed.
const MAX_CONNECTIONS: usize = 64;
/// Longest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

impl Server {
    /// Binds 127.0.0.1:`port` (0 picks a free port).
    pub fn bind(root: &Path, port: u16) -> Result<Self> {
        if !root.join("index.html").is_file() {
            bail!(
                "{} is not a built site (no index.html); run `seecovid build` first",
                root.display()
            );
        }
        let listener = TcpListener::bind(("127.0.0.1", port))
            .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
        let port = listener
            .local_addr()
            .context("server has no IP address")?
            .port();
        Ok(Self {
            listener,
            root: root.to_path_buf(),
            port,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves requests forever, one thread per connection.
    pub fn run(self) {
        let root = Arc::new(self.root);
        let busy = Arc::new(AtomicUsize::new(0));
        for stream in self.listener.incoming() {
            let Ok(stream) = stream else { continue };
            let root = Arc::clone(&root);
            let busy = Arc::clone(&busy);
            if busy.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
                busy.fetch_sub(1, Ordering::AcqRel);
                let mut stream = stream;
                let _ = write_response(
                    &mut stream,
                    503,
                    "text/plain; charset=utf-8",
                    b"busy\n",
                    false,
                );
                continue;
            }
            let spawned = std::thread::Builder::new()
                .name("serve".into())
                .spawn(move || {
                    let _ = handle(&root, stream);
                    busy.fetch_sub(1, Ordering::AcqRel);
                });
            if spawned.is_err() {
                // Out of threads: the stream was dropped (connection closed); keep serving.
                continue;
            }
        }
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

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn write_response(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         X-Content-Type-Options: nosniff\r\nCache-Control: no-cache\r\nConnection: close\r\n",
        reason(status),
        body.len()
    );
    if status == 405 {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    let mut buf = out.into_bytes();
    if !head_only {
        buf.extend_from_slice(body);
    }
    stream.write_all(&buf)?;
    stream.flush()
}

/// Reads the request head (up to the blank line); `None` when it is malformed or too long.
fn read_head(stream: &TcpStream) -> std::io::Result<Option<Vec<String>>> {
    let mut reader = BufReader::new(stream);
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let mut line = Vec::new();
        let n = (&mut reader)
            .take((MAX_HEAD - total + 1) as u64)
            .read_until(b'\n', &mut line)?;
        total += n;
        if n == 0 || total > MAX_HEAD || !line.ends_with(b"\n") {
            return Ok(None);
        }
        let text = match String::from_utf8(line) {
            Ok(t) => t.trim_end_matches(['\r', '\n']).to_string(),
            Err(_) => return Ok(None),
        };
        if text.is_empty() {
            if lines.is_empty() {
                continue; // tolerate a stray CRLF before the request line
            }
            return Ok(Some(lines));
        }
        lines.push(text);
    }
}

fn handle(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(30)))?;
    let text = "text/plain; charset=utf-8";
    let Some(head) = read_head(&stream)? else {
        return write_response(&mut stream, 400, text, b"bad request\n", false);
    };
    let mut parts = head[0].split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return write_response(&mut stream, 400, text, b"bad request\n", false);
    };
    if !version.starts_with("HTTP/1.") {
        return write_response(&mut stream, 400, text, b"bad request\n", false);
    }
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return write_response(&mut stream, 405, text, b"method not allowed\n", false);
    }
    let (status, path) = match map_path(root, target) {
        Some(p) => (200, p),
        None => (404, root.join("404.html")),
    };
    let body = std::fs::read(&path).unwrap_or_else(|_| b"not found\n".to_vec());
    // The same types `sync` gives S3 objects and nginx serves, so the preview matches.
    let ctype = crate::sync::kind::content_type(&path.to_string_lossy());
    write_response(&mut stream, status, &ctype, &body, head_only)
}

#[cfg(test)]
mod tests {
    use super::*;

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
