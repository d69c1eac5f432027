//! The View vocabulary: the five choices of a compare chart, their keys, labels and texts.

use crate::measures::{Measure, Mode, Scale, Unit};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Date,
    FirstCase,
    Per10k,
}

/// One combination of the five choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct View {
    /// Confirmed cases or deaths (alignments are on cases either way).
    pub measure: Measure,
    pub mode: Mode,
    pub scale: Scale,
    pub unit: Unit,
    pub align: Align,
}

// The controls: value (the long spelling of the shared vocabulary) and label.
pub(super) const MEASURES: [(Measure, &str, &str); 2] = [
    (Measure::Confirmed, "cases", "Confirmed cases"),
    (Measure::Deaths, "deaths", "Deaths"),
];
pub(super) const MODES: [(Mode, &str, &str); 2] = [
    (Mode::New, "new", "New per day"),
    (Mode::Total, "total", "Total"),
];
pub(super) const SCALES: [(Scale, &str, &str); 2] = [
    (Scale::Linear, "linear", "Linear"),
    (Scale::Log, "log", "Logarithmic"),
];
pub(super) const UNITS: [(Unit, &str, &str); 2] = [
    (Unit::Absolute, "absolute", "Number"),
    (Unit::PerCapita, "per100k", "Per 100,000 people"),
];
pub(super) const ALIGNS: [(Align, &str, &str); 3] = [
    (Align::Date, "date", "Calendar date"),
    (Align::FirstCase, "first", "Days since the first case"),
    (Align::Per10k, "p10k", "Days since 1 case per 10,000 people"),
];

impl View {
    /// All 48 views, in the order of the controls.
    pub fn all() -> Vec<View> {
        let mut v = Vec::new();
        for c in MEASURES {
            for m in MODES {
                for s in SCALES {
                    for u in UNITS {
                        for a in ALIGNS {
                            v.push(View {
                                measure: c.0,
                                mode: m.0,
                                scale: s.0,
                                unit: u.0,
                                align: a.0,
                            });
                        }
                    }
                }
            }
        }
        v
    }

    /// `cases-new-linear-absolute-date`: the control values joined by `-` (the URL hash and
    /// the image name use it; compare/any.html uses the same keys).
    pub fn key(&self) -> String {
        let c = MEASURES
            .iter()
            .find(|x| x.0 == self.measure)
            .expect("listed")
            .1;
        let a = ALIGNS.iter().find(|x| x.0 == self.align).expect("listed").1;
        format!(
            "{c}-{}-{}-{}-{a}",
            self.mode.as_str(),
            self.scale.long(),
            self.unit.long()
        )
    }

    /// "confirmed cases" or "deaths".
    fn noun(&self) -> &'static str {
        match self.measure {
            Measure::Deaths => "deaths",
            _ => "confirmed cases",
        }
    }

    pub(super) fn what(&self, window: usize) -> String {
        let n = self.noun();
        let m = match self.mode {
            Mode::Total => format!("Total {n}"),
            Mode::New => format!("New {n} per day ({window}-day average)"),
        };
        match self.unit {
            Unit::Absolute => m,
            Unit::PerCapita => format!("{m} per 100,000 people"),
        }
    }

    pub(super) fn title(&self, window: usize) -> String {
        // Compare groups show cases or deaths only.
        let n = self.measure.noun();
        let m = match self.mode {
            Mode::Total => format!("Total {n}"),
            Mode::New => format!("New {n} per day, {window}-day average"),
        };
        let u = match self.unit {
            Unit::Absolute => "",
            Unit::PerCapita => " per 100,000 people",
        };
        let s = match self.scale {
            Scale::Linear => "",
            Scale::Log => " (log scale)",
        };
        format!("{m}{u}{s}")
    }

    pub(super) fn scale_text(&self) -> &'static str {
        match self.scale {
            Scale::Linear => "linear scale",
            Scale::Log => "logarithmic scale (zero and negative values left out)",
        }
    }

    pub(super) fn align_text(&self) -> &'static str {
        match self.align {
            Align::Date => "by calendar date",
            Align::FirstCase => "aligned on the day of the first case (day 0)",
            Align::Per10k => {
                "aligned on the day each region reached 1 case per 10,000 people (day 0)"
            }
        }
    }

    pub(super) fn x_desc(&self) -> &'static str {
        match self.align {
            Align::Date => "",
            Align::FirstCase => "days since the first case",
            Align::Per10k => "days since 1 case per 10,000 people",
        }
    }

    /// Short description for the list of links.
    pub(super) fn label(&self) -> String {
        let parts = [
            MEASURES
                .iter()
                .find(|x| x.0 == self.measure)
                .expect("listed")
                .2,
            MODES.iter().find(|x| x.0 == self.mode).expect("listed").2,
            SCALES.iter().find(|x| x.0 == self.scale).expect("listed").2,
            UNITS.iter().find(|x| x.0 == self.unit).expect("listed").2,
        ];
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_keys_are_unique_and_default_first() {
        let all = View::all();
        assert_eq!(all.len(), 48);
        let keys: std::collections::BTreeSet<String> = all.iter().map(View::key).collect();
        assert_eq!(keys.len(), 48);
        assert_eq!(all[0].key(), "cases-new-linear-absolute-date");
        assert_eq!(all[24].key(), "deaths-new-linear-absolute-date");
    }
}
