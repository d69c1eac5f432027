//! The header search's index, `regions/search-index.js`: every region with its parent, level
//! and population, plus other names people type ("South Korea", "USA", "Harris, TX").
//! `assets/find.js` loads it with a `<script>` element on the first focus of the search box
//! (`fetch` cannot read `file://`), so no page pays for it before the visitor searches.

use anyhow::Result;
use serde::Serialize;

use crate::data::{Dataset, Level};

/// Where the index is written, relative to the site root.
pub(crate) const INDEX_PATH: &str = "regions/search-index.js";
/// The function the index file calls (defined by `assets/find.js`).
const CALLBACK: &str = "seecovidSearchIndex";

/// Other names of regions, by region id. Ranked like the region's own name (an exact alias
/// is an exact match). Ids that are not in the data (fixtures, renamed regions) are skipped.
const ALIASES: &[(&str, &[&str])] = &[
    (
        "us",
        &[
            "USA",
            "U.S.",
            "U.S.A.",
            "United States",
            "United States of America",
            "America",
        ],
    ),
    (
        "united-kingdom",
        &["UK", "U.K.", "Great Britain", "Britain"],
    ),
    ("korea-south", &["South Korea", "Republic of Korea"]),
    ("korea-north", &["North Korea", "DPRK"]),
    ("czechia", &["Czech Republic"]),
    ("burma", &["Myanmar"]),
    (
        "congo-kinshasa",
        &["Democratic Republic of the Congo", "DR Congo", "DRC"],
    ),
    ("congo-brazzaville", &["Republic of the Congo"]),
    ("cote-d-ivoire", &["Ivory Coast"]),
    ("cabo-verde", &["Cape Verde"]),
    ("eswatini", &["Swaziland"]),
    ("north-macedonia", &["Macedonia"]),
    ("holy-see", &["Vatican", "Vatican City"]),
    ("timor-leste", &["East Timor"]),
    ("west-bank-and-gaza", &["Palestine"]),
    ("united-arab-emirates", &["UAE"]),
    ("netherlands", &["Holland"]),
    ("turkey", &["Türkiye"]),
    ("russia", &["Russian Federation"]),
    ("bosnia-and-herzegovina", &["Bosnia"]),
    ("micronesia", &["Federated States of Micronesia"]),
    ("saint-kitts-and-nevis", &["St Kitts and Nevis"]),
    ("saint-lucia", &["St Lucia"]),
    ("saint-vincent-and-the-grenadines", &["St Vincent"]),
    (
        "us--district-of-columbia",
        &["Washington DC", "Washington, D.C."],
    ),
    // New York City is five counties (its boroughs), each its own JHU row; the city's
    // name finds New York County (Manhattan), the one named after it, first.
    ("us--new-york--new-york", &["New York City", "Manhattan"]),
    (
        "us--new-york--kings",
        &["Brooklyn", "New York City: Brooklyn"],
    ),
    ("us--new-york--queens", &["New York City: Queens"]),
    (
        "us--new-york--bronx",
        &["The Bronx", "New York City: Bronx"],
    ),
    (
        "us--new-york--richmond",
        &["Staten Island", "New York City: Staten Island"],
    ),
];

/// Postal codes of Canadian provinces and Australian states (US states' come from
/// [`crate::data::names::state_abbrev`]). Codes rank below names and aliases (so "ca" finds
/// Canada before California) and qualify a name after a comma ("London, ON").
const CODES: &[(&str, &str)] = &[
    ("canada--alberta", "AB"),
    ("canada--british-columbia", "BC"),
    ("canada--manitoba", "MB"),
    ("canada--new-brunswick", "NB"),
    ("canada--newfoundland-and-labrador", "NL"),
    ("canada--northwest-territories", "NT"),
    ("canada--nova-scotia", "NS"),
    ("canada--nunavut", "NU"),
    ("canada--ontario", "ON"),
    ("canada--prince-edward-island", "PE"),
    ("canada--quebec", "QC"),
    ("canada--saskatchewan", "SK"),
    ("canada--yukon", "YT"),
    ("australia--australian-capital-territory", "ACT"),
    ("australia--new-south-wales", "NSW"),
    ("australia--northern-territory", "NT"),
    ("australia--queensland", "QLD"),
    ("australia--south-australia", "SA"),
    ("australia--tasmania", "TAS"),
    ("australia--victoria", "VIC"),
    ("australia--western-australia", "WA"),
];

