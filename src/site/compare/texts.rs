//! The alt text, caption and note of one view.

use chrono::Duration;
use serde::Serialize;

use super::groups::Group;
use super::series::ViewData;
use super::view::{Align, View};
use crate::data::Dataset;
use crate::measures::{Mode, Unit};
use crate::render::format::{count, decimal, si};

fn value_text(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Absolute => si(v),
        Unit::PerCapita => decimal(v),
    }
}

#[derive(Serialize, serde::Deserialize)]
pub(super) struct ViewJson {
    alt: String,
    caption: String,
    note: String,
    /// `data-hover` of the view's image (see `site::interact`).
    pub(super) hover: String,
}

/// The alt text, caption and note of one view: what it shows, the figures the picture shows
/// (largest first), and the regions it leaves out.
pub(super) fn view_texts(
    ds: &Dataset,
    g: &Group,
    v: View,
    d: &ViewData,
    window: usize,
) -> ViewJson {
    let what = v.what(window);
    let span = if v.align == Align::Date {
        format!(
            "from {} to {}",
            d.start,
            d.start + Duration::days(d.days as i64 - 1)
        )
    } else {
        format!("over {} days", d.days)
    };
    // The figures the picture shows, largest first.
    let mut facts: Vec<(f64, String)> = d
        .lines
        .iter()
        .filter_map(|(k, vals)| {
            let name = &ds.regions[g.members[*k]].name;
            let (i, x) = match v.mode {
                Mode::Total => vals
                    .iter()
                    .copied()
                    .enumerate()
                    .rev()
                    .find(|(_, x)| x.is_finite())?,
                Mode::New => vals
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, x)| x.is_finite())
                    .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?,
            };
            let when = if v.align == Align::Date {
                (d.start + Duration::days(i as i64)).to_string()
            } else {
                format!("day {i}")
            };
            Some((x, format!("{name} {} ({when})", value_text(x, v.unit))))
        })
        .collect();
    facts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let facts: Vec<String> = facts.into_iter().map(|f| f.1).collect();
    let lead = match v.mode {
        Mode::Total => "Latest values",
        Mode::New => "Highest averages",
    };
    let alt = if facts.is_empty() {
        format!(
            "Empty line chart of {} for {}: no region can be shown in this view.",
            what.to_lowercase(),
            g.name
        )
    } else {
        format!(
            "Line chart of {} for {} of the group {}, {}, on a {}, {span}. {lead}: {}.",
            what.to_lowercase(),
            count(facts.len() as i64, "region", "regions"),
            g.name,
            v.align_text(),
            v.scale_text(),
            facts.join("; ")
        )
    };
    let caption = format!("{what}, {}, {}.", v.align_text(), v.scale_text());
    let note = if d.skipped.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = d
            .skipped
            .iter()
            .map(|(k, why)| format!("{} ({why})", ds.regions[g.members[*k]].name))
            .collect();
        format!("Not shown in this view: {}.", list.join(", "))
    };
    ViewJson {
        alt,
        caption,
        note,
        hover: String::new(),
    }
}
