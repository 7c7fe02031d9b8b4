//! Query strings, decoded as HTML forms are (`+` is a space, `%40` is `@`), which is how the official
//! client encodes them.

use super::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;

/// The decoded parameters of a request's query string, in order.
#[derive(Debug, Default)]
pub struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    /// Decodes a raw query string.
    pub fn parse(raw: &str) -> Self {
        QueryParams(form_urlencoded::parse(raw.as_bytes()).into_owned().collect())
    }

    /// Returns the first value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Returns the value of `name` as a boolean: `True`/`False` as the official client sends them, or
    /// `true`/`false`.
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some("True" | "true") => Ok(Some(true)),
            Some("False" | "false") => Ok(Some(false)),
            Some(other) => Err(ApiError::BadRequest(format!("`{name}` must be `True` or `False`, not `{other}`"))),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.uri.query().map(QueryParams::parse).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_is_a_space_and_percent_escapes_decode() {
        let query = QueryParams::parse("email=u3%40x.com&name=User+3&is_service_account=True");
        assert_eq!(query.get("email"), Some("u3@x.com"));
        assert_eq!(query.get("name"), Some("User 3"));
        assert_eq!(query.boolean("is_service_account").unwrap(), Some(true));
        assert_eq!(query.get("count"), None);
    }

    #[test]
    fn booleans_accept_both_spellings_and_nothing_else() {
        let query = QueryParams::parse("a=false&b=False&c=yes");
        assert_eq!(query.boolean("a").unwrap(), Some(false));
        assert_eq!(query.boolean("b").unwrap(), Some(false));
        assert!(query.boolean("c").is_err());
    }
}
