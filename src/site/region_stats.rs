//! What a region page shows beyond its own charts (issue 14): weekly totals, peaks, its
//! per-capita figures beside its parent's and its country's, its rank among its siblings,
//! and the table of its children. Pure functions of the dataset; cheap enough to compute on
//! every build (a handful of sums per region), so pages never show stale neighbours.

use rayon::prelude::*;
use serde::Serialize;

use super::peers::{Kind, Peers};
use crate::data::{Dataset, Level, Series};
use crate::measures;
use crate::quality;
use crate::quality::Assessed;
use crate::render::format::{decimal, thousands};

/// Weeks in the weekly-totals table.
pub(crate) const WEEKS: usize = 12;

/// Last values of one region (the same numbers as its CSV's last rows).
#[derive(Clone, Debug, Default)]
pub(crate) struct Stats {
    pub(crate) population: Option<u64>,
    pub(crate) confirmed: i64,
    pub(crate) deaths: i64,
    /// Mean new cases/deaths per day over the last 7 days.
    pub(crate) new7_c: f64,
    pub(crate) new7_d: f64,
}

impl Stats {
    fn per(&self, v: f64, per: f64) -> Option<f64> {
        measures::per_capita(v, self.population, per)
    }
    /// Reported cases above the population: a data problem, not a rate (Loving County TX).
    pub(crate) fn above_population(&self) -> bool {
        self.population.is_some_and(|p| self.confirmed > p as i64)
    }
    /// Cases per `per` people; none above the population (not ranked, not compared).
    pub(crate) fn cases_pc(&self, per: f64) -> Option<f64> {
        if self.above_population() {
            return None;
        }
        self.per(self.confirmed as f64, per)
    }
    /// The cases-per-capita cell: the rate, or what stands in its place.
    fn cases_pc_text(&self, per: f64) -> String {
        if self.above_population() {
            "above population".into()
        } else {
            fmt(self.cases_pc(per))
        }
    }
    pub(crate) fn deaths_pc(&self, per: f64) -> Option<f64> {
        self.per(self.deaths as f64, per)
    }
    pub(crate) fn new7_c_pc(&self, per: f64) -> Option<f64> {
        self.per(self.new7_c, per)
    }
    pub(crate) fn new7_d_pc(&self, per: f64) -> Option<f64> {
        self.per(self.new7_d, per)
    }
}

fn stats_of(s: &Series, q: &quality::assess::RegionQuality, population: Option<u64>) -> Stats {
    Stats {
        population,
        confirmed: *s.confirmed.last().unwrap_or(&0),
        deaths: *s.deaths.last().unwrap_or(&0),
        new7_c: last_mean(&s.confirmed, q, false),
        new7_d: last_mean(&s.deaths, q, true),
    }
}

/// The last day's 7-day average (NaN where the region is not reporting or has no data): the
/// same number as the region's card, chart, map and `latest.json`.
fn last_mean(cum: &[i64], q: &quality::assess::RegionQuality, deaths: bool) -> f64 {
    measures::new_series(cum, q, deaths, measures::DEFAULT_WINDOW)
        .mean
        .last()
        .copied()
        .unwrap_or(f64::NAN)
}

/// Stats of every region, in region order.
pub(crate) fn all_stats(ds: &Assessed) -> Vec<Stats> {
    ds.regions
        .par_iter()
        .zip(&ds.quality.regions)
        .map(|(r, q)| stats_of(&r.series, q, r.population))
        .collect()
}

/// One week of the weekly-totals table.
#[derive(Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub(crate) struct Week {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) cases: String,
    pub(crate) cases_change: String,
    pub(crate) deaths: String,
    pub(crate) deaths_change: String,
}

/// Change from `prev` to `cur` in percent, signed ("+12%", "−8%"); "new" from zero.
fn change(cur: i64, prev: Option<i64>) -> String {
    match prev {
        None => String::new(),
        Some(0) if cur == 0 => "0%".into(),
        Some(0) => "new".into(),
        Some(p) => {
            let pct = (cur - p) as f64 / p.abs() as f64 * 100.0;
            let r = pct.round() as i64;
            match r.cmp(&0) {
                std::cmp::Ordering::Greater => format!("+{}%", thousands(r)),
                std::cmp::Ordering::Less => format!("−{}%", thousands(-r)),
                std::cmp::Ordering::Equal => "0%".into(),
            }
        }
    }
}

