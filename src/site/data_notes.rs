//! `data/data-notes.csv`, the open-data file of every region and date range the data rules
//! touch (docs/data-rules.md): the rules' facts (`quality::assess`) written as rows.

use std::collections::HashMap;

use crate::data::{Dataset, Region, new_per_day};
use crate::output::csv::Table;
use crate::quality::assess::{MeasureQuality, RegionQuality};
use crate::quality::{Assessed, RecoveredGap, SilentRun};

/// Header of `data/data-notes.csv`.
pub const NOTES_HEADER: &str = "region_id,region,rule,measure,from,to,detail";

/// `data/data-notes.csv`: one row per affected region and date range (anomalies: per day,
/// with the raw value), in region order.
pub fn notes_csv(ds: &Assessed) -> anyhow::Result<String> {
    let header: Vec<&str> = NOTES_HEADER.split(',').collect();
    let mut csv = Table::new(&header);
    for (r, rq) in ds.regions.iter().zip(&ds.quality.regions) {
        let name = r.full_name(&ds.regions);
        for (rule, measure, a, b, detail) in region_rows(ds, r, rq) {
            csv.row([
                r.id.as_str(),
                &name,
                rule,
                measure,
                &r.series.date(a).to_string(),
                &r.series.date(b).to_string(),
                &detail,
            ])?;
        }
    }
    Ok(String::from_utf8(csv.finish()?)?)
}

/// One row of the notes: rule, measure, first and last day, detail.
type Row = (&'static str, &'static str, usize, usize, String);

/// The rows of one region: its district, its recovered gaps, then cases and deaths.
fn region_rows(ds: &Dataset, r: &Region, rq: &RegionQuality) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    if let Some(u) = &rq.reported_in {
        let last = r.series.len().saturating_sub(1);
        let ids: Vec<&str> = u
            .regions
            .iter()
            .map(|&i| ds.regions[i].id.as_str())
            .collect();
        let detail = format!("reported as part of {} ({})", u.name, ids.join(" + "));
        rows.push(("counted_in_district", "all", 0, last, detail));
    }
    if let Some(g) = &rq.recovered_gaps {
        for (a, b) in gap_runs(g) {
            let why = g[a].map_or("", RecoveredGap::as_str).to_string();
            rows.push(("recovered_unknown", "recovered,active", a, b, why));
        }
    }
    for (measure, mq, cum) in [
        ("confirmed", &rq.confirmed, &r.series.confirmed),
        ("deaths", &rq.deaths, &r.series.deaths),
    ] {
        measure_rows(measure, mq, cum, &mut rows);
    }
    rows
}

/// The rows of new cases or new deaths of one region.
fn measure_rows(measure: &'static str, mq: &MeasureQuality, cum: &[i64], rows: &mut Vec<Row>) {
    let mut row = |rule: &'static str, a, b, detail: String| {
        rows.push((rule, measure, a, b, detail));
    };
    let noun = if measure == "deaths" {
        "deaths"
    } else {
        "cases"
    };
    for &(a, b) in &mq.state_level {
        let detail = format!(
            "{} days with no new {noun} in any county of the state while its \
             Unassigned row grew",
            b - a + 1
        );
        row("state_level_only", a, b, detail);
    }
    for x in &mq.silent_runs {
        row("not_reporting", x.first, x.last, silent_detail(x, noun));
    }
    let new = new_per_day(cum);
    for (a, b, detail) in cadence_periods(&mq.spreads, &new) {
        row("spread", a, b, detail);
    }
    for &(a, b) in &mq.batches {
        let detail = format!(
            "a periodic batch of {} added evenly to the {} days it covers (on top of \
             their own counts)",
            new[b],
            b - a + 1
        );
        row("spread", a, b, detail);
    }
    if let Some(p) = mq.pending {
        let detail = format!(
            "{} days with no report at the end of the data after steady reports: \
             unknown until the next report, left out of the averages",
            new.len() - p
        );
        row("pending", p, new.len() - 1, detail);
    }
    let left: HashMap<usize, f64> = mq.left_out.iter().copied().collect();
    for (i, f) in mq.anomalies.iter().enumerate() {
        if let Some(f) = f {
            let out_of = left.get(&i).copied().unwrap_or(0.0);
            let detail = format!(
                "{}: {:+}; left out of the averages: {}",
                f.as_str(),
                new[i],
                (out_of * 100.0).round() / 100.0
            );
            row("anomaly", i, i, detail);
        }
    }
}

fn silent_detail(x: &SilentRun, noun: &str) -> String {
    let days = x.last - x.first + 1;
    match (x.expected, x.recent) {
        (Some(e), _) => format!(
            "{days} days with no new {noun}; the parent's rate would have given {}",
            e.round()
        ),
        (None, Some(m)) => format!(
            "{days} days with no new {noun} to the end of the data, after {} a day",
            m.round()
        ),
        (None, None) => format!("{days} days with no new {noun} to the end of the data"),
    }
}

/// The spread reports as periods of one cadence (`data-notes.csv` rows `spread`): reports
/// whose spans touch form one period ("14 reports every 7 days"); a lone one is a catch-up.
fn cadence_periods(spreads: &[(usize, usize)], new: &[i64]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < spreads.len() {
        let mut j = k;
        // One period: spans that touch (the next run of zeros starts the day after this
        // report) or are at most a week apart (a small place reporting now and then); one
        // row each made the file 46 MB.
        while j + 1 < spreads.len() && spreads[j + 1].0 <= spreads[j].1 + 8 {
            j += 1;
        }
        let group = &spreads[k..=j];
        let total: i64 = group
            .iter()
            .map(|&(s, e)| new[s..=e].iter().filter(|&&v| v > 0).sum::<i64>())
            .sum();
        let (a, b) = (group[0].0, group[group.len() - 1].1);
        let detail = if group.len() == 1 {
            let span = &new[a..=b];
            let reports = span.iter().filter(|&&v| v > 0).count();
            format!(
                "{} after {} days without one: {} spread over {} days",
                if reports == 1 {
                    "a report".to_string()
                } else {
                    format!("{reports} reports on consecutive days")
                },
                span.iter().filter(|&&v| v == 0).count(),
                total,
                span.iter().filter(|&&v| v >= 0).count()
            )
        } else {
            let mut gaps: Vec<usize> = group.iter().map(|&(s, r)| r - s + 1).collect();
            gaps.sort_unstable();
            let covered: usize = gaps.iter().sum();
            format!(
                "{} reports covering about {} days each: {} spread over the {} days they cover",
                group.len(),
                gaps[gaps.len() / 2],
                total,
                covered
            )
        };
        out.push((a, b, detail));
        k = j + 1;
    }
    out
}

/// Runs of days with the same gap reason.
fn gap_runs(g: &[Option<RecoveredGap>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < g.len() {
        if g[i].is_none() {
            i += 1;
            continue;
        }
        let s = i;
        while i + 1 < g.len() && g[i + 1] == g[s] {
            i += 1;
        }
        out.push((s, i));
        i += 1;
    }
    out
}
