//! One organization's members, groups, clouds and projects, with every direct and group grant.

use super::ids::{CloudId, GroupId, OrgId, ProjectId, UserId};
use super::role::{DirectLevel, OrgRole, Role};
use serde::{Deserialize, Serialize};

/// Everything the engine needs to know about one organization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Organization {
    pub id: OrgId,
    pub members: Vec<Member>,
    pub groups: Vec<Group>,
    pub memberships: Vec<Membership>,
    pub clouds: Vec<Cloud>,
    pub projects: Vec<Project>,
}

/// An organization collaborator: a person or a service account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The identity id the collaborator endpoints return as `id`.
    pub id: String,
    /// The user id; absent for some service accounts, and then `id` stands in.
    pub user_id: Option<UserId>,
    pub email: String,
    pub name: String,
    pub created_at: String,
    /// Kept verbatim: anything but `owner` or `collaborator` gives no base role.
    pub permission_level: String,
    pub base_role: Option<OrgRole>,
    pub additional_roles: Vec<String>,
    pub is_service_account: bool,
}

impl Member {
    /// Returns the member's id: `user_id` when present, otherwise the identity id.
    pub fn member_id(&self) -> &str {
        match &self.user_id {
            Some(user_id) => user_id.as_str(),
            None => &self.id,
        }
    }

    /// Returns the organization role that the member's `permission_level` gives, if any.
    pub fn level_role(&self) -> Option<OrgRole> {
        OrgRole::from_permission_level(&self.permission_level)
    }
}

/// Whether a group is managed in Anyscale or provisioned through SCIM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupSource {
    User,
    Scim,
}

/// A user group. Its members are listed in [`Membership`] records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: GroupId,
    pub name: String,
    pub source: GroupSource,
    /// The organization role the group gives its members.
    pub org_role: Option<OrgRole>,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Option<String>,
}

impl Group {
    /// Returns true when the group has been deleted (its grants no longer count).
    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }
}

/// The members of one group, as the memberships endpoint lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    pub group_id: GroupId,
    pub group_name: String,
    pub user_ids: Vec<UserId>,
}

/// A group grant: every listed group holds `role` on the resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    pub role: Role,
    pub groups: Vec<GroupId>,
}

/// A member's direct levels on a cloud (a member may hold several, such as `owner` and `readonly`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudCollaborator {
    pub user_id: UserId,
    pub levels: Vec<DirectLevel>,
}

/// A cloud with its direct and group grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cloud {
    pub id: CloudId,
    pub name: String,
    pub collaborators: Vec<CloudCollaborator>,
    pub bindings: Vec<Binding>,
}

/// A member's direct level on a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectCollaborator {
    pub user_id: UserId,
    pub level: DirectLevel,
}

/// A project, its parent cloud, and its direct and group grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: ProjectId,
    pub name: String,
    pub parent_cloud_id: CloudId,
    pub collaborators: Vec<ProjectCollaborator>,
    pub bindings: Vec<Binding>,
}

impl Organization {
    /// Sorts every list by id, so that equal organizations serialize to identical bytes.
    pub fn normalize(&mut self) {
        use rayon::prelude::*;
        // Stable sorts, as the sequential ones are: equal keys keep their order.
        self.members.par_sort_by(|a, b| a.member_id().cmp(b.member_id()).then_with(|| a.id.cmp(&b.id)));
        self.groups.par_sort_by(|a, b| a.id.cmp(&b.id));
        self.memberships.par_sort_by(|a, b| a.group_id.cmp(&b.group_id));
        self.memberships.par_iter_mut().for_each(|membership| membership.user_ids.sort());
        self.clouds.par_sort_by(|a, b| a.id.cmp(&b.id));
        self.clouds.par_iter_mut().for_each(|cloud| {
            cloud.collaborators.sort_by(|a, b| a.user_id.cmp(&b.user_id));
            for collaborator in &mut cloud.collaborators {
                collaborator.levels.sort();
                collaborator.levels.dedup();
            }
            normalize_bindings(&mut cloud.bindings);
        });
        self.projects.par_sort_by(|a, b| a.id.cmp(&b.id));
        self.projects.par_iter_mut().for_each(|project| {
            project.collaborators.sort_by(|a, b| a.user_id.cmp(&b.user_id).then(a.level.cmp(&b.level)));
            normalize_bindings(&mut project.bindings);
        });
    }
}

fn normalize_bindings(bindings: &mut [Binding]) {
    for binding in bindings.iter_mut() {
        binding.groups.sort();
    }
    bindings.sort_by(|a, b| b.role.cmp(&a.role).then_with(|| a.groups.cmp(&b.groups)));
}
