//! The groups: presets that exist in the dataset, then the config groups.

use anyhow::{Result, bail};

use super::MAX_LINES;
use crate::config::CompareGroup;
use crate::data::{Dataset, Level, Slugs, names, slug};

/// One group of regions drawn together.
#[derive(Clone, Debug)]
pub struct Group {
    /// File-name stem: `compare/{slug}.html`.
    pub slug: String,
    pub name: String,
    pub about: String,
    /// Region indices in drawing (and colour) order.
    pub members: Vec<usize>,
    /// Regions of a preset that did not fit in the ten lines.
    pub left_out: Vec<usize>,
    pub from_config: bool,
}

fn last_confirmed(ds: &Dataset, i: usize) -> i64 {
    ds.regions[i].series.confirmed.last().copied().unwrap_or(0)
}

/// Sorts by the latest confirmed total (largest first), ties by id.
fn by_cases(ds: &Dataset, mut v: Vec<usize>) -> Vec<usize> {
    v.sort_by(|&a, &b| {
        last_confirmed(ds, b)
            .cmp(&last_confirmed(ds, a))
            .then_with(|| ds.regions[a].id.cmp(&ds.regions[b].id))
    });
    v
}

/// The ten with the most cases, and the rest.
fn top(ds: &Dataset, v: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
    let mut v = by_cases(ds, v);
    let rest = v.split_off(v.len().min(MAX_LINES));
    (v, rest)
}

/// The ten with the most cases (a "top 10" needs no list of the others).
fn top_only(ds: &Dataset, v: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
    (top(ds, v).0, Vec::new())
}

/// The preset groups that exist in this dataset, then the config groups (validated against
/// the region ids).
pub fn resolve_groups(ds: &Dataset, config: &[CompareGroup]) -> Result<Vec<Group>> {
    let mut groups = presets(ds);
    let mut slugs = Slugs::default();
    for g in &groups {
        slugs.take(&g.slug);
    }
    for (gi, g) in config.iter().enumerate() {
        let members = config_members(ds, gi, g)?;
        groups.push(Group {
            slug: slugs.unique(&slug(&g.name)),
            name: g.name.clone(),
            about: "A group defined in the site's configuration (seecovid.toml).".into(),
            members,
            left_out: Vec::new(),
            from_config: true,
        });
    }
    Ok(groups)
}

fn preset(slug: &str, name: &str, about: String, m: (Vec<usize>, Vec<usize>)) -> Option<Group> {
    (!m.0.is_empty()).then(|| Group {
        slug: slug.into(),
        name: name.into(),
        about,
        members: m.0,
        left_out: m.1,
        from_config: false,
    })
}

/// The preset groups that exist in this dataset: top 10 countries, G7, the provinces of
/// Australia, Canada and China, top 10 US states.
fn presets(ds: &Dataset) -> Vec<Group> {
    let date = ds.data_date();
    // Real places only: cruise ships, the Olympics and "Unknown" rows are not in the groups.
    let of_level = |l: Level| -> Vec<usize> {
        (0..ds.regions.len())
            .filter(|&i| ds.regions[i].level == l && !names::is_pseudo(&ds.regions[i]))
            .collect()
    };
    let mut groups = Vec::new();
    groups.extend(preset(
        "top-countries",
        "Top 10 countries",
        format!("The ten countries with the most confirmed cases on {date}."),
        top_only(ds, of_level(Level::Country)),
    ));
    let g7: Vec<usize> = crate::site::interact::G7
        .iter()
        .filter_map(|id| ds.regions.iter().position(|r| r.id == *id))
        .collect();
    groups.extend(preset(
        "g7",
        "G7",
        "Canada, France, Germany, Italy, Japan, the United Kingdom and the United States.".into(),
        (g7, Vec::new()),
    ));
    for (id, name) in [
        ("australia", "Australia"),
        ("canada", "Canada"),
        ("china", "China"),
    ] {
        groups.extend(provinces(ds, id, name));
    }
    groups.extend(preset(
        "top-us-states",
        "Top 10 US states",
        format!("The ten US states and territories with the most confirmed cases on {date}."),
        top_only(ds, of_level(Level::UsState)),
    ));
    groups
}

/// The provinces of one country (the ten with the most cases when there are more).
fn provinces(ds: &Dataset, id: &str, name: &str) -> Option<Group> {
    let c = ds.regions.iter().position(|r| r.id == id)?;
    let kids: Vec<usize> = ds.regions[c]
        .children
        .iter()
        .copied()
        .filter(|&k| ds.regions[k].level == Level::Province)
        .collect();
    let n = kids.len();
    let about = if n > MAX_LINES {
        format!(
            "The ten of {name}'s {n} provinces and states (as published by JHU) with the most confirmed cases on {}; the others are listed below.",
            ds.data_date()
        )
    } else {
        format!("All {n} provinces and states of {name} as published by JHU.")
    };
    preset(
        &format!("provinces-{id}"),
        &format!("Provinces of {name}"),
        about,
        top(ds, kids),
    )
}

/// A config group's regions; an unknown id is an error naming the group and the id.
fn config_members(ds: &Dataset, gi: usize, g: &CompareGroup) -> Result<Vec<usize>> {
    let mut members = Vec::new();
    for id in &g.regions {
        let Some(i) = ds.regions.iter().position(|r| &r.id == id) else {
            let want = slug(id);
            let close: Vec<&str> = ds
                .regions
                .iter()
                .filter(|r| r.id == want || (want.len() >= 3 && r.id.contains(&want)))
                .take(3)
                .map(|r| r.id.as_str())
                .collect();
            let hint = if close.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", close.join(", "))
            };
            bail!(
                "`compare.groups[{gi}].regions`: group `{}` names unknown region id `{id}`{hint}; region ids are listed in data/regions.json of a built site (e.g. `germany`, `canada--ontario`, `us--texas`)",
                g.name
            );
        };
        if !members.contains(&i) {
            members.push(i);
        }
    }
    Ok(members)
}
