//! The cells of every CSV file the reports write: values a spreadsheet would run as formulas are
//! neutralised, and rows are rendered into bytes (RFC 4180, CRLF line ends).

use std::borrow::Cow;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Returns a cell that no spreadsheet will run as a formula.
///
/// Cells starting with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP's list), or with the
/// full-width `＝ ＋ － ＠` that some spreadsheets also accept, get a leading apostrophe, which
/// spreadsheets show as text and do not evaluate.
///
/// Every cell of the large reports goes through here, so the first byte decides alone, except the
/// lead byte the full-width signs share.
#[inline]
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Returns `cell` neutralised as [`neutralise`] does, reusing its buffer when it needs no apostrophe.
pub fn neutralise_owned(cell: String) -> String {
    if is_formula(&cell) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Returns true when a spreadsheet would take `cell` for a formula.
#[inline]
fn is_formula(cell: &str) -> bool {
    const FULL_WIDTH: [&str; 4] = ["\u{ff1d}", "\u{ff0b}", "\u{ff0d}", "\u{ff20}"];
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => true,
        // The UTF-8 lead byte of U+FF00 to U+FF3F.
        Some(0xEF) => FULL_WIDTH.iter().any(|sign| cell.starts_with(sign)),
        _ => false,
    }
}

/// Runs `fill` on CSV rows over a byte buffer (RFC 4180: CRLF line ends, quotes when needed).
pub(crate) fn render(fill: impl FnOnce(&mut CsvRows) -> ::csv::Result<()>) -> io::Result<Vec<u8>> {
    let mut rows = CsvRows::with_capacity(0);
    fill(&mut rows).map_err(io::Error::other)?;
    Ok(rows.into_inner())
}

/// The size of the largest chunk of rows rendered so far: the chunks of one file are alike, so a
/// chunk's buffer starts that large rather than being copied every time it doubles.
#[derive(Default)]
pub(crate) struct ChunkCapacity(AtomicUsize);

impl ChunkCapacity {
    /// Runs `fill` on CSV rows over a buffer as large as the largest chunk so far, as [`render`] does.
    pub(crate) fn render(&self, fill: impl FnOnce(&mut CsvRows) -> ::csv::Result<()>) -> io::Result<Vec<u8>> {
        let mut rows = CsvRows::with_capacity(self.0.load(Ordering::Relaxed));
        fill(&mut rows).map_err(io::Error::other)?;
        self.0.fetch_max(rows.bytes.len(), Ordering::Relaxed);
        Ok(rows.into_inner())
    }
}

/// CSV rows rendered into a byte buffer, byte for byte as the `csv` crate writes them with CRLF line
/// ends: a field is quoted only when it holds a comma, a quote, a CR or an LF, with its quotes doubled,
/// and a record of one empty field is written `""`. The report's large tables are written through it
/// rather than through the crate's writer, which copies every row through a buffer of its own and
/// cannot take fields it has already encoded (the cells a table's rows start with).
pub(crate) struct CsvRows {
    bytes: Vec<u8>,
}

impl CsvRows {
    /// Returns empty rows over a buffer of `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> CsvRows {
        CsvRows { bytes: Vec::with_capacity(capacity) }
    }

    /// Writes one record of `fields`.
    pub(crate) fn write_record<I, T>(&mut self, fields: I) -> ::csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let start = self.bytes.len();
        let mut count = 0;
        for field in fields {
            if count > 0 {
                self.bytes.push(b',');
            }
            push_field(&mut self.bytes, field.as_ref());
            count += 1;
        }
        if count == 1 && self.bytes.len() == start {
            self.bytes.extend_from_slice(b"\"\"");
        }
        self.bytes.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// Writes one record: the fields the parts of `encoded` hold (from [`encode_fields`]), separated by
    /// commas, then `fields`.
    pub(crate) fn write_record_after<I, T>(&mut self, encoded: &[&[u8]], fields: I) -> ::csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let start = self.bytes.len();
        for (position, part) in encoded.iter().enumerate() {
            if position > 0 {
                self.bytes.push(b',');
            }
            self.bytes.extend_from_slice(part);
        }
        for field in fields {
            self.bytes.push(b',');
            push_field(&mut self.bytes, field.as_ref());
        }
        if self.bytes.len() == start {
            self.bytes.extend_from_slice(b"\"\"");
        }
        self.bytes.extend_from_slice(b"\r\n");
        Ok(())
    }

    /// Returns the bytes written.
    pub(crate) fn into_inner(self) -> Vec<u8> {
        self.bytes
    }
}

/// Returns `first` and `others` encoded as the start of a record, for [`CsvRows::write_record_after`].
pub(crate) fn encode_fields<'f>(first: &str, others: impl IntoIterator<Item = &'f str>) -> Vec<u8> {
    let mut bytes = Vec::new();
    push_field(&mut bytes, first.as_bytes());
    append_fields(&mut bytes, others);
    bytes
}

/// Appends `fields` to fields already encoded, each after a comma.
pub(crate) fn append_fields<'f>(encoded: &mut Vec<u8>, fields: impl IntoIterator<Item = &'f str>) {
    for field in fields {
        encoded.push(b',');
        push_field(encoded, field.as_bytes());
    }
}

/// Appends one field, quoted when it holds a comma, a quote, a CR or an LF.
#[inline]
fn push_field(bytes: &mut Vec<u8>, field: &[u8]) {
    if !field.iter().any(|&byte| matches!(byte, b',' | b'"' | b'\r' | b'\n')) {
        bytes.extend_from_slice(field);
        return;
    }
    bytes.push(b'"');
    for part in field.split_inclusive(|&byte| byte == b'"') {
        bytes.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            bytes.push(b'"');
        }
    }
    bytes.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns what the `csv` crate writes for `records`, with CRLF line ends.
    fn crate_bytes(records: &[Vec<String>]) -> Vec<u8> {
        let mut csv =
            ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).flexible(true).from_writer(Vec::new());
        records.iter().for_each(|record| csv.write_record(record).unwrap());
        csv.into_inner().unwrap()
    }

    proptest::proptest! {
        #[test]
        fn rows_are_written_as_the_csv_crate_writes_them(
            records in proptest::collection::vec(proptest::collection::vec("[a\",\r\n' é=]{0,6}", 1..5), 0..6),
        ) {
            let mut rows = CsvRows::with_capacity(0);
            records.iter().for_each(|record| rows.write_record(record).unwrap());
            proptest::prop_assert_eq!(rows.into_inner(), crate_bytes(&records));
            let mut rows = CsvRows::with_capacity(0);
            for record in &records {
                let encoded = encode_fields(&record[0], record[1..].iter().take(1).map(String::as_str));
                rows.write_record_after(&[&encoded], record.iter().skip(2)).unwrap();
            }
            proptest::prop_assert_eq!(rows.into_inner(), crate_bytes(&records));
        }
    }

    #[test]
    fn only_the_formula_signs_and_their_full_width_forms_are_neutralised() {
        let triggers = ['=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}'];
        let others = ["", "a", "'", " =", "\u{ff1c}x", "\u{ff21}", "\u{ef}", "\u{feff}=", "\n="];
        for trigger in triggers {
            let cell = format!("{trigger}x");
            assert_eq!(neutralise(&cell), format!("'{cell}"));
            assert_eq!(neutralise_owned(cell.clone()), format!("'{cell}"));
        }
        for cell in others {
            assert_eq!(neutralise(cell), cell);
            assert_eq!(neutralise_owned(cell.to_owned()), cell);
        }
    }
}
