//! Input data: loads the JHU CSSE files, validates them and builds the region table.
//!
//! Owns the rules of docs/method.md §1.2 that decide *which* numbers belong to which region
//! (province summing, the US total from the US files, recovered cut-off, population joins). It
//! hands out plain structs; derived measures live in `measures`.

pub(crate) mod csv;
pub(crate) mod keys;
pub mod names;
pub mod who;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{Duration, NaiveDate};
use serde::Serialize;

use self::csv::{TextTable, TimeTable, load_text_table, load_time_table, locate};
use crate::diag::Diagnostics;

/// The input files, by stem (each may be `.csv` or `.csv.gz`).
pub const CONFIRMED_GLOBAL: &str = "time_series_covid19_confirmed_global";
pub const DEATHS_GLOBAL: &str = "time_series_covid19_deaths_global";
pub const RECOVERED_GLOBAL: &str = "time_series_covid19_recovered_global";
pub const CONFIRMED_US: &str = "time_series_covid19_confirmed_US";
pub const DEATHS_US: &str = "time_series_covid19_deaths_US";
pub const UID_LOOKUP: &str = "UID_ISO_FIPS_LookUp_Table";
pub const ALL_INPUTS: [&str; 6] = [
    CONFIRMED_GLOBAL,
    DEATHS_GLOBAL,
    RECOVERED_GLOBAL,
    CONFIRMED_US,
    DEATHS_US,
    UID_LOOKUP,
];

/// JHU stopped publishing recovered cases after this date (zeros afterwards).
pub(crate) fn recovered_until() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 8, 4).expect("valid date")
}

const GLOBAL_META: [&str; 4] = ["Province/State", "Country/Region", "Lat", "Long"];
const US_META: [&str; 5] = ["UID", "FIPS", "Admin2", "Province_State", "Country_Region"];
const UID_COLS: [&str; 6] = [
    "UID",
    "FIPS",
    "Admin2",
    "Province_State",
    "Country_Region",
    "Population",
];

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Country,
    Province,
    UsState,
    UsCounty,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Country => "country",
            Level::Province => "province",
            Level::UsState => "us_state",
            Level::UsCounty => "us_county",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Level::Country => "Country",
            Level::Province => "Province / state",
            Level::UsState => "US state",
            Level::UsCounty => "US county",
        }
    }
}

/// Which input files a region's series come from (each has its own date range).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Global,
    Us,
}

/// Cumulative counts of one region, one value per day from `start`.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub start: NaiveDate,
    pub confirmed: Vec<i64>,
    pub deaths: Vec<i64>,
    /// Cumulative recovered up to the last published date (so possibly shorter than
    /// `confirmed`); `None` where the files never publish it for this region. A day is `None`
    /// where recovered does not count as reported (docs/data-rules.md §1): never published,
    /// reset to 0, or frozen while cases grow.
    pub recovered: Option<Vec<Option<i64>>>,
}

impl Series {
    pub fn len(&self) -> usize {
        self.confirmed.len()
    }
    pub fn is_empty(&self) -> bool {
        self.confirmed.is_empty()
    }
    pub fn date(&self, i: usize) -> NaiveDate {
        self.start + Duration::days(i as i64)
    }
    pub fn end(&self) -> NaiveDate {
        self.date(self.len().saturating_sub(1))
    }
}

#[derive(Clone, Debug)]
pub struct Region {
    /// Stable, URL-safe id, unique across levels (`canada--ontario`, `us--texas--harris`).
    pub id: String,
    pub name: String,
    pub level: Level,
    pub source: Source,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub population: Option<u64>,
    /// JHU UID (for countries this is the ISO 3166-1 numeric code).
    pub uid: Option<u64>,
    /// 5-digit county FIPS or 2-digit state FIPS.
    pub fips: Option<String>,
    /// JHU `Country/Region` (or `US`) and `Province/State` as written in the files.
    pub country: String,
    pub province: Option<String>,
    /// True when this region's numbers are already part of its parent's total (provinces of
    /// Australia/Canada/China, US states and counties); false for overseas territories that
    /// JHU lists beside a country row (France, UK, …).
    pub in_parent_total: bool,
    pub series: Series,
}

