//! `POST /api/v2/users/admin_batch_create` (endpoint 11): all or nothing. The batch is validated whole;
//! then the new members are saved to the snapshot file, atomically, before the response is sent, so a
//! created user is durable and shows in the next list call.

use super::read_body;
use crate::model::{Member, OrgRole};
use crate::serve::error::ApiError;
use crate::serve::new_users::{validate_batch, NewUser};
use crate::serve::state::{AppState, Served};
use crate::serve::wire::{CreatedUser, Results};
use crate::synth::SplitMix64;
use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::collections::HashSet;
use std::sync::Arc;

/// Creates every user of the batch, or none.
pub async fn admin_batch_create(State(state): State<Arc<AppState>>, body: Body) -> Result<Response, ApiError> {
    let body = read_body(body, state.max_body_bytes).await?;
    // Saving the snapshot is blocking file work: it runs off the async workers.
    tokio::task::spawn_blocking(move || create(&state, &body))
        .await
        .map_err(|error| ApiError::Internal(format!("creating users failed: {error}")))?
}

fn create(state: &AppState, body: &[u8]) -> Result<Response, ApiError> {
    let mut served = state.store.write();
    let users = validate_batch(body, served.organization())?;
    let created_at = now();
    let members = new_members(&served, &users, &created_at);
    let results = users
        .into_iter()
        .zip(&members)
        .map(|(user, member)| CreatedUser {
            user_id: member.member_id().to_owned(),
            name: user.name,
            email: user.email,
            created_at: created_at.clone(),
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

/// Returns the members to add, each with a user id and an identity id no record of the organization has.
fn new_members(served: &Served, users: &[NewUser], created_at: &str) -> Vec<Member> {
    let organization = served.organization();
    let mut taken: HashSet<String> =
        organization.members.iter().flat_map(|member| [member.id.clone(), member.member_id().to_owned()]).collect();
    let mut random = SplitMix64::new(clock_seed() ^ organization.members.len() as u64);
    users
        .iter()
        .map(|user| {
            let suffix = fresh_suffix(&mut random, &mut taken);
            Member {
                id: format!("idn_{suffix}"),
                user_id: Some(format!("usr_{suffix}").into()),
                email: user.email.clone(),
                name: user.display_name(),
                created_at: created_at.to_owned(),
                permission_level: OrgRole::Collaborator.as_str().to_owned(),
                base_role: Some(OrgRole::Collaborator),
                additional_roles: Vec::new(),
                is_service_account: false,
            }
        })
        .collect()
}

/// Returns a random hex suffix whose `usr_` and `idn_` ids are both free, and marks them taken.
fn fresh_suffix(random: &mut SplitMix64, taken: &mut HashSet<String>) -> String {
    loop {
        let suffix = format!("{:016x}", random.next_u64());
        let (user_id, identity_id) = (format!("usr_{suffix}"), format!("idn_{suffix}"));
        if !taken.contains(&user_id) && !taken.contains(&identity_id) {
            taken.insert(user_id);
            taken.insert(identity_id);
            return suffix;
        }
    }
}

/// Returns the current time as ISO 8601 with an offset, as the snapshot stores times.
fn now() -> String {
    jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// Returns a seed that differs between batches, so that ids are not reused after a member is removed
/// from the file by hand.
fn clock_seed() -> u64 {
    jiff::Timestamp::now().as_nanosecond() as u64
}
