//! The site: Tera templates (embedded, overridable), the build context [`Site`] every page
//! is rendered through, the pages and downloads, the sitemap and the link check. Sees plain
//! structs from `data`/`measures`, never polars; writes through `crate::output`.

pub mod check;
pub mod compare;
pub mod data_notes;
pub(crate) mod datapackage;
pub(crate) mod heatmaps;
pub(crate) mod interact;
pub(crate) mod locator;
pub(crate) mod maplists;
pub(crate) mod notes;
pub(crate) mod opendata;
pub(crate) mod pages;
pub(crate) mod peers;
pub(crate) mod pictures;
pub(crate) mod region_stats;
pub mod regions;
pub(crate) mod rules;
pub(crate) mod sandbox;
pub(crate) mod search;
pub(crate) mod sitemap;
pub(crate) mod who;

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use tera::Tera;

use crate::config::Config;
use crate::output::Output;
use crate::output::keys::BaseKeys;
use crate::quality::Assessed;

/// Built-in templates, embedded in the binary (mdBook style); a folder given by
/// `site.templates` can replace any of them by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("region.html", include_str!("../../templates/region.html")),
    ("regions.html", include_str!("../../templates/regions.html")),
    (
        "region_table.html",
        include_str!("../../templates/region_table.html"),
    ),
    ("about.html", include_str!("../../templates/about.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("compare.html", include_str!("../../templates/compare.html")),
    (
        "compare_any.html",
        include_str!("../../templates/compare_any.html"),
    ),
    (
        "compare_index.html",
        include_str!("../../templates/compare_index.html"),
    ),
    ("sandbox.html", include_str!("../../templates/sandbox.html")),
    (
        "sandbox_scenarios.html",
        include_str!("../../templates/sandbox_scenarios.html"),
    ),
    (
        "heatmaps.html",
        include_str!("../../templates/heatmaps.html"),
    ),
    ("heatmap.html", include_str!("../../templates/heatmap.html")),
    (
        "heatmap_side.html",
        include_str!("../../templates/heatmap_side.html"),
    ),
    (
        "heatmap_regions.html",
        include_str!("../../templates/heatmap_regions.html"),
    ),
    (
        "who_region.html",
        include_str!("../../templates/who_region.html"),
    ),
    (
        "who_overview.html",
        include_str!("../../templates/who_overview.html"),
    ),
    (
        "who_about.html",
        include_str!("../../templates/who_about.html"),
    ),
];

/// Static assets copied verbatim to `assets/` in the output (the stylesheet and
/// `assets/rules.js` are written by [`rules`]).
pub(crate) const STATIC: &[(&str, &[u8])] = &[
    (
        "assets/search.js",
        include_bytes!("../../assets/site/search.js"),
    ),
    (
        "assets/switch.js",
        include_bytes!("../../assets/site/switch.js"),
    ),
    (
        "assets/sort.js",
        include_bytes!("../../assets/site/sort.js"),
    ),
    (
        "assets/heatmaps.js",
        include_bytes!("../../assets/site/heatmaps.js"),
    ),
    (
        "assets/find.js",
        include_bytes!("../../assets/site/find.js"),
    ),
    (
        "assets/maps.js",
        include_bytes!("../../assets/site/maps.js"),
    ),
    (
        "assets/hover.js",
        include_bytes!("../../assets/site/hover.js"),
    ),
    (
        "assets/compare.js",
        include_bytes!("../../assets/site/compare.js"),
    ),
    (
        "assets/views.js",
        include_bytes!("../../assets/site/views.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../assets/site/favicon.svg"),
    ),
];

/// The template sources: built-in ones, replaced by same-named files in `override_dir`.
pub(crate) fn template_sources(override_dir: Option<&Path>) -> Result<Vec<(String, String)>> {
    let mut list: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    if let Some(dir) = override_dir {
        anyhow::ensure!(
            dir.is_dir(),
            "`site.templates` = {} is not a folder",
            dir.display()
        );
        for (name, text) in &mut list {
            let p = dir.join(&*name);
            if p.is_file() {
                *text = std::fs::read_to_string(&p)
                    .with_context(|| format!("cannot read template {}", p.display()))?;
            }
        }
    }
    Ok(list)
}

/// Loads the templates (see [`template_sources`]).
pub(crate) fn templates(sources: &[(String, String)]) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.register_filter("nowrap_dates", nowrap_dates_filter);
    tera.register_filter("thousands", thousands_filter);
    tera.register_filter("with_article", |v: &tera::Value, _: &_| {
        let name = v.as_str().unwrap_or_default();
        Ok(tera::Value::String(region_stats::with_article(name)))
    });
    tera.add_raw_templates(sources.to_vec())
        .map_err(|e| anyhow::anyhow!("template error: {}", tera_chain(&e)))?;
    Ok(tera)
}

