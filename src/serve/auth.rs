//! Authentication: the official client sends its token as the cookie `cli_token`; other clients may
//! send `Authorization: Bearer <token>`. The token is never logged nor echoed.

use super::error::ApiError;
use super::token::Token;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Lets a request through only when it carries the token, in the cookie or as a bearer token.
pub async fn require_token(State(token): State<Token>, request: Request, next: Next) -> Response {
    if presented_tokens(request.headers()).any(|presented| token.matches(presented)) {
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
}
