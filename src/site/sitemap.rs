//! `sitemap.xml` and `robots.txt`, written last: the sitemap lists every page of the site,
//! so it runs after every stage that writes pages.

use anyhow::Result;

use crate::output::Output;

/// Writes `sitemap.xml` and a `robots.txt` pointing to it when there is a base URL (a sitemap
/// needs absolute URLs), else a `robots.txt` alone. Returns the number of URLs listed.
pub(crate) fn write(out: &Output, base_url: Option<&str>) -> Result<Option<usize>> {
    match base_url {
        Some(base) => write_sitemap(out, base).map(Some),
        None => {
            write_robots(out)?;
            Ok(None)
        }
    }
}

/// The base URL with a trailing `/`; checked before the build starts, so a bad one does not
/// fail the build at its end.
pub(crate) fn base(base_url: &str) -> Result<String> {
    let base = if base_url.ends_with('/') {
        base_url.to_string()
    } else {
        format!("{base_url}/")
    };
    anyhow::ensure!(
        base.starts_with("https://") || base.starts_with("http://"),
        "the base URL `{base_url}` must start with https:// or http://"
    );
    Ok(base)
}

/// robots.txt without a sitemap (there is none without a base URL).
fn write_robots(out: &Output) -> Result<()> {
    out.write("robots.txt", b"User-agent: *\nAllow: /\n")
}

/// `sitemap.xml` with the absolute URL of every page of the site (404 excluded).
fn write_sitemap(out: &Output, base_url: &str) -> Result<usize> {
    let base = base(base_url)?;
    let mut urls = 0;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for f in out.files() {
        if f.ends_with(".html") && f != "404.html" {
            let loc = if f == "index.html" {
                base.clone()
            } else {
                format!("{base}{}", f.trim_end_matches("index.html"))
            };
            xml.push_str(&format!(
                "  <url><loc>{}</loc></url>\n",
                loc.replace('&', "&amp;")
            ));
            urls += 1;
        }
    }
    xml.push_str("</urlset>\n");
    out.write("sitemap.xml", xml.as_bytes())?;
    out.write(
        "robots.txt",
        format!("User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n").as_bytes(),
    )?;
    Ok(urls)
}
