//! Anomalies: whatever the rules ignore, cap or drop (R9), kept as data with stable kebab-case codes
//! and rendered by the reports.

use super::index::{CloudIx, GroupIx, MemberIx, OrgIndex, ProjectIx};
use super::provenance::describe_source;
use super::rules::Source;
use crate::model::Role;
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

/// Where a dangling reference was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    Group(GroupIx),
    Cloud(CloudIx),
    Project(ProjectIx),
}

/// One finding, as indices into the organization, so that recording it costs no allocation; its ids and
/// its sentence are rendered on demand with [`Anomaly::subjects`] and [`Anomaly::detail`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anomaly {
    ServiceAccountOwner {
        member: MemberIx,
    },
    NoBaseRole {
        member: MemberIx,
        cloud_grants: usize,
        project_grants: usize,
    },
    GroupOwnerOnCloud {
        group: GroupIx,
        cloud: CloudIx,
    },
    ReadonlyRestriction {
        member: MemberIx,
        cloud: CloudIx,
        best: Role,
    },
    ProjectRoleCapped {
        member: MemberIx,
        project: ProjectIx,
        cloud: CloudIx,
        best: Role,
    },
    OrphanProjectGrant {
        member: MemberIx,
        project: ProjectIx,
        cloud: CloudIx,
        source: Source,
    },
    DeletedGroup {
        group: GroupIx,
        memberships: usize,
        bindings: usize,
    },
    UnknownMember {
        user_id: String,
        place: Place,
    },
    /// A binding (with its place) or a membership list (no place) naming a group that does not exist.
    UnknownGroup {
        group_id: String,
        place: Option<Place>,
        members: usize,
    },
    UnknownCloud {
        project: ProjectIx,
    },
    DuplicateId {
        subject: Subject,
    },
}

impl Anomaly {
    /// Returns the anomaly's kind.
    pub fn kind(&self) -> AnomalyKind {
        match self {
            Anomaly::ServiceAccountOwner { .. } => AnomalyKind::ServiceAccountOwner,
            Anomaly::NoBaseRole { .. } => AnomalyKind::NoBaseRole,
            Anomaly::GroupOwnerOnCloud { .. } => AnomalyKind::GroupOwnerOnCloud,
            Anomaly::ReadonlyRestriction { .. } => AnomalyKind::ReadonlyRestriction,
            Anomaly::ProjectRoleCapped { .. } => AnomalyKind::ProjectRoleCapped,
            Anomaly::OrphanProjectGrant { .. } => AnomalyKind::OrphanProjectGrant,
            Anomaly::DeletedGroup { .. } => AnomalyKind::DeletedGroup,
            Anomaly::UnknownMember { .. } => AnomalyKind::UnknownMember,
            Anomaly::UnknownGroup { .. } => AnomalyKind::UnknownGroup,
            Anomaly::UnknownCloud { .. } => AnomalyKind::UnknownCloud,
            Anomaly::DuplicateId { .. } => AnomalyKind::DuplicateId,
        }
    }

    /// Returns the ids involved, most specific first (the member, then the resource, then the group).
    pub fn subjects(&self, index: &OrgIndex<'_>) -> Vec<Subject> {
        let user = |member: &MemberIx| Subject::user(index.member_record(*member).member_id());
        let group = |group: &GroupIx| Subject::group(index.group_record(*group).id.as_str());
        let cloud = |cloud: &CloudIx| Subject::cloud(index.cloud_record(*cloud).id.as_str());
        let project = |project: &ProjectIx| Subject::project(index.project_record(*project).id.as_str());
        match self {
            Anomaly::ServiceAccountOwner { member } | Anomaly::NoBaseRole { member, .. } => vec![user(member)],
            Anomaly::GroupOwnerOnCloud { group: g, cloud: c } => vec![group(g), cloud(c)],
            Anomaly::ReadonlyRestriction { member, cloud: c, .. } => vec![user(member), cloud(c)],
            Anomaly::ProjectRoleCapped { member, project: p, cloud: c, .. } => vec![user(member), project(p), cloud(c)],
            Anomaly::OrphanProjectGrant { member, project: p, cloud: c, source } => {
                let mut subjects = vec![user(member), project(p), cloud(c)];
                if let Source::Group { group: g, .. } = source {
                    subjects.push(group(g));
                }
                subjects
            }
            Anomaly::DeletedGroup { group: g, .. } => vec![group(g)],
            Anomaly::UnknownMember { user_id, place: at } => vec![Subject::user(user_id), place_subject(index, *at)],
            Anomaly::UnknownGroup { group_id, place: at, .. } => {
                let mut subjects = vec![Subject::group(group_id)];
                subjects.extend(at.map(|at| place_subject(index, at)));
                subjects
            }
            Anomaly::UnknownCloud { project: p } => {
                let record = index.project_record(*p);
                vec![project(p), Subject::cloud(record.parent_cloud_id.as_str())]
            }
            Anomaly::DuplicateId { subject } => vec![subject.clone()],
        }
    }