impl Region {
    /// Name with its parents, e.g. "Harris, Texas, US".
    pub fn full_name(&self, all: &[Region]) -> String {
        let mut s = self.name.clone();
        let mut p = self.parent;
        while let Some(i) = p {
            s.push_str(", ");
            s.push_str(&all[i].name);
            p = all[i].parent;
        }
        s
    }
}

/// Day-over-day difference of a cumulative series. The first day's value is the cumulative
/// value itself (the files start mid-epidemic, e.g. Hubei at 444), never 0. Corrections make
/// some values negative; they are kept.
pub fn new_per_day(cum: &[i64]) -> Vec<i64> {
    let mut out = Vec::with_capacity(cum.len());
    let mut prev = 0;
    for &v in cum {
        out.push(v - prev);
        prev = v;
    }
    out
}

#[derive(Clone, Debug, Serialize)]
pub struct DateRange {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[derive(Debug)]
pub struct Dataset {
    pub regions: Vec<Region>,
    pub global_range: DateRange,
    pub us_range: DateRange,
    /// Last date with published recovered numbers (within the global range), if any.
    pub recovered_until: Option<NaiveDate>,
    /// WHO's weekly reports (the second source), when the data folder has them.
    pub who: Option<who::Who>,
}

impl Dataset {
    /// Worldwide (confirmed, deaths) on each region's last date: every country plus the
    /// territories listed beside a country row.
    pub fn world_totals(&self) -> (i64, i64) {
        self.regions
            .iter()
            .filter(|r| {
                r.level == Level::Country || (r.level == Level::Province && !r.in_parent_total)
            })
            .map(|r| {
                (
                    *r.series.confirmed.last().unwrap_or(&0),
                    *r.series.deaths.last().unwrap_or(&0),
                )
            })
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    }

    pub fn by_id(&self, id: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.id == id)
    }
    /// The latest date of any series.
    pub fn data_date(&self) -> NaiveDate {
        self.global_range.end.max(self.us_range.end)
    }
}

/// URL-safe slug: lowercase ASCII letters and digits, runs of anything else become one `-`.
pub(crate) fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let t = out.trim_matches('-');
    if t.is_empty() {
        "x".to_string()
    } else {
        t.to_string()
    }
}

fn fold_accent(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'Í' | 'Î' => 'I',
        'Ó' | 'Ö' | 'Ô' => 'O',
        'Ú' | 'Ü' => 'U',
        'Ñ' => 'N',
        'Ç' => 'C',
        _ => c,
    }
}

/// Normalises a JHU FIPS cell (`1001.0`, `01001`, `60`) to `width` zero-padded digits.
pub(crate) fn normalise_fips(cell: &str, width: usize) -> Option<String> {
    let t = cell.trim();
    if t.is_empty() {
        return None;
    }
    let v = t.parse::<f64>().ok()?;
    if !v.is_finite() || v < 0.0 || v.fract() != 0.0 {
        return None;
    }
    Some(format!("{:0width$}", v as u64))
}

fn add_into(acc: &mut [i64], v: &[i64]) {
    for (a, b) in acc.iter_mut().zip(v) {
        *a += b;
    }
}

fn sum_rows<'a>(rows: impl Iterator<Item = &'a [i64]>, len: usize) -> Vec<i64> {
    let mut acc = vec![0i64; len];
    for r in rows {
        add_into(&mut acc, r);
    }
    acc
}

/// Window `[from, from+len)` of a table row aligned to `start`.
fn window(t: &TimeTable, row: usize, start: NaiveDate, len: usize) -> &[i64] {
    let off = (start - t.start).num_days() as usize;
    &t.values[row][off..off + len]
}

