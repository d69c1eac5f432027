//! `data/datapackage.json`: a Frictionless Data (tabular) package descriptor for the
//! downloads, with a table schema for each file — field names, types, units, missing values,
//! primary and foreign keys — so standard tools (`frictionless validate`) check them.
//! Paths are relative to `data/`, where the descriptor lives.

use serde_json::{Value, json};

use crate::data::Dataset;

/// A field: name, type, description, and unit (a custom property; Table Schema has none).
fn field(name: &str, ty: &str, description: &str, unit: Option<&str>) -> Value {
    let mut f = json!({"name": name, "type": ty, "description": description});
    if let Some(u) = unit {
        f["unit"] = json!(u);
    }
    f
}

fn with(mut f: Value, key: &str, v: Value) -> Value {
    f[key] = v;
    f
}

const LEVELS: [&str; 4] = ["country", "province", "us_state", "us_county"];

fn id_field(description: &str) -> Value {
    with(
        field("id", "string", description, None),
        "constraints",
        json!({"required": true, "pattern": "[a-z0-9-]+"}),
    )
}

fn level_field() -> Value {
    with(
        field(
            "level",
            "string",
            "country, province (province or state of a country outside the US), us_state or us_county",
            None,
        ),
        "constraints",
        json!({"required": true, "enum": LEVELS}),
    )
}

fn population_field() -> Value {
    with(
        field(
            "population",
            "integer",
            "Population from the JHU UID lookup table; empty where it has none (no per-capita values then)",
            Some("people"),
        ),
        "constraints",
        json!({"minimum": 1}),
    )
}

/// The columns of a per-region CSV (`regions::CSV_HEADER`, in order).
pub(crate) fn region_fields() -> Value {
    let cum = |n: &str, what: &str| {
        field(
            n,
            "integer",
            &format!("Cumulative {what} on this date, as published by JHU CSSE"),
            Some("people"),
        )
    };
    let new = |n: &str, what: &str| {
        field(
            n,
            "integer",
            &format!(
                "Change of {what} since the previous date (the first date: the total itself); negative on correction days"
            ),
            Some("people per day"),
        )
    };
    json!([
        with(
            field("date", "date", "Calendar date (ISO 8601)", None),
            "constraints",
            json!({"required": true})
        ),
        cum("confirmed", "confirmed cases"),
        cum("deaths", "deaths"),
        field(
            "recovered",
            "integer",
            "Cumulative recovered; empty where JHU did not publish it (after 2021-08-04, US regions, and wherever it is unknown)",
            Some("people")
        ),
        field(
            "active",
            "integer",
            "confirmed − recovered − deaths, at least 0; empty where recovered is empty",
            Some("people")
        ),
        new("new_confirmed", "confirmed"),
        new("new_deaths", "deaths"),
        new(
            "new_recovered",
            "recovered (empty where recovered is empty)"
        ),
        new("new_active", "active (empty where active is empty)"),
        smoothed("new_confirmed_smoothed", "new_confirmed"),
        smoothed("new_deaths_smoothed", "new_deaths"),
    ])
}

/// A smoothed daily column of the region CSVs (docs/data-rules.md §4–5).
fn smoothed(name: &str, of: &str) -> Value {
    field(
        name,
        "number",
        &format!(
            "{of} as the averages use it: a report that follows days without one spread evenly over those days and its own, a backlog's excess left out, rounded to 2 decimals; empty where the day is left out (seam, correction, moved counts) or unknown (not reporting, reported at state level only, a report not in yet at the end)"
        ),
        Some("people per day"),
    )
}

/// The status columns (`quality::Status`): a value is given only where `reported`.
pub(crate) fn status_field(name: &str, of: &str) -> Value {
    with(
        field(
            name,
            "string",
            &format!("What the {of} values are on this date; they are empty unless reported"),
            None,
        ),
        "constraints",
        json!({"required": true, "enum": ["reported", "not_reporting", "state_level_only", "in_district", "no_data"]}),
    )
}

