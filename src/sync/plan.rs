//! The pure half of `sync`: compare the local files with the remote listing and decide what
//! to upload, what to verify with a HEAD request, what is unchanged and what to delete, in
//! the order that keeps the live site consistent. No I/O.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use super::kind::is_page;

/// A file of the site folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalFile {
    /// Path relative to the site root, `/`-separated (`regions/x.html`).
    pub rel: String,
    pub size: u64,
    /// MD5 of the bytes: the ETag S3 gives a single-part, non-KMS upload.
    pub md5: [u8; 16],
}

/// An object of the remote listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteObject {
    pub key: String,
    pub size: u64,
    /// As listed, usually quoted (`"9e107d9d372bb6826bd81d3542a419d6"`).
    pub etag: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No object under that key.
    New,
    /// The object's size or (single-part) ETag differs.
    Changed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub rel: String,
    pub key: String,
    pub size: u64,
    pub reason: Reason,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// In upload order: every non-page file before any page, deeper pages before shallower
    /// ones, so a page never goes live before what it links to.
    pub uploads: Vec<Upload>,
    /// Same size, but an ETag that is not the MD5 of the bytes (SSE-KMS, multipart, another
    /// tool): compare the `sha256` metadata with a HEAD request before deciding.
    pub verify: Vec<Upload>,
    pub unchanged: usize,
    /// Keys under the prefix with no local file (only with `delete`), sorted.
    pub deletes: Vec<String>,
}

/// Normalises a key prefix: no leading or trailing `/`.
pub fn normalise_prefix(prefix: &str) -> String {
    prefix.trim_matches('/').to_string()
}

/// The object key of a site-relative path.
pub fn key_for(prefix: &str, rel: &str) -> String {
    if prefix.is_empty() {
        rel.to_string()
    } else {
        format!("{prefix}/{rel}")
    }
}

/// The listing prefix for a key prefix (`site` → `site/`, so `site2/…` is not ours).
pub fn list_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    }
}

/// True if a component of a relative path starts with `.`: not part of the site (neither
/// uploaded nor deleted).
pub fn is_hidden(rel: &str) -> bool {
    rel.split('/').any(|c| c.starts_with('.'))
}

/// `"abc…"` → `abc…` in lower case.
fn etag_hex(etag: &str) -> String {
    etag.trim().trim_matches('"').to_ascii_lowercase()
}

/// Decides, for every local file and remote object, what `sync` does.
pub fn plan(local: &[LocalFile], remote: &[RemoteObject], prefix: &str, delete: bool) -> Plan {
    let prefix = normalise_prefix(prefix);
    let under = list_prefix(&prefix);
    let by_key: HashMap<&str, &RemoteObject> = remote
        .iter()
        .filter(|o| o.key.starts_with(&under))
        .map(|o| (o.key.as_str(), o))
        .collect();
    let mut p = Plan::default();
    let mut local_keys = HashSet::with_capacity(local.len());
    for f in local {
        let key = key_for(&prefix, &f.rel);
        let up = |reason| Upload {
            rel: f.rel.clone(),
            key: key.clone(),
            size: f.size,
            reason,
        };
        match by_key.get(key.as_str()) {
            None => p.uploads.push(up(Reason::New)),
            Some(o) if o.size != f.size => p.uploads.push(up(Reason::Changed)),
            Some(o) if etag_hex(&o.etag) == hex::encode(f.md5) => p.unchanged += 1,
            Some(_) => p.verify.push(up(Reason::Changed)),
        }
        local_keys.insert(key);
    }
    if delete {
        p.deletes = by_key
            .keys()
            // A "folder" placeholder (`site/`) and hidden keys (the sync manifest) are not
            // files of the site.
            .filter(|k| {
                !k.ends_with('/') && !is_hidden(&k[under.len()..]) && !local_keys.contains(**k)
            })
            .map(|k| k.to_string())
            .collect();
        p.deletes.sort();
    }
    order_uploads(&mut p.uploads);
    p
}

/// The upload wave of a file: non-pages first, then pages from the deepest to the root,
/// `index.html` last. A wave starts only when the previous one is complete.
pub fn wave(rel: &str) -> (bool, Reverse<usize>, bool) {
    let page = is_page(rel);
    let depth = if page { rel.matches('/').count() } else { 0 };
    (page, Reverse(depth), rel == "index.html")
}

