//! Request bodies, read whole within the server's size limit (`--max-body-bytes`) and time limit
//! (`--body-timeout`), so that a client that stops halfway does not hold its connection forever.

use crate::serve::error::ApiError;
use crate::serve::state::AppState;
use axum::body::{Body, Bytes};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// Reads a whole request body, refusing one larger than the server's limit or slower than its timeout.
pub async fn read_body(body: Body, state: &AppState) -> Result<Bytes, ApiError> {
    let limit = state.max_body_bytes;
    let collected = tokio::time::timeout(state.body_timeout, Limited::new(body, limit).collect())
        .await
        .map_err(|_| ApiError::BodyTimeout { seconds: state.body_timeout.as_secs() })?;
    match collected {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(ApiError::PayloadTooLarge { limit }),
        Err(error) => Err(ApiError::BadRequest(format!("cannot read the request body: {error}"))),
    }
}
