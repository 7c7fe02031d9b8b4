//! Raw changes: what differs between the two collections' records, matched by id (a direct level
//! added, a membership removed, a group deleted, a project moved, ...), each with its effect on
//! effective access or the reason it has none.

use super::reason::Reason;
use super::refs::{ChangeValue, GroupRef, MemberRef, ResourceRef};
use serde::Serialize;
use std::sync::Arc;

/// The kind of a raw change; its code is stable across releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum RawKind {
    MemberJoined,
    MemberLeft,
    PermissionLevelChanged,
    ServiceAccountChanged,
    EmailChanged,
    NameChanged,
    ResourceCreated,
    ResourceDeleted,
    Renamed,
    GroupDeleted,
    GroupRestored,
    GroupOrgRoleChanged,
    MembershipAdded,
    MembershipRemoved,
    ProjectMoved,
    DirectLevelAdded,
    DirectLevelRemoved,
    DirectLevelChanged,
    GroupGrantAdded,
    GroupGrantRemoved,
    GroupGrantChanged,
}

impl RawKind {
    /// Every kind, in the order outputs list them.
    pub const ALL: &'static [RawKind] = <RawKind as strum::VariantArray>::VARIANTS;

    /// Returns the kind's stable code and what it means: the one table of raw kinds.
    pub fn info(self) -> (&'static str, &'static str) {
        match self {
            RawKind::MemberJoined => ("member-joined", "a member id is in the new collection only"),
            RawKind::MemberLeft => ("member-left", "a member id is in the old collection only"),
            RawKind::PermissionLevelChanged => ("permission-level-changed", "a member's `permission_level` changed"),
            RawKind::ServiceAccountChanged => ("service-account-changed", "a member's service-account flag changed"),
            RawKind::EmailChanged => ("email-changed", "a member's email changed (same id)"),
            RawKind::NameChanged => ("name-changed", "a member's name changed (same id)"),
            RawKind::ResourceCreated => ("resource-created", "a cloud, project or group is in the new collection only"),
            RawKind::ResourceDeleted => ("resource-deleted", "a cloud, project or group is in the old collection only"),
            RawKind::Renamed => ("renamed", "a cloud, project or group has a new name (same id)"),
            RawKind::GroupDeleted => ("group-deleted", "a group's `deleted_at` was set"),
            RawKind::GroupRestored => ("group-restored", "a group's `deleted_at` was cleared"),
            RawKind::GroupOrgRoleChanged => ("group-org-role-changed", "the org role a group gives changed"),
            RawKind::MembershipAdded => ("membership-added", "a member was added to a group"),
            RawKind::MembershipRemoved => ("membership-removed", "a member was removed from a group"),
            RawKind::ProjectMoved => ("project-moved", "a project's parent cloud changed"),
            RawKind::DirectLevelAdded => ("direct-level-added", "a direct level was granted on a cloud or project"),
            RawKind::DirectLevelRemoved => ("direct-level-removed", "a direct level was revoked"),
            RawKind::DirectLevelChanged => ("direct-level-changed", "a member's one direct level there became another"),
            RawKind::GroupGrantAdded => ("group-grant-added", "a group was bound to a role on a cloud or project"),
            RawKind::GroupGrantRemoved => ("group-grant-removed", "a group's binding was removed"),
            RawKind::GroupGrantChanged => ("group-grant-changed", "a group's one role there became another"),
        }
    }

    /// Returns the kind's stable code.
    pub fn code(self) -> &'static str {
        self.info().0
    }
}

/// What a raw change does to effective access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "effect", rename_all = "kebab-case")]
pub enum Effect {
    /// The effective changes (positions in [`super::Diff::changes`]) that list it as a cause.
    Changes { changes: Vec<usize> },
    /// It concerns data inside a collection gap, so its effect cannot be known.
    Unknown { gaps: Vec<String> },
    /// It changes no effective access, for these reasons (the first few, deterministic), and `more`
    /// reasons not listed.
    None { reasons: Vec<Reason>, more: usize },
}

impl Effect {
    /// Returns the effect's code: `changes`, `unknown` or `none`.
    pub fn code(&self) -> &'static str {
        match self {
            Effect::Changes { .. } => "changes",
            Effect::Unknown { .. } => "unknown",
            Effect::None { .. } => "none",
        }
    }
}

