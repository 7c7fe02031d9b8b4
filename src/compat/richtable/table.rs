//! The table model: the columns with their cells after markup processing, and rich's box styles.

use super::markup::parse_markup;
use super::text::strip_control_codes;
use super::{to_i64, Chars, Column, MarkupError};

/// A cell's text after markup processing, or the error rich raises when it first renders or measures it.
pub(super) type CellText = Result<Chars, MarkupError>;

/// One column with its cells in rendering order (the header first when shown).
pub(super) struct TableColumn {
    pub(super) ratio: i64,
    pub(super) min_width: i64,
    pub(super) cells: Vec<CellText>,
}

/// The table as the renderer needs it.
pub(super) struct Table {
    pub(super) columns: Vec<TableColumn>,
    pub(super) show_header: bool,
}

impl Table {
    /// Builds the model, turning each cell's markup into plain text (or keeping the text literal).
    pub(super) fn new(columns: &[Column], rows: &[Vec<String>], show_header: bool, markup: bool) -> Self {
        let cell = |raw: &str| if markup { parse_markup(raw) } else { Ok(strip_control_codes(raw.chars())) };
        let columns = columns
            .iter()
            .enumerate()
            .map(|(index, column)| {
                let header = show_header.then(|| cell(&column.header));
                // Missing cells are None in add_row, which rich renders as "".
                let body = rows.iter().map(|row| cell(row.get(index).map_or("", String::as_str)));
                TableColumn {
                    ratio: to_i64(column.ratio),
                    min_width: to_i64(column.min_width),
                    cells: header.into_iter().chain(body).collect(),
                }
            })
            .collect();
        Table { columns, show_header }
    }
}

/// Returns the cell's text, or the markup error rich raises at the moment it touches the cell.
pub(super) fn text_of(cell: &CellText) -> Result<&Chars, MarkupError> {
    cell.as_ref().map_err(Clone::clone)
}

/// The characters of rich's box styles used here.
pub(super) struct BoxStyle {
    /// Left, horizontal, divider and right of the top edge.
    pub(super) top: [char; 4],
    /// Left edge, column divider and right edge of the first row.
    pub(super) head: [char; 3],
    /// The rule under the header.
    pub(super) head_rule: [char; 4],
    /// Edges and dividers of the rows between the first and the last.
    pub(super) mid: [char; 3],
    /// Edges and dividers of the last row.
    pub(super) foot: [char; 3],
    /// The bottom edge.
    pub(super) bottom: [char; 4],
}

/// rich's `box.HEAVY_HEAD`, the default box of `Table`.
pub(super) const HEAVY_HEAD: BoxStyle = BoxStyle {
    top: ['┏', '━', '┳', '┓'],
    head: ['┃', '┃', '┃'],
    head_rule: ['┡', '━', '╇', '┩'],
    mid: ['│', '│', '│'],
    foot: ['│', '│', '│'],
    bottom: ['└', '─', '┴', '┘'],
};

/// rich's `box.SQUARE`, which replaces `HEAVY_HEAD` when the header is hidden (`get_plain_headed_box`).
pub(super) const SQUARE: BoxStyle = BoxStyle {
    top: ['┌', '─', '┬', '┐'],
    head: ['│', '│', '│'],
    head_rule: ['├', '─', '┼', '┤'],
    mid: ['│', '│', '│'],
    foot: ['│', '│', '│'],
    bottom: ['└', '─', '┴', '┘'],
};

/// Draws a horizontal rule over the column widths (`Box.get_top` / `get_row` / `get_bottom`).
pub(super) fn rule(parts: [char; 4], widths: &[i64]) -> Chars {
    let [left, horizontal, divider, right] = parts;
    let mut line = vec![left];
    for (index, width) in widths.iter().enumerate() {
        if index > 0 {
            line.push(divider);
        }
        line.extend(std::iter::repeat_n(horizontal, usize::try_from(*width).unwrap_or(0)));
    }
    line.push(right);
    line
}
