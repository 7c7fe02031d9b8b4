//! Effective changes: what differs in a member's resolved access between the two collections (joined
//! or left, org owner gained or lost, a role gained, lost, raised or lowered, ...), each with the raw
//! changes that cause it.

use super::raw::RawKind;
use super::refs::{ChangeValue, MemberRef, ResourceRef};
use crate::model::Role;
use serde::{Serialize, Serializer};
use std::sync::Arc;

/// The kind of an effective change; its code is stable across releases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, strum::VariantArray)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    MemberJoined,
    MemberLeft,
    OrgOwnerGained,
    OrgOwnerLost,
    OrgRoleGained,
    OrgRoleLost,
    ServiceAccountChanged,
    EmailChanged,
    NameChanged,
    AccessGained,
    AccessLost,
    RoleRaised,
    RoleLowered,
    Unknown,
}

impl ChangeKind {
    /// Every kind, in the order outputs list them.
    pub const ALL: &'static [ChangeKind] = <ChangeKind as strum::VariantArray>::VARIANTS;

    /// Returns the kind's stable code, its title (what a change line says) and its label in a
    /// summary's counts: the one table of change kinds.
    pub fn info(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ChangeKind::MemberJoined => ("member-joined", "joined the organization", "members joined"),
            ChangeKind::MemberLeft => ("member-left", "left the organization", "members left"),
            ChangeKind::OrgOwnerGained => ("org-owner-gained", "became an org owner", "new org owners"),
            ChangeKind::OrgOwnerLost => ("org-owner-lost", "no longer an org owner", "org owners lost"),
            ChangeKind::OrgRoleGained => ("org-role-gained", "gained a base role", "base roles gained"),
            ChangeKind::OrgRoleLost => ("org-role-lost", "lost the base role", "base roles lost"),
            ChangeKind::ServiceAccountChanged => {
                ("service-account-changed", "service-account flag changed", "service-account flags changed")
            }
            ChangeKind::EmailChanged => ("email-changed", "email changed", "emails changed"),
            ChangeKind::NameChanged => ("name-changed", "name changed", "names changed"),
            ChangeKind::AccessGained => ("access-gained", "access gained", "access gained"),
            ChangeKind::AccessLost => ("access-lost", "access lost", "access lost"),
            ChangeKind::RoleRaised => ("role-raised", "role raised", "roles raised"),
            ChangeKind::RoleLowered => ("role-lowered", "role lowered", "roles lowered"),
            ChangeKind::Unknown => ("unknown", "unknown (collection gap)", "unknown (collection gap)"),
        }
    }

    /// Returns the kind's stable code.
    pub fn code(self) -> &'static str {
        self.info().0
    }

    /// Returns the kind's title, as a change line says it.
    pub fn title(self) -> &'static str {
        self.info().1
    }

    /// Returns the kind's label in a summary's counts.
    pub fn label(self) -> &'static str {
        self.info().2
    }

    /// Returns the kind of an access change from one role to another (`None` is no role).
    pub fn of_access(before: Option<Role>, after: Option<Role>) -> ChangeKind {
        match (before, after) {
            (None, _) => ChangeKind::AccessGained,
            (_, None) => ChangeKind::AccessLost,
            (Some(before), Some(after)) if after > before => ChangeKind::RoleRaised,
            _ => ChangeKind::RoleLowered,
        }
    }
}

/// Through what a raw change reaches the member's changed access.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// The member's own record: joined, left, email, name, service-account flag.
    Member,
    /// A grant reaching the member on the changed cloud or project itself.
    Entry,
    /// The project's parent cloud: its cap (R4), the strict hierarchy, or a move to another cloud.
    ParentCloud,
    /// The member's org role (R1, R2).
    Organization,
}

impl Via {
    /// Returns the path's stable code.
    pub fn code(self) -> &'static str {
        match self {
            Via::Member => "member",
            Via::Entry => "entry",
            Via::ParentCloud => "parent-cloud",
            Via::Organization => "organization",
        }
    }
}

/// The kind of a cause: a raw change's kind, or a read-only restriction on a cloud, which is a
/// direct `readonly` added or removed where it caps a role (R3, R4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CauseKind {
    Raw(RawKind),
    ReadonlyRestrictionAdded,
    ReadonlyRestrictionRemoved,
}

impl CauseKind {
    /// Returns the kind's stable code.
    pub fn code(self) -> &'static str {
        match self {
            CauseKind::Raw(kind) => kind.code(),
            CauseKind::ReadonlyRestrictionAdded => "readonly-restriction-added",
            CauseKind::ReadonlyRestrictionRemoved => "readonly-restriction-removed",
        }
    }
}

impl Serialize for CauseKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// One cause of an effective change: a raw change (its position in [`super::Diff::raw`]), its kind
/// as a cause, and the path through which it reaches the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub kind: CauseKind,
    pub via: Via,
    pub raw: usize,
}

/// One effective change of one member. The member and resource are shared by every change that
/// names them (a large diff names each many times).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EffectiveChange {
    pub kind: ChangeKind,
    pub member: Arc<MemberRef>,
    /// The cloud or project, for access changes.
    pub resource: Option<Arc<ResourceRef>>,
    pub before: ChangeValue,
    pub after: ChangeValue,
    /// For an `unknown` change, the collection gaps that cover its resource.
    pub gaps: Vec<String>,
    pub causes: Vec<Cause>,
}

impl EffectiveChange {
    /// True for an escalation: access gained, a role raised, or a new org owner.
    pub fn is_escalation(&self) -> bool {
        matches!(self.kind, ChangeKind::AccessGained | ChangeKind::RoleRaised | ChangeKind::OrgOwnerGained)
    }

    /// True when a service account gains write (collaborator) or owner somewhere.
    pub fn is_service_account_gaining_write(&self) -> bool {
        let gains = matches!(self.kind, ChangeKind::AccessGained | ChangeKind::RoleRaised);
        gains && self.member.is_service_account && self.after.role() >= Some(Role::Collaborator)
    }

    /// Returns the roles before and after, for an access change (known or not).
    pub fn roles(&self) -> Option<(Option<Role>, Option<Role>)> {
        self.resource.as_ref()?;
        Some((self.before.role(), self.after.role()))
    }
}
