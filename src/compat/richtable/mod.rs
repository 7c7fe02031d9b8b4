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

use std::fmt;

/// Zero width joiner: glues emoji into one grapheme.
const ZWJ: char = '\u{200d}';
/// Variation selector 16: asks for the emoji (two-cell) presentation of the previous character.
const VS16: char = '\u{fe0f}';
/// rich's default tab size (`Console.tab_size`).
const TAB_SIZE: i64 = 8;
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

// ---------------------------------------------------------------------------------------------------------
// The table model.
// ---------------------------------------------------------------------------------------------------------

/// A cell's text after markup processing, or the error rich raises when it first renders or measures it.
type CellText = Result<Chars, MarkupError>;

/// One column with its cells in rendering order (the header first when shown).
struct TableColumn {
    ratio: i64,
    min_width: i64,
    cells: Vec<CellText>,
}

/// The table as the renderer needs it.
struct Table {
    columns: Vec<TableColumn>,
    show_header: bool,
}

impl Table {
    /// Builds the model, turning each cell's markup into plain text (or keeping the text literal).
    fn new(columns: &[Column], rows: &[Vec<String>], show_header: bool, markup: bool) -> Self {
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
fn text_of(cell: &CellText) -> Result<&Chars, MarkupError> {
    cell.as_ref().map_err(Clone::clone)
}

/// The characters of rich's box styles used here.
struct BoxStyle {
    /// Left, horizontal, divider and right of the top edge.
    top: [char; 4],
    /// Left edge, column divider and right edge of the first row.
    head: [char; 3],
    /// The rule under the header.
    head_rule: [char; 4],
    /// Edges and dividers of the rows between the first and the last.
    mid: [char; 3],
    /// Edges and dividers of the last row.
    foot: [char; 3],
    /// The bottom edge.
    bottom: [char; 4],
}

/// rich's `box.HEAVY_HEAD`, the default box of `Table`.
const HEAVY_HEAD: BoxStyle = BoxStyle {
    top: ['┏', '━', '┳', '┓'],
    head: ['┃', '┃', '┃'],
    head_rule: ['┡', '━', '╇', '┩'],
    mid: ['│', '│', '│'],
    foot: ['│', '│', '│'],
    bottom: ['└', '─', '┴', '┘'],
};

/// rich's `box.SQUARE`, which replaces `HEAVY_HEAD` when the header is hidden (`get_plain_headed_box`).
const SQUARE: BoxStyle = BoxStyle {
    top: ['┌', '─', '┬', '┐'],
    head: ['│', '│', '│'],
    head_rule: ['├', '─', '┼', '┤'],
    mid: ['│', '│', '│'],
    foot: ['│', '│', '│'],
    bottom: ['└', '─', '┴', '┘'],
};

/// Draws a horizontal rule over the column widths (`Box.get_top` / `get_row` / `get_bottom`).
fn rule(parts: [char; 4], widths: &[i64]) -> Chars {
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

// ---------------------------------------------------------------------------------------------------------
// Rendering (Table.__rich_console__ / _render, Padding, Segment helpers, Console.print's crop).
// ---------------------------------------------------------------------------------------------------------

/// Renders the whole table as `Console.print` writes it.
fn render_table(table: &Table, width: i64) -> Result<String, MarkupError> {
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
fn finish_line(line: Line, width: i64) -> String {
    let mut text: String = adjust_line_length(line, width, false).into_iter().flatten().collect();
    text.push('\n');
    text
}

/// Wraps a single text line into a segment list (rich skips empty segments when splitting lines).
fn single_segment(text: Chars) -> Line {
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

// ---------------------------------------------------------------------------------------------------------
// Column widths (Table._calculate_column_widths, _measure_column, _collapse_widths, rich._ratio).
// ---------------------------------------------------------------------------------------------------------

/// The minimum and maximum cells a renderable needs (`rich.measure.Measurement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Measurement {
    minimum: i64,
    maximum: i64,
}

impl Measurement {
    /// Builds a measurement.
    fn new(minimum: i64, maximum: i64) -> Self {
        Measurement { minimum, maximum }
    }

    /// Ensures `0 <= minimum <= maximum`, as rich's `normalize`.
    fn normalize(self) -> Self {
        let minimum = self.minimum.max(0).min(self.maximum);
        Measurement::new(minimum.max(0), minimum.max(self.maximum).max(0))
    }

    /// Caps both bounds at `width`.
    fn with_maximum(self, width: i64) -> Self {
        Measurement::new(self.minimum.min(width), self.maximum.min(width))
    }

    /// Raises both bounds to at least `width`.
    fn with_minimum(self, width: i64) -> Self {
        let width = width.max(0);
        Measurement::new(self.minimum.max(width), self.maximum.max(width))
    }

    /// Applies the final checks of `Measurement.get`: cap, and nothing at all when under one cell.
    fn fit(self, max_width: i64) -> Self {
        let measured = self.normalize().with_maximum(max_width);
        if measured.maximum < 1 {
            Measurement::new(0, 0)
        } else {
            measured.normalize()
        }
    }
}

/// Computes the width of every column including padding, excluding borders.
fn calculate_widths(table: &Table, max_width: i64) -> Result<Vec<i64>, MarkupError> {
    let columns = &table.columns;
    let ranges = columns.iter().map(|column| measure_column(column, max_width)).collect::<Result<Vec<_>, _>>()?;
    let mut widths: Vec<i64> = ranges.iter().map(|range| if range.maximum == 0 { 1 } else { range.maximum }).collect();
    let ratios: Vec<i64> = columns.iter().map(|column| column.ratio).collect();
    if ratios.iter().any(|ratio| *ratio != 0) {
        // Every column is flexible, so the ratios alone decide; the minimum is `(width or 1) + padding`.
        widths = ratio_distribute(max_width, &ratios, Some(&vec![3; columns.len()]));
    }
    let mut table_width: i64 = widths.iter().sum();
    if table_width > max_width {
        widths = collapse_widths(widths, max_width);
        table_width = widths.iter().sum();
        if table_width > max_width {
            let excess = table_width - max_width;
            widths = ratio_reduce(excess, &vec![1; widths.len()], &widths, &widths);
            table_width = widths.iter().sum();
        }
        widths = columns
            .iter()
            .zip(&widths)
            .map(|(column, width)| measure_column(column, *width).map(|range| range.maximum))
            .collect::<Result<_, _>>()?;
    }
    // rich compares against the total from before the re-measure above; so does this.
    if table_width < max_width {
        let pad_widths = ratio_distribute(max_width - table_width, &widths, None);
        widths = widths.iter().zip(pad_widths).map(|(width, pad)| width + pad).collect();
    }
    Ok(widths)
}

/// Measures a column: the widest cell minimum and maximum, clamped to `min_width + padding`.
fn measure_column(column: &TableColumn, max_width: i64) -> Result<Measurement, MarkupError> {
    if max_width < 1 {
        return Ok(Measurement::new(0, 0));
    }
    let measurements =
        column.cells.iter().map(|cell| measure_padded(cell, max_width)).collect::<Result<Vec<_>, _>>()?;
    let minimum = measurements.iter().map(|measured| measured.minimum).max().unwrap_or(1);
    let maximum = measurements.iter().map(|measured| measured.maximum).max().unwrap_or(max_width);
    Ok(Measurement::new(minimum, maximum).with_maximum(max_width).with_minimum(column.min_width + 2))
}

/// Measures a cell wrapped in its `(0, 1)` padding (`Measurement.get` on `Padding`).
fn measure_padded(cell: &CellText, max_width: i64) -> Result<Measurement, MarkupError> {
    if max_width < 1 {
        return Ok(Measurement::new(0, 0));
    }
    let padded = if max_width - 2 < 1 {
        Measurement::new(max_width, max_width)
    } else {
        let inner = measure_text(text_of(cell)?).fit(max_width);
        Measurement::new(inner.minimum + 2, inner.maximum + 2).with_maximum(max_width)
    };
    Ok(padded.fit(max_width))
}

/// Measures text: the longest word and the longest line (`Text.__rich_measure__`).
fn measure_text(text: &[char]) -> Measurement {
    let maximum = py_splitlines(text).into_iter().map(cell_len).max().unwrap_or(0);
    let minimum = text.split(|c| py_isspace(*c)).filter(|word| !word.is_empty()).map(cell_len).max();
    Measurement::new(minimum.unwrap_or(maximum), maximum)
}

/// Shrinks the widest columns step by step until the total fits (`Table._collapse_widths`, all wrappable).
fn collapse_widths(mut widths: Vec<i64>, max_width: i64) -> Vec<i64> {
    let mut total: i64 = widths.iter().sum();
    let mut excess = total - max_width;
    while total != 0 && excess > 0 {
        let max_column = widths.iter().copied().max().unwrap_or(0);
        let second_max = widths.iter().map(|width| if *width != max_column { *width } else { 0 }).max().unwrap_or(0);
        let difference = max_column - second_max;
        let ratios: Vec<i64> = widths.iter().map(|width| i64::from(*width == max_column)).collect();
        if !ratios.iter().any(|ratio| *ratio != 0) || difference == 0 {
            break;
        }
        let max_reduce = vec![excess.min(difference); widths.len()];
        widths = ratio_reduce(excess, &ratios, &max_reduce, &widths);
        total = widths.iter().sum();
        excess = total - max_width;
    }
    widths
}

/// Divides `total` into parts by ratio, each at least its minimum (`rich._ratio.ratio_distribute`).
fn ratio_distribute(total: i64, ratios: &[i64], minimums: Option<&[i64]>) -> Vec<i64> {
    let ratios: Vec<i64> = match minimums {
        Some(minimums) if !minimums.is_empty() => {
            ratios.iter().zip(minimums).map(|(ratio, minimum)| if *minimum != 0 { *ratio } else { 0 }).collect()
        }
        _ => ratios.to_vec(),
    };
    let mut total_ratio: i64 = ratios.iter().sum();
    if total_ratio <= 0 {
        // rich asserts here; returning nothing to add keeps the caller's widths.
        return vec![0; ratios.len()];
    }
    let mut remaining = total;
    let mut distributed = Vec::with_capacity(ratios.len());
    for (index, ratio) in ratios.iter().enumerate() {
        let minimum = minimums.and_then(|minimums| minimums.get(index)).copied().unwrap_or(0);
        let share = if total_ratio > 0 {
            // Python's float true division (exact here: the operands stay far below 2^53), then math.ceil.
            minimum.max((*ratio as f64 * remaining as f64 / total_ratio as f64).ceil() as i64)
        } else {
            remaining
        };
        distributed.push(share);
        total_ratio -= ratio;
        remaining -= share;
    }
    distributed
}

/// Takes `total` away from `values` by ratio, at most `maximums` each (`rich._ratio.ratio_reduce`).
fn ratio_reduce(total: i64, ratios: &[i64], maximums: &[i64], values: &[i64]) -> Vec<i64> {
    let ratios: Vec<i64> =
        ratios.iter().zip(maximums).map(|(ratio, maximum)| if *maximum != 0 { *ratio } else { 0 }).collect();
    let mut total_ratio: i64 = ratios.iter().sum();
    if total_ratio == 0 {
        return values.to_vec();
    }
    let mut remaining = total;
    let mut result = Vec::with_capacity(values.len());
    for ((ratio, maximum), value) in ratios.iter().zip(maximums).zip(values) {
        if *ratio != 0 && total_ratio > 0 {
            // Python's round() on a float rounds half to even.
            let share = (*ratio as f64 * remaining as f64 / total_ratio as f64).round_ties_even() as i64;
            let distributed = (*maximum).min(share);
            result.push(value - distributed);
            remaining -= distributed;
            total_ratio -= ratio;
        } else {
            result.push(*value);
        }
    }
    result
}

// ---------------------------------------------------------------------------------------------------------
// Text wrapping (Text.wrap, rich._wrap.divide_line, Lines.justify, Text.truncate / rstrip_end / expand_tabs).
// ---------------------------------------------------------------------------------------------------------

/// Wraps text to `width` cells with `overflow="fold"`; `pad` selects `justify="left"` over `"default"`.
fn wrap(text: &[char], width: i64, pad: bool) -> Vec<Chars> {
    let mut lines = Vec::new();
    for line in text.split(|c| *c == '\n') {
        let line = if line.contains(&'\t') { expand_tabs(line) } else { line.to_vec() };
        let offsets = divide_line(&line, width);
        for mut piece in divide(&line, &offsets) {
            rstrip_end(&mut piece, width);
            if pad {
                truncate(&mut piece, width, true);
            }
            truncate(&mut piece, width, false);
            lines.push(piece);
        }
    }
    lines
}

/// Finds the offsets at which a line must break to fit `width` cells, folding long words.
fn divide_line(text: &[char], width: i64) -> Vec<usize> {
    let mut breaks = Vec::new();
    let mut cell_offset = 0;
    for (start, end) in words(text) {
        let word = &text[start..end];
        let word_length = cell_len(py_rstrip(word));
        if width - cell_offset >= word_length {
            cell_offset += cell_len(word);
        } else if word_length > width {
            let folded = chop_cells(word, width);
            let mut start = start;
            for (index, piece) in folded.iter().enumerate() {
                if start != 0 {
                    breaks.push(start);
                }
                if index + 1 == folded.len() {
                    cell_offset = cell_len(piece);
                } else {
                    start += piece.len();
                }
            }
        } else if cell_offset != 0 && start != 0 {
            breaks.push(start);
            cell_offset = cell_len(word);
        }
    }
    breaks
}

/// Splits text into words with their surrounding whitespace (the regex `\s*\S+\s*` applied repeatedly).
fn words(text: &[char]) -> Vec<(usize, usize)> {
    let skip = |mut index: usize, space: bool| {
        while text.get(index).is_some_and(|c| py_isspace(*c) == space) {
            index += 1;
        }
        index
    };
    let mut spans = Vec::new();
    let mut position = 0;
    loop {
        let word_start = skip(position, true);
        if word_start == text.len() {
            return spans;
        }
        let end = skip(skip(word_start, false), true);
        spans.push((position, end));
        position = end;
    }
}

/// Cuts text at the given offsets (`Text.divide`).
fn divide(text: &[char], offsets: &[usize]) -> Vec<Chars> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(offsets);
    bounds.push(text.len());
    bounds.windows(2).map(|pair| text.get(pair[0]..pair[1]).map(<[char]>::to_vec).unwrap_or_default()).collect()
}

/// Drops trailing whitespace that reaches beyond `size` characters (`Text.rstrip_end`, which counts
/// characters, not cells).
fn rstrip_end(text: &mut Chars, size: i64) {
    let length = to_i64(text.len());
    if length <= size {
        return;
    }
    let whitespace = text.iter().rev().take_while(|c| py_isspace(**c)).count();
    let crop = usize::try_from(length - size).unwrap_or(0).min(whitespace);
    text.truncate(text.len() - crop);
}

/// Crops text that is wider than `width` and, with `pad`, pads narrower text (`Text.truncate`, fold).
fn truncate(text: &mut Chars, width: i64, pad: bool) {
    let length = cell_len(text);
    if length > width {
        *text = set_cell_size(text, width);
    }
    if pad && length < width {
        text.extend(spaces(width - length));
    }
}

/// Replaces tabs with spaces up to the next multiple of the tab size (`Text.expand_tabs`).
fn expand_tabs(line: &[char]) -> Chars {
    let mut expanded = Vec::with_capacity(line.len());
    let mut position = 0;
    for part in line.split_inclusive(|c| *c == '\t') {
        let mut part = part.to_vec();
        if part.last() == Some(&'\t') {
            part.pop();
            part.push(' ');
            position += cell_len(&part);
            let remainder = position % TAB_SIZE;
            if remainder != 0 {
                part.extend(spaces(TAB_SIZE - remainder));
                position += TAB_SIZE - remainder;
            }
        } else {
            position += cell_len(&part);
        }
        expanded.extend(part);
    }
    expanded
}

/// Tells whether Python's `str.isspace` (and the regex `\s`) accepts the character.
fn py_isspace(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// Returns the text without trailing whitespace (`str.rstrip()`).
fn py_rstrip(text: &[char]) -> &[char] {
    let kept = text.len() - text.iter().rev().take_while(|c| py_isspace(**c)).count();
    &text[..kept]
}

/// Splits text at line boundaries as Python's `str.splitlines` does (no trailing empty line).
fn py_splitlines(text: &[char]) -> Vec<&[char]> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut index = 0;
    while index < text.len() {
        let c = text[index];
        if matches!(c, '\n' | '\u{b}' | '\u{c}' | '\r' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}') {
            lines.push(&text[start..index]);
            if c == '\r' && text.get(index + 1) == Some(&'\n') {
                index += 1;
            }
            start = index + 1;
        }
        index += 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

/// Removes the control codes rich strips from all text: bell, backspace, vertical tab, form feed, CR.
fn strip_control_codes(text: impl Iterator<Item = char>) -> Chars {
    text.filter(|c| !matches!(c, '\u{7}' | '\u{8}' | '\u{b}' | '\u{c}' | '\r')).collect()
}

// ---------------------------------------------------------------------------------------------------------
// Cell widths (rich.cells with the Unicode 17.0.0 table of rich._unicode_data).
// ---------------------------------------------------------------------------------------------------------

/// Returns how many cells rich gives one character (`get_character_cell_size`).
fn char_width(c: char) -> i64 {
    let code = u32::from(c);
    if (code != 0 && code < 0x20) || (0x7f..0xa0).contains(&code) || in_ranges(&ZERO_WIDTH, code) {
        0
    } else if in_ranges(&DOUBLE_WIDTH, code) {
        2
    } else {
        1
    }
}

/// Tells whether a code point lies in a sorted table of inclusive (start, end) pairs.
fn in_ranges(table: &[u32], code: u32) -> bool {
    let (mut low, mut high) = (0, table.len() / 2);
    while low < high {
        let middle = (low + high) / 2;
        if code < table[2 * middle] {
            high = middle;
        } else if code > table[2 * middle + 1] {
            low = middle + 1;
        } else {
            return true;
        }
    }
    false
}

/// Tells whether VS16 widens this character to two cells.
fn narrow_to_wide(c: char) -> bool {
    NARROW_TO_WIDE.binary_search(&u32::from(c)).is_ok()
}

/// Returns the number of cells text takes (`rich.cells.cell_len`).
fn cell_len(text: &[char]) -> i64 {
    if !text.iter().any(|c| *c == ZWJ || *c == VS16) {
        return text.iter().map(|c| char_width(*c)).sum();
    }
    // ZWJ joins the next character, which is therefore not measured; VS16 may widen the previous one.
    let mut total = 0;
    let mut last_measured = None;
    let mut index = 0;
    while let Some(c) = text.get(index).copied() {
        if c == ZWJ {
            index += 1;
        } else if c == VS16 {
            if let Some(previous) = last_measured.take() {
                total += i64::from(narrow_to_wide(previous));
            }
        } else if char_width(c) != 0 {
            last_measured = Some(c);
            total += char_width(c);
        }
        index += 1;
    }
    total
}

/// A grapheme as rich sees it: start and end index into the text, and its cells.
type GraphemeSpan = (usize, usize, i64);

/// Splits text into graphemes (`rich.cells.split_graphemes`): zero-width characters join the previous
/// grapheme, ZWJ swallows the character after it, VS16 may widen the previous one.
fn split_graphemes(text: &[char]) -> Vec<GraphemeSpan> {
    let mut spans: Vec<GraphemeSpan> = Vec::new();
    let mut last_measured: Option<char> = None;
    let mut index = 0;
    while index < text.len() {
        let c = text[index];
        let width = char_width(c);
        match spans.last_mut() {
            None if width == 0 || c == ZWJ || c == VS16 => {
                spans.push((index, index + 1, 0));
                index += 1;
            }
            Some(span) if c == ZWJ => {
                index += if index + 1 < text.len() { 2 } else { 1 };
                span.1 = index;
            }
            Some(span) if c == VS16 => {
                index += 1;
                if last_measured.is_some_and(narrow_to_wide) {
                    last_measured = None;
                    span.2 += 1;
                }
                span.1 = index;
            }
            Some(span) if width == 0 => {
                index += 1;
                span.1 = index;
            }
            _ => {
                last_measured = Some(c);
                spans.push((index, index + 1, width));
                index += 1;
            }
        }
    }
    spans
}

/// Splits text into lines of at most `width` cells, never inside a grapheme (`rich.cells.chop_cells`).
fn chop_cells(text: &[char], width: i64) -> Vec<Chars> {
    let mut lines = Vec::new();
    let mut line_size = 0;
    let mut line_offset = 0;
    for (start, _, size) in split_graphemes(text) {
        if line_size + size > width {
            lines.push(text[line_offset..start].to_vec());
            line_offset = start;
            line_size = 0;
        }
        line_size += size;
    }
    if line_size != 0 {
        lines.push(text[line_offset..].to_vec());
    }
    lines
}

/// Crops or pads text to exactly `total` cells; a wide character cut in half becomes a space
/// (`rich.cells.set_cell_size`).
fn set_cell_size(text: &[char], total: i64) -> Chars {
    if total <= 0 {
        return Vec::new();
    }
    let size = cell_len(text);
    if size <= total {
        let mut text = text.to_vec();
        text.extend(spaces(total - size));
        return text;
    }
    let mut left = 0;
    for (start, _, size) in split_graphemes(text) {
        if left == total {
            return text[..start].to_vec();
        }
        if left + size > total {
            let mut cropped = text[..start].to_vec();
            cropped.push(' ');
            return cropped;
        }
        left += size;
    }
    // Unreachable while cell_len and split_graphemes agree on the total (rich would raise IndexError).
    text.to_vec()
}

// ---------------------------------------------------------------------------------------------------------
// Console markup (rich.markup.render), reduced to what shows without colour.
// ---------------------------------------------------------------------------------------------------------

/// A markup tag found in the text: where the match starts and ends, its leading backslashes, and where
/// the text inside the brackets starts.
struct TagMatch {
    start: usize,
    end: usize,
    escapes: usize,
    name_start: usize,
}

/// Turns console markup into the plain text rich prints, checking closing tags as rich does.
fn parse_markup(markup: &str) -> Result<Chars, MarkupError> {
    let chars: Chars = markup.chars().collect();
    if !chars.contains(&'[') {
        return Ok(strip_control_codes(chars.into_iter()));
    }
    let mut plain = Vec::new();
    let mut open_tags: Vec<String> = Vec::new();
    let mut position = 0;
    while let Some(found) = find_tag(&chars, position) {
        push_plain(&mut plain, &chars[position..found.start]);
        position = found.end;
        let backslashes = found.escapes / 2;
        push_plain(&mut plain, &vec!['\\'; backslashes]);
        if found.escapes % 2 == 1 {
            // An escaped tag is literal text.
            push_plain(&mut plain, &chars[found.name_start - 1..found.end]);
            continue;
        }
        let tag: String = chars[found.name_start..found.end - 1].iter().collect();
        apply_tag(&tag, found.start + backslashes * 2, &mut open_tags)?;
    }
    push_plain(&mut plain, &chars[position..]);
    Ok(plain)
}

/// Finds the next match of rich's tag pattern `(\\*)\[([a-z#/@][^[]*?)]` at or after `from`.
fn find_tag(chars: &[char], from: usize) -> Option<TagMatch> {
    (from..chars.len()).find_map(|start| {
        let bracket = start + chars[start..].iter().take_while(|c| **c == '\\').count();
        let name_start = bracket + 1;
        let opens = chars.get(bracket) == Some(&'[')
            && chars.get(name_start).is_some_and(|c| c.is_ascii_lowercase() || matches!(c, '#' | '/' | '@'));
        if !opens {
            return None;
        }
        let close = chars[name_start + 1..].iter().position(|c| *c == ']' || *c == '[')?;
        let close = name_start + 1 + close;
        (chars[close] == ']').then_some(TagMatch { start, end: close + 1, escapes: bracket - start, name_start })
    })
}

/// Appends literal markup text, unescaping `\[` and dropping control codes.
fn push_plain(plain: &mut Chars, text: &[char]) {
    let mut index = 0;
    let mut unescaped = Vec::with_capacity(text.len());
    while index < text.len() {
        if text[index] == '\\' && text.get(index + 1) == Some(&'[') {
            index += 1;
        }
        unescaped.push(text[index]);
        index += 1;
    }
    plain.extend(strip_control_codes(unescaped.into_iter()));
}

/// Opens or closes a tag, failing like rich on closing tags that match nothing.
fn apply_tag(tag: &str, position: usize, open_tags: &mut Vec<String>) -> Result<(), MarkupError> {
    let (name, parameters) = match tag.split_once('=') {
        Some((name, parameters)) => (name, Some(parameters)),
        None => (tag, None),
    };
    let Some(closed) = name.strip_prefix('/') else {
        open_tags.push(normalize_style(name));
        return Ok(());
    };
    let closed = closed.trim_matches(py_isspace);
    if closed.is_empty() {
        return match open_tags.pop() {
            Some(_) => Ok(()),
            None => Err(MarkupError(format!("closing tag '[/]' at position {position} has nothing to close"))),
        };
    }
    let wanted = normalize_style(closed);
    match open_tags.iter().rposition(|open| *open == wanted) {
        Some(index) => {
            open_tags.remove(index);
            Ok(())
        }
        None => {
            let markup = parameters.map_or_else(|| format!("[{name}]"), |parameters| format!("[{name}={parameters}]"));
            Err(MarkupError(format!("closing tag '{markup}' at position {position} doesn't match any open tag")))
        }
    }
}

/// Normalises a style name for tag matching (rich's fallback of `Style.normalize`).
fn normalize_style(name: &str) -> String {
    name.trim_matches(py_isspace).to_lowercase()
}

// ---------------------------------------------------------------------------------------------------------
// Tables generated from rich 15.0.0 (rich/_unicode_data/unicode17-0-0.py).
// ---------------------------------------------------------------------------------------------------------

/// Inclusive code point ranges (start, end pairs) that rich 15.0.0 measures as zero cells (Unicode 17.0.0 table).
const ZERO_WIDTH: [u32; 676] = [
    0x0, 0x0, 0x300, 0x36F, 0x483, 0x489, 0x591, 0x5BD, 0x5BF, 0x5BF, 0x5C1, 0x5C2, 0x5C4, 0x5C5, 0x5C7, 0x5C7, 0x610,
    0x61A, 0x61C, 0x61C, 0x64B, 0x65F, 0x670, 0x670, 0x6D6, 0x6DC, 0x6DF, 0x6E4, 0x6E7, 0x6E8, 0x6EA, 0x6ED, 0x711,
    0x711, 0x730, 0x74A, 0x7A6, 0x7B0, 0x7EB, 0x7F3, 0x7FD, 0x7FD, 0x816, 0x819, 0x81B, 0x823, 0x825, 0x827, 0x829,
    0x82D, 0x859, 0x85B, 0x897, 0x89F, 0x8CA, 0x8E1, 0x8E3, 0x903, 0x93A, 0x93C, 0x93E, 0x94F, 0x951, 0x957, 0x962,
    0x963, 0x981, 0x983, 0x9BC, 0x9BC, 0x9BE, 0x9C4, 0x9C7, 0x9C8, 0x9CB, 0x9CD, 0x9D7, 0x9D7, 0x9E2, 0x9E3, 0x9FE,
    0x9FE, 0xA01, 0xA03, 0xA3C, 0xA3C, 0xA3E, 0xA42, 0xA47, 0xA48, 0xA4B, 0xA4D, 0xA51, 0xA51, 0xA70, 0xA71, 0xA75,
    0xA75, 0xA81, 0xA83, 0xABC, 0xABC, 0xABE, 0xAC5, 0xAC7, 0xAC9, 0xACB, 0xACD, 0xAE2, 0xAE3, 0xAFA, 0xAFF, 0xB01,
    0xB03, 0xB3C, 0xB3C, 0xB3E, 0xB44, 0xB47, 0xB48, 0xB4B, 0xB4D, 0xB55, 0xB57, 0xB62, 0xB63, 0xB82, 0xB82, 0xBBE,
    0xBC2, 0xBC6, 0xBC8, 0xBCA, 0xBCD, 0xBD7, 0xBD7, 0xC00, 0xC04, 0xC3C, 0xC3C, 0xC3E, 0xC44, 0xC46, 0xC48, 0xC4A,
    0xC4D, 0xC55, 0xC56, 0xC62, 0xC63, 0xC81, 0xC83, 0xCBC, 0xCBC, 0xCBE, 0xCC4, 0xCC6, 0xCC8, 0xCCA, 0xCCD, 0xCD5,
    0xCD6, 0xCE2, 0xCE3, 0xCF3, 0xCF3, 0xD00, 0xD03, 0xD3B, 0xD3C, 0xD3E, 0xD44, 0xD46, 0xD48, 0xD4A, 0xD4D, 0xD57,
    0xD57, 0xD62, 0xD63, 0xD81, 0xD83, 0xDCA, 0xDCA, 0xDCF, 0xDD4, 0xDD6, 0xDD6, 0xDD8, 0xDDF, 0xDF2, 0xDF3, 0xE31,
    0xE31, 0xE34, 0xE3A, 0xE47, 0xE4E, 0xEB1, 0xEB1, 0xEB4, 0xEBC, 0xEC8, 0xECE, 0xF18, 0xF19, 0xF35, 0xF35, 0xF37,
    0xF37, 0xF39, 0xF39, 0xF3E, 0xF3F, 0xF71, 0xF84, 0xF86, 0xF87, 0xF8D, 0xF97, 0xF99, 0xFBC, 0xFC6, 0xFC6, 0x102B,
    0x103E, 0x1056, 0x1059, 0x105E, 0x1060, 0x1062, 0x1064, 0x1067, 0x106D, 0x1071, 0x1074, 0x1082, 0x108D, 0x108F,
    0x108F, 0x109A, 0x109D, 0x1160, 0x11FF, 0x135D, 0x135F, 0x1712, 0x1715, 0x1732, 0x1734, 0x1752, 0x1753, 0x1772,
    0x1773, 0x17B4, 0x17D3, 0x17DD, 0x17DD, 0x180B, 0x180F, 0x1885, 0x1886, 0x18A9, 0x18A9, 0x1920, 0x192B, 0x1930,
    0x193B, 0x1A17, 0x1A1B, 0x1A55, 0x1A5E, 0x1A60, 0x1A7C, 0x1A7F, 0x1A7F, 0x1AB0, 0x1ADD, 0x1AE0, 0x1AEB, 0x1B00,
    0x1B04, 0x1B34, 0x1B44, 0x1B6B, 0x1B73, 0x1B80, 0x1B82, 0x1BA1, 0x1BAD, 0x1BE6, 0x1BF3, 0x1C24, 0x1C37, 0x1CD0,
    0x1CD2, 0x1CD4, 0x1CE8, 0x1CED, 0x1CED, 0x1CF4, 0x1CF4, 0x1CF7, 0x1CF9, 0x1DC0, 0x1DFF, 0x200B, 0x200F, 0x2028,
    0x202E, 0x2060, 0x206F, 0x20D0, 0x20F0, 0x2CEF, 0x2CF1, 0x2D7F, 0x2D7F, 0x2DE0, 0x2DFF, 0x302A, 0x302F, 0x3099,
    0x309A, 0x3164, 0x3164, 0xA66F, 0xA672, 0xA674, 0xA67D, 0xA69E, 0xA69F, 0xA6F0, 0xA6F1, 0xA802, 0xA802, 0xA806,
    0xA806, 0xA80B, 0xA80B, 0xA823, 0xA827, 0xA82C, 0xA82C, 0xA880, 0xA881, 0xA8B4, 0xA8C5, 0xA8E0, 0xA8F1, 0xA8FF,
    0xA8FF, 0xA926, 0xA92D, 0xA947, 0xA953, 0xA980, 0xA983, 0xA9B3, 0xA9C0, 0xA9E5, 0xA9E5, 0xAA29, 0xAA36, 0xAA43,
    0xAA43, 0xAA4C, 0xAA4D, 0xAA7B, 0xAA7D, 0xAAB0, 0xAAB0, 0xAAB2, 0xAAB4, 0xAAB7, 0xAAB8, 0xAABE, 0xAABF, 0xAAC1,
    0xAAC1, 0xAAEB, 0xAAEF, 0xAAF5, 0xAAF6, 0xABE3, 0xABEA, 0xABEC, 0xABED, 0xD7B0, 0xD7FF, 0xFB1E, 0xFB1E, 0xFE00,
    0xFE0F, 0xFE20, 0xFE2F, 0xFEFF, 0xFEFF, 0xFFA0, 0xFFA0, 0xFFF0, 0xFFFB, 0x101FD, 0x101FD, 0x102E0, 0x102E0,
    0x10376, 0x1037A, 0x10A01, 0x10A03, 0x10A05, 0x10A06, 0x10A0C, 0x10A0F, 0x10A38, 0x10A3A, 0x10A3F, 0x10A3F,
    0x10AE5, 0x10AE6, 0x10D24, 0x10D27, 0x10D69, 0x10D6D, 0x10EAB, 0x10EAC, 0x10EFA, 0x10EFF, 0x10F46, 0x10F50,
    0x10F82, 0x10F85, 0x11000, 0x11002, 0x11038, 0x11046, 0x11070, 0x11070, 0x11073, 0x11074, 0x1107F, 0x11082,
    0x110B0, 0x110BA, 0x110C2, 0x110C2, 0x11100, 0x11102, 0x11127, 0x11134, 0x11145, 0x11146, 0x11173, 0x11173,
    0x11180, 0x11182, 0x111B3, 0x111C0, 0x111C9, 0x111CC, 0x111CE, 0x111CF, 0x1122C, 0x11237, 0x1123E, 0x1123E,
    0x11241, 0x11241, 0x112DF, 0x112EA, 0x11300, 0x11303, 0x1133B, 0x1133C, 0x1133E, 0x11344, 0x11347, 0x11348,
    0x1134B, 0x1134D, 0x11357, 0x11357, 0x11362, 0x11363, 0x11366, 0x1136C, 0x11370, 0x11374, 0x113B8, 0x113C0,
    0x113C2, 0x113C2, 0x113C5, 0x113C5, 0x113C7, 0x113CA, 0x113CC, 0x113D0, 0x113D2, 0x113D2, 0x113E1, 0x113E2,
    0x11435, 0x11446, 0x1145E, 0x1145E, 0x114B0, 0x114C3, 0x115AF, 0x115B5, 0x115B8, 0x115C0, 0x115DC, 0x115DD,
    0x11630, 0x11640, 0x116AB, 0x116B7, 0x1171D, 0x1172B, 0x1182C, 0x1183A, 0x11930, 0x11935, 0x11937, 0x11938,
    0x1193B, 0x1193E, 0x11940, 0x11940, 0x11942, 0x11943, 0x119D1, 0x119D7, 0x119DA, 0x119E0, 0x119E4, 0x119E4,
    0x11A01, 0x11A0A, 0x11A33, 0x11A39, 0x11A3B, 0x11A3E, 0x11A47, 0x11A47, 0x11A51, 0x11A5B, 0x11A8A, 0x11A99,
    0x11B60, 0x11B67, 0x11C2F, 0x11C36, 0x11C38, 0x11C3F, 0x11C92, 0x11CA7, 0x11CA9, 0x11CB6, 0x11D31, 0x11D36,
    0x11D3A, 0x11D3A, 0x11D3C, 0x11D3D, 0x11D3F, 0x11D45, 0x11D47, 0x11D47, 0x11D8A, 0x11D8E, 0x11D90, 0x11D91,
    0x11D93, 0x11D97, 0x11EF3, 0x11EF6, 0x11F00, 0x11F01, 0x11F03, 0x11F03, 0x11F34, 0x11F3A, 0x11F3E, 0x11F42,
    0x11F5A, 0x11F5A, 0x13430, 0x13440, 0x13447, 0x13455, 0x1611E, 0x1612F, 0x16AF0, 0x16AF4, 0x16B30, 0x16B36,
    0x16F4F, 0x16F4F, 0x16F51, 0x16F87, 0x16F8F, 0x16F92, 0x16FE4, 0x16FE4, 0x16FF0, 0x16FF1, 0x1BC9D, 0x1BC9E,
    0x1BCA0, 0x1BCA3, 0x1CF00, 0x1CF2D, 0x1CF30, 0x1CF46, 0x1D165, 0x1D169, 0x1D16D, 0x1D182, 0x1D185, 0x1D18B,
    0x1D1AA, 0x1D1AD, 0x1D242, 0x1D244, 0x1DA00, 0x1DA36, 0x1DA3B, 0x1DA6C, 0x1DA75, 0x1DA75, 0x1DA84, 0x1DA84,
    0x1DA9B, 0x1DA9F, 0x1DAA1, 0x1DAAF, 0x1E000, 0x1E006, 0x1E008, 0x1E018, 0x1E01B, 0x1E021, 0x1E023, 0x1E024,
    0x1E026, 0x1E02A, 0x1E08F, 0x1E08F, 0x1E130, 0x1E136, 0x1E2AE, 0x1E2AE, 0x1E2EC, 0x1E2EF, 0x1E4EC, 0x1E4EF,
    0x1E5EE, 0x1E5EF, 0x1E6E3, 0x1E6E3, 0x1E6E6, 0x1E6E6, 0x1E6EE, 0x1E6EF, 0x1E6F5, 0x1E6F5, 0x1E8D0, 0x1E8D6,
    0x1E944, 0x1E94A, 0x1F3FB, 0x1F3FF, 0xE0000, 0xE0FFF,
];
/// Inclusive code point ranges (start, end pairs) that rich 15.0.0 measures as two cells (Unicode 17.0.0 table).
const DOUBLE_WIDTH: [u32; 252] = [
    0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0, 0x23F3, 0x23F3, 0x25FD, 0x25FE,
    0x2614, 0x2615, 0x2630, 0x2637, 0x2648, 0x2653, 0x267F, 0x267F, 0x268A, 0x268F, 0x2693, 0x2693, 0x26A1, 0x26A1,
    0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA, 0x26F2, 0x26F3,
    0x26F5, 0x26F5, 0x26FA, 0x26FA, 0x26FD, 0x26FD, 0x2705, 0x2705, 0x270A, 0x270B, 0x2728, 0x2728, 0x274C, 0x274C,
    0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797, 0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C,
    0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x2E80, 0x2E99, 0x2E9B, 0x2EF3, 0x2F00, 0x2FD5, 0x2FF0, 0x3029, 0x3030, 0x303E,
    0x3041, 0x3096, 0x309B, 0x30FF, 0x3105, 0x312F, 0x3131, 0x3163, 0x3165, 0x318E, 0x3190, 0x31E5, 0x31EF, 0x321E,
    0x3220, 0x3247, 0x3250, 0xA48C, 0xA490, 0xA4C6, 0xA960, 0xA97C, 0xAC00, 0xD7A3, 0xF900, 0xFAFF, 0xFE10, 0xFE19,
    0xFE30, 0xFE52, 0xFE54, 0xFE66, 0xFE68, 0xFE6B, 0xFF01, 0xFF60, 0xFFE0, 0xFFE6, 0x16FE0, 0x16FE3, 0x16FF2, 0x16FF6,
    0x17000, 0x18CD5, 0x18CFF, 0x18D1E, 0x18D80, 0x18DF2, 0x1AFF0, 0x1AFF3, 0x1AFF5, 0x1AFFB, 0x1AFFD, 0x1AFFE,
    0x1B000, 0x1B122, 0x1B132, 0x1B132, 0x1B150, 0x1B152, 0x1B155, 0x1B155, 0x1B164, 0x1B167, 0x1B170, 0x1B2FB,
    0x1D300, 0x1D356, 0x1D360, 0x1D376, 0x1F004, 0x1F004, 0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A,
    0x1F200, 0x1F202, 0x1F210, 0x1F23B, 0x1F240, 0x1F248, 0x1F250, 0x1F251, 0x1F260, 0x1F265, 0x1F300, 0x1F320,
    0x1F32D, 0x1F335, 0x1F337, 0x1F37C, 0x1F37E, 0x1F393, 0x1F3A0, 0x1F3CA, 0x1F3CF, 0x1F3D3, 0x1F3E0, 0x1F3F0,
    0x1F3F4, 0x1F3F4, 0x1F3F8, 0x1F3FA, 0x1F400, 0x1F43E, 0x1F440, 0x1F440, 0x1F442, 0x1F4FC, 0x1F4FF, 0x1F53D,
    0x1F54B, 0x1F54E, 0x1F550, 0x1F567, 0x1F57A, 0x1F57A, 0x1F595, 0x1F596, 0x1F5A4, 0x1F5A4, 0x1F5FB, 0x1F64F,
    0x1F680, 0x1F6C5, 0x1F6CC, 0x1F6CC, 0x1F6D0, 0x1F6D2, 0x1F6D5, 0x1F6D8, 0x1F6DC, 0x1F6DF, 0x1F6EB, 0x1F6EC,
    0x1F6F4, 0x1F6FC, 0x1F7E0, 0x1F7EB, 0x1F7F0, 0x1F7F0, 0x1F90C, 0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1F9FF,
    0x1FA70, 0x1FA7C, 0x1FA80, 0x1FA8A, 0x1FA8E, 0x1FAC6, 0x1FAC8, 0x1FAC8, 0x1FACD, 0x1FADC, 0x1FADF, 0x1FAEA,
    0x1FAEF, 0x1FAF8, 0x20000, 0x2FFFD, 0x30000, 0x3FFFD,
];
/// Code points that rich widens from one cell to two when followed by VARIATION SELECTOR-16.
const NARROW_TO_WIDE: [u32; 213] = [
    0x23, 0x2A, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139,
    0x2194, 0x2195, 0x2196, 0x2197, 0x2198, 0x2199, 0x21A9, 0x21AA, 0x2328, 0x23CF, 0x23ED, 0x23EE, 0x23EF, 0x23F1,
    0x23F2, 0x23F8, 0x23F9, 0x23FA, 0x24C2, 0x25AA, 0x25AB, 0x25B6, 0x25C0, 0x25FB, 0x25FC, 0x2600, 0x2601, 0x2602,
    0x2603, 0x2604, 0x260E, 0x2611, 0x2618, 0x261D, 0x2620, 0x2622, 0x2623, 0x2626, 0x262A, 0x262E, 0x262F, 0x2638,
    0x2639, 0x263A, 0x2640, 0x2642, 0x265F, 0x2660, 0x2663, 0x2665, 0x2666, 0x2668, 0x267B, 0x267E, 0x2692, 0x2694,
    0x2695, 0x2696, 0x2697, 0x2699, 0x269B, 0x269C, 0x26A0, 0x26A7, 0x26B0, 0x26B1, 0x26C8, 0x26CF, 0x26D1, 0x26D3,
    0x26E9, 0x26F0, 0x26F1, 0x26F4, 0x26F7, 0x26F8, 0x26F9, 0x2702, 0x2708, 0x2709, 0x270C, 0x270D, 0x270F, 0x2712,
    0x2714, 0x2716, 0x271D, 0x2721, 0x2733, 0x2734, 0x2744, 0x2747, 0x2763, 0x2764, 0x27A1, 0x2934, 0x2935, 0x2B05,
    0x2B06, 0x2B07, 0x1F170, 0x1F171, 0x1F17E, 0x1F17F, 0x1F321, 0x1F324, 0x1F325, 0x1F326, 0x1F327, 0x1F328, 0x1F329,
    0x1F32A, 0x1F32B, 0x1F32C, 0x1F336, 0x1F37D, 0x1F396, 0x1F397, 0x1F399, 0x1F39A, 0x1F39B, 0x1F39E, 0x1F39F,
    0x1F3CB, 0x1F3CC, 0x1F3CD, 0x1F3CE, 0x1F3D4, 0x1F3D5, 0x1F3D6, 0x1F3D7, 0x1F3D8, 0x1F3D9, 0x1F3DA, 0x1F3DB,
    0x1F3DC, 0x1F3DD, 0x1F3DE, 0x1F3DF, 0x1F3F3, 0x1F3F5, 0x1F3F7, 0x1F43F, 0x1F441, 0x1F4FD, 0x1F549, 0x1F54A,
    0x1F56F, 0x1F570, 0x1F573, 0x1F574, 0x1F575, 0x1F576, 0x1F577, 0x1F578, 0x1F579, 0x1F587, 0x1F58A, 0x1F58B,
    0x1F58C, 0x1F58D, 0x1F590, 0x1F5A5, 0x1F5A8, 0x1F5B1, 0x1F5B2, 0x1F5BC, 0x1F5C2, 0x1F5C3, 0x1F5C4, 0x1F5D1,
    0x1F5D2, 0x1F5D3, 0x1F5DC, 0x1F5DD, 0x1F5DE, 0x1F5E1, 0x1F5E3, 0x1F5E8, 0x1F5EF, 0x1F5F3, 0x1F5FA, 0x1F6CB,
    0x1F6CD, 0x1F6CE, 0x1F6CF, 0x1F6E0, 0x1F6E1, 0x1F6E2, 0x1F6E3, 0x1F6E4, 0x1F6E5, 0x1F6E9, 0x1F6F0, 0x1F6F3,
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// Renders every case with rich in one interpreter: JSON list of cases in, JSON list of results out.
    const RICH_SCRIPT: &str = r#"
import io, json, sys
from rich.console import Console
from rich.errors import MarkupError
from rich.table import Table

def render(case):
    console = Console(width=case["width"], file=io.StringIO(), force_terminal=False, color_system=None)
    if "page" in case:
        console.print(f"[dim]Page {case['page']}[/dim]")
    else:
        table = Table(show_header=case["show_header"], expand=True)
        for header, ratio, min_width in case["columns"]:
            table.add_column(header, no_wrap=False, overflow="fold", ratio=ratio, min_width=min_width)
        for row in case["rows"]:
            table.add_row(*row)
        console.print(table)
    return console.file.getvalue()

results = []
for case in json.loads(sys.stdin.buffer.read().decode("utf-8")):
    try:
        results.append({"ok": render(case)})
    except MarkupError as error:
        results.append({"err": str(error)})
sys.stdout.buffer.write(json.dumps(results).encode("ascii"))
"#;

    /// Cell values shaped like the CLI's data, plus the awkward cases rich handles specially.
    const CORPUS: &[&str] = &[
        "someone@myorg.com",
        "first.last+filter@example-company.co.uk",
        "averyveryverylongemailaddressthatkeepsgoing@subdomain.example-company.com",
        "Some One",
        "Jean-Luc Picard",
        "A very long display name with many short words in it",
        "  leading spaces",
        "trailing spaces   ",
        "inner    spaces",
        "tab\tseparated\tvalues",
        "two\nlines",
        "",
        "",
        "Zoë Ångström",
        "José Müller-Lüdenscheidt",
        "名前 テスト",
        "山田太郎",
        "김철수",
        "中文名字很长很长很长很长很长很长很长很长很长",
        "mixed中文abc文字def",
        "ＡＢＣ１２３ fullwidth",
        "emoji 😀 face",
        "family 👨\u{200d}👩\u{200d}👧 here",
        "heart ❤\u{fe0f} ok",
        "combining e\u{301}e\u{301}",
        "zero\u{200b}width",
        "no\u{a0}break\u{a0}space",
        "東京\u{3000}大阪",
        "usr_abc123",
        "usr_0123456789abcdefghijklmnopqrstuvwxyz0123456789",
        "owner",
        "collaborator",
        "readonly",
        "2024-03-01 09:30",
        "1999-12-31 23:59",
        "[bot] deployer",
        "a \\[b] c",
        "[bold]Bold[/bold] name",
        "[link=https://example.com]site[/link]",
        "bell\u{7}char",
        "cr\r\nlf",
    ];

    /// Characters for random cells (no `:`, which would invite emoji codes).
    const POOL: &[char] = &[
        'a', 'b', 'c', 'd', 'e', 'x', 'y', 'z', 'A', 'Q', '0', '7', '-', '_', '.', '@', ' ', ' ', ' ', 'é', 'ß', '中',
        '文', 'テ', '한', '😀', '\u{301}', '\u{200b}', '\u{3000}', '\t', '[', ']', '(', '\\',
    ];

    /// A deterministic SplitMix64 generator, so every run sees the same tables.
    struct Rng(u64);

    impl Rng {
        /// Returns the next 64 random bits.
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        /// Returns a number in `low..=high`.
        fn range(&mut self, low: usize, high: usize) -> usize {
            low + (self.next() % (high - low + 1) as u64) as usize
        }

        /// Returns true with the given percentage.
        fn chance(&mut self, percent: usize) -> bool {
            self.range(1, 100) <= percent
        }
    }

    /// One rendering to compare with rich.
    enum Case {
        Table { columns: Vec<Column>, rows: Vec<Vec<String>>, show_header: bool, width: usize },
        Page { page: usize, width: usize },
    }

    impl Case {
        /// Describes the case for the Python side.
        fn to_json(&self) -> Value {
            match self {
                Case::Table { columns, rows, show_header, width } => json!({
                    "columns": columns.iter().map(|c| json!([c.header, c.ratio, c.min_width])).collect::<Vec<_>>(),
                    "rows": rows,
                    "show_header": show_header,
                    "width": width,
                }),
                Case::Page { page, width } => json!({ "page": page, "width": width }),
            }
        }

        /// Renders the case with this module, errors as rich's message.
        fn render(&self) -> Result<String, String> {
            match self {
                Case::Table { columns, rows, show_header, width } => {
                    try_render(columns, rows, *show_header, *width).map_err(|error| error.0)
                }
                Case::Page { page, width } => Ok(page_marker(*page, *width)),
            }
        }
    }

    /// The five columns of `anyscale user list`.
    fn user_columns() -> Vec<Column> {
        [("EMAIL", 3, 20), ("NAME", 2, 12), ("ID", 2, 12), ("ROLE", 1, 10), ("CREATED AT", 1, 14)]
            .iter()
            .map(|(header, ratio, min_width)| Column {
                header: header.to_string(),
                ratio: *ratio,
                min_width: *min_width,
            })
            .collect()
    }

    /// Builds a cell from the corpus, from random characters, or (rarely) with broken markup.
    fn random_cell(rng: &mut Rng) -> String {
        if rng.chance(1) {
            return "x [/] y".to_string();
        }
        if rng.chance(70) {
            return CORPUS[rng.range(0, CORPUS.len() - 1)].to_string();
        }
        (0..rng.range(0, 50)).map(|_| POOL[rng.range(0, POOL.len() - 1)]).collect()
    }

    /// Builds a column set: mostly the CLI's, sometimes random ratios and minimums.
    fn random_columns(rng: &mut Rng) -> Vec<Column> {
        if rng.chance(75) {
            return user_columns();
        }
        let headers = ["EMAIL", "NAME", "ID", "ROLE", "CREATED AT", "X", "名前", "A LONG HEADER TITLE"];
        (0..rng.range(1, 6))
            .map(|_| Column {
                header: headers[rng.range(0, headers.len() - 1)].to_string(),
                ratio: rng.range(0, 3),
                min_width: rng.range(0, 24),
            })
            .collect()
    }

    /// Builds `count` random cases from a fixed seed.
    fn random_cases(count: usize) -> Vec<Case> {
        let mut rng = Rng(0x5eed_7ab1);
        (0..count)
            .map(|_| {
                if rng.chance(8) {
                    return Case::Page { page: rng.range(1, 200_000), width: rng.range(0, 12) };
                }
                let columns = random_columns(&mut rng);
                let rows =
                    (0..rng.range(0, 6)).map(|_| (0..columns.len()).map(|_| random_cell(&mut rng)).collect()).collect();
                let width = if rng.chance(85) { rng.range(40, 200) } else { rng.range(0, 39) };
                Case::Table { columns, rows, show_header: rng.chance(75), width }
            })
            .collect()
    }

    /// Renders all cases with rich; fails when the interpreter or rich is missing.
    fn run_rich(cases: &[Case]) -> Vec<Result<String, String>> {
        let python = std::env::var("PERMAUDIT_PYTHON").unwrap_or_else(|_| "python3".to_string());
        let mut child = Command::new(&python)
            .args(["-c", RICH_SCRIPT])
            .env_remove("UNICODE_VERSION")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {python} (set PERMAUDIT_PYTHON): {error}"));
        let input = Value::Array(cases.iter().map(Case::to_json).collect()).to_string();
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write cases");
        let output = child.wait_with_output().expect("wait for python");
        assert!(output.status.success(), "rich failed: {}", String::from_utf8_lossy(&output.stderr));
        let results: Vec<Value> = serde_json::from_slice(&output.stdout).expect("rich output is JSON");
        results
            .into_iter()
            .map(|result| match (result.get("ok"), result.get("err")) {
                (Some(Value::String(text)), _) => Ok(text.clone()),
                (_, Some(Value::String(message))) => Err(message.clone()),
                _ => panic!("unexpected result {result}"),
            })
            .collect()
    }

    #[test]
    fn matches_rich_on_random_tables() {
        let cases = random_cases(400);
        let expected = run_rich(&cases);
        assert_eq!(expected.len(), cases.len());
        let failures: Vec<String> = cases
            .iter()
            .zip(&expected)
            .filter(|(case, want)| case.render() != **want)
            .map(|(case, want)| format!("{}\nrich:\n{want:?}\nours:\n{:?}", case.to_json(), case.render()))
            .collect();
        assert!(failures.is_empty(), "{} of {} differ; first:\n{}", failures.len(), cases.len(), failures[0]);
    }

    /// The sample rows used by the golden cases.
    fn sample_rows() -> Vec<Vec<String>> {
        let rows = [
            ["someone@myorg.com", "Some One", "usr_abc123", "collaborator", "2024-03-01 09:30"],
            ["averyveryverylongemailaddress@example-company.com", "名前 テスト", "usr_0123456789abcdef", "owner", ""],
        ];
        rows.iter().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect()
    }

    #[test]
    fn renders_the_user_list_at_80_columns() {
        let expected = "\
┏━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┓
┃                         ┃                 ┃                ┃        ┃ CREATE ┃
┃ EMAIL                   ┃ NAME            ┃ ID             ┃ ROLE   ┃ D AT   ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━┩
│ someone@myorg.com       │ Some One        │ usr_abc123     │ collab │ 2024-0 │
│                         │                 │                │ orator │ 3-01   │
│                         │                 │                │        │ 09:30  │
│ averyveryverylongemaila │ 名前 テスト     │ usr_0123456789 │ owner  │        │
│ ddress@example-company. │                 │ abcdef         │        │        │
│ com                     │                 │                │        │        │
└─────────────────────────┴─────────────────┴────────────────┴────────┴────────┘
";
        assert_eq!(render(&user_columns(), &sample_rows(), true, 80), expected);
    }

    #[test]
    fn renders_without_header_using_the_square_box() {
        let expected = "\
┌──────────────────┬────────────┬────────────┬──────┬──────┐
│ someone@myorg.co │ Some One   │ usr_abc123 │ coll │ 2024 │
│ m                │            │            │ abor │ -03- │
│                  │            │            │ ator │ 01   │
│                  │            │            │      │ 09:3 │
│                  │            │            │      │ 0    │
└──────────────────┴────────────┴────────────┴──────┴──────┘
";
        assert_eq!(render(&user_columns(), &sample_rows()[..1], false, 60), expected);
    }

    #[test]
    fn renders_empty_tables() {
        let with_header = "\
┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━┳━━━━━━┓
┃                  ┃            ┃            ┃      ┃ CREA ┃
┃                  ┃            ┃            ┃      ┃ TED  ┃
┃ EMAIL            ┃ NAME       ┃ ID         ┃ ROLE ┃ AT   ┃
┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━╇━━━━━━┩
└──────────────────┴────────────┴────────────┴──────┴──────┘
";
        let without_header = "\
┌──────────────────┬────────────┬────────────┬──────┬──────┐
└──────────────────┴────────────┴────────────┴──────┴──────┘
";
        assert_eq!(render(&user_columns(), &[], true, 60), with_header);
        assert_eq!(render(&user_columns(), &[], false, 60), without_header);
    }

    #[test]
    fn crops_to_a_narrow_console() {
        let expected = "┏━━━━━━━━━━━\n┃ EMAIL     \n┡━━━━━━━━━━━\n│ someone@my\n│           \n└───────────\n";
        assert_eq!(render(&user_columns(), &sample_rows()[..1], true, 12), expected);
        assert_eq!(render(&user_columns(), &sample_rows(), true, 0), "");
    }

    #[test]
    fn prints_page_markers_without_markup() {
        assert_eq!(page_marker(2, 80), "Page 2\n");
        assert_eq!(page_marker(12, 3), "Pag\ne \n12\n");
        assert_eq!(page_marker(7, 0), "");
    }

    #[test]
    fn reports_markup_errors_like_rich() {
        let rows = vec![vec!["x [/] y".to_string()]];
        let columns = vec![Column { header: "A".to_string(), ratio: 1, min_width: 0 }];
        let error = try_render(&columns, &rows, true, 30).expect_err("unmatched closing tag");
        assert_eq!(error.0, "closing tag '[/]' at position 2 has nothing to close");
        assert!(render(&columns, &rows, true, 30).contains("│ x [/] y"));
        let rows = vec![vec!["x [/foo] y".to_string()]];
        let error = try_render(&columns, &rows, true, 30).expect_err("unmatched named tag");
        assert_eq!(error.0, "closing tag '[/foo]' at position 2 doesn't match any open tag");
    }

    #[test]
    fn picks_the_console_width_like_rich() {
        assert_eq!(console_width_with(None, None), 80);
        assert_eq!(console_width_with(Some("132"), None), 132);
        assert_eq!(console_width_with(Some("70"), Some(100)), 70);
        assert_eq!(console_width_with(Some("0"), Some(100)), 0);
        assert_eq!(console_width_with(Some(" 90"), None), 80);
        assert_eq!(console_width_with(Some("abc"), Some(100)), 100);
        assert_eq!(console_width_with(Some(""), Some(0)), 80);
    }

    #[test]
    fn measures_cells_like_rich() {
        let width = |text: &str| cell_len(&text.chars().collect::<Vec<_>>());
        assert_eq!(width("abc"), 3);
        assert_eq!(width("名前"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("❤\u{fe0f}"), 2);
        assert_eq!(width("👨\u{200d}👩\u{200d}👧"), 2);
        assert_eq!(width("a\u{7}\u{85}b"), 2);
    }
}