/// Totals of new cases and deaths over the last `weeks` 7-day periods ending on the series'
/// last date, newest first, each with its change against the period before.
pub(crate) fn weekly(s: &Series, new_c: &[i64], new_d: &[i64], weeks: usize) -> Vec<Week> {
    let n = new_c.len();
    let sum = |v: &[i64], k: usize| -> Option<i64> {
        let hi = n.checked_sub(7 * k)?;
        let lo = hi.checked_sub(7)?;
        Some(v[lo..hi].iter().sum())
    };
    (0..weeks)
        .map_while(|k| {
            let c = sum(new_c, k)?;
            let d = sum(new_d, k)?;
            let hi = n - 7 * k;
            Some(Week {
                from: s.date(hi - 7).to_string(),
                to: s.date(hi - 1).to_string(),
                cases: thousands(c),
                cases_change: change(c, sum(new_c, k + 1)),
                deaths: thousands(d),
                deaths_change: change(d, sum(new_d, k + 1)),
            })
        })
        .collect()
}

/// Peak of a moving average: (date, value per day), if it ever rose above zero.
pub(crate) fn peak(s: &Series, ma: &[f64]) -> Option<(String, f64)> {
    ma.iter()
        .copied()
        .enumerate()
        .filter(|(_, x)| x.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|(_, x)| *x > 0.0)
        .map(|(i, x)| (s.date(i).to_string(), x))
}

/// A rate, or a dash where there is none (no population, not reporting).
fn fmt(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite())
        .map(decimal)
        .unwrap_or_else(|| "–".into())
}

/// One row of the comparison: a region (linked unless it is the page's own) and its values.
#[derive(Serialize, Debug)]
pub(crate) struct Row {
    pub(crate) name: String,
    pub(crate) href: Option<String>,
    pub(crate) values: Vec<String>,
}

/// The per-capita comparison, one row per region: this region, its parent and its country
/// (when different); a country with the world and its peers (`site::peers`).
#[derive(Serialize, Debug)]
pub(crate) struct Comparison {
    /// The region's last date (its parent's and country's come from the same files).
    pub(crate) date: String,
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Row>,
    /// What the rows beyond the chain are and how they were chosen (empty: none).
    pub(crate) note: String,
}

/// The chain region → parent → country (distinct, at most three).
fn chain(ds: &Assessed, idx: usize) -> Vec<usize> {
    let mut out = vec![idx];
    if let Some(p) = ds.regions[idx].parent {
        out.push(p);
        if let Some(c) = ds.regions[p].parent {
            // Harris County → Texas → US: the top of the tree is the country.
            let mut top = c;
            while let Some(t) = ds.regions[top].parent {
                top = t;
            }
            out.push(top);
        }
    }
    out
}

/// The world as one row: every country and the territories listed beside a country row (as
/// `Dataset::world_totals`). Its new-per-day rates are over the members reporting on their
/// last date: `new7_*` are scaled to the whole population so that the rate is theirs.
/// Returns the stats and (reporting, members).
pub(crate) fn world_stats(ds: &Dataset, stats: &[Stats]) -> (Stats, usize, usize) {
    let members: Vec<&Stats> = ds
        .regions
        .iter()
        .zip(stats)
        .filter(|(r, _)| {
            r.level == Level::Country || (r.level == Level::Province && !r.in_parent_total)
        })
        .map(|(_, s)| s)
        .collect();
    let pop = |s: &&&Stats| s.population.unwrap_or(0) as f64;
    let all_pop: f64 = members.iter().map(|s| pop(&s)).sum();
    let reporting: Vec<&&Stats> = members
        .iter()
        .filter(|s| s.new7_c.is_finite() && s.new7_d.is_finite() && s.population.is_some())
        .collect();
    let rep_pop: f64 = reporting.iter().map(pop).sum();
    let scale = if rep_pop > 0.0 {
        all_pop / rep_pop
    } else {
        f64::NAN
    };
    let world = Stats {
        population: Some(all_pop as u64),
        confirmed: members.iter().map(|s| s.confirmed).sum(),
        deaths: members.iter().map(|s| s.deaths).sum(),
        new7_c: reporting.iter().map(|s| s.new7_c).sum::<f64>() * scale,
        new7_d: reporting.iter().map(|s| s.new7_d).sum::<f64>() * scale,
    };
    (world, reporting.len(), members.len())
}

