//! Reading the YAML of policies and exemptions with errors that name the line and the key: the
//! parser's own errors carry both, and a check made after parsing finds the line of the key it blames
//! with [`locate`].

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Where in a YAML file something is wrong, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    /// The line (from 1), when the parser knows it.
    pub line: Option<usize>,
    /// The key, as a path such as `rules[1].allow.groups[0]` (`.` for the whole document).
    pub key: String,
    pub message: String,
}

impl fmt::Display for YamlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}, ")?;
        }
        write!(f, "key `{}`: {}", self.key, self.message)
    }
}

/// One step of a key path: a mapping key or a sequence position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(&'static str),
    Index(usize),
}

/// Returns a key path in the notation of the errors: `rules[1].id`.
pub fn key_path(steps: &[Step]) -> String {
    let mut path = String::new();
    for step in steps {
        match step {
            Step::Key(key) if path.is_empty() => path.push_str(key),
            Step::Key(key) => {
                path.push('.');
                path.push_str(key);
            }
            Step::Index(position) => path.push_str(&format!("[{position}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// Parses `text` into `T`, or says where and why it cannot.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, YamlProblem> {
    if text.trim().is_empty() {
        return Err(YamlProblem { line: None, key: ".".to_owned(), message: "the file is empty".to_owned() });
    }
    let deserializer = serde_norway::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let key = error.path().to_string();
        let inner = error.into_inner();
        let line = inner.location().map(|location| location.line());
        YamlProblem { line, message: bare_message(&inner, &key), key }
    })
}

/// Returns a problem found after parsing at `steps`, with the line of that key when it can be found.
pub fn problem_at(text: &str, steps: &[Step], message: String) -> YamlProblem {
    YamlProblem { line: locate(text, steps), key: key_path(steps), message }
}

/// Returns the parser's message without the key and position it prints around it.
fn bare_message(error: &serde_norway::Error, key: &str) -> String {
    let mut message = error.to_string();
    if let Some(location) = error.location() {
        let suffix = format!(" at line {} column {}", location.line(), location.column());
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_owned();
        }
    }
    if let Some(stripped) = message.strip_prefix(&format!("{key}: ")) {
        return stripped.to_owned();
    }
    // The parser's own notation of the key, such as `rules[0]`, has no spaces.
    match message.split_once(": ") {
        Some((path, rest)) if !path.contains(char::is_whitespace) && !path.contains('`') => rest.to_owned(),
        _ => message,
    }
}

/// Deserializes a string through `parse`, failing inside the parser's call so that the error carries
/// the position of the string itself rather than of the mapping around it.
pub fn deserialize_text<'de, D, T, F>(deserializer: D, parse: F) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    F: FnOnce(&str) -> Result<T, String>,
{
    deserializer.deserialize_str(Text { parse, expecting: std::marker::PhantomData })
}

struct Text<F, T> {
    parse: F,
    expecting: std::marker::PhantomData<T>,
}

impl<'de, F, T> Visitor<'de> for Text<F, T>
where
    F: FnOnce(&str) -> Result<T, String>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(E::custom)
    }
}

/// Returns the line of the value at `steps` in `text`, when the document has it.
///
/// The parser reports a position only with an error, so the search walks the document to the value
/// and fails there on purpose: the failure carries the value's line.
pub fn locate(text: &str, steps: &[Step]) -> Option<usize> {
    let deserializer = serde_norway::Deserializer::from_str(text);
    match (Seek { steps }).deserialize(deserializer) {
        Err(error) if error.to_string().contains(FOUND) => error.location().map(|location| location.line()),
        Ok(()) | Err(_) => None,
    }
}

const FOUND: &str = "permaudit: found";

/// Walks one step of a key path, or fails at the value the path ends on.
struct Seek<'p> {
    steps: &'p [Step],
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.steps.first() {
            None => deserializer.deserialize_any(Found),
            Some(Step::Key(_)) => deserializer.deserialize_map(self),
            Some(Step::Index(_)) => deserializer.deserialize_seq(self),
        }
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping or a sequence")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(Step::Key(wanted)) = self.steps.first() else { return Ok(()) };
        while let Some(key) = map.next_key::<String>()? {
            if key == *wanted {
                return map.next_value_seed(Seek { steps: &self.steps[1..] });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<(), A::Error> {
        let Some(Step::Index(wanted)) = self.steps.first() else { return Ok(()) };
        for _ in 0..*wanted {
            if sequence.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
        }
        sequence.next_element_seed(Seek { steps: &self.steps[1..] }).map(|_| ())
    }
}

/// Fails on whatever value it is given, so that the parser attaches the value's position.
struct Found;

impl<'de> Visitor<'de> for Found {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(FOUND))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(FOUND))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Document {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        size: u32,
    }

    const TEXT: &str = "name: x\nitems:\n  - id: a\n    size: 1\n  - id: b\n    size: 2\n";

    #[test]
    fn parse_errors_name_the_line_and_the_key() {
        let text = TEXT.replace("    size: 2", "    colour: red");
        let problem = parse::<Document>(&text).unwrap_err();
        assert_eq!(problem.line, Some(6), "{problem}");
        assert_eq!(problem.key, "items[1].colour");
        assert!(problem.message.starts_with("unknown field `colour`"), "{}", problem.message);
        let problem = parse::<Document>(&TEXT.replace("size: 1", "size: big")).unwrap_err();
        assert_eq!((problem.line, problem.key.as_str()), (Some(4), "items[0].size"), "{problem}");
    }

    #[test]
    fn locate_finds_the_line_of_a_key() {
        assert_eq!(locate(TEXT, &[Step::Key("items"), Step::Index(1), Step::Key("id")]), Some(5));
        assert_eq!(locate(TEXT, &[Step::Key("name")]), Some(1));
        assert_eq!(locate(TEXT, &[Step::Key("items"), Step::Index(7)]), None);
        assert_eq!(key_path(&[Step::Key("items"), Step::Index(1), Step::Key("id")]), "items[1].id");
    }

    #[test]
    fn an_empty_file_is_a_problem() {
        assert_eq!(parse::<Document>("\n").unwrap_err().message, "the file is empty");
    }
}
