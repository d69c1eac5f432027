//! The series of one view: every member's line, aligned, and the members left out.

use chrono::NaiveDate;

use super::PER;
use super::groups::Group;
use super::view::{Align, View};
use crate::measures::{self, Measure, Mode, Unit};
use crate::quality::Assessed;

/// A region's line in one view: values indexed from the view's day 0, which is index `first`
/// of the region's series.
struct Line {
    member: usize,
    values: Vec<f64>,
    first: usize,
}

/// The series of one view: lines, the date of index 0 (calendar view) and the regions left
/// out with the reason.
pub(super) struct ViewData {
    pub(super) start: NaiveDate,
    pub(super) days: usize,
    pub(super) lines: Vec<(usize, Vec<f64>)>,
    /// Per line: the index in the region's series of the view's day 0 (negative when the
    /// line starts later than the view).
    pub(super) offsets: Vec<i64>,
    pub(super) skipped: Vec<(usize, &'static str)>,
}

pub(super) fn view_data(ds: &Assessed, g: &Group, v: View, window: usize) -> ViewData {
    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for (k, &i) in g.members.iter().enumerate() {
        let r = &ds.regions[i];
        let s = &r.series;
        let pop = r.population.filter(|&p| p > 0);
        if (v.unit == Unit::PerCapita || v.align == Align::Per10k) && pop.is_none() {
            skipped.push((k, "no population figure"));
            continue;
        }
        let counts = match v.measure {
            Measure::Deaths => &s.deaths,
            _ => &s.confirmed,
        };
        let mut vals = match v.mode {
            Mode::Total => measures::to_f64(counts),
            // The region's own N-day average (docs/data-rules.md §4–5): the one published.
            Mode::New => {
                measures::new_series(
                    counts,
                    &ds.quality.regions[i],
                    v.measure == Measure::Deaths,
                    window,
                )
                .mean
            }
        };
        if v.unit == Unit::PerCapita {
            let p = pop.expect("checked above") as f64;
            for x in &mut vals {
                *x = *x * PER / p;
            }
        }
        let first = match v.align {
            Align::Date => Some(0),
            Align::FirstCase => s.confirmed.iter().position(|&c| c > 0),
            Align::Per10k => {
                let p = pop.expect("checked above") as f64;
                s.confirmed
                    .iter()
                    .position(|&c| c > 0 && c as f64 * crate::measures::ALIGN_PER >= p)
            }
        };
        let Some(first) = first else {
            skipped.push((
                k,
                if v.align == Align::FirstCase {
                    "no cases reported"
                } else {
                    "never reached 1 case per 10,000 people"
                },
            ));
            continue;
        };
        lines.push(Line {
            member: k,
            values: vals[first..].to_vec(),
            first,
        });
    }
    // Calendar view: pad every line to the common start date.
    let mut offsets: Vec<i64> = lines.iter().map(|l| l.first as i64).collect();
    let (start, lines): (NaiveDate, Vec<(usize, Vec<f64>)>) = if v.align == Align::Date {
        let start = g
            .members
            .iter()
            .map(|&i| ds.regions[i].series.start)
            .min()
            .unwrap_or_else(|| ds.data_date());
        let lines = lines
            .into_iter()
            .zip(&mut offsets)
            .map(|(l, off)| {
                let r = &ds.regions[g.members[l.member]];
                let pad = (r.series.start - start).num_days().max(0) as usize;
                *off = -(pad as i64);
                let mut v = vec![f64::NAN; pad];
                v.extend(l.values);
                (l.member, v)
            })
            .collect();
        (start, lines)
    } else {
        (
            ds.data_date(),
            lines.into_iter().map(|l| (l.member, l.values)).collect(),
        )
    };
    let days = lines.iter().map(|l| l.1.len()).max().unwrap_or(2).max(2);
    ViewData {
        start,
        days,
        lines,
        offsets,
        skipped,
    }
}
