//! The response bodies the emulator sends, shaped as the Anyscale API 0.26.112 sends them
//! (`docs/wire-api.md`). They stay private to the server: the rest of permaudit works with the
//! domain model.

use crate::model::{DirectLevel, GroupSource, OrgRole};
use serde::Serialize;

/// A single result: `{"result": ...}`.
#[derive(Serialize)]
pub struct Single<T> {
    pub result: T,
}

/// A page of a list: `{"results": [...], "metadata": {...}}`.
#[derive(Serialize)]
pub struct List<T> {
    pub results: Vec<T>,
    pub metadata: ListMetadata,
}

/// The paging state of a list; `next_paging_token` is null on the last page.
#[derive(Serialize)]
pub struct ListMetadata {
    pub total: usize,
    pub next_paging_token: Option<String>,
}

/// A list that is not paged (the batch-create result).
#[derive(Serialize)]
pub struct Results<T> {
    pub results: Vec<T>,
}

/// An error: `{"error": {"detail": "..."}}`, where the official client reads the message.
#[derive(Serialize)]
pub struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    detail: &'a str,
}

impl<'a> ErrorBody<'a> {
    /// Returns the body of an error with this message.
    pub fn new(detail: &'a str) -> Self {
        ErrorBody { error: ErrorDetail { detail } }
    }
}

/// `GET /api/v2/userinfo/`: every field present and non-null, as the official client validates it.
#[derive(Clone, Debug, Serialize)]
pub struct UserInfo {
    pub id: String,
    pub email: String,
    pub name: String,
    pub username: String,
    pub verified: bool,
    pub organization_permission_level: String,
    pub organization_ids: Vec<String>,
    pub organizations: Vec<OrganizationRef>,
    pub ld_hash: String,
    pub ld_hash_fields: Vec<String>,
    pub pylon_hash: String,
}

/// An organization as userinfo names it. Besides `id` and `name`, the official client requires
/// `public_identifier` and the three flags to be present and non-null.
#[derive(Clone, Debug, Serialize)]
pub struct OrganizationRef {
    pub id: String,
    pub name: String,
    pub public_identifier: String,
    pub is_general_platform_enabled: bool,
    pub is_private_endpoints_enabled: bool,
    pub is_usage_blocked: bool,
}

/// An organization collaborator (endpoint 2).
#[derive(Serialize)]
pub struct Collaborator<'a> {
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<&'a str>,
    pub email: &'a str,
    pub name: &'a str,
    pub created_at: &'a str,
    pub permission_level: &'a str,
    pub base_role: Option<OrgRole>,
    pub additional_roles: &'a [String],
    pub is_service_account: bool,
}

/// A user group (endpoint 3).
#[derive(Serialize)]
pub struct UserGroup<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub org_id: &'a str,
    pub created_at: &'a str,
    pub updated_at: &'a str,
    pub deleted_at: Option<&'a str>,
    pub source: GroupSource,
    pub organization_permissions: OrganizationPermissions,
}

/// A group's organization role.
#[derive(Serialize)]
pub struct OrganizationPermissions {
    pub base_role: Option<OrgRole>,
    pub additional_roles: [&'static str; 0],
}

/// Every group with its members (endpoint 4).
#[derive(Serialize)]
pub struct Memberships<'a> {
    pub groups: Vec<GroupMembers<'a>>,
}

/// One group's members.
#[derive(Serialize)]
pub struct GroupMembers<'a> {
    pub group_id: &'a str,
    pub group_name: &'a str,
    pub members: Vec<GroupMember<'a>>,
}

/// A group member; email and name are empty for an id that is not a member of the organization.
#[derive(Serialize)]
pub struct GroupMember<'a> {
    pub user_id: &'a str,
    pub user_email: &'a str,
    pub user_name: &'a str,
}

/// A cloud (endpoint 5) or a project (endpoint 6, which adds its parent cloud).
#[derive(Serialize)]
pub struct ResourceItem<'a> {
    pub id: &'a str,
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_cloud_id: Option<&'a str>,
}

/// A member's direct level on a resource (endpoints 7 and 8); clouds list every level the member
/// holds as well.
#[derive(Serialize)]
pub struct CollaboratorItem<'a> {
    pub id: &'a str,
    pub value: CollaboratorValue<'a>,
    pub permission_level: DirectLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_levels: Option<Vec<DirectLevel>>,
}

/// The person behind a grant; name and email are empty for a user who is not a member.
#[derive(Serialize)]
pub struct CollaboratorValue<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
}

/// A resource's group grants (endpoint 9).
#[derive(Serialize)]
pub struct Policy<'a> {
    pub bindings: Vec<PolicyBinding<'a>>,
    pub sync_status: &'static str,
}

/// The groups that hold one role.
#[derive(Serialize)]
pub struct PolicyBinding<'a> {
    pub role_name: &'static str,
    pub principals: Vec<&'a str>,
}

/// A user made by `admin_batch_create` (endpoint 11).
#[derive(Serialize)]
pub struct CreatedUser {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub created_at: String,
    pub is_sso_user: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lastname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}
