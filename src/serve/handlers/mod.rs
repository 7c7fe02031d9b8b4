//! The endpoints, one file per family, and the router that serves each of them with and without a
//! trailing slash (the official client calls `/api/v2/userinfo/` and `/api/v2/organization_collaborators/`).

mod body;
mod create_users;
mod groups;
mod permissions;
mod resources;
mod users;

use super::error::ApiError;
use super::state::AppState;
use super::{auth, faults};
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use body::read_body;
use std::sync::Arc;

/// Returns the router of the whole wire API, behind the fault, latency and token checks.
pub fn router(state: Arc<AppState>) -> Router {
    let routes: [(&str, MethodRouter<Arc<AppState>>); 13] = [
        ("/api/v2/userinfo", get(users::userinfo)),
        ("/api/v2/organization_collaborators", get(users::organization_collaborators)),
        ("/api/v2/user_groups", get(groups::user_groups)),
        ("/api/v2/user_groups/memberships/list", get(groups::memberships)),
        ("/api/v2/clouds", get(resources::clouds)),
        ("/api/v2/projects", get(resources::projects)),
        ("/api/v2/clouds/{cloud_id}/collaborators/users/search", post(resources::cloud_collaborators)),
        ("/api/v2/projects/{project_id}/collaborators/users", get(resources::project_collaborators)),
        ("/api/v2/policy/cloud/{cloud_id}", get(resources::cloud_policy)),
        ("/api/v2/policy/project/{project_id}", get(resources::project_policy)),
        ("/api/v2/scim/list-user-permissions", get(permissions::list_user_permissions)),
        ("/api/v2/users/admin_batch_create", post(create_users::admin_batch_create)),
        ("/api/v2/cli_usage", post(cli_usage)),
    ];
    let mut router = Router::new();
    for (path, method_router) in routes {
        router = router.route(path, method_router.clone()).route(&format!("{path}/"), method_router);
    }
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.token.clone(), auth::require_token))
        .layer(from_fn_with_state(state.knobs.clone(), faults::latency_and_faults))
        .with_state(state)
}

/// `POST /api/v2/cli_usage/`: the official CLI's telemetry, read within the body limit and dropped.
async fn cli_usage(State(state): State<Arc<AppState>>, body: Body) -> Result<Json<serde_json::Value>, ApiError> {
    read_body(body, &state).await?;
    Ok(Json(serde_json::json!({})))
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no endpoint `{method} {}` in the emulated Anyscale API", uri.path()))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("`{}` does not accept `{method}`", uri.path()))
}
