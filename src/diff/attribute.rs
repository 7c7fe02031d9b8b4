//! The causes of one effective change, with the engine's own rules.
//!
//! A role depends on three inputs: whether the member has a base role (R2), the grants that reach it
//! on the entry (R3, R4) and, for a project, its role on the parent cloud (R4). The causes of a
//! changed role are the raw changes behind every difference among the grants on the entry, plus the
//! differences on the parent cloud when the parent's role changes the project's (its cap, the strict
//! hierarchy, a move to another cloud), plus the differences among the org-role sources when the base
//! role changes the entry. An input counts when changing it alone, with the others held at either
//! side's value, changes the role the rules decide.

use super::catalog::{BaseKey, Catalog, Key, Side, SourceKey};
use super::change::{Cause, CauseKind, Via};
use super::lookup::RawIndex;
use super::raw::RawKind;
use super::records::Draft;
use super::refs::ChangeValue;
use super::view::{decide, standing_of, View};
use crate::model::{DirectLevel, Role};
use crate::resolve::org_standing;
use std::collections::BTreeMap;

/// What the causes are looked up in.
pub(crate) struct Attribution<'x, 'r, 'a> {
    pub catalog: &'x Catalog<'r, 'a>,
    pub drafts: &'x [Draft],
    pub index: &'x RawIndex,
}

/// The causes found so far: each raw change once, with the first path it was found through.
#[derive(Default)]
struct Found(BTreeMap<usize, Via>);

impl Found {
    fn add(&mut self, positions: &[usize], via: Via) {
        for &position in positions {
            self.0.entry(position).or_insert(via);
        }
    }
}

