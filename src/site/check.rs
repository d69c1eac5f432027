//! `seecovid check`: verifies a built site (modelled on `zola check`): every internal
//! `href`/`src` resolves to a file, every page is reachable from `index.html`, and nothing is
//! loaded from another host (links *to* other sites are fine; images, scripts, styles from
//! them are not).

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;
use walkdir::WalkDir;

#[derive(Debug, Default)]
pub struct CheckReport {
    pub pages: usize,
    pub files: usize,
    pub links: usize,
    pub errors: Vec<String>,
}

/// One reference found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub tag: String,
    pub attr: String,
    pub value: String,
}

/// Attributes whose values are URLs of things the page links to or loads.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "poster",
    "data-src",
    "srcset",
    "data-gif",
    "data-poster",
    "data-poster-dark",
    "data-csv",
    "action",
];

/// Extracts URL-valued attributes from HTML (the site's own templates: quoted attributes).
pub fn refs(html: &str) -> Vec<Ref> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let start = i + off + 1;
        i = start;
        // Skip comments and the JSON/script bodies are not tags.
        if html[start..].starts_with("!--") {
            i = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let name_end = html[start..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(html.len(), |e| start + e);
        let tag = html[start..name_end].to_ascii_lowercase();
        if tag.is_empty() || !tag.chars().all(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        let end = html[name_end..]
            .find('>')
            .map_or(html.len(), |e| name_end + e);
        let mut k = name_end;
        while k < end {
            // attribute name
            while k < end && (b[k] as char).is_whitespace() {
                k += 1;
            }
            let an = k;
            while k < end && !matches!(b[k], b'=' | b' ' | b'\n' | b'\t' | b'>' | b'/') {
                k += 1;
            }
            let attr = html[an..k].to_ascii_lowercase();
            if k < end && b[k] == b'=' {
                k += 1;
                let q = b.get(k).copied();
                let (vs, ve) = if q == Some(b'"') || q == Some(b'\'') {
                    let close = html[k + 1..end]
                        .find(q.unwrap() as char)
                        .map_or(end, |e| k + 1 + e);
                    (k + 1, close)
                } else {
                    let e = html[k..end]
                        .find(char::is_whitespace)
                        .map_or(end, |e| k + e);
                    (k, e)
                };
                if URL_ATTRS.contains(&attr.as_str()) {
                    out.push(Ref {
                        tag: tag.clone(),
                        attr: attr.clone(),
                        value: decode_entities(&html[vs..ve]),
                    });
                }
                k = ve + 1;
            } else if k == an {
                k += 1;
            }
        }
        // Don't look for tags inside <script> bodies (the embedded JSON index).
        if tag == "script" {
            i = html[end..].find("</script").map_or(html.len(), |e| end + e);
        } else {
            i = end;
        }
    }
    out
}

/// Decodes the entities an HTML serializer (Tera's autoescape) writes in attribute values.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn is_external(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    l.starts_with("http:") || l.starts_with("https:") || l.starts_with("//")
}