fn regions_fields() -> Value {
    let text = |n: &str, d: &str| field(n, "string", d, None);
    json!([
        id_field("Stable region id (the page and CSV names)"),
        with(
            text("name", "Display name"),
            "constraints",
            json!({"required": true})
        ),
        level_field(),
        text("parent", "id of the parent region; empty for countries"),
        population_field(),
        text("page", "Path of the region page, from the site root"),
        text("csv", "Path of the region CSV, from the site root"),
        field(
            "uid",
            "integer",
            "JHU CSSE UID (for countries the ISO 3166-1 numeric code; JHU's own codes for ships and territories)",
            None
        ),
        with(
            text("iso2", "ISO 3166-1 alpha-2 code (JHU iso2)"),
            "constraints",
            json!({"pattern": "[A-Z]{2}"})
        ),
        with(
            text("iso3", "ISO 3166-1 alpha-3 code (JHU iso3; XKS for Kosovo)"),
            "constraints",
            json!({"pattern": "[A-Z]{3}"})
        ),
        field(
            "code3",
            "integer",
            "ISO 3166-1 numeric code of the country (JHU code3)",
            None
        ),
        with(
            text(
                "fips",
                "US FIPS code: 2 digits for states and territories, 5 digits for counties (JHU also uses 5-digit codes for Unassigned/Out of … rows); empty outside the US"
            ),
            "constraints",
            json!({"pattern": "[0-9]{2}|[0-9]{5}"})
        ),
        field(
            "lat",
            "number",
            "Latitude of the JHU reference point",
            Some("degrees north (WGS 84)")
        ),
        field(
            "long",
            "number",
            "Longitude of the JHU reference point (JHU Long_)",
            Some("degrees east (WGS 84)")
        ),
        text("country_region", "JHU Country_Region (Country/Region)"),
        text(
            "province_state",
            "JHU Province_State (Province/State); empty for countries"
        ),
        text(
            "admin2",
            "JHU Admin2 (US county name); empty above county level"
        ),
        text("combined_key", "JHU Combined_Key"),
    ])
}

fn latest_fields() -> Value {
    let mut fields = jhu_latest_fields();
    if let Value::Array(v) = &mut fields {
        v.extend(who_latest_fields());
    }
    fields
}

/// The columns of `latest` from JHU's data.
fn jhu_latest_fields() -> Value {
    let avg = |n: &str, what: &str| {
        field(
            n,
            "number",
            &format!(
                "Mean of new_{what}_smoothed over the region's last 7 dates (the days left out or unknown skipped), rounded to 2 decimals: the number the site shows; empty unless the status is reported"
            ),
            Some("people per day"),
        )
    };
    let pc = |n: &str, of: &str, unit: &str| {
        field(
            n,
            "number",
            &format!(
                "{of} × 100,000 / population (rounded to 4 decimals); empty without a population"
            ),
            Some(unit),
        )
    };
    json!([
        id_field("Region id (regions.json)"),
        field("name", "string", "Display name", None),
        level_field(),
        population_field(),
        with(
            field("date", "date", "The region's last date", None),
            "constraints",
            json!({"required": true})
        ),
        field(
            "confirmed",
            "integer",
            "Cumulative confirmed cases on that date",
            Some("people")
        ),
        field(
            "deaths",
            "integer",
            "Cumulative deaths on that date",
            Some("people")
        ),
        avg("new_confirmed_7d", "confirmed"),
        avg("new_deaths_7d", "deaths"),
        pc(
            "confirmed_per_100k",
            "confirmed",
            "people per 100,000 people"
        ),
        pc("deaths_per_100k", "deaths", "people per 100,000 people"),
        pc(
            "new_confirmed_7d_per_100k",
            "new_confirmed_7d",
            "people per day per 100,000 people"
        ),
        pc(
            "new_deaths_7d_per_100k",
            "new_deaths_7d",
            "people per day per 100,000 people"
        ),
        status_field("confirmed_status", "new confirmed"),
        status_field("deaths_status", "new deaths"),
    ])
}

