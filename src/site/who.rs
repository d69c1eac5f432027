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

/// One WHO chart of a region page.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct WhoChart {
    #[serde(flatten)]
    picture: super::pictures::Picture,
    alt: String,
    caption: String,
}

/// The "WHO weekly reports" section of a region page.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct RegionWho {
    title: String,
    who_name: String,
    facts: Vec<String>,
    charts: Vec<WhoChart>,
}

/// The WHO section of region `idx` (its charts one incremental unit, made again when WHO's
/// file or the region's JHU series change), or `None` where WHO has no entity for it.
pub(crate) fn region_unit(site: &super::Site, idx: usize) -> Result<Option<RegionWho>> {
    let ds = site.dataset;
    let Some(who) = &ds.who else { return Ok(None) };
    let Some(e) = who.for_region(idx) else {
        return Ok(None);
    };
    let base = site
        .keys
        .region(ds, idx, DEFAULT_WINDOW, site.per_capita())?;
    let key = crate::output::key_of(&[base.as_bytes(), site.keys.who.as_bytes()]);
    let name = format!("who/{}", ds.regions[idx].id);
    let (section, _) = site
        .output
        .unit_json(&name, &key, || region_section(site, idx, who, e))?;
    Ok(Some(section))
}

use crate::data::who::Who;
use crate::measures::DEFAULT_WINDOW;
use crate::render::chart::{self, Chart, Panel, Trace};
use crate::render::format::thousands;

/// JHU's trailing 7-day mean × 7 at each of WHO's Sundays (NaN outside JHU's dates or where
/// JHU's mean is unknown): a weekly number on WHO's scale, never merged into WHO's.
fn jhu_weekly(who: &Who, r: &crate::data::Region, mean: &[f64]) -> Vec<f64> {
    (0..who.weeks)
        .map(|w| {
            let i = (who.week(w) - r.series.start).num_days();
            if i < 0 || i as usize >= mean.len() {
                return f64::NAN;
            }
            mean[i as usize] * 7.0
        })
        .collect()
}

/// A weekly series drawn on a daily axis: each week's value on its seven days (Monday to
/// Sunday), so bars and steps line up with the weeks they cover.
fn by_day(weekly: &[f64]) -> Vec<f64> {
    weekly
        .iter()
        .flat_map(|&v| std::iter::repeat_n(v, 7))
        .collect()
}

fn region_section(
    site: &super::Site,
    idx: usize,
    who: &Who,
    e: &WhoEntity,
) -> Result<(RegionWho, Vec<String>)> {
    let ds = site.dataset;
    let r = &ds.regions[idx];
    let d = crate::measures::derive(&r.series, &ds.quality.regions[idx], DEFAULT_WINDOW);
    let mut files = Vec::new();
    let mut charts = Vec::new();
    let kinds = [
        (
            "cases",
            &e.cases,
            d.ma_confirmed(),
            chart::CASES_LIGHT,
            chart::CASES,
        ),
        (
            "deaths",
            &e.deaths,
            d.ma_deaths(),
            chart::DEATHS_LIGHT,
            chart::DEATHS,
        ),
    ];
    for (what, m, mean, light, dark) in kinds {
        let weekly: Vec<f64> = (0..who.weeks)
            .map(|w| m.value(w).map_or(f64::NAN, |v| v as f64))
            .collect();
        let bars = by_day(&weekly);
        let jhu = by_day(&jhu_weekly(who, r, mean));
        let flags = by_day(
            &(0..who.weeks)
                .map(|w| {
                    if m.status[w] == crate::data::who::WeekStatus::Correction {
                        1.0
                    } else {
                        0.0
                    }
                })
                .collect::<Vec<_>>(),
        );
        let flags: Vec<bool> = flags.iter().map(|&f| f > 0.0).collect();
        let chart = weekly_chart(
            who,
            Panel {
                title: format!("New {what} per week (WHO)"),
                bars: Some(Trace {
                    label: "WHO, per week",
                    values: &bars,
                    color: light,
                }),
                lines: vec![Trace {
                    label: "JHU 7-day mean × 7",
                    values: &jhu,
                    color: dark,
                }],
                flagged: flags.contains(&true).then_some(flags.as_slice()),
                // Where the place stopped reporting: the empty weeks after it are not zeros.
                markers: m
                    .stopped_from
                    .map(|w| vec![(w * 7, "not reporting".to_string())])
                    .unwrap_or_default(),
                ..Default::default()
            },
        );
        let src = format!("img/{}-who-{what}.svg", r.id);
        let drawn = super::pictures::write(
            site.output,
            "regions",
            &src,
            &chart,
            super::regions::PHONE_PANEL_H,
        )?;
        files.push(format!("regions/{src}"));
        files.push(format!("regions/{}", drawn.picture.phone_src));
        charts.push(WhoChart {
            alt: chart_alt(who, e, m, what),
            caption: format!("New {what} per week as reported to WHO (bars; grey: corrections; gaps: no report). Line: JHU's 7-day average × 7 at each Sunday, {} to {}, on the same weekly scale — a separate source, not joined to WHO's.", r.series.start, r.series.end()),
            picture: drawn.picture,
        });
    }
    let section = RegionWho {
        title: format!("WHO weekly reports, 2020 to {}", who.end()),
        who_name: e.name.clone(),
        facts: facts(who, e),
        charts,
    };
    Ok((section, files))
}

