//! JSON written byte for byte as Python's `json.dumps(value, indent=N)` writes it: `", "`-free
//! separators, `[]` and `{}` for empty containers, and every character outside printable ASCII escaped
//! as `\uXXXX` (surrogate pairs above U+FFFF, lowercase hex), which is what `ensure_ascii` does.

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};
use std::io::{self, Write};

/// A serde_json formatter that reproduces Python's indented `json.dumps` output.
pub struct PythonFormatter {
    indent: usize,
    depth: usize,
    has_value: bool,
    ensure_ascii: bool,
}

impl PythonFormatter {
    /// Returns a formatter indenting by `indent` spaces, starting at nesting depth `depth`.
    pub fn new(indent: usize, depth: usize) -> Self {
        PythonFormatter { indent, depth, has_value: false, ensure_ascii: true }
    }

    /// Returns a formatter that writes characters outside ASCII as they are (`ensure_ascii=False`),
    /// which is also serde_json's pretty printer started at nesting depth `depth`.
    pub fn unicode(indent: usize, depth: usize) -> Self {
        PythonFormatter { ensure_ascii: false, ..PythonFormatter::new(indent, depth) }
    }

    fn newline<W: ?Sized + Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\n")?;
        write_spaces(writer, self.indent * self.depth)
    }
}

/// Writes `count` spaces.
pub fn write_spaces<W: ?Sized + Write>(writer: &mut W, count: usize) -> io::Result<()> {
    const SPACES: &[u8] = &[b' '; 64];
    let mut left = count;
    while left > 0 {
        let step = left.min(SPACES.len());
        writer.write_all(&SPACES[..step])?;
        left -= step;
    }
    Ok(())
}

impl Formatter for PythonFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(writer)?;
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.newline(writer)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(writer)?;
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.newline(writer)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        match self.ensure_ascii {
            true => write_ascii_escaped(writer, fragment),
            false => writer.write_all(fragment.as_bytes()),
        }
    }

    fn write_char_escape<W: ?Sized + Write>(&mut self, writer: &mut W, escape: CharEscape) -> io::Result<()> {
        let text: &[u8] = match escape {
            CharEscape::Quote => b"\\\"",
            CharEscape::ReverseSolidus => b"\\\\",
            CharEscape::Solidus => b"/",
            CharEscape::Backspace => b"\\b",
            CharEscape::FormFeed => b"\\f",
            CharEscape::LineFeed => b"\\n",
            CharEscape::CarriageReturn => b"\\r",
            CharEscape::Tab => b"\\t",
            CharEscape::AsciiControl(byte) => return write!(writer, "\\u{:04x}", byte),
        };
        writer.write_all(text)
    }
}

/// Writes a string fragment with every character outside `' '..='~'` as `\uXXXX` (UTF-16 units).
fn write_ascii_escaped<W: ?Sized + Write>(writer: &mut W, fragment: &str) -> io::Result<()> {
    let is_plain = |byte: &u8| (b' '..=b'~').contains(byte);
    if fragment.as_bytes().iter().all(is_plain) {
        return writer.write_all(fragment.as_bytes());
    }
    let mut units = [0u16; 2];
    for character in fragment.chars() {
        if (' '..='~').contains(&character) {
            writer.write_all(&[character as u8])?;
            continue;
        }
        for unit in character.encode_utf16(&mut units) {
            write!(writer, "\\u{:04x}", unit)?;
        }
    }
    Ok(())
}

/// Appends `text` as a JSON string literal, escaped as Python's `json.dumps` escapes it.
pub fn push_str(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    let is_plain = |byte: &u8| (b' '..=b'~').contains(byte) && *byte != b'"' && *byte != b'\\';
    if text.as_bytes().iter().all(is_plain) {
        out.extend_from_slice(text.as_bytes());
    } else {
        push_escaped(out, text);
    }
    out.push(b'"');
}

fn push_escaped(out: &mut Vec<u8>, text: &str) {
    let mut units = [0u16; 2];
    for character in text.chars() {
        match character {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            ' '..='~' => out.push(character as u8),
            _ => {
                for unit in character.encode_utf16(&mut units) {
                    out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
                }
            }
        }
    }
}

/// Writes `value` as Python's `json.dumps(value, indent=indent)` would, starting at nesting `depth`.
pub fn write<W: Write, T: Serialize + ?Sized>(writer: W, value: &T, indent: usize, depth: usize) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, PythonFormatter::new(indent, depth));
    value.serialize(&mut serializer).map_err(io::Error::other)
}

/// Returns `value` as Python's `json.dumps(value, indent=indent)` would print it.
pub fn to_string<T: Serialize + ?Sized>(value: &T, indent: usize) -> String {
    let mut buffer = Vec::new();
    // Writing to a Vec cannot fail, and serializing plain data produces no error.
    if write(&mut buffer, value, indent, 0).is_err() {
        return String::new();
    }
    // The formatter only writes ASCII.
    String::from_utf8(buffer).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_python_layout() {
        let value = json!({"a": [], "b": {}, "c": [1, {"d": null, "e": true}], "f": "x"});
        let expected = "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1,\n    {\n      \"d\": null,\n      \"e\": true\n    }\n  ],\n  \"f\": \"x\"\n}";
        assert_eq!(to_string(&value, 2), expected);
    }

    #[test]
    fn escapes_like_ensure_ascii() {
        let value = json!("é€😀\u{7f}\u{1}\"\\/\n\t\r\u{8}\u{c}");
        let expected = r#""\u00e9\u20ac\ud83d\ude00\u007f\u0001\"\\/\n\t\r\b\f""#;
        assert_eq!(to_string(&value, 2), expected);
    }

    #[test]
    fn push_str_escapes_like_the_formatter() {
        for text in ["plain", "é€😀\u{7f}\u{1}\"\\/\n\t\r\u{8}\u{c}", "", "a\u{1f}b"] {
            let mut pushed = Vec::new();
            push_str(&mut pushed, text);
            assert_eq!(String::from_utf8(pushed).unwrap(), to_string(&text, 2));
        }
    }

    #[test]
    fn top_level_empty_containers() {
        assert_eq!(to_string(&json!([]), 4), "[]");
        assert_eq!(to_string(&json!({}), 4), "{}");
    }
}
