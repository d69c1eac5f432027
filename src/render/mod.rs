//! Rendering: time-series charts, number formatting, the bundled font and PNG encoding.
//! Knows nothing about regions or pages.
pub mod axis;
pub mod bars;
/// `pub` for the chart-rule tests (tests/chart_rules.rs).
pub mod chart;
pub(crate) mod font;
pub mod format;
pub(crate) mod svg;
