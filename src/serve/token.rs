//! The token `permaudit serve` requires of its clients: checked once at start, compared in time
//! independent of its content, and kept out of every log and message.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

/// The token clients must present. Its `Debug` form hides it, so that it never reaches a log.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Checks that the token can be sent in a cookie: non-empty, without whitespace, `;` or `,`.
    pub fn check(&self) -> Result<(), InvalidToken> {
        let forbidden = |c: char| c.is_whitespace() || c == ';' || c == ',';
        if self.0.is_empty() || self.0.contains(forbidden) {
            return Err(InvalidToken);
        }
        Ok(())
    }

    /// Returns true when `presented` is the token, comparing in time independent of where they differ.
    pub fn matches(&self, presented: &str) -> bool {
        let (expected, presented) = (self.0.as_bytes(), presented.as_bytes());
        let differences = expected.iter().zip(presented).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        expected.len() == presented.len() && differences == 0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<hidden>)")
    }
}

/// Why a token was refused at start; the message never repeats the token.
#[derive(Debug, thiserror::Error)]
#[error("the token must be non-empty and contain no whitespace, `;` or `,`")]
pub struct InvalidToken;

/// Parsing never fails, so that a command-line parser never prints a rejected token; [`Token::check`]
/// tells whether it is usable.
impl FromStr for Token {
    type Err = Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Token(value.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_matches() {
        let token: Token = "sss_secret".parse().unwrap();
        assert!(token.matches("sss_secret"));
        assert!(!token.matches("sss_secre"));
        assert!(!token.matches("sss_secret2"));
        assert!(!format!("{token:?}").contains("secret"));
        assert!("".parse::<Token>().unwrap().check().is_err());
        assert!("sss a".parse::<Token>().unwrap().check().is_err());
        assert!(token.check().is_ok());
    }
}
