//! A reqwest client configured like the official CLI (the `cli_token` cookie), which retries 429,
//! 5xx, timeouts and dropped connections with backoff and follows pagination to the end.

use super::retry::{parse_retry_after, RetryPolicy};
use super::wire::{ErrorBody, Page};
use crate::collect::config::ApiConfig;
use crate::collect::error::CollectError;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, COOKIE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The largest page the API serves.
pub const PAGE_SIZE: u32 = 50;

/// How a failed connection is described, so that a collection can tell "unreachable" from "refused".
pub const CONNECTION_FAILED: &str = "connection failed";

/// A client of the Anyscale API.
pub struct ApiClient {
    http: reqwest::Client,
    host: String,
    retry: RetryPolicy,
    requests: AtomicU64,
}

/// What one attempt produced: a body, or a reason to try again, or a final error.
enum Attempt {
    Done(bytes::Bytes),
    /// `refused` means the server turned the request away unprocessed (429), so even a creation may
    /// be sent again.
    Retry {
        reason: String,
        retry_after: Option<Duration>,
        refused: bool,
    },
    Fail(CollectError),
}

impl ApiClient {
    /// Returns a client for `config`, with a per-request `timeout` and a retry policy.
    pub fn new(config: &ApiConfig, timeout: Duration, retry: RetryPolicy) -> Result<ApiClient, CollectError> {
        let mut cookie = HeaderValue::from_str(&format!("cli_token={}", config.token.expose()))
            .map_err(|_| CollectError::Client("the token holds characters a cookie cannot carry".to_owned()))?;
        cookie.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, cookie);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(timeout)
            .user_agent(concat!("permaudit/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| CollectError::Client(error.to_string()))?;
        Ok(ApiClient { http, host: config.host.clone(), retry, requests: AtomicU64::new(0) })
    }

    /// Returns the number of HTTP requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Returns the host this client talks to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Sends a request, retrying as the policy allows, and parses the JSON answer.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<T, CollectError> {
        self.call_with(self.retry, method, path, query, body).await
    }

    /// Sends a request that must not be repeated once the server may have acted on it (a creation):
    /// only a 429, which the server refused before acting, is tried again.
    pub async fn call_once<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, CollectError> {
        let endpoint = format!("{method} {path}");
        for attempt in 1..=self.retry.attempts {
            match self.attempt(&method, path, &[], body, &endpoint).await {
                Attempt::Done(bytes) => {
                    return serde_json::from_slice(&bytes)
                        .map_err(|error| CollectError::Malformed { endpoint, message: error.to_string() })
                }
                Attempt::Fail(error) => return Err(error),
                Attempt::Retry { retry_after, refused: true, .. } if attempt < self.retry.attempts => {
                    tokio::time::sleep(self.retry.delay(attempt, retry_after)).await;
                }
                Attempt::Retry { reason, .. } => return Err(CollectError::NotRepeated { endpoint, reason }),
            }
        }
        Err(CollectError::GaveUp { endpoint, attempts: self.retry.attempts, last: "429 Too Many Requests".to_owned() })
    }

    async fn call_with<T: DeserializeOwned>(
        &self,
        retry: RetryPolicy,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<T, CollectError> {
        let endpoint = format!("{method} {path}");
        let mut last = String::new();
        for attempt in 1..=retry.attempts {
            match self.attempt(&method, path, query, body, &endpoint).await {
                Attempt::Done(bytes) => {
                    return serde_json::from_slice(&bytes)
                        .map_err(|error| CollectError::Malformed { endpoint, message: error.to_string() })
                }
                Attempt::Fail(error) => return Err(error),
                Attempt::Retry { reason, retry_after, .. } => {
                    last = reason;
                    if attempt < retry.attempts {
                        tokio::time::sleep(retry.delay(attempt, retry_after)).await;
                    }
                }
            }
        }
        Err(CollectError::GaveUp { endpoint, attempts: retry.attempts, last })
    }

    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
        endpoint: &str,
    ) -> Attempt {
        let mut request = self.http.request(method.clone(), format!("{}{path}", self.host)).query(query);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return Attempt::Retry { reason: describe(&error), retry_after: None, refused: false },
        };
        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
        // A body cut short is a dropped connection: worth another attempt like any transport error.
        let bytes = match response.bytes().await {
            Ok(bytes) => bytes,
            Err(error) => return Attempt::Retry { reason: describe(&error), retry_after: None, refused: false },
        };
        self.judge(status, bytes, retry_after, endpoint)
    }

    fn judge(&self, status: StatusCode, bytes: bytes::Bytes, retry_after: Option<Duration>, endpoint: &str) -> Attempt {
        if status.is_success() {
            return Attempt::Done(bytes);
        }
        let detail = error_detail(&bytes);
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let refused = status == StatusCode::TOO_MANY_REQUESTS;
            return Attempt::Retry { reason: format!("{status}: {detail}"), retry_after, refused };
        }
        if status == StatusCode::UNAUTHORIZED {
            return Attempt::Fail(CollectError::Unauthorized {
                host: self.host.clone(),
                endpoint: endpoint.to_owned(),
            });
        }
        Attempt::Fail(CollectError::Status { endpoint: endpoint.to_owned(), status: status.as_u16(), detail })
    }

    /// Reads every page of a list endpoint, following `next_paging_token` until it is null or absent.
    pub async fn all_pages<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Vec<T>, CollectError> {
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let mut query = Vec::with_capacity(2);
            if let Some(token) = &token {
                query.push(("paging_token", token.clone()));
            }
            query.push(("count", PAGE_SIZE.to_string()));
            let page: Page<T> = self.call(method.clone(), path, &query, body).await?;
            items.extend(page.results);
            match page.metadata.and_then(|metadata| metadata.next_paging_token).filter(|next| !next.is_empty()) {
                Some(next) if !seen.insert(next.clone()) => {
                    let message = format!("the paging token `{next}` came back twice; the listing would never end");
                    return Err(CollectError::Malformed { endpoint: format!("{method} {path}"), message });
                }
                Some(next) => token = Some(next),
                None => return Ok(items),
            }
        }
    }
}

/// Returns the API's `{"error": {"detail" | "message"}}` text, or the start of the body.
fn error_detail(bytes: &[u8]) -> String {
    if let Ok(body) = serde_json::from_slice::<ErrorBody>(bytes) {
        if let Some(text) = body.error.detail.or(body.error.message) {
            return text;
        }
    }
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(200).collect()
}

/// Describes a transport error without its URL (which is already named by the endpoint).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        CONNECTION_FAILED
    } else if error.is_body() || error.is_decode() {
        "connection dropped while reading the answer"
    } else {
        "request failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    if cause.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind} ({cause})")
    }
}
