//! The header search's index, `regions/search-index.js`: every region with its parent, level
//! and population, plus other names people type ("South Korea", "USA", "Harris, TX").
//! `assets/find.js` loads it with a `<script>` element on the first focus of the search box
//! (`fetch` cannot read `file://`), so no page pays for it before the visitor searches.

use anyhow::Result;
use serde::Serialize;

use crate::data::{Dataset, Level, names};

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
    ("korea-south", &["Republic of Korea"]),
    ("korea-north", &["North Korea", "DPRK"]),
    ("czechia", &["Czech Republic"]),
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
];

/// New York City is five counties, its boroughs, each its own JHU row: (region id, borough).
/// The city's name and "NYC" find all five (New York County, Manhattan, the one named after
/// the city, first), each borough's name finds its county, and their pages say so.
pub(crate) const NYC: [(&str, &str); 5] = [
    ("us--new-york--new-york", "Manhattan"),
    ("us--new-york--kings", "Brooklyn"),
    ("us--new-york--queens", "Queens"),
    ("us--new-york--bronx", "The Bronx"),
    ("us--new-york--richmond", "Staten Island"),
];

/// The note on a New York City county's page: the city is five counties, with links to the
/// other four. `None` for every other region.
pub(crate) fn city_note(ds: &Dataset, idx: usize) -> Option<CityNote> {
    let id = ds.regions[idx].id.as_str();
    if !NYC.iter().any(|(b, _)| *b == id) {
        return None;
    }
    let mut counties: Vec<(String, Option<String>, &str)> = NYC
        .iter()
        .filter_map(|(b, borough)| {
            let r = ds.by_id(b)?;
            let href = (r.id != id).then(|| format!("{}.html", r.id));
            let also = if r.name == *borough {
                String::new()
            } else {
                format!(" ({borough})")
            };
            Some((format!("{} County{also}", r.name), href, ", "))
        })
        .collect();
    let n = counties.len();
    for (k, c) in counties.iter_mut().enumerate() {
        c.2 = if k + 1 == n {
            ""
        } else if k + 2 == n {
            " and "
        } else {
            ", "
        };
    }
    Some(CityNote { counties })
}

/// See [`city_note`]: each county as "Kings County (Brooklyn)" with its page (none for the page
/// itself) and the text after it in the list.
#[derive(Serialize)]
pub(crate) struct CityNote {
    counties: Vec<(String, Option<String>, &'static str)>,
}

/// The aliases of a New York City county: exact city names for New York County, "New York
/// City: Brooklyn" and "NYC: Brooklyn" for every borough, and the borough's own name.
fn nyc_aliases(k: usize) -> Vec<String> {
    let borough = NYC[k].1;
    let mut v = if k == 0 {
        vec!["New York City".to_string(), "NYC".to_string()]
    } else {
        Vec::new()
    };
    v.extend([
        format!("New York City: {borough}"),
        format!("NYC: {borough}"),
        borough.to_string(),
    ]);
    v
}

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
    a: Vec<(usize, String)>,
    /// `[region index, code]`.
    c: Vec<(usize, &'a str)>,
}

/// `[region index, alias]`: the names of [`ALIASES`], then the JHU name of every region whose
/// page shows another ("Burma" for Myanmar, "Korea, South"); never the region's own name
/// again (the list would show "South Korea · “South Korea”").
fn aliases(ds: &Dataset, pos: impl Fn(&str) -> Option<usize>) -> Vec<(usize, String)> {
    let listed = ALIASES
        .iter()
        .filter_map(|(id, names)| pos(id).map(|i| names.iter().map(move |n| (i, n.to_string()))))
        .flatten();
    let nyc = NYC
        .iter()
        .enumerate()
        .filter_map(|(k, (id, _))| pos(id).map(|i| nyc_aliases(k).into_iter().map(move |n| (i, n))))
        .flatten();
    let jhu = ds
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| (i, names::jhu_name(r).to_string()));
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, n) in listed.chain(nyc).chain(jhu) {
        let same = |x: &str| x.eq_ignore_ascii_case(&n);
        if !same(&ds.regions[i].name) && !out.iter().any(|(j, m)| *j == i && same(m)) {
            out.push((i, n));
        }
    }
    out
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
    let a = aliases(ds, pos);
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
