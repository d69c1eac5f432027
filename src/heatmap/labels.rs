//! The texts of a heat map: bar names, the labels drawn into every frame, the legend and
//! the per-capita ranking floor.

use super::color::{self, ClassScale};
use super::frame::{self, Labels};
use super::index::{Legend, LegendRow};
use super::scope::ScopeMap;
use super::values::Pair;
use crate::data::{Dataset, Level, Region, names};
use crate::measures::{Mode, Scale, Unit};

/// Region label for bars and tables: counties carry their state's postal code.
pub(super) fn bar_name(ds: &Dataset, r: &Region) -> String {
    match (r.level, r.parent) {
        (Level::UsCounty, Some(p)) => match names::state_abbrev(&ds.regions[p].name) {
            Some(a) => format!("{}, {a}", r.name),
            None => r.name.clone(),
        },
        _ => r.name.clone(),
    }
}

/// The texts drawn into every frame.
pub(super) fn labels(p: &Pair, axis: Scale) -> Labels {
    let (me, mode, sc, m) = (p.me, p.mode, p.sc, p.m);
    Labels {
        title: format!("{} — {}", me.label(), m.label),
        subtitle: subtitle(mode, sc, axis),
        bars_heading: format!(
            "Top {} {}{}",
            frame::TOP_N,
            m.noun.1,
            floor_note(p.ds, m, sc)
        ),
        legend_heading: if sc == Unit::PerCapita {
            "Per 100,000 people".to_string()
        } else {
            match mode {
                Mode::Total => "Total".to_string(),
                Mode::New => "Per day (7-day average)".to_string(),
            }
        },
        footer: format!(
            "Data: JHU CSSE COVID-19 Data (CC BY 4.0){} · {}",
            if me.needs_recovered() {
                ", recovered published until 2021-08-04"
            } else {
                ""
            },
            m.boundaries
        ),
    }
}

pub(crate) fn what(mode: Mode) -> &'static str {
    match mode {
        Mode::Total => "Cumulative total",
        Mode::New => "New per day, 7-day average",
    }
}

/// One line saying what the values are: unit, average, scale.
fn subtitle(mode: Mode, sc: Unit, axis: Scale) -> String {
    let mut subtitle = what(mode).to_string();
    if sc == Unit::PerCapita {
        subtitle.push_str(" · per 100,000 people");
    }
    subtitle.push_str(match axis {
        Scale::Linear => " · round colour classes",
        Scale::Log => " · log colour scale",
    });
    subtitle
}

pub(super) fn legend(scale: &ClassScale, unit: &str, per_capita: bool) -> Legend {
    Legend {
        unit: unit.to_string(),
        per_capita,
        thresholds: scale.thresholds.clone(),
        rows: scale
            .legend()
            .into_iter()
            .map(|(c, label)| LegendRow {
                color: color::hex(color::palette()[c as usize]),
                label,
            })
            .collect(),
    }
}

/// Per capita: the population floor of the scope's regions' ranking.
pub(super) fn rank_floor(ds: &Dataset, m: &ScopeMap, sc: Unit) -> Option<u64> {
    match (sc, m.members.first()) {
        (Unit::PerCapita, Some(&ri)) => Some(names::per_capita_floor(ds.regions[ri].level)),
        _ => None,
    }
}

/// ", pop. ≥ 100k" for per-capita rankings, drawn above the bars.
fn floor_note(ds: &Dataset, m: &ScopeMap, sc: Unit) -> String {
    rank_floor(ds, m, sc).map_or(String::new(), |f| {
        format!(", pop. ≥ {}", crate::render::format::si(f as f64))
    })
}