/// Tera filter `nowrap_dates`: the text HTML-escaped, with every ISO date in a
/// `<span class="nw">` (CSS `white-space: nowrap`), so a narrow card never breaks a date at
/// its hyphens ("2021-⏎08-04"). Its output is HTML: follow it with `| safe`.
fn nowrap_dates_filter(
    v: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let text = match v {
        tera::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(tera::Value::String(nowrap_dates(&text)))
}

/// Tera filter `thousands`: a whole number with separators (3686 → "3,686").
fn thousands_filter(
    v: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let n = v
        .as_i64()
        .ok_or_else(|| tera::Error::msg(format!("thousands: {v} is not a whole number")))?;
    Ok(tera::Value::String(crate::render::format::thousands(n)))
}

pub(crate) fn nowrap_dates(text: &str) -> String {
    let b = text.as_bytes();
    let is_date = |i: usize| {
        i + 10 <= b.len()
            && b[i..i + 10].iter().enumerate().all(|(k, c)| match k {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            })
    };
    let mut out = String::with_capacity(text.len() + 32);
    let (mut i, mut from) = (0, 0);
    while i < b.len() {
        if is_date(i) && (i == 0 || !b[i - 1].is_ascii_digit()) {
            out.push_str(&tera::escape_html(&text[from..i]));
            out.push_str("<span class=\"nw\">");
            out.push_str(&text[i..i + 10]);
            out.push_str("</span>");
            i += 10;
            from = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&tera::escape_html(&text[from..]));
    out
}

/// Tera hides the useful part of an error in its source chain.
pub(crate) fn tera_chain(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

pub(crate) fn render(tera: &Tera, name: &str, ctx: &tera::Context) -> Result<String> {
    tera.render(name, ctx)
        .map_err(|e| anyhow::anyhow!("rendering {name}: {}", tera_chain(&e)))
}

/// One entry of the top navigation.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NavItem {
    pub(crate) name: &'static str,
    /// Path from the site root.
    pub(crate) path: &'static str,
}

/// The sections that exist in this build, in menu order.
pub(crate) fn nav(sections: &[&str]) -> Vec<NavItem> {
    let all = [
        ("Overview", "index.html"),
        ("Heat maps", "heatmaps/index.html"),
        ("Regions", "regions/index.html"),
        ("Compare", "compare/index.html"),
        ("Sandbox", "sandbox/index.html"),
        ("About", "about/index.html"),
    ];
    all.iter()
        .filter(|(_, p)| *p == "index.html" || sections.contains(p))
        .map(|&(name, path)| NavItem { name, path })
        .collect()
}

/// The build context every page is made in (zola's `Site`): the validated config, the
/// dataset, the templates, the menu, the output and the keys of the inputs.
pub(crate) struct Site<'a> {
    pub(crate) config: &'a Config,
    pub(crate) dataset: &'a Assessed,
    pub(crate) templates: Tera,
    pub(crate) nav: Vec<NavItem>,
    pub(crate) output: &'a Output,
    pub(crate) keys: &'a BaseKeys,
    /// The link-preview image of pages without one of their own (the featured heat map's
    /// poster), from the site root.
    pub(crate) og_image: Option<String>,
    /// `site.base_url` ending in `/` (`sitemap::base`), for the absolute links of previews.
    pub(crate) base_url: Option<String>,
}

impl Site<'_> {
    /// The centered moving-average window (days).
    pub(crate) fn window(&self) -> usize {
        self.config.measures.window
    }

    /// The per-capita divisor shown by default.
    pub(crate) fn per_capita(&self) -> u64 {
        self.config.measures.per_capita
    }

    /// The context every page starts from: `rel` is the page's path from the site root (the
    /// links back to the root are relative to it), `current` the menu entry to highlight.
    pub(crate) fn context(&self, rel: &str, title: &str, current: &str) -> tera::Context {
        let root = if rel == "404.html" {
            // Served at any depth: its links are root-relative.
            "/".to_string()
        } else {
            root_of(rel)
        };
        let mut ctx = tera::Context::new();
        ctx.insert("site_title", &self.config.site.title);
        ctx.insert("nav", &self.nav);
        ctx.insert("root", &root);
        ctx.insert("title", title);
        ctx.insert("current", current);
        ctx.insert(
            "description",
            &format!("COVID-19 dashboard from the JHU CSSE time series: {title}"),
        );
        // Link previews (Open Graph): crawlers need absolute URLs, so with a base URL every
        // link of the card is absolute; without one they stay relative (enough for a preview
        // of a local copy).
        if let Some(b) = &self.base_url {
            // As in sitemap.xml: a folder's index is its folder.
            let page = rel.strip_suffix("index.html").unwrap_or(rel);
            ctx.insert("page_url", &format!("{b}{page}"));
        }
        ctx.insert("og_root", self.base_url.as_deref().unwrap_or(&root));
        if let Some(img) = &self.og_image {
            ctx.insert("og_image", img);
        }
        ctx
    }

    /// Renders `template` with `ctx` and writes it to `rel`: the one way a page is written.
    pub(crate) fn write_page(&self, rel: &str, template: &str, ctx: &tera::Context) -> Result<()> {
        self.output
            .write(rel, render(&self.templates, template, ctx)?.as_bytes())
    }
}

/// A key figure as pages show it: label, value and a note under it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub(crate) struct Figure {
    label: String,
    value: String,
    note: String,
}

impl Figure {
    pub(crate) fn new(
        label: impl Into<String>,
        value: impl Into<String>,
        note: impl Into<String>,
    ) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
            note: note.into(),
        }
    }
}

/// JSON for a `<script>` block (`</` escaped so it cannot end the block).
pub(crate) fn script_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value)?.replace("</", "<\\/"))
}

/// Relative prefix from a page at `rel` (e.g. `regions/x.html`) back to the root.
pub(crate) fn root_of(rel: &str) -> String {
    "../".repeat(rel.matches('/').count())
}

#[cfg(test)]
mod nowrap_tests {
    #[test]
    fn dates_are_kept_whole_and_the_rest_escaped() {
        assert_eq!(
            super::nowrap_dates("series from 2020-01-22; <b> & 12020-01-22"),
            "series from <span class=\"nw\">2020-01-22</span>; &lt;b&gt; &amp; 12020-01-22"
        );
        assert_eq!(super::nowrap_dates("no date"), "no date");
    }
}
