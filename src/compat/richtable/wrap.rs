//! Text wrapping: `Text.wrap` with `overflow="fold"`, `rich._wrap.divide_line`, `Lines.justify`,
//! `Text.truncate`, `rstrip_end` and `expand_tabs`.

use super::cells::{cell_len, chop_cells, set_cell_size};
use super::text::{py_isspace, py_rstrip};
use super::{spaces, to_i64, Chars};

/// rich's default tab size (`Console.tab_size`).
const TAB_SIZE: i64 = 8;

/// Wraps text to `width` cells with `overflow="fold"`; `pad` selects `justify="left"` over `"default"`.
pub(super) fn wrap(text: &[char], width: i64, pad: bool) -> Vec<Chars> {
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
