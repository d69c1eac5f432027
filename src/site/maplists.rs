//! `heatmaps/{scope}/regions.html`: every region drawn on a heat-map scope, linked to its
//! page, grouped by parent (US counties by state). The no-JS way to reach a map's regions;
//! with JS, `assets/maps.js` also makes the map itself clickable.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use serde::Serialize;

use super::Site;
use crate::data::Dataset;
use crate::heatmap::{HeatmapIndex, ScopeEntry};

#[derive(Serialize)]
struct Item {
    name: String,
    href: String,
}

#[derive(Serialize)]
struct Group {
    /// Empty when the whole map has one parent (no heading needed).
    name: String,
    items: Vec<Item>,
}

/// Page path of a scope's list.
fn page_path(scope: &str) -> String {
    format!("heatmaps/{scope}/regions.html")
}

/// The scope's regions grouped by parent name, groups and names in alphabetical order.
fn groups(ds: &Dataset, s: &ScopeEntry, by_id: &HashMap<&str, usize>) -> Vec<Group> {
    let mut map: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    for id in &s.regions {
        let Some(&i) = by_id.get(id.as_str()) else {
            continue;
        };
        let r = &ds.regions[i];
        let parent = r.parent.map(|p| ds.regions[p].name.clone());
        map.entry(parent.unwrap_or_default())
            .or_default()
            .push(Item {
                name: r.name.clone(),
                href: format!("../../regions/{}.html", r.id),
            });
    }
    let single = map.len() == 1;
    map.into_iter()
        .map(|(name, mut items)| {
            items.sort_by(|a, b| a.name.cmp(&b.name));
            Group {
                name: if single { String::new() } else { name },
                items,
            }
        })
        .collect()
}

/// Writes one list page per scope.
pub(crate) fn write_all(site: &Site, idx: &HeatmapIndex) -> Result<()> {
    let ds = site.dataset;
    let by_id: HashMap<&str, usize> = ds
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    for s in &idx.scopes {
        let rel = page_path(&s.id);
        let title = format!("Regions on the {} map", s.label);
        let mut ctx = site.context(&rel, &title, "heatmaps/index.html");
        ctx.insert("label", &s.label);
        ctx.insert("n", &s.regions.len());
        ctx.insert("groups", &groups(ds, s, &by_id));
        site.write_page(&rel, "heatmap_regions.html", &ctx)?;
    }
    Ok(())
}
