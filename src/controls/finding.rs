//! Findings as data: what a control found, held as indices into the organization (as anomalies are), so
//! that a large organization's findings cost almost no allocation; their words are built only when a
//! report renders them ([`super::words`]).

use crate::model::{Role, Severity};
use crate::resolve::{Anomaly, CloudIx, Entry, GroupIx, MemberIx, Place, ProjectIx, Resolution, Subject};

/// What a finding is about and the evidence behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// The org owners, when their number lies outside the policy's bounds.
    OrgOwners { owners: Vec<MemberIx> },
    /// A service account recorded as org owner (by its permission level or an owner group).
    ServiceAccountOwnerRecord { member: MemberIx },
    /// A member's role on a cloud or project above `limit`, the highest role the control allows
    /// (`None`: no role at all).
    Entry { member: MemberIx, entry: Entry, limit: Option<Role> },
    /// An org owner's implicit owner role on a cloud or project, above `limit`.
    ImplicitOwner { member: MemberIx, entry: Entry, limit: Option<Role> },
    /// A member's direct grants on one cloud or project.
    DirectGrants { member: MemberIx, entry: Entry },
    /// A member whose email is outside the allowed domains.
    ForeignEmail { member: MemberIx },
    /// A member with a base role and no access, long after joining.
    StaleMember { member: MemberIx },
    /// A cloud or project that no member explicitly owns.
    NoOwner { entry: Entry },
    /// A cloud with more explicit owners than allowed.
    CloudOwners { cloud: CloudIx, owners: Vec<MemberIx> },
    /// An anomaly of the resolution, by position in its list.
    Anomaly(u32),
    /// Every anomaly of one per-entry kind about one member, by position in the resolution's list, in
    /// resource order: one finding per member instead of one per entry (a subset of them when
    /// exemptions mute some of the member's resources and not others).
    MemberAnomalies { member: MemberIx, anomalies: Vec<u32> },
    /// An exemption, by position in its file (expired, or matching nothing).
    Exemption(u32),
}

/// What a finding's resource is: the thing an exemption's resource pattern is matched against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resource {
    Organization,
    Cloud(CloudIx),
    Project(ProjectIx),
    Group(GroupIx),
    Exemption(u32),
    /// An id the organization does not hold (a dangling reference).
    Unknown(Subject),
}

/// One finding of one control.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The control's position in the evaluation's list of controls.
    pub control: u16,
    pub evidence: Evidence,
    /// The exemption that mutes the finding, by position in its file.
    pub muted_by: Option<u32>,
}

/// A finding's status: a failure, or a note from a control of severity `info`, which never fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingStatus {
    Fail,
    Info,
}

impl FindingStatus {
    /// Returns the status of a finding of a control at `severity`.
    pub fn of(severity: Severity) -> FindingStatus {
        if severity == Severity::Info {
            FindingStatus::Info
        } else {
            FindingStatus::Fail
        }
    }

    /// Returns the status's name.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Fail => "fail",
            FindingStatus::Info => "info",
        }
    }
}

