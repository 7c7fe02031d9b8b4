//! Request bodies, read whole within the server's size limit (`--max-body-bytes`).

use crate::serve::error::ApiError;
use axum::body::{Body, Bytes};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// Reads a whole request body, refusing one larger than `limit` bytes.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, ApiError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(ApiError::PayloadTooLarge { limit }),
        Err(error) => Err(ApiError::BadRequest(format!("cannot read the request body: {error}"))),
    }
}
