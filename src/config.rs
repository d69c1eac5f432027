//! `seecovid.toml` → validated `Config`; command-line flags override it.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {}