pub(crate) fn comparison(
    ds: &Assessed,
    stats: &[Stats],
    peers: &Peers,
    idx: usize,
    per: f64,
) -> Comparison {
    let mut ids = chain(ds, idx);
    // A county reported as part of a unit (its own row 0): a dash for it, and the unit's
    // figures beside it.
    let unit = ds.quality.regions[idx].reported_in.as_ref();
    if let Some(&first) = unit.and_then(|u| u.regions.first()) {
        ids.insert(1, first);
    }
    let values = |s: &Stats, own_unknown: bool| -> Vec<String> {
        let mut v: Vec<String> = if own_unknown {
            vec!["–".to_string(); 4]
        } else {
            vec![
                s.cases_pc_text(per),
                fmt(s.deaths_pc(per)),
                fmt(s.new7_c_pc(per)),
                fmt(s.new7_d_pc(per)),
            ]
        };
        v.push(
            s.population
                .map(|p| thousands(p as i64))
                .unwrap_or_else(|| "unknown".into()),
        );
        v
    };
    let row = |i: usize| Row {
        name: ds.regions[i].name.clone(),
        href: (i != idx).then(|| format!("{}.html", ds.regions[i].id)),
        values: values(&stats[i], i == idx && unit.is_some()),
    };
    let mut rows: Vec<Row> = ids.iter().map(|&i| row(i)).collect();
    let mut note = String::new();
    if ds.regions[idx].level == Level::Country && !crate::data::names::is_pseudo(&ds.regions[idx]) {
        let (world, reporting, members) = world_stats(ds, stats);
        rows.push(Row {
            name: "World".into(),
            href: None,
            values: values(&world, false),
        });
        let (list, kind) = peers.of(idx);
        rows.extend(list.iter().map(|&i| row(i)));
        let who = match (kind, list.len()) {
            (_, 0) => "No neighbouring country is in the data.".to_string(),
            (Kind::Neighbours, _) => "Below it, the countries it shares a land border with (Natural Earth 1:50m boundaries), largest first.".to_string(),
            (Kind::Nearest, n) => format!("Below it (no land border), the {n} countries whose mainland centres are nearest, largest first."),
        };
        note = format!(
            "World: every country and territory in the JHU data; its new-per-day rates are over the {reporting} of {members} reporting on their last date. {who}"
        );
    }
    let label = thousands(per as i64);
    Comparison {
        date: ds.regions[idx].series.end().to_string(),
        columns: vec![
            format!("Cases per {label}"),
            format!("Deaths per {label}"),
            format!("New cases per day per {label}"),
            format!("New deaths per day per {label}"),
            "Population".into(),
        ],
        rows,
        note,
    }
}

/// Plural noun for the children of a region (and so for its siblings' parent).
pub(crate) fn child_noun(ds: &Assessed, idx: usize) -> &'static str {
    let r = &ds.regions[idx];
    match r.level {
        Level::Country if r.source == crate::data::Source::Us => "states and territories",
        Level::Country => "provinces and states",
        Level::UsState => "counties",
        _ => "",
    }
}

