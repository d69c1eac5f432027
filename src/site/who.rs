//! WHO's weekly reports on the site (issue 21): the open-data files (`data/who/weekly.csv`, the
//! WHO columns of `data/latest.*`). Numbers come from `data::who` as judged there; nothing
//! here splices them into the JHU series.

use std::collections::HashMap;

use anyhow::Result;
use chrono::NaiveDate;

use super::opendata::LatestRow;
use crate::data::Dataset;
use crate::data::keys::JoinKeys;
use crate::data::who::{EntityKind, WhoEntity, WhoMeasure};
use crate::output::csv::Table;

/// The tidy file: one row per WHO entity and week.
pub(crate) const WEEKLY_CSV: &str = "data/who/weekly.csv";

/// Columns of [`WEEKLY_CSV`], in order.
pub(crate) const WEEKLY_COLUMNS: [&str; 14] = [
    "who_code",
    "iso2",
    "iso3",
    "region_id",
    "name",
    "week",
    "new_cases",
    "cumulative_cases",
    "cases_reported",
    "cases_status",
    "new_deaths",
    "cumulative_deaths",
    "deaths_reported",
    "deaths_status",
];

/// ISO alpha-2 → alpha-3 from JHU's UID table (WHO's file has alpha-2 only).
fn iso3_by_iso2(keys: &HashMap<u64, JoinKeys>) -> HashMap<&str, &str> {
    let mut m = HashMap::new();
    for k in keys.values() {
        if let (Some(a), Some(b)) = (k.iso2.as_deref(), k.iso3.as_deref()) {
            // Several rows share a country's codes (its provinces): any one gives the pair.
            m.entry(a).or_insert(b);
        }
    }
    m
}

/// `data/who/weekly.csv`: every entity (sorted by code) and week, WHO's values as published
/// (empty = no report), with the site's status of each week (docs/data-rules.md §8).
pub(crate) fn weekly_csv(ds: &Dataset, keys: &HashMap<u64, JoinKeys>) -> Result<Vec<u8>> {
    let Some(who) = &ds.who else {
        return Table::new(&WEEKLY_COLUMNS).finish();
    };
    let iso3 = iso3_by_iso2(keys);
    let mut t = Table::with_capacity(&WEEKLY_COLUMNS, who.entities.len() * who.weeks * 90);
    for e in &who.entities {
        let place = e.kind == EntityKind::Place;
        let iso2 = if place { e.code.as_str() } else { "" };
        let region = e.region.map_or("", |i| ds.regions[i].id.as_str());
        for w in 0..who.weeks {
            t.cell(&e.code)?;
            t.cell(iso2)?;
            t.cell(iso3.get(iso2).copied().unwrap_or(""))?;
            t.cell(region)?;
            t.cell(&e.name)?;
            t.cell_fmt(who.week(w))?;
            for m in [&e.cases, &e.deaths] {
                t.cell_opt(m.new[w])?;
                t.cell_fmt(m.cumulative[w])?;
                t.cell(if m.value(w).is_some() {
                    "true"
                } else {
                    "false"
                })?;
                t.cell(m.status[w].as_str())?;
            }
            t.end_row()?;
        }
    }
    t.finish()
}

/// The WHO columns of one `latest` row: the entity's last week with a report of either
/// measure, that week's values (empty where that measure sent none), the totals then, and
/// the date each measure stopped reporting, if it did.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Default)]
pub(crate) struct LatestWho {
    pub(crate) who_week: Option<NaiveDate>,
    pub(crate) who_new_cases: Option<i64>,
    pub(crate) who_new_deaths: Option<i64>,
    pub(crate) who_cumulative_cases: Option<i64>,
    pub(crate) who_cumulative_deaths: Option<i64>,
    pub(crate) who_cases_not_reporting_since: Option<NaiveDate>,
    pub(crate) who_deaths_not_reporting_since: Option<NaiveDate>,
}

/// Column names of [`LatestWho`], in order (appended to `data/latest.csv`).
pub(crate) const LATEST_WHO_COLUMNS: [&str; 7] = [
    "who_week",
    "who_new_cases",
    "who_new_deaths",
    "who_cumulative_cases",
    "who_cumulative_deaths",
    "who_cases_not_reporting_since",
    "who_deaths_not_reporting_since",
];

fn latest_who(who: &crate::data::who::Who, e: &WhoEntity) -> LatestWho {
    let last = [&e.cases, &e.deaths]
        .iter()
        .filter_map(|m| m.last_report())
        .max();
    let since = |m: &WhoMeasure| m.stopped_from.map(|i| who.week(i));
    LatestWho {
        who_week: last.map(|i| who.week(i)),
        who_new_cases: last.and_then(|i| e.cases.value(i)),
        who_new_deaths: last.and_then(|i| e.deaths.value(i)),
        who_cumulative_cases: last.map(|i| e.cases.cumulative[i]),
        who_cumulative_deaths: last.map(|i| e.deaths.cumulative[i]),
        who_cases_not_reporting_since: since(&e.cases),
        who_deaths_not_reporting_since: since(&e.deaths),
    }
}

/// Fills the WHO columns of the `latest` rows (in region order) of the regions WHO joins.
pub(crate) fn add_latest(rows: &mut [LatestRow], ds: &Dataset) {
    let Some(who) = &ds.who else { return };
    for e in &who.entities {
        if let Some(i) = e.region {
            rows[i].who = latest_who(who, e);
        }
    }
}

/// Writes the WHO cells of a `latest.csv` row.
pub(crate) fn latest_cells(t: &mut Table, w: &LatestWho) -> Result<()> {
    t.cell_opt(w.who_week)?;
    t.cell_opt(w.who_new_cases)?;
    t.cell_opt(w.who_new_deaths)?;
    t.cell_opt(w.who_cumulative_cases)?;
    t.cell_opt(w.who_cumulative_deaths)?;
    t.cell_opt(w.who_cases_not_reporting_since)?;
    t.cell_opt(w.who_deaths_not_reporting_since)
}

/// What the About page says about WHO's file (`None` when the build has none).
#[derive(serde::Serialize)]
pub(crate) struct About {
    start: String,
    end: String,
    end_year: i32,
    entities: usize,
    conveyances: usize,
    still_reporting: usize,
    url: &'static str,
    only_who: Vec<String>,
    only_site: Vec<String>,
}

/// WHO's weekly file, as WHO publishes it (data.who.int's dashboard links to it).
pub(crate) const WHO_URL: &str =
    "https://srhdpeuwpubsa.blob.core.windows.net/whdh/COVID/WHO-COVID-19-global-data.csv";

pub(crate) fn about(ds: &Dataset) -> Option<About> {
    use chrono::Datelike;
    let w = ds.who.as_ref()?;
    let places = w
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Place)
        .count();
    Some(About {
        start: w.start.to_string(),
        end: w.end().to_string(),
        end_year: w.end().year(),
        entities: places,
        conveyances: w.entities.len() - places,
        still_reporting: w.still_reporting(),
        url: WHO_URL,
        only_who: w.only_who().map(|e| e.name.clone()).collect(),
        only_site: w
            .only_site
            .iter()
            .map(|&i| ds.regions[i].name.clone())
            .collect(),
    })
}
