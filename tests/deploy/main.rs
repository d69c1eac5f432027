//! Deployment tests against real servers on 127.0.0.1: moto_server as S3, Debian's nginx,
//! hadolint, a tiny_http mirror for `fetch`. Each test starts and stops its own servers on
//! free ports; a missing server binary fails the test (scripts/test.sh installs them).

mod support;

mod fetch;
mod files;
mod nginx;
mod sync;
