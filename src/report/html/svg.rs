//! Horizontal stacked bar charts drawn as inline SVG: no script, no external reference, colours from
//! the report's stylesheet (by class, since the Content-Security-Policy forbids style attributes), and
//! every text escaped. Coordinates are whole pixels, so the same data gives the same bytes.

use std::fmt::Write as _;

/// One series of a chart: its name in the legend and the stylesheet class of its bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Series {
    pub name: &'static str,
    pub class: &'static str,
}

/// One bar: its label and one value per series.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub values: Vec<usize>,
}

/// A chart ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BarChart {
    /// A unique element id prefix (`chart-roles`); the SVG's title gets `<id>-title`.
    pub id: &'static str,
    pub title: String,
    pub series: Vec<Series>,
    pub bars: Vec<Bar>,
}

const WIDTH: usize = 760;
const LABEL_WIDTH: usize = 200;
const VALUE_WIDTH: usize = 70;
const ROW: usize = 20;
const BAR: usize = 14;
const LEGEND: usize = 26;
/// Longer labels are cut, with the whole label in the bar's tooltip.
const LABEL_CHARACTERS: usize = 30;

impl BarChart {
    /// Returns the chart as an `<svg>` element.
    pub fn to_svg(&self) -> String {
        let height = LEGEND + self.bars.len().max(1) * ROW + 6;
        let mut svg = String::with_capacity(512 + self.bars.len() * 256);
        let _ = write!(
            svg,
            "<svg class=\"chart\" id=\"{id}\" role=\"img\" aria-labelledby=\"{id}-title\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\"><title id=\"{id}-title\">{}</title>",
            escape(&self.title),
            id = self.id,
        );
        self.push_legend(&mut svg);
        let largest = self.bars.iter().map(|bar| bar.values.iter().sum::<usize>()).max().unwrap_or(0);
        for (position, bar) in self.bars.iter().enumerate() {
            self.push_bar(&mut svg, LEGEND + position * ROW, bar, largest);
        }
        if self.bars.is_empty() {
            let _ = write!(svg, "<text class=\"label\" x=\"{LABEL_WIDTH}\" y=\"{}\">none</text>", LEGEND + BAR);
        }
        svg.push_str("</svg>");
        svg
    }

    fn push_legend(&self, svg: &mut String) {
        let mut x = LABEL_WIDTH + 8;
        for series in &self.series {
            let _ = write!(
                svg,
                "<rect class=\"{}\" x=\"{x}\" y=\"4\" width=\"12\" height=\"12\"/><text class=\"legend\" x=\"{}\" y=\"14\">{}</text>",
                series.class,
                x + 16,
                escape(series.name)
            );
            x += 16 + 7 * series.name.chars().count() + 18;
        }
    }

    fn push_bar(&self, svg: &mut String, top: usize, bar: &Bar, largest: usize) {
        let label = shorten(&bar.label);
        let total: usize = bar.values.iter().sum();
        let _ = write!(
            svg,
            "<g><title>{}</title><text class=\"label\" x=\"{}\" y=\"{}\">{}</text>",
            escape(&tooltip(bar, &self.series)),
            LABEL_WIDTH,
            top + BAR - 2,
            escape(&label)
        );
        let span = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 8;
        let mut x = LABEL_WIDTH + 8;
        let mut drawn = 0;
        for (value, series) in bar.values.iter().zip(&self.series) {
            drawn += value;
            // Each segment ends where the running total ends, so rounding never adds up past the bar.
            let end = LABEL_WIDTH + 8 + scale(drawn, largest, span);
            if end > x || (*value > 0 && end == x) {
                let width = (end - x).max(1);
                let _ = write!(
                    svg,
                    "<rect class=\"{}\" x=\"{x}\" y=\"{top}\" width=\"{width}\" height=\"{BAR}\"/>",
                    series.class
                );
                x += width;
            }
        }
        let _ = write!(svg, "<text class=\"value\" x=\"{}\" y=\"{}\">{total}</text></g>", x + 4, top + BAR - 2);
    }
}

/// Returns `value` as a share of `span` pixels, `largest` filling the span.
fn scale(value: usize, largest: usize, span: usize) -> usize {
    if largest == 0 {
        return 0;
    }
    (value * span + largest / 2) / largest
}

/// Returns the bar's tooltip: its whole label and every series' value.
fn tooltip(bar: &Bar, series: &[Series]) -> String {
    let parts: Vec<String> =
        bar.values.iter().zip(series).map(|(value, series)| format!("{}: {value}", series.name)).collect();
    format!("{} — {}", bar.label, parts.join(", "))
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARACTERS {
        return label.to_owned();
    }
    let mut short: String = label.chars().take(LABEL_CHARACTERS - 1).collect();
    short.push('…');
    short
}

/// Returns text safe inside an SVG element or attribute of an HTML page.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(bars: Vec<Bar>) -> BarChart {
        BarChart {
            id: "chart-test",
            title: "Test <chart>".to_owned(),
            series: vec![Series { name: "a", class: "s-a" }, Series { name: "b", class: "s-b" }],
            bars,
        }
    }

    #[test]
    fn text_is_escaped_and_bars_never_exceed_their_span() {
        let svg = chart(vec![
            Bar { label: "<script>alert(1)</script>".to_owned(), values: vec![3, 1] },
            Bar { label: "small".to_owned(), values: vec![0, 1] },
        ])
        .to_svg();
        assert!(!svg.contains("<script") && svg.contains("&lt;script&gt;"), "{svg}");
        assert!(svg.contains("<title id=\"chart-test-title\">Test &lt;chart&gt;</title>"));
        let widths: Vec<usize> =
            svg.split("width=\"").skip(2).filter_map(|rest| rest.split('"').next()?.parse().ok()).collect();
        assert!(widths.iter().all(|&width| width <= WIDTH - LABEL_WIDTH - VALUE_WIDTH), "{widths:?}");
        assert!(svg.contains(">4</text>") && svg.contains(">1</text>"), "totals are written");
    }

    #[test]
    fn a_small_value_is_still_visible_and_an_empty_chart_says_so() {
        let svg = chart(vec![
            Bar { label: "big".to_owned(), values: vec![100_000, 0] },
            Bar { label: "tiny".to_owned(), values: vec![0, 1] },
        ])
        .to_svg();
        assert!(svg.contains("class=\"s-b\" x=\"208\" y=\"46\" width=\"1\""), "{svg}");
        assert!(chart(Vec::new()).to_svg().contains(">none</text>"));
    }
}
