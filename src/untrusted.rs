//! Text that comes from outside (a server's answer, a value in a file), made safe to print or store in
//! a message: secrets removed, control characters escaped so that no terminal sequence gets through,
//! and length capped so that one huge value cannot flood a terminal or a log.

use std::borrow::Cow;

/// The most characters of one value that a message quotes.
pub const VALUE_CHARS: usize = 120;

/// The most characters of a whole message built around outside text (a server's error text, a
/// parser's complaint about a value).
pub const MESSAGE_CHARS: usize = 600;

/// What replaces a secret in a message.
pub const REDACTED: &str = "<redacted>";

/// Returns one outside value ready to quote in a message: control characters escaped, and shortened
/// to [`VALUE_CHARS`] with the number of characters left out.
pub fn value(text: &str) -> String {
    shorten(&escape_controls(text), VALUE_CHARS)
}

/// Returns a message that quotes outside text, escaped and shortened in its middle to
/// [`MESSAGE_CHARS`], so that both its start and its end (often the expected form) stay readable.
pub fn message(text: &str) -> String {
    shorten_middle(&escape_controls(text), MESSAGE_CHARS)
}

/// Returns `text` cut to `limit` characters, saying how many were left out.
pub fn shorten(text: &str, limit: usize) -> String {
    let total = text.chars().count();
    if total <= limit {
        return text.to_owned();
    }
    let kept: String = text.chars().take(limit).collect();
    format!("{kept}… ({} more characters)", total - limit)
}

/// Returns `text` with its middle left out when it is longer than `limit` characters.
pub fn shorten_middle(text: &str, limit: usize) -> String {
    let total = text.chars().count();
    if total <= limit {
        return text.to_owned();
    }
    let half = limit / 2;
    let start: String = text.chars().take(half).collect();
    let end: String = text.chars().skip(total - half).collect();
    format!("{start}… ({} characters left out) …{end}", total - 2 * half)
}

/// Returns `text` with control characters (ANSI escape sequences among them) and the invisible marks
/// that reorder text written as escapes, such as `\u{1b}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        if is_unsafe(character) {
            escaped.extend(character.escape_unicode());
        } else {
            escaped.push(character);
        }
    }
    Cow::Owned(escaped)
}

fn is_unsafe(character: char) -> bool {
    character.is_control()
        || matches!(character, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Secrets that must never appear in a message: the token, the passwords of a batch.
#[derive(Clone, Default)]
pub struct Secrets {
    values: Vec<String>,
}

impl Secrets {
    /// Returns the set of `values`; empty values are ignored.
    pub fn new<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> Secrets {
        Secrets::default().with(values)
    }

    /// Returns these secrets and `values`, each also in the form JSON gives it inside a string, since
    /// a server that echoes a request body echoes it JSON-encoded.
    pub fn with<S: AsRef<str>>(mut self, values: impl IntoIterator<Item = S>) -> Secrets {
        for value in values {
            let value = value.as_ref();
            if value.is_empty() {
                continue;
            }
            let encoded = serde_json::Value::from(value).to_string();
            let encoded = &encoded[1..encoded.len() - 1];
            self.values.push(value.to_owned());
            if encoded != value {
                self.values.push(encoded.to_owned());
            }
        }
        // The longest first, so that a secret holding another one is removed whole.
        self.values.sort_by_key(|value| std::cmp::Reverse(value.len()));
        self.values.dedup();
        self
    }

    /// Returns `text` with every secret replaced by [`REDACTED`].
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.values {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), REDACTED);
            }
        }
        text
    }

    /// Returns a server's text ready for a message: secrets removed first (before anything could cut a
    /// secret in two), then escaped and shortened.
    pub fn clean(&self, text: &str) -> String {
        message(&self.redact(text))
    }
}

/// Shows only how many secrets there are.
impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({})", self.values.len())
    }
}

/// Returns a URL without the `user:password@` part of its authority, for messages and records.
pub fn without_userinfo(url: &str) -> Cow<'_, str> {
    match split_userinfo(url) {
        Some((start, _, rest)) => Cow::Owned(format!("{start}{rest}")),
        None => Cow::Borrowed(url),
    }
}

/// Returns the `user:password` part of a URL's authority, when it has one.
pub fn userinfo(url: &str) -> Option<&str> {
    split_userinfo(url).map(|(_, userinfo, _)| userinfo)
}

/// Splits a URL into what comes before its userinfo, the userinfo, and what follows the `@`.
fn split_userinfo(url: &str) -> Option<(&str, &str, &str)> {
    let authority_start = url.find("://")? + 3;
    let rest = &url[authority_start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    Some((&url[..authority_start], &rest[..at], &rest[at + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_shortened() {
        assert_eq!(value("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(value("a\u{202e}b\nc"), "a\\u{202e}b\\u{a}c");
        let long = "x".repeat(1000);
        assert_eq!(value(&long), format!("{}… (880 more characters)", "x".repeat(120)));
        assert_eq!(value("plain é"), "plain é");
    }

    #[test]
    fn messages_keep_their_start_and_end() {
        let text = format!("unknown variant `{}`, expected one of `owner`", "r".repeat(10_000));
        let short = message(&text);
        assert!(short.starts_with("unknown variant `rrr"), "{short}");
        assert!(short.ends_with("expected one of `owner`"), "{short}");
        assert!(short.chars().count() < 700, "{short}");
    }

    #[test]
    fn secrets_are_removed_raw_and_json_encoded_before_shortening() {
        let secrets = Secrets::new(["sss_token", "", "p\"w"]);
        let text = r#"bad cookie cli_token=sss_token; body [{"password": "p\"w"}] and p"w"#;
        let clean = secrets.clean(text);
        assert_eq!(clean, r#"bad cookie cli_token=<redacted>; body [{"password": "<redacted>"}] and <redacted>"#);
        let long = format!("{}sss_token", "x".repeat(5000));
        assert!(!secrets.clean(&long).contains("sss_"), "a secret is removed before the text is cut");
        assert_eq!(format!("{secrets:?}"), "Secrets(3)");
    }

    #[test]
    fn userinfo_is_removed_from_urls() {
        assert_eq!(without_userinfo("http://user:pw@host:8080/x@y"), "http://host:8080/x@y");
        assert_eq!(without_userinfo("https://console.anyscale.com"), "https://console.anyscale.com");
        assert_eq!(without_userinfo("no scheme@host"), "no scheme@host");
        assert_eq!(userinfo("http://user:pw@host:8080/x@y"), Some("user:pw"));
        assert_eq!(userinfo("https://host/a@b"), None);
    }
}
