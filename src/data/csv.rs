//! Reading one JHU CSV file into a validated, typed table.
//!
//! This is the only place polars appears. It parses the file (plain or gzip, with or without a
//! UTF-8 BOM, LF or CRLF) and hands back plain Rust values; every problem becomes an error that
//! names the file and the row (1-based line number in the file) or column.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use chrono::{Duration, NaiveDate};
use polars::prelude::*;

/// A wide JHU time-series table: metadata columns as text, date columns as integers.
#[derive(Debug, Clone)]
pub struct TimeTable {
    pub path: PathBuf,
    /// First date column's date; the dates are contiguous.
    pub start: NaiveDate,
    pub len: usize,
    /// Metadata columns by name, one `String` per row (empty string for an empty cell).
    pub meta_names: Vec<String>,
    pub meta: Vec<Vec<String>>,
    /// `values[row][day]`.
    pub values: Vec<Vec<i64>>,
}

impl TimeTable {
    /// The metadata column `name`, one cell per row.
    pub fn col(&self, name: &str) -> &[String] {
        let i = self
            .meta_names
            .iter()
            .position(|n| n == name)
            .expect("column presence is validated on load");
        &self.meta[i]
    }

    pub fn end(&self) -> NaiveDate {
        self.start + Duration::days(self.len as i64 - 1)
    }
}

/// A plain text table (the UID lookup table).
#[derive(Debug, Clone)]
pub struct TextTable {
    pub path: PathBuf,
    pub names: Vec<String>,
    pub cols: Vec<Vec<String>>,
}

impl TextTable {
    pub fn rows(&self) -> usize {
        self.cols.first().map_or(0, Vec::len)
    }
    pub fn col(&self, name: &str) -> &[String] {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .expect("column presence is validated on load");
        &self.cols[i]
    }
}

/// Finds `<dir>/<stem>.csv` or `<dir>/<stem>.csv.gz`.
pub fn locate(dir: &Path, stem: &str) -> Result<PathBuf> {
    let plain = dir.join(format!("{stem}.csv"));
    if plain.is_file() {
        return Ok(plain);
    }
    let gz = dir.join(format!("{stem}.csv.gz"));
    if gz.is_file() {
        return Ok(gz);
    }
    bail!(
        "missing input file: neither {} nor {} exists (expected the JHU CSSE file `{stem}.csv`)",
        plain.display(),
        gz.display()
    )
}

/// Reads a file's bytes, gunzipping `.gz`, dropping a UTF-8 BOM and turning CRLF into LF.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::with_capacity(raw.len() * 6);
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .with_context(|| format!("{} is not a valid gzip file", path.display()))?;
        out
    } else {
        raw
    };
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.contains(&b'\r') {
        bytes.retain(|&b| b != b'\r');
    }
    Ok(bytes)
}

/// Parses every cell as text with polars; returns column names and columns.
/// Parses every cell as text with polars; returns the column names and the frame (cells are
/// read column by column from it, so no second copy of the whole file is made).
fn read_frame(path: &Path) -> Result<(Vec<String>, DataFrame)> {
    let bytes = read_bytes(path)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        bail!(
            "{} is empty (expected a header row and data rows)",
            path.display()
        );
    }
    let header_only = match bytes.iter().position(|&b| b == b'\n') {
        None => true,
        Some(i) => bytes[i + 1..].iter().all(|b| b.is_ascii_whitespace()),
    };
    if header_only {
        bail!("{} has a header row but no data rows", path.display());
    }
    // Everything is read as text (no schema inference) so that we, not polars, decide what a
    // bad cell is, and can name its row and column.
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| anyhow!("{}: not a well-formed CSV file: {e}", path.display()))?;
    let names = df
        .columns()
        .iter()
        .map(|c| c.name().as_str().to_string())
        .collect();
    Ok((names, df))
}

/// The cells of column `i` as text (`None` for a missing cell).
fn text_column<'a>(
    path: &Path,
    df: &'a DataFrame,
    i: usize,
) -> Result<impl Iterator<Item = Option<&'a str>> + 'a> {
    let col = &df.columns()[i];
    let ca = col
        .str()
        .map_err(|e| anyhow!("{}: column {}: {e}", path.display(), col.name()))?;
    Ok(ca.iter())
}

