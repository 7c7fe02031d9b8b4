//! Anomalies: whatever the rules ignore, cap or drop (R9), kept as data with stable kebab-case codes
//! and rendered by the reports.

use serde::Serialize;
use std::fmt;

/// The kind of an anomaly; its code is stable across releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnomalyKind {
    /// A service account whose `permission_level` is `owner` (R1): it is not listed as an org owner.
    ServiceAccountOwner,
    /// A member with no base role that holds grants (R2): the grants give nothing.
    NoBaseRole,
    /// A group `owner` binding on a cloud (R3): it counts as `collaborator`.
    GroupOwnerOnCloud,
    /// A direct `readonly` on a cloud that overrides a higher grant there (R3).
    ReadonlyRestriction,
    /// A project role capped to `readonly` by a `readonly` role on the parent cloud (R4).
    ProjectRoleCapped,
    /// A project grant for a member with no role on the parent cloud (R4): it is dropped.
    OrphanProjectGrant,
    /// A deleted group that still has members or grants (R8): they are ignored.
    DeletedGroup,
    /// A grant or membership naming a member that is not in the organization (R8).
    UnknownMember,
    /// A binding or membership naming a group that is not in the organization (R8).
    UnknownGroup,
    /// A project whose parent cloud is not in the organization (R8): its grants are ignored.
    UnknownCloud,
    /// An id used by two records; only the first is used.
    DuplicateId,
}

impl AnomalyKind {
    /// Every kind, in code order.
    pub const ALL: [AnomalyKind; 11] = [
        AnomalyKind::ServiceAccountOwner,
        AnomalyKind::NoBaseRole,
        AnomalyKind::GroupOwnerOnCloud,
        AnomalyKind::ReadonlyRestriction,
        AnomalyKind::ProjectRoleCapped,
        AnomalyKind::OrphanProjectGrant,
        AnomalyKind::DeletedGroup,
        AnomalyKind::UnknownMember,
        AnomalyKind::UnknownGroup,
        AnomalyKind::UnknownCloud,
        AnomalyKind::DuplicateId,
    ];

    /// Returns the stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            AnomalyKind::ServiceAccountOwner => "service-account-owner",
            AnomalyKind::NoBaseRole => "no-base-role",
            AnomalyKind::GroupOwnerOnCloud => "group-owner-on-cloud",
            AnomalyKind::ReadonlyRestriction => "readonly-restriction",
            AnomalyKind::ProjectRoleCapped => "project-role-capped",
            AnomalyKind::OrphanProjectGrant => "orphan-project-grant",
            AnomalyKind::DeletedGroup => "deleted-group",
            AnomalyKind::UnknownMember => "unknown-member",
            AnomalyKind::UnknownGroup => "unknown-group",
            AnomalyKind::UnknownCloud => "unknown-cloud",
            AnomalyKind::DuplicateId => "duplicate-id",
        }
    }
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What an id in an anomaly refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    User,
    Group,
    Cloud,
    Project,
}

/// One id involved in an anomaly.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: String,
}

impl Subject {
    /// Returns a subject naming a member.
    pub fn user(id: &str) -> Subject {
        Subject { kind: SubjectKind::User, id: id.to_owned() }
    }

    /// Returns a subject naming a group.
    pub fn group(id: &str) -> Subject {
        Subject { kind: SubjectKind::Group, id: id.to_owned() }
    }

    /// Returns a subject naming a cloud.
    pub fn cloud(id: &str) -> Subject {
        Subject { kind: SubjectKind::Cloud, id: id.to_owned() }
    }

    /// Returns a subject naming a project.
    pub fn project(id: &str) -> Subject {
        Subject { kind: SubjectKind::Project, id: id.to_owned() }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            SubjectKind::User => "user",
            SubjectKind::Group => "group",
            SubjectKind::Cloud => "cloud",
            SubjectKind::Project => "project",
        };
        write!(f, "{kind} {}", self.id)
    }
}

/// One finding: its kind, the ids involved, and a sentence saying what was ignored or changed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Anomaly {
    pub kind: AnomalyKind,
    pub subjects: Vec<Subject>,
    pub detail: String,
}

impl Anomaly {
    /// Returns a new anomaly.
    pub fn new(kind: AnomalyKind, subjects: Vec<Subject>, detail: String) -> Anomaly {
        Anomaly { kind, subjects, detail }
    }
}
