//! Renders values exactly as PyYAML's `yaml.dump(value, sort_keys=False)` does (PyYAML 6 defaults).
//!
//! This is a faithful port of the parts of PyYAML's `Representer`, `Serializer`, `Resolver` and
//! `Emitter` that this value model can reach (default `Dumper`, `default_flow_style=False`,
//! `allow_unicode=False`, indent 2, width 80): block collections with the un-indented
//! `key:\n- item` sequence style, flow `[]`/`{}` for empty collections, the plain /
//! single-quoted / double-quoted scalar choice (including the implicit resolvers that force
//! quotes on `'true'`, `'1_000'`, `'2024-01-01'`, ...), PyYAML's escapes, line folding at width
//! 80, `? key` complex keys for empty, multi-line or long keys (123+ characters, since PyYAML
//! counts the unwritten `!!str` tag against its 128 limit), and the `...`
//! document end marker after a plain top-level scalar.
//!
//! Deliberately not reproduced, because the value model cannot express it: anchors and aliases
//! (PyYAML emits `&id001`/`*id001` only when one Python list or dict object appears twice),
//! floats, binary data, literal/folded block styles (never chosen by `yaml.dump` without
//! `default_style`), and duplicate keys (a Python dict cannot hold them; every entry given here is
//! printed in order).

use serde_json::Value;
use std::sync::OnceLock;

/// A value as the `anyscale` CLI hands it to `yaml.dump`.
#[derive(Debug, Clone, PartialEq)]
pub enum YamlValue {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    /// A datetime with offset, already in Python's `isoformat(' ')` form, e.g. `2026-01-05 00:00:00+00:00`; PyYAML prints it plain (unquoted), as a YAML timestamp.
    Timestamp(String),
    List(Vec<YamlValue>),
    /// Keys in insertion order (sort_keys=False).
    Map(Vec<(String, YamlValue)>),
}

/// Returns the document as `yaml.dump(value, sort_keys=False)` prints it (it ends with a newline).
pub fn to_pyyaml_string(value: &YamlValue) -> String {
    let mut emitter = Emitter::default();
    emitter.emit_document(value);
    emitter.out
}

/// Converts a JSON value to the YAML value model, keeping key order.
pub fn yaml_value(value: &Value) -> YamlValue {
    match value {
        Value::Null => YamlValue::Null,
        Value::Bool(flag) => YamlValue::Bool(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(integer) => YamlValue::Int(integer),
            None => YamlValue::Str(number.to_string()),
        },
        Value::String(text) => YamlValue::Str(text.clone()),
        Value::Array(items) => YamlValue::List(items.iter().map(yaml_value).collect()),
        Value::Object(map) => YamlValue::Map(map.iter().map(|(key, item)| (key.clone(), yaml_value(item))).collect()),
    }
}

/// PyYAML's default `indent`.
const BEST_INDENT: usize = 2;
/// PyYAML's default `width`.
const BEST_WIDTH: usize = 80;
/// Keys whose tag plus text reach this many characters are written as `? key` complex keys.
const MAX_SIMPLE_KEY_LEN: usize = 128;

/// Reports whether a character is one of the line breaks PyYAML recognises.
fn is_break(ch: char) -> bool {
    matches!(ch, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Reports whether a character counts as whitespace in PyYAML's indicator checks.
fn is_blank_or_break(ch: char) -> bool {
    matches!(ch, '\0' | ' ' | '\t' | '\r') || is_break(ch)
}

/// Reports whether a character is printable ASCII (what `allow_unicode=False` leaves unescaped).
fn is_printable_ascii(ch: char) -> bool {
    (' '..='~').contains(&ch)
}

// ---------------------------------------------------------------------------------------------
// Resolver: the implicit resolvers decide whether a plain scalar would read back as its own tag.
// ---------------------------------------------------------------------------------------------

/// The YAML tags the default resolver and representer can produce for these values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Null,
    Bool,
    Int,
    Float,
    Merge,
    Timestamp,
    Value,
    Yaml,
    Str,
}

impl Tag {
    /// Returns the tag as the emitter abbreviates it with the `!!` handle.
    fn short(self) -> &'static str {
        match self {
            Tag::Null => "!!null",
            Tag::Bool => "!!bool",
            Tag::Int => "!!int",
            Tag::Float => "!!float",
            Tag::Merge => "!!merge",
            Tag::Timestamp => "!!timestamp",
            Tag::Value => "!!value",
            Tag::Yaml => "!!yaml",
            Tag::Str => "!!str",
        }
    }
}

