//! `GET /api/v2/scim/list-user-permissions` (endpoint 10): every member's effective permissions,
//! computed by the engine, as the official `anyscale user list-permissions` prints them.

use crate::report::permissions::PermissionsDocument;
use crate::resolve::resolve;
use crate::serve::error::ApiError;
use crate::serve::query::QueryParams;
use crate::serve::state::AppState;
use crate::serve::wire::Single;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// Answers with `{"result": document}`, narrowed to `user_id` when given; an unknown id is a 404.
pub async fn list_user_permissions(
    State(state): State<Arc<AppState>>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    // The official client sends no `user_id` for an empty one; an empty value lists everyone too.
    let user_id = query.get("user_id").filter(|id| !id.is_empty()).map(str::to_owned);
    // Resolving a large organization takes a while: it runs off the async workers.
    tokio::task::spawn_blocking(move || permissions(&state, user_id.as_deref()))
        .await
        .map_err(|error| ApiError::Internal(format!("computing permissions failed: {error}")))?
}

fn permissions(state: &AppState, user_id: Option<&str>) -> Result<Response, ApiError> {
    let served = state.store.read();
    let resolution = resolve(served.organization());
    let document = match user_id {
        None => PermissionsDocument::new(&resolution),
        Some(user_id) => PermissionsDocument::for_member(&resolution, user_id).ok_or_else(|| {
            ApiError::NotFound(format!(
                "user `{user_id}` is not a member of organization `{}`",
                resolution.organization_id()
            ))
        })?,
    };
    Ok(Json(Single { result: document }).into_response())
}