/// Common date range of two tables that must describe the same scope.
fn common_range(a: &TimeTable, b: &TimeTable, diag: &mut Diagnostics) -> Result<DateRange> {
    let start = a.start.max(b.start);
    let end = a.end().min(b.end());
    let span = |t: &TimeTable| format!("{} ({}..{})", t.path.display(), t.start, t.end());
    if end < start {
        bail!("{} and {} share no dates", span(a), span(b));
    }
    if a.start != b.start || a.end() != b.end() {
        diag.warn(format!(
            "{} covers {}..{} but {} covers {}..{}; using the common range {start}..{end}",
            a.path.display(),
            a.start,
            a.end(),
            b.path.display(),
            b.start,
            b.end()
        ));
    }
    Ok(DateRange { start, end })
}

fn check_unique<K: std::hash::Hash + Eq + std::fmt::Debug>(
    t_path: &Path,
    keys: impl Iterator<Item = K>,
    what: &str,
) -> Result<()> {
    let mut seen = HashMap::new();
    for (row, k) in keys.enumerate() {
        if let Some(&prev) = seen.get(&k) {
            bail!(
                "{}: duplicate {what} {k:?} on line {} (first seen on line {})",
                t_path.display(),
                row + 2,
                prev + 2
            );
        }
        seen.insert(k, row);
    }
    Ok(())
}

fn global_keys(t: &TimeTable) -> Vec<(String, String)> {
    t.col("Province/State")
        .iter()
        .zip(t.col("Country/Region"))
        .map(|(p, c)| (p.trim().to_string(), c.trim().to_string()))
        .collect()
}

fn parse_uid(t_path: &Path, row: usize, s: &str) -> Result<u64> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.fract() == 0.0 && *v >= 0.0)
        .map(|v| v as u64)
        .with_context(|| {
            format!(
                "{}: line {}, column `UID`: `{s}` is not a UID",
                t_path.display(),
                row + 2
            )
        })
}

/// (UID, population, 2-digit state FIPS) of one UID-table row.
type LookupRow = (u64, Option<u64>, Option<String>);

/// Population lookup from the UID table.
struct Lookup {
    /// (Province_State, Country_Region) of rows without Admin2 → (UID, population).
    by_name: HashMap<(String, String), LookupRow>,
    by_uid: HashMap<u64, Option<u64>>,
}

fn build_lookup(t: &TextTable) -> Result<Lookup> {
    let mut by_name = HashMap::new();
    let mut by_uid = HashMap::new();
    let (uid, fips, admin2, prov, country, pop) = (
        t.col("UID"),
        t.col("FIPS"),
        t.col("Admin2"),
        t.col("Province_State"),
        t.col("Country_Region"),
        t.col("Population"),
    );
    for r in 0..t.rows() {
        let u = parse_uid(&t.path, r, &uid[r])?;
        let p = pop[r].trim();
        let p = if p.is_empty() {
            None
        } else {
            let v: f64 = p.parse().map_err(|_| {
                anyhow::anyhow!(
                    "{}: line {}, column `Population`: `{p}` is not a number",
                    t.path.display(),
                    r + 2
                )
            })?;
            (v > 0.0).then_some(v as u64)
        };
        by_uid.insert(u, p);
        if admin2[r].trim().is_empty() {
            by_name.insert(
                (prov[r].trim().to_string(), country[r].trim().to_string()),
                (u, p, normalise_fips(&fips[r], 2)),
            );
        }
    }
    Ok(Lookup { by_name, by_uid })
}