/// One raw change: its kind, what it is about (by id and name), both values, and its effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RawChange {
    pub kind: RawKind,
    pub member: Option<Arc<MemberRef>>,
    pub group: Option<GroupRef>,
    pub resource: Option<Arc<ResourceRef>>,
    pub before: ChangeValue,
    pub after: ChangeValue,
    pub effect: Effect,
}

impl RawChange {
    /// Returns the change in words: `direct write for bob@example.com (usr_bob) added on cloud dev (cld_dev)`.
    pub fn describe(&self) -> String {
        let member = self.member.as_ref().map(|member| member.label()).unwrap_or_default();
        let group = self.group.as_ref().map(|group| group.label()).unwrap_or_default();
        let resource = self.resource.as_ref().map(|resource| resource.label()).unwrap_or_default();
        let subject = if self.group.is_some() { group.clone() } else { resource.clone() };
        let (before, after) = (&self.before, &self.after);
        match self.kind {
            RawKind::MemberJoined => format!("{member} joined the organization"),
            RawKind::MemberLeft => format!("{member} left the organization"),
            RawKind::PermissionLevelChanged => format!("permission_level of {member} changed from {before} to {after}"),
            RawKind::ServiceAccountChanged if *after == ChangeValue::Flag(true) => {
                format!("{member} became a service account")
            }
            RawKind::ServiceAccountChanged => format!("{member} is no longer a service account"),
            RawKind::EmailChanged => format!("email of `{}` changed from {before} to {after}", self.member_id()),
            RawKind::NameChanged => format!("name of {member} changed from {before} to {after}"),
            RawKind::ResourceCreated => format!("{subject} created"),
            RawKind::ResourceDeleted => format!("{subject} deleted"),
            RawKind::Renamed => format!("{} {before} ({}) renamed to {after}", self.subject_kind(), self.subject_id()),
            RawKind::GroupDeleted => format!("{group} deleted (deleted_at set)"),
            RawKind::GroupRestored => format!("{group} restored (deleted_at cleared)"),
            RawKind::GroupOrgRoleChanged => format!("org role given by {group} changed from {before} to {after}"),
            RawKind::MembershipAdded => format!("{member} added to {group}"),
            RawKind::MembershipRemoved => format!("{member} removed from {group}"),
            RawKind::ProjectMoved => {
                format!("{resource} moved from {} to {}", self.cloud_label(true), self.cloud_label(false))
            }
            RawKind::DirectLevelAdded => format!("direct {after} for {member} added on {resource}"),
            RawKind::DirectLevelRemoved => format!("direct {before} for {member} removed from {resource}"),
            RawKind::DirectLevelChanged => {
                format!("direct level of {member} on {resource} changed from {before} to {after}")
            }
            RawKind::GroupGrantAdded => format!("{group} granted {after} on {resource}"),
            RawKind::GroupGrantRemoved => format!("grant of {before} to {group} on {resource} removed"),
            RawKind::GroupGrantChanged => format!("grant of {group} on {resource} changed from {before} to {after}"),
        }
    }

    /// Returns what a record change is about: `group`, `cloud` or `project`.
    fn subject_kind(&self) -> &'static str {
        match (&self.group, &self.resource) {
            (Some(_), _) => "group",
            (None, Some(resource)) => resource.kind.as_str(),
            (None, None) => "record",
        }
    }

    fn subject_id(&self) -> &str {
        match (&self.group, &self.resource) {
            (Some(group), _) => &group.id,
            (None, Some(resource)) => &resource.id,
            (None, None) => "",
        }
    }

    /// Returns a moved project's old (`before`) or new parent cloud in words.
    fn cloud_label(&self, before: bool) -> String {
        let resource = self.resource.as_ref();
        let cloud =
            if before { resource.and_then(|r| r.old_cloud.as_ref()) } else { resource.and_then(|r| r.cloud.as_ref()) };
        match cloud {
            Some(cloud) => cloud.label(),
            None => format!("cloud `{}`", if before { &self.before } else { &self.after }),
        }
    }

    fn member_id(&self) -> &str {
        self.member.as_ref().map_or("", |member| member.id.as_str())
    }
}
