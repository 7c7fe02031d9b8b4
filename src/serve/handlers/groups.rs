//! User groups (endpoint 3) and their memberships (endpoint 4).

use crate::model::{Group, Membership};
use crate::serve::error::ApiError;
use crate::serve::pagination::Paging;
use crate::serve::query::QueryParams;
use crate::serve::state::{AppState, Served};
use crate::serve::wire::{GroupMember, GroupMembers, Memberships, OrganizationPermissions, Single, UserGroup};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// `GET /api/v2/user_groups/`: every group, deleted ones included (with `deleted_at` set), paged.
pub async fn user_groups(State(state): State<Arc<AppState>>, query: QueryParams) -> Result<Response, ApiError> {
    let paging = Paging::from_query(&query, "user_groups")?;
    let served = state.store.read();
    let org_id = served.organization().id.as_str();
    let groups = served.organization().groups.iter();
    Ok(Json(paging.page(groups, |group| user_group(group, org_id))?).into_response())
}

/// `GET /api/v2/user_groups/memberships/list`: every group with its members, in one response.
pub async fn memberships(State(state): State<Arc<AppState>>) -> Response {
    let served = state.store.read();
    let groups = served.organization().memberships.iter().map(|membership| group_members(&served, membership));
    Json(Single { result: Memberships { groups: groups.collect() } }).into_response()
}

fn user_group<'a>(group: &'a Group, org_id: &'a str) -> UserGroup<'a> {
    UserGroup {
        id: group.id.as_str(),
        name: &group.name,
        org_id,
        created_at: &group.created_at,
        updated_at: &group.updated_at,
        deleted_at: group.deleted_at.as_deref(),
        source: group.source,
        organization_permissions: OrganizationPermissions { base_role: group.org_role, additional_roles: [] },
    }
}

fn group_members<'a>(served: &'a Served, membership: &'a Membership) -> GroupMembers<'a> {
    let members = membership.user_ids.iter().map(|user_id| {
        let member = served.member(user_id.as_str());
        GroupMember {
            user_id: user_id.as_str(),
            user_email: member.map_or("", |member| member.email.as_str()),
            user_name: member.map_or("", |member| member.name.as_str()),
        }
    });
    GroupMembers {
        group_id: membership.group_id.as_str(),
        group_name: &membership.group_name,
        members: members.collect(),
    }
}
