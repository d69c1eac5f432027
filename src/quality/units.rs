//! US counties whose cases are reported in another row (Utah's health districts, Dukes and
//! Nantucket, three Alaska units): `assets/geo/us-reporting-units.csv`, one row per member
//! county with a shape.

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};

/// The bundled table (copied from the data bundle so a clone builds offline).
pub const TABLE: &str = include_str!("../../assets/geo/us-reporting-units.csv");

/// One reporting unit: the JHU rows that hold its cases and the county shapes they cover.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportingUnit {
    pub state: String,
    /// Name as the site shows it ("Southwest Utah", "Chugach + Copper River").
    pub name: String,
    /// JHU UIDs of the rows that hold the unit's counts (two for Chugach + Copper River).
    pub uids: Vec<u64>,
    pub population: u64,
    /// Member counties: (name, 5-digit FIPS of the shape).
    pub members: Vec<(String, String)>,
}

/// Parses the table; rows of one unit are grouped in file order.
pub fn parse(text: &str) -> Result<Vec<ReportingUnit>> {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    const HEADER: &str =
        "state,unit,unit_uid,unit_fips,unit_population,county,county_fips,county_population";
    if header.trim() != HEADER {
        bail!("us-reporting-units.csv: header is `{header}`, expected `{HEADER}`");
    }
    let mut units: BTreeMap<String, ReportingUnit> = BTreeMap::new();
    let mut order = Vec::new();
    for (n, line) in lines.enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let c: Vec<&str> = line.split(',').collect();
        if c.len() != 8 {
            bail!(
                "us-reporting-units.csv line {}: {} fields, expected 8",
                n + 2,
                c.len()
            );
        }
        let uids = c[2]
            .split(';')
            .map(|u| u.trim().parse::<u64>())
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("us-reporting-units.csv line {}: unit_uid", n + 2))?;
        let population = c[4]
            .trim()
            .parse()
            .with_context(|| format!("us-reporting-units.csv line {}: unit_population", n + 2))?;
        let key = format!("{}|{}", c[0], c[1]);
        let u = units.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            ReportingUnit {
                state: c[0].to_string(),
                name: c[1].to_string(),
                uids,
                population,
                members: Vec::new(),
            }
        });
        u.members.push((c[5].to_string(), c[6].trim().to_string()));
    }
    Ok(order.into_iter().filter_map(|k| units.remove(&k)).collect())
}

/// The bundled table, parsed.
pub fn bundled() -> Vec<ReportingUnit> {
    parse(TABLE).expect("the bundled us-reporting-units.csv parses (unit test)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_table_has_the_documented_units() {
        let u = bundled();
        let names: Vec<&str> = u.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Bear River",
                "Central Utah",
                "Southeast Utah",
                "Southwest Utah",
                "TriCounty",
                "Weber-Morgan",
                "Dukes and Nantucket",
                "Bristol Bay plus Lake and Peninsula",
                "Yakutat plus Hoonah-Angoon",
                "Chugach + Copper River",
            ]
        );
        let sw = &u[3];
        assert_eq!(sw.uids, vec![84070018]);
        assert_eq!(sw.population, 252_042);
        assert!(sw.members.contains(&("Washington".into(), "49053".into())));
        assert_eq!(u[9].uids, vec![84002063, 84002066]);
        assert_eq!(
            u[9].members,
            vec![("Valdez-Cordova".into(), "02261".into())]
        );
        // 22 Utah counties are reported in a district.
        let utah: usize = u
            .iter()
            .filter(|u| u.state == "Utah")
            .map(|u| u.members.len())
            .sum();
        assert_eq!(utah, 22);
    }

    #[test]
    fn bad_tables_are_errors() {
        assert!(parse("a,b\n").is_err());
        let h =
            "state,unit,unit_uid,unit_fips,unit_population,county,county_fips,county_population\n";
        assert!(parse(&format!("{h}Utah,X,notanumber,,5,C,49001,1\n")).is_err());
        assert!(parse(&format!("{h}Utah,X,1,,5,C\n")).is_err());
    }
}
