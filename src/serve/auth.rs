//! Authentication: the official client sends its token as the cookie `cli_token`; other clients may
//! send `Authorization: Bearer <token>`. The token is never logged nor echoed.

use super::error::ApiError;
use super::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

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

/// Lets a request through only when it carries the token, in the cookie or as a bearer token.
pub async fn require_token(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if presented_tokens(request.headers()).any(|presented| state.token.matches(presented)) {
        next.run(request).await
    } else {
        ApiError::Unauthorized.into_response()
    }
}

/// Returns every token the request presents: each `cli_token` cookie and a bearer token.
fn presented_tokens(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    let cookies = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| *name == "cli_token")
        .map(|(_, value)| value.trim_matches('"'));
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    cookies.chain(bearer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn tokens_come_from_the_cookie_and_the_bearer_header() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("theme=dark; cli_token=sss_a"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer sss_b"));
        assert_eq!(presented_tokens(&headers).collect::<Vec<_>>(), ["sss_a", "sss_b"]);
    }

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
