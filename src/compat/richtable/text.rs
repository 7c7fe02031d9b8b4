//! The character rules rich's text handling inherits from Python's `str` (`isspace`, `rstrip`,
//! `splitlines`), and the control codes rich strips from all text.

use super::Chars;

/// Tells whether Python's `str.isspace` (and the regex `\s`) accepts the character.
pub(super) fn py_isspace(c: char) -> bool {
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
pub(super) fn py_rstrip(text: &[char]) -> &[char] {
    let kept = text.len() - text.iter().rev().take_while(|c| py_isspace(**c)).count();
    &text[..kept]
}

/// Splits text at line boundaries as Python's `str.splitlines` does (no trailing empty line).
pub(super) fn py_splitlines(text: &[char]) -> Vec<&[char]> {
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
pub(super) fn strip_control_codes(text: impl Iterator<Item = char>) -> Chars {
    text.filter(|c| !matches!(c, '\u{7}' | '\u{8}' | '\u{b}' | '\u{c}' | '\r')).collect()
}
