//! seecovid: turns the JHU CSSE COVID-19 time series into a precomputed static dashboard site.
//!
//! Layers, each in its own module; dependencies point down this list, never up:
//! `build` (the pipeline that owns the stages) · `cmd` (the subcommands) · `site` (the build
//! context, pages, templates, sitemap, check; it writes every output file) · `heatmap`
//! (animated maps) · `render` (charts, PNG, number formats) · `geo` (boundaries, projections)
//! · `measures` (derived series) · `quality` (the data rules' facts) · `data` (load, validate;
//! a leaf) · `output` (the one writer, its manifest, incremental keys, staged folders) ·
//! `config`. `heatmap`, `data`, `quality`, `geo`, `measures` and `render` never import `site`
//! and write no file; tests/layers.rs checks it.

pub(crate) mod build;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod data;
pub mod diag;
pub mod fetch;
pub mod geo;
pub mod heatmap;
pub mod measures;
pub mod output;
pub(crate) mod progress;
pub mod quality;
pub mod render;
pub(crate) mod sandbox;
pub(crate) mod serve;
pub(crate) mod site;
/// `data/data-notes.csv`, for the truth tests and `examples/data_notes.rs`.
pub use site::data_notes;
/// `assets/rules.js` (the Node tests run the scripts with it).
pub use site::rules::rules_js;
pub mod sync;
