//! Glob patterns of policies and exemptions (`prod-*`, `*@corp.com`), compiled once when the file is
//! read, so that a bad pattern is an error naming its line and a match costs no parsing.
//!
//! `*` matches any run of characters (including none), `?` one character, `[abc]` one of a set and
//! `{a,b}` either alternative; a pattern without these characters matches only itself.

use globset::{GlobBuilder, GlobMatcher};
use serde::de::{Deserialize, Deserializer};
use std::fmt;

/// Whether a pattern compares letters with or without regard to case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// Names and ids of clouds, projects and groups: `Prod` is not `prod`.
    Sensitive,
    /// Emails and email domains, which the organization compares without regard to case.
    Insensitive,
}

/// A compiled glob, with the text it was written as.
#[derive(Clone)]
pub struct Pattern {
    text: String,
    matcher: GlobMatcher,
}

/// A pattern that does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a valid pattern: {reason}")]
pub struct PatternError {
    pub text: String,
    pub reason: String,
}

impl Pattern {
    /// Compiles `text`, comparing with or without regard to case.
    pub fn new(text: &str, case: Case) -> Result<Pattern, PatternError> {
        if text.is_empty() {
            return Err(PatternError { text: String::new(), reason: "a pattern cannot be empty".to_owned() });
        }
        let glob = GlobBuilder::new(text)
            .case_insensitive(case == Case::Insensitive)
            .backslash_escape(true)
            .empty_alternates(true)
            .build()
            .map_err(|error| PatternError { text: text.to_owned(), reason: error.kind().to_string() })?;
        Ok(Pattern { text: text.to_owned(), matcher: glob.compile_matcher() })
    }

    /// Returns true when the whole of `value` matches.
    pub fn matches(&self, value: &str) -> bool {
        self.matcher.is_match(value)
    }

    /// Returns the pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.text)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// Returns true when any of `patterns` matches any of `values`.
pub fn any_matches<'v>(patterns: &[Pattern], values: impl IntoIterator<Item = &'v str> + Clone) -> bool {
    patterns.iter().any(|pattern| values.clone().into_iter().any(|value| pattern.matches(value)))
}

/// A pattern over names and ids (case-sensitive), as read from a policy or exemptions file.
#[derive(Clone, Debug, PartialEq)]
pub struct NamePattern(pub Pattern);

/// A pattern over member ids and emails, or email domains (case-insensitive).
#[derive(Clone, Debug, PartialEq)]
pub struct EmailPattern(pub Pattern);

fn deserialize_pattern<'de, D: Deserializer<'de>>(deserializer: D, case: Case) -> Result<Pattern, D::Error> {
    super::yaml::deserialize_text(deserializer, |text| Pattern::new(text, case).map_err(|error| error.to_string()))
}

impl<'de> Deserialize<'de> for NamePattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_pattern(deserializer, Case::Sensitive).map(NamePattern)
    }
}

impl<'de> Deserialize<'de> for EmailPattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_pattern(deserializer, Case::Insensitive).map(EmailPattern)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_whole_values() {
        let prod = Pattern::new("prod-*", Case::Sensitive).unwrap();
        assert!(prod.matches("prod-eu") && prod.matches("prod-"));
        assert!(!prod.matches("preprod-eu") && !prod.matches("Prod-eu"));
        let exact = Pattern::new("cld_1", Case::Sensitive).unwrap();
        assert!(exact.matches("cld_1") && !exact.matches("cld_12"));
        let either = Pattern::new("{dev,lab}", Case::Sensitive).unwrap();
        assert!(either.matches("dev") && either.matches("lab") && !either.matches("prod"));
    }

    #[test]
    fn email_patterns_ignore_case() {
        let corp = Pattern::new("*@corp.com", Case::Insensitive).unwrap();
        assert!(corp.matches("Alice@CORP.com"));
        assert!(!corp.matches("alice@corp.com.evil.io"));
    }

    #[test]
    fn bad_patterns_say_why() {
        let error = Pattern::new("prod-[", Case::Sensitive).unwrap_err();
        assert!(error.to_string().starts_with("`prod-[` is not a valid pattern: "), "{error}");
        assert!(Pattern::new("", Case::Sensitive).is_err());
    }
}
