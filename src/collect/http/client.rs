//! A reqwest client configured like the official CLI (the `cli_token` cookie), which retries 429,
//! 5xx, timeouts and dropped connections with backoff and follows pagination to the end.
//!
//! Whatever a server sends is bounded and distrusted: an answer is read up to a byte limit, a list up
//! to a page limit and never past the count the server gives for it, a redirect is followed only within
//! the host's origin, and a server's text is cleaned of secrets (the token, the passwords of a batch),
//! escaped and shortened before it reaches any message or snapshot.

use super::limit::{Permit, Priority, RequestLimit};
use super::retry::{parse_retry_after, RetryPolicy};
use super::wire::{ErrorBody, Page};
use crate::collect::config::ApiConfig;
use crate::collect::error::CollectError;
use crate::untrusted::Secrets;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, COOKIE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The largest page the API serves.
pub const PAGE_SIZE: u32 = 50;

/// How a failed connection is described, so that a collection can tell "unreachable" from "refused".
pub const CONNECTION_FAILED: &str = "connection failed";

/// The default limit of one answer's size: far above a page (about 50 KB) and above the one unpaged
/// list, the group memberships, of an organization of a million memberships.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;

/// The default limit of pages per list: a million items at the API's 50 per page.
pub const DEFAULT_MAX_PAGES: u64 = 20_000;

/// How much of an error answer is read: enough for any error text.
const ERROR_BODY_BYTES: u64 = 64 * 1024;

/// Redirects followed within the host's origin before giving up, as browsers do.
const MAX_REDIRECTS: usize = 10;

/// What a server may send before a request or a list is given up as runaway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes read of one answer.
    pub max_response_bytes: u64,
    /// The most pages read of one list.
    pub max_pages: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES, max_pages: DEFAULT_MAX_PAGES }
    }
}

/// A client of the Anyscale API.
pub struct ApiClient {
    http: reqwest::Client,
    host: String,
    base_url: String,
    retry: RetryPolicy,
    limits: Limits,
    secrets: Secrets,
    /// Requests on the wire at once, when limited: a permit is held by one attempt only, never
    /// across a backoff or while an answer is parsed.
    limit: Option<RequestLimit>,
    requests: Arc<AtomicU64>,
}

/// What one attempt produced: a body, or a reason to try again, or a final error.
enum Attempt {
    Done(Vec<u8>),
    /// `refused` means the server turned the request away unprocessed (429), so even a creation may
    /// be sent again.
    Retry {
        reason: String,
        retry_after: Option<Duration>,
        refused: bool,
    },
    Fail(CollectError),
}

/// One request, as the attempts see it.
struct Request<'a> {
    method: &'a Method,
    path: &'a str,
    query: &'a [(&'a str, String)],
    body: Option<&'a serde_json::Value>,
    endpoint: String,
    secrets: &'a Secrets,
    priority: Priority,
}

/// An answer's body, whole or cut at the limit (in the chunks it came in: only an error text is read
/// from a cut body, and joining a large one would double it).
enum Body {
    Whole(Vec<u8>),
    Cut(Vec<bytes::Bytes>),
}

/// Why a redirect was not followed; its text names origins only, never a path or credentials.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct RedirectRefused(String);

