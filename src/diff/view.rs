//! One member as one collection sees it, by slot: present or not, its org-role sources and standing,
//! every grant that reaches it on every cloud and project, and its effective roles. Built from the
//! engine's [`Reach`](crate::resolve::Reach) and [`MemberAccess`], only for members whose access
//! changed.

use super::catalog::{BaseKey, Catalog, Key, Side, SourceKey};
use super::refs::OrgStanding;
use crate::model::Role;
use crate::resolve::{cloud_verdict, project_verdict, BaseGrants, BaseSource, Cap, Grants, MemberAccess, Source};

/// One side of one member.
#[derive(Clone, Debug, Default)]
pub(crate) struct View {
    pub is_service_account: bool,
    pub has_base: bool,
    /// The org-role sources, by slot and as the side's resolution has them.
    pub base: Vec<(BaseKey, BaseSource)>,
    /// Every grant reaching the member, by entry, by slot and as the side's resolution has them;
    /// sorted by entry.
    sources: Vec<(Key, SourceKey, Source)>,
    /// The member's effective roles, sorted by entry.
    roles: Vec<(Key, Role)>,
}

impl View {
    /// Returns the member as one side sees it; an absent member has nothing.
    pub fn of(catalog: &Catalog<'_, '_>, side: Side, member: u32) -> View {
        let Some(index) = catalog.members.pair(member).on(side) else { return View::default() };
        let resolution = catalog.side(side);
        let access = &resolution.members[index as usize];
        let reach = resolution.reach(index);
        let clouds = reach.clouds.iter().map(|&(cloud, source)| (Key::Cloud(catalog.clouds.slot(side, cloud)), source));
        let projects = reach
            .projects
            .iter()
            .map(|&(project, source)| (Key::Project(catalog.projects.slot(side, project)), source));
        let mut sources: Vec<(Key, SourceKey, Source)> =
            clouds.chain(projects).map(|(key, source)| (key, catalog.source(side, source), source)).collect();
        sources.sort_unstable();
        View {
            is_service_account: reach.is_service_account,
            has_base: access.has_base(),
            base: reach.base.iter().map(|&base| (catalog.base(side, base), base)).collect(),
            sources,
            roles: roles(catalog, side, access),
        }
    }

    /// Returns the member's role on an entry.
    pub fn role(&self, key: Key) -> Option<Role> {
        let position = self.roles.binary_search_by_key(&key, |&(entry, _)| entry).ok()?;
        Some(self.roles[position].1)
    }

    /// Returns the grants reaching the member on one entry.
    fn on(&self, key: Key) -> &[(Key, SourceKey, Source)] {
        let start = self.sources.partition_point(|source| source.0 < key);
        let end = start + self.sources[start..].partition_point(|source| source.0 == key);
        &self.sources[start..end]
    }

    /// Returns the grants reaching the member on an entry, by slot, sorted.
    pub fn source_keys(&self, key: Key) -> Vec<SourceKey> {
        let mut keys: Vec<SourceKey> = self.on(key).iter().map(|source| source.1).collect();
        keys.dedup();
        keys
    }

    /// Returns the counts of the grants reaching the member on an entry, for the rules.
    pub fn grants(&self, key: Key) -> Grants {
        let mut grants = Grants::default();
        self.on(key).iter().for_each(|source| grants.add(source.2));
        grants
    }

    /// Returns the org-role sources, by slot, sorted.
    pub fn base_keys(&self) -> Vec<BaseKey> {
        let mut keys: Vec<BaseKey> = self.base.iter().map(|base| base.0).collect();
        keys.sort_unstable();
        keys
    }

    /// Returns the counts of the org-role sources, for the rules.
    pub fn base_grants(&self) -> BaseGrants {
        let sources: Vec<BaseSource> = self.base.iter().map(|base| base.1).collect();
        BaseGrants::of(&sources)
    }

    /// True when a direct `readonly` caps the member's role on this cloud (R3).
    pub fn restricted(&self, key: Key) -> bool {
        matches!(key, Key::Cloud(_))
            && cloud_verdict(&self.grants(key)).and_then(|verdict| verdict.cap) == Some(Cap::DirectReadonly)
    }
}

/// Returns a standing from whether the member has a base role and owns the organization.
pub(crate) fn standing_of(has_base: bool, is_org_owner: bool) -> OrgStanding {
    match (has_base, is_org_owner) {
        (_, true) => OrgStanding::Owner,
        (true, false) => OrgStanding::Collaborator,
        (false, false) => OrgStanding::None,
    }
}

/// Returns a member's effective roles on one side, by slot, sorted by slot.
pub(crate) fn roles(catalog: &Catalog<'_, '_>, side: Side, access: &MemberAccess) -> Vec<(Key, Role)> {
    let mut roles = Vec::with_capacity(access.clouds.len());
    for cloud in &access.clouds {
        roles.push((Key::Cloud(catalog.clouds.slot(side, cloud.cloud)), cloud.role));
        for project in &cloud.projects {
            roles.push((Key::Project(catalog.projects.slot(side, project.project)), project.role));
        }
    }
    roles.sort_unstable();
    roles
}

/// Decides a role with the engine's rules from its three inputs: whether the member has a base role
/// (R2), its role on the parent cloud (for a project, R4), and the grants reaching it (R3, R4).
pub(crate) fn decide(key: Key, has_base: bool, parent: Option<Role>, grants: &Grants) -> Option<Role> {
    if !has_base {
        return None;
    }
    match key {
        Key::Cloud(_) => cloud_verdict(grants).map(|verdict| verdict.role),
        Key::Project(_) => project_verdict(grants, parent?).map(|verdict| verdict.role),
    }
}