fn owned_column(path: &Path, df: &DataFrame, i: usize) -> Result<Vec<String>> {
    Ok(text_column(path, df, i)?
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

fn require_columns(path: &Path, names: &[String], required: &[&str]) -> Result<()> {
    for r in required {
        if !names.iter().any(|n| n == r) {
            bail!(
                "{}: missing column `{r}` (the header has: {})",
                path.display(),
                names
                    .iter()
                    .take(14)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    Ok(())
}

/// Parses a JHU date header such as `1/22/20` (m/d/yy).
pub fn parse_jhu_date(s: &str) -> Option<NaiveDate> {
    let mut it = s.trim().split('/');
    let m: u32 = it.next()?.parse().ok()?;
    let d: u32 = it.next()?.parse().ok()?;
    let y: i32 = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    let y = if y < 100 { 2000 + y } else { y };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Formats a date the way JHU headers do (`1/22/20`), for the tests.
#[cfg(test)]
fn jhu_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}/{}/{}", d.month(), d.day(), d.year() % 100)
}

fn parse_count(path: &Path, row: usize, col: &str, cell: Option<&str>) -> Result<i64> {
    let line = row + 2; // header is line 1
    let Some(cell) = cell else {
        bail!(
            "{}: line {line}, column `{col}`: the value is missing (truncated line or empty cell)",
            path.display()
        );
    };
    let t = cell.trim();
    if let Ok(v) = t.parse::<i64>() {
        return Ok(v);
    }
    // JHU wrote a few counts as `12.0`; accept integral floats, nothing else.
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        _ => bail!(
            "{}: line {line}, column `{col}`: `{t}` is not a whole number",
            path.display()
        ),
    }
}

/// Loads a JHU time-series file: `meta` are the required metadata columns; every column after
/// the last metadata column must be a date, contiguous and daily.
pub fn load_time_table(path: &Path, meta: &[&str]) -> Result<TimeTable> {
    let (names, df) = read_frame(path)?;
    require_columns(path, &names, meta)?;
    let first_date = names
        .iter()
        .position(|n| parse_jhu_date(n).is_some())
        .ok_or_else(|| {
            anyhow!(
                "{}: no date columns found (expected headers like `1/22/20` after the metadata columns)",
                path.display()
            )
        })?;
    let mut start = None;
    let mut prev: Option<NaiveDate> = None;
    for (i, n) in names.iter().enumerate().skip(first_date) {
        let d = parse_jhu_date(n).ok_or_else(|| {
            anyhow!(
                "{}: column {} (`{n}`) is not a date; every column after `{}` must be a date like `1/22/20`",
                path.display(),
                i + 1,
                names[first_date]
            )
        })?;
        if let Some(p) = prev
            && d != p + Duration::days(1)
        {
            bail!(
                "{}: date columns are not contiguous: column {} is `{n}` ({d}) but the previous one is {p}; expected {}",
                path.display(),
                i + 1,
                p + Duration::days(1)
            );
        }
        start.get_or_insert(d);
        prev = Some(d);
    }
    let nrows = df.height();
    let ndays = names.len() - first_date;
    let mut values = vec![Vec::with_capacity(ndays); nrows];
    for (c, name) in names.iter().enumerate().skip(first_date) {
        for (r, cell) in text_column(path, &df, c)?.enumerate() {
            values[r].push(parse_count(path, r, name, cell)?);
        }
    }
    let meta_names: Vec<String> = names[..first_date].to_vec();
    let meta_cols = (0..first_date)
        .map(|c| owned_column(path, &df, c))
        .collect::<Result<_>>()?;
    Ok(TimeTable {
        path: path.to_path_buf(),
        start: start.expect("at least one date column"),
        len: ndays,
        meta_names,
        meta: meta_cols,
        values,
    })
}

/// Loads a plain table (all text) with the given required columns.
pub fn load_text_table(path: &Path, required: &[&str]) -> Result<TextTable> {
    let (names, df) = read_frame(path)?;
    require_columns(path, &names, required)?;
    let cols = (0..names.len())
        .map(|c| owned_column(path, &df, c))
        .collect::<Result<_>>()?;
    Ok(TextTable {
        path: path.to_path_buf(),
        names,
        cols,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jhu_dates_round_trip() {
        let d = parse_jhu_date("1/22/20").unwrap();
        assert_eq!(d, NaiveDate::from_ymd_opt(2020, 1, 22).unwrap());
        assert_eq!(jhu_date(d), "1/22/20");
        assert_eq!(
            parse_jhu_date("3/9/23"),
            NaiveDate::from_ymd_opt(2023, 3, 9)
        );
        assert!(parse_jhu_date("Lat").is_none());
        assert!(parse_jhu_date("2/30/20").is_none());
    }

    #[test]
    fn counts_accept_integral_floats_only() {
        let p = Path::new("f.csv");
        assert_eq!(parse_count(p, 0, "1/22/20", Some("12")).unwrap(), 12);
        assert_eq!(parse_count(p, 0, "1/22/20", Some("12.0")).unwrap(), 12);
        assert_eq!(parse_count(p, 0, "1/22/20", Some("-3")).unwrap(), -3);
        let e = parse_count(p, 4, "1/22/20", Some("1.5"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 6") && e.contains("1/22/20") && e.contains("f.csv"),
            "{e}"
        );
        assert!(parse_count(p, 0, "x", None).is_err());
    }
}
