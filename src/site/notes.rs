//! "What these numbers leave out" on a region page: the data rules of docs/data-rules.md
//! that touch the region, in plain sentences with the dates.

use serde::Serialize;

use crate::data::Source;
use crate::measures::new_per_day;
use crate::quality::Assessed;
use crate::quality::{RecoveredGap, SilentRun, assess::us_seam, true_runs};
use crate::render::format::thousands;

/// One sentence, optionally ending with a link.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Note {
    pub text: String,
    pub link: Option<(String, String)>,
}

fn note(text: String) -> Note {
    Note { text, link: None }
}

/// How many anomalous days a page lists by name (the rest are in data-notes.csv).
const LIST_ANOMALIES: usize = 5;

/// The notes of region `idx`, most important first.
pub fn region_notes(ds: &Assessed, idx: usize) -> Vec<Note> {
    let r = &ds.regions[idx];
    let q = &ds.quality.regions[idx];
    let s = &r.series;
    let mut out = Vec::new();
    if let Some(u) = &q.reported_in {
        let &first = u.regions.first().expect("a unit has rows");
        // The day from which the county's own row stays 0 (the unit holds its cases).
        let zero_from = s
            .confirmed
            .iter()
            .rposition(|&v| v != 0)
            .map_or(0, |i| i + 1)
            .min(s.len().saturating_sub(1));
        out.push(Note {
            text: format!(
                "Reported as part of {}: its cases are counted in the unit's numbers, and this \
                 county's own row is 0 from {} on. The county maps paint it with the unit's \
                 value (per capita: over the unit's {} people). See",
                u.name,
                s.date(zero_from),
                thousands(u.population as i64)
            ),
            link: Some((
                ds.regions[first].full_name(&ds.regions),
                format!("{}.html", ds.regions[first].id),
            )),
        });
    }
    for (what, mq) in [("cases", &q.confirmed), ("deaths", &q.deaths)] {
        if !mq.state_level.is_empty() {
            let spans: Vec<String> = mq
                .state_level
                .iter()
                .map(|&(a, b)| format!("{} to {}", s.date(a), s.date(b)))
                .collect();
            out.push(note(format!(
                "New {what} reported at state level only {}: {} counted them in its \
                 \"Unassigned\" row, not by county, and this county's row stayed flat. The \
                 maps show these days in their own class, not as 0.",
                if spans.len() == 1 {
                    format!("from {}", spans[0])
                } else {
                    format!("in {} periods: {}", spans.len(), spans.join(", "))
                },
                r.parent
                    .map_or("the state", |p| ds.regions[p].name.as_str()),
            )));
        }
        // A silent run inside a state-level period says the same again.
        let held = |x: &SilentRun| {
            mq.state_level
                .iter()
                .any(|&(a, b)| x.first <= b + 1 && a <= x.last + 1)
        };
        for x in mq.silent_runs.iter().filter(|x| !held(x)) {
            out.push(note(silent_text(ds, idx, what, x)));
        }
    }
    out.extend(spread_notes(ds, idx));
    if let Some(p) = r.population.filter(|&p| p > 0)
        && let Some(i) = s.confirmed.iter().position(|&c| c > p as i64)
    {
        out.push(note(format!(
            "Reported cases exceed the population from {}: {} cases for {} people. The count \
             is a data problem (tests of visitors or workers counted here, or a wrong \
             population), so the per-capita maps show \"cases above population\" instead of a \
             rate and it is not ranked per capita.",
            s.date(i),
            thousands(*s.confirmed.last().unwrap_or(&0)),
            thousands(p as i64)
        )));
    }
    if let Some(g) = &q.recovered_gaps {
        out.extend(recovered_notes(ds, idx, g));
    }
    if r.source == Source::Us && s.len() > (us_seam() - s.start).num_days().max(0) as usize {
        out.push(note(format!(
            "The US series switch on {} from the JHU time series to the JHU daily reports; in \
             611 counties that day's new value mixes later revisions with new cases. It is \
             flagged, left out of the averages and map classes, and kept in the CSV.",
            us_seam()
        )));
    }
    out.extend(anomaly_notes(ds, idx));
    out
}

fn silent_text(ds: &Assessed, idx: usize, what: &str, x: &SilentRun) -> String {
    let r = &ds.regions[idx];
    let s = &r.series;
    format!(
        "Not reporting {what} from {} to {}: no new {what} for {} days {}. The maps show these \
         days as \"not reporting\", not as 0.",
        s.date(x.first),
        s.date(x.last),
        x.last - x.first + 1,
        match (x.expected, x.recent, r.parent) {
            (Some(e), _, Some(p)) => format!(
                "while {} reported enough to give it about {} at the same rate per person",
                ds.regions[p].name,
                thousands(e.round() as i64)
            ),
            (None, Some(m), _) => format!(
                "up to the end of the data, after about {} a day in the four weeks before \
                 (a weekly report not yet in, or reporting stopped)",
                thousands(m.round() as i64)
            ),
            _ => "up to the end of the data".to_string(),
        }
    )
}

