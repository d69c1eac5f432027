//! `seecovid.toml` → validated [`Config`]. Command-line flags override it (see `cmd::build`).
//!
//! Every table denies unknown keys so a typo is an error that names the key, not a silently
//! ignored setting.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::measures::WINDOW_RANGE;

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Config {
    pub site: SiteConfig,
    pub build: BuildConfig,
    pub measures: MeasuresConfig,
    pub compare: CompareConfig,
    pub sandbox: SandboxConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SiteConfig {
    pub title: String,
    /// Absolute URL of the deployed site (for sitemap.xml).
    pub base_url: Option<String>,
    /// Folder whose templates replace the built-in ones of the same name.
    pub templates: Option<PathBuf>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        Self {
            title: "seecovid".into(),
            base_url: None,
            templates: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct BuildConfig {
    pub data: PathBuf,
    pub out: PathBuf,
    pub jobs: Option<usize>,
    pub frame_step: u32,
    /// Heat-map scopes to render; empty means all.
    pub scopes: Vec<String>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        Self {
            data: PathBuf::from("assets/data"),
            out: PathBuf::from("output"),
            jobs: None,
            frame_step: 7,
            scopes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct MeasuresConfig {
    /// Moving-average window (trailing) in days (1–28).
    pub window: usize,
    /// Per-capita divisor shown by default (per 100,000).
    pub per_capita: u64,
}

impl Default for MeasuresConfig {
    fn default() -> Self {
        Self {
            window: crate::measures::DEFAULT_WINDOW,
            per_capita: crate::measures::PER_CAPITA_BASE,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct CompareConfig {
    pub groups: Vec<CompareGroup>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CompareGroup {
    pub name: String,
    /// Region ids as in `data/regions.json` (e.g. `sweden`, `us--texas`).
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct SandboxConfig {
    pub scenarios: Vec<SandboxScenario>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SandboxScenario {
    pub name: String,
    /// Breakpoints: from `day` on, use `r` and `d`. The first must be day 0.
    pub steps: Vec<SandboxStep>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SandboxStep {
    pub day: u32,
    pub r: f64,
    pub d: f64,
}

/// Default config file looked up in the working directory.
pub(crate) const DEFAULT_FILE: &str = "seecovid.toml";

impl Config {
    /// Loads `path`, or `seecovid.toml` if it exists, or the defaults.
    pub(crate) fn load(path: Option<&Path>) -> Result<Self> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from(DEFAULT_FILE);
                if !p.is_file() {
                    return Ok(Self::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("invalid config file {}", path.display()))
    }

    pub(crate) fn parse(text: &str) -> Result<Self> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            // toml's message names the key and line; keep it on one paragraph.
            anyhow::anyhow!("{}", e.to_string().trim().replace('\n', " "))
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if !WINDOW_RANGE.contains(&self.measures.window) {
            bail!(
                "`measures.window` = {} is out of range (1–28 days)",
                self.measures.window
            );
        }
        if self.measures.per_capita == 0 {
            bail!("`measures.per_capita` must be positive");
        }
        check_frame_step(self.build.frame_step)?;
        if self.build.jobs == Some(0) {
            bail!("`build.jobs` must be at least 1");
        }
        for (i, g) in self.compare.groups.iter().enumerate() {
            if g.name.trim().is_empty() {
                bail!("`compare.groups[{i}].name` is empty");
            }
            if g.regions.is_empty() {
                bail!(
                    "`compare.groups[{i}].regions` (group `{}`) is empty",
                    g.name
                );
            }
            if g.regions.len() > 10 {
                bail!(
                    "`compare.groups[{i}].regions` (group `{}`) lists {} regions; at most 10 fit in one chart",
                    g.name,
                    g.regions.len()
                );
            }
        }
        for (i, s) in self.sandbox.scenarios.iter().enumerate() {
            if s.name.trim().is_empty() {
                bail!("`sandbox.scenarios[{i}].name` is empty");
            }
            if s.steps.first().map(|s| s.day) != Some(0) {
                bail!(
                    "`sandbox.scenarios[{i}].steps` (scenario `{}`) must start with a step at day 0",
                    s.name
                );
            }
            for (k, st) in s.steps.iter().enumerate() {
                if !(0.0..=8.0).contains(&st.r) {
                    bail!(
                        "`sandbox.scenarios[{i}].steps[{k}].r` = {} is outside 0–8",
                        st.r
                    );
                }
                if !(1.0..=28.0).contains(&st.d) {
                    bail!(
                        "`sandbox.scenarios[{i}].steps[{k}].d` = {} is outside 1–28 days",
                        st.d
                    );
                }
                if k > 0 && st.day <= s.steps[k - 1].day {
                    bail!(
                        "`sandbox.scenarios[{i}].steps[{k}].day` must be later than the previous step"
                    );
                }
            }
        }
        Ok(())
    }
}

/// Days between heat-map frames: at least 1 (checked once, here, for the config, the flag and
/// the library call).
pub(crate) fn check_frame_step(step: u32) -> Result<()> {
    if step == 0 {
        bail!("`build.frame_step` (--frame-step) must be at least 1 day");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_file() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.measures.window, 7);
        assert_eq!(c.build.frame_step, 7);
    }

    #[test]
    fn unknown_key_is_named() {
        let e = Config::parse("[measures]\nwindoww = 5\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("windoww"), "{e}");
    }

    #[test]
    fn window_range_checked() {
        let e = Config::parse("[measures]\nwindow = 40\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("measures.window"), "{e}");
    }

    #[test]
    fn groups_parse() {
        let c = Config::parse(
            "[[compare.groups]]\nname = \"Nordics\"\nregions = [\"sweden\", \"norway\"]\n",
        )
        .unwrap();
        assert_eq!(c.compare.groups[0].regions.len(), 2);
    }
}