impl ApiClient {
    /// Returns a client for `config`, with a per-request `timeout`, a retry policy and the default
    /// [`Limits`].
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
            .redirect(same_origin_redirects())
            .user_agent(concat!("permaudit/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| CollectError::Client(error.to_string()))?;
        Ok(ApiClient {
            http,
            host: config.host.clone(),
            base_url: config.base_url().to_owned(),
            retry,
            limits: Limits::default(),
            secrets: secrets_of(config),
            limit: None,
            requests: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Returns a client that shares this one's connections and request count and has at most
    /// `requests` requests on the wire at once (at least one).
    pub fn limited(&self, requests: usize) -> ApiClient {
        ApiClient {
            http: self.http.clone(),
            host: self.host.clone(),
            base_url: self.base_url.clone(),
            retry: self.retry,
            limits: self.limits,
            secrets: self.secrets.clone(),
            limit: Some(RequestLimit::new(requests)),
            requests: self.requests.clone(),
        }
    }

    /// Returns the client with other limits on what a server may send.
    pub fn with_limits(mut self, limits: Limits) -> ApiClient {
        self.limits = limits;
        self
    }

    /// Returns the number of HTTP requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Returns the host this client talks to, as messages and snapshots name it.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Returns the secrets no message may show: the token.
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Sends a request, retrying as the policy allows, and parses the JSON answer. On a limited
    /// client each attempt waits in the queue of the lists' pages, which go first.
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<T, CollectError> {
        self.call_with(Priority::Chain, method, path, query, body).await
    }

    /// Sends a request as [`ApiClient::call`] does, each attempt waiting for its turn on the wire in
    /// the queue of `priority`.
    pub async fn call_with<T: DeserializeOwned>(
        &self,
        priority: Priority,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<T, CollectError> {
        let endpoint = endpoint(&method, path);
        let request = Request { method: &method, path, query, body, endpoint, secrets: &self.secrets, priority };
        let mut last = String::new();
        for attempt in 1..=self.retry.attempts {
            match self.attempt(&request).await {
                Attempt::Done(bytes) => return self.parse(&bytes, &request),
                Attempt::Fail(error) => return Err(error),
                Attempt::Retry { reason, retry_after, .. } => {
                    last = reason;
                    if attempt < self.retry.attempts {
                        tokio::time::sleep(self.retry.delay(attempt, retry_after)).await;
                    }
                }
            }
        }
        Err(CollectError::GaveUp { endpoint: request.endpoint, attempts: self.retry.attempts, last })
    }

    /// Sends a request that must not be repeated once the server may have acted on it (a creation):
    /// only a 429, which the server refused before acting, is tried again. `secrets` are removed from
    /// whatever the server answers, with the token.
    pub async fn call_once<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        secrets: &Secrets,
    ) -> Result<T, CollectError> {
        let endpoint = endpoint(&method, path);
        let request = Request { method: &method, path, query: &[], body, endpoint, secrets, priority: Priority::Chain };
        for attempt in 1..=self.retry.attempts {
            match self.attempt(&request).await {
                Attempt::Done(bytes) => return self.parse(&bytes, &request),
                Attempt::Fail(error) => return Err(error),
                Attempt::Retry { retry_after, refused: true, .. } if attempt < self.retry.attempts => {
                    tokio::time::sleep(self.retry.delay(attempt, retry_after)).await;
                }
                Attempt::Retry { reason, .. } => {
                    return Err(CollectError::NotRepeated { endpoint: request.endpoint, reason })
                }
            }
        }
        let last = "429 Too Many Requests".to_owned();
        Err(CollectError::GaveUp { endpoint: request.endpoint, attempts: self.retry.attempts, last })
    }

    fn parse<T: DeserializeOwned>(&self, bytes: &[u8], request: &Request<'_>) -> Result<T, CollectError> {
        serde_json::from_slice(bytes).map_err(|error| malformed(request, &error.to_string()))
    }

    /// Waits for a turn on the wire when the client is limited.
    async fn turn(&self, priority: Priority) -> Option<Permit> {
        match &self.limit {
            Some(limit) => Some(limit.acquire(priority).await),
            None => None,
        }
    }

    /// Sends one attempt and reads its answer, holding a turn on the wire throughout.
    async fn attempt(&self, request: &Request<'_>) -> Attempt {
        let _turn = self.turn(request.priority).await;
        let url = format!("{}{}", self.base_url, request.path);
        let mut builder = self.http.request(request.method.clone(), url).query(request.query);
        if let Some(body) = request.body {
            builder = builder.json(body);
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) if error.is_redirect() => {
                let reason = request.secrets.clean(&innermost_cause(&error));
                return Attempt::Fail(CollectError::Redirect { endpoint: request.endpoint.clone(), reason });
            }
            Err(error) => return transport_failure(&error, request),
        };
        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
        let limit = if status.is_success() { self.limits.max_response_bytes } else { ERROR_BODY_BYTES };
        let bytes = match read_body(response, limit).await {
            Ok(Body::Whole(bytes)) => bytes,
            Ok(Body::Cut(chunks)) if !status.is_success() => chunks.concat(),
            Ok(Body::Cut(_)) => {
                return Attempt::Fail(CollectError::TooLarge { endpoint: request.endpoint.clone(), limit })
            }
            // A body cut short is a dropped connection: worth another attempt like any transport error.
            Err(error) => return transport_failure(&error, request),
        };
        self.judge(status, &bytes, retry_after, request)
    }

    fn judge(&self, status: StatusCode, bytes: &[u8], retry_after: Option<Duration>, request: &Request<'_>) -> Attempt {
        if status.is_success() {
            return Attempt::Done(bytes.to_vec());
        }
        let detail = request.secrets.clean(&error_detail(bytes));
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let refused = status == StatusCode::TOO_MANY_REQUESTS;
            return Attempt::Retry { reason: format!("{status}: {detail}"), retry_after, refused };
        }
        if status == StatusCode::UNAUTHORIZED {
            return Attempt::Fail(CollectError::Unauthorized {
                host: self.host.clone(),
                endpoint: request.endpoint.clone(),
            });
        }
        Attempt::Fail(CollectError::Status { endpoint: request.endpoint.clone(), status: status.as_u16(), detail })
    }

    /// Reads every page of a list endpoint, following `next_paging_token` until it is null or absent.
    /// A list that cannot end is an error naming the endpoint: a page that names a next page must
    /// hold an item, the items must not outnumber the `total` the server gives, a token must not come
    /// back, and at most [`Limits::max_pages`] pages are read.
    pub async fn all_pages<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Vec<T>, CollectError> {
        self.all_pages_each(Priority::Chain, method, path, body, |_| {}).await
    }

    /// Reads every page as [`ApiClient::all_pages`] does, each page waiting for its turn on the wire in
    /// the queue of `priority`, and hands each page's items to `on_page` as the page arrives, so that
    /// work on the first items starts while the next pages are read.
    pub async fn all_pages_each<T: DeserializeOwned>(
        &self,
        priority: Priority,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        mut on_page: impl FnMut(&[T]),
    ) -> Result<Vec<T>, CollectError> {
        let request = Request {
            method: &method,
            path,
            query: &[],
            body,
            endpoint: endpoint(&method, path),
            secrets: &self.secrets,
            priority,
        };
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        for number in 1..=self.limits.max_pages {
            let mut query = Vec::with_capacity(2);
            if let Some(token) = &token {
                query.push(("paging_token", token.clone()));
            }
            query.push(("count", PAGE_SIZE.to_string()));
            let page: Page<T> = self.call_with(priority, method.clone(), path, &query, body).await?;
            let received = page.results.len();
            on_page(&page.results);
            items.extend(page.results);
            let metadata = page.metadata;
            if let Some(total) = metadata.as_ref().and_then(|metadata| metadata.total()) {
                if items.len() as u64 > total {
                    let message =
                        format!("the list holds {total} items by the server's count, but {} came", items.len());
                    return Err(malformed(&request, &message));
                }
            }
            let Some(next) = metadata.and_then(|metadata| metadata.next_paging_token).filter(|next| !next.is_empty())
            else {
                return Ok(items);
            };
            if received == 0 {
                let message = format!("page {number} holds no item but names a next page; the listing would never end");
                return Err(malformed(&request, &message));
            }
            if !seen.insert(next.clone()) {
                let message = format!("the paging token `{next}` came back twice; the listing would never end");
                return Err(malformed(&request, &message));
            }
            token = Some(next);
        }
        Err(CollectError::TooManyPages { endpoint: request.endpoint, pages: self.limits.max_pages })
    }
}

/// Returns what no message may show: the token, and the credentials `ANYSCALE_HOST` may carry, as
/// written and as a basic `Authorization` header carries them.
fn secrets_of(config: &ApiConfig) -> Secrets {
    use base64::Engine;
    let mut secrets = vec![config.token.expose().to_owned()];
    if let Some(userinfo) = crate::untrusted::userinfo(config.base_url()) {
        secrets.push(userinfo.to_owned());
        secrets.push(base64::engine::general_purpose::STANDARD.encode(userinfo));
        secrets.extend(userinfo.split_once(':').map(|(_, password)| password.to_owned()));
    }
    Secrets::new(secrets)
}

fn endpoint(method: &Method, path: &str) -> String {
    format!("{method} {path}")
}

/// Returns a malformed-answer error whose text, built from what the server sent, is cleaned.
fn malformed(request: &Request<'_>, message: &str) -> CollectError {
    CollectError::Malformed { endpoint: request.endpoint.clone(), message: request.secrets.clean(message) }
}

fn transport_failure(error: &reqwest::Error, request: &Request<'_>) -> Attempt {
    Attempt::Retry { reason: request.secrets.clean(&describe(error)), retry_after: None, refused: false }
}

/// Reads an answer's body, keeping at most `limit` bytes. The chunks are joined only once all came,
/// so that memory stays near the bytes received instead of doubling as a buffer grows.
async fn read_body(mut response: reqwest::Response, limit: u64) -> Result<Body, reqwest::Error> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if response.content_length().is_some_and(|length| length > limit as u64) && response.status().is_success() {
        return Ok(Body::Cut(Vec::new()));
    }
    let mut chunks = Vec::new();
    let mut received = 0;
    while let Some(chunk) = response.chunk().await? {
        let room = limit - received;
        if chunk.len() > room {
            chunks.push(chunk.slice(..room));
            return Ok(Body::Cut(chunks));
        }
        received += chunk.len();
        chunks.push(chunk);
    }
    Ok(Body::Whole(chunks.concat()))
}

/// Follows redirects within the first URL's origin (scheme, host and port) only: the token is not
/// sent elsewhere, so data from elsewhere would not be the organization the host names.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let from = attempt.previous().first().map(|url| url.origin().ascii_serialization()).unwrap_or_default();
        let to = attempt.url().origin().ascii_serialization();
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(RedirectRefused(format!("was redirected more than {MAX_REDIRECTS} times")))
        } else if to != from {
            attempt.error(RedirectRefused(format!("was redirected from `{from}` to another origin, `{to}`")))
        } else {
            attempt.follow()
        }
    })
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
    match innermost_cause(error) {
        cause if cause.is_empty() => kind.to_owned(),
        cause => format!("{kind} ({cause})"),
    }
}

/// Returns the text of the deepest cause of an error, or an empty text when it has none.
fn innermost_cause(error: &reqwest::Error) -> String {
    let mut cause = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        cause = inner.to_string();
        source = inner.source();
    }
    cause
}