/// The `who_` columns of `latest`: each country's last WHO week.
fn who_latest_fields() -> Vec<Value> {
    vec![
        field(
            "who_week",
            "date",
            "WHO: the region's last week with a report of cases or deaths (the week's Sunday; the week runs Monday to Sunday); empty where WHO has no entity for the region",
            None,
        ),
        field(
            "who_new_cases",
            "integer",
            "WHO: new cases reported for that week; empty when none was reported (negative: a correction)",
            Some("people per week"),
        ),
        field(
            "who_new_deaths",
            "integer",
            "WHO: new deaths reported for that week; empty when none was reported (negative: a correction)",
            Some("people per week"),
        ),
        field(
            "who_cumulative_cases",
            "integer",
            "WHO: cumulative cases at that week",
            Some("people"),
        ),
        field(
            "who_cumulative_deaths",
            "integer",
            "WHO: cumulative deaths at that week",
            Some("people"),
        ),
        field(
            "who_cases_not_reporting_since",
            "date",
            "WHO: first week of the region's silent tail of cases (not reporting since then; docs/data-rules.md §8); empty while it reports",
            None,
        ),
        field(
            "who_deaths_not_reporting_since",
            "date",
            "WHO: the same for deaths",
            None,
        ),
    ]
}

/// The columns of `data/who/weekly.csv` (`site::who::WEEKLY_COLUMNS`).
fn who_weekly_fields() -> Value {
    let status = |n: &str, what: &str| {
        with(
            field(
                n,
                "string",
                &format!(
                    "What the week's {what} value is: reported, correction (negative), no_report (empty cell) or not_reporting (inside a silent tail, docs/data-rules.md §8)"
                ),
                None,
            ),
            "constraints",
            json!({"required": true, "enum": ["reported", "correction", "no_report", "not_reporting"]}),
        )
    };
    let flag = |n: &str, what: &str| {
        with(
            field(
                n,
                "boolean",
                &format!(
                    "true when WHO has a {what} value for the week that counts (reported or correction)"
                ),
                None,
            ),
            "constraints",
            json!({"required": true}),
        )
    };
    json!([
        with(
            field(
                "who_code",
                "string",
                "WHO's Country_code: ISO 3166-1 alpha-2, XK (Kosovo) or XXF…XXL (international conveyances)",
                None
            ),
            "constraints",
            json!({"required": true, "pattern": "[A-Z]{2}|XX[A-Z]"}),
        ),
        field(
            "iso2",
            "string",
            "ISO 3166-1 alpha-2 code; empty for conveyances",
            None
        ),
        field(
            "iso3",
            "string",
            "ISO 3166-1 alpha-3 code (from JHU's UID table); empty where it has none",
            None
        ),
        field(
            "region_id",
            "string",
            "The site's region for this entity (regions.json), joined by ISO code; empty where the site has none",
            None
        ),
        field("name", "string", "Name (WHO's, broken accents fixed)", None),
        with(
            field(
                "week",
                "date",
                "The week's Sunday; the row covers Monday to Sunday",
                None
            ),
            "constraints",
            json!({"required": true}),
        ),
        field(
            "new_cases",
            "integer",
            "New cases reported for the week as WHO publishes them; empty = no report (not 0); negative = a correction",
            Some("people per week")
        ),
        field(
            "cumulative_cases",
            "integer",
            "Cumulative cases (WHO)",
            Some("people")
        ),
        flag("cases_reported", "cases"),
        status("cases_status", "cases"),
        field(
            "new_deaths",
            "integer",
            "New deaths reported for the week; empty = no report (not 0); negative = a correction",
            Some("people per week")
        ),
        field(
            "cumulative_deaths",
            "integer",
            "Cumulative deaths (WHO)",
            Some("people")
        ),
        flag("deaths_reported", "deaths"),
        status("deaths_status", "deaths"),
    ])
}

