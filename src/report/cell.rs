//! The cells of every CSV file the reports write: values a spreadsheet would run as formulas are
//! neutralised, and rows are rendered into bytes (RFC 4180, CRLF line ends).

use std::borrow::Cow;
use std::io;

/// Returns a cell that no spreadsheet will run as a formula.
///
/// Cells starting with `=`, `+`, `-`, `@`, a tab or a carriage return (OWASP's list), or with the
/// full-width `＝ ＋ － ＠` that some spreadsheets also accept, get a leading apostrophe, which
/// spreadsheets show as text and do not evaluate.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    const TRIGGERS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '\u{ff1d}', '\u{ff0b}', '\u{ff0d}', '\u{ff20}'];
    match cell.chars().next() {
        Some(first) if TRIGGERS.contains(&first) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Runs `fill` on a CSV writer over a byte buffer (RFC 4180: CRLF line ends, quotes when needed).
pub(crate) fn render(fill: impl FnOnce(&mut ::csv::Writer<Vec<u8>>) -> ::csv::Result<()>) -> io::Result<Vec<u8>> {
    let mut csv = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new());
    fill(&mut csv).map_err(io::Error::other)?;
    csv.into_inner().map_err(|error| error.into_error())
}
