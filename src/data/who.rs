//! WHO's weekly COVID-19 reports (`who/WHO-COVID-19-global-data.csv`): the site's second
//! source, kept apart from the JHU series (the two count differently; they are never spliced).
//!
//! [`parse`] reads and validates the file (pure: bytes in, table out); [`classify`] applies
//! the reporting rules of docs/data-rules.md §8 (empty week = no report, negative week =
//! correction, a silent tail = not reporting since a date); [`Who::join`] links WHO's entities
//! to the site's regions by ISO code.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

use super::{Level, Region};

/// The folder (inside the data folder) and file stem of the WHO file.
pub const WHO_DIR: &str = "who";
pub const WHO_STEM: &str = "WHO-COVID-19-global-data";
/// The columns WHO publishes, in order.
pub const WHO_COLUMNS: [&str; 8] = [
    "Date_reported",
    "Country_code",
    "Country",
    "WHO_region",
    "New_cases",
    "Cumulative_cases",
    "New_deaths",
    "Cumulative_deaths",
];

/// A trailing run of empty weeks shorter than this is a report not in yet, not a stop: WHO
/// publishes every few weeks (4-weekly updates since 2023).
pub const STOP_MIN_WEEKS: usize = 4;
/// Reported zeros just before a stop are part of it when the place had averaged at least this
/// many a week (1 a day, as JHU's `TRAILING_MIN_MEAN`) over the [`STOP_BEFORE_WEEKS`] reported
/// weeks before the zeros: zeros after real counts that end in silence are a stop, not zero
/// cases (Japan from 2023-05-21).
pub const STOP_MIN_MEAN: f64 = 7.0;
pub const STOP_BEFORE_WEEKS: usize = 4;

/// Names WHO's file writes with a replacement character where an accent belongs (fixed by
/// code, never guessed from the broken text).
const NAME_FIXES: [(&str, &str); 5] = [
    ("CI", "Côte d'Ivoire"),
    ("CW", "Curaçao"),
    ("RE", "Réunion"),
    ("TR", "Türkiye"),
    ("BL", "Saint Barthélemy"),
];

/// What one week of one measure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekStatus {
    /// A value ≥ 0 that WHO received.
    Reported,
    /// A negative value: a correction of earlier weeks (kept, marked, never ranked).
    Correction,
    /// An empty cell: no report that week (not 0).
    NoReport,
    /// Inside a silent tail (docs/data-rules.md §8): the place stopped reporting.
    NotReporting,
}

impl WeekStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            WeekStatus::Reported => "reported",
            WeekStatus::Correction => "correction",
            WeekStatus::NoReport => "no_report",
            WeekStatus::NotReporting => "not_reporting",
        }
    }
}

/// One measure (cases or deaths) of one entity, one value per week.
#[derive(Clone, Debug, PartialEq)]
pub struct WhoMeasure {
    /// WHO's `New_*` cells as published (`None` = empty).
    pub new: Vec<Option<i64>>,
    pub cumulative: Vec<i64>,
    pub status: Vec<WeekStatus>,
    /// First week (index) of the silent tail, when the place stopped reporting.
    pub stopped_from: Option<usize>,
}

impl WhoMeasure {
    /// The week's value where it counts (a report or a correction), else `None`.
    pub fn value(&self, i: usize) -> Option<i64> {
        matches!(
            self.status[i],
            WeekStatus::Reported | WeekStatus::Correction
        )
        .then(|| self.new[i])
        .flatten()
    }
    /// The week's value where it may be ranked or drawn on a map (never a correction).
    pub fn rankable(&self, i: usize) -> Option<i64> {
        (self.status[i] == WeekStatus::Reported)
            .then(|| self.new[i])
            .flatten()
    }
    /// Index of the last week with a value that counts.
    pub fn last_report(&self) -> Option<usize> {
        (0..self.new.len()).rev().find(|&i| self.value(i).is_some())
    }
    /// Index of the last week with a value other than 0.
    pub fn last_nonzero(&self) -> Option<usize> {
        (0..self.new.len())
            .rev()
            .find(|&i| self.value(i).is_some_and(|v| v != 0))
    }
}

/// Whether an entity is a place or an international conveyance (`XXF`…`XXL`, region OTHER).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Place,
    Conveyance,
}

#[derive(Clone, Debug)]
pub struct WhoEntity {
    /// WHO's `Country_code`: ISO 3166-1 alpha-2, `XK` (Kosovo) or `XX?` (conveyances).
    pub code: String,
    /// Display name (WHO's, with the broken accents fixed).
    pub name: String,
    /// WHO region (`AFRO`, `EURO`, …, `OTHER`); empty for 18 territories.
    pub who_region: String,
    pub kind: EntityKind,
    pub cases: WhoMeasure,
    pub deaths: WhoMeasure,
    /// The site's region for this entity (joined by ISO code), if any.
    pub region: Option<usize>,
}

