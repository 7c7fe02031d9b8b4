//! The representer and the scalar analysis: what a scalar is (tag, text, implicit flags) and which
//! styles it allows (`Emitter.analyze_scalar`, `choose_scalar_style`), with the double-quoted escapes.

use super::chars::{is_blank_or_break, is_break, is_printable_ascii};
use super::resolver::{resolve, Tag};
use super::YamlValue;

/// A scalar event: its tag, text and the two `implicit` flags the serializer computes.
pub(super) struct Scalar {
    pub(super) tag: Tag,
    pub(super) text: Vec<char>,
    /// The plain form resolves back to `tag`.
    pub(super) plain_implicit: bool,
    /// The quoted form resolves back to `tag` (only true for strings).
    pub(super) quoted_implicit: bool,
}

impl Scalar {
    /// Builds the scalar event the representer and serializer produce for a tagged text.
    pub(super) fn new(tag: Tag, text: &str) -> Scalar {
        let text: Vec<char> = text.chars().collect();
        Scalar { tag, plain_implicit: resolve(&text) == tag, quoted_implicit: tag == Tag::Str, text }
    }

    /// Returns the scalar event for a value, or `None` for collections.
    pub(super) fn of(value: &YamlValue) -> Option<Scalar> {
        let (tag, text) = match value {
            YamlValue::Null => (Tag::Null, "null".to_owned()),
            YamlValue::Bool(b) => (Tag::Bool, b.to_string()),
            YamlValue::Int(i) => (Tag::Int, i.to_string()),
            YamlValue::Str(s) => (Tag::Str, s.clone()),
            YamlValue::Timestamp(t) => (Tag::Timestamp, t.clone()),
            YamlValue::List(_) | YamlValue::Map(_) => return None,
        };
        Some(Scalar::new(tag, &text))
    }
}

/// The scalar styles `yaml.dump` can pick for these values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    Single,
    Double,
}

/// The outcome of `Emitter.analyze_scalar` that matters in block context.
#[derive(Debug, Clone, Copy)]
pub(super) struct Analysis {
    pub(super) empty: bool,
    pub(super) multiline: bool,
    allow_block_plain: bool,
    allow_single_quoted: bool,
}

/// The raw observations `analyze_scalar` collects in its character scan.
#[derive(Debug, Default)]
struct ScanFlags {
    block_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

/// Analyses a scalar the way `Emitter.analyze_scalar` does.
pub(super) fn analyze(text: &[char]) -> Analysis {
    if text.is_empty() {
        return Analysis { empty: true, multiline: false, allow_block_plain: true, allow_single_quoted: true };
    }
    let flags = scan(text);
    let mut block_plain = true;
    let mut single = true;
    if flags.leading_space || flags.leading_break || flags.trailing_space || flags.trailing_break {
        block_plain = false;
    }
    if flags.break_space || flags.space_break || flags.special_characters {
        block_plain = false;
        single = false;
    }
    if flags.line_breaks || flags.block_indicators {
        block_plain = false;
    }
    Analysis { empty: false, multiline: flags.line_breaks, allow_block_plain: block_plain, allow_single_quoted: single }
}

/// Scans the characters of a non-empty scalar for indicators and whitespace combinations.
fn scan(text: &[char]) -> ScanFlags {
    let mut flags = ScanFlags::default();
    let starts = |p: &str| text.iter().copied().take(3).eq(p.chars());
    flags.block_indicators = starts("---") || starts("...");
    let n = text.len();
    let mut preceded_by_ws = true;
    let mut followed_by_ws = n == 1 || text.get(1).is_some_and(|&c| is_blank_or_break(c));
    let (mut previous_space, mut previous_break) = (false, false);
    for (index, &ch) in text.iter().enumerate() {
        if indicates_block(ch, index == 0, preceded_by_ws, followed_by_ws) {
            flags.block_indicators = true;
        }
        if is_break(ch) {
            flags.line_breaks = true;
        }
        // With allow_unicode=False every non-ASCII character is special as well.
        if !(ch == '\n' || is_printable_ascii(ch)) {
            flags.special_characters = true;
        }
        let last = index + 1 == n;
        if ch == ' ' {
            flags.leading_space |= index == 0;
            flags.trailing_space |= last;
            flags.break_space |= previous_break;
            (previous_space, previous_break) = (true, false);
        } else if is_break(ch) {
            flags.leading_break |= index == 0;
            flags.trailing_break |= last;
            flags.space_break |= previous_space;
            (previous_space, previous_break) = (false, true);
        } else {
            (previous_space, previous_break) = (false, false);
        }
        preceded_by_ws = is_blank_or_break(ch);
        followed_by_ws = index + 2 >= n || text.get(index + 2).is_some_and(|&c| is_blank_or_break(c));
    }
    flags
}

/// Reports whether a character is a block indicator at its position (flow ones are irrelevant
/// because scalars are never written inside a flow collection here).
fn indicates_block(ch: char, first: bool, preceded_by_ws: bool, followed_by_ws: bool) -> bool {
    if first {
        "#,[]{}&*!|>'\"%@`".contains(ch) || (matches!(ch, '?' | ':' | '-') && followed_by_ws)
    } else {
        (ch == ':' && followed_by_ws) || (ch == '#' && preceded_by_ws)
    }
}

/// Picks the style as `Emitter.choose_scalar_style` does in block context.
pub(super) fn choose_style(scalar: &Scalar, analysis: &Analysis, simple_key: bool) -> Style {
    let awkward_key = simple_key && (analysis.empty || analysis.multiline);
    if scalar.plain_implicit && !awkward_key && analysis.allow_block_plain {
        return Style::Plain;
    }
    if analysis.allow_single_quoted && !(simple_key && analysis.multiline) {
        return Style::Single;
    }
    Style::Double
}

/// Returns the double-quoted escape for a character PyYAML does not print literally.
pub(super) fn escape(ch: char) -> String {
    let short = match ch {
        '\0' => "0",
        '\x07' => "a",
        '\x08' => "b",
        '\t' => "t",
        '\n' => "n",
        '\x0B' => "v",
        '\x0C' => "f",
        '\r' => "r",
        '\x1B' => "e",
        '"' => "\"",
        '\\' => "\\",
        '\u{85}' => "N",
        '\u{A0}' => "_",
        '\u{2028}' => "L",
        '\u{2029}' => "P",
        _ => "",
    };
    let code = u32::from(ch);
    match (short, code) {
        ("", 0..=0xFF) => format!("\\x{code:02X}"),
        ("", 0x100..=0xFFFF) => format!("\\u{code:04X}"),
        ("", _) => format!("\\U{code:08X}"),
        _ => format!("\\{short}"),
    }
}

/// Reports whether the double-quoted writer escapes this character.
pub(super) fn needs_escape(ch: char) -> bool {
    matches!(ch, '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}') || !is_printable_ascii(ch)
}
