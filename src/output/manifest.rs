//! The build manifest (`.seecovid-manifest.json` in the output folder): every file of the site
//! with its size and SHA-256, and every incremental unit with the key it was made from.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// File name of the manifest inside the output folder.
pub const MANIFEST: &str = ".seecovid-manifest.json";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    pub bytes: u64,
    #[serde(with = "hex_bytes")]
    pub sha256: [u8; 32],
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let v = hex::decode(s).map_err(serde::de::Error::custom)?;
        v.try_into()
            .map_err(|_| serde::de::Error::custom("sha256 must be 32 bytes"))
    }
}

/// A group of files made together from one key (the hash of everything they depend on).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct UnitRecord {
    pub key: String,
    pub files: Vec<String>,
    /// Whatever the producer needs to use the unit without rebuilding it (e.g. the heat-map
    /// index), as JSON text (a parsed `Value` per unit cost hundreds of MB).
    #[serde(default)]
    pub meta: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Hash of every input of the whole build (data, config, templates, binary version).
    pub fingerprint: String,
    pub files: BTreeMap<String, FileRecord>,
    pub units: BTreeMap<String, UnitRecord>,
}

/// The part of a manifest a no-op check needs: the fingerprint and the files. Reading only
/// this skips the units' metadata (most of the manifest's 30–40 MB), which dominated the
/// no-op rebuild.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ManifestHead {
    pub fingerprint: String,
    pub files: BTreeMap<String, FileRecord>,
}

impl Manifest {
    /// Reads the manifest of a previous build, if there is a readable one.
    pub fn read(out_dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(out_dir.join(MANIFEST)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Reads the fingerprint and files of a previous build's manifest (see [`ManifestHead`]).
    pub fn read_head(out_dir: &Path) -> Option<ManifestHead> {
        let text = std::fs::read_to_string(out_dir.join(MANIFEST)).ok()?;
        serde_json::from_str(&text).ok()
    }
}
