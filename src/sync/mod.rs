//! Uploading a built site to S3 (`seecovid sync`), and the S3 plumbing `fetch` shares.
//!
//! `plan` is pure: local files + remote listing → what to upload, verify, keep and delete.
//! `kind` owns the Content-Type and Cache-Control policy (the nginx config in
//! `deploy/nginx/` mirrors it; a test keeps them in step). `s3` builds the client and
//! `run` executes a plan. Nothing here reads the build's internals: the site is just a
//! folder of files.

pub(crate) mod hashcache;
pub mod kind;
pub(crate) mod plan;
pub(crate) mod run;
pub(crate) mod s3;

pub use run::{Summary, SyncOptions, sync};
pub use s3::{ClientOptions, S3Url};
