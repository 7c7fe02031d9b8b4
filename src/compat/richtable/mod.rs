//! Renders tables exactly as the Python library rich (15.0.0) prints them to a console without a terminal.
//!
//! This is a port of the parts of rich that the official CLI's list tables go through: `Table` with
//! `expand=True`, ratio columns (`no_wrap=False`, `overflow="fold"`, left-justified, top-aligned, header
//! bottom-aligned), cell padding `(0, 1)`, the default `HEAVY_HEAD` box (`SQUARE` when the header is hidden),
//! rich's word wrapping and folding, its cell widths (the Unicode 17.0.0 table rich 15.0.0 ships, including
//! the ZWJ / VS16 rules), the final crop to the console width, and the console-markup tags that rich strips
//! from `str` cells (with the `MarkupError` it raises on unmatched closing tags).
//!
//! Limits, all outside what the CLI's data normally contains:
//! * emoji shortcodes such as `:smile:` (which rich replaces inside `str` cells) are left as they are;
//! * markup closing tags are matched after `strip().lower()` only (rich first canonicalises parseable styles,
//!   so `[b]x[/bold]` is accepted by rich and rejected here), and `[@handler=...]` parameters are not evaluated;
//! * when a markup tag boundary meets a zero-width character exactly at the console's crop column (which
//!   only happens on consoles too narrow for the table), rich may drop that character and this port keeps it;
//! * rich's `UNICODE_VERSION` environment variable is ignored (the latest table is always used);
//! * cells beyond the declared columns are ignored (rich would add unnamed columns for them).

mod cells;
mod column_widths;
mod markup;
mod render;
mod table;
#[cfg(test)]
mod tests;
mod text;
mod unicode_data;
mod wrap;

use markup::parse_markup;
use render::{finish_line, render_table, single_segment};
use std::fmt;
use table::Table;
use wrap::wrap;

/// The console width rich falls back to when neither COLUMNS nor a terminal tells it one.
const DEFAULT_WIDTH: usize = 80;

/// Text as Python sees it: indexable by code point.
type Chars = Vec<char>;
/// One rendered line as rich's list of segments (cropping works segment by segment, so they are kept apart).
type Line = Vec<Chars>;

/// One table column as the official CLI declares it (`no_wrap=False, overflow="fold"`, left-justified).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header text (console markup, like every `str` rich renders).
    pub header: String,
    /// The column's share of the table width (`ratio=`).
    pub ratio: usize,
    /// The column's minimum content width (`min_width=`), excluding the padding.
    pub min_width: usize,
}

/// The error rich raises (`rich.errors.MarkupError`) when a cell's markup closes a tag that is not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError(pub String);

impl fmt::Display for MarkupError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for MarkupError {}

/// Renders the table as rich prints it on a console `width` cells wide (ends with a newline).
///
/// Cells whose markup rich would reject are rendered literally (rich raises instead; see [`try_render`]).
pub fn render(columns: &[Column], rows: &[Vec<String>], show_header: bool, width: usize) -> String {
    match try_render(columns, rows, show_header, width) {
        Ok(text) => text,
        Err(_) => render_table(&Table::new(columns, rows, show_header, false), to_i64(width)).unwrap_or_default(),
    }
}

/// Renders the table like [`render`], or returns the `MarkupError` rich would raise while printing it.
pub fn try_render(
    columns: &[Column],
    rows: &[Vec<String>],
    show_header: bool,
    width: usize,
) -> Result<String, MarkupError> {
    render_table(&Table::new(columns, rows, show_header, true), to_i64(width))
}

/// Returns what `Console.print(f"[dim]Page {page}[/dim]")` writes on a console `width` cells wide.
pub fn page_marker(page: usize, width: usize) -> String {
    print_markup(&format!("[dim]Page {page}[/dim]"), width).unwrap_or_default()
}

/// Returns what `Console.print(markup)` writes for one markup string on a console `width` cells wide.
pub fn print_markup(markup: &str, width: usize) -> Result<String, MarkupError> {
    let text = parse_markup(markup)?;
    let width = to_i64(width);
    if width < 1 {
        // Console.render yields nothing when there is no room at all.
        return Ok(String::new());
    }
    Ok(wrap(&text, width, false).into_iter().map(|line| finish_line(single_segment(line), width)).collect())
}

/// Returns the console width rich uses when stdout is not a terminal: COLUMNS if it is all digits, else 80.
///
/// rich also asks stdin and stderr for a terminal size before falling back to 80 (so `cli | cat` from an
/// interactive shell gets the terminal's width); this std-only function cannot query terminals and behaves
/// as if none of the three streams were one. Use [`console_width_with`] to supply a known terminal width.
pub fn console_width() -> usize {
    console_width_with(std::env::var("COLUMNS").ok().as_deref(), None)
}

/// Applies rich's width rule to a COLUMNS value and the width of the first terminal among stdin, stdout
/// and stderr.
///
/// A COLUMNS made only of digits wins outright, even `0` (rich then prints nothing); otherwise the terminal
/// width is used unless it is missing or zero, and 80 is the fallback. (rich also accepts non-ASCII decimal
/// digits in COLUMNS; this function does not.)
pub fn console_width_with(columns: Option<&str>, terminal_width: Option<usize>) -> usize {
    let digits = columns.filter(|value| !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()));
    match digits {
        // Only overflow can fail here; Python would keep the huge number.
        Some(value) => value.parse().unwrap_or(usize::MAX),
        None => terminal_width.filter(|width| *width > 0).unwrap_or(DEFAULT_WIDTH),
    }
}

/// Converts a caller's width to the signed arithmetic rich's width code relies on.
fn to_i64(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// Returns a run of `count` spaces (none when `count` is not positive, as Python's `" " * count`).
fn spaces(count: i64) -> Chars {
    vec![' '; usize::try_from(count).unwrap_or(0)]
}
