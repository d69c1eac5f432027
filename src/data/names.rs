//! Display names and pseudo-regions.
//!
//! JHU's file names are kept as written (they stay the region's alias, its id and the name in
//! the CSV downloads); pages show the names readers know ("South Korea", not "Korea, South").
//! Some JHU rows are not places at all — cruise ships, the Olympic Games, "Unknown",
//! "Unassigned", "Out of <state>", repatriated travellers, prisons and military lists — and
//! must not be ranked or listed as countries, provinces or counties.
//!
//! Per-capita rankings also need a population floor: otherwise tiny places (Niue, 1,650
//! people; Petroleum County MT, 487) fill every top 10 with the noise of a few cases.

use super::{Level, Region};

/// Smallest population of a country, province or state in a per-capita ranking.
pub const PER_CAPITA_FLOOR: u64 = 100_000;
/// Smallest population of a US county in a per-capita ranking.
pub const PER_CAPITA_FLOOR_COUNTY: u64 = 10_000;

/// The population floor for per-capita rankings of regions of this level.
pub fn per_capita_floor(level: Level) -> u64 {
    match level {
        Level::UsCounty => PER_CAPITA_FLOOR_COUNTY,
        _ => PER_CAPITA_FLOOR,
    }
}

/// Whether a region may appear in a per-capita ranking (top 10s): a real place with at
/// least its level's population floor.
pub fn ranks_per_capita(r: &Region) -> bool {
    !is_pseudo(r) && r.population.is_some_and(|p| p >= per_capita_floor(r.level))
}

/// The region's own name as the JHU files write it (its alias when the display differs).
pub fn jhu_name(r: &Region) -> &str {
    match r.level {
        Level::Country => &r.country,
        Level::Province | Level::UsState => r.province.as_deref().unwrap_or(&r.name),
        Level::UsCounty => &r.name,
    }
}

/// "Harris, Texas, US" with every part as the JHU files write it (for CSV downloads).
pub fn jhu_full_name(r: &Region, all: &[Region]) -> String {
    let mut s = jhu_name(r).to_string();
    let mut p = r.parent;
    while let Some(i) = p {
        s.push_str(", ");
        s.push_str(jhu_name(&all[i]));
        p = all[i].parent;
    }
    s
}

/// Replaces JHU names by display names (after ids are made from the JHU names, so ids and
/// links do not change).
pub fn apply_display_names(regions: &mut [Region]) {
    for r in regions {
        if r.level != Level::UsCounty {
            let shown = display_name(&r.name);
            if shown != r.name {
                r.name = shown.to_string();
            }
        }
    }
}

/// Whether a region is a pseudo-region (see [`is_pseudo_region`]), by its own JHU name.
pub fn is_pseudo(r: &Region) -> bool {
    is_pseudo_region(jhu_name(r)) || is_pseudo_region(&r.name)
}

/// (JHU name, display name): countries and provinces whose JHU spelling is not the usual one.
pub const DISPLAY_NAMES: &[(&str, &str)] = &[
    ("Korea, South", "South Korea"),
    ("Korea, North", "North Korea"),
    ("Taiwan*", "Taiwan"),
    ("Burma", "Myanmar"),
    ("Congo (Kinshasa)", "DR Congo"),
    ("Congo (Brazzaville)", "Republic of the Congo"),
    ("Cote d'Ivoire", "Côte d'Ivoire"),
    ("Holy See", "Vatican City"),
    ("Micronesia", "Micronesia (Federated States of)"),
    ("Falkland Islands (Malvinas)", "Falkland Islands"),
];

/// The name to show for a JHU name (the name itself when it needs no change).
pub fn display_name(jhu: &str) -> &str {
    DISPLAY_NAMES
        .iter()
        .find(|(j, _)| *j == jhu)
        .map_or(jhu, |(_, d)| d)
}

/// Rows that are not a place: ships, games, and the catch-all rows of unassigned cases.
pub fn is_pseudo_region(jhu: &str) -> bool {
    const EXACT: &[&str] = &[
        "Diamond Princess",
        "Grand Princess",
        "MS Zaandam",
        "Summer Olympics 2020",
        "Winter Olympics 2022",
        "Unknown",
        "Unassigned",
        "Repatriated Travellers",
        "Federal Correctional Institution (FCI)",
        "Michigan Department of Corrections (MDOC)",
        "US Military",
        "Veteran Hospitals",
        "Federal Bureau of Prisons",
        "Recovered",
    ];
    EXACT.contains(&jhu) || jhu.starts_with("Out of ")
}

/// The postal code of a US state or territory (county labels on the maps, search codes).
pub(crate) fn state_abbrev(state: &str) -> Option<&'static str> {
    const T: [(&str, &str); 56] = [
        ("Alabama", "AL"),
        ("Alaska", "AK"),
        ("Arizona", "AZ"),
        ("Arkansas", "AR"),
        ("California", "CA"),
        ("Colorado", "CO"),
        ("Connecticut", "CT"),
        ("Delaware", "DE"),
        ("District of Columbia", "DC"),
        ("Florida", "FL"),
        ("Georgia", "GA"),
        ("Hawaii", "HI"),
        ("Idaho", "ID"),
        ("Illinois", "IL"),
        ("Indiana", "IN"),
        ("Iowa", "IA"),
        ("Kansas", "KS"),
        ("Kentucky", "KY"),
        ("Louisiana", "LA"),
        ("Maine", "ME"),
        ("Maryland", "MD"),
        ("Massachusetts", "MA"),
        ("Michigan", "MI"),
        ("Minnesota", "MN"),
        ("Mississippi", "MS"),
        ("Missouri", "MO"),
        ("Montana", "MT"),
        ("Nebraska", "NE"),
        ("Nevada", "NV"),
        ("New Hampshire", "NH"),
        ("New Jersey", "NJ"),
        ("New Mexico", "NM"),
        ("New York", "NY"),
        ("North Carolina", "NC"),
        ("North Dakota", "ND"),
        ("Ohio", "OH"),
        ("Oklahoma", "OK"),
        ("Oregon", "OR"),
        ("Pennsylvania", "PA"),
        ("Rhode Island", "RI"),
        ("South Carolina", "SC"),
        ("South Dakota", "SD"),
        ("Tennessee", "TN"),
        ("Texas", "TX"),
        ("Utah", "UT"),
        ("Vermont", "VT"),
        ("Virginia", "VA"),
        ("Washington", "WA"),
        ("West Virginia", "WV"),
        ("Wisconsin", "WI"),
        ("Wyoming", "WY"),
        ("Puerto Rico", "PR"),
        ("Guam", "GU"),
        ("Virgin Islands", "VI"),
        ("American Samoa", "AS"),
        ("Northern Mariana Islands", "MP"),
    ];
    T.iter().find(|t| t.0 == state).map(|t| t.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_and_pseudo_regions() {
        assert_eq!(display_name("Korea, South"), "South Korea");
        assert_eq!(display_name("Taiwan*"), "Taiwan");
        assert_eq!(display_name("Germany"), "Germany");
        for p in [
            "Diamond Princess",
            "Summer Olympics 2020",
            "Unknown",
            "Out of TX",
        ] {
            assert!(is_pseudo_region(p), "{p}");
        }
        for p in ["Hubei", "Ontario", "Harris", "Outagamie"] {
            assert!(!is_pseudo_region(p), "{p}");
        }
    }
}
