//! Anomalies: whatever the rules ignore, cap or drop, and the suspect states they record (R9), kept
//! as data with stable kebab-case codes and rendered by the reports.
//!
//! Each kind's code, meaning, scope and default severity live in one table, [`AnomalyKind::info`];
//! every other match over kinds or anomalies is exhaustive, so that a new kind cannot be forgotten.

use super::index::OrgIndex;
use super::ix::{CloudIx, GroupIx, MemberIx, ProjectIx, Subject};
use super::provenance::describe_source;
use super::rules::Source;
use crate::model::{Role, Severity};
use crate::plural;
use serde::Serialize;
use std::fmt;

/// The kind of an anomaly; its code is stable across releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum AnomalyKind {
    ServiceAccountOwner,
    NoBaseRole,
    GroupOwnerOnCloud,
    ReadonlyRestriction,
    ProjectRoleCapped,
    OrphanProjectGrant,
    DeletedGroup,
    UnknownMember,
    UnknownGroup,
    UnknownCloud,
    DuplicateId,
    OwnerWithReadonly,
    ServiceAccountInOwnerGroup,
    DuplicateEmail,
}

/// What an anomaly is about, which decides where the reports show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnomalyScope {
    /// One member as a whole (or each of several members): shown on every row of the member.
    Member,
    /// One member's entry on one cloud.
    CloudEntry,
    /// One member's entry, or dropped grant, on one project.
    ProjectEntry,
    /// The organization's data: groups, bindings and references, not one member.
    Data,
}

/// The fixed facts of an anomaly kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// The stable kebab-case code.
    pub code: &'static str,
    /// What the kind means, in one line, with the rule it comes from.
    pub meaning: &'static str,
    pub scope: AnomalyScope,
    /// The severity a control built on this kind has unless a policy says otherwise.
    pub severity: Severity,
}

impl AnomalyKind {
    /// Every kind, in code order (the order reports list them in).
    pub const ALL: &'static [AnomalyKind] = <AnomalyKind as strum::VariantArray>::VARIANTS;

    /// Returns the kind's code, meaning, scope and default severity: the one table of kinds.
    pub fn info(self) -> KindInfo {
        use AnomalyScope::{CloudEntry, Data, Member, ProjectEntry};
        use Severity::{Info, Low, Medium};
        let (code, meaning, scope, severity) = match self {
            AnomalyKind::ServiceAccountOwner => (
                "service-account-owner",
                "a service account recorded as owner: not an org owner (R1)",
                Member,
                Low,
            ),
            AnomalyKind::NoBaseRole => (
                "no-base-role",
                "a member with no base role holds grants: they give nothing (R2)",
                Member,
                Low,
            ),
            AnomalyKind::GroupOwnerOnCloud => (
                "group-owner-on-cloud",
                "a group holds owner on a cloud: it counts as collaborator (R3)",
                Data,
                Low,
            ),
            AnomalyKind::ReadonlyRestriction => (
                "readonly-restriction",
                "a direct readonly on a cloud overrides a higher grant there (R3)",
                CloudEntry,
                Low,
            ),
            AnomalyKind::ProjectRoleCapped => (
                "project-role-capped",
                "a project role capped to readonly by a readonly role on its cloud (R4)",
                ProjectEntry,
                Info,
            ),
            AnomalyKind::OrphanProjectGrant => (
                "orphan-project-grant",
                "a project grant for a member with no role on the parent cloud: dropped (R4)",
                ProjectEntry,
                Low,
            ),
            AnomalyKind::DeletedGroup => (
                "deleted-group",
                "a deleted group still has members or grants: ignored (R8)",
                Data,
                Low,
            ),
            AnomalyKind::UnknownMember => (
                "unknown-member",
                "a grant or membership names a user who is not a member (R8)",
                Data,
                Low,
            ),
            AnomalyKind::UnknownGroup => (
                "unknown-group",
                "a binding or membership names a group that does not exist (R8)",
                Data,
                Low,
            ),
            AnomalyKind::UnknownCloud => (
                "unknown-cloud",
                "a project names a parent cloud that does not exist: its grants are ignored (R8)",
                Data,
                Low,
            ),
            AnomalyKind::DuplicateId => {
                ("duplicate-id", "two records share an id: only the first is used", Data, Low)
            }
            AnomalyKind::OwnerWithReadonly => (
                "owner-with-readonly",
                "a member holds both a direct owner and a direct readonly on a cloud: the owner wins, but a cloud owner should not be read-only restricted (R3, R9)",
                CloudEntry,
                Medium,
            ),
            AnomalyKind::ServiceAccountInOwnerGroup => (
                "service-account-in-owner-group",
                "a service account in a group whose org role is owner: not an org owner (R1)",
                Member,
                Low,
            ),
            AnomalyKind::DuplicateEmail => (
                "duplicate-email",
                "one email, compared case-insensitively, on several member ids (R8, R9)",
                Member,
                Low,
            ),
        };
        KindInfo { code, meaning, scope, severity }
    }

