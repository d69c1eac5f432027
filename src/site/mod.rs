//! The site: Tera templates (embedded, overridable), page contexts, downloads, the one
//! writer, and the link check. Sees plain structs from `data`/`measures`, never polars.

pub mod check;
pub mod compare;
pub mod heatmaps;
pub mod notes;
pub mod pages;
pub mod regions;
pub mod sandbox;
pub mod writer;

use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use tera::Tera;

/// Built-in templates, embedded in the binary (mdBook style); a folder given by
/// `site.templates` can replace any of them by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("region.html", include_str!("../../templates/region.html")),
    ("regions.html", include_str!("../../templates/regions.html")),
    ("about.html", include_str!("../../templates/about.html")),
    ("404.html", include_str!("../../templates/404.html")),
    ("compare.html", include_str!("../../templates/compare.html")),
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
];

/// Static assets copied verbatim to `assets/` in the output.
pub const STATIC: &[(&str, &[u8])] = &[
    (
        "assets/style.css",
        include_bytes!("../../assets/site/style.css"),
    ),
    (
        "assets/search.js",
        include_bytes!("../../assets/site/search.js"),
    ),
    (
        "assets/switch.js",
        include_bytes!("../../assets/site/switch.js"),
    ),
    (
        "assets/heatmaps.js",
        include_bytes!("../../assets/site/heatmaps.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../assets/site/favicon.svg"),
    ),
];

/// The template sources: built-in ones, replaced by same-named files in `override_dir`.
pub fn template_sources(override_dir: Option<&Path>) -> Result<Vec<(String, String)>> {
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
pub fn templates(sources: &[(String, String)]) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.add_raw_templates(sources.to_vec())
        .map_err(|e| anyhow::anyhow!("template error: {}", tera_chain(&e)))?;
    Ok(tera)
}

/// Tera hides the useful part of an error in its source chain.
pub fn tera_chain(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

pub fn render(tera: &Tera, name: &str, ctx: &tera::Context) -> Result<String> {
    tera.render(name, ctx)
        .map_err(|e| anyhow::anyhow!("rendering {name}: {}", tera_chain(&e)))
}

/// One entry of the top navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub name: &'static str,
    /// Path from the site root.
    pub path: &'static str,
}

/// The sections that exist in this build, in menu order.
pub fn nav(sections: &[&str]) -> Vec<NavItem> {
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

/// Common context of every page: `root` is the relative path back to the site root.
pub fn base_context(
    site_title: &str,
    nav: &[NavItem],
    root: &str,
    title: &str,
    current: &str,
) -> tera::Context {
    let mut ctx = tera::Context::new();
    ctx.insert("site_title", site_title);
    ctx.insert("nav", nav);
    ctx.insert("root", root);
    ctx.insert("title", title);
    ctx.insert("current", current);
    ctx
}

/// Relative prefix from a page at `rel` (e.g. `regions/x.html`) back to the root.
pub fn root_of(rel: &str) -> String {
    "../".repeat(rel.matches('/').count())
}