/// The columns of `heatmaps/<scope>/frames.csv.gz` (`heatmap::frames`).
fn frames_fields() -> Value {
    let count = |n: &str, what: &str| {
        field(
            n,
            "integer",
            &format!(
                "Cumulative {what} as last reported on that date (what the total maps draw); empty for a county counted in a district"
            ),
            Some("people"),
        )
    };
    let avg = |n: &str, what: &str| {
        field(
            n,
            "number",
            &format!(
                "7-day average of new {what} per day (what the new-per-day maps draw; docs/data-rules.md §4–5), 2 decimals; empty unless the status is reported"
            ),
            Some("people per day"),
        )
    };
    json!([
        with(
            field("date", "date", "Frame date", None),
            "constraints",
            json!({"required": true})
        ),
        with(
            field("region_id", "string", "Region id (regions.json)", None),
            "constraints",
            json!({"required": true, "pattern": "[a-z0-9-]+"}),
        ),
        count("confirmed", "confirmed cases"),
        count("deaths", "deaths"),
        avg("confirmed_new_7d", "confirmed cases"),
        avg("deaths_new_7d", "deaths"),
        status_field("confirmed_status", "new confirmed"),
        status_field("deaths_status", "new deaths"),
    ])
}

fn to_regions(field: &str) -> Value {
    json!({"fields": field, "reference": {"resource": "regions", "fields": "id"}})
}

fn main_resources() -> Vec<Value> {
    let latest_schema = json!({
        "fields": latest_fields(),
        "missingValues": [""],
        "primaryKey": ["id"],
        "foreignKeys": [to_regions("id")],
    });
    let mut long_fields = vec![id_field("Region id (regions.json)")];
    long_fields.extend(region_fields().as_array().cloned().unwrap_or_default());
    vec![
        resource(
            "regions",
            "regions.json",
            "Every region with its page, CSV and join keys",
            json!({
                "fields": regions_fields(),
                "primaryKey": ["id"],
                "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}],
            }),
        ),
        resource(
            "latest",
            "latest.json",
            "One row per region: last date, totals, 7-day averages, per 100,000",
            latest_schema.clone(),
        ),
        resource(
            "latest-csv",
            "latest.csv",
            "latest.json as CSV",
            latest_schema,
        ),
        resource(
            "all-regions",
            "all-regions.csv.gz",
            "Every region and date in one long file (the rows of all per-region CSVs)",
            json!({
                "fields": long_fields,
                "missingValues": [""],
                "primaryKey": ["id", "date"],
                "foreignKeys": [to_regions("id")],
            }),
        ),
        resource(
            "who-weekly",
            "who/weekly.csv",
            "WHO's weekly reports: one row per WHO entity (country, territory, area or conveyance) and week",
            json!({
                "fields": who_weekly_fields(),
                "missingValues": [""],
                "primaryKey": ["who_code", "week"],
                "foreignKeys": [to_regions("region_id")],
            }),
        ),
        resource(
            "data-notes",
            "data-notes.csv",
            "Where the data rules changed what the site shows: one row per region, rule and date range",
            json!({
                "fields": notes_fields(),
                "missingValues": [""],
                "foreignKeys": [to_regions("region_id")],
            }),
        ),
    ]
}

/// A tabular resource; format, media type and compression follow from the path.
fn resource(name: &str, path: &str, title: &str, schema: Value) -> Value {
    let json = path.ends_with(".json");
    let mut r = json!({
        "name": name, "path": path, "profile": "tabular-data-resource",
        "format": if json { "json" } else { "csv" },
        "mediatype": if json { "application/json" } else { "text/csv" },
        "encoding": "utf-8",
        "title": title,
        "schema": schema,
    });
    if path.ends_with(".gz") {
        r["compression"] = "gz".into();
    }
    r
}