    /// Returns the stable kebab-case code.
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// Returns what the kind means, in one line.
    pub fn meaning(self) -> &'static str {
        self.info().meaning
    }

    /// Returns what anomalies of this kind are about.
    pub fn scope(self) -> AnomalyScope {
        self.info().scope
    }

    /// Returns the kind whose code this is.
    pub fn from_code(code: &str) -> Option<AnomalyKind> {
        AnomalyKind::ALL.iter().copied().find(|kind| kind.code() == code)
    }
}

impl fmt::Display for AnomalyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Where a dangling reference was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    Group(GroupIx),
    Cloud(CloudIx),
    Project(ProjectIx),
}

/// One anomaly, as indices into the organization, so that recording it costs (almost) no allocation;
/// its ids and its sentence are rendered on demand with [`Anomaly::subjects`] and [`Anomaly::detail`].
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
    OwnerWithReadonly {
        member: MemberIx,
        cloud: CloudIx,
    },
    ServiceAccountInOwnerGroup {
        member: MemberIx,
        group: GroupIx,
    },
    /// The members sharing one email, in output order (at least two).
    DuplicateEmail {
        members: Vec<MemberIx>,
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
            Anomaly::OwnerWithReadonly { .. } => AnomalyKind::OwnerWithReadonly,
            Anomaly::ServiceAccountInOwnerGroup { .. } => AnomalyKind::ServiceAccountInOwnerGroup,
            Anomaly::DuplicateEmail { .. } => AnomalyKind::DuplicateEmail,
        }
    }

    /// Returns the members the anomaly is about (none for an anomaly about the organization's data).
    pub fn members(&self) -> &[MemberIx] {
        match self {
            Anomaly::ServiceAccountOwner { member }
            | Anomaly::NoBaseRole { member, .. }
            | Anomaly::ReadonlyRestriction { member, .. }
            | Anomaly::ProjectRoleCapped { member, .. }
            | Anomaly::OrphanProjectGrant { member, .. }
            | Anomaly::OwnerWithReadonly { member, .. }
            | Anomaly::ServiceAccountInOwnerGroup { member, .. } => std::slice::from_ref(member),
            Anomaly::DuplicateEmail { members } => members,
            Anomaly::GroupOwnerOnCloud { .. }
            | Anomaly::DeletedGroup { .. }
            | Anomaly::UnknownMember { .. }
            | Anomaly::UnknownGroup { .. }
            | Anomaly::UnknownCloud { .. }
            | Anomaly::DuplicateId { .. } => &[],
        }
    }

    /// Returns the cloud of a member's cloud or project entry the anomaly is about (for a project,
    /// its parent cloud), or the cloud of a group owner binding.
    pub fn cloud(&self) -> Option<CloudIx> {
        match self {
            Anomaly::ReadonlyRestriction { cloud, .. }
            | Anomaly::ProjectRoleCapped { cloud, .. }
            | Anomaly::OrphanProjectGrant { cloud, .. }
            | Anomaly::OwnerWithReadonly { cloud, .. }
            | Anomaly::GroupOwnerOnCloud { cloud, .. } => Some(*cloud),
            Anomaly::ServiceAccountOwner { .. }
            | Anomaly::NoBaseRole { .. }
            | Anomaly::DeletedGroup { .. }
            | Anomaly::UnknownMember { .. }
            | Anomaly::UnknownGroup { .. }
            | Anomaly::UnknownCloud { .. }
            | Anomaly::DuplicateId { .. }
            | Anomaly::ServiceAccountInOwnerGroup { .. }
            | Anomaly::DuplicateEmail { .. } => None,
        }
    }

    /// Returns the project of a member's project entry or dropped project grant.
    pub fn project(&self) -> Option<ProjectIx> {
        match self {
            Anomaly::ProjectRoleCapped { project, .. } | Anomaly::OrphanProjectGrant { project, .. } => Some(*project),
            Anomaly::ServiceAccountOwner { .. }
            | Anomaly::NoBaseRole { .. }
            | Anomaly::GroupOwnerOnCloud { .. }
            | Anomaly::ReadonlyRestriction { .. }
            | Anomaly::DeletedGroup { .. }
            | Anomaly::UnknownMember { .. }
            | Anomaly::UnknownGroup { .. }
            | Anomaly::UnknownCloud { .. }
            | Anomaly::DuplicateId { .. }
            | Anomaly::OwnerWithReadonly { .. }
            | Anomaly::ServiceAccountInOwnerGroup { .. }
            | Anomaly::DuplicateEmail { .. } => None,
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
            Anomaly::ReadonlyRestriction { member, cloud: c, .. } | Anomaly::OwnerWithReadonly { member, cloud: c } => {
                vec![user(member), cloud(c)]
            }
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
            Anomaly::ServiceAccountInOwnerGroup { member, group: g } => vec![user(member), group(g)],
            Anomaly::DuplicateEmail { members } => members.iter().map(user).collect(),
        }
    }

    /// Returns a sentence saying what was ignored, capped or dropped, or what is suspect, and why.
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
                "`{}` has permission level `{}` and no org role from a group, so its {} and {} give nothing",
                email(member),
                index.member_record(*member).permission_level,
                plural::count(*cloud_grants, "cloud grant", "cloud grants"),
                plural::count(*project_grants, "project grant", "project grants"),
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
                    "group `{}` was deleted at {}; its {} and {} are ignored",
                    record.name,
                    record.deleted_at.as_deref().unwrap_or("an unknown time"),
                    plural::count(*memberships, "membership", "memberships"),
                    plural::count(*bindings, "grant", "grants"),
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
                "a membership list names group `{group_id}`, which is not in the organization; its {} ignored",
                match members {
                    1 => "1 member is".to_owned(),
                    count => format!("{count} members are"),
                }
            ),
            Anomaly::UnknownCloud { project: p } => format!(
                "project `{}` names parent cloud `{}`, which is not in the organization; its grants are ignored",
                project(p),
                index.project_record(*p).parent_cloud_id
            ),
            Anomaly::DuplicateId { subject } => {
                format!("{subject} appears more than once; only the first record is used")
            }
            Anomaly::OwnerWithReadonly { member, cloud: c } => format!(
                "`{}` holds both direct owner and direct readonly on cloud `{}`; the owner wins, but a cloud owner should not be read-only restricted",
                email(member),
                cloud(c)
            ),
            Anomaly::ServiceAccountInOwnerGroup { member, group } => {
                let record = index.group_record(*group);
                format!(
                    "service account `{}` is in group `{}` ({}), whose org role is `owner`; service accounts are never org owners",
                    email(member),
                    record.name,
                    record.id
                )
            }
            Anomaly::DuplicateEmail { members } => {
                let ids: Vec<&str> = members.iter().map(|member| index.member_record(*member).member_id()).collect();
                format!(
                    "email `{}` belongs to {} member ids ({}); each id is a separate member",
                    members.first().map_or("", email),
                    ids.len(),
                    ids.join(", ")
                )
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let codes: HashSet<&str> = AnomalyKind::ALL.iter().map(|kind| kind.code()).collect();
        assert_eq!(codes.len(), AnomalyKind::ALL.len());
        for kind in AnomalyKind::ALL {
            let code = kind.code();
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{code}");
            assert_eq!(AnomalyKind::from_code(code), Some(*kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), code, "serde and the table agree");
        }
    }
}
