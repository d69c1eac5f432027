//! The one CSV writer of the site: every CSV file goes through [`Table`], so quoting is the
//! `csv` crate's (RFC 4180: a cell holding a comma, quote or line break is quoted, quotes
//! doubled) and never hand-written again — hand-written quoting left the per-capita heat-map
//! unit `per day per 100,000 people (7-day average)` unquoted.
//!
//! Output is `\n`-terminated and quotes only cells that need it, so files whose cells never
//! needed quoting are byte-identical to the former hand-formatted ones.

use std::fmt::{self, Write as _};

use anyhow::{Context, Result};

/// A CSV file being written into memory, header first. Rows must have as many cells as the
/// header: a row that does not is an error, not a silently shifted column.
pub(crate) struct Table {
    w: csv::Writer<Vec<u8>>,
    /// Reused for [`Table::cell_fmt`], so formatted cells cost no allocation per row.
    scratch: String,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Self {
        Self::with_capacity(header, 0)
    }

    /// A table whose text is expected to take about `bytes` (one allocation for big files).
    pub(crate) fn with_capacity(header: &[&str], bytes: usize) -> Self {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(Vec::with_capacity(bytes));
        // The first record into a Vec: no length to disagree with, no I/O to fail.
        w.write_record(header)
            .expect("a CSV header written to memory");
        Self {
            w,
            scratch: String::new(),
        }
    }

    /// One whole row.
    pub(crate) fn row<I>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        self.w.write_record(cells).context("CSV row")
    }

    /// One cell of the current row (end it with [`Table::end_row`]): for rows built cell by
    /// cell without collecting them first.
    pub(crate) fn cell(&mut self, cell: impl AsRef<[u8]>) -> Result<()> {
        self.w.write_field(cell).context("CSV cell")
    }

    /// One cell formatted with `Display` (numbers), through a reused buffer.
    pub(crate) fn cell_fmt(&mut self, v: impl fmt::Display) -> Result<()> {
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        self.w.write_field(&self.scratch).context("CSV cell")
    }

    /// An optional value: empty when `None` (the downloads' "not published").
    pub(crate) fn cell_opt(&mut self, v: Option<impl fmt::Display>) -> Result<()> {
        match v {
            Some(v) => self.cell_fmt(v),
            None => self.cell(""),
        }
    }

    /// Ends the row begun with [`Table::cell`], [`Table::cell_fmt`] or [`Table::cell_opt`].
    pub(crate) fn end_row(&mut self) -> Result<()> {
        self.w.write_record(None::<&[u8]>).context("CSV row end")
    }

    /// The file's bytes.
    pub(crate) fn finish(self) -> Result<Vec<u8>> {
        self.w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("CSV flush: {}", e.error()))
    }
}

/// Whether the writer leaves `cell` as it is (no quotes): code that splices cells into CSV
/// text itself (the long file's id prefix) asserts this.
pub(crate) fn is_plain(cell: &str) -> bool {
    !cell.contains([',', '"', '\n', '\r'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn awkward_cells_round_trip_and_plain_cells_are_not_quoted() {
        let awkward = "Korea, South \"the\"\nsecond line";
        let mut t = Table::new(&["id", "name", "value"]);
        t.row(["alphaland", awkward, "12"]).unwrap();
        t.cell("us--texas--harris").unwrap();
        t.cell("Harris, Texas, US").unwrap();
        t.cell_fmt(-3.5).unwrap();
        t.end_row().unwrap();
        t.cell("x").unwrap();
        t.cell_opt(None::<i64>).unwrap();
        t.cell_opt(Some("")).unwrap();
        t.end_row().unwrap();
        let bytes = t.finish().unwrap();
        assert_eq!(
            read_back(&bytes),
            [
                vec!["id", "name", "value"],
                vec!["alphaland", awkward, "12"],
                vec!["us--texas--harris", "Harris, Texas, US", "-3.5"],
                vec!["x", "", ""],
            ]
        );
        let text = String::from_utf8(bytes).unwrap();
        // As the hand-written writers did: `\n`, quotes only where needed, quotes doubled.
        assert_eq!(
            text,
            "id,name,value\n\
             alphaland,\"Korea, South \"\"the\"\"\nsecond line\",12\n\
             us--texas--harris,\"Harris, Texas, US\",-3.5\n\
             x,,\n"
        );
        assert!(is_plain("us--texas--harris") && !is_plain("a,b"));
    }

    #[test]
    fn a_row_of_the_wrong_length_is_an_error() {
        let mut t = Table::new(&["a", "b"]);
        assert!(t.row(["1", "2", "3"]).is_err());
    }
}
