//! Rendering: charts and image encoding.
pub mod font;