/// "12th of 254 counties of Texas by cases per 100,000", among siblings with a population
/// (1st = highest). Countries rank among all countries. Counties reported as part of another
/// unit (Utah's health districts) are neither ranked nor counted: their own rows are 0.
pub(crate) fn rank(ds: &Assessed, stats: &[Stats], idx: usize, per: f64) -> Option<String> {
    let r = &ds.regions[idx];
    let counted_elsewhere = |i: usize| ds.quality.regions[i].reported_in.is_some();
    if counted_elsewhere(idx) {
        return None;
    }
    let own = stats[idx].cases_pc(per)?;
    let (siblings, group): (Vec<usize>, String) = match r.parent {
        Some(p) => (
            ds.regions[p].children.clone(),
            format!(
                "{} of {}",
                child_noun(ds, p),
                with_article(&ds.regions[p].name)
            ),
        ),
        None => (
            (0..ds.regions.len())
                .filter(|&i| ds.regions[i].parent.is_none())
                .collect(),
            "countries".into(),
        ),
    };
    let values: Vec<f64> = siblings
        .iter()
        .filter(|&&i| !counted_elsewhere(i))
        .filter_map(|&i| stats[i].cases_pc(per))
        .collect();
    if values.len() < 2 {
        return None;
    }
    let pos = 1 + values.iter().filter(|&&v| v > own).count();
    Some(format!(
        "{} of {} {group} by cases per {} (1st = highest)",
        ordinal(pos),
        values.len(),
        thousands(per as i64)
    ))
}

/// A parent's name as it reads after "of": "the US", "the United Kingdom", "Texas".
pub(crate) fn with_article(name: &str) -> String {
    match name {
        "US" | "United Kingdom" | "Netherlands" => format!("the {name}"),
        _ => name.to_string(),
    }
}

pub(crate) fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A row of a children (or regions-index) table: shown text and the sort keys.
#[derive(Serialize, Debug, Clone)]
pub(crate) struct TableRow {
    pub(crate) name: String,
    pub(crate) href: String,
    pub(crate) population: String,
    pub(crate) population_key: String,
    pub(crate) cases_pc: String,
    pub(crate) cases_pc_key: String,
    pub(crate) new7_pc: String,
    pub(crate) new7_pc_key: String,
}

fn key(v: Option<f64>) -> String {
    // Missing values sort below every number.
    v.map_or_else(|| "-1".into(), |x| format!("{x:.4}"))
}

/// Table rows for `regions` (indices), sorted by name; `href` relative to `regions/`.
pub(crate) fn table_rows(
    ds: &Assessed,
    stats: &[Stats],
    regions: &[usize],
    per: f64,
) -> Vec<TableRow> {
    let mut rows: Vec<TableRow> = regions
        .iter()
        .map(|&i| {
            let s = &stats[i];
            TableRow {
                name: ds.regions[i].name.clone(),
                href: format!("{}.html", ds.regions[i].id),
                population: s
                    .population
                    .map(|p| thousands(p as i64))
                    .unwrap_or_else(|| "unknown".into()),
                population_key: s.population.unwrap_or(0).to_string(),
                cases_pc: s.cases_pc_text(per),
                cases_pc_key: key(s.cases_pc(per)),
                new7_pc: fmt(s.new7_c_pc(per)),
                new7_pc_key: key(s.new7_c_pc(per)),
            }
        })
        .collect();
    rows.sort_by_key(|r| r.name.to_lowercase());
    rows
}

/// One daily row of the folded daily table.
#[derive(Serialize, Debug, Clone)]
pub(crate) struct Day {
    pub(crate) date: String,
    pub(crate) confirmed: String,
    pub(crate) new_confirmed: String,
    pub(crate) deaths: String,
    pub(crate) new_deaths: String,
}

/// A labelled value with a note (the peak figures).
#[derive(Serialize, Debug, Clone)]
pub(crate) struct Note {
    pub(crate) label: String,
    pub(crate) value: String,
    pub(crate) note: String,
}

