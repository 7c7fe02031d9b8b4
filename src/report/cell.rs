//! The cells of every CSV file the reports write: values a spreadsheet would run as formulas are
//! neutralised, and rows are rendered into bytes (RFC 4180, CRLF line ends).

use std::borrow::Cow;
use std::io;

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

/// Runs `fill` on a CSV writer over a byte buffer (RFC 4180: CRLF line ends, quotes when needed).
pub(crate) fn render(fill: impl FnOnce(&mut ::csv::Writer<Vec<u8>>) -> ::csv::Result<()>) -> io::Result<Vec<u8>> {
    let mut csv = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new());
    fill(&mut csv).map_err(io::Error::other)?;
    csv.into_inner().map_err(|error| error.into_error())
}

#[cfg(test)]
mod tests {
    use super::*;

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
