//! seecovid: turns the JHU CSSE COVID-19 time series into a precomputed static dashboard site.
//!
//! Layers, each in its own module: `data` (load, validate) · `measures` (derived series) ·
//! `render` (charts, PNG) · `site` (pages, templates, the writer, check) · `serve` · `cmd`
//! (the subcommands) · `build` (the pipeline that owns load → derive → render → write → check).

pub mod build;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod data;
pub mod diag;
pub mod fetch;
pub mod geo;
pub mod heatmap;
pub mod measures;
pub mod progress;
pub mod quality;
pub mod render;
pub mod sandbox;
pub mod serve;
pub mod site;
pub mod sync;
