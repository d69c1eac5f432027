//! Rendering: time-series charts, number formatting, the bundled font and PNG encoding.
//! Knows nothing about regions or pages.
pub(crate) mod chart;
pub(crate) mod font;
pub mod format;
pub(crate) mod png;
