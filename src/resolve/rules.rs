//! The role rules R3 and R4 as pure functions over the grants (sources) that reach one member on one
//! resource, so that the engine, the explanations and the tests share a single definition.

use super::index::GroupIx;
use crate::model::{DirectLevel, Role};

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

/// Returns a member's role on a cloud from every grant reaching it there (R3), or `None` without one.
///
/// A direct `owner` wins; otherwise a direct `readonly` restricts the member to `readonly` whatever the
/// groups give; otherwise the highest grant counts, a group `owner` counting as `collaborator`.
pub fn cloud_role(sources: &[Source]) -> Option<Role> {
    if sources.contains(&Source::Direct(DirectLevel::Owner)) {
        return Some(Role::Owner);
    }
    if sources.contains(&Source::Direct(DirectLevel::Readonly)) {
        return Some(Role::Readonly);
    }
    sources.iter().map(|source| source.on_cloud()).max()
}

/// Returns a member's role on a project from every grant reaching it there, given the member's role
/// on the parent cloud (R4), or `None` without a grant.
///
/// The highest grant wins; a `readonly` parent cloud caps everything but `owner` to `readonly`.
pub fn project_role(sources: &[Source], parent_role: Role) -> Option<Role> {
    let best = sources.iter().map(|source| source.granted()).max()?;
    if parent_role == Role::Readonly && best != Role::Owner {
        return Some(Role::Readonly);
    }
    Some(best)
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
    }
}
