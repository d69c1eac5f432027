//! Rendering: time-series charts, number formatting, the bundled font and PNG encoding.
//! Knows nothing about regions or pages.
pub mod bars;
pub mod chart;
pub mod font;
pub mod format;
pub mod png;