/// Reports that covered several days (weekly, every two weeks, catch-ups): how many were
/// spread over the days they cover, and when.
fn spread_notes(ds: &Assessed, idx: usize) -> Vec<Note> {
    let s = &ds.regions[idx].series;
    let q = &ds.quality.regions[idx];
    let mut parts = Vec::new();
    for (what, mq) in [("cases", &q.confirmed), ("deaths", &q.deaths)] {
        if let (Some(first), Some(last)) = (mq.batches.first(), mq.batches.last()) {
            parts.push(format!(
                "{} periodic batch{} of new {what} between {} and {} (small daily counts, the \
                 full count every week or two) were added to the days they cover",
                thousands(mq.batches.len() as i64),
                if mq.batches.len() == 1 { "" } else { "es" },
                s.date(first.0),
                s.date(last.1)
            ));
        }
        let (Some(first), Some(last)) = (mq.spreads.first(), mq.spreads.last()) else {
            continue;
        };
        let days: usize = mq.spreads.iter().map(|&(a, b)| b - a + 1).sum();
        parts.push(format!(
            "{} report{} of new {what} between {} and {} covered the zero days before them \
             ({} days in all)",
            thousands(mq.spreads.len() as i64),
            if mq.spreads.len() == 1 { "" } else { "s" },
            s.date(first.0),
            s.date(last.1),
            thousands(days as i64)
        ));
    }
    if parts.is_empty() {
        return Vec::new();
    }
    vec![Note {
        text: format!(
            "{}. Each is spread evenly over the days it covers in the averages and maps, so \
             weekly reports and catch-ups show neither false zeros nor spikes; the CSV keeps \
             the values as published beside the spread ones. All of them:",
            parts.join("; ")
        ),
        link: Some(("data notes (CSV)".into(), "../data/data-notes.csv".into())),
    }]
}

fn recovered_notes(ds: &Assessed, idx: usize, g: &[Option<RecoveredGap>]) -> Vec<Note> {
    let s = &ds.regions[idx].series;
    let runs = true_runs(g.iter().map(Option::is_some));
    if runs.is_empty() {
        return Vec::new();
    }
    let mut reasons: Vec<&str> = g.iter().flatten().map(|x| x.as_str()).collect();
    reasons.sort_unstable();
    reasons.dedup();
    let spans: Vec<String> = runs
        .iter()
        .take(4)
        .map(|&(a, b)| {
            if a == b {
                s.date(a).to_string()
            } else {
                format!("{} to {}", s.date(a), s.date(b))
            }
        })
        .collect();
    let more = runs.len().saturating_sub(4);
    vec![note(format!(
        "Recovered (and so active) is unknown {}{} ({}): empty in the CSV, \"no data\" on the \
         maps, a gap in the charts.",
        spans.join(", "),
        if more > 0 {
            format!(" and in {more} more periods")
        } else {
            String::new()
        },
        reasons.join(", ")
    ))]
}

fn anomaly_notes(ds: &Assessed, idx: usize) -> Vec<Note> {
    let s = &ds.regions[idx].series;
    let q = &ds.quality.regions[idx];
    let mut days: Vec<(i64, usize, &str, &str)> = Vec::new();
    for (what, flags, cum) in [
        ("new cases", &q.confirmed.anomalies, &s.confirmed),
        ("new deaths", &q.deaths.anomalies, &s.deaths),
    ] {
        let new = new_per_day(cum);
        for (i, f) in flags.iter().enumerate() {
            if let Some(f) = f {
                days.push((new[i], i, what, f.as_str()));
            }
        }
    }
    if days.is_empty() {
        return Vec::new();
    }
    // Days, not day × measure: a seam day flags cases and deaths alike.
    let n = days
        .iter()
        .map(|d| d.1)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let flagged = days.len();
    days.sort_by(|a, b| b.0.abs().cmp(&a.0.abs()).then(a.1.cmp(&b.1)));
    let listed: Vec<String> = days
        .iter()
        .take(LIST_ANOMALIES)
        .map(|(v, i, what, why)| {
            let sign = if *v > 0 { "+" } else { "" };
            format!("{} {sign}{} {what} ({why})", s.date(*i), thousands(*v))
        })
        .collect();
    vec![Note {
        text: format!(
            "{n} day{} with a reporting anomaly ({flagged} value{} of new cases or deaths) {} \
             left out of the averages and map classes (of a backlog, only the part above the days \
             around it) and marked on the charts; the CSV keeps the raw values. Largest: {}. \
             All of them:",
            if n == 1 { "" } else { "s" },
            if flagged == 1 { "" } else { "s" },
            if flagged == 1 { "is" } else { "are" },
            listed.join("; ")
        ),
        link: Some(("data notes (CSV)".into(), "../data/data-notes.csv".into())),
    }]
}