/// Loads and validates every input file in `dir` and builds the region table.
pub fn load(dir: &Path, diag: &mut Diagnostics) -> Result<Dataset> {
    if !dir.is_dir() {
        bail!(
            "data folder {} does not exist (pass --data DIR, or run `seecovid fetch`)",
            dir.display()
        );
    }
    let path = |stem| locate(dir, stem);
    // The two large US files load one after the other (each briefly needs several times its
    // size in memory); the four small files load beside them.
    let (us, g) = rayon::join(
        || -> Result<_> {
            let a = load_time_table(&path(CONFIRMED_US)?, &US_META)?;
            let b = load_time_table(&path(DEATHS_US)?, &US_META)?;
            Ok((a, b))
        },
        || -> Result<_> {
            let a = load_time_table(&path(CONFIRMED_GLOBAL)?, &GLOBAL_META)?;
            let b = load_time_table(&path(DEATHS_GLOBAL)?, &GLOBAL_META)?;
            let c = load_time_table(&path(RECOVERED_GLOBAL)?, &GLOBAL_META)?;
            let u = load_text_table(&path(UID_LOOKUP)?, &UID_COLS)?;
            Ok((a, b, c, u))
        },
    );
    let (cu, du) = us?;
    let (cg, dg, rg, uid) = g?;
    let mut ds = build((&cg, &dg, &rg), (&cu, &du), &uid, diag)?;
    names::apply_display_names(&mut ds.regions);
    ds.who = load_who(dir, &ds.regions)?;
    Ok(ds)
}

/// WHO's weekly reports joined to the regions by ISO code, if the data folder has them.
fn load_who(dir: &Path, regions: &[Region]) -> Result<Option<who::Who>> {
    let Some(path) = who::locate(dir) else {
        return Ok(None);
    };
    let mut w = who::load(&path)?;
    let join = keys::load_join_keys(dir)?;
    w.join(regions, |r| {
        r.uid
            .and_then(|u| join.get(&u))
            .and_then(|k| k.iso2.clone())
    });
    Ok(Some(w))
}

/// The one scheme for unique slugs (region ids, compare groups, sandbox scenarios): the slug
/// itself, then `-2`, `-3` … appended.
#[derive(Debug, Default)]
pub(crate) struct Slugs(HashSet<String>);

impl Slugs {
    /// Marks `slug` as taken (e.g. a preset's fixed slug).
    pub(crate) fn take(&mut self, slug: &str) {
        self.0.insert(slug.to_string());
    }