/// Index order of [`Level`] in the file (`levels[k]` is its label).
fn level_no(l: Level) -> u8 {
    match l {
        Level::Country => 0,
        Level::Province => 1,
        Level::UsState => 2,
        Level::UsCounty => 3,
    }
}

/// One region: `[id, name, parent index or -1, level, population or 0]`.
type Row<'a> = (&'a str, &'a str, i64, u8, u64);

#[derive(Serialize)]
struct Index<'a> {
    levels: [&'static str; 4],
    r: Vec<Row<'a>>,
    /// `[region index, alias]`.
    a: Vec<(usize, &'a str)>,
    /// `[region index, code]`.
    c: Vec<(usize, &'a str)>,
}

/// The index file's text: one call of `seecovidSearchIndex({...})`.
pub(crate) fn index_js(ds: &Dataset) -> Result<String> {
    let pos = |id: &str| ds.regions.iter().position(|r| r.id == id);
    let r: Vec<Row> = ds
        .regions
        .iter()
        .map(|r| {
            (
                r.id.as_str(),
                r.name.as_str(),
                r.parent.map_or(-1, |p| p as i64),
                level_no(r.level),
                r.population.unwrap_or(0),
            )
        })
        .collect();
    let a: Vec<(usize, &str)> = ALIASES
        .iter()
        .filter_map(|(id, names)| pos(id).map(|i| names.iter().map(move |n| (i, *n))))
        .flatten()
        .collect();
    let mut c: Vec<(usize, &str)> = ds
        .regions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.level == Level::UsState)
        .filter_map(|(i, r)| crate::data::names::state_abbrev(&r.name).map(|s| (i, s)))
        .collect();
    c.extend(
        CODES
            .iter()
            .filter_map(|(id, code)| pos(id).map(|i| (i, *code))),
    );
    let index = Index {
        levels: [
            Level::Country.label(),
            Level::Province.label(),
            Level::UsState.label(),
            Level::UsCounty.label(),
        ],
        r,
        a,
        c,
    };
    Ok(format!("{CALLBACK}({});\n", serde_json::to_string(&index)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every alias and code names a region of the bundled data: a typo in an id would
    /// silently drop it.
    #[test]
    fn every_alias_names_a_bundled_region() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/data");
        let ds = crate::data::load(&dir, &mut crate::diag::Diagnostics::default()).unwrap();
        for id in ALIASES.iter().map(|a| a.0).chain(CODES.iter().map(|c| c.0)) {
            assert!(
                ds.by_id(id).is_some(),
                "{id} is not a region of the bundled data"
            );
        }
        let js = index_js(&ds).unwrap();
        let json = js
            .strip_prefix("seecovidSearchIndex(")
            .and_then(|s| s.strip_suffix(");\n"))
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["r"].as_array().unwrap().len(), ds.regions.len());
        // Every US state with a postal code has it ("Harris, TX").
        let codes = v["c"].as_array().unwrap();
        let texas = ds.regions.iter().position(|r| r.id == "us--texas").unwrap();
        assert!(codes.iter().any(|c| c[0] == texas && c[1] == "TX"));
        assert_eq!(
            codes.len(),
            CODES.len()
                + ds.regions
                    .iter()
                    .filter(|r| r.level == Level::UsState)
                    .filter(|r| crate::data::names::state_abbrev(&r.name).is_some())
                    .count()
        );
    }
}