impl WhoEntity {
    pub fn measure(&self, deaths: bool) -> &WhoMeasure {
        if deaths { &self.deaths } else { &self.cases }
    }
    /// A report of either measure in the last [`STOP_MIN_WEEKS`] weeks.
    pub fn still_reporting(&self) -> bool {
        let n = self.cases.new.len();
        [&self.cases, &self.deaths]
            .iter()
            .any(|m| m.last_report().is_some_and(|l| l + STOP_MIN_WEEKS >= n))
    }
}

/// The WHO table: every entity over the same weeks (Sundays; each row covers Monday–Sunday).
#[derive(Clone, Debug)]
pub struct Who {
    /// The first week's Sunday.
    pub start: NaiveDate,
    pub weeks: usize,
    /// Sorted by code.
    pub entities: Vec<WhoEntity>,
    /// The site's countries and territories that have no WHO entity (region indices).
    pub only_site: Vec<usize>,
}

impl Who {
    /// The Sunday that ends week `i`.
    pub fn week(&self, i: usize) -> NaiveDate {
        self.start + Duration::weeks(i as i64)
    }
    pub fn end(&self) -> NaiveDate {
        self.week(self.weeks - 1)
    }
    /// Index of the week ending on `d`, if it is one of the file's Sundays.
    pub fn week_index(&self, d: NaiveDate) -> Option<usize> {
        let days = (d - self.start).num_days();
        (days >= 0 && days % 7 == 0 && ((days / 7) as usize) < self.weeks)
            .then_some((days / 7) as usize)
    }
    /// Worldwide cumulative (cases, deaths) at week `i`: every entity, conveyances included.
    pub fn world_cumulative(&self, i: usize) -> (i64, i64) {
        self.entities.iter().fold((0, 0), |a, e| {
            (a.0 + e.cases.cumulative[i], a.1 + e.deaths.cumulative[i])
        })
    }
    /// Worldwide new (cases, deaths) reported in week `i` (corrections included: the world's
    /// weekly total is the change of its cumulative count).
    pub fn world_new(&self, i: usize) -> (i64, i64) {
        self.entities.iter().fold((0, 0), |a, e| {
            (
                a.0 + e.cases.value(i).unwrap_or(0),
                a.1 + e.deaths.value(i).unwrap_or(0),
            )
        })
    }
    pub fn by_code(&self, code: &str) -> Option<&WhoEntity> {
        self.entities.iter().find(|e| e.code == code)
    }
    /// The entity joined to site region `idx`.
    pub fn for_region(&self, idx: usize) -> Option<&WhoEntity> {
        self.entities.iter().find(|e| e.region == Some(idx))
    }
    /// Places (not conveyances) with a report in the last [`STOP_MIN_WEEKS`] weeks.
    pub fn still_reporting(&self) -> usize {
        self.entities
            .iter()
            .filter(|e| e.kind == EntityKind::Place && e.still_reporting())
            .count()
    }
}

/// Finds `<dir>/who/WHO-COVID-19-global-data.csv` (or `.csv.gz`); `None` when the data folder
/// has no WHO file (the site is then built from JHU alone).
pub fn locate(dir: &Path) -> Option<std::path::PathBuf> {
    let d = dir.join(WHO_DIR);
    super::csv::locate(&d, WHO_STEM).ok()
}

/// Reads, validates and classifies the WHO file at `path`.
pub fn load(path: &Path) -> Result<Who> {
    let bytes = super::csv::read_bytes(path)?;
    parse(&bytes, &path.display().to_string())
}

/// One parsed row.
struct Row {
    line: usize,
    date: NaiveDate,
    code: String,
    name: String,
    region: String,
    new: [Option<i64>; 2],
    cum: [i64; 2],
}