    /// `base`, or `base-N` with the smallest N ≥ 2 not taken yet; marks it taken.
    pub(crate) fn unique(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

struct Builder {
    regions: Vec<Region>,
    ids: Slugs,
}

impl Builder {
    fn push(&mut self, mut r: Region) -> usize {
        r.id = self.ids.unique(&r.id);
        self.regions.push(r);
        self.regions.len() - 1
    }
}

/// The global files (confirmed, deaths, recovered), checked and indexed.
struct Global<'a> {
    cg: &'a TimeTable,
    dg: &'a TimeTable,
    rg: &'a TimeTable,
    /// (Province/State, Country/Region) of every row of `cg`, `rg`.
    keys: Vec<(String, String)>,
    rkeys: Vec<(String, String)>,
    /// Row of each key in the deaths and the recovered file.
    drow: HashMap<(String, String), usize>,
    rrow: HashMap<(String, String), usize>,
    range: DateRange,
    len: usize,
    /// Days of recovered published from the range's start (0 = none).
    rec_len: usize,
}

impl<'a> Global<'a> {
    fn new(
        cg: &'a TimeTable,
        dg: &'a TimeTable,
        rg: &'a TimeTable,
        diag: &mut Diagnostics,
    ) -> Result<Self> {
        let keys = global_keys(cg);
        check_unique(&cg.path, keys.iter(), "Province/State, Country/Region")?;
        let dkeys = global_keys(dg);
        check_unique(&dg.path, dkeys.iter(), "Province/State, Country/Region")?;
        let rkeys = global_keys(rg);
        check_unique(&rg.path, rkeys.iter(), "Province/State, Country/Region")?;
        let range = common_range(cg, dg, diag)?;
        let len = ((range.end - range.start).num_days() + 1) as usize;
        let drow: HashMap<(String, String), usize> =
            dkeys.into_iter().enumerate().map(|(i, k)| (k, i)).collect();
        let rrow: HashMap<(String, String), usize> = rkeys
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, k)| (k, i))
            .collect();
        for k in &keys {
            if !drow.contains_key(k) {
                bail!(
                    "{}: no row for Province/State `{}`, Country/Region `{}` (it is in {})",
                    dg.path.display(),
                    k.0,
                    k.1,
                    cg.path.display()
                );
            }
        }
        // Recovered: published from the global start up to the cut-off and the file's own end.
        let rec_end = rg.end().min(recovered_until()).min(range.end);
        let rec_len = if rg.start <= range.start && rec_end >= range.start {
            ((rec_end - range.start).num_days() + 1) as usize
        } else {
            0
        };
        Ok(Self {
            cg,
            dg,
            rg,
            keys,
            rkeys,
            drow,
            rrow,
            range,
            len,
            rec_len,
        })
    }

    fn recovered_until(&self) -> Option<NaiveDate> {
        (self.rec_len > 0).then(|| self.range.start + Duration::days(self.rec_len as i64 - 1))
    }

    /// The sum of the recovered rows `rows`, where published (every day known here: the
    /// data rules blank days after the build, `quality::assess::apply`).
    fn recovered(&self, rows: &[usize]) -> Option<Vec<Option<i64>>> {
        (self.rec_len > 0 && !rows.is_empty()).then(|| {
            sum_rows(
                rows.iter()
                    .map(|&r| window(self.rg, r, self.range.start, self.rec_len)),
                self.rec_len,
            )
            .into_iter()
            .map(Some)
            .collect()
        })
    }

    fn confirmed(&self, row: usize) -> &[i64] {
        window(self.cg, row, self.range.start, self.len)
    }

    fn deaths(&self, row: usize) -> &[i64] {
        window(
            self.dg,
            self.drow[&self.keys[row]],
            self.range.start,
            self.len,
        )
    }

    /// A country's series: its own row where the file has one, else the sum of its provinces.
    fn country(&self, cname: &str, rows: &[usize]) -> Series {
        let own = rows.iter().copied().find(|&r| self.keys[r].0.is_empty());
        let crow: Vec<usize> = own.map_or_else(|| rows.to_vec(), |r| vec![r]);
        let key_own = (String::new(), cname.to_string());
        let rec_rows: Vec<usize> = if let Some(&r) = self.rrow.get(&key_own) {
            vec![r]
        } else {
            self.rkeys
                .iter()
                .enumerate()
                .filter(|(_, k)| k.1 == cname)
                .map(|(i, _)| i)
                .collect()
        };
        Series {
            start: self.range.start,
            confirmed: sum_rows(crow.iter().map(|&r| self.confirmed(r)), self.len),
            deaths: sum_rows(crow.iter().map(|&r| self.deaths(r)), self.len),
            recovered: self.recovered(&rec_rows),
        }
    }
}

/// The US files (confirmed, deaths), checked and paired by UID.
struct Us<'a> {
    cu: &'a TimeTable,
    du: &'a TimeTable,
    /// UID of every row of `cu`.
    uids: Vec<u64>,
    /// (row in `cu`, row in `du`) of each UID, in `cu` order.
    pairs: Vec<(usize, usize)>,
    range: DateRange,
    len: usize,
}

