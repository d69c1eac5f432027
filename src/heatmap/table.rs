//! The CSV of an animation's last date.

use anyhow::Result;

use super::values::Pair;
use crate::data::names;
use crate::measures::{Mode, Unit};
use crate::output::csv::Table;

/// The unit cell of a heat-map CSV. The per-capita ones hold a comma ("100,000"): the
/// [`Table`] writer quotes them (hand-written rows once left them bare, 8 fields under a
/// 7-column header).
fn unit_cell(sc: Unit, mode: Mode) -> &'static str {
    match (sc, mode) {
        (Unit::Absolute, Mode::Total) => "count",
        (Unit::Absolute, Mode::New) => "per day (7-day average)",
        (Unit::PerCapita, Mode::Total) => "per 100,000 people",
        (Unit::PerCapita, Mode::New) => "per day per 100,000 people (7-day average)",
    }
}

/// The CSV of the last date's values of every member (mapped or not), true values (negative
/// "new" kept), highest first.
pub(super) fn last_date_csv(p: &Pair) -> Result<Vec<u8>> {
    let (ds, m, lastv, names) = (p.ds, p.m, p.mat.last(), &p.names);
    let last = p.mat.dates.last().expect("non-empty").to_string();
    let mut order: Vec<usize> = (0..p.mat.n).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (lastv[a], lastv[b]);
        y.is_nan()
            .cmp(&x.is_nan())
            .reverse()
            .then(y.total_cmp(&x))
            .then_with(|| names[a].cmp(&names[b]))
    });
    let mut csv = Table::new(&[
        "rank",
        "region_id",
        "name",
        "date",
        "value",
        "unit",
        "on_map",
    ]);
    let unit = unit_cell(p.sc, p.mode);
    for (rank, &k) in order.iter().enumerate() {
        let r = &ds.regions[m.members[k]];
        let v = lastv[k];
        // Not reporting (−∞) and no data (NaN) have no value and no rank.
        let (rank, value) = if v.is_finite() {
            ((rank + 1).to_string(), fmt_csv(v))
        } else {
            (String::new(), String::new())
        };
        let name = names::jhu_full_name(r, &ds.regions);
        let on_map = if p.adj.mapped[k] { "true" } else { "false" };
        csv.row([rank.as_str(), &r.id, &name, &last, &value, unit, on_map])?;
    }
    csv.finish()
}

fn fmt_csv(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.4}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quirk: the per-capita units hold a comma ("per 100,000 people"); written by hand they
    /// went out unquoted, 8 fields under the 7-column header of the heat-map CSV.
    #[test]
    fn per_capita_heatmap_csv_unit_cell_is_quoted() {
        let mut t = Table::new(&["rank", "unit", "on_map"]);
        for sc in [Unit::Absolute, Unit::PerCapita] {
            for mode in [Mode::Total, Mode::New] {
                t.row(["1", unit_cell(sc, mode), "true"]).unwrap();
            }
        }
        let text = String::from_utf8(t.finish().unwrap()).unwrap();
        assert!(text.contains(",\"per day per 100,000 people (7-day average)\","));
        assert!(text.contains(",\"per 100,000 people\","));
        assert!(text.contains(",count,"));
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert!(r.records().all(|rec| rec.unwrap().len() == 3));
    }

    #[test]
    fn csv_numbers() {
        assert_eq!(fmt_csv(12.0), "12");
        assert_eq!(fmt_csv(-3.5), "-3.5000");
    }
}
