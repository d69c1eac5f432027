//! The chart of one view: its picture (desktop and phone), the line sources for values on
//! hover, and the incremental unit that renders a group's images.

use anyhow::Result;
use rayon::prelude::*;

use super::groups::Group;
use super::series::{ViewData, view_data};
use super::texts::{ViewJson, view_texts};
use super::view::{Align, View};
use super::{H, PER, PHONE_H, W};
use crate::measures::{Measure, Mode, Scale, Unit};
use crate::quality::Assessed;
use crate::render::chart::{self, Chart, Panel, Trace};
use crate::site::interact::{self, SeriesRef};
use crate::site::{Site, pictures};

/// Short line label: the region's own name, at most 18 characters.
fn short(name: &str) -> String {
    if name.chars().count() <= 18 {
        name.to_string()
    } else {
        let s: String = name.chars().take(17).collect();
        format!("{}…", s.trim_end())
    }
}

pub(super) fn image_rel(g: &Group, v: View) -> String {
    format!("img/{}-{}.svg", g.slug, v.key())
}

/// Renders one view and returns its texts.
fn render_view(site: &Site, g: &Group, v: View) -> Result<ViewJson> {
    let (ds, window) = (site.dataset, site.window());
    let d = view_data(ds, g, v, window);
    let labels: Vec<String> = g
        .members
        .iter()
        .map(|&i| short(&ds.regions[i].name))
        .collect();
    let traces: Vec<Trace> = d
        .lines
        .iter()
        .map(|(k, vals)| Trace {
            label: &labels[*k],
            values: vals,
            color: chart::LINES[*k % chart::LINES.len()],
        })
        .collect();
    let c = Chart {
        phone: false,
        width: W,
        height: H,
        start: d.start,
        days: d.days,
        panels: vec![Panel {
            title: v.title(window),
            log: v.scale == Scale::Log,
            lines: traces,
            x_days: v.align != Align::Date,
            end_labels: true,
            x_desc: v.x_desc().to_string(),
            ..Default::default()
        }],
    };
    let drawn = pictures::write(site.output, "compare", &image_rel(g, v), &c, PHONE_H)?;
    let mut texts = view_texts(ds, g, v, &d, window);
    texts.hover = interact::picture_hover(&c, &drawn, &[view_series(ds, g, v, &d, &c)]);
    Ok(texts)
}

/// Where each line of a view comes from in the regions' data files (for values on hover).
fn view_series(ds: &Assessed, g: &Group, v: View, d: &ViewData, c: &Chart) -> Vec<SeriesRef> {
    let key = match (v.measure, v.mode) {
        (Measure::Deaths, Mode::Total) => "deaths",
        (Measure::Deaths, Mode::New) => "ma_deaths",
        (_, Mode::Total) => "confirmed",
        (_, Mode::New) => "ma_confirmed",
    };
    let per = match v.unit {
        Unit::PerCapita => PER as u64,
        Unit::Absolute => 0,
    };
    d.lines
        .iter()
        .zip(&d.offsets)
        .zip(&c.panels[0].lines)
        .map(|(((k, _), &off), t)| SeriesRef {
            off,
            per,
            ..SeriesRef::new(
                t.label,
                &interact::region_name(&ds.regions[g.members[*k]]),
                key,
                t.color,
            )
        })
        .collect()
}

/// One incremental unit per group: a changed group re-renders only its own images.
pub(super) fn group_images(site: &Site, g: &Group, views: &[View]) -> Result<Vec<ViewJson>> {
    let ids: Vec<&str> = g
        .members
        .iter()
        .map(|&i| site.dataset.regions[i].id.as_str())
        .collect();
    let key = site
        .keys
        .compare_group(&g.slug, &g.name, &ids, site.window());
    let (texts, _) = site
        .output
        .unit_json(&format!("compare/{}", g.slug), &key, || {
            let texts: Vec<ViewJson> = views
                .par_iter()
                .map(|&v| render_view(site, g, v))
                .collect::<Result<_>>()?;
            let files = views
                .iter()
                .flat_map(|&v| {
                    let src = image_rel(g, v);
                    [
                        format!("compare/{src}"),
                        format!("compare/{}", pictures::phone_src(&src)),
                    ]
                })
                .collect();
            Ok((texts, files))
        })?;
    Ok(texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(short("Germany"), "Germany");
        assert_eq!(short("Newfoundland and Labrador"), "Newfoundland and…");
    }
}