impl<'a> Us<'a> {
    fn new(cu: &'a TimeTable, du: &'a TimeTable, diag: &mut Diagnostics) -> Result<Self> {
        let uids_of = |t: &TimeTable| -> Result<Vec<u64>> {
            t.col("UID")
                .iter()
                .enumerate()
                .map(|(r, s)| parse_uid(&t.path, r, s))
                .collect()
        };
        let uids = uids_of(cu)?;
        check_unique(&cu.path, uids.iter(), "UID")?;
        let duids = uids_of(du)?;
        check_unique(&du.path, duids.iter(), "UID")?;
        let drow: HashMap<u64, usize> = duids.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        let range = common_range(cu, du, diag)?;
        let len = ((range.end - range.start).num_days() + 1) as usize;
        let mut pairs = Vec::with_capacity(uids.len());
        for (r, u) in uids.iter().enumerate() {
            let Some(&d) = drow.get(u) else {
                bail!(
                    "{}: no row for UID {u} (it is on line {} of {})",
                    du.path.display(),
                    r + 2,
                    cu.path.display()
                );
            };
            pairs.push((r, d));
        }
        if duids.len() != uids.len() {
            let have: HashSet<&u64> = uids.iter().collect();
            let extra = duids.iter().find(|k| !have.contains(k)).unwrap();
            bail!(
                "{}: UID {extra} has no row in {}",
                du.path.display(),
                cu.path.display()
            );
        }
        Ok(Self {
            cu,
            du,
            uids,
            pairs,
            range,
            len,
        })
    }

    /// The sum of the rows `members` (indices into `pairs`).
    fn sum(&self, members: impl Iterator<Item = usize> + Clone) -> Series {
        let (start, len) = (self.range.start, self.len);
        Series {
            start,
            confirmed: sum_rows(
                members
                    .clone()
                    .map(|i| window(self.cu, self.pairs[i].0, start, len)),
                len,
            ),
            deaths: sum_rows(
                members.map(|i| window(self.du, self.pairs[i].1, start, len)),
                len,
            ),
            recovered: None,
        }
    }

    /// The US total is the sum of every row of the US files.
    fn total(&self) -> Series {
        self.sum(0..self.pairs.len())
    }
}

fn build(
    (cg, dg, rg): (&TimeTable, &TimeTable, &TimeTable),
    (cu, du): (&TimeTable, &TimeTable),
    uid: &TextTable,
    diag: &mut Diagnostics,
) -> Result<Dataset> {
    let lookup = build_lookup(uid)?;
    let g = Global::new(cg, dg, rg, diag)?;
    let us = Us::new(cu, du, diag)?;
    let mut b = Builder {
        regions: Vec::new(),
        ids: Slugs::default(),
    };
    let country_idx = add_countries(&mut b, &g, &us, &lookup);
    add_provinces(&mut b, &g, &lookup, &country_idx);
    add_us_states(&mut b, &us, &lookup, country_idx["US"])?;
    note_missing_population(&b.regions, &uid.path, diag);
    Ok(Dataset {
        regions: b.regions,
        recovered_until: g.recovered_until(),
        global_range: g.range,
        us_range: us.range,
        who: None,
    })
}

fn country(cname: &str, source: Source, series: Series, found: Option<&LookupRow>) -> Region {
    Region {
        id: slug(cname),
        name: cname.to_string(),
        level: Level::Country,
        source,
        parent: None,
        children: Vec::new(),
        population: found.and_then(|f| f.1),
        uid: found.map(|f| f.0),
        fips: None,
        country: cname.to_string(),
        province: None,
        in_parent_total: false,
        series,
    }
}

/// Countries in name order (the US from the US files, docs/method.md §1.2). Returns the index
/// of each country by name.
fn add_countries(b: &mut Builder, g: &Global, us: &Us, lookup: &Lookup) -> HashMap<String, usize> {
    let mut countries: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (_, c)) in g.keys.iter().enumerate() {
        countries.entry(c.as_str()).or_default().push(i);
    }
    let mut country_idx: HashMap<String, usize> = HashMap::new();
    for (&cname, rows) in &countries {
        let (series, source) = if cname == "US" {
            (us.total(), Source::Us)
        } else {
            (g.country(cname, rows), Source::Global)
        };
        let found = lookup.by_name.get(&(String::new(), cname.to_string()));
        let idx = b.push(country(cname, source, series, found));
        country_idx.insert(cname.to_string(), idx);
    }
    if !countries.contains_key("US") {
        // The global files always have a US row upstream; without it the US still exists.
        let found = lookup.by_name.get(&(String::new(), "US".to_string()));
        let idx = b.push(country("US", Source::Us, us.total(), found));
        country_idx.insert("US".into(), idx);
    }
    country_idx
}

