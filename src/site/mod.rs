//! The site: pages, downloads, the writer, link check.
pub mod writer;
