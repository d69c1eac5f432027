//! Every incremental-build key in one place: what each unit of output is made from. A unit
//! whose key is unchanged is reused from the previous build; anything that can change a
//! unit's bytes must be part of its key (the binary's identity covers the code).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::data::Dataset;

/// Hex SHA-256 of a list of byte strings (with length prefixes, so boundaries count).
pub fn key_of(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// The inputs every unit shares: the program and the data files.
#[derive(Debug, Clone)]
pub(crate) struct BaseKeys {
    /// Identifies the program (see [`binary_version`]).
    pub(crate) version: String,
    /// Hash of the JHU input files' bytes.
    pub(crate) data: String,
    /// Hash of WHO's file (empty when the data folder has none): kept apart from `data` so
    /// that a WHO refresh rebuilds only what WHO's numbers appear in.
    pub(crate) who: String,
}

impl BaseKeys {
    pub(crate) fn new(data_dir: &Path) -> Result<Self> {
        Ok(Self {
            version: binary_version(),
            data: data_fingerprint(data_dir)?,
            who: who_fingerprint(data_dir)?,
        })
    }

    /// Everything a build depends on (the output folder and thread count excluded): when the
    /// previous build had the same, the build does nothing.
    pub(crate) fn build(&self, cfg: &Config, templates: &[(String, String)]) -> Result<String> {
        let mut c = cfg.clone();
        c.build.out = PathBuf::new();
        c.build.data = PathBuf::new();
        c.build.jobs = None;
        let cfg_json = serde_json::to_vec(&c)?;
        let mut parts: Vec<&[u8]> = vec![
            self.version.as_bytes(),
            self.data.as_bytes(),
            self.who.as_bytes(),
            &cfg_json,
        ];
        for (n, t) in templates {
            parts.push(n.as_bytes());
            parts.push(t.as_bytes());
        }
        Ok(key_of(&parts))
    }

    /// The heat-map set: data, frame step and scopes.
    pub(crate) fn heatmaps(&self, frame_step: u32, scopes: &[String]) -> String {
        key_of(&[
            self.version.as_bytes(),
            self.data.as_bytes(),
            &frame_step.to_le_bytes(),
            scopes.join(",").as_bytes(),
        ])
    }

    /// One region's charts, CSV and figures (not its page: templates are not part of it).
    pub(crate) fn region(
        &self,
        ds: &Dataset,
        idx: usize,
        window: usize,
        per_capita: u64,
    ) -> Result<String> {
        let r = &ds.regions[idx];
        let ints = |v: &[i64]| -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() };
        let meta = serde_json::to_vec(&(
            &r.id,
            r.full_name(&ds.regions),
            r.level,
            r.population,
            r.source,
            r.series.start,
            window,
            per_capita,
        ))?;
        // Unknown days (docs/data-rules.md §1) as i64::MIN: the key changes with the rules.
        let rec = r
            .series
            .recovered
            .as_deref()
            .map(|v| ints(&v.iter().map(|x| x.unwrap_or(i64::MIN)).collect::<Vec<_>>()))
            .unwrap_or_default();
        Ok(key_of(&[
            self.version.as_bytes(),
            &meta,
            &ints(&r.series.confirmed),
            &ints(&r.series.deaths),
            &[u8::from(r.series.recovered.is_some())],
            &rec,
        ]))
    }

    /// The open-data files (regions.json, latest, the long file, the descriptor): the data
    /// and the window (the per-region CSV rows they repeat are made with it).
    pub(crate) fn opendata(&self, scopes: &[&str]) -> String {
        key_of(&[
            self.version.as_bytes(),
            self.data.as_bytes(),
            scopes.join(",").as_bytes(),
        ])
    }

    /// The open-data files that show WHO's numbers (`latest`, WHO's weekly file, the
    /// descriptor): the JHU key and WHO's file.
    pub(crate) fn opendata_who(&self, scopes: &[&str]) -> String {
        key_of(&[self.opendata(scopes).as_bytes(), self.who.as_bytes()])
    }

    /// Every region's locator map: the program and the region table's structure (ids,
    /// levels, parents, FIPS — what the map joins use), not the case numbers.
    pub(crate) fn locators(&self, ds: &Dataset) -> String {
        let parts: Vec<String> = ds
            .regions
            .iter()
            .map(|r| format!("{}|{:?}|{:?}|{:?}", r.id, r.level, r.parent, r.fips))
            .collect();
        key_of(&[self.version.as_bytes(), parts.join("\n").as_bytes()])
    }

    /// One compare group's images: its file stem, name, members (by id) and the window.
    pub(crate) fn compare_group(
        &self,
        slug: &str,
        name: &str,
        member_ids: &[&str],
        window: usize,
    ) -> String {
        let base = key_of(&[self.version.as_bytes(), self.data.as_bytes()]);
        key_of(&[
            base.as_bytes(),
            slug.as_bytes(),
            name.as_bytes(),
            member_ids.join(",").as_bytes(),
            &window.to_le_bytes(),
        ])
    }
}

/// Identifies the program: its version and the running executable's size and modification
/// time, so a rebuilt binary never reuses output made by another one (reading the 30 MB
/// executable to hash it cost a tenth of a no-op rebuild).
fn binary_version() -> String {
    let meta = std::env::current_exe().and_then(std::fs::metadata).ok();
    let len = meta.as_ref().map_or(0, |m| m.len());
    let mtime = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    key_of(&[
        env!("CARGO_PKG_VERSION").as_bytes(),
        &len.to_le_bytes(),
        &mtime.to_le_bytes(),
    ])
}

/// Hash of the input files' bytes.
fn data_fingerprint(dir: &Path) -> Result<String> {
    let mut parts = Vec::new();
    for stem in crate::data::ALL_INPUTS {
        let p = crate::data::csv::locate(dir, stem)?;
        parts.push(std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?);
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Ok(key_of(&refs))
}

/// Hash of WHO's file, or "" when there is none.
fn who_fingerprint(dir: &Path) -> Result<String> {
    match crate::data::who::locate(dir) {
        None => Ok(String::new()),
        Some(p) => {
            let bytes =
                std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
            Ok(key_of(&[&bytes]))
        }
    }
}
