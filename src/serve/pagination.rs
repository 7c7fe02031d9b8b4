//! Paging of list endpoints: `count` (1..50, default 50) and an opaque `paging_token`.
//!
//! A token is the base64 of the next offset and a fingerprint of the list it belongs to (the endpoint,
//! the resource and the filters), so that a token is refused when replayed against another list.
//! Offsets stay valid while the server runs: lists only grow, at their end.

use super::error::ApiError;
use super::query::QueryParams;
use super::wire::{List, ListMetadata};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::hash::{Hash, Hasher};

/// The largest page a client may ask for, as in the Anyscale API.
pub const MAX_COUNT: usize = 50;

/// Which page of which list a request asks for.
#[derive(Debug, PartialEq, Eq)]
pub struct Paging {
    offset: usize,
    count: usize,
    fingerprint: u64,
}

impl Paging {
    /// Reads `count` and `paging_token` from the query; `scope` names the list and its filters.
    pub fn from_query(query: &QueryParams, scope: &str) -> Result<Paging, ApiError> {
        let fingerprint = fingerprint(scope);
        let count = parse_count(query.get("count"))?;
        let offset = match query.get("paging_token").filter(|token| !token.is_empty()) {
            None => 0,
            Some(token) => decode_token(token, fingerprint)?,
        };
        Ok(Paging { offset, count, fingerprint })
    }

    /// Returns the requested page of `items`, mapped through `convert`, with the list's metadata.
    pub fn page<I, T>(&self, items: impl Iterator<Item = I>, convert: impl Fn(I) -> T) -> Result<List<T>, ApiError> {
        let end = self.offset.saturating_add(self.count);
        let mut results = Vec::with_capacity(self.count);
        let mut total = 0;
        for item in items {
            if (self.offset..end).contains(&total) {
                results.push(convert(item));
            }
            total += 1;
        }
        if self.offset > total {
            return Err(ApiError::BadRequest("`paging_token` points past the end of the list".to_owned()));
        }
        let next_paging_token = (end < total).then(|| encode_token(end, self.fingerprint));
        Ok(List { results, metadata: ListMetadata { total, next_paging_token } })
    }
}

fn parse_count(raw: Option<&str>) -> Result<usize, ApiError> {
    let Some(raw) = raw else {
        return Ok(MAX_COUNT);
    };
    match raw.parse::<usize>() {
        Ok(count @ 1..=MAX_COUNT) => Ok(count),
        _ => Err(ApiError::BadRequest(format!("`count` must be an integer from 1 to {MAX_COUNT}, not `{raw}`"))),
    }
}

/// Returns a hash of the list's scope; FxHash is the same in every run of the same build.
fn fingerprint(scope: &str) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    scope.hash(&mut hasher);
    hasher.finish()
}

fn encode_token(offset: usize, fingerprint: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{offset}.{fingerprint:016x}"))
}

fn decode_token(token: &str, expected: u64) -> Result<usize, ApiError> {
    let invalid = || {
        ApiError::BadRequest(format!(
            "invalid `paging_token` `{token}`: pass the `next_paging_token` of the previous page of the same list"
        ))
    };
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (offset, fingerprint) = text.split_once('.').ok_or_else(invalid)?;
    let offset = offset.parse::<usize>().map_err(|_| invalid())?;
    if u64::from_str_radix(fingerprint, 16) != Ok(expected) {
        return Err(invalid());
    }
    Ok(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(query: &str, scope: &str) -> Result<Paging, ApiError> {
        Paging::from_query(&QueryParams::parse(query), scope)
    }

    #[test]
    fn pages_concatenate_to_the_whole_list() {
        let mut query = "count=3".to_owned();
        let mut seen = Vec::new();
        loop {
            let page = paging(&query, "numbers").unwrap().page(0..10, |n| n).unwrap();
            assert_eq!(page.metadata.total, 10);
            seen.extend(page.results);
            match page.metadata.next_paging_token {
                Some(token) => query = format!("count=3&paging_token={token}"),
                None => break,
            }
        }
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn count_outside_one_to_fifty_is_refused() {
        assert_eq!(paging("", "list").unwrap().count, 50);
        for bad in ["0", "51", "-1", "ten", ""] {
            assert!(paging(&format!("count={bad}"), "list").is_err(), "{bad}");
        }
    }

    #[test]
    fn a_token_only_works_for_its_own_list() {
        let token = encode_token(2, fingerprint("one"));
        assert!(paging(&format!("paging_token={token}"), "one").is_ok());
        assert!(paging(&format!("paging_token={token}"), "two").is_err());
        assert!(paging("paging_token=garbage", "one").is_err());
    }
}
