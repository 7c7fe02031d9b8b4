//! Column widths: `Table._calculate_column_widths`, `_measure_column`, `_collapse_widths`, the
//! `Measurement` of text and padding, and `rich._ratio`.

use super::cells::cell_len;
use super::table::{text_of, CellText, Table, TableColumn};
use super::text::{py_isspace, py_splitlines};
use super::MarkupError;

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
pub(super) fn calculate_widths(table: &Table, max_width: i64) -> Result<Vec<i64>, MarkupError> {
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
