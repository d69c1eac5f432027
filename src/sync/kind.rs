//! Content-Type and Cache-Control by file kind, for `sync` (object metadata) and, mirrored
//! in `deploy/nginx/`, for nginx. Site file names do not change when their content does,
//! so every class revalidates within a bounded time; pages the soonest.

/// Cache-Control of pages (and anything without an extension): a data refresh shows up
/// within five minutes.
pub const CACHE_PAGE: &str = "public, max-age=300";
/// Cache-Control of images, CSV/JSON downloads, CSS and JS: they change at most with a
/// data refresh (daily), so an hour is a fair trade between freshness and requests.
pub const CACHE_ASSET: &str = "public, max-age=3600";
/// Cache-Control of fonts: they never change in practice.
pub const CACHE_FONT: &str = "public, max-age=604800";

fn extension(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The Cache-Control header for a site-relative path (`regions/x.html`).
pub fn cache_control(rel: &str) -> &'static str {
    match extension(rel).as_str() {
        "" | "html" | "htm" | "xml" | "txt" => CACHE_PAGE,
        "woff2" | "woff" | "ttf" | "otf" => CACHE_FONT,
        _ => CACHE_ASSET,
    }
}

/// True for pages, which `sync` uploads after everything they may link to.
pub fn is_page(rel: &str) -> bool {
    matches!(extension(rel).as_str(), "html" | "htm")
}

/// The Content-Type for a site-relative path, with `charset=utf-8` for text. Matches the
/// types nginx serves (Debian's and the official image's `mime.types`, plus `csv`, `ttf`
/// and `otf` from `deploy/nginx/conf.d/seecovid-http.conf`).
pub fn content_type(rel: &str) -> String {
    let ext = extension(rel);
    let known = match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "application/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "text/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "gif" => "image/gif",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "gz" => "application/gzip",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let guess = mime_guess::from_ext(&ext).first_or_octet_stream();
    if guess.type_() == mime_guess::mime::TEXT {
        format!("{}; charset=utf-8", guess.essence_str())
    } else {
        guess.essence_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_revalidate_soonest() {
        assert_eq!(cache_control("index.html"), CACHE_PAGE);
        assert_eq!(cache_control("regions/us--texas.html"), CACHE_PAGE);
        assert_eq!(cache_control("sitemap.xml"), CACHE_PAGE);
        assert_eq!(cache_control("robots.txt"), CACHE_PAGE);
        assert_eq!(cache_control("LICENSE"), CACHE_PAGE);
        assert_eq!(cache_control("heatmaps/world/confirmed.gif"), CACHE_ASSET);
        assert_eq!(cache_control("data/regions.json"), CACHE_ASSET);
        assert_eq!(cache_control("assets/site.css"), CACHE_ASSET);
        assert_eq!(cache_control("assets/fonts/x.woff2"), CACHE_FONT);
        // A dot-file has no extension.
        assert_eq!(cache_control("a/.hidden"), CACHE_PAGE);
    }

    #[test]
    fn text_types_carry_a_charset() {
        assert_eq!(content_type("a/b.HTML"), "text/html; charset=utf-8");
        assert_eq!(content_type("data/x.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("x.png"), "image/png");
        assert_eq!(content_type("x.unknownext"), "application/octet-stream");
        assert_eq!(content_type("noext"), "application/octet-stream");
        assert_eq!(content_type("x.md"), "text/markdown; charset=utf-8");
        assert!(is_page("a/b.html") && !is_page("a/b.gif") && !is_page("html"));
    }
}
