//! The character classes PyYAML's emitter tests while analysing and writing scalars.

/// Reports whether a character is one of the line breaks PyYAML recognises.
pub(super) fn is_break(ch: char) -> bool {
    matches!(ch, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Reports whether a character counts as whitespace in PyYAML's indicator checks.
pub(super) fn is_blank_or_break(ch: char) -> bool {
    matches!(ch, '\0' | ' ' | '\t' | '\r') || is_break(ch)
}

/// Reports whether a character is printable ASCII (what `allow_unicode=False` leaves unescaped).
pub(super) fn is_printable_ascii(ch: char) -> bool {
    (' '..='~').contains(&ch)
}
