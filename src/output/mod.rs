//! The output layer every stage writes through. Every file of the site goes through
//! [`Output::write`], which records it in the manifest that `check`, the sitemap, incremental
//! builds and the build summary read.
//!
//! Incremental builds: the previous build's manifest (`.seecovid-manifest.json` in the output
//! folder) lists every file with its SHA-256 and every *unit* (a group of files made together,
//! e.g. one region page with its charts and CSV) with the key of what it was made from
//! ([`keys`] has every key). A file whose bytes did not change, or a unit whose key did not
//! change, is hard-linked from the previous output into the staging folder instead of being
//! written: same inode, same mtime, and the previous folder itself is never modified (a failed
//! build leaves it exactly as it was; [`staged`] does the swap).

pub(crate) mod csv;
pub mod keys;
pub mod manifest;
pub(crate) mod staged;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

pub use self::keys::key_of;
pub use self::manifest::{FileRecord, MANIFEST, Manifest, ManifestHead, UnitRecord};

/// A folder being filled with the site; thread-safe.
#[derive(Debug)]
pub struct Output {
    root: PathBuf,
    prev_root: PathBuf,
    prev: Manifest,
    manifest: Mutex<BTreeMap<String, FileRecord>>,
    units: Mutex<BTreeMap<String, UnitRecord>>,
    written: AtomicUsize,
    linked: AtomicUsize,
}

impl Output {
    /// `root` is the staging folder; `prev_root` the previous output (may not exist).
    pub fn new(root: &Path, prev_root: &Path, prev: Option<Manifest>) -> Result<Self> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create output folder {}", root.display()))?;
        Ok(Self {
            root: root.to_path_buf(),
            prev_root: prev_root.to_path_buf(),
            prev: prev.unwrap_or_default(),
            manifest: Mutex::new(BTreeMap::new()),
            units: Mutex::new(BTreeMap::new()),
            written: AtomicUsize::new(0),
            linked: AtomicUsize::new(0),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn check_rel(rel: &str) -> Result<()> {
        if rel.is_empty()
            || rel.starts_with('/')
            || rel
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
        {
            bail!("internal error: bad output path `{rel}`");
        }
        Ok(())
    }

    fn record(&self, rel: &str, rec: FileRecord) -> Result<()> {
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

    fn ensure_parent(path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create folder {}", dir.display()))?;
        }
        Ok(())
    }

    /// Hard-links the previous build's `rel` into the staging folder.
    fn link_prev(&self, rel: &str) -> Result<()> {
        let path = self.root.join(rel);
        Self::ensure_parent(&path)?;
        let from = self.prev_root.join(rel);
        std::fs::hard_link(&from, &path)
            .or_else(|_| std::fs::copy(&from, &path).map(|_| ()))
            .with_context(|| format!("cannot reuse {} as {}", from.display(), path.display()))?;
        self.linked.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Writes `bytes` to `rel` (a `/`-separated path relative to the site root), or reuses the
    /// previous build's identical file.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        Self::check_rel(rel)?;
        let rec = FileRecord {
            bytes: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
        };
        if self.prev.files.get(rel) == Some(&rec) && self.prev_root.join(rel).is_file() {
            self.link_prev(rel)?;
        } else {
            let path = self.root.join(rel);
            Self::ensure_parent(&path)?;
            std::fs::write(&path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            self.written.fetch_add(1, Ordering::Relaxed);
        }
        self.record(rel, rec)
    }

    /// Produces the unit `name` from `key`: reuses the previous build's files when the key is
    /// unchanged (returning its `meta`), otherwise runs `make`, which writes its files with
    /// [`Output::write`] and returns the unit's `meta` and the files it wrote.
    /// Returns `(meta, rebuilt)`.
    pub fn unit(
        &self,
        name: &str,
        key: &str,
        make: impl FnOnce() -> Result<(String, Vec<String>)>,
    ) -> Result<(String, bool)> {
        if let Some(u) = self.prev.units.get(name)
            && u.key == key
            && u.files
                .iter()
                .all(|f| self.prev.files.contains_key(f) && self.prev_root.join(f).is_file())
        {
            for f in &u.files {
                self.link_prev(f)?;
                self.record(f, self.prev.files[f].clone())?;
            }
            self.units
                .lock()
                .expect("units lock")
                .insert(name.to_string(), u.clone());
            return Ok((u.meta.clone(), false));
        }
        let (meta, mut files) = make()?;
        files.sort();
        self.units.lock().expect("units lock").insert(
            name.to_string(),
            UnitRecord {
                key: key.to_string(),
                files,
                meta: meta.clone(),
            },
        );
        Ok((meta, true))
    }

    /// [`Output::unit`] with typed metadata: `make` returns the value and the files it wrote;
    /// the value is kept as JSON in the manifest and read back when the unit is reused (one
    /// round trip for every kind of unit, so a reused unit and a fresh one look the same).
    /// Returns `(value, rebuilt)`.
    pub fn unit_json<T: Serialize + DeserializeOwned>(
        &self,
        name: &str,
        key: &str,
        make: impl FnOnce() -> Result<(T, Vec<String>)>,
    ) -> Result<(T, bool)> {
        let (meta, rebuilt) = self.unit(name, key, || {
            let (value, files) = make()?;
            Ok((serde_json::to_string(&value)?, files))
        })?;
        let value = serde_json::from_str(&meta).with_context(|| {
            format!("the previous build's data for `{name}` is unreadable (use --force)")
        })?;
        Ok((value, rebuilt))
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

    /// (files written, files reused unchanged from the previous build).
    pub fn counts(&self) -> (usize, usize) {
        (
            self.written.load(Ordering::Relaxed),
            self.linked.load(Ordering::Relaxed),
        )
    }

    /// Writes the manifest (not listed in itself) into the staging folder.
    pub fn finish(&self, fingerprint: &str) -> Result<()> {
        let m = Manifest {
            fingerprint: fingerprint.to_string(),
            files: self.manifest(),
            units: self.units.lock().expect("units lock").clone(),
        };
        let path = self.root.join(MANIFEST);
        std::fs::write(&path, serde_json::to_vec(&m)?)
            .with_context(|| format!("cannot write {}", path.display()))
    }
}
