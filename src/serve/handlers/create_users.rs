//! `POST /api/v2/users/admin_batch_create` (endpoint 11): all or nothing. The batch is validated whole;
//! then the new members are saved to the snapshot file, atomically, before the response is sent, so a
//! created user is durable and shows in the next list call.

use super::body::read_body;
use crate::sdk::Timestamp;
use crate::serve::error::ApiError;
use crate::serve::new_users::validate_batch;
use crate::serve::state::AppState;
use crate::serve::wire::{CreatedUser, Results};
use crate::users::batch::new_members;
use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// Creates every user of the batch, or none.
pub async fn admin_batch_create(State(state): State<Arc<AppState>>, body: Body) -> Result<Response, ApiError> {
    let body = read_body(body, &state).await?;
    // Saving the snapshot is blocking file work: it runs off the async workers.
    tokio::task::spawn_blocking(move || create(&state, &body))
        .await
        .map_err(|error| ApiError::Internal(format!("creating users failed: {error}")))?
}

fn create(state: &AppState, body: &[u8]) -> Result<Response, ApiError> {
    let mut served = state.store.write();
    let users = validate_batch(body, served.organization())?;
    let (members, created): (Vec<_>, Vec<_>) =
        new_members(served.organization(), &users, Timestamp::now_utc()).into_iter().unzip();
    let results = created
        .into_iter()
        .map(|user| CreatedUser {
            user_id: user.user_id,
            name: user.name,
            email: user.email,
            created_at: user.created_at.isoformat('T'),
            is_sso_user: user.is_sso_user,
            lastname: user.lastname,
            title: user.title,
        })
        .collect();
    if !members.is_empty() {
        served.add_members(members).map_err(|error| {
            ApiError::Internal(format!("no user was created: the snapshot could not be saved: {error}"))
        })?;
    }
    Ok(Json(Results { results }).into_response())
}
