//! Join keys from the JHU UID lookup table (ISO codes, FIPS, coordinates, JHU names), by UID.
//!
//! The loader (`data::load`) only needs UID, FIPS and population; the downloads also carry the
//! codes analysts join on, so this reads the same file's other columns. Columns that a
//! (fixture) table lacks are simply empty.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Result;

use super::csv::{load_text_table, locate};
use super::{UID_LOOKUP, normalise_fips};

/// One row of the UID table, as the downloads publish it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct JoinKeys {
    pub(crate) iso2: Option<String>,
    pub(crate) iso3: Option<String>,
    /// ISO 3166-1 numeric code of the country (JHU `code3`).
    pub(crate) code3: Option<u32>,
    /// 5-digit county FIPS where the row has `Admin2`, else 2-digit state FIPS.
    pub(crate) fips: Option<String>,
    pub(crate) lat: Option<f64>,
    pub(crate) long: Option<f64>,
    pub(crate) combined_key: Option<String>,
}

fn text(v: &str) -> Option<String> {
    let t = v.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// A coordinate; JHU writes `0.0, 0.0` for rows without a place (Unassigned, Out of …).
fn coord(v: &str) -> Option<f64> {
    v.trim().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Reads the UID table of `dir` into join keys by UID (rows with an unreadable UID are
/// skipped: `data::load` has already rejected such a table).
pub(crate) fn load_join_keys(dir: &Path) -> Result<HashMap<u64, JoinKeys>> {
    let t = load_text_table(&locate(dir, UID_LOOKUP)?, &["UID"])?;
    let col = |name: &str| -> Vec<String> {
        if t.names.iter().any(|n| n == name) {
            t.col(name).to_vec()
        } else {
            vec![String::new(); t.rows()]
        }
    };
    let (uid, iso2, iso3, code3) = (col("UID"), col("iso2"), col("iso3"), col("code3"));
    let (fips, admin2, lat, long, ck) = (
        col("FIPS"),
        col("Admin2"),
        col("Lat"),
        col("Long_"),
        col("Combined_Key"),
    );
    let mut out = HashMap::with_capacity(t.rows());
    for r in 0..t.rows() {
        let Some(u) = uid[r]
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.fract() == 0.0 && *v >= 0.0)
        else {
            continue;
        };
        let width = if admin2[r].trim().is_empty() { 2 } else { 5 };
        let (la, lo) = (coord(&lat[r]), coord(&long[r]));
        // 0,0 is "no place" in JHU's tables, not the Gulf of Guinea.
        let placed = !(la == Some(0.0) && lo == Some(0.0));
        out.insert(
            u as u64,
            JoinKeys {
                iso2: text(&iso2[r]),
                iso3: text(&iso3[r]),
                code3: code3[r]
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.fract() == 0.0 && *v >= 0.0)
                    .map(|v| v as u32),
                fips: normalise_fips(&fips[r], width),
                lat: la.filter(|_| placed),
                long: lo.filter(|_| placed),
                combined_key: text(&ck[r]),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_codes_pads_fips_and_drops_null_island() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(
            dir.join("UID_ISO_FIPS_LookUp_Table.csv"),
            "UID,iso2,iso3,code3,FIPS,Admin2,Province_State,Country_Region,Lat,Long_,Combined_Key,Population\n\
             276,DE,DEU,276,,,,Germany,51.165691,10.451526,Germany,83783945\n\
             84000048,US,USA,840,48.0,,Texas,US,31.0545,-97.5635,\"Texas, US\",28995881\n\
             84001001,US,USA,840,1001.0,Autauga,Alabama,US,32.5,-86.6,\"Autauga, Alabama, US\",55869\n\
             84090001,US,USA,840,90001,Unassigned,Alabama,US,0.0,0.0,\"Unassigned, Alabama, US\",\n",
        )
        .unwrap();
        let k = load_join_keys(dir).unwrap();
        assert_eq!(k[&276].iso3.as_deref(), Some("DEU"));
        assert_eq!(k[&276].code3, Some(276));
        assert_eq!(k[&276].fips, None);
        assert_eq!(k[&84000048].fips.as_deref(), Some("48"));
        assert_eq!(k[&84001001].fips.as_deref(), Some("01001"));
        assert_eq!(k[&84001001].lat, Some(32.5));
        assert_eq!(k[&84090001].lat, None);
        assert_eq!(
            k[&84001001].combined_key.as_deref(),
            Some("Autauga, Alabama, US")
        );
    }
}