/// A tiny regular-expression tree, just enough to express the resolver's patterns exactly.
#[derive(Debug, Clone)]
enum Pat {
    Lit(&'static str),
    Class(fn(char) -> bool),
    Seq(Vec<Pat>),
    Alt(Vec<Pat>),
    Opt(Box<Pat>),
    Star(Box<Pat>),
    Plus(Box<Pat>),
}

/// Builds a literal pattern.
fn lit(s: &'static str) -> Pat {
    Pat::Lit(s)
}

/// Builds a one-character class pattern.
fn class(f: fn(char) -> bool) -> Pat {
    Pat::Class(f)
}

/// Builds a concatenation.
fn seq<const N: usize>(parts: [Pat; N]) -> Pat {
    Pat::Seq(parts.into())
}

/// Builds an alternation.
fn alt<const N: usize>(parts: [Pat; N]) -> Pat {
    Pat::Alt(parts.into())
}

/// Builds `p?`.
fn opt(p: Pat) -> Pat {
    Pat::Opt(Box::new(p))
}

/// Builds `p*`.
fn star(p: Pat) -> Pat {
    Pat::Star(Box::new(p))
}

/// Builds `p+`.
fn plus(p: Pat) -> Pat {
    Pat::Plus(Box::new(p))
}

/// Builds an alternation of literals.
fn words(list: &[&'static str]) -> Pat {
    Pat::Alt(list.iter().map(|w| lit(w)).collect())
}

/// Returns every end position reachable by matching `pat` from any marked start position.
///
/// Tracking sets of positions (rather than backtracking) gives exact regex semantics for
/// these backreference-free patterns.
fn step(pat: &Pat, text: &[char], starts: &[bool]) -> Vec<bool> {
    let mut ends = vec![false; starts.len()];
    match pat {
        Pat::Lit(s) => {
            let want: Vec<char> = s.chars().collect();
            for (i, _) in starts.iter().enumerate().filter(|(_, &on)| on) {
                if text.get(i..i + want.len()) == Some(&want[..]) {
                    ends[i + want.len()] = true;
                }
            }
        }
        Pat::Class(f) => {
            for (i, _) in starts.iter().enumerate().filter(|(_, &on)| on) {
                if text.get(i).is_some_and(|&c| f(c)) {
                    ends[i + 1] = true;
                }
            }
        }
        Pat::Seq(parts) => {
            ends = starts.to_vec();
            for part in parts {
                ends = step(part, text, &ends);
            }
        }
        Pat::Alt(parts) => {
            for part in parts {
                union_into(&mut ends, &step(part, text, starts));
            }
        }
        Pat::Opt(p) => {
            ends = starts.to_vec();
            union_into(&mut ends, &step(p, text, starts));
        }
        Pat::Star(p) => ends = closure(p, text, starts.to_vec()),
        Pat::Plus(p) => ends = closure(p, text, step(p, text, starts)),
    }
    ends
}

/// Adds the positions of `other` to `acc`.
fn union_into(acc: &mut [bool], other: &[bool]) {
    for (a, &o) in acc.iter_mut().zip(other) {
        *a |= o;
    }
}

/// Repeats `p` zero or more times from `reached` until no new position appears.
fn closure(p: &Pat, text: &[char], mut reached: Vec<bool>) -> Vec<bool> {
    let mut frontier = reached.clone();
    loop {
        let next = step(p, text, &frontier);
        let fresh: Vec<bool> = next.iter().zip(&reached).map(|(&n, &r)| n && !r).collect();
        if !fresh.contains(&true) {
            return reached;
        }
        union_into(&mut reached, &fresh);
        frontier = fresh;
    }
}

/// Reports whether `re.match('^(?:pat)$', text)` succeeds in Python.
///
/// Python's `$` also matches just before a final newline, so that case is accepted too.
fn full_match(pat: &Pat, text: &[char]) -> bool {
    let mut starts = vec![false; text.len() + 1];
    starts[0] = true;
    let ends = step(pat, text, &starts);
    let n = text.len();
    ends[n] || (text.last() == Some(&'\n') && ends[n - 1])
}

/// Matches an ASCII digit.
fn digit() -> Pat {
    class(|c| c.is_ascii_digit())
}

/// Matches `[0-9_]*`.
fn digits_or_underscores() -> Pat {
    star(class(|c| c.is_ascii_digit() || c == '_'))
}

/// Matches `[-+]?`.
fn sign() -> Pat {
    opt(class(|c| c == '-' || c == '+'))
}

/// Matches the sexagesimal tail `(?::[0-5]?[0-9])+`.
fn sexagesimal() -> Pat {
    plus(seq([lit(":"), opt(class(|c| ('0'..='5').contains(&c))), digit()]))
}

/// Builds the `tag:yaml.org,2002:bool` pattern.
fn bool_pattern() -> Pat {
    words(&[
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",
        "off", "Off", "OFF",
    ])
}

/// Builds the `tag:yaml.org,2002:float` pattern.
fn float_pattern() -> Pat {
    let exponent = || opt(seq([class(|c| c == 'e' || c == 'E'), class(|c| c == '-' || c == '+'), plus(digit())]));
    alt([
        seq([sign(), digit(), digits_or_underscores(), lit("."), digits_or_underscores(), exponent()]),
        seq([lit("."), digit(), digits_or_underscores(), exponent()]),
        seq([sign(), digit(), digits_or_underscores(), sexagesimal(), lit("."), digits_or_underscores()]),
        seq([sign(), lit("."), words(&["inf", "Inf", "INF"])]),
        seq([lit("."), words(&["nan", "NaN", "NAN"])]),
    ])
}

/// Builds the `tag:yaml.org,2002:int` pattern.
fn int_pattern() -> Pat {
    let nonzero = || class(|c| ('1'..='9').contains(&c));
    alt([
        seq([sign(), lit("0b"), plus(class(|c| matches!(c, '0' | '1' | '_')))]),
        seq([sign(), lit("0"), plus(class(|c| ('0'..='7').contains(&c) || c == '_'))]),
        seq([sign(), alt([lit("0"), seq([nonzero(), digits_or_underscores()])])]),
        seq([sign(), lit("0x"), plus(class(|c| c.is_ascii_hexdigit() || c == '_'))]),
        seq([sign(), nonzero(), digits_or_underscores(), sexagesimal()]),
    ])
}

/// Builds the `tag:yaml.org,2002:null` pattern.
fn null_pattern() -> Pat {
    words(&["~", "null", "Null", "NULL", ""])
}

/// Builds the `tag:yaml.org,2002:timestamp` pattern.
fn timestamp_pattern() -> Pat {
    let d = digit;
    let blank = || class(|c| c == ' ' || c == '\t');
    let offset = seq([
        star(blank()),
        alt([lit("Z"), seq([class(|c| c == '-' || c == '+'), d(), opt(d()), opt(seq([lit(":"), d(), d()]))])]),
    ]);
    alt([
        seq([d(), d(), d(), d(), lit("-"), d(), d(), lit("-"), d(), d()]),
        seq([
            d(),
            d(),
            d(),
            d(),
            lit("-"),
            d(),
            opt(d()),
            lit("-"),
            d(),
            opt(d()),
            alt([class(|c| c == 'T' || c == 't'), plus(blank())]),
            d(),
            opt(d()),
            lit(":"),
            d(),
            d(),
            lit(":"),
            d(),
            d(),
            opt(seq([lit("."), star(d())])),
            opt(offset),
        ]),
    ])
}

/// One implicit resolver: its tag, the first characters it is registered for, and its pattern.
struct ImplicitResolver {
    tag: Tag,
    first: &'static str,
    /// Whether it is also registered for the empty string (only the null resolver is).
    empty: bool,
    pattern: Pat,
}

/// Returns the default `Resolver`'s implicit resolvers, in registration order.
fn resolvers() -> &'static [ImplicitResolver] {
    static RESOLVERS: OnceLock<Vec<ImplicitResolver>> = OnceLock::new();
    RESOLVERS.get_or_init(|| {
        let make = |tag, first, empty, pattern| ImplicitResolver { tag, first, empty, pattern };
        vec![
            make(Tag::Bool, "yYnNtTfFoO", false, bool_pattern()),
            make(Tag::Float, "-+0123456789.", false, float_pattern()),
            make(Tag::Int, "-+0123456789", false, int_pattern()),
            make(Tag::Merge, "<", false, lit("<<")),
            make(Tag::Null, "~nN", true, null_pattern()),
            make(Tag::Timestamp, "0123456789", false, timestamp_pattern()),
            make(Tag::Value, "=", false, lit("=")),
            make(Tag::Yaml, "!&*", false, words(&["!", "&", "*"])),
        ]
    })
}

/// Returns the tag a plain scalar with this text resolves to, as `Resolver.resolve` does.
fn resolve(text: &[char]) -> Tag {
    // PyYAML only tries the resolvers registered under the first character (or '' when empty).
    let eligible = |r: &ImplicitResolver| match text.first() {
        None => r.empty,
        Some(&c) => r.first.contains(c),
    };
    resolvers().iter().find(|r| eligible(r) && full_match(&r.pattern, text)).map_or(Tag::Str, |r| r.tag)
}

// ---------------------------------------------------------------------------------------------
// Representer + analysis: what the scalar is and which styles it allows.
// ---------------------------------------------------------------------------------------------

/// A scalar event: its tag, text and the two `implicit` flags the serializer computes.
struct Scalar {
    tag: Tag,
    text: Vec<char>,
    /// The plain form resolves back to `tag`.
    plain_implicit: bool,
    /// The quoted form resolves back to `tag` (only true for strings).
    quoted_implicit: bool,
}

impl Scalar {
    /// Builds the scalar event the representer and serializer produce for a tagged text.
    fn new(tag: Tag, text: &str) -> Scalar {
        let text: Vec<char> = text.chars().collect();
        Scalar { tag, plain_implicit: resolve(&text) == tag, quoted_implicit: tag == Tag::Str, text }
    }

