//! Checks the port against PyYAML: golden cases, and a differential test against the real library on
//! generated values.

use super::resolver::{resolve, Tag};
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
    let inputs = ["é", "€", "😀", "\0\x07\x08\t\n\x0b\x0c\r\x1b", "\u{85}\u{a0}\u{2028}\u{2029}\u{feff}", "a\"b\\c\tx"];
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
    'a', 'b', 'z', 'A', 'Q', '0', '1', '5', '9', ' ', ' ', ' ', '\n', '\n', '\t', '\r', ':', ':', '#', '-', '-', '?',
    '\'', '"', '\\', ',', '[', ']', '{', '}', '!', '&', '*', '|', '>', '%', '@', '`', '~', '=', '<', '.', '.', '_',
    '+', 'e', 'x', 'é', '€', '😀', '\u{85}', '\u{a0}', '\u{2028}', '\u{feff}', '\0', '\x1b', '\x7f',
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
        "0b", "0o", "f", "inf", "nan", "NaN", " ", "\t", "T", "t", "Z", "-01", "-1", "10:00:00", ".5", "+05:30", "\n",
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
    entries.push(("list", YamlValue::List(vec![s(text), map(vec![("a", s(text))]), YamlValue::List(vec![s(text)])])));
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
