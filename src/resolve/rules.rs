//! The rules R1–R4 as pure functions, the one definition of the permission model that the engine, the
//! explanations, the what-ifs, the offboarding planner and every later analysis compute with.
//!
//! The rules only ever look at *which kinds* of grant reach a member on one resource (a direct owner,
//! a group's collaborator binding, ...), never at which group gave them, so they are written over
//! [`Grants`], a count of each kind. The engine builds the counts from a member's sources once; the
//! offboarding planner keeps them up to date as it removes grants one by one, at constant cost.

use super::ix::GroupIx;
use crate::model::{DirectLevel, OrgRole, Role};

/// One grant that reaches a member on a resource: a direct level, or a group's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Direct(DirectLevel),
    Group { group: GroupIx, role: Role },
}

impl Source {
    /// Returns the role this grant asks for, before any rule caps it.
    pub fn granted(self) -> Role {
        match self {
            Source::Direct(level) => level.role(),
            Source::Group { role, .. } => role,
        }
    }

    /// Returns the role this grant counts for on a cloud: groups cannot own clouds (R3).
    pub fn on_cloud(self) -> Role {
        match self {
            Source::Direct(level) => level.role(),
            Source::Group { role, .. } => role.min(Role::Collaborator),
        }
    }
}

/// Where a member's organization role comes from (R1, R2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BaseSource {
    /// The member's own `permission_level`.
    PermissionLevel(OrgRole),
    /// The org role of a (non-deleted) group the member belongs to.
    Group { group: GroupIx, role: OrgRole },
}

impl BaseSource {
    /// Returns the organization role this source gives.
    pub fn role(self) -> OrgRole {
        match self {
            BaseSource::PermissionLevel(role) | BaseSource::Group { role, .. } => role,
        }
    }
}

/// Why a role is lower than the best grant reaching the member there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cap {
    /// A direct `readonly` on the cloud restricts every other grant there to `readonly` (R3).
    DirectReadonly,
    /// The member's `readonly` role on the parent cloud caps the project to `readonly` (R4).
    ReadonlyCloud,
}

/// What a rule decides for one resource: the effective role, the best role the grants asked for
/// (uncapped), and the cap that lowered it, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub role: Role,
    pub granted: Role,
    pub cap: Option<Cap>,
}

impl Verdict {
    fn capped(role: Role, granted: Role, cap: Cap) -> Verdict {
        Verdict { role, granted, cap: (role < granted).then_some(cap) }
    }

    fn plain(role: Role) -> Verdict {
        Verdict { role, granted: role, cap: None }
    }
}

/// How many grants of each kind reach a member on one resource.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    /// Direct levels, indexed by [`rank`] of their role (`owner`, `write`, `readonly`).
    direct: [u32; 3],
    /// Group roles, indexed by [`rank`] (`owner`, `collaborator`, `readonly`).
    group: [u32; 3],
}

/// Returns a role's slot in the count arrays: 0 for owner, 1 for collaborator, 2 for readonly.
fn rank(role: Role) -> usize {
    match role {
        Role::Owner => 0,
        Role::Collaborator => 1,
        Role::Readonly => 2,
    }
}

const RANKED: [Role; 3] = [Role::Owner, Role::Collaborator, Role::Readonly];

impl Grants {
    /// Returns the counts of some sources.
    pub fn of(sources: &[Source]) -> Grants {
        let mut grants = Grants::default();
        sources.iter().for_each(|&source| grants.add(source));
        grants
    }

    /// Counts one more grant.
    pub fn add(&mut self, source: Source) {
        *self.slot(source) += 1;
    }

    /// Counts one grant less (a grant that is not counted is ignored).
    pub fn remove(&mut self, source: Source) {
        let slot = self.slot(source);
        *slot = slot.saturating_sub(1);
    }

    /// True when no grant is counted.
    pub fn is_empty(&self) -> bool {
        self.direct.iter().chain(&self.group).all(|&count| count == 0)
    }

    /// True when a direct grant of this level is counted.
    pub fn has_direct(&self, level: DirectLevel) -> bool {
        self.direct[rank(level.role())] > 0
    }

    /// Returns how many grants count for `role` on a cloud (a group `owner` counts as `collaborator`).
    pub fn count_on_cloud(&self, role: Role) -> u32 {
        match role {
            Role::Owner => self.direct[0],
            Role::Collaborator => self.direct[1] + self.group[0] + self.group[1],
            Role::Readonly => self.direct[2] + self.group[2],
        }
    }

    /// Returns how many grants ask for `role` (on a project, where every grant counts as it is).
    pub fn count(&self, role: Role) -> u32 {
        self.direct[rank(role)] + self.group[rank(role)]
    }

    /// Returns the highest role the grants count for on a cloud.
    pub fn best_on_cloud(&self) -> Option<Role> {
        RANKED.into_iter().find(|&role| self.count_on_cloud(role) > 0)
    }

    /// Returns the highest role the grants ask for.
    pub fn best(&self) -> Option<Role> {
        RANKED.into_iter().find(|&role| self.count(role) > 0)
    }

    fn slot(&mut self, source: Source) -> &mut u32 {
        match source {
            Source::Direct(level) => &mut self.direct[rank(level.role())],
            Source::Group { role, .. } => &mut self.group[rank(role)],
        }
    }
}

