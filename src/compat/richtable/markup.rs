//! Console markup (`rich.markup.render`), reduced to what shows without colour: tags are dropped,
//! escapes resolved, and closing tags checked as rich checks them.

use super::text::{py_isspace, strip_control_codes};
use super::{Chars, MarkupError};

/// A markup tag found in the text: where the match starts and ends, its leading backslashes, and where
/// the text inside the brackets starts.
struct TagMatch {
    start: usize,
    end: usize,
    escapes: usize,
    name_start: usize,
}

/// Turns console markup into the plain text rich prints, checking closing tags as rich does.
pub(super) fn parse_markup(markup: &str) -> Result<Chars, MarkupError> {
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
