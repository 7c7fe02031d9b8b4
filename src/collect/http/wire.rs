//! The API's JSON shapes (wire API v1), private to the HTTP client, and their conversion to the domain
//! model. Unknown fields are ignored; a missing required field or an unknown role is an error that
//! names the endpoint, never a panic.

use crate::model::{
    Binding, CloudCollaborator, CloudId, DirectLevel, Group, GroupId, GroupSource, Member, Membership, OrgRole,
    ProjectCollaborator, ProjectId, Role, UserId,
};
use crate::sdk::{AdminCreatedUser, Timestamp};
use serde::Deserialize;

/// A page of a list endpoint.
#[derive(Deserialize)]
pub struct Page<T> {
    pub results: Vec<T>,
    #[serde(default)]
    pub metadata: Option<PageMetadata>,
}

#[derive(Deserialize)]
pub struct PageMetadata {
    #[serde(default)]
    pub next_paging_token: Option<String>,
    /// How many items the whole list holds, when the server says; anything but a count is ignored.
    #[serde(default)]
    total: Option<serde_json::Value>,
}

impl PageMetadata {
    /// Returns the number of items the server says the whole list holds.
    pub fn total(&self) -> Option<u64> {
        self.total.as_ref().and_then(serde_json::Value::as_u64)
    }
}

/// A single-result answer.
#[derive(Deserialize)]
pub struct Single<T> {
    pub result: T,
}

/// `{"error": {"detail": ..., "message": ...}}`.
#[derive(Deserialize)]
pub struct ErrorBody {
    pub error: ErrorFields,
}

