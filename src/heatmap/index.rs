//! What the page builder reads about the rendered heat maps: the index, its scopes and
//! animations, and the benchmark's timings.

use std::time::Duration;

use chrono::NaiveDate;
use serde::Serialize;

use crate::measures::{Measure, Mode, Scale, Unit};

/// Everything the page builder needs about the rendered heat maps.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct HeatmapIndex {
    pub frame_step: u32,
    pub per_capita_base: f64,
    pub scopes: Vec<ScopeEntry>,
    pub animations: Vec<Animation>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ScopeEntry {
    pub id: String,
    pub label: String,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub measures: Vec<Measure>,
    pub boundaries: String,
    pub coverage: Coverage,
    /// The part of its images a phone shows: the date and the map (`x, y, w, h`).
    pub phone_crop: [usize; 4],
    /// The map-hover hit file (see [`hover`]), relative to the site root.
    #[serde(default)]
    pub hit: String,
    /// Ids of the regions drawn on the map, in data order.
    #[serde(default)]
    pub regions: Vec<String>,
}

/// Join coverage of a scope (also logged as a note).
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Coverage {
    pub shapes: usize,
    pub shapes_with_data: usize,
    /// Names of shapes drawn as "no data" (no region joins them).
    pub shapes_without_data: Vec<String>,
    /// Regions of the scope with data but no shape.
    pub regions_without_shape: Vec<UnmappedRegion>,
    /// Shapes joined to a region that never reports a case (0 throughout, e.g. counties
    /// whose cases a health district reports): not counted in `shapes_with_data`.
    #[serde(default)]
    pub shapes_zero_throughout: Vec<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct UnmappedRegion {
    pub id: String,
    pub name: String,
    /// Why, when it is a documented mismatch; `None` = unexpected (also a warning).
    pub known_reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Animation {
    pub scope: String,
    pub scope_label: String,
    pub measure: Measure,
    pub measure_label: String,
    pub mode: Mode,
    pub unit: Unit,
    /// The colour classes' scale.
    pub scale: Scale,
    /// Paths relative to the site root.
    pub gif: String,
    pub poster: String,
    /// The poster in the dark scheme (the same pixels, the dark palette).
    pub poster_dark: String,
    pub csv: String,
    pub width: usize,
    pub height: usize,
    pub frames: usize,
    /// Days between frames (`scope_step`).
    pub step: u32,
    pub first_date: NaiveDate,
    pub last_date: NaiveDate,
    pub gif_bytes: usize,
    pub poster_bytes: usize,
    pub title: String,
    /// One line saying what the values are (unit, average, scale).
    pub subtitle: String,
    /// The scope's regions, plural ("countries").
    pub noun: String,
    /// Per capita: the population below which a region is not ranked.
    pub rank_floor: Option<u64>,
    /// Page prose, written by the pages (`site::heatmaps::describe`), not the renderer.
    #[serde(default)]
    pub alt: String,
    pub legend: Legend,
    /// Highest values on the last date (mapped regions only; per capita, only those above
    /// the population floor).
    pub top: Vec<TopRow>,
    /// `confirmed-new-pc`: the map-hover value set it shares with its lin/log twin.
    #[serde(default)]
    pub hover_set: String,
    /// The map-hover value files of that set.
    #[serde(default)]
    pub hover: Vec<String>,
    /// On the last date: how much of the scope's total is in rows not drawn, when more than
    /// 1 % ("Not on the map: …", docs/data-rules.md §2).
    #[serde(default)]
    pub unmapped_note: Option<String>,
    /// Set when some shapes show the value of the unit that reports them.
    #[serde(default)]
    pub district_note: Option<String>,
    /// Who is ranked in `top` when not every mapped region is (the per-capita population
    /// floor); empty otherwise. Page prose, like `alt`.
    #[serde(default)]
    pub top_note: String,
}

/// The colour legend; per-capita ticks are per `per_capita_base` people, so a page may
/// relabel them for another divisor (value × divisor / base) — colours do not change.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Legend {
    pub unit: String,
    pub per_capita: bool,
    /// Class breaks, ascending (class k covers [t[k-1], t[k])).
    pub thresholds: Vec<f64>,
    /// Rows as drawn, highest first: colour and label (ends with "0" and "No data").
    pub rows: Vec<LegendRow>,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct LegendRow {
    pub color: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct TopRow {
    pub rank: usize,
    pub region_id: String,
    pub name: String,
    pub value: f64,
    pub per_capita: bool,
}

/// `confirmed-new-pc-lin`: the name of one view of a scope (file names, the explorer's keys).
pub(crate) fn view_name(me: Measure, mode: Mode, unit: Unit, scale: Scale) -> String {
    format!(
        "{}-{}-{}-{}",
        me.as_str(),
        mode.as_str(),
        unit.short(),
        scale.short()
    )
}

impl Animation {
    /// `world/confirmed-new-pc-lin`: the animation's path under `heatmaps/`, without extension.
    pub(crate) fn key(&self) -> String {
        format!(
            "{}/{}",
            self.scope,
            view_name(self.measure, self.mode, self.unit, self.scale)
        )
    }
}

/// Timing of one animation, for the benchmark.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
pub struct AnimStats {
    pub scope: String,
    pub name: String,
    pub frames: usize,
    pub map_ns: u64,
    pub bars_ns: u64,
    pub encode_ns: u64,
    pub diff_ns: u64,
    pub gif_bytes: usize,
    pub poster_bytes: usize,
    pub wall: Duration,
}