    /// Returns a sentence saying what was ignored, capped or dropped, and why.
    pub fn detail(&self, index: &OrgIndex<'_>) -> String {
        let email = |member: &MemberIx| index.member_record(*member).email.as_str();
        let cloud = |cloud: &CloudIx| index.cloud_record(*cloud).name.as_str();
        let project = |project: &ProjectIx| index.project_record(*project).name.as_str();
        match self {
            Anomaly::ServiceAccountOwner { member } => format!(
                "service account `{}` is recorded as `owner`; service accounts are never org owners",
                email(member)
            ),
            Anomaly::NoBaseRole { member, cloud_grants, project_grants } => format!(
                "`{}` has permission level `{}` and no org role from a group, so its {cloud_grants} cloud and {project_grants} project grants give nothing",
                email(member),
                index.member_record(*member).permission_level
            ),
            Anomaly::GroupOwnerOnCloud { group, cloud: c } => format!(
                "group `{}` holds `owner` on cloud `{}`; groups cannot own clouds, so it counts as `collaborator`",
                index.group_record(*group).name,
                cloud(c)
            ),
            Anomaly::ReadonlyRestriction { member, cloud: c, best } => format!(
                "`{}` holds direct readonly on cloud `{}`, which restricts a `{best}` grant there to `readonly`",
                email(member),
                cloud(c)
            ),
            Anomaly::ProjectRoleCapped { member, project: p, cloud: c, best } => format!(
                "`{}` is granted `{best}` on project `{}`, capped to `readonly` by the readonly role on cloud `{}`",
                email(member),
                project(p),
                cloud(c)
            ),
            Anomaly::OrphanProjectGrant { member, project: p, cloud: c, source } => format!(
                "`{}` holds {} on project `{}` but no role on its cloud `{}`; the grant is dropped",
                email(member),
                describe_source(index, *source),
                project(p),
                cloud(c)
            ),
            Anomaly::DeletedGroup { group, memberships, bindings } => {
                let record = index.group_record(*group);
                format!(
                    "group `{}` was deleted at {}; its {memberships} memberships and {bindings} grants are ignored",
                    record.name,
                    record.deleted_at.as_deref().unwrap_or("an unknown time")
                )
            }
            Anomaly::UnknownMember { user_id, place } => format!(
                "{} names user `{user_id}`, who is not a member of the organization; ignored",
                place_subject(index, *place)
            ),
            Anomaly::UnknownGroup { group_id, place: Some(place), .. } => format!(
                "{} names group `{group_id}`, which is not in the organization; ignored",
                place_subject(index, *place)
            ),
            Anomaly::UnknownGroup { group_id, place: None, members } => format!(
                "a membership list names group `{group_id}`, which is not in the organization; its {members} members are ignored"
            ),
            Anomaly::UnknownCloud { project: p } => format!(
                "project `{}` names parent cloud `{}`, which is not in the organization; its grants are ignored",
                project(p),
                index.project_record(*p).parent_cloud_id
            ),
            Anomaly::DuplicateId { subject } => {
                format!("{subject} appears more than once; only the first record is used")
            }
        }
    }
}

fn place_subject(index: &OrgIndex<'_>, place: Place) -> Subject {
    match place {
        Place::Group(group) => Subject::group(index.group_record(group).id.as_str()),
        Place::Cloud(cloud) => Subject::cloud(index.cloud_record(cloud).id.as_str()),
        Place::Project(project) => Subject::project(index.project_record(project).id.as_str()),
    }
}