/// Provinces of the global files (US provinces come from the US files).
fn add_provinces(
    b: &mut Builder,
    g: &Global,
    lookup: &Lookup,
    country_idx: &HashMap<String, usize>,
) {
    let keys = &g.keys;
    // Countries that have their own row: their province rows are not part of their total.
    let own_row: HashSet<&str> = keys
        .iter()
        .filter(|k| k.0.is_empty())
        .map(|k| k.1.as_str())
        .collect();
    let mut prov_rows: Vec<usize> = (0..keys.len())
        .filter(|&r| !keys[r].0.is_empty() && keys[r].1 != "US")
        .collect();
    prov_rows.sort_by(|&a, &b| (&keys[a].1, &keys[a].0).cmp(&(&keys[b].1, &keys[b].0)));
    for r in prov_rows {
        let (pname, cname) = &keys[r];
        let parent = country_idx[cname.as_str()];
        let found = lookup.by_name.get(&(pname.clone(), cname.clone()));
        let rec = g.rrow.get(&keys[r]).map(|&rr| vec![rr]).unwrap_or_default();
        let id = format!("{}--{}", b.regions[parent].id, slug(pname));
        let idx = b.push(Region {
            id,
            name: pname.clone(),
            level: Level::Province,
            source: Source::Global,
            parent: Some(parent),
            children: Vec::new(),
            population: found.and_then(|f| f.1),
            uid: found.map(|f| f.0),
            fips: None,
            country: cname.clone(),
            province: Some(pname.clone()),
            in_parent_total: !own_row.contains(cname.as_str()),
            series: Series {
                start: g.range.start,
                confirmed: g.confirmed(r).to_vec(),
                deaths: g.deaths(r).to_vec(),
                recovered: g.recovered(&rec),
            },
        });
        b.regions[parent].children.push(idx);
    }
}

/// US states (all rows of the state, including Unassigned and Out of …) and their counties.
fn add_us_states(b: &mut Builder, us: &Us, lookup: &Lookup, us_idx: usize) -> Result<()> {
    let cu = us.cu;
    let states_col = cu.col("Province_State");
    let fips_col = cu.col("FIPS");
    let mut states: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, &(r, _)) in us.pairs.iter().enumerate() {
        let s = states_col[r].trim();
        if s.is_empty() {
            bail!(
                "{}: line {}: empty Province_State",
                cu.path.display(),
                r + 2
            );
        }
        states.entry(s).or_default().push(i);
    }
    for (&sname, members) in &states {
        let found = lookup.by_name.get(&(sname.to_string(), "US".to_string()));
        // State FIPS: the UID table's state row, else the first two digits of a county FIPS.
        let fips = found.and_then(|f| f.2.clone()).or_else(|| {
            members.iter().find_map(|&i| {
                normalise_fips(&fips_col[us.pairs[i].0], 5).map(|f| f[..2].to_string())
            })
        });
        let sidx = b.push(Region {
            id: format!("us--{}", slug(sname)),
            name: sname.to_string(),
            level: Level::UsState,
            source: Source::Us,
            parent: Some(us_idx),
            children: Vec::new(),
            population: found.and_then(|f| f.1),
            uid: found.map(|f| f.0),
            fips,
            country: "US".into(),
            province: Some(sname.to_string()),
            in_parent_total: true,
            series: us.sum(members.iter().copied()),
        });
        b.regions[us_idx].children.push(sidx);
        add_us_counties(b, us, lookup, sidx, members);
    }
    Ok(())
}

