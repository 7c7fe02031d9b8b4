//! Rendering: `Table.__rich_console__` / `_render`, the cells' `Padding`, rich's `Segment` helpers and
//! the final crop of `Console.print`.

use super::cells::{cell_len, set_cell_size};
use super::column_widths::calculate_widths;
use super::table::{rule, text_of, CellText, Table, HEAVY_HEAD, SQUARE};
use super::wrap::wrap;
use super::{spaces, to_i64, Chars, Line, MarkupError};

/// Renders the whole table as `Console.print` writes it.
pub(super) fn render_table(table: &Table, width: i64) -> Result<String, MarkupError> {
    if width < 1 {
        // Console.render yields nothing when there is no room at all.
        return Ok(String::new());
    }
    if table.columns.is_empty() {
        return Ok("\n".to_string());
    }
    let extra_width = 2 + to_i64(table.columns.len()) - 1;
    let widths = calculate_widths(table, width - extra_width)?;
    let style = if table.show_header { &HEAVY_HEAD } else { &SQUARE };
    let mut lines: Vec<Line> = vec![vec![rule(style.top, &widths)]];
    let row_count = table.columns.iter().map(|column| column.cells.len()).min().unwrap_or(0);
    for index in 0..row_count {
        let edge = match index {
            0 => style.head,
            _ if index + 1 == row_count => style.foot,
            _ => style.mid,
        };
        let header_row = index == 0 && table.show_header;
        let cells = table
            .columns
            .iter()
            .zip(&widths)
            .map(|(column, width)| column.cells.get(index).map_or(Ok(Vec::new()), |cell| render_cell(cell, *width)))
            .collect::<Result<Vec<_>, _>>()?;
        lines.extend(join_row(cells, &widths, edge, header_row));
        if header_row {
            lines.push(vec![rule(style.head_rule, &widths)]);
        }
    }
    lines.push(vec![rule(style.bottom, &widths)]);
    Ok(lines.into_iter().map(|line| finish_line(line, width)).collect())
}

/// Crops a line to the console width as `Console.print` does and terminates it.
pub(super) fn finish_line(line: Line, width: i64) -> String {
    let mut text: String = adjust_line_length(line, width, false).into_iter().flatten().collect();
    text.push('\n');
    text
}

/// Wraps a single text line into a segment list (rich skips empty segments when splitting lines).
pub(super) fn single_segment(text: Chars) -> Line {
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text]
    }
}

/// Renders one padded cell into lines of `width` cells (`console.render_lines(Padding(text, (0, 1)))`).
fn render_cell(cell: &CellText, width: i64) -> Result<Vec<Line>, MarkupError> {
    let inner = width - 2;
    if width < 1 || inner < 1 {
        // Console.render yields nothing for the padding or for the text inside it.
        return Ok(Vec::new());
    }
    let text = text_of(cell)?;
    let lines = wrap(text, inner, true).into_iter().map(|text| {
        let mut line = vec![vec![' ']];
        line.extend(adjust_line_length(single_segment(text), inner, true));
        line.push(vec![' ']);
        adjust_line_length(line, width, true)
    });
    Ok(lines.collect())
}

/// Lays one table row out: aligns and shapes every cell, then interleaves them with the box characters.
fn join_row(cells: Vec<Vec<Line>>, widths: &[i64], edge: [char; 3], header_row: bool) -> Vec<Line> {
    let row_height = cells.iter().map(Vec::len).max().unwrap_or(0);
    let max_height = row_height.max(1);
    let shaped: Vec<Vec<Line>> = cells
        .into_iter()
        .zip(widths)
        .map(|(lines, width)| set_shape(align(lines, *width, row_height, header_row), *width, max_height))
        .collect();
    let [left, divider, right] = edge;
    (0..max_height)
        .map(|line_no| {
            let mut line = vec![vec![left]];
            for (index, cell) in shaped.iter().enumerate() {
                if index > 0 {
                    line.push(vec![divider]);
                }
                line.extend(cell.get(line_no).cloned().unwrap_or_default());
            }
            line.push(vec![right]);
            line
        })
        .collect()
}

/// Pads a cell to the row height with blank lines: at the top for the header (`vertical="bottom"`),
/// else at the bottom (`Segment.align_top` / `align_bottom`).
fn align(mut lines: Vec<Line>, width: i64, height: usize, bottom: bool) -> Vec<Line> {
    let extra = height.saturating_sub(lines.len());
    let blanks = std::iter::repeat_n(vec![spaces(width)], extra);
    if bottom {
        blanks.chain(lines).collect()
    } else {
        lines.extend(blanks);
        lines
    }
}

/// Fits every line to `width` and pads the cell to `height` lines (`Segment.set_shape`).
fn set_shape(lines: Vec<Line>, width: i64, height: usize) -> Vec<Line> {
    let mut shaped: Vec<Line> = lines.into_iter().map(|line| adjust_line_length(line, width, true)).collect();
    while shaped.len() < height {
        shaped.push(vec![spaces(width)]);
    }
    shaped
}

/// Crops (segment by segment) or pads a line to `length` cells (`Segment.adjust_line_length`).
fn adjust_line_length(line: Line, length: i64, pad: bool) -> Line {
    let line_length: i64 = line.iter().map(|segment| cell_len(segment)).sum();
    if line_length < length {
        let mut line = line;
        if pad {
            line.push(spaces(length - line_length));
        }
        return line;
    }
    if line_length == length {
        return line;
    }
    let mut cropped = Vec::new();
    let mut used = 0;
    for segment in line {
        let segment_length = cell_len(&segment);
        if used + segment_length < length {
            cropped.push(segment);
            used += segment_length;
        } else {
            cropped.push(set_cell_size(&segment, length - used));
            break;
        }
    }
    cropped
}
