//! The emitter: the state machine of `yaml.emitter.Emitter`, written as recursive descent, with its
//! column tracking, indentation and the plain, single-quoted and double-quoted writers.

use super::chars::is_break;
use super::resolver::Tag;
use super::scalar::{analyze, choose_style, escape, needs_escape, Scalar, Style};
use super::YamlValue;

/// PyYAML's default `indent`.
const BEST_INDENT: usize = 2;
/// PyYAML's default `width`.
const BEST_WIDTH: usize = 80;
/// Keys whose tag plus text reach this many characters are written as `? key` complex keys.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// The context flags `Emitter.expect_node` receives.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

/// The writer state of PyYAML's emitter (column tracking, whitespace and indentation flags).
pub(super) struct Emitter {
    pub(super) out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    open_ended: bool,
    indent: Option<usize>,
    indents: Vec<Option<usize>>,
}

impl Default for Emitter {
    /// Creates an emitter at the start of a stream.
    fn default() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            open_ended: false,
            indent: None,
            indents: Vec::new(),
        }
    }
}

impl Emitter {
    /// Emits one implicit document followed by the stream end.
    pub(super) fn emit_document(&mut self, value: &YamlValue) {
        self.expect_node(value, Ctx { root: true, ..Ctx::default() });
        self.write_indent();
        // A plain top-level scalar leaves the document open, so PyYAML closes it with `...`.
        if self.open_ended {
            self.write_indicator("...", true, false, false);
            self.write_indent();
        }
    }

    /// Emits any node in the given context.
    fn expect_node(&mut self, value: &YamlValue, ctx: Ctx) {
        match value {
            YamlValue::List(items) if items.is_empty() => self.write_empty_flow("[", "]"),
            YamlValue::Map(entries) if entries.is_empty() => self.write_empty_flow("{", "}"),
            YamlValue::List(items) => self.expect_block_sequence(items, ctx),
            YamlValue::Map(entries) => self.expect_block_mapping(entries),
            _ => {
                if let Some(scalar) = Scalar::of(value) {
                    self.expect_scalar(&scalar, ctx);
                }
            }
        }
    }

