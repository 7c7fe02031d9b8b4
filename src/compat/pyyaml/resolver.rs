//! The resolver: PyYAML's implicit resolvers decide whether a plain scalar would read back as its own
//! tag (`Resolver.resolve` with the default resolvers, in registration order).

use super::pattern::{alt, class, full_match, lit, opt, plus, seq, star, words, Pat};
use std::sync::OnceLock;

/// The YAML tags the default resolver and representer can produce for these values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
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
    pub(super) fn short(self) -> &'static str {
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
pub(super) fn resolve(text: &[char]) -> Tag {
    // PyYAML only tries the resolvers registered under the first character (or '' when empty).
    let eligible = |r: &ImplicitResolver| match text.first() {
        None => r.empty,
        Some(&c) => r.first.contains(c),
    };
    resolvers().iter().find(|r| eligible(r) && full_match(&r.pattern, text)).map_or(Tag::Str, |r| r.tag)
}