fn chart_alt(who: &Who, e: &WhoEntity, m: &WhoMeasure, what: &str) -> String {
    let peak = (0..who.weeks)
        .filter_map(|w| m.rankable(w).map(|v| (v, w)))
        .max_by_key(|&(v, w)| (v, std::cmp::Reverse(w)));
    let peak = match peak {
        Some((v, w)) if v > 0 => format!(
            " The highest week was {} {what}, the week to {}.",
            thousands(v),
            who.week(w)
        ),
        _ => String::new(),
    };
    format!(
        "Bar chart of new {what} per week that {} reported to WHO, weeks to {} … {}, with JHU's 7-day average × 7 as a line where JHU has data.{peak} {}",
        e.name,
        who.start,
        who.end(),
        measure_fact(who, m, what)
    )
}

/// One sentence on where a measure's reports stand.
fn measure_fact(who: &Who, m: &WhoMeasure, what: &str) -> String {
    let Some(last) = m.last_report() else {
        return format!("WHO has no {what} report.");
    };
    let last_txt = format!(
        "{} in the week to {}",
        thousands(m.value(last).unwrap_or(0)),
        who.week(last)
    );
    match m.stopped_from {
        Some(from) => {
            let last_zero = (from..who.weeks).rev().find(|&w| m.new[w] == Some(0));
            let zero_txt = last_zero.map_or_else(String::new, |z| {
                format!(
                    " (the zeros WHO published from then to {} count as no report)",
                    who.week(z)
                )
            });
            format!(
                "{}: no report after the week to {} ({} that week): not reporting from the week to {}{zero_txt}.",
                capital(what),
                who.week(last),
                thousands(m.value(last).unwrap_or(0)),
                who.week(from),
            )
        }
        None => {
            let mut s = format!("{}: last report {last_txt}.", capital(what));
            if let Some(nz) = m.last_nonzero()
                && nz + super::super::data::who::STOP_MIN_WEEKS < last
            {
                s.push_str(&format!(
                    " Only zeros since the week to {} (the last non-zero week).",
                    who.week(nz)
                ));
            }
            s
        }
    }
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

fn facts(who: &Who, e: &WhoEntity) -> Vec<String> {
    let mut out = vec![
        measure_fact(who, &e.cases, "cases"),
        measure_fact(who, &e.deaths, "deaths"),
    ];
    let corrections: usize = [&e.cases, &e.deaths]
        .iter()
        .map(|m| {
            m.status
                .iter()
                .filter(|s| **s == crate::data::who::WeekStatus::Correction)
                .count()
        })
        .sum();
    if corrections > 0 {
        out.push(format!("{corrections} week(s) with a negative value (a correction of earlier weeks): drawn in grey, left out of rankings."));
    }
    let (c, d) = (
        e.cases.cumulative[who.weeks - 1],
        e.deaths.cumulative[who.weeks - 1],
    );
    out.push(format!(
        "Cumulative totals at WHO: {} cases, {} deaths.",
        thousands(c),
        thousands(d)
    ));
    out
}

/// Weeks of the overview's "last four weeks" rankings (WHO updates every four weeks).
const RECENT_WEEKS: usize = 4;

/// One row of an overview ranking.
#[derive(serde::Serialize)]
struct RankRow {
    name: String,
    page: Option<String>,
    value: String,
    per_100k: String,
}

/// A ranking of the last [`RECENT_WEEKS`] weeks.
#[derive(serde::Serialize)]
struct Ranking {
    caption: String,
    rows: Vec<RankRow>,
}

/// The overview's WHO section.
#[derive(serde::Serialize)]
pub(crate) struct Overview {
    end: String,
    from: String,
    cumulative_cases: String,
    cumulative_deaths: String,
    week_cases: String,
    week_deaths: String,
    reporting_last_week: usize,
    still_reporting: usize,
    places: usize,
    rankings: Vec<Ranking>,
    charts: Vec<WhoChart>,
}

/// Sum of a measure's rankable values over the last weeks (`None`: no report in them).
fn recent_sum(who: &Who, m: &WhoMeasure) -> Option<i64> {
    let vals: Vec<i64> = (who.weeks - RECENT_WEEKS..who.weeks)
        .filter_map(|w| m.rankable(w))
        .collect();
    (!vals.is_empty()).then(|| vals.iter().sum())
}

fn ranking(ds: &Dataset, who: &Who, deaths: bool, per_capita: bool) -> Ranking {
    let per = |e: &WhoEntity, v: i64| -> Option<f64> {
        let pop = e.region.and_then(|i| ds.regions[i].population)?;
        (pop >= crate::data::names::PER_CAPITA_FLOOR).then(|| v as f64 * 1e5 / pop as f64)
    };
    let mut rows: Vec<(&WhoEntity, i64, Option<f64>)> = who
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Place)
        .filter_map(|e| recent_sum(who, e.measure(deaths)).map(|v| (e, v, per(e, v))))
        .filter(|r| !per_capita || r.2.is_some())
        .collect();
    rows.sort_by(|a, b| {
        let (x, y) = if per_capita {
            (a.2.unwrap_or(0.0), b.2.unwrap_or(0.0))
        } else {
            (a.1 as f64, b.1 as f64)
        };
        y.total_cmp(&x).then(a.0.name.cmp(&b.0.name))
    });
    let what = if deaths { "deaths" } else { "cases" };
    let by = if per_capita {
        format!(
            "per 100,000 people (places of {} people or more)",
            thousands(crate::data::names::PER_CAPITA_FLOOR as i64)
        )
    } else {
        "reported".to_string()
    };
    Ranking {
        caption: format!(
            "Most {what} {by}, weeks to {} … {}",
            who.week(who.weeks - RECENT_WEEKS),
            who.end()
        ),
        rows: rows
            .into_iter()
            .take(10)
            .map(|(e, v, p)| RankRow {
                name: e
                    .region
                    .map_or_else(|| e.name.clone(), |i| ds.regions[i].name.clone()),
                page: e
                    .region
                    .map(|i| format!("regions/{}.html", ds.regions[i].id)),
                value: thousands(v),
                per_100k: p.map_or_else(String::new, crate::render::format::decimal),
            })
            .collect(),
    }
}