#[derive(Deserialize)]
pub struct ErrorFields {
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

/// Endpoint 1: who the token belongs to, and its organization.
#[derive(Deserialize)]
pub struct UserInfo {
    #[serde(default)]
    pub organization_ids: Vec<String>,
    #[serde(default)]
    pub organizations: Vec<OrganizationRef>,
}

#[derive(Deserialize)]
pub struct OrganizationRef {
    pub id: String,
}

impl UserInfo {
    /// Returns the id of the token's organization.
    pub fn organization_id(&self) -> Option<&str> {
        self.organization_ids
            .first()
            .map(String::as_str)
            .or_else(|| self.organizations.first().map(|org| org.id.as_str()))
    }
}

/// Endpoint 2: an organization collaborator.
#[derive(Deserialize)]
pub struct Collaborator {
    id: String,
    #[serde(default)]
    user_id: Option<String>,
    email: String,
    name: String,
    created_at: String,
    permission_level: String,
    #[serde(default)]
    base_role: Option<String>,
    #[serde(default)]
    additional_roles: Vec<String>,
    #[serde(default)]
    is_service_account: bool,
}

impl From<Collaborator> for Member {
    fn from(wire: Collaborator) -> Member {
        Member {
            id: wire.id,
            user_id: wire.user_id.filter(|id| !id.is_empty()).map(UserId),
            email: wire.email,
            name: wire.name,
            created_at: wire.created_at,
            permission_level: wire.permission_level,
            base_role: wire.base_role.as_deref().and_then(OrgRole::from_permission_level),
            additional_roles: wire.additional_roles,
            is_service_account: wire.is_service_account,
        }
    }
}

/// Endpoint 3: a user group.
#[derive(Deserialize)]
pub struct UserGroup {
    id: String,
    name: String,
    #[serde(default)]
    created_at: String,
    #[serde(default)]
    updated_at: String,
    #[serde(default)]
    deleted_at: Option<String>,
    source: GroupSource,
    #[serde(default)]
    organization_permissions: Option<OrganizationPermissions>,
}

#[derive(Deserialize)]
struct OrganizationPermissions {
    #[serde(default)]
    base_role: Option<String>,
}

impl From<UserGroup> for Group {
    fn from(wire: UserGroup) -> Group {
        let base_role = wire.organization_permissions.and_then(|permissions| permissions.base_role);
        Group {
            id: GroupId(wire.id),
            name: wire.name,
            source: wire.source,
            org_role: base_role.as_deref().and_then(OrgRole::from_permission_level),
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            deleted_at: wire.deleted_at,
        }
    }
}

/// Endpoint 4: every group with its members.
#[derive(Deserialize)]
pub struct Memberships {
    pub groups: Vec<GroupMembers>,
}

#[derive(Deserialize)]
pub struct GroupMembers {
    group_id: String,
    #[serde(default)]
    group_name: String,
    #[serde(default)]
    members: Vec<GroupMember>,
}

#[derive(Deserialize)]
struct GroupMember {
    user_id: String,
}

impl From<GroupMembers> for Membership {
    fn from(wire: GroupMembers) -> Membership {
        Membership {
            group_id: GroupId(wire.group_id),
            group_name: wire.group_name,
            user_ids: wire.members.into_iter().map(|member| UserId(member.user_id)).collect(),
        }
    }
}

/// Endpoint 5: a cloud.
#[derive(Deserialize)]
pub struct CloudItem {
    pub id: String,
    pub name: String,
}

/// Endpoint 6: a project.
#[derive(Deserialize)]
pub struct ProjectItem {
    pub id: String,
    pub name: String,
    /// A project without a parent cloud keeps an empty id, which the engine reports as unknown.
    #[serde(default)]
    pub parent_cloud_id: Option<String>,
}

/// The user a collaborator record is about.
#[derive(Deserialize)]
struct CollaboratorValue {
    id: String,
}

/// Endpoint 7: a cloud collaborator with every level held.
#[derive(Deserialize)]
pub struct CloudCollaboratorItem {
    value: CollaboratorValue,
    permission_level: DirectLevel,
    #[serde(default)]
    permission_levels: Vec<DirectLevel>,
}

impl From<CloudCollaboratorItem> for CloudCollaborator {
    fn from(wire: CloudCollaboratorItem) -> CloudCollaborator {
        let mut levels = wire.permission_levels;
        if !levels.contains(&wire.permission_level) {
            levels.push(wire.permission_level);
        }
        CloudCollaborator { user_id: UserId(wire.value.id), levels }
    }
}

/// Endpoint 8: a project collaborator.
#[derive(Deserialize)]
pub struct ProjectCollaboratorItem {
    value: CollaboratorValue,
    permission_level: DirectLevel,
}

impl From<ProjectCollaboratorItem> for ProjectCollaborator {
    fn from(wire: ProjectCollaboratorItem) -> ProjectCollaborator {
        ProjectCollaborator { user_id: UserId(wire.value.id), level: wire.permission_level }
    }
}

/// Endpoint 9: a resource's policy.
#[derive(Deserialize)]
pub struct Policy {
    #[serde(default)]
    pub bindings: Vec<PolicyBinding>,
}

#[derive(Deserialize)]
pub struct PolicyBinding {
    role_name: Role,
    #[serde(default)]
    principals: Vec<String>,
}

impl From<PolicyBinding> for Binding {
    fn from(wire: PolicyBinding) -> Binding {
        Binding { role: wire.role_name, groups: wire.principals.into_iter().map(GroupId).collect() }
    }
}

/// Endpoint 11: a user that `admin_batch_create` created.
#[derive(Deserialize)]
pub struct CreatedUser {
    user_id: String,
    name: String,
    email: String,
    created_at: String,
    is_sso_user: bool,
    #[serde(default)]
    lastname: Option<String>,
    #[serde(default)]
    title: Option<String>,
}

/// Fails, naming the user, when `created_at` is not a timestamp.
impl TryFrom<CreatedUser> for AdminCreatedUser {
    type Error = String;

    fn try_from(wire: CreatedUser) -> Result<AdminCreatedUser, String> {
        let created_at = Timestamp::parse(&wire.created_at)
            .map_err(|source| format!("user `{}` has an invalid `created_at`: {source}", wire.email))?;
        Ok(AdminCreatedUser {
            user_id: wire.user_id,
            name: wire.name,
            email: wire.email,
            created_at,
            is_sso_user: wire.is_sso_user,
            lastname: wire.lastname,
            title: wire.title,
        })
    }
}

/// Returns the typed ids of a cloud and a project, for building records.
pub fn cloud_id(id: &str) -> CloudId {
    CloudId(id.to_owned())
}

/// Returns a project id.
pub fn project_id(id: &str) -> ProjectId {
    ProjectId(id.to_owned())
}