/// Parses and validates WHO's CSV (`what` names it in errors): exact columns, ISO dates that
/// are Sundays, codes, integers, one row per code and week, every entity over the same
/// weeks, and each cumulative value equal to the previous one plus the week's new value (so
/// a total decreases only by a listed correction).
pub fn parse(bytes: &[u8], what: &str) -> Result<Who> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes);
    let header: Vec<String> = rdr
        .headers()
        .with_context(|| format!("{what}: cannot read the header row"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header != WHO_COLUMNS {
        bail!(
            "{what}: the header is `{}`, expected WHO's columns `{}`",
            header.join(","),
            WHO_COLUMNS.join(",")
        );
    }
    let mut rows = Vec::new();
    // Every cell is read as text: `NA` (Namibia) is a code, never a missing value.
    for (k, rec) in rdr.records().enumerate() {
        let line = k + 2;
        let rec = rec.with_context(|| format!("{what}: line {line} is not well-formed CSV"))?;
        rows.push(parse_row(&rec, line, what)?);
    }
    if rows.is_empty() {
        bail!("{what} has a header row but no data rows");
    }
    assemble(rows, what)
}

fn parse_row(rec: &::csv::StringRecord, line: usize, what: &str) -> Result<Row> {
    if rec.len() != WHO_COLUMNS.len() {
        bail!(
            "{what}: line {line} has {} cells, expected {} (a truncated file?)",
            rec.len(),
            WHO_COLUMNS.len()
        );
    }
    let cell = |i: usize| rec[i].trim();
    let date = NaiveDate::parse_from_str(cell(0), "%Y-%m-%d").ok();
    let Some(date) = date.filter(|d| d.weekday() == Weekday::Sun) else {
        bail!(
            "{what}: line {line}, column `Date_reported`: `{}` is not an ISO date on a Sunday",
            cell(0)
        );
    };
    let code = cell(1);
    let valid_code = matches!(code.len(), 2 | 3)
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && (code.len() == 2 || code.starts_with("XX"));
    if !valid_code {
        bail!(
            "{what}: line {line}, column `Country_code`: `{code}` is not an ISO 3166-1 alpha-2 code or a WHO conveyance code (XX?)"
        );
    }
    let int = |i: usize, optional: bool| -> Result<Option<i64>> {
        let s = cell(i);
        if s.is_empty() && optional {
            return Ok(None);
        }
        s.parse::<i64>().map(Some).map_err(|_| {
            anyhow::anyhow!(
                "{what}: line {line}, column `{}`: `{s}` is not a whole number",
                WHO_COLUMNS[i]
            )
        })
    };
    let cum_c = int(5, false)?.unwrap_or(0);
    let cum_d = int(7, false)?.unwrap_or(0);
    Ok(Row {
        line,
        date,
        code: code.to_string(),
        name: cell(2).to_string(),
        region: cell(3).to_string(),
        new: [int(4, true)?, int(6, true)?],
        cum: [cum_c, cum_d],
    })
}

/// Groups the rows by code, checks the week grid and the cumulative identity.
fn assemble(rows: Vec<Row>, what: &str) -> Result<Who> {
    let start = rows.iter().map(|r| r.date).min().expect("rows");
    let end = rows.iter().map(|r| r.date).max().expect("rows");
    let weeks = ((end - start).num_days() / 7) as usize + 1;
    let mut by_code: BTreeMap<String, Vec<Option<Row>>> = BTreeMap::new();
    for r in rows {
        let slots = by_code
            .entry(r.code.clone())
            .or_insert_with(|| (0..weeks).map(|_| None).collect());
        let i = ((r.date - start).num_days() / 7) as usize;
        if let Some(prev) = &slots[i] {
            bail!(
                "{what}: line {}: a second row for `{}` in the week to {} (first on line {})",
                r.line,
                r.code,
                r.date,
                prev.line
            );
        }
        slots[i] = Some(r);
    }
    let mut entities = Vec::with_capacity(by_code.len());
    for (code, slots) in by_code {
        if let Some(i) = slots.iter().position(Option::is_none) {
            bail!(
                "{what}: `{code}` has no row for the week to {} (every entity must cover {start}..{end})",
                start + Duration::weeks(i as i64)
            );
        }
        let rows: Vec<Row> = slots.into_iter().flatten().collect();
        entities.push(entity(code, rows, what)?);
    }
    Ok(Who {
        start,
        weeks,
        entities,
        only_site: Vec::new(),
    })
}

fn entity(code: String, rows: Vec<Row>, what: &str) -> Result<WhoEntity> {
    let measure = |m: usize| -> Result<WhoMeasure> {
        let mut prev = 0i64;
        for r in &rows {
            let expect = prev + r.new[m].unwrap_or(0);
            if r.cum[m] != expect {
                bail!(
                    "{what}: line {}: `{}` {} in the week to {} is {}, but the previous week's {} plus this week's new value makes {expect} (a total may only change by the week's value, corrections included)",
                    r.line,
                    code,
                    WHO_COLUMNS[5 + 2 * m],
                    r.date,
                    r.cum[m],
                    prev
                );
            }
            prev = r.cum[m];
        }
        let new: Vec<Option<i64>> = rows.iter().map(|r| r.new[m]).collect();
        let (status, stopped_from) = classify(&new);
        Ok(WhoMeasure {
            cumulative: rows.iter().map(|r| r.cum[m]).collect(),
            new,
            status,
            stopped_from,
        })
    };
    let (cases, deaths) = (measure(0)?, measure(1)?);
    let who_region = rows[0].region.clone();
    let kind = if code.starts_with("XX") || who_region == "OTHER" {
        EntityKind::Conveyance
    } else {
        EntityKind::Place
    };
    let name = display_name(&code, &rows[0].name);
    Ok(WhoEntity {
        code,
        name,
        who_region,
        kind,
        cases,
        deaths,
        region: None,
    })
}

/// WHO's name, with the five broken accents fixed by code.
pub fn display_name(code: &str, who_name: &str) -> String {
    NAME_FIXES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| who_name.to_string(), |(_, n)| n.to_string())
}

