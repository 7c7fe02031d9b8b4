//! One member as one collection sees it, by slot: present or not, its org-role sources and standing,
//! the grants that reach it on the clouds and projects a diff asks about, and its roles on clouds.
//! Built from the engine's [`MemberAccess`] (and its [`Reach`](crate::resolve::Reach) where that
//! lacks grants), only for members whose access changed.

use super::catalog::{BaseKey, Catalog, Key, Side, SourceKey};
use super::refs::OrgStanding;
use crate::model::Role;
use crate::resolve::{
    cloud_verdict, project_verdict, AccessGraph, BaseGrants, BaseSource, Cap, Entry, Grants, MemberAccess, Source,
};

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
    /// The member's effective roles on clouds, by slot, sorted.
    clouds: Vec<(u32, Role)>,
}

impl View {
    /// Returns the member as one side sees it, complete on the `needed` entries; an absent member
    /// has nothing.
    ///
    /// The engine's access lists every grant on each entry where the member has a role; only an entry
    /// where grants reach the member without giving a role (an orphan project, a member without a base
    /// role) needs everything that reaches the member, which costs a walk of the access graph.
    pub fn of(catalog: &Catalog<'_, '_>, side: Side, member: u32, needed: &[Key]) -> View {
        let Some(index) = catalog.members.pair(member).on(side) else { return View::default() };
        let resolution = catalog.side(side);
        let access = &resolution.members[index as usize];
        let graph = &resolution.graph;
        let unheld =
            needed.iter().any(|&key| catalog.entry(side, key).is_some_and(|entry| !holds(graph, access, entry)));
        let (mut sources, base) = match unheld {
            true => reached(catalog, side, index),
            false => (granted(catalog, side, access), access.base.clone()),
        };
        sources.sort_unstable();
        View {
            is_service_account: resolution.index.member_record(index).is_service_account,
            has_base: access.has_base(),
            base: base.iter().map(|&base| (catalog.base(side, base), base)).collect(),
            sources,
            clouds: cloud_roles(catalog, side, access),
        }
    }

    /// Returns the member's role on a cloud.
    pub fn cloud_role(&self, cloud: u32) -> Option<Role> {
        let position = self.clouds.binary_search_by_key(&cloud, |&(slot, _)| slot).ok()?;
        Some(self.clouds[position].1)
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

/// True when the engine's access lists every grant reaching the member on the entry: the member has
/// a role there, or the entry is a project whose parent cloud does not exist (its grants reach no one,
/// R8).
fn holds(graph: &AccessGraph, access: &MemberAccess, entry: Entry) -> bool {
    match entry {
        Entry::Cloud(cloud) => access.clouds.binary_search_by_key(&cloud, |held| held.cloud).is_ok(),
        Entry::Project(project) => match graph.project_parent(project) {
            None => true,
            Some(parent) => access.clouds.binary_search_by_key(&parent, |held| held.cloud).is_ok_and(|position| {
                access.clouds[position].projects.binary_search_by_key(&project, |held| held.project).is_ok()
            }),
        },
    }
}

/// Returns every grant on every entry where the member has a role, by slot.
fn granted(catalog: &Catalog<'_, '_>, side: Side, access: &MemberAccess) -> Vec<(Key, SourceKey, Source)> {
    let mut sources = Vec::new();
    for cloud in &access.clouds {
        let key = Key::Cloud(catalog.clouds.slot(side, cloud.cloud));
        sources.extend(cloud.sources.iter().map(|&source| (key, catalog.source(side, source), source)));
        for project in &cloud.projects {
            let key = Key::Project(catalog.projects.slot(side, project.project));
            sources.extend(project.sources.iter().map(|&source| (key, catalog.source(side, source), source)));
        }
    }
    sources
}

/// Returns everything that reaches the member, by slot, and its org-role sources.
fn reached(catalog: &Catalog<'_, '_>, side: Side, member: u32) -> (Vec<(Key, SourceKey, Source)>, Vec<BaseSource>) {
    let reach = catalog.side(side).reach(member);
    let clouds = reach.clouds.iter().map(|&(cloud, source)| (Key::Cloud(catalog.clouds.slot(side, cloud)), source));
    let projects =
        reach.projects.iter().map(|&(project, source)| (Key::Project(catalog.projects.slot(side, project)), source));
    let sources = clouds.chain(projects).map(|(key, source)| (key, catalog.source(side, source), source)).collect();
    (sources, reach.base)
}

/// Returns a standing from whether the member has a base role and owns the organization.
pub(crate) fn standing_of(has_base: bool, is_org_owner: bool) -> OrgStanding {
    match (has_base, is_org_owner) {
        (_, true) => OrgStanding::Owner,
        (true, false) => OrgStanding::Collaborator,
        (false, false) => OrgStanding::None,
    }
}

/// Returns a member's effective roles on clouds on one side, by slot, sorted by slot.
fn cloud_roles(catalog: &Catalog<'_, '_>, side: Side, access: &MemberAccess) -> Vec<(u32, Role)> {
    let mut roles: Vec<(u32, Role)> =
        access.clouds.iter().map(|cloud| (catalog.clouds.slot(side, cloud.cloud), cloud.role)).collect();
    roles.sort_unstable();
    roles
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
