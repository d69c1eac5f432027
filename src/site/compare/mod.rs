//! `compare/` ("the curves"): overlays of several regions. Preset groups (top 10 countries,
//! G7, the provinces of Australia, Canada and China, top 10 US states) plus groups from
//! `seecovid.toml`. Every view of a group — total/new × linear/log × absolute/per-capita ×
//! three alignments — is rendered ahead of time; `switch.js` swaps the image, and a table of
//! links reaches every image without JavaScript.
//!
//! Owns the group resolution (an unknown region id in a config group is an error naming the
//! group and the id) and the per-view series; drawing is `render::chart`'s.

mod groups;
mod images;
mod page;
mod series;
mod texts;
mod view;

use anyhow::Result;
use rayon::prelude::*;

use super::Site;
use crate::measures;

pub use self::groups::{Group, resolve_groups};
use self::images::group_images;
use self::page::write_group;
use self::texts::ViewJson;
use self::view::View;

/// Most lines in one chart (the palette has ten distinguishable colours).
pub const MAX_LINES: usize = 10;
const W: u32 = 720;
const H: u32 = 360;
/// Height of the phone layout (`site::pictures`).
const PHONE_H: u32 = 320;
const PER: f64 = measures::PER_CAPITA_BASE as f64;

/// Writes every group's images and page, and `compare/index.html`. Returns (groups, images).
pub(crate) fn build(site: &Site, groups: &[Group]) -> Result<(usize, usize)> {
    let views = View::all();
    let texts: Vec<Vec<ViewJson>> = groups
        .par_iter()
        .map(|g| group_images(site, g, &views))
        .collect::<Result<_>>()?;
    let cards = groups
        .iter()
        .zip(&texts)
        .map(|(g, t)| write_group(site, g, &views, t))
        .collect::<Result<Vec<_>>>()?;
    let rel = "compare/index.html";
    let mut ctx = site.context(rel, "Compare regions", rel);
    ctx.insert(
        "description",
        "Compare regions: COVID-19 case curves of several countries, provinces or states overlaid",
    );
    ctx.insert("groups", &cards);
    ctx.insert("window", &site.window());
    site.write_page(rel, "compare_index.html", &ctx)?;
    Ok((groups.len(), groups.len() * views.len()))
}