/// Decides a member's role on a cloud from the grants reaching it there (R3); `None` without one.
///
/// A direct `owner` wins; otherwise a direct `readonly` restricts the member to `readonly` whatever the
/// groups give; otherwise the highest grant counts, a group `owner` counting as `collaborator`.
pub fn cloud_verdict(grants: &Grants) -> Option<Verdict> {
    if grants.has_direct(DirectLevel::Owner) {
        return Some(Verdict::plain(Role::Owner));
    }
    let granted = grants.best_on_cloud()?;
    if grants.has_direct(DirectLevel::Readonly) {
        return Some(Verdict::capped(Role::Readonly, granted, Cap::DirectReadonly));
    }
    Some(Verdict::plain(granted))
}

/// Decides a member's role on a project from the grants reaching it there, given the member's role
/// on the parent cloud (R4); `None` without a grant.
///
/// The highest grant wins; a `readonly` parent cloud caps everything but `owner` to `readonly`.
pub fn project_verdict(grants: &Grants, parent_role: Role) -> Option<Verdict> {
    let granted = grants.best()?;
    if parent_role == Role::Readonly && granted != Role::Owner {
        return Some(Verdict::capped(Role::Readonly, granted, Cap::ReadonlyCloud));
    }
    Some(Verdict::plain(granted))
}

/// A member's standing in the organization: whether it has a base role (R2) and owns it (R1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Standing {
    pub has_base: bool,
    pub is_org_owner: bool,
}

/// How many sources give a member each organization role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BaseGrants {
    pub owner: u32,
    pub collaborator: u32,
}

impl BaseGrants {
    /// Returns the counts of some org-role sources.
    pub fn of(base: &[BaseSource]) -> BaseGrants {
        let mut grants = BaseGrants::default();
        for source in base {
            match source.role() {
                OrgRole::Owner => grants.owner += 1,
                OrgRole::Collaborator => grants.collaborator += 1,
            }
        }
        grants
    }
}

/// Decides a member's standing from its org-role sources (R1, R2).
///
/// Any `owner` or `collaborator` source gives a base role; an `owner` source makes an org owner,
/// except for a service account, which is never an org owner but keeps its base role.
pub fn org_standing(base: &BaseGrants, is_service_account: bool) -> Standing {
    Standing { has_base: base.owner + base.collaborator > 0, is_org_owner: base.owner > 0 && !is_service_account }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: Source = Source::Direct(DirectLevel::Owner);
    const WRITE: Source = Source::Direct(DirectLevel::Write);
    const READONLY: Source = Source::Direct(DirectLevel::Readonly);

    fn group(role: Role) -> Source {
        Source::Group { group: 0, role }
    }

    fn cloud_role(sources: &[Source]) -> Option<Role> {
        cloud_verdict(&Grants::of(sources)).map(|verdict| verdict.role)
    }

    fn project_role(sources: &[Source], parent: Role) -> Option<Role> {
        project_verdict(&Grants::of(sources), parent).map(|verdict| verdict.role)
    }

    #[test]
    fn no_grant_gives_no_role() {
        assert_eq!(cloud_role(&[]), None);
        assert_eq!(project_role(&[], Role::Owner), None);
    }

    #[test]
    fn direct_owner_is_never_demoted_by_readonly() {
        assert_eq!(cloud_role(&[READONLY, OWNER]), Some(Role::Owner));
    }

    #[test]
    fn direct_readonly_restricts_group_grants_on_a_cloud() {
        assert_eq!(cloud_role(&[group(Role::Collaborator), READONLY]), Some(Role::Readonly));
        assert_eq!(cloud_role(&[WRITE, READONLY]), Some(Role::Readonly));
        let verdict = cloud_verdict(&Grants::of(&[group(Role::Collaborator), READONLY])).unwrap();
        assert_eq!((verdict.granted, verdict.cap), (Role::Collaborator, Some(Cap::DirectReadonly)));
    }

    #[test]
    fn group_owner_on_a_cloud_counts_as_collaborator() {
        assert_eq!(cloud_role(&[group(Role::Owner)]), Some(Role::Collaborator));
    }

    #[test]
    fn highest_project_grant_wins_and_readonly_cloud_spares_owners() {
        let sources = [group(Role::Readonly), WRITE];
        assert_eq!(project_role(&sources, Role::Collaborator), Some(Role::Collaborator));
        assert_eq!(project_role(&sources, Role::Readonly), Some(Role::Readonly));
        assert_eq!(project_role(&[group(Role::Owner)], Role::Readonly), Some(Role::Owner));
        let verdict = project_verdict(&Grants::of(&sources), Role::Readonly).unwrap();
        assert_eq!((verdict.granted, verdict.cap), (Role::Collaborator, Some(Cap::ReadonlyCloud)));
    }

    #[test]
    fn counts_follow_additions_and_removals() {
        let mut grants = Grants::of(&[WRITE, group(Role::Owner)]);
        assert_eq!(grants.count_on_cloud(Role::Collaborator), 2);
        assert_eq!(grants.count(Role::Owner), 1);
        grants.remove(group(Role::Owner));
        assert_eq!(grants.best(), Some(Role::Collaborator));
        grants.remove(WRITE);
        assert!(grants.is_empty());
    }

    #[test]
    fn service_accounts_keep_a_base_role_but_never_own_the_organization() {
        let owner = BaseGrants { owner: 1, collaborator: 0 };
        assert_eq!(org_standing(&owner, false), Standing { has_base: true, is_org_owner: true });
        assert_eq!(org_standing(&owner, true), Standing { has_base: true, is_org_owner: false });
        assert_eq!(org_standing(&BaseGrants::default(), false), Standing::default());
    }
}
