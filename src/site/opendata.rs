//! The open-data downloads beside the per-region CSVs (issue 14): `data/regions.json` with
//! join keys, `data/latest.json`/`.csv` (one row per region), `data/all-regions.csv.gz`
//! (every region and date in one long file) and `data/datapackage.json` (a Frictionless
//! descriptor with a table schema per file).
//!
//! The long file and the latest rows are made from the text of [`regions::region_csv`]
//! itself — the same row code as the per-region downloads — so they can never disagree with
//! them (empty cells, corrections and all).

use std::collections::HashMap;
use std::io::Write as _;

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};

use super::regions::{self, csv_path, page_path};
use crate::data::keys::JoinKeys;
use crate::data::{Dataset, Level, Region};
use crate::measures;
use crate::measures::Derived;
use crate::output::Output;
use crate::output::csv::{Table, is_plain};
use crate::quality::Assessed;

/// Per-capita base of the downloads: fixed, so the files keep one schema whatever the site's
/// display setting.
pub(crate) const PER: f64 = 100_000.0;

pub(crate) const REGIONS_JSON: &str = "data/regions.json";
pub(crate) const LATEST_JSON: &str = "data/latest.json";
pub(crate) const LATEST_CSV: &str = "data/latest.csv";
pub(crate) const ALL_REGIONS: &str = "data/all-regions.csv.gz";
pub(crate) const DATAPACKAGE: &str = "data/datapackage.json";
pub(crate) const REGION_SCHEMA: &str = "data/region-schema.json";

/// One entry of `data/regions.json`: the seven original fields (unchanged), then join keys.
#[derive(Serialize)]
struct RegionJson<'a> {
    id: &'a str,
    name: &'a str,
    level: Level,
    parent: Option<&'a str>,
    population: Option<u64>,
    page: String,
    csv: String,
    uid: Option<u64>,
    iso2: Option<&'a str>,
    iso3: Option<&'a str>,
    code3: Option<u32>,
    fips: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    country_region: &'a str,
    province_state: Option<&'a str>,
    admin2: Option<&'a str>,
    combined_key: Option<&'a str>,
}

fn region_json<'a>(ds: &'a Assessed, r: &'a Region, k: Option<&'a JoinKeys>) -> RegionJson<'a> {
    RegionJson {
        id: &r.id,
        name: &r.name,
        level: r.level,
        parent: r.parent.map(|p| ds.regions[p].id.as_str()),
        population: r.population,
        page: page_path(r),
        csv: csv_path(r),
        uid: r.uid,
        iso2: k.and_then(|k| k.iso2.as_deref()),
        iso3: k.and_then(|k| k.iso3.as_deref()),
        code3: k.and_then(|k| k.code3),
        // The US file's FIPS first (what the series were read with), else the UID table's.
        fips: match r.level {
            Level::UsState | Level::UsCounty => {
                r.fips.clone().or_else(|| k.and_then(|k| k.fips.clone()))
            }
            _ => None,
        },
        lat: k.and_then(|k| k.lat),
        long: k.and_then(|k| k.long),
        country_region: &r.country,
        province_state: r.province.as_deref(),
        admin2: (r.level == Level::UsCounty).then_some(r.name.as_str()),
        combined_key: k.and_then(|k| k.combined_key.as_deref()),
    }
}

/// `data/regions.json`: every region with its page, CSV and join keys (`keys` by JHU UID).
pub(crate) fn regions_json(ds: &Assessed, keys: &HashMap<u64, JoinKeys>) -> Result<String> {
    let list: Vec<RegionJson> = ds
        .regions
        .iter()
        .map(|r| region_json(ds, r, r.uid.and_then(|u| keys.get(&u))))
        .collect();
    Ok(serde_json::to_string_pretty(&list)? + "\n")
}