/// Sorts uploads by wave, then by path.
pub fn order_uploads(uploads: &mut [Upload]) {
    uploads.sort_by(|a, b| {
        wave(&a.rel)
            .cmp(&wave(&b.rel))
            .then_with(|| a.rel.cmp(&b.rel))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use md5::{Digest, Md5};

    fn file(rel: &str, body: &str) -> LocalFile {
        LocalFile {
            rel: rel.into(),
            size: body.len() as u64,
            md5: Md5::digest(body.as_bytes()).into(),
        }
    }
    fn obj(key: &str, body: &str) -> RemoteObject {
        RemoteObject {
            key: key.into(),
            size: body.len() as u64,
            etag: format!("\"{}\"", hex::encode(Md5::digest(body.as_bytes()))),
        }
    }
    fn keys(u: &[Upload]) -> Vec<&str> {
        u.iter().map(|u| u.key.as_str()).collect()
    }

    #[test]
    fn first_sync_uploads_everything_assets_before_pages() {
        let local = [
            file("index.html", "i"),
            file("404.html", "n"),
            file("regions/a.html", "a"),
            file("regions/sub/b.html", "b"),
            file("assets/site.css", "c"),
            file("data/regions.json", "[]"),
        ];
        let p = plan(&local, &[], "/site/", true);
        assert_eq!(
            keys(&p.uploads),
            [
                "site/assets/site.css",
                "site/data/regions.json",
                "site/regions/sub/b.html",
                "site/regions/a.html",
                "site/404.html",
                "site/index.html"
            ]
        );
        assert!(p.uploads.iter().all(|u| u.reason == Reason::New));
        assert!(p.deletes.is_empty() && p.verify.is_empty());
        assert_eq!(p.unchanged, 0);
    }

    #[test]
    fn unchanged_site_plans_nothing() {
        let local = [file("index.html", "i"), file("a.png", "png")];
        let remote = [obj("index.html", "i"), obj("a.png", "png")];
        let p = plan(&local, &remote, "", true);
        assert_eq!(
            p,
            Plan {
                unchanged: 2,
                ..Plan::default()
            }
        );
    }

    #[test]
    fn changed_added_removed() {
        let local = [
            file("index.html", "new index"),
            file("a.png", "png"),
            file("b.csv", "added"),
        ];
        let remote = [
            obj("p/index.html", "old"),
            obj("p/a.png", "png"),
            obj("p/gone.gif", "gif"),
            obj("p/", ""),
            obj("p/.seecovid-sync.json", "{}"),
            obj("other/keep.html", "x"),
            obj("p2/keep.html", "x"),
        ];
        let p = plan(&local, &remote, "p", true);
        assert_eq!(keys(&p.uploads), ["p/b.csv", "p/index.html"]);
        assert_eq!(p.uploads[0].reason, Reason::New);
        assert_eq!(p.uploads[1].reason, Reason::Changed);
        assert_eq!(p.unchanged, 1);
        assert_eq!(p.deletes, ["p/gone.gif"]);
        // Without --delete nothing is deleted.
        assert!(plan(&local, &remote, "p", false).deletes.is_empty());
    }

    #[test]
    fn same_size_with_foreign_etag_is_verified_not_trusted() {
        let local = [file("a.html", "abc"), file("b.html", "abc")];
        let mut kms = obj("a.html", "abc");
        kms.etag = "\"0123456789abcdef0123456789abcdef\"".into();
        let mut multipart = obj("b.html", "abc");
        multipart.etag = "\"0123456789abcdef0123456789abcdef-2\"".into();
        let p = plan(&local, &[kms, multipart], "", false);
        assert_eq!(keys(&p.verify), ["a.html", "b.html"]);
        assert!(p.uploads.is_empty());
        assert_eq!(p.unchanged, 0);
    }

    #[test]
    fn etag_comparison_ignores_quotes_and_case() {
        let local = [file("a.css", "abc")];
        let mut o = obj("a.css", "abc");
        o.etag = o.etag.trim_matches('"').to_ascii_uppercase();
        assert_eq!(plan(&local, &[o], "", false).unchanged, 1);
    }

    #[test]
    fn prefix_forms() {
        assert_eq!(normalise_prefix("/a/b/"), "a/b");
        assert_eq!(key_for("", "x.html"), "x.html");
        assert_eq!(key_for("a/b", "x.html"), "a/b/x.html");
        assert_eq!(list_prefix(""), "");
        assert_eq!(list_prefix("a"), "a/");
    }
}
