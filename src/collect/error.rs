//! Why a collection failed, with messages that name the endpoint and say what to do.

/// A failure to configure, reach or read the Anyscale API.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error(
        "no Anyscale token: set ANYSCALE_CLI_TOKEN, or write {{\"cli_token\": \"...\"}} to ~/.anyscale/credentials.json, or pass `--org FILE` to read a snapshot instead (`collect` always reads live)"
    )]
    MissingToken,
    #[error("cannot read the credentials file `{path}`: {reason}; it must hold {{\"cli_token\": \"...\"}}")]
    Credentials { path: String, reason: String },
    #[error(
        "ANYSCALE_HOST `{host}` is not a valid http:// or https:// URL; set it to e.g. https://console.anyscale.com"
    )]
    BadHost { host: String },
    #[error("cannot reach the Anyscale API at {host} ({reason}); check ANYSCALE_HOST and the network")]
    Unreachable { host: String, reason: String },
    #[error("the token was refused by {host} (401 on `{endpoint}`); check ANYSCALE_CLI_TOKEN or ~/.anyscale/credentials.json")]
    Unauthorized { host: String, endpoint: String },
    #[error("`{endpoint}` answered {status}: {detail}")]
    Status { endpoint: String, status: u16, detail: String },
    #[error("gave up on `{endpoint}` after {}: {last}", crate::plural::count(*attempts as usize, "attempt", "attempts"))]
    GaveUp { endpoint: String, attempts: u32, last: String },
    #[error("`{endpoint}` failed ({reason}); it was not repeated because the server may have acted on it, so check its effect before trying again")]
    NotRepeated { endpoint: String, reason: String },
    #[error("unexpected response from `{endpoint}`: {message}")]
    Malformed { endpoint: String, message: String },
    #[error("`{endpoint}` sent more than {limit} bytes, the limit of one answer; the server may be sending without end, or raise the limit with `--max-response-bytes` if the organization is really that large")]
    TooLarge { endpoint: String, limit: u64 },
    #[error("`{endpoint}` still named a next page after {pages} pages, the limit of one list; the server may be paging without end, or raise the limit with `--max-pages` if the organization is really that large")]
    TooManyPages { endpoint: String, pages: u64 },
    #[error("`{endpoint}` {reason}; refused, since the token and the data must come from one origin: set ANYSCALE_HOST to the address that answers")]
    Redirect { endpoint: String, reason: String },
    #[error("cannot start the HTTP client: {0}")]
    Client(String),
}