/// Rounds to 4 decimals (the precision the downloads publish).
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// One row of `data/latest.json` / `.csv`.
#[derive(Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub(crate) struct LatestRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) level: Level,
    pub(crate) population: Option<u64>,
    pub(crate) date: String,
    pub(crate) confirmed: Option<i64>,
    pub(crate) deaths: Option<i64>,
    pub(crate) new_confirmed_7d: Option<f64>,
    pub(crate) new_deaths_7d: Option<f64>,
    pub(crate) confirmed_per_100k: Option<f64>,
    pub(crate) deaths_per_100k: Option<f64>,
    pub(crate) new_confirmed_7d_per_100k: Option<f64>,
    pub(crate) new_deaths_7d_per_100k: Option<f64>,
    /// What the last day's new values are (`quality::Status`): the 7-day columns are empty
    /// unless `reported`.
    pub(crate) confirmed_status: String,
    pub(crate) deaths_status: String,
    /// WHO's latest week for the region, where WHO reports it (empty otherwise).
    #[serde(flatten)]
    pub(crate) who: super::who::LatestWho,
}

/// The latest row of region `r`: its last totals and last N-day averages, the same numbers
/// as its page, its CSV and the maps (`measures::new_series`).
pub(crate) fn latest_row(r: &Region, d: &Derived) -> LatestRow {
    let s = &r.series;
    let last = s.len().checked_sub(1);
    let mean = |ns: &measures::NewSeries| -> Option<f64> {
        ns.mean.last().copied().filter(|v| v.is_finite())
    };
    let status = |ns: &measures::NewSeries| -> String {
        ns.status
            .last()
            .map_or("no_data", |s| s.as_str())
            .to_string()
    };
    let (c, dd) = (last.map(|i| s.confirmed[i]), last.map(|i| s.deaths[i]));
    let (nc, nd) = (mean(&d.cases), mean(&d.deaths));
    let pc = |v: Option<f64>| -> Option<f64> {
        v.and_then(|v| measures::per_capita(v, r.population, PER))
            .map(round4)
    };
    LatestRow {
        id: r.id.clone(),
        name: r.name.clone(),
        level: r.level,
        population: r.population,
        date: last.map(|i| s.date(i).to_string()).unwrap_or_default(),
        confirmed: c,
        deaths: dd,
        new_confirmed_7d: nc.map(round4),
        new_deaths_7d: nd.map(round4),
        confirmed_per_100k: pc(c.map(|v| v as f64)),
        deaths_per_100k: pc(dd.map(|v| v as f64)),
        new_confirmed_7d_per_100k: pc(nc),
        new_deaths_7d_per_100k: pc(nd),
        confirmed_status: status(&d.cases),
        deaths_status: status(&d.deaths),
        who: Default::default(),
    }
}

/// Names of the `latest` columns, in order (also the CSV header).
pub(crate) const LATEST_COLUMNS: [&str; 15] = [
    "id",
    "name",
    "level",
    "population",
    "date",
    "confirmed",
    "deaths",
    "new_confirmed_7d",
    "new_deaths_7d",
    "confirmed_per_100k",
    "deaths_per_100k",
    "new_confirmed_7d_per_100k",
    "new_deaths_7d_per_100k",
    "confirmed_status",
    "deaths_status",
];

pub(crate) fn latest_csv(rows: &[LatestRow]) -> Result<Vec<u8>> {
    let header: Vec<&str> = LATEST_COLUMNS
        .iter()
        .chain(&super::who::LATEST_WHO_COLUMNS)
        .copied()
        .collect();
    let mut csv = Table::with_capacity(&header, rows.len() * 128);
    for r in rows {
        for s in [r.id.as_str(), &r.name, r.level.as_str()] {
            csv.cell(s)?;
        }
        csv.cell_opt(r.population)?;
        csv.cell(&r.date)?;
        csv.cell_opt(r.confirmed)?;
        csv.cell_opt(r.deaths)?;
        for v in [
            r.new_confirmed_7d,
            r.new_deaths_7d,
            r.confirmed_per_100k,
            r.deaths_per_100k,
            r.new_confirmed_7d_per_100k,
            r.new_deaths_7d_per_100k,
        ] {
            csv.cell_opt(v)?;
        }
        csv.cell(&r.confirmed_status)?;
        csv.cell(&r.deaths_status)?;
        super::who::latest_cells(&mut csv, &r.who)?;
        csv.end_row()?;
    }
    csv.finish()
}