/// The rules of docs/data-rules.md §8 for one measure's weekly values: each week's status and
/// the first week of a silent tail, if the place stopped reporting.
///
/// A place has stopped when its last [`STOP_MIN_WEEKS`] weeks or more are empty. The stop
/// starts at the first of those empty weeks, or earlier, at the first of the reported zeros
/// just before them, when the place had averaged at least [`STOP_MIN_MEAN`] a week over the
/// [`STOP_BEFORE_WEEKS`] reported weeks before those zeros.
pub fn classify(new: &[Option<i64>]) -> (Vec<WeekStatus>, Option<usize>) {
    let mut status: Vec<WeekStatus> = new
        .iter()
        .map(|v| match v {
            None => WeekStatus::NoReport,
            Some(x) if *x < 0 => WeekStatus::Correction,
            Some(_) => WeekStatus::Reported,
        })
        .collect();
    let n = new.len();
    let empty_from = n - new.iter().rev().take_while(|v| v.is_none()).count();
    if n - empty_from < STOP_MIN_WEEKS {
        return (status, None);
    }
    // Reported zeros (and empty weeks among them) right before the empty tail.
    let zeros_from = empty_from
        - new[..empty_from]
            .iter()
            .rev()
            .take_while(|v| matches!(v, None | Some(0)))
            .count();
    let mut from = empty_from;
    if zeros_from < empty_from && new[zeros_from..empty_from].contains(&Some(0)) {
        let before: Vec<i64> = new[..zeros_from]
            .iter()
            .rev()
            .filter_map(|v| *v)
            .take(STOP_BEFORE_WEEKS)
            .collect();
        let mean = before.iter().sum::<i64>() as f64 / before.len().max(1) as f64;
        if !before.is_empty() && mean >= STOP_MIN_MEAN {
            from = zeros_from;
        }
    }
    for s in &mut status[from..] {
        *s = WeekStatus::NotReporting;
    }
    (status, Some(from))
}

impl Who {
    /// Links each entity to the site's region with the same ISO 3166-1 alpha-2 code
    /// (`iso2_of` gives a region's code, from JHU's UID table): a country, or a territory
    /// that JHU lists beside its country (Greenland, Réunion) — never a province counted in
    /// its country's total. Fills [`Who::only_site`] with the site's places that WHO lacks.
    pub fn join(&mut self, regions: &[Region], iso2_of: impl Fn(&Region) -> Option<String>) {
        let mut by_iso: HashMap<String, usize> = HashMap::new();
        for (i, r) in regions.iter().enumerate() {
            let Some(iso) = iso2_of(r) else { continue };
            // A territory inside its country's JHU total (Puerto Rico in the US files) joins
            // only when it has a code of its own; a province sharing its country's code never.
            let own_code = || r.parent.and_then(|p| iso2_of(&regions[p])) != Some(iso.clone());
            let place = r.level == Level::Country
                || (r.level == Level::Province && !r.in_parent_total)
                || (matches!(r.level, Level::Province | Level::UsState) && own_code());
            if !place {
                continue;
            }
            // A country wins over a territory row that carries the country's own code.
            let better = match by_iso.get(&iso) {
                None => true,
                Some(&j) => regions[j].level != Level::Country && r.level == Level::Country,
            };
            if better {
                by_iso.insert(iso, i);
            }
        }
        for e in &mut self.entities {
            e.region = by_iso.get(&e.code).copied();
        }
        let joined: std::collections::HashSet<usize> =
            self.entities.iter().filter_map(|e| e.region).collect();
        let mut only: Vec<usize> = by_iso
            .values()
            .copied()
            .filter(|i| !joined.contains(i))
            .collect();
        // Site places without an ISO code (cruise ships, Olympics rows) are listed too.
        only.extend(
            regions.iter().enumerate().filter_map(|(i, r)| {
                (r.level == Level::Country && iso2_of(r).is_none()).then_some(i)
            }),
        );
        only.sort_unstable();
        only.dedup();
        self.only_site = only;
    }

    /// WHO's entities that no site region matches.
    pub fn only_who(&self) -> impl Iterator<Item = &WhoEntity> {
        self.entities.iter().filter(|e| e.region.is_none())
    }
}