/// Resolves `value` found in the page at `page` (root-relative path) to a root-relative file
/// path; `None` for fragments, `mailto:`, `data:` and external URLs.
pub fn resolve(page: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty() || v.starts_with('#') || is_external(v) {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("mailto:")
        || lower.starts_with("data:")
        || lower.starts_with("javascript:")
    {
        return None;
    }
    let v = v.split(['#', '?']).next().unwrap_or("");
    if v.is_empty() {
        return Some(page.to_string());
    }
    let mut parts: Vec<&str> = if let Some(abs) = v.strip_prefix('/') {
        abs.split('/').collect()
    } else {
        let mut base: Vec<&str> = page.split('/').collect();
        base.pop();
        base.extend(v.split('/'));
        base
    };
    let mut stack: Vec<&str> = Vec::new();
    let dir_like = v.ends_with('/');
    for p in parts.drain(..) {
        match p {
            "" | "." => {}
            ".." => {
                // Leaving the site root is a broken link.
                stack.pop()?;
            }
            x => stack.push(x),
        }
    }
    let mut s = stack.join("/");
    if dir_like || s.is_empty() {
        if !s.is_empty() {
            s.push('/');
        }
        s.push_str("index.html");
    }
    Some(s)
}

/// One page's links: the page, the pages it links to, its errors and its number of links.
type PageLinks = (String, Vec<String>, Vec<String>, usize);

/// Checks the links of one page against the site's files.
fn check_page(dir: &Path, page: &String, files: &HashSet<String>) -> Result<PageLinks> {
    let path = dir.join(page);
    let html = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let mut errors = Vec::new();
    let mut targets = Vec::new();
    let rs = refs(&html);
    for r in &rs {
        if is_external(&r.value) {
            // A plain link to another site is fine; loading anything from one is not.
            if !(r.tag == "a" && r.attr == "href") {
                errors.push(format!(
                    "{page}: <{} {}=\"{}\"> loads from another host",
                    r.tag, r.attr, r.value
                ));
            }
            continue;
        }
        let Some(target) = resolve(page, &r.value) else {
            if r.value.trim_start().starts_with("..") {
                errors.push(format!(
                    "{page}: <{} {}=\"{}\"> points outside the site",
                    r.tag, r.attr, r.value
                ));
            }
            continue;
        };
        if !files.contains(&target) {
            errors.push(format!(
                "{page}: <{} {}=\"{}\"> is broken: {target} does not exist",
                r.tag, r.attr, r.value
            ));
        } else if target.ends_with(".html") {
            targets.push(target);
        }
    }
    Ok((page.clone(), targets, errors, rs.len()))
}

/// Checks the site in `dir`.
pub fn check_dir(dir: &Path) -> Result<CheckReport> {
    if !dir.join("index.html").is_file() {
        anyhow::bail!(
            "{} is not a built site: it has no index.html (run `seecovid build` first)",
            dir.display()
        );
    }
    let mut files = HashSet::new();
    let mut pages = Vec::new();
    for e in WalkDir::new(dir).sort_by_file_name() {
        let e = e.with_context(|| format!("cannot list {}", dir.display()))?;
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("walkdir yields paths under its root")
                .to_string_lossy()
                .replace('\\', "/");
            if rel.ends_with(".html") {
                pages.push(rel.clone());
            }
            files.insert(rel);
        }
    }
    let per_page: Vec<PageLinks> = pages
        .par_iter()
        .map(|page| check_page(dir, page, &files))
        .collect::<Result<_>>()?;
    let mut report = CheckReport {
        pages: pages.len(),
        files: files.len(),
        ..Default::default()
    };
    let mut graph: HashMap<&str, &[String]> = HashMap::new();
    for (page, targets, errors, n) in &per_page {
        report.links += n;
        report.errors.extend(errors.iter().cloned());
        graph.insert(page.as_str(), targets.as_slice());
    }
    // Reachability from index.html.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut queue = VecDeque::from(["index.html"]);
    seen.insert("index.html");
    while let Some(p) = queue.pop_front() {
        for t in graph.get(p).copied().unwrap_or_default() {
            if seen.insert(t.as_str()) {
                queue.push_back(t.as_str());
            }
        }
    }
    let unreachable: BTreeSet<&String> = pages
        .iter()
        .filter(|p| !seen.contains(p.as_str()) && p.as_str() != "404.html")
        .collect();
    for p in unreachable.iter().take(20) {
        report
            .errors
            .push(format!("{p}: not reachable from index.html"));
    }
    if unreachable.len() > 20 {
        report.errors.push(format!(
            "… and {} more pages not reachable from index.html",
            unreachable.len() - 20
        ));
    }
    report.errors.sort();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_refs_but_not_from_script_bodies() {
        let html = r#"<a href="x.html">x</a><img src='img/a.png' alt="a > b">
<script type="application/json">[["<a href=\"nope.html\">"]]</script>
<link rel="stylesheet" href="../assets/style.css"><!-- <a href="c.html"> -->"#;
        let v: Vec<String> = refs(html).into_iter().map(|r| r.value).collect();
        assert_eq!(v, vec!["x.html", "img/a.png", "../assets/style.css"]);
    }

    #[test]
    fn resolves_relative_paths() {
        assert_eq!(
            resolve("regions/a.html", "b.html").as_deref(),
            Some("regions/b.html")
        );
        assert_eq!(
            resolve("regions/a.html", "../about/index.html").as_deref(),
            Some("about/index.html")
        );
        assert_eq!(
            resolve("regions/a.html", "../about/").as_deref(),
            Some("about/index.html")
        );
        assert_eq!(
            resolve("404.html", "/assets/s.css").as_deref(),
            Some("assets/s.css")
        );
        assert_eq!(resolve("index.html", "../../etc/passwd"), None);
        assert_eq!(resolve("index.html", "#top"), None);
        assert_eq!(resolve("index.html", "https://x.org/"), None);
        assert_eq!(
            resolve("a/b.html", "c.png?x=1#f").as_deref(),
            Some("a/c.png")
        );
    }
}