pub(crate) fn latest_json(rows: &[LatestRow]) -> Result<String> {
    Ok(serde_json::to_string_pretty(rows)? + "\n")
}

/// The long file's header: the region id, then the per-region CSV columns.
pub(crate) fn long_header() -> String {
    format!("id,{}", regions::CSV_HEADER)
}

/// A region's rows of the long file: its CSV's data rows, each prefixed with its id. The
/// rows are spliced as text (written once, by the region CSV's writer); the id is a slug,
/// which never needs quoting, so the prefix is a plain cell.
pub(crate) fn long_rows(id: &str, csv: &str) -> String {
    debug_assert!(is_plain(id), "region id `{id}` would need quoting");
    let mut out = String::with_capacity(csv.len() + csv.len() / 40 * (id.len() + 1));
    for line in csv.lines().skip(1) {
        out.push_str(id);
        out.push(',');
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn gzip(text: &[u8]) -> Result<Vec<u8>> {
    // Level 1: on the real data (206 MB of text) GNU gzip -6 took 2.9× the time of -1 for a
    // file 15 % smaller; the full-build budget matters more than 4 MB of download.
    let mut e = flate2::write::GzEncoder::new(
        Vec::with_capacity(text.len() / 6),
        flate2::Compression::new(6),
    );
    e.write_all(text)?;
    Ok(e.finish()?)
}

/// The long file and the latest rows, region by region in parallel. Each region's rows are
/// one gzip member: concatenated members are one valid gzip file (RFC 1952 §2.2; gzip,
/// Python, pandas, R and polars read them), and no more than one region's text is ever held.
pub(crate) fn tables(ds: &Assessed) -> Result<(Vec<u8>, Vec<LatestRow>)> {
    let parts: Vec<(Vec<u8>, LatestRow)> = ds
        .regions
        .par_iter()
        .enumerate()
        .map(|(i, r)| -> Result<_> {
            // `latest` publishes 7-day averages whatever the pages' window (`_7d` columns).
            let d = measures::derive(&r.series, &ds.quality.regions[i], measures::DEFAULT_WINDOW);
            let csv = regions::region_csv(r, &d)?;
            let mut text = if i == 0 {
                long_header() + "\n"
            } else {
                String::new()
            };
            text.push_str(&long_rows(&r.id, &csv));
            Ok((gzip(text.as_bytes())?, latest_row(r, &d)))
        })
        .collect::<Result<_>>()?;
    let mut gz = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum());
    let mut latest = Vec::with_capacity(parts.len());
    for (g, l) in parts {
        gz.extend_from_slice(&g);
        latest.push(l);
    }
    Ok((gz, latest))
}

/// Writes the open-data files made from JHU's data alone; returns the `latest` rows (without
/// their WHO columns) and the paths written.
pub(crate) fn write_jhu(
    ds: &Assessed,
    keys: &HashMap<u64, JoinKeys>,
    out: &Output,
) -> Result<(Vec<LatestRow>, Vec<String>)> {
    let (gz, latest) = tables(ds)?;
    let files = [
        (REGIONS_JSON, regions_json(ds, keys)?.into_bytes()),
        (ALL_REGIONS, gz),
        (REGION_SCHEMA, pretty(&region_schema())?),
    ];
    Ok((latest, write_files(out, files)?))
}

/// Writes the open-data files that show WHO's numbers too: `latest` with its WHO columns,
/// WHO's weekly file and the descriptor (which states both sources' dates).
pub(crate) fn write_who(
    ds: &Dataset,
    keys: &HashMap<u64, JoinKeys>,
    mut latest: Vec<LatestRow>,
    scopes: &[&str],
    out: &Output,
) -> Result<Vec<String>> {
    super::who::add_latest(&mut latest, ds);
    let files = [
        (LATEST_JSON, latest_json(&latest)?.into_bytes()),
        (LATEST_CSV, latest_csv(&latest)?),
        (super::who::WEEKLY_CSV, super::who::weekly_csv(ds, keys)?),
        (
            DATAPACKAGE,
            pretty(&super::datapackage::descriptor(ds, scopes))?,
        ),
    ];
    write_files(out, files)
}

fn write_files<const N: usize>(out: &Output, files: [(&str, Vec<u8>); N]) -> Result<Vec<String>> {
    let mut paths = Vec::new();
    for (p, bytes) in files {
        out.write(p, &bytes)?;
        paths.push(p.to_string());
    }
    Ok(paths)
}

/// The open-data files as two build units, each made again only when what it shows changed:
/// the JHU files (the data and the program), and the files with WHO's numbers (those and
/// WHO's file), so a WHO refresh does not redo the 200 MB long file. The first unit keeps
/// its `latest` rows in the manifest for the second.
pub(crate) fn build(site: &super::Site, scopes: &[&str]) -> Result<()> {
    // The files do not depend on the pages' window (`latest` is always 7 days).
    let data = &site.config.build.data;
    let (latest, _) = site
        .output
        .unit_json("opendata", &site.keys.opendata(scopes), || {
            write_jhu(
                site.dataset,
                &crate::data::keys::load_join_keys(data)?,
                site.output,
            )
        })?;
    site.output
        .unit("opendata-who", &site.keys.opendata_who(scopes), || {
            let keys = crate::data::keys::load_join_keys(data)?;
            let files = write_who(site.dataset, &keys, latest, scopes, site.output)?;
            Ok((String::new(), files))
        })?;
    Ok(())
}

fn pretty(v: &Value) -> Result<Vec<u8>> {
    Ok((serde_json::to_string_pretty(v)? + "\n").into_bytes())
}

/// The table schema of a per-region CSV (shared by every region's resource).
pub(crate) fn region_schema() -> Value {
    json!({
        "fields": super::datapackage::region_fields(),
        "missingValues": [""],
        "primaryKey": ["date"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "\
date,confirmed,deaths,recovered,active,new_confirmed,new_deaths,new_recovered,new_active
2021-08-01,100,1,50,49,100,1,50,49
2021-08-02,110,1,60,49,10,0,10,0
2021-08-03,130,2,80,48,20,1,20,-1
2021-08-04,125,2,90,33,-5,0,10,-15
2021-08-05,140,3,,,15,1,,
2021-08-06,160,3,,,20,0,,
2021-08-07,170,4,,,10,1,,
2021-08-08,171,4,,,1,0,,
";

    #[test]
    fn long_rows_prefix_every_data_row() {
        let rows = long_rows("alphaland", CSV);
        assert_eq!(rows.lines().count(), 8);
        assert_eq!(
            rows.lines().nth(4),
            Some("alphaland,2021-08-05,140,3,,,15,1,,")
        );
        assert_eq!(long_header().split(',').count(), 12);
    }

    #[test]
    fn latest_csv_cells_with_commas_are_quoted() {
        let row = LatestRow {
            id: "korea-south".into(),
            name: "Korea, South".into(),
            level: Level::Country,
            population: None,
            date: "2021-08-07".into(),
            confirmed: Some(3),
            deaths: None,
            new_confirmed_7d: Some(0.5),
            new_deaths_7d: None,
            confirmed_per_100k: None,
            deaths_per_100k: None,
            new_confirmed_7d_per_100k: None,
            new_deaths_7d_per_100k: None,
            confirmed_status: "reported".into(),
            deaths_status: "not_reporting".into(),
            who: Default::default(),
        };
        let text = String::from_utf8(latest_csv(&[row]).unwrap()).unwrap();
        assert_eq!(
            text.lines().nth(1),
            Some(
                "korea-south,\"Korea, South\",country,,2021-08-07,3,,0.5,,,,,,reported,not_reporting,,,,,,,"
            )
        );
    }

    #[test]
    fn concatenated_gzip_members_read_back_as_one_file() {
        use std::io::Read;
        let mut all = gzip(b"a,b\n1,2\n").unwrap();
        all.extend(gzip(b"3,4\n").unwrap());
        let mut s = String::new();
        flate2::read::MultiGzDecoder::new(&all[..])
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "a,b\n1,2\n3,4\n");
    }
}
