//! `heatmaps/{scope}/frames.csv.gz`: the numbers behind every frame of a scope's maps, one row
//! per region and frame date, from the same `daily` values the frames are coloured with.
//!
//! Columns: `date,region_id,confirmed,deaths,confirmed_new_7d,deaths_new_7d,confirmed_status,
//! deaths_status`. A status is `quality::Status` (`reported`, `not_reporting`,
//! `state_level_only`, `in_district`, `no_data`) and says what the new values are: a 7-day
//! average is empty unless its status is `reported`; a total is the last one reported (the
//! total maps draw it), empty only in a district or without data. Counties in a district are
//! `in_district` (their shape shows the district's row, which has its own rows here).

use std::io::Write as _;

use anyhow::Result;

use super::scope::ScopeMap;
use super::{Daily, Measure, Mode, daily, frame_dates};
use crate::output::csv::Table;
use crate::quality::Assessed;
use crate::quality::Status;
use crate::render::format::csv_number;

pub(crate) const HEADER: [&str; 8] = [
    "date",
    "region_id",
    "confirmed",
    "deaths",
    "confirmed_new_7d",
    "deaths_new_7d",
    "confirmed_status",
    "deaths_status",
];

/// Name of a scope's frames file in the heat-map set's folder.
pub(crate) fn path(m: &ScopeMap) -> String {
    format!("{}/frames.csv.gz", m.id)
}

/// The gzipped CSV of one scope (frames every `step` days, ending on the last date).
pub(crate) fn csv_gz(ds: &Assessed, m: &ScopeMap, step: u32) -> Result<Vec<u8>> {
    let dates = frame_dates(m.start, m.end, step);
    let mut csv = Table::with_capacity(&HEADER, dates.len() * m.members.len() * 48);
    let series: Vec<[Option<Daily>; 4]> = m
        .members
        .iter()
        .map(|&ri| {
            [
                daily(ds, ri, Measure::Confirmed, Mode::Total),
                daily(ds, ri, Measure::Deaths, Mode::Total),
                daily(ds, ri, Measure::Confirmed, Mode::New),
                daily(ds, ri, Measure::Deaths, Mode::New),
            ]
        })
        .collect();
    for d in &dates {
        for (k, &ri) in m.members.iter().enumerate() {
            let r = &ds.regions[ri];
            let i = (*d - r.series.start).num_days();
            let i = usize::try_from(i).ok().filter(|&i| i < r.series.len());
            let [tc, td, nc, nd] = &series[k];
            let status = |new: &Option<Daily>| -> Status {
                match (new, i) {
                    (Some(s), Some(i)) => s.status[i],
                    _ => Status::NoData,
                }
            };
            let (sc, sd) = (status(nc), status(nd));
            // A value where its own series has one: the 7-day averages only when reported,
            // the totals as last reported (what the total maps draw).
            let value = |s: &Option<Daily>, st: Status| -> String {
                match (s, i) {
                    (Some(s), Some(i))
                        if s.status[i] == Status::Reported && st != Status::InDistrict =>
                    {
                        csv_number(s.values[i])
                    }
                    _ => String::new(),
                }
            };
            csv.row([
                d.to_string().as_str(),
                &r.id,
                &value(tc, sc),
                &value(td, sd),
                &value(nc, sc),
                &value(nd, sd),
                sc.as_str(),
                sd.as_str(),
            ])?;
        }
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&csv.finish()?)?;
    Ok(e.finish()?)
}
