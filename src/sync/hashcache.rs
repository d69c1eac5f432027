//! A local cache of file MD5s, so an unchanged re-sync does not read the whole site again.
//! Kept outside the site (`$XDG_CACHE_HOME/seecovid/` or `~/.cache/seecovid/`), keyed by the
//! site folder's absolute path; an entry is trusted only while the file's size, mtime (ns)
//! and inode are unchanged and the file was last modified well before it was hashed (the
//! "racily clean" rule: an edit within the same clock tick as the hashing is not missed).
//! Losing the cache only costs time.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use md5::{Digest, Md5};

const FORMAT: &str = "seecovid-hash-cache/1";
/// Files modified less than this before they were hashed are hashed again next time.
const RACY: Duration = Duration::from_secs(2);

/// What identifies a file's version without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub mtime_ns: i128,
    pub ino: u64,
}

impl Stamp {
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            size: meta.len(),
            mtime_ns: meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128,
            ino: meta.ino(),
        }
    }
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct HashCache {
    format: String,
    /// When the entries were hashed (ns since the epoch): the scan's start.
    hashed_at_ns: i128,
    entries: HashMap<String, (Stamp, String)>,
}

fn now_ns() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as i128)
        .unwrap_or(0)
}

/// The cache file for a site folder, if there is a cache directory.
pub fn path_for(dir: &Path) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    let abs = std::fs::canonicalize(dir).ok()?;
    let id = hex::encode(Md5::digest(abs.as_os_str().as_encoded_bytes()));
    Some(
        base.join("seecovid")
            .join(format!("sync-{}.json", &id[..16])),
    )
}

impl HashCache {
    /// Loads the cache (empty if missing or unreadable).
    pub fn load(path: Option<&Path>) -> HashCache {
        path.and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice::<HashCache>(&b).ok())
            .filter(|c| c.format == FORMAT)
            .unwrap_or_default()
    }

    /// The cached MD5 of `rel`, if its stamp is unchanged and it was not racily hashed.
    pub fn get(&self, rel: &str, stamp: Stamp) -> Option<[u8; 16]> {
        let (s, md5) = self.entries.get(rel)?;
        if *s != stamp || stamp.mtime_ns + RACY.as_nanos() as i128 >= self.hashed_at_ns {
            return None;
        }
        hex::decode(md5).ok()?.try_into().ok()
    }

    /// A new cache with these entries, hashed from `started_ns` on.
    pub fn from_entries(
        started_ns: i128,
        entries: impl IntoIterator<Item = (String, Stamp, [u8; 16])>,
    ) -> HashCache {
        HashCache {
            format: FORMAT.into(),
            hashed_at_ns: started_ns,
            entries: entries
                .into_iter()
                .map(|(rel, stamp, md5)| (rel, (stamp, hex::encode(md5))))
                .collect(),
        }
    }

    /// Writes the cache (atomically); failures are ignored (it is only a cache).
    pub fn save(&self, path: Option<&Path>) {
        let Some(path) = path else { return };
        let Some(parent) = path.parent() else { return };
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if let Ok(bytes) = serde_json::to_vec(self)
            && std::fs::write(&tmp, bytes).is_ok()
            && std::fs::rename(&tmp, path).is_err()
        {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The start time of a scan, for [`HashCache::from_entries`].
pub fn scan_start() -> i128 {
    now_ns()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_trusted_only_when_unchanged_and_not_racy() {
        let old = Stamp {
            size: 3,
            mtime_ns: 1_000_000_000_000,
            ino: 7,
        };
        let c = HashCache::from_entries(
            old.mtime_ns + 10_000_000_000,
            [("a".to_string(), old, [1; 16])],
        );
        assert_eq!(c.get("a", old), Some([1; 16]));
        assert_eq!(c.get("b", old), None);
        assert_eq!(c.get("a", Stamp { size: 4, ..old }), None);
        assert_eq!(
            c.get(
                "a",
                Stamp {
                    mtime_ns: old.mtime_ns + 1,
                    ..old
                }
            ),
            None
        );
        assert_eq!(c.get("a", Stamp { ino: 8, ..old }), None);
        // Modified within the racy window before hashing: hashed again.
        let racy = HashCache::from_entries(
            old.mtime_ns + 1_000_000_000,
            [("a".to_string(), old, [1; 16])],
        );
        assert_eq!(racy.get("a", old), None);
    }

    #[test]
    fn round_trips_through_a_file() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x/cache.json");
        let s = Stamp {
            size: 1,
            mtime_ns: 5,
            ino: 2,
        };
        HashCache::from_entries(10_000_000_000, [("a".to_string(), s, [9; 16])]).save(Some(&p));
        assert_eq!(HashCache::load(Some(&p)).get("a", s), Some([9; 16]));
        assert!(
            HashCache::load(Some(&d.path().join("missing")))
                .entries
                .is_empty()
        );
    }
}