/// One panel of WHO weeks in the region charts' size, on a daily axis that starts on the
/// Monday of WHO's first week (its bars are the weekly values spread over their days).
fn weekly_chart<'a>(who: &Who, panel: Panel<'a>) -> Chart<'a> {
    Chart {
        phone: false,
        width: super::regions::W,
        height: super::regions::H,
        start: who.start - chrono::Duration::days(6),
        days: panel.bars.as_ref().map_or(0, |b| b.values.len()),
        panels: vec![panel],
    }
}

/// World weekly totals as bars (cases and deaths), written under `who/`.
fn world_charts(site: &super::Site, who: &Who) -> Result<Vec<WhoChart>> {
    let mut out = Vec::new();
    for (deaths, what, light) in [
        (false, "cases", chart::CASES_LIGHT),
        (true, "deaths", chart::DEATHS_LIGHT),
    ] {
        let weekly: Vec<f64> = (0..who.weeks)
            .map(|w| {
                let (c, d) = who.world_new(w);
                (if deaths { d } else { c }) as f64
            })
            .collect();
        let bars = by_day(&weekly);
        let chart = weekly_chart(
            who,
            Panel {
                title: format!("World: new {what} per week reported to WHO"),
                bars: Some(Trace {
                    label: "per week",
                    values: &bars,
                    color: light,
                }),
                ..Default::default()
            },
        );
        let src = format!("world-{what}.svg");
        let mut drawn = super::pictures::write(
            site.output,
            "who",
            &src,
            &chart,
            super::regions::PHONE_PANEL_H,
        )?;
        drawn.picture.src = format!("who/{}", drawn.picture.src);
        drawn.picture.phone_src = format!("who/{}", drawn.picture.phone_src);
        let peak = (0..who.weeks)
            .max_by_key(|&w| (weekly[w] as i64, std::cmp::Reverse(w)))
            .unwrap_or(0);
        out.push(WhoChart {
            alt: format!(
                "Bar chart of the new {what} reported to WHO each week by every country, territory and area, weeks to {} … {}. The highest week: {} {what}, the week to {}; the last week: {}.",
                who.start,
                who.end(),
                thousands(weekly[peak] as i64),
                who.week(peak),
                thousands(weekly[who.weeks - 1] as i64)
            ),
            caption: format!("World, new {what} per week (WHO; corrections included, so a week can dip). Fewer places report every year: a lower bar is partly fewer reports."),
            picture: drawn.picture,
        });
    }
    Ok(out)
}

/// The overview's WHO section (`None` without WHO's file).
pub(crate) fn overview(site: &super::Site) -> Result<Option<Overview>> {
    let ds = site.dataset;
    let Some(who) = &ds.who else { return Ok(None) };
    let last = who.weeks - 1;
    let (cc, cd) = who.world_cumulative(last);
    let (wc, wd) = who.world_new(last);
    let places: Vec<&WhoEntity> = who
        .entities
        .iter()
        .filter(|e| e.kind == EntityKind::Place)
        .collect();
    let reporting_last_week = places
        .iter()
        .filter(|e| e.cases.value(last).is_some() || e.deaths.value(last).is_some())
        .count();
    Ok(Some(Overview {
        end: who.end().to_string(),
        from: who.week(who.weeks - RECENT_WEEKS).to_string(),
        cumulative_cases: thousands(cc),
        cumulative_deaths: thousands(cd),
        week_cases: thousands(wc),
        week_deaths: thousands(wd),
        reporting_last_week,
        still_reporting: who.still_reporting(),
        places: places.len(),
        rankings: vec![
            ranking(ds, who, false, false),
            ranking(ds, who, true, false),
            ranking(ds, who, false, true),
            ranking(ds, who, true, true),
        ],
        charts: world_charts(site, who)?,
    }))
}
