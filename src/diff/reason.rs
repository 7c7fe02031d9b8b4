//! Why a raw change changes no effective access, decided with the engine's rules on the collection
//! where the changed grant, membership or role is present.

use super::refs::{CloudRef, GroupRef, MemberRef, OrgStanding, ResourceRef};
use crate::model::Role;
use serde::Serialize;

/// Which rule kept a role at `readonly`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapRule {
    /// A direct `readonly` on the cloud restricts every other grant there (R3).
    DirectReadonly,
    /// A `readonly` role on the parent cloud caps the project (R4).
    ReadonlyCloud,
}

/// Why one raw change changes no effective access, for one member or for everyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Reason {
    /// Names do not change access: everything is matched by id.
    Renamed,
    /// The change names a user who is not a member there (R8).
    UnknownMember { member: MemberRef },
    /// The change names a group that does not exist there (R8).
    UnknownGroup { group: GroupRef },
    /// The group is deleted there: its members and grants are ignored (R8).
    DeletedGroup { group: GroupRef },
    /// The project names a parent cloud that does not exist: its grants are ignored (R8).
    UnknownCloud { project: ResourceRef },
    /// The group has no members there.
    NoMembers { group: GroupRef },
    /// The group holds no grant and gives no org role there.
    GroupHoldsNothing { group: GroupRef },
    /// The member has no base role: grants give nothing (R2).
    NoBaseRole { member: MemberRef },
    /// The member has no role on the project's parent cloud: project grants are dropped (R4).
    NoParentCloudRole { member: MemberRef, project: ResourceRef },
    /// A direct owner on the cloud is never demoted by a read-only restriction (R3).
    OwnerWins { member: MemberRef, cloud: ResourceRef },
    /// A cap keeps the member's role at `role` whatever the grant asks for.
    Capped { member: MemberRef, resource: ResourceRef, role: Role, rule: CapRule, cloud: CloudRef },
    /// A group's owner binding on a cloud counts as collaborator (R3).
    GroupOwnerOnCloud { member: MemberRef, cloud: ResourceRef },
    /// Other grants give the member the same role (the highest grant wins). `kept` is true for a
    /// removal (the member keeps the role), false for an addition (the member already held it).
    Held { member: MemberRef, resource: ResourceRef, role: Role, through: Vec<String>, kept: bool },
    /// Other sources give the member the same org role (R1, R2).
    OrgRoleHeld { member: MemberRef, standing: OrgStanding, through: Vec<String> },
    /// Neither `permission_level` value gives a base role (R2).
    LevelGivesNoRole { member: MemberRef },
    /// A service account is never an org owner (R1).
    ServiceAccountNeverOwner { member: MemberRef },
    /// Nobody holds a grant on the resource.
    NoGrant,
    /// The resource's grants change no access (each is listed with its own reason).
    GrantsWithoutEffect { grants: usize },
    /// The member's role on the resource is the same either way.
    Unchanged { member: MemberRef, resource: ResourceRef, role: Option<Role> },
    /// The change concerns nobody's access.
    NoAccess,
}

impl Reason {
    /// Returns the reason's stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Renamed => "renamed",
            Reason::UnknownMember { .. } => "unknown-member",
            Reason::UnknownGroup { .. } => "unknown-group",
            Reason::DeletedGroup { .. } => "deleted-group",
            Reason::UnknownCloud { .. } => "unknown-cloud",
            Reason::NoMembers { .. } => "no-members",
            Reason::GroupHoldsNothing { .. } => "group-holds-nothing",
            Reason::NoBaseRole { .. } => "no-base-role",
            Reason::NoParentCloudRole { .. } => "no-parent-cloud-role",
            Reason::OwnerWins { .. } => "owner-wins",
            Reason::Capped { .. } => "capped",
            Reason::GroupOwnerOnCloud { .. } => "group-owner-on-cloud",
            Reason::Held { .. } => "held",
            Reason::OrgRoleHeld { .. } => "org-role-held",
            Reason::LevelGivesNoRole { .. } => "level-gives-no-role",
            Reason::ServiceAccountNeverOwner { .. } => "service-account-never-owner",
            Reason::NoGrant => "no-grant",
            Reason::GrantsWithoutEffect { .. } => "grants-without-effect",
            Reason::Unchanged { .. } => "unchanged",
            Reason::NoAccess => "no-access",
        }
    }

    /// Returns the reason in words.
    pub fn describe(&self) -> String {
        match self {
            Reason::Renamed => "names do not change access: everything is matched by id".to_owned(),
            Reason::UnknownMember { member } => {
                format!("{} is not a member there: grants and memberships naming it are ignored (R8)", member.label())
            }
            Reason::UnknownGroup { group } => format!("{} does not exist there: it is ignored (R8)", group.label()),
            Reason::DeletedGroup { group } => {
                format!("{} is deleted: its members and grants are ignored (R8)", group.label())
            }
            Reason::UnknownCloud { project } => {
                format!("{} names a parent cloud that does not exist: its grants are ignored (R8)", project.label())
            }
            Reason::NoMembers { group } => format!("{} has no members", group.label()),
            Reason::GroupHoldsNothing { group } => {
                format!("{} holds no grant and gives no org role", group.label())
            }
            Reason::NoBaseRole { member } => format!("{} has no base role: grants give nothing (R2)", member.label()),
            Reason::NoParentCloudRole { member, project } => format!(
                "{} has no role on the parent cloud of {}: project grants are dropped (R4)",
                member.label(),
                project.label()
            ),
            Reason::OwnerWins { member, cloud } => format!(
                "{} holds a direct owner on {}: a read-only restriction never demotes an owner (R3)",
                member.label(),
                cloud.label()
            ),
            Reason::Capped { member, resource, role, rule, cloud } => {
                let by = match rule {
                    CapRule::DirectReadonly => format!("by a direct readonly on {} (R3)", cloud.label()),
                    CapRule::ReadonlyCloud => format!("by the readonly role on {} (R4)", cloud.label()),
                };
                format!("{} stays {role} on {}: capped {by}", member.label(), resource.label())
            }
            Reason::GroupOwnerOnCloud { member, cloud } => format!(
                "a group's owner binding on a cloud counts as collaborator (R3), which {} holds on {} either way",
                member.label(),
                cloud.label()
            ),
            Reason::Held { member, resource, role, through, kept } => {
                let verb = if *kept { "still holds" } else { "already holds" };
                format!("{} {verb} {role} on {} through {}", member.label(), resource.label(), through.join(", "))
            }
            Reason::OrgRoleHeld { member, standing, through } => match through.is_empty() {
                true => format!("the org role of {} stays {}", member.label(), standing.as_str()),
                false => format!(
                    "the org role of {} stays {} through {}",
                    member.label(),
                    standing.as_str(),
                    through.join(", ")
                ),
            },
            Reason::LevelGivesNoRole { member } => {
                format!("neither value gives {} a base role (R2)", member.label())
            }
            Reason::ServiceAccountNeverOwner { member } => {
                format!("{} is a service account, never an org owner (R1)", member.label())
            }
            Reason::NoGrant => "nobody holds a grant on it".to_owned(),
            Reason::GrantsWithoutEffect { grants } => {
                format!("none of its {grants} grants changes any access (each is listed with its reason)")
            }
            Reason::Unchanged { member, resource, role } => {
                let role = role.map_or("no role", Role::as_str);
                format!("{} keeps {role} on {}", member.label(), resource.label())
            }
            Reason::NoAccess => "it changes no one's access".to_owned(),
        }
    }
}