/// The rows of a state that name a county (`Admin2`), in name order.
fn add_us_counties(b: &mut Builder, us: &Us, lookup: &Lookup, sidx: usize, members: &[usize]) {
    let (cu, du) = (us.cu, us.du);
    let admin2 = cu.col("Admin2");
    let fips_col = cu.col("FIPS");
    let sname = b.regions[sidx].name.clone();
    let mut counties: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| !admin2[us.pairs[i].0].trim().is_empty())
        .collect();
    counties.sort_by(|&x, &y| admin2[us.pairs[x].0].cmp(&admin2[us.pairs[y].0]));
    for i in counties {
        let (r, dr) = us.pairs[i];
        let cname = admin2[r].trim();
        let u = us.uids[r];
        let cidx = b.push(Region {
            id: format!("{}--{}", b.regions[sidx].id, slug(cname)),
            name: cname.to_string(),
            level: Level::UsCounty,
            source: Source::Us,
            parent: Some(sidx),
            children: Vec::new(),
            population: lookup.by_uid.get(&u).copied().flatten(),
            uid: Some(u),
            fips: normalise_fips(&fips_col[r], 5),
            country: "US".into(),
            province: Some(sname.clone()),
            in_parent_total: true,
            series: Series {
                start: us.range.start,
                confirmed: window(cu, r, us.range.start, us.len).to_vec(),
                deaths: window(du, dr, us.range.start, us.len).to_vec(),
                recovered: None,
            },
        });
        b.regions[sidx].children.push(cidx);
    }
}

fn note_missing_population(regions: &[Region], uid_path: &Path, diag: &mut Diagnostics) {
    let missing_pop: Vec<String> = regions
        .iter()
        .filter(|r| r.population.is_none() && r.level != Level::UsCounty)
        .map(|r| r.full_name(regions))
        .collect();
    if !missing_pop.is_empty() {
        diag.note(format!(
            "{} countries/provinces/states have no population in {} (no per-capita values): {}",
            missing_pop.len(),
            uid_path.display(),
            missing_pop.join("; ")
        ));
    }
    let missing_county = regions
        .iter()
        .filter(|r| r.population.is_none() && r.level == Level::UsCounty)
        .count();
    if missing_county > 0 {
        diag.note(format!(
            "{missing_county} US county rows (Unassigned, Out of …, ships, prisons) have no population"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slug("Korea, South"), "korea-south");
        assert_eq!(slug("Cote d'Ivoire"), "cote-d-ivoire");
        assert_eq!(slug("Taiwan*"), "taiwan");
        assert_eq!(slug("Doña Ana"), "dona-ana");
        assert_eq!(slug("Out of AL"), "out-of-al");
        assert_eq!(slug("***"), "x");
    }

    #[test]
    fn one_slug_scheme_numbers_clashes() {
        let mut s = Slugs::default();
        s.take("g7");
        assert_eq!(s.unique("g7"), "g7-2");
        assert_eq!(s.unique("x"), "x");
        assert_eq!(s.unique("x"), "x-2");
        assert_eq!(s.unique("x"), "x-3", "never x-2-2");
        assert_eq!(
            s.unique("x-2"),
            "x-2-2",
            "a base that looks numbered is still a base"
        );
    }

    #[test]
    fn fips_zero_padding() {
        assert_eq!(normalise_fips("1001.0", 5).as_deref(), Some("01001"));
        assert_eq!(normalise_fips("01001", 5).as_deref(), Some("01001"));
        assert_eq!(normalise_fips("60", 2).as_deref(), Some("60"));
        assert_eq!(normalise_fips("6", 2).as_deref(), Some("06"));
        assert_eq!(normalise_fips("", 5), None);
        assert_eq!(normalise_fips("abc", 5), None);
    }
}