/// The columns of `data-notes.csv` (`site::data_notes::NOTES_HEADER`).
fn notes_fields() -> Value {
    json!([
        with(
            field("region_id", "string", "Region id (regions.json)", None),
            "constraints",
            json!({"required": true, "pattern": "[a-z0-9-]+"}),
        ),
        field("region", "string", "Full region name", None),
        with(
            field("rule", "string", "The data rule (docs/data-rules.md)", None),
            "constraints",
            json!({"required": true, "enum": ["counted_in_district", "recovered_unknown", "state_level_only", "not_reporting", "spread", "pending", "anomaly"]}),
        ),
        field(
            "measure",
            "string",
            "The measures the rule affects (comma-separated)",
            None
        ),
        field("from", "date", "First day the rule applies", None),
        field("to", "date", "Last day the rule applies", None),
        field(
            "detail",
            "string",
            "Why, in words (for anomalies: the kind and the raw daily value)",
            None
        ),
    ])
}

/// The WHO sentence of the description: its weeks, or that the build had no WHO file.
fn who_description(ds: &Dataset) -> String {
    match &ds.who {
        Some(w) => format!(
            " WHO's weekly reports (who/weekly.csv and the who_ columns of latest) cover the weeks to {} … {}; they are never merged into the JHU series.",
            w.start,
            w.end()
        ),
        None => " This build had no WHO file: who/weekly.csv is empty.".to_string(),
    }
}

/// The whole descriptor; `region-schema.json` is the shared schema of the per-region CSVs.
pub(crate) fn descriptor(ds: &Dataset, scopes: &[&str]) -> Value {
    let mut resources = main_resources();
    for scope in scopes {
        resources.push(resource(
            &format!("frames-{scope}"),
            &format!("heatmaps/{scope}/frames.csv.gz"),
            &format!(
                "The numbers behind every frame of the {scope} heat maps (the same file as ../heatmaps/{scope}/frames.csv.gz): one row per region and frame date"
            ),
            json!({
                "fields": frames_fields(),
                "missingValues": [""],
                "primaryKey": ["date", "region_id"],
                "foreignKeys": [to_regions("region_id")],
            }),
        ));
    }
    for r in &ds.regions {
        resources.push(json!({
            "name": format!("region-{}", r.id),
            "path": format!("regions/{}.csv", r.id),
            "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": "region-schema.json",
        }));
    }
    json!({
        "profile": "tabular-data-package",
        "name": "seecovid",
        "title": "COVID-19 cases and deaths by region (JHU CSSE), as published by seecovid",
        "description": format!(
            "Cumulative and daily confirmed cases, deaths and recovered for {} countries, provinces, US states and US counties, from the JHU CSSE COVID-19 time series (global data {} to {}, US data {} to {}). See the README's data section for what seecovid changed from JHU, and data-notes.csv for where. The .js files beside these files carry the same numbers as scripts for the site's pages; they are not part of the package.",
            ds.regions.len(), ds.global_range.start, ds.global_range.end, ds.us_range.start, ds.us_range.end
        ) + &who_description(ds),
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "sources": [
            {"title": "COVID-19 Data Repository by the Center for Systems Science and Engineering (CSSE) at Johns Hopkins University", "path": "https://github.com/CSSEGISandData/COVID-19"},
            {"title": "WHO COVID-19 dashboard data (WHO-COVID-19-global-data.csv), World Health Organization; data reported to WHO by its Member States, territories and areas", "path": "https://data.who.int/dashboards/covid19/"},
        ],
        "resources": resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `name` of every field of a schema's field list.
    fn names(fields: &Value) -> Vec<String> {
        fields
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn field_lists_match_the_files_they_describe() {
        assert_eq!(
            names(&notes_fields()).join(","),
            crate::site::data_notes::NOTES_HEADER
        );
        assert_eq!(
            names(&region_fields()).join(","),
            crate::site::regions::CSV_HEADER
        );
        let latest: Vec<&str> = crate::site::opendata::LATEST_COLUMNS
            .iter()
            .chain(&crate::site::who::LATEST_WHO_COLUMNS)
            .copied()
            .collect();
        assert_eq!(names(&latest_fields()), latest);
        assert_eq!(
            names(&who_weekly_fields()),
            crate::site::who::WEEKLY_COLUMNS
        );
    }
}
