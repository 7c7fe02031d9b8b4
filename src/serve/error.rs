//! The errors of the emulator: [`ApiError`] is what a request can fail with, sent as the Anyscale API
//! sends its errors (`{"error": {"detail": "..."}}`); [`ServeError`] is what stops the server itself.

use super::token::InvalidToken;
use super::wire::ErrorBody;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Why a request was refused; the message is the `detail` the client reads.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing or invalid token: send `Cookie: cli_token=<token>` or `Authorization: Bearer <token>`")]
    Unauthorized,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("the request body is larger than the server's limit of {limit} bytes (`--max-body-bytes`)")]
    PayloadTooLarge { limit: usize },
    #[error("the request body did not arrive within {seconds} s (`--body-timeout`)")]
    BodyTimeout { seconds: u64 },
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// Returns the HTTP status the error is sent with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let detail = self.to_string();
        (self.status(), Json(ErrorBody::new(&detail))).into_response()
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Snapshot(#[from] crate::model::SnapshotError),
    #[error("cannot listen on `{addr}`: {error}; pick another address with `--addr`")]
    Bind { addr: String, error: std::io::Error },
    #[error("cannot remove the temporary files an interrupted save left beside `{}`: {error}", path.display())]
    Cleanup { path: std::path::PathBuf, error: std::io::Error },
    #[error("invalid `--token`: {0}")]
    Token(#[from] InvalidToken),
    #[error("the server stopped: {0}")]
    Io(std::io::Error),
}