impl Attribution<'_, '_, '_> {
    /// Returns the causes of a change of the member's own record: joined, left, email, name or flag.
    pub fn record(&self, member: u32, kind: RawKind) -> Vec<Cause> {
        let mut found = Found::default();
        found.add(&self.member_raws(member, &[kind]), Via::Member);
        self.causes(found, &View::default(), &View::default())
    }

    /// Returns the causes of a changed org standing (R1, R2): the differences among the org-role
    /// sources, and the service-account flag when it decides ownership.
    pub fn standing(&self, member: u32, old: &View, new: &View) -> Vec<Cause> {
        let decide = |base: &crate::resolve::BaseGrants, service_account: bool| {
            let standing = org_standing(base, service_account);
            standing_of(standing.has_base, standing.is_org_owner)
        };
        let (bases, flags) = ([old.base_grants(), new.base_grants()], [old.is_service_account, new.is_service_account]);
        let mut found = Found::default();
        if flags.iter().any(|&flag| decide(&bases[0], flag) != decide(&bases[1], flag)) {
            self.base_causes(member, old, new, &mut found);
        }
        if bases.iter().any(|base| decide(base, flags[0]) != decide(base, flags[1])) {
            found.add(&self.member_raws(member, &[RawKind::ServiceAccountChanged]), Via::Organization);
        }
        self.causes(found, old, new)
    }

    /// Returns the causes of a changed role on one entry.
    pub fn access(&self, member: u32, key: Key, old: &View, new: &View) -> Vec<Cause> {
        let mut found = Found::default();
        for source in symmetric_difference(&old.source_keys(key), &new.source_keys(key)) {
            self.source_causes(member, key, source, Via::Entry, &mut found);
        }
        let grants = [old.grants(key), new.grants(key)];
        let parents = match key {
            Key::Project(project) => {
                [self.parent_role(old, Side::Old, project), self.parent_role(new, Side::New, project)]
            }
            Key::Cloud(_) => [None, None],
        };
        let bases = [old.has_base, new.has_base];
        let role = |base: bool, parent: Option<Role>, grants| decide(key, base, parent, grants);
        let combinations = || bases.iter().flat_map(|&base| grants.iter().map(move |grants| (base, grants)));
        if let Key::Project(project) = key {
            if combinations().any(|(base, grants)| role(base, parents[0], grants) != role(base, parents[1], grants)) {
                self.parent_causes(member, project, old, new, &mut found);
            }
        }
        let others = || parents.iter().flat_map(|&parent| grants.iter().map(move |grants| (parent, grants)));
        if others().any(|(parent, grants)| role(bases[0], parent, grants) != role(bases[1], parent, grants)) {
            self.base_causes(member, old, new, &mut found);
        }
        self.causes(found, old, new)
    }

    fn parent_role(&self, view: &View, side: Side, project: u32) -> Option<Role> {
        let cloud = self.catalog.parent(side, project)?;
        view.cloud_role(cloud)
    }

    /// Adds the causes through the parent cloud: a move to another cloud, or the differences among
    /// the grants reaching the member on the parent cloud.
    fn parent_causes(&self, member: u32, project: u32, old: &View, new: &View, found: &mut Found) {
        let catalog = self.catalog;
        let (before, after) = (catalog.parent_id(Side::Old, project), catalog.parent_id(Side::New, project));
        if before.is_some() && after.is_some() && before != after {
            let moved = self.resource_raws(Key::Project(project), &[RawKind::ProjectMoved]);
            return found.add(&moved, Via::ParentCloud);
        }
        let mut clouds = [catalog.parent(Side::Old, project), catalog.parent(Side::New, project)];
        if clouds[0] == clouds[1] {
            clouds[1] = None;
        }
        for cloud in clouds.into_iter().flatten() {
            let key = Key::Cloud(cloud);
            for source in symmetric_difference(&old.source_keys(key), &new.source_keys(key)) {
                self.source_causes(member, key, source, Via::ParentCloud, found);
            }
        }
    }

    /// Adds the raw changes that make one grant reach (or stop reaching) a member on an entry.
    fn source_causes(&self, member: u32, key: Key, source: SourceKey, via: Via, found: &mut Found) {
        found.add(&self.member_raws(member, &[RawKind::MemberJoined, RawKind::MemberLeft]), via);
        found.add(&self.resource_raws(key, &[RawKind::ResourceCreated, RawKind::ResourceDeleted]), via);
        if let Key::Project(project) = key {
            self.unknown_parent_causes(project, via, found);
        }
        match source {
            SourceKey::Direct(_) => found.add(self.index.direct(member, key), via),
            SourceKey::Group { group, .. } => {
                found.add(self.index.group_grant(group, key), via);
                found.add(self.index.membership(group, member), via);
                found.add(&self.group_raws(group, GROUP_LIFE), via);
            }
        }
    }

    /// Adds what makes a project's grants count or stop counting when its parent cloud is unknown on
    /// one side (R8): the parent created or deleted, or the project moved.
    fn unknown_parent_causes(&self, project: u32, via: Via, found: &mut Found) {
        let catalog = self.catalog;
        let pair = catalog.projects.pair(project);
        let unknown = [Side::Old, Side::New]
            .into_iter()
            .any(|side| pair.on(side).is_some() && catalog.parent(side, project).is_none());
        if !unknown {
            return;
        }
        found.add(&self.resource_raws(Key::Project(project), &[RawKind::ProjectMoved]), via);
        for side in [Side::Old, Side::New] {
            let cloud = catalog.parent_id(side, project).and_then(|id| catalog.cloud_slot(id));
            if let Some(cloud) = cloud {
                let life = self.resource_raws(Key::Cloud(cloud), &[RawKind::ResourceCreated, RawKind::ResourceDeleted]);
                found.add(&life, via);
            }
        }
    }

    /// Adds the raw changes behind every difference among the member's org-role sources.
    fn base_causes(&self, member: u32, old: &View, new: &View, found: &mut Found) {
        let via = Via::Organization;
        for base in symmetric_difference(&old.base_keys(), &new.base_keys()) {
            found.add(&self.member_raws(member, &[RawKind::MemberJoined, RawKind::MemberLeft]), via);
            match base {
                BaseKey::Level(_) => found.add(&self.member_raws(member, &[RawKind::PermissionLevelChanged]), via),
                BaseKey::Group { group, .. } => {
                    found.add(self.index.membership(group, member), via);
                    found.add(&self.group_raws(group, GROUP_LIFE), via);
                    found.add(&self.group_raws(group, &[RawKind::GroupOrgRoleChanged]), via);
                }
            }
        }
    }

    fn member_raws(&self, member: u32, kinds: &[RawKind]) -> Vec<usize> {
        self.of_kinds(self.index.member(member), kinds)
    }

    fn group_raws(&self, group: u32, kinds: &[RawKind]) -> Vec<usize> {
        self.of_kinds(self.index.group(group), kinds)
    }

    fn resource_raws(&self, key: Key, kinds: &[RawKind]) -> Vec<usize> {
        self.of_kinds(self.index.resource(key), kinds)
    }

    fn of_kinds(&self, positions: &[usize], kinds: &[RawKind]) -> Vec<usize> {
        positions.iter().copied().filter(|&position| kinds.contains(&self.drafts[position].kind)).collect()
    }

    /// Returns the causes in raw-change order, a direct readonly named as the restriction it is.
    fn causes(&self, found: Found, old: &View, new: &View) -> Vec<Cause> {
        found.0.into_iter().map(|(raw, via)| Cause { kind: self.cause_kind(raw, via, old, new), via, raw }).collect()
    }

    /// A direct readonly added or removed on a cloud is a read-only restriction where it caps a role:
    /// on the parent cloud of a changed project, or on the cloud itself when it lowers the grants there.
    fn cause_kind(&self, raw: usize, via: Via, old: &View, new: &View) -> CauseKind {
        let draft = &self.drafts[raw];
        let readonly = ChangeValue::Level(DirectLevel::Readonly);
        let (added, removed) = (draft.after == readonly, draft.before == readonly);
        let on_cloud = matches!(draft.resource, Some(Key::Cloud(_)));
        let restricts = |view: &View| match (via, draft.resource) {
            (Via::ParentCloud, _) => true,
            (Via::Entry, Some(key)) => view.restricted(key),
            _ => false,
        };
        match draft.kind {
            RawKind::DirectLevelAdded if added && on_cloud && restricts(new) => CauseKind::ReadonlyRestrictionAdded,
            RawKind::DirectLevelRemoved if removed && on_cloud && restricts(old) => {
                CauseKind::ReadonlyRestrictionRemoved
            }
            kind => CauseKind::Raw(kind),
        }
    }
}

/// The raw changes that make a group exist and count, or stop.
const GROUP_LIFE: &[RawKind] =
    &[RawKind::ResourceCreated, RawKind::ResourceDeleted, RawKind::GroupDeleted, RawKind::GroupRestored];

/// Returns what one sorted list holds and the other does not.
fn symmetric_difference<T: Ord + Copy>(old: &[T], new: &[T]) -> Vec<T> {
    let only = |list: &[T], other: &[T]| -> Vec<T> {
        list.iter().copied().filter(|item| other.binary_search(item).is_err()).collect()
    };
    let mut difference = only(old, new);
    difference.extend(only(new, old));
    difference
}