impl Evidence {
    /// Returns the members the finding names, in output order.
    pub fn members<'r>(&'r self, resolution: &'r Resolution<'_>) -> &'r [MemberIx] {
        match self {
            Evidence::OrgOwners { owners } | Evidence::CloudOwners { owners, .. } => owners,
            Evidence::ServiceAccountOwnerRecord { member }
            | Evidence::Entry { member, .. }
            | Evidence::ImplicitOwner { member, .. }
            | Evidence::DirectGrants { member, .. }
            | Evidence::ForeignEmail { member }
            | Evidence::StaleMember { member }
            | Evidence::MemberAnomalies { member, .. } => std::slice::from_ref(member),
            Evidence::Anomaly(position) => anomaly(resolution, *position).map_or(&[], Anomaly::members),
            Evidence::NoOwner { .. } | Evidence::Exemption(_) => &[],
        }
    }

    /// Returns the resource the finding is about, if it is about one.
    pub fn resource(&self, resolution: &Resolution<'_>) -> Option<Resource> {
        match self {
            Evidence::OrgOwners { .. } | Evidence::ServiceAccountOwnerRecord { .. } => Some(Resource::Organization),
            Evidence::Entry { entry, .. }
            | Evidence::ImplicitOwner { entry, .. }
            | Evidence::DirectGrants { entry, .. }
            | Evidence::NoOwner { entry } => Some(entry_resource(*entry)),
            Evidence::ForeignEmail { .. } | Evidence::StaleMember { .. } | Evidence::MemberAnomalies { .. } => None,
            Evidence::CloudOwners { cloud, .. } => Some(Resource::Cloud(*cloud)),
            Evidence::Anomaly(position) => anomaly(resolution, *position).and_then(anomaly_resource),
            Evidence::Exemption(position) => Some(Resource::Exemption(*position)),
        }
    }

    /// Returns every resource the finding is about, each once, in output order: its one resource, or
    /// the resources of a member's anomalies.
    pub fn resources(&self, resolution: &Resolution<'_>) -> Vec<Resource> {
        let Evidence::MemberAnomalies { anomalies, .. } = self else {
            return self.resource(resolution).into_iter().collect();
        };
        let mut resources: Vec<Resource> = Vec::with_capacity(anomalies.len());
        for resource in
            anomalies.iter().filter_map(|&position| anomaly(resolution, position).and_then(anomaly_resource))
        {
            // The anomalies come in resource order: the same resource's follow each other.
            if resources.last() != Some(&resource) {
                resources.push(resource);
            }
        }
        resources
    }
}

/// Returns the anomaly at `position` of the resolution's list.
pub fn anomaly<'r>(resolution: &'r Resolution<'_>, position: u32) -> Option<&'r Anomaly> {
    resolution.anomalies.get(position as usize)
}

fn entry_resource(entry: Entry) -> Resource {
    match entry {
        Entry::Cloud(cloud) => Resource::Cloud(cloud),
        Entry::Project(project) => Resource::Project(project),
    }
}

fn place_resource(place: Place) -> Resource {
    match place {
        Place::Group(group) => Resource::Group(group),
        Place::Cloud(cloud) => Resource::Cloud(cloud),
        Place::Project(project) => Resource::Project(project),
    }
}

/// Returns the resource an anomaly is about: its project, else its cloud, else its group or place.
fn anomaly_resource(anomaly: &Anomaly) -> Option<Resource> {
    if let Some(project) = anomaly.project() {
        return Some(Resource::Project(project));
    }
    if let Some(cloud) = anomaly.cloud() {
        return Some(Resource::Cloud(cloud));
    }
    match anomaly {
        Anomaly::DeletedGroup { group, .. } | Anomaly::ServiceAccountInOwnerGroup { group, .. } => {
            Some(Resource::Group(*group))
        }
        Anomaly::UnknownMember { place, .. } | Anomaly::UnknownGroup { place: Some(place), .. } => {
            Some(place_resource(*place))
        }
        Anomaly::UnknownGroup { group_id, place: None, .. } => Some(Resource::Unknown(Subject::group(group_id))),
        Anomaly::UnknownCloud { project } => Some(Resource::Project(*project)),
        Anomaly::DuplicateId { subject } => Some(Resource::Unknown(subject.clone())),
        Anomaly::ServiceAccountOwner { .. }
        | Anomaly::NoBaseRole { .. }
        | Anomaly::GroupOwnerOnCloud { .. }
        | Anomaly::ReadonlyRestriction { .. }
        | Anomaly::ProjectRoleCapped { .. }
        | Anomaly::OrphanProjectGrant { .. }
        | Anomaly::OwnerWithReadonly { .. }
        | Anomaly::DuplicateEmail { .. } => None,
    }
}
