//! The report's CSV tables (`permissions.csv`, `resources.csv`, `members.csv`) share one shape: a
//! header row, a few leading rows, then the rows of many items rendered on every core in chunks. Every
//! row starts with the table's format and the collection's columns, rendered once per table.

use super::cell::{append_fields, encode_fields, neutralise, render, ChunkCapacity};
use crate::model::Collection;
use std::io::{self, Write};

/// The columns every table starts with: its format, then the collection's.
pub const COLLECTION_COLUMNS: [&str; 4] = ["format", "organization_id", "collected_at", "collection_complete"];

/// The columns naming a member, in the tables with one row per member.
pub const MEMBER_IDENTITY_COLUMNS: [&str; 4] = ["member_id", "member_email", "member_name", "is_service_account"];

/// A table's columns: runs of column names, in order.
#[derive(Clone, Copy, Debug)]
pub struct Columns(pub &'static [&'static [&'static str]]);

impl Columns {
    /// Returns every column name, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().flat_map(|run| run.iter().copied()).collect()
    }
}

/// The CSV rows a table's rows are rendered through, over a byte buffer.
pub(crate) type Rows = super::cell::CsvRows;

/// How many chunks are rendered at once while the previous ones are written.
const WINDOW: usize = 16;

/// One table being written: its columns and the cells every row starts with, encoded once.
pub(crate) struct Table {
    columns: Columns,
    head: Vec<u8>,
}

impl Table {
    /// Returns the table of `columns` in format `format` for the collection of `organization_id`.
    pub(crate) fn new(columns: Columns, format: &str, organization_id: &str, collection: &Collection) -> Table {
        let complete = if collection.complete { "true" } else { "false" };
        let collection_cells = [&*neutralise(organization_id), &neutralise(&collection.collected_at), complete];
        Table { columns, head: encode_fields(format, collection_cells) }
    }

    /// Writes one row: the format and collection cells, then `cells`.
    pub(crate) fn row<'c>(&self, rows: &mut Rows, cells: impl IntoIterator<Item = &'c str>) -> ::csv::Result<()> {
        rows.write_record_after(&[&self.head], cells)
    }

    /// Returns the format and collection cells followed by `cells`, encoded, for rows that start with
    /// the same cells (`CsvRows::write_record_after`).
    pub(crate) fn encode_start<'c>(&self, cells: impl IntoIterator<Item = &'c str>) -> Vec<u8> {
        let mut start = self.head.clone();
        append_fields(&mut start, cells);
        start
    }

    /// Writes the header, the rows of `leading`, then the rows `item_rows` writes for each of `items`,
    /// rendered `chunk` items at a time on every core; the bytes are those of writing the items in order.
    pub(crate) fn write<W: Write, T: Sync>(
        &self,
        mut writer: W,
        leading: impl FnOnce(&mut Rows) -> ::csv::Result<()>,
        items: &[T],
        chunk: usize,
        item_rows: impl Fn(&mut Rows, &T) -> ::csv::Result<()> + Sync,
    ) -> io::Result<()> {
        writer.write_all(&render(|rows| rows.write_record(self.columns.names()))?)?;
        writer.write_all(&render(leading)?)?;
        let capacity = ChunkCapacity::default();
        crate::parallel::render_and_write(
            items,
            chunk,
            WINDOW,
            |chunk| capacity.render(|rows| chunk.iter().try_for_each(|item| item_rows(rows, item))),
            |bytes| writer.write_all(bytes),
        )?;
        writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection() -> Collection {
        Collection { collected_at: "=2026".to_owned(), source: String::new(), complete: false, gaps: Vec::new() }
    }

    #[test]
    fn rows_start_with_the_format_and_the_neutralised_collection() {
        let table = Table::new(Columns(&[&COLLECTION_COLUMNS, &["name"]]), "x/1", "org", &collection());
        let mut out = Vec::new();
        let items = ["a", "+b", "c"];
        table
            .write(&mut out, |rows| table.row(rows, ["lead"]), &items, 2, |rows, item| table.row(rows, [*item]))
            .unwrap();
        let expected = "format,organization_id,collected_at,collection_complete,name\r\n\
                        x/1,org,'=2026,false,lead\r\nx/1,org,'=2026,false,a\r\nx/1,org,'=2026,false,+b\r\n\
                        x/1,org,'=2026,false,c\r\n";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }
}