/// Inserts what a region page shows from this module into its template context: `weeks`,
/// `days` (the same dates, newest first), `peaks`, `compare`, `rank`, `child_rows`.
pub(crate) fn insert_page_context(
    ctx: &mut tera::Context,
    ds: &Assessed,
    stats: &[Stats],
    peers: &Peers,
    idx: usize,
    window: usize,
    per: f64,
) {
    let r = &ds.regions[idx];
    let s = &r.series;
    ctx.insert("compare", &comparison(ds, stats, peers, idx, per));
    ctx.insert("rank", &rank(ds, stats, idx, per));
    ctx.insert("child_rows", &table_rows(ds, stats, &r.children, per));
    ctx.insert("per_label", &thousands(per as i64));
    if ds.quality.regions[idx].reported_in.is_some() {
        // Its own row is 0: no weekly, daily or peak figures that do not exist (issue 22,
        // item 9); the page shows the unit's charts instead.
        let none: [(); 0] = [];
        ctx.insert("weeks", &none);
        ctx.insert("days", &none);
        ctx.insert("peaks", &none);
        return;
    }
    let d = measures::derive(s, &ds.quality.regions[idx], window);
    let weeks = weekly(s, &d.new_confirmed, &d.new_deaths, WEEKS);
    let n = s.len();
    // The last four weeks day by day (more would cost every page ~7 KB).
    let days: Vec<Day> = (n.saturating_sub(28)..n)
        .rev()
        .map(|i| Day {
            date: s.date(i).to_string(),
            confirmed: thousands(s.confirmed[i]),
            new_confirmed: thousands(d.new_confirmed[i]),
            deaths: thousands(s.deaths[i]),
            new_deaths: thousands(d.new_deaths[i]),
        })
        .collect();
    let peaks: Vec<Note> = [
        ("new cases", d.ma_confirmed()),
        ("new deaths", d.ma_deaths()),
    ]
    .into_iter()
    .map(|(what, ma)| match peak(s, ma) {
        Some((date, v)) => Note {
            label: format!("Peak of {what}"),
            value: format!("{} per day", decimal(v)),
            note: format!("{window}-day average, on {date}"),
        },
        None => Note {
            label: format!("Peak of {what}"),
            value: "none".into(),
            note: format!("no {what} reported"),
        },
    })
    .collect();
    ctx.insert("weeks", &weeks);
    ctx.insert("days", &days);
    ctx.insert("peaks", &peaks);
}

/// The regions index's tables: every country and every US state (`country_rows`,
/// `state_rows`).
pub(crate) fn insert_index_context(ctx: &mut tera::Context, ds: &Assessed, per: f64) {
    let stats = all_stats(ds);
    let of = |l: Level| -> Vec<usize> {
        (0..ds.regions.len())
            .filter(|&i| ds.regions[i].level == l && !crate::data::names::is_pseudo(&ds.regions[i]))
            .collect()
    };
    ctx.insert(
        "country_rows",
        &table_rows(ds, &stats, &of(Level::Country), per),
    );
    ctx.insert(
        "state_rows",
        &table_rows(ds, &stats, &of(Level::UsState), per),
    );
    ctx.insert("per_label", &thousands(per as i64));
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn series(confirmed: Vec<i64>) -> Series {
        Series {
            start: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
            deaths: vec![0; confirmed.len()],
            confirmed,
            recovered: None,
        }
    }

    #[test]
    fn weeks_end_on_the_last_date_and_compare_with_the_week_before() {
        // 20 days: new cases 1..=20 → last week 14..=20 (sum 119), before 7..=13 (70).
        let s = series((1..=20).map(|n| n * (n + 1) / 2).collect());
        let nc = measures::new_per_day(&s.confirmed);
        let nd = vec![0; 20];
        let w = weekly(&s, &nc, &nd, 12);
        assert_eq!(w.len(), 2, "only two whole weeks in 20 days");
        assert_eq!(
            (w[0].from.as_str(), w[0].to.as_str()),
            ("2023-01-14", "2023-01-20")
        );
        assert_eq!(w[0].cases, "119");
        assert_eq!(w[0].cases_change, "+70%");
        assert_eq!(w[1].cases, "70");
        assert_eq!(w[1].cases_change, "", "no week before the second");
        assert_eq!(w[0].deaths_change, "0%");
    }

    #[test]
    fn changes_are_signed_percentages() {
        assert_eq!(change(50, Some(100)), "−50%");
        assert_eq!(change(5, Some(0)), "new");
        assert_eq!(change(1500, Some(100)), "+1,400%");
    }

    #[test]
    fn ordinals() {
        let v: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .map(ordinal)
            .into();
        assert_eq!(
            v,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }

    #[test]
    fn peak_is_the_highest_finite_average() {
        let s = series(vec![0; 4]);
        assert_eq!(
            peak(&s, &[1.0, f64::NAN, 3.0, 2.0]),
            Some(("2023-01-03".into(), 3.0))
        );
        assert_eq!(peak(&s, &[0.0; 4]), None);
    }
}