    /// Writes an empty collection in flow style, the only flow output `yaml.dump` produces here.
    fn write_empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    /// Pushes the current indentation and computes the next one.
    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        self.indent = match self.indent {
            None if flow => Some(BEST_INDENT),
            None => Some(0),
            Some(i) if !indentless => Some(i + BEST_INDENT),
            same => same,
        };
    }

    /// Restores the indentation saved by the matching `increase_indent`.
    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().flatten();
    }

    /// Emits a block sequence; under a mapping key it is not indented, as in PyYAML.
    fn expect_block_sequence(&mut self, items: &[YamlValue], ctx: Ctx) {
        let indentless = ctx.mapping && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.expect_node(item, Ctx::default());
        }
        self.pop_indent();
    }

    /// Emits a block mapping, using `? key` for keys that cannot be simple keys.
    fn expect_block_mapping(&mut self, entries: &[(String, YamlValue)]) {
        self.increase_indent(false, false);
        let in_mapping = Ctx { mapping: true, ..Ctx::default() };
        for (key, value) in entries {
            self.write_indent();
            let key = Scalar::new(Tag::Str, key);
            if is_simple_key(&key) {
                self.expect_scalar(&key, Ctx { simple_key: true, ..in_mapping });
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.expect_scalar(&key, in_mapping);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.expect_node(value, in_mapping);
        }
        self.pop_indent();
    }

    /// Emits a scalar: its tag when it is not implicit, then its text in the chosen style.
    fn expect_scalar(&mut self, scalar: &Scalar, ctx: Ctx) {
        let analysis = analyze(&scalar.text);
        let style = choose_style(scalar, &analysis, ctx.simple_key);
        let implicit = if style == Style::Plain { scalar.plain_implicit } else { scalar.quoted_implicit };
        if !implicit {
            self.write_indicator(scalar.tag.short(), true, false, false);
        }
        self.increase_indent(true, false);
        // Simple keys must stay on one line, so they are never folded.
        let split = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(&scalar.text, split, ctx.root),
            Style::Single => self.write_single_quoted(&scalar.text, split),
            Style::Double => self.write_double_quoted(&scalar.text, split),
        }
        self.pop_indent();
    }

    /// Writes raw text and advances the column by its length in characters.
    fn write_raw(&mut self, text: &[char]) {
        self.column += text.len();
        self.out.extend(text);
    }

    /// Writes a string of ASCII text and advances the column.
    fn write_str(&mut self, text: &str) {
        self.column += text.chars().count();
        self.out.push_str(text);
    }

    /// Writes an indicator, preceded by a space when one is needed.
    fn write_indicator(&mut self, indicator: &str, need_whitespace: bool, whitespace: bool, indention: bool) {
        if !self.whitespace && need_whitespace {
            self.write_str(" ");
        }
        self.write_str(indicator);
        self.whitespace = whitespace;
        self.indention = self.indention && indention;
        self.open_ended = false;
    }

    /// Moves to the current indentation, starting a new line when already past it.
    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.write_line_break(None);
        }
        if self.column < indent {
            self.whitespace = true;
            self.out.push_str(&" ".repeat(indent - self.column));
            self.column = indent;
        }
    }

    /// Writes a line break (`\n` unless the scalar's own break is given).
    fn write_line_break(&mut self, data: Option<char>) {
        self.whitespace = true;
        self.indention = true;
        self.column = 0;
        self.out.push(data.unwrap_or('\n'));
    }

    /// Writes the line breaks of `breaks`, doubling a leading `\n` so that folding keeps it.
    fn write_folded_breaks(&mut self, breaks: &[char]) {
        if breaks.first() == Some(&'\n') {
            self.write_line_break(None);
        }
        for &br in breaks {
            self.write_line_break(if br == '\n' { None } else { Some(br) });
        }
    }

    /// Writes a plain scalar, folding at spaces past the width, as `Emitter.write_plain`.
    fn write_plain(&mut self, text: &[char], split: bool, root: bool) {
        if root {
            self.open_ended = true;
        }
        if text.is_empty() {
            return;
        }
        if !self.whitespace {
            self.write_str(" ");
        }
        self.whitespace = false;
        self.indention = false;
        let (mut spaces, mut breaks) = (false, false);
        let mut start = 0;
        for end in 0..=text.len() {
            let ch = text.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > BEST_WIDTH && split {
                        self.write_indent();
                        self.whitespace = false;
                        self.indention = false;
                    } else {
                        self.write_raw(&text[start..end]);
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    self.write_folded_breaks(&text[start..end]);
                    self.write_indent();
                    self.whitespace = false;
                    self.indention = false;
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || is_break(c)) {
                self.write_raw(&text[start..end]);
                start = end;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
    }

    /// Writes a single-quoted scalar, folding at single spaces past the width.
    fn write_single_quoted(&mut self, text: &[char], split: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut start = 0;
        let n = text.len();
        for end in 0..=n {
            let ch = text.get(end).copied();
            if spaces {
                if ch != Some(' ') {
                    if start + 1 == end && self.column > BEST_WIDTH && split && start != 0 && end != n {
                        self.write_indent();
                    } else {
                        self.write_raw(text.get(start..end).unwrap_or_default());
                    }
                    start = end;
                }
            } else if breaks {
                if !ch.is_some_and(is_break) {
                    self.write_folded_breaks(text.get(start..end).unwrap_or_default());
                    self.write_indent();
                    start = end;
                }
            } else if ch.is_none_or(|c| c == ' ' || c == '\'' || is_break(c)) && start < end {
                self.write_raw(&text[start..end]);
                start = end;
            }
            if ch == Some('\'') {
                self.write_str("''");
                start = end + 1;
            }
            if let Some(c) = ch {
                spaces = c == ' ';
                breaks = is_break(c);
            }
        }
        self.write_indicator("'", false, false, false);
    }

    /// Writes a double-quoted scalar with escapes, folding with a trailing `\` past the width.
    fn write_double_quoted(&mut self, text: &[char], split: bool) {
        self.write_indicator("\"", true, false, false);
        let mut start = 0;
        let n = text.len();
        for end in 0..=n {
            let ch = text.get(end).copied();
            if ch.is_none_or(needs_escape) {
                if start < end {
                    self.write_raw(&text[start..end]);
                    start = end;
                }
                if let Some(c) = ch {
                    self.write_str(&escape(c));
                    start = end + 1;
                }
            }
            // `start` may sit one past `end` right after an escape, hence the signed arithmetic.
            let pending = end as isize - start as isize;
            let too_wide = self.column as isize + pending > BEST_WIDTH as isize;
            if 0 < end && end + 1 < n && (ch == Some(' ') || start >= end) && too_wide && split {
                self.fold_double_quoted(text, &mut start, end);
            }
        }
        self.write_indicator("\"", false, false, false);
    }

    /// Breaks a double-quoted line with `\`, escaping a leading space on the continuation line.
    fn fold_double_quoted(&mut self, text: &[char], start: &mut usize, end: usize) {
        self.write_raw(text.get(*start..end).unwrap_or_default());
        self.write_str("\\");
        if *start < end {
            *start = end;
        }
        self.write_indent();
        self.whitespace = false;
        self.indention = false;
        if text.get(*start) == Some(&' ') {
            self.write_str("\\");
        }
    }
}

/// Reports whether a key can be written as `key: value`, as `Emitter.check_simple_key` does.
fn is_simple_key(key: &Scalar) -> bool {
    let analysis = analyze(&key.text);
    // PyYAML counts the prepared tag (`!!str`) too, even though it is never written.
    let length = key.tag.short().len() + key.text.len();
    length < MAX_SIMPLE_KEY_LEN && !analysis.empty && !analysis.multiline
}