    /// Returns the scalar event for a value, or `None` for collections.
    fn of(value: &YamlValue) -> Option<Scalar> {
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
enum Style {
    Plain,
    Single,
    Double,
}

/// The outcome of `Emitter.analyze_scalar` that matters in block context.
#[derive(Debug, Clone, Copy)]
struct Analysis {
    empty: bool,
    multiline: bool,
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
fn analyze(text: &[char]) -> Analysis {
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
fn choose_style(scalar: &Scalar, analysis: &Analysis, simple_key: bool) -> Style {
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
fn escape(ch: char) -> String {
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
fn needs_escape(ch: char) -> bool {
    matches!(ch, '"' | '\\' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}') || !is_printable_ascii(ch)
}

// ---------------------------------------------------------------------------------------------
// Emitter: the state machine of `yaml.emitter.Emitter`, written as recursive descent.
// ---------------------------------------------------------------------------------------------

/// The context flags `Emitter.expect_node` receives.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    root: bool,
    mapping: bool,
    simple_key: bool,
}

/// The writer state of PyYAML's emitter (column tracking, whitespace and indentation flags).
struct Emitter {
    out: String,
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
    fn emit_document(&mut self, value: &YamlValue) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::process::{Command, Stdio};

    /// Builds a string value.
    fn s(text: &str) -> YamlValue {
        YamlValue::Str(text.to_owned())
    }

    /// Builds a map value from borrowed keys.
    fn map(entries: Vec<(&str, YamlValue)>) -> YamlValue {
        YamlValue::Map(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// Renders a value for the assertions below.
    fn dump(value: &YamlValue) -> String {
        to_pyyaml_string(value)
    }

    // ----- golden cases (expected text copied from PyYAML 6.0.3 output) -----

    #[test]
    fn nested_structure_uses_block_style_and_unindented_lists() {
        let ts = YamlValue::Timestamp("2026-01-05 00:00:00+00:00".to_owned());
        let deep_list = YamlValue::List(vec![
            YamlValue::List(vec![YamlValue::Int(1), YamlValue::List(vec![YamlValue::Int(2)])]),
            map(vec![("a", s("b"))]),
        ]);
        let item = map(vec![
            ("id", YamlValue::Int(1)),
            ("ok", YamlValue::Bool(true)),
            ("none", YamlValue::Null),
            ("neg", YamlValue::Int(-42)),
        ]);
        let value = map(vec![
            ("name", s("prod-cluster")),
            ("tags", YamlValue::List(vec![s("a"), s("b")])),
            ("items", YamlValue::List(vec![item])),
            ("empty_list", YamlValue::List(vec![])),
            ("empty_map", YamlValue::Map(vec![])),
            ("created_at", ts),
            ("deep", map(vec![("inner", map(vec![("list", deep_list)]))])),
        ]);
        let want = "name: prod-cluster\ntags:\n- a\n- b\nitems:\n- id: 1\n  ok: true\n  none: null\n  neg: -42\nempty_list: []\nempty_map: {}\ncreated_at: 2026-01-05 00:00:00+00:00\ndeep:\n  inner:\n    list:\n    - - 1\n      - - 2\n    - a: b\n";
        assert_eq!(dump(&value), want);
    }

    #[test]
    fn top_level_plain_scalars_get_document_end_marker() {
        let ts = YamlValue::Timestamp("2026-01-05 00:00:00+00:00".to_owned());
        assert_eq!(dump(&s("hello")), "hello\n...\n");
        assert_eq!(dump(&YamlValue::Null), "null\n...\n");
        assert_eq!(dump(&YamlValue::Bool(false)), "false\n...\n");
        assert_eq!(dump(&ts), "2026-01-05 00:00:00+00:00\n...\n");
        assert_eq!(dump(&s("123")), "'123'\n");
        assert_eq!(dump(&YamlValue::List(vec![])), "[]\n");
        assert_eq!(dump(&YamlValue::Map(vec![])), "{}\n");
        assert_eq!(dump(&YamlValue::List(vec![s("x"), YamlValue::Int(1)])), "- x\n- 1\n");
    }

    #[test]
    fn quotes_strings_that_would_resolve_to_other_types_or_start_with_indicators() {
        let inputs = [
            "",
            "true",
            "No",
            "on",
            "~",
            "null",
            "123",
            "0x1F",
            "1_000",
            "1.5",
            ".inf",
            "1:20",
            "2024-01-01",
            "2024-01-01 10:00:00",
            "<<",
            "=",
            " a",
            "a ",
            "a: b",
            "a:b",
            "a #b",
            "a#b",
            "- a",
            "-a",
            "?",
            ":",
            "[",
            "{",
            "!",
            "&",
            "*",
            "#",
            "|",
            ">",
            "'",
            "\"",
            "%",
            "@",
            "`",
            "---",
            "...",
            "it's",
            "09",
        ];
        let value = YamlValue::List(inputs.iter().map(|t| s(t)).collect());
        let want = "- ''\n- 'true'\n- 'No'\n- 'on'\n- '~'\n- 'null'\n- '123'\n- '0x1F'\n- '1_000'\n- '1.5'\n- '.inf'\n- '1:20'\n- '2024-01-01'\n- '2024-01-01 10:00:00'\n- '<<'\n- '='\n- ' a'\n- 'a '\n- 'a: b'\n- a:b\n- 'a #b'\n- a#b\n- '- a'\n- -a\n- '?'\n- ':'\n- '['\n- '{'\n- '!'\n- '&'\n- '*'\n- '#'\n- '|'\n- '>'\n- ''''\n- '\"'\n- '%'\n- '@'\n- '`'\n- '---'\n- '...'\n- it's\n- 09\n";
        assert_eq!(dump(&value), want);
    }

    #[test]
    fn escapes_non_printable_and_non_ascii_in_double_quotes() {
        let inputs =
            ["é", "€", "😀", "\0\x07\x08\t\n\x0b\x0c\r\x1b", "\u{85}\u{a0}\u{2028}\u{2029}\u{feff}", "a\"b\\c\tx"];
        let value = YamlValue::List(inputs.iter().map(|t| s(t)).collect());
        let want = "- \"\\xE9\"\n- \"\\u20AC\"\n- \"\\U0001F600\"\n- \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\"\n- \"\\N\\_\\L\\P\\uFEFF\"\n- \"a\\\"b\\\\c\\tx\"\n";
        assert_eq!(dump(&value), want);
    }

    #[test]
    fn multiline_strings_use_single_quotes_with_blank_line_folding() {
        let value = map(vec![("m", s("a\nb")), ("m2", s("a\n\nb\n")), ("sp", s("a \nb")), ("lead", s("\nx"))]);
        let want = "m: 'a\n\n  b'\nm2: 'a\n\n\n  b\n\n  '\nsp: \"a \\nb\"\nlead: '\n\n  x'\n";
        assert_eq!(dump(&value), want);
    }

    #[test]
    fn folds_long_scalars_at_width_80() {
        let words = "word ".repeat(30);
        let value = map(vec![
            ("plain", s(&format!("{words}end"))),
            ("single", s(&format!("'quoted {words}end"))),
            ("double", s(&format!("café {words}end"))),
            ("multi", s(&format!("line one {}\nline two", "x ".repeat(40)))),
        ]);
        let want = "plain: word word word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word word end\nsingle: '''quoted word word word word word word word word word word word word word\n  word word word word word word word word word word word word word word word word\n  word end'\ndouble: \"caf\\xE9 word word word word word word word word word word word word word\\\n  \\ word word word word word word word word word word word word word word word word\\\n  \\ word end\"\nmulti: \"line one x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x\\\n  \\ x x x x x x x \\nline two\"\n";
        assert_eq!(dump(&value), want);
    }

    #[test]
    fn empty_multiline_and_long_keys_become_complex_keys() {
        let long = "k".repeat(123);
        let limit = "k".repeat(122);
        let value = map(vec![
            ("", YamlValue::Int(1)),
            ("a\nb", YamlValue::Int(2)),
            (&long, YamlValue::Int(3)),
            (&limit, YamlValue::List(vec![YamlValue::Int(1)])),
        ]);
        let want = format!("? ''\n: 1\n? 'a\n\n  b'\n: 2\n? {long}\n: 3\n{limit}:\n- 1\n");
        assert_eq!(dump(&value), want);
    }

    #[test]
    fn non_timestamp_text_in_timestamp_gets_explicit_tag() {
        // Same as yaml.serialize(ScalarNode('tag:yaml.org,2002:timestamp', 'foo')).
        assert_eq!(dump(&YamlValue::Timestamp("foo".to_owned())), "!!timestamp 'foo'\n");
    }

    #[test]
    fn resolver_matches_python_regex_end_semantics() {
        let chars = |t: &str| t.chars().collect::<Vec<char>>();
        assert_eq!(resolve(&chars("123\n")), Tag::Int);
        assert_eq!(resolve(&chars("")), Tag::Null);
        assert_eq!(resolve(&chars("\n")), Tag::Str);
        assert_eq!(resolve(&chars("190:20:30.15")), Tag::Float);
        assert_eq!(resolve(&chars("2024-1-1 1:00:00 Z")), Tag::Timestamp);
        assert_eq!(resolve(&chars("0o17")), Tag::Str);
    }

    // ----- differential test against the real PyYAML -----

    /// Strings chosen to hit every branch of the resolver, analyzer and writers.
    #[rustfmt::skip]
    const TRICKY: &[&str] = &[
        "", "true", "True", "TRUE", "false", "No", "no", "NO", "yes", "Yes", "on", "On", "off",
        "OFF", "y", "n", "Y", "N", "~", "null", "Null", "NULL", "nul", "123", "-123", "+12", "0",
        "-0", "00", "017", "09", "0o17", "0x1F", "0x_1f", "0b101", "0b2", "1_000", "1__0", "_1",
        "1.5", "1.", ".5", "-.5", "1e5", "1.0e+5", "1.0e5", "1.5E-3", ".inf", "-.inf", "+.INF",
        ".Inf", ".NaN", ".nan", ".NAN", "-.nan", "1:20", "1:20:30", "-1:20", "1:70", "1:20.5",
        "190:20:30.15", "0:20", "2024-01-01", "2024-1-1", "2024-01-01 10:00:00",
        "2024-01-01T10:00:00Z", "2024-1-1 1:00:00 Z", "2024-01-01 10:00:00.123 +05:30",
        "2024-01-01 10:00:00 -5", "2024-01-01\t10:00:00", "2024-01-01  10:00:00",
        "2024-01-01 10:00", "<<", "<", "=", "==", "!", "&", "*", "! ", "lead", " lead", "trail ",
        " ", "  ", "a: b", "a:b", "a:", "a :b", "a #b", "a#b", "#a", "- a", "-a", "-", "--", "---",
        "---a", "--- a", "...", "...a", "..", "? a", "?a", "?", "a?", ":", ":a", ": a", "[a", "a[",
        "{a", "a}", "a,b", ",a", "!a", "&a", "*a", "|a", ">a", "'a", "a'b", "\"a", "a\"b", "%a",
        "@a", "`a", "a`", "a\nb", "a\n\nb", "a\n\n\nb", "a\n", "\na", "\n", "\n\n", "a \nb",
        "a\n b", "a\n\n b", "a\tb", "\ta", "a\r\nb", "é", "café", "€", "😀", "a😀b", "\u{85}",
        "a\u{85}b", "\u{a0}", "\u{2028}", "\u{2029}", "\u{feff}", "\u{ffff}", "\u{10ffff}",
        "\u{e000}", "\0", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\u{9f}", "\r",
        "back\\slash", "quo\"te", "it's", "it''s", "'", "''", "\"", "a  b", "a   b", "x y z",
        "key: value # comment", "http://x.y/z?a=b#c", "@timestamp", "C:\\Users", "-1", "- 1", "+",
        "+a", ".", ".a", "a.b", "1.2.3", "1,000", "$HOME", "50%", "a=b", "~a", "a~", "{}", "[]",
        "[a, b]", "{a: b}", "a, b", "q?", "a ?b", "it's a\nmulti-line 'quoted' string",
        "tab\tand\nnewline", "trailing\n\n", " \n ",
    ];

    /// A small fixed-seed generator (xorshift64*) so the corpus is reproducible.
    struct Rng(u64);

    impl Rng {
        /// Returns the next pseudo-random number.
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        /// Returns a number in `0..n`.
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// Picks an element of a slice.
        fn pick<T: Copy>(&mut self, items: &[T]) -> T {
            items[self.below(items.len())]
        }
    }

    /// Characters the random strings are drawn from (weighted towards the troublesome ones).
    const ALPHABET: &[char] = &[
        'a', 'b', 'z', 'A', 'Q', '0', '1', '5', '9', ' ', ' ', ' ', '\n', '\n', '\t', '\r', ':', ':', '#', '-', '-',
        '?', '\'', '"', '\\', ',', '[', ']', '{', '}', '!', '&', '*', '|', '>', '%', '@', '`', '~', '=', '<', '.', '.',
        '_', '+', 'e', 'x', 'é', '€', '😀', '\u{85}', '\u{a0}', '\u{2028}', '\u{feff}', '\0', '\x1b', '\x7f',
    ];

    /// Generates a short random string from the tricky alphabet.
    fn random_short(rng: &mut Rng) -> String {
        let len = rng.below(12);
        (0..len).map(|_| rng.pick(ALPHABET)).collect()
    }

    /// Generates a long sentence that needs folding; `flavor` adds quotes, breaks or non-ASCII.
    fn random_long(rng: &mut Rng, flavor: usize) -> String {
        let target = 60 + rng.below(340);
        let mut out = String::new();
        while out.chars().count() < target {
            let word_len = 1 + rng.below(if flavor == 5 { 90 } else { 14 });
            out.extend((0..word_len).map(|_| rng.pick(&['a', 'b', 'c', 'd', 'e', 'x', 'y', '1'])));
            out.push_str(rng.pick(&[" ", " ", " ", " ", "  ", "   "]));
        }
        let at = rng.below(out.len());
        let at = (0..=at).rev().find(|&i| out.is_char_boundary(i)).unwrap_or(0);
        match flavor {
            1 => out.insert(0, '\''),
            8 => out = sprinkle_escapes(rng, &out),
            9 => out.insert_str(at, " \n"),
            2 => out.insert(at, '\n'),
            3 => out.insert_str(at, "\n\n"),
            4 => out.insert(at, 'é'),
            6 => out.insert_str(at, "\n \n"),
            7 => out.insert(at, '\t'),
            _ => {}
        }
        out.trim_end_matches(' ').to_owned()
    }

    /// Replaces about one character in eight with one that double quotes must escape.
    fn sprinkle_escapes(rng: &mut Rng, text: &str) -> String {
        let escaped = ['é', '\t', '😀', '\u{85}', '"', '\\', '\u{2028}', '\0'];
        text.chars().map(|c| if rng.below(8) == 0 { rng.pick(&escaped) } else { c }).collect()
    }

    /// Generates strings close to the int/float/timestamp patterns, where the resolver is subtle.
    fn random_numberish(rng: &mut Rng) -> String {
        const PIECES: &[&str] = &[
            "0", "1", "5", "7", "9", "12", "2024", "_", ".", ":", ":59", ":60", "-", "+", "e", "E", "e+", "e-3", "0x",
            "0b", "0o", "f", "inf", "nan", "NaN", " ", "\t", "T", "t", "Z", "-01", "-1", "10:00:00", ".5", "+05:30",
            "\n",
        ];
        (0..1 + rng.below(6)).map(|_| rng.pick(PIECES)).collect()
    }

    /// Builds every test string: the tricky list, random short ones and long folding ones.
    fn corpus_strings(rng: &mut Rng) -> Vec<String> {
        let mut strings: Vec<String> = TRICKY.iter().map(|t| (*t).to_owned()).collect();
        strings.extend((0..200).map(|_| random_short(rng)));
        strings.extend((0..200).map(|_| random_numberish(rng)));
        strings.extend((0..200).map(|i| random_long(rng, i % 10)));
        strings.extend(["é".repeat(100), "\t".repeat(90), "a\u{85}".repeat(60), "x".repeat(300)]);
        for len in [121, 122, 123, 124, 127, 128, 200] {
            strings.push("k".repeat(len));
            strings.push(random_long(rng, 0).chars().take(len).collect());
        }
        strings
    }

    /// Embeds one string as value, key, list item and deeply nested value.
    fn embed(text: &str) -> YamlValue {
        let mut entries = vec![("k", s(text))];
        if !["k", "list", "nested"].contains(&text) {
            entries.push((text, s("v")));
        }
        entries
            .push(("list", YamlValue::List(vec![s(text), map(vec![("a", s(text))]), YamlValue::List(vec![s(text)])])));
        let deeper = map(vec![("x", s(text)), ("l", YamlValue::List(vec![s(text)]))]);
        entries.push(("nested", map(vec![("deeper", deeper)])));
        map(entries)
    }

    /// Generates a random tree of every value kind with unique keys per map.
    fn random_tree(rng: &mut Rng, keys: &[String], depth: usize) -> YamlValue {
        let kind = if depth == 0 { rng.below(6) } else { rng.below(8) };
        match kind {
            0 => YamlValue::Null,
            1 => YamlValue::Bool(rng.below(2) == 0),
            2 => YamlValue::Int(rng.next() as i64 >> rng.below(64)),
            3 => YamlValue::Str(keys[rng.below(keys.len())].clone()),
            4 => YamlValue::Timestamp(rng.pick(&TIMESTAMPS).to_owned()),
            5 if rng.below(2) == 0 => YamlValue::List(vec![]),
            5 => YamlValue::Map(vec![]),
            6 => YamlValue::List((0..rng.below(4)).map(|_| random_tree(rng, keys, depth - 1)).collect()),
            _ => {
                let mut entries: Vec<(String, YamlValue)> = Vec::new();
                for _ in 0..rng.below(4) {
                    let key = keys[rng.below(keys.len())].clone();
                    if entries.iter().all(|(k, _)| *k != key) {
                        entries.push((key, random_tree(rng, keys, depth - 1)));
                    }
                }
                YamlValue::Map(entries)
            }
        }
    }

    /// Timestamps in the form `datetime.isoformat(' ')` produces.
    const TIMESTAMPS: [&str; 4] = [
        "2026-01-05 00:00:00+00:00",
        "2024-02-29 13:45:10.123456-05:30",
        "1999-12-31 23:59:59",
        "2026-07-01 08:00:00.000001+14:00",
    ];

    /// Encodes a value as JSON; timestamps become `{"$ts": ...}` for the Python side.
    fn to_json(value: &YamlValue, out: &mut String) {
        match value {
            YamlValue::Null => out.push_str("null"),
            YamlValue::Bool(b) => out.push_str(&b.to_string()),
            YamlValue::Int(i) => out.push_str(&i.to_string()),
            YamlValue::Str(text) => json_str(text, out),
            YamlValue::Timestamp(text) => {
                out.push_str("{\"$ts\":");
                json_str(text, out);
                out.push('}');
            }
            YamlValue::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { "," });
                    to_json(item, out);
                }
                out.push(']');
            }
            YamlValue::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    out.push_str(if i == 0 { "" } else { "," });
                    json_str(k, out);
                    out.push(':');
                    to_json(v, out);
                }
                out.push('}');
            }
        }
    }

    /// Encodes a JSON string with every non-printable-ASCII character as `\uXXXX`.
    fn json_str(text: &str, out: &mut String) {
        out.push('"');
        for ch in text.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                ' '..='~' => out.push(ch),
                _ => {
                    let mut buf = [0u16; 2];
                    for unit in ch.encode_utf16(&mut buf) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
            }
        }
        out.push('"');
    }

    /// Python side: one `yaml.dump` per document, each terminated by NUL (never in the ASCII output).
    const PY_SCRIPT: &str = r#"
import sys, json, datetime, yaml
def hook(pairs):
    if len(pairs) == 1 and pairs[0][0] == '$ts':
        return datetime.datetime.fromisoformat(pairs[0][1])
    return dict(pairs)
docs = json.loads(sys.stdin.read(), object_pairs_hook=hook)
assert yaml.__version__.startswith('6.'), yaml.__version__
sys.stdout.write(''.join(yaml.dump(d, sort_keys=False) + '\0' for d in docs))
"#;

    /// Dumps every document with the real PyYAML in a single python3 process.
    fn python_dumps(docs: &[YamlValue]) -> Vec<String> {
        let mut json = String::from("[");
        for (i, doc) in docs.iter().enumerate() {
            json.push_str(if i == 0 { "" } else { "," });
            to_json(doc, &mut json);
        }
        json.push(']');
        let mut child = Command::new("python3")
            .args(["-c", PY_SCRIPT])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with PyYAML 6 is required for this test (CI installs it)");
        child.stdin.take().expect("stdin").write_all(json.as_bytes()).expect("write to python3");
        let output = child.wait_with_output().expect("python3 output");
        assert!(output.status.success(), "python3/PyYAML failed: {}", output.status);
        let text = String::from_utf8(output.stdout).expect("PyYAML output is ASCII");
        let mut dumps: Vec<String> = text.split('\0').map(str::to_owned).collect();
        assert_eq!(dumps.pop().as_deref(), Some(""), "output ends with a separator");
        dumps
    }

    /// Builds the whole differential corpus.
    fn corpus() -> Vec<YamlValue> {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let strings = corpus_strings(&mut rng);
        let mut docs: Vec<YamlValue> = strings.iter().map(|t| embed(t)).collect();
        docs.extend(strings.iter().map(|t| s(t)));
        docs.extend((0..150).map(|_| random_tree(&mut rng, &strings, 4)));
        docs.extend(TIMESTAMPS.iter().map(|t| YamlValue::Timestamp((*t).to_owned())));
        docs.extend([YamlValue::Null, YamlValue::Bool(false), YamlValue::Int(i64::MIN)]);
        docs.extend([YamlValue::List(vec![]), YamlValue::Map(vec![])]);
        docs
    }

    #[test]
    fn matches_real_pyyaml_on_corpus() {
        let docs = corpus();
        assert!(docs.len() >= 300, "corpus too small: {}", docs.len());
        let expected = python_dumps(&docs);
        assert_eq!(expected.len(), docs.len());
        let failures: Vec<String> = docs
            .iter()
            .zip(&expected)
            .filter(|(doc, want)| dump(doc) != **want)
            .map(|(doc, want)| format!("value: {doc:?}\nwant: {want:?}\ngot:  {:?}", dump(doc)))
            .collect();
        let shown: Vec<&String> = failures.iter().take(5).collect();
        assert!(failures.is_empty(), "{} of {} differ:\n{shown:#?}", failures.len(), docs.len());
    }
}
