//! The one place that writes output files. Every file of the site goes through
//! [`Output::write`], which records it in the manifest that `check`, the sitemap and the
//! build summary read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRecord {
    pub bytes: u64,
    pub sha256: [u8; 32],
}

/// A folder being filled with the site; thread-safe.
#[derive(Debug)]
pub struct Output {
    root: PathBuf,
    manifest: Mutex<BTreeMap<String, FileRecord>>,
}

impl Output {
    pub fn new(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create output folder {}", root.display()))?;
        Ok(Self {
            root: root.to_path_buf(),
            manifest: Mutex::new(BTreeMap::new()),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Writes `bytes` to `rel` (a `/`-separated path relative to the site root).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if rel.is_empty()
            || rel.starts_with('/')
            || rel
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
        {
            bail!("internal error: bad output path `{rel}`");
        }
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create folder {}", dir.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        let rec = FileRecord {
            bytes: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
        };
        let prev = self
            .manifest
            .lock()
            .expect("manifest lock")
            .insert(rel.to_string(), rec);
        if prev.is_some() {
            bail!("internal error: `{rel}` written twice");
        }
        Ok(())
    }

    /// Paths written so far, sorted.
    pub fn files(&self) -> Vec<String> {
        self.manifest
            .lock()
            .expect("manifest lock")
            .keys()
            .cloned()
            .collect()
    }

    pub fn manifest(&self) -> BTreeMap<String, FileRecord> {
        self.manifest.lock().expect("manifest lock").clone()
    }

    pub fn total_bytes(&self) -> u64 {
        self.manifest
            .lock()
            .expect("manifest lock")
            .values()
            .map(|r| r.bytes)
            .sum()
    }
}
