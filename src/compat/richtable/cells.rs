//! Cell widths: `rich.cells` (`cell_len`, `split_graphemes`, `chop_cells`, `set_cell_size`) over the
//! Unicode 17.0.0 table of `rich._unicode_data`, with the ZWJ and VS16 rules.

use super::unicode_data::{DOUBLE_WIDTH, NARROW_TO_WIDE, ZERO_WIDTH};
use super::{spaces, Chars};

/// Zero width joiner: glues emoji into one grapheme.
const ZWJ: char = '\u{200d}';
/// Variation selector 16: asks for the emoji (two-cell) presentation of the previous character.
const VS16: char = '\u{fe0f}';

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
pub(super) fn cell_len(text: &[char]) -> i64 {
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
pub(super) fn chop_cells(text: &[char], width: i64) -> Vec<Chars> {
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
pub(super) fn set_cell_size(text: &[char], total: i64) -> Chars {
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
