//! The raw changes between two collections, record by record and matched by id: members, groups,
//! memberships, clouds and projects, and every direct level and group binding on each resource.
//! A resource created or deleted brings its grants as added or removed, a group its memberships.

use super::catalog::{Catalog, Key, Side};
use super::raw::RawKind;
use super::refs::{ChangeValue, OrgStanding};
use crate::model::{Binding, DirectLevel, Group, Member, OrgRole, Organization, Role};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Who or what a raw change names: a slot of the catalog, or an id that neither collection has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Party {
    Slot(u32),
    Unknown(String),
}

impl Party {
    /// Returns the slot, when the party exists in some collection.
    pub fn slot(&self) -> Option<u32> {
        match self {
            Party::Slot(slot) => Some(*slot),
            Party::Unknown(_) => None,
        }
    }
}

/// A raw change before it is named and ordered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Draft {
    pub kind: RawKind,
    pub member: Option<Party>,
    pub group: Option<Party>,
    pub resource: Option<Key>,
    pub before: ChangeValue,
    pub after: ChangeValue,
}

impl Draft {
    fn new(kind: RawKind, before: ChangeValue, after: ChangeValue) -> Draft {
        Draft { kind, member: None, group: None, resource: None, before, after }
    }
}

/// Returns every raw change between the two collections, in no particular order.
pub(crate) fn raw_changes(catalog: &Catalog<'_, '_>) -> Vec<Draft> {
    let mut drafts = member_changes(catalog);
    drafts.extend(group_changes(catalog));
    drafts.extend(membership_changes(catalog));
    let clouds: Vec<Vec<Draft>> =
        (0..catalog.clouds.len() as u32).into_par_iter().map(|cloud| cloud_changes(catalog, cloud)).collect();
    let projects: Vec<Vec<Draft>> =
        (0..catalog.projects.len() as u32).into_par_iter().map(|project| project_changes(catalog, project)).collect();
    drafts.extend(clouds.into_iter().flatten());
    drafts.extend(projects.into_iter().flatten());
    drafts
}

fn member_changes(catalog: &Catalog<'_, '_>) -> Vec<Draft> {
    (0..catalog.members.len() as u32)
        .into_par_iter()
        .flat_map_iter(|slot| {
            let (old, new) = (catalog.member_record(Side::Old, slot), catalog.member_record(Side::New, slot));
            member_record_changes(old, new).into_iter().map(move |mut draft| {
                draft.member = Some(Party::Slot(slot));
                draft
            })
        })
        .collect()
}

fn member_record_changes(old: Option<&Member>, new: Option<&Member>) -> Vec<Draft> {
    let text = |value: &str| ChangeValue::Text(value.to_owned());
    match (old, new) {
        (None, Some(_)) => vec![Draft::new(RawKind::MemberJoined, ChangeValue::Nothing, ChangeValue::Nothing)],
        (Some(_), None) => vec![Draft::new(RawKind::MemberLeft, ChangeValue::Nothing, ChangeValue::Nothing)],
        (Some(old), Some(new)) => {
            let mut drafts = Vec::new();
            if old.permission_level != new.permission_level {
                let (before, after) = (text(&old.permission_level), text(&new.permission_level));
                drafts.push(Draft::new(RawKind::PermissionLevelChanged, before, after));
            }
            if old.is_service_account != new.is_service_account {
                let (before, after) =
                    (ChangeValue::Flag(old.is_service_account), ChangeValue::Flag(new.is_service_account));
                drafts.push(Draft::new(RawKind::ServiceAccountChanged, before, after));
            }
            if old.email != new.email {
                drafts.push(Draft::new(RawKind::EmailChanged, text(&old.email), text(&new.email)));
            }
            if old.name != new.name {
                drafts.push(Draft::new(RawKind::NameChanged, text(&old.name), text(&new.name)));
            }
            drafts
        }
        (None, None) => Vec::new(),
    }
}

fn group_changes(catalog: &Catalog<'_, '_>) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for slot in 0..catalog.groups.len() as u32 {
        let (old, new) = (catalog.group_record(Side::Old, slot), catalog.group_record(Side::New, slot));
        drafts.extend(group_record_changes(old, new).into_iter().map(|mut draft| {
            draft.group = Some(Party::Slot(slot));
            draft
        }));
    }
    drafts
}

fn group_record_changes(old: Option<&Group>, new: Option<&Group>) -> Vec<Draft> {
    let plain = |kind| Draft::new(kind, ChangeValue::Nothing, ChangeValue::Nothing);
    let (old, new) = match (old, new) {
        (None, Some(_)) => return vec![plain(RawKind::ResourceCreated)],
        (Some(_), None) => return vec![plain(RawKind::ResourceDeleted)],
        (Some(old), Some(new)) => (old, new),
        (None, None) => return Vec::new(),
    };
    let mut found = Vec::new();
    if old.name != new.name {
        let (before, after) = (ChangeValue::Text(old.name.clone()), ChangeValue::Text(new.name.clone()));
        found.push(Draft::new(RawKind::Renamed, before, after));
    }
    match (old.is_deleted(), new.is_deleted()) {
        (false, true) => found.push(plain(RawKind::GroupDeleted)),
        (true, false) => found.push(plain(RawKind::GroupRestored)),
        _ => {}
    }
    if old.org_role != new.org_role {
        found.push(Draft::new(RawKind::GroupOrgRoleChanged, standing(old.org_role), standing(new.org_role)));
    }
    found
}

fn standing(role: Option<OrgRole>) -> ChangeValue {
    ChangeValue::Standing(match role {
        None => OrgStanding::None,
        Some(OrgRole::Collaborator) => OrgStanding::Collaborator,
        Some(OrgRole::Owner) => OrgStanding::Owner,
    })
}

/// Returns each group id's members as one side's membership records list them.
fn members_by_group(organization: &Organization) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut groups: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for membership in &organization.memberships {
        let members = groups.entry(membership.group_id.as_str()).or_default();
        members.extend(membership.user_ids.iter().map(|user| user.as_str()));
    }
    groups
}

fn membership_changes(catalog: &Catalog<'_, '_>) -> Vec<Draft> {
    let old = members_by_group(catalog.old.index.organization);
    let new = members_by_group(catalog.new.index.organization);
    let empty = BTreeSet::new();
    let groups: BTreeSet<&str> = old.keys().chain(new.keys()).copied().collect();
    let mut drafts = Vec::new();
    for group in groups {
        let (before, after) = (old.get(group).unwrap_or(&empty), new.get(group).unwrap_or(&empty));
        for (members, kind) in
            [(after - before, RawKind::MembershipAdded), (before - after, RawKind::MembershipRemoved)]
        {
            for member in members {
                let mut draft = Draft::new(kind, ChangeValue::Nothing, ChangeValue::Nothing);
                draft.group = Some(group_party(catalog, group));
                draft.member = Some(member_party(catalog, member));
                drafts.push(draft);
            }
        }
    }
    drafts
}

/// Returns the slot of a member id, or the id itself when neither collection has that member.
pub(crate) fn member_party(catalog: &Catalog<'_, '_>, id: &str) -> Party {
    match (catalog.new.index.member(id), catalog.old.index.member(id)) {
        (Some(new), _) => Party::Slot(catalog.members.slot(Side::New, new)),
        (None, Some(old)) => Party::Slot(catalog.members.slot(Side::Old, old)),
        (None, None) => Party::Unknown(id.to_owned()),
    }
}

/// Returns the slot of a group id, or the id itself when neither collection has that group.
pub(crate) fn group_party(catalog: &Catalog<'_, '_>, id: &str) -> Party {
    match (catalog.new.index.group(id), catalog.old.index.group(id)) {
        (Some(new), _) => Party::Slot(catalog.groups.slot(Side::New, new)),
        (None, Some(old)) => Party::Slot(catalog.groups.slot(Side::Old, old)),
        (None, None) => Party::Unknown(id.to_owned()),
    }
}

/// One resource's grants on one side: each member's direct levels and each group's roles, sorted.
#[derive(Default)]
struct ResourceGrants<'a> {
    direct: Vec<(&'a str, DirectLevel)>,
    groups: Vec<(&'a str, Role)>,
}

impl<'a> ResourceGrants<'a> {
    fn new(mut direct: Vec<(&'a str, DirectLevel)>, bindings: &'a [Binding]) -> Self {
        direct.sort_unstable();
        direct.dedup();
        let mut groups: Vec<(&str, Role)> = bindings
            .iter()
            .flat_map(|binding| binding.groups.iter().map(move |group| (group.as_str(), binding.role)))
            .collect();
        groups.sort_unstable();
        groups.dedup();
        ResourceGrants { direct, groups }
    }
}

fn cloud_grants<'a>(catalog: &Catalog<'_, 'a>, side: Side, cloud: u32) -> ResourceGrants<'a> {
    let Some(index) = catalog.clouds.pair(cloud).on(side) else { return ResourceGrants::default() };
    let record = catalog.index(side).cloud_record(index);
    let direct = record
        .collaborators
        .iter()
        .flat_map(|collaborator| collaborator.levels.iter().map(|&level| (collaborator.user_id.as_str(), level)))
        .collect();
    ResourceGrants::new(direct, &record.bindings)
}

fn project_grants<'a>(catalog: &Catalog<'_, 'a>, side: Side, project: u32) -> ResourceGrants<'a> {
    let Some(index) = catalog.projects.pair(project).on(side) else { return ResourceGrants::default() };
    let record = catalog.index(side).project_record(index);
    let direct =
        record.collaborators.iter().map(|collaborator| (collaborator.user_id.as_str(), collaborator.level)).collect();
    ResourceGrants::new(direct, &record.bindings)
}

fn cloud_changes(catalog: &Catalog<'_, '_>, cloud: u32) -> Vec<Draft> {
    let pair = catalog.clouds.pair(cloud);
    let names = |side: Side| pair.on(side).map(|index| catalog.index(side).cloud_record(index).name.as_str());
    let mut drafts = record_changes(names(Side::Old), names(Side::New));
    let records = |side: Side| pair.on(side).map(|index| catalog.index(side).cloud_record(index));
    if !same_grants(
        records(Side::Old).map(|c| (&c.collaborators, &c.bindings)),
        records(Side::New).map(|c| (&c.collaborators, &c.bindings)),
    ) {
        let (old, new) = (cloud_grants(catalog, Side::Old, cloud), cloud_grants(catalog, Side::New, cloud));
        drafts.extend(grant_changes(catalog, &old, &new));
    }
    let key = Key::Cloud(cloud);
    drafts.iter_mut().for_each(|draft| draft.resource = Some(key));
    drafts
}

fn project_changes(catalog: &Catalog<'_, '_>, project: u32) -> Vec<Draft> {
    let pair = catalog.projects.pair(project);
    let names = |side: Side| pair.on(side).map(|index| catalog.index(side).project_record(index).name.as_str());
    let mut drafts = record_changes(names(Side::Old), names(Side::New));
    if let (Some(before), Some(after)) = (catalog.parent_id(Side::Old, project), catalog.parent_id(Side::New, project))
    {
        if before != after {
            let (before, after) = (ChangeValue::Text(before.to_owned()), ChangeValue::Text(after.to_owned()));
            drafts.push(Draft::new(RawKind::ProjectMoved, before, after));
        }
    }
    let records = |side: Side| pair.on(side).map(|index| catalog.index(side).project_record(index));
    if !same_grants(
        records(Side::Old).map(|p| (&p.collaborators, &p.bindings)),
        records(Side::New).map(|p| (&p.collaborators, &p.bindings)),
    ) {
        let (old, new) = (project_grants(catalog, Side::Old, project), project_grants(catalog, Side::New, project));
        drafts.extend(grant_changes(catalog, &old, &new));
    }
    let key = Key::Project(project);
    drafts.iter_mut().for_each(|draft| draft.resource = Some(key));
    drafts
}

/// True when a resource has the same grants, listed alike, on both sides (the common case, checked
/// before sorting them); false may also mean the same grants in another order.
fn same_grants<C: PartialEq>(old: Option<(&Vec<C>, &Vec<Binding>)>, new: Option<(&Vec<C>, &Vec<Binding>)>) -> bool {
    matches!((old, new), (Some(old), Some(new)) if old == new)
}

/// Returns a resource's creation, deletion or renaming, from its name on each side.
fn record_changes(old: Option<&str>, new: Option<&str>) -> Vec<Draft> {
    match (old, new) {
        (None, Some(_)) => vec![Draft::new(RawKind::ResourceCreated, ChangeValue::Nothing, ChangeValue::Nothing)],
        (Some(_), None) => vec![Draft::new(RawKind::ResourceDeleted, ChangeValue::Nothing, ChangeValue::Nothing)],
        (Some(old), Some(new)) if old != new => {
            let (before, after) = (ChangeValue::Text(old.to_owned()), ChangeValue::Text(new.to_owned()));
            vec![Draft::new(RawKind::Renamed, before, after)]
        }
        _ => Vec::new(),
    }
}

fn grant_changes(catalog: &Catalog<'_, '_>, old: &ResourceGrants<'_>, new: &ResourceGrants<'_>) -> Vec<Draft> {
    let mut drafts = Vec::new();
    if old.direct != new.direct {
        for_each_difference(&old.direct, &new.direct, |member, before, after| {
            let (kind, before, after) = level_change(before, after);
            let mut draft = Draft::new(kind, before, after);
            draft.member = Some(member_party(catalog, member));
            drafts.push(draft);
        });
    }
    if old.groups != new.groups {
        for_each_difference(&old.groups, &new.groups, |group, before, after| {
            let (kind, before, after) = grant_change(before, after);
            let mut draft = Draft::new(kind, before, after);
            draft.group = Some(group_party(catalog, group));
            drafts.push(draft);
        });
    }
    drafts
}

/// Calls `found(id, before, after)` for every value one id holds on one side only: a pair when
/// the id holds exactly one value on each side and they differ (a change), else each value alone.
/// Both lists are sorted by id, so one merge walks them.
fn for_each_difference<T: Copy + Eq>(
    old: &[(&str, T)],
    new: &[(&str, T)],
    mut found: impl FnMut(&str, Option<T>, Option<T>),
) {
    let (mut next_old, mut next_new) = (0, 0);
    while let Some(id) = smallest_id(old.get(next_old), new.get(next_new)) {
        let end_old = next_old + old[next_old..].iter().take_while(|&&(other, _)| other == id).count();
        let end_new = next_new + new[next_new..].iter().take_while(|&&(other, _)| other == id).count();
        let (before, after) = (&old[next_old..end_old], &new[next_new..end_new]);
        if before != after {
            differences(id, before, after, &mut found);
        }
        (next_old, next_new) = (end_old, end_new);
    }
}

fn smallest_id<'a, T>(old: Option<&(&'a str, T)>, new: Option<&(&'a str, T)>) -> Option<&'a str> {
    match (old, new) {
        (Some(&(a, _)), Some(&(b, _))) => Some(a.min(b)),
        (Some(&(a, _)), None) => Some(a),
        (None, Some(&(b, _))) => Some(b),
        (None, None) => None,
    }
}

fn differences<T: Copy + Eq>(
    id: &str,
    before: &[(&str, T)],
    after: &[(&str, T)],
    found: &mut impl FnMut(&str, Option<T>, Option<T>),
) {
    let holds = |list: &[(&str, T)], value: T| list.iter().any(|&(_, other)| other == value);
    let removed: Vec<T> = before.iter().map(|&(_, value)| value).filter(|&value| !holds(after, value)).collect();
    let added: Vec<T> = after.iter().map(|&(_, value)| value).filter(|&value| !holds(before, value)).collect();
    if let ([removed], [added]) = (removed.as_slice(), added.as_slice()) {
        return found(id, Some(*removed), Some(*added));
    }
    removed.into_iter().for_each(|value| found(id, Some(value), None));
    added.into_iter().for_each(|value| found(id, None, Some(value)));
}

fn level_change(before: Option<DirectLevel>, after: Option<DirectLevel>) -> (RawKind, ChangeValue, ChangeValue) {
    let kind = match (before, after) {
        (Some(_), Some(_)) => RawKind::DirectLevelChanged,
        (None, _) => RawKind::DirectLevelAdded,
        (Some(_), None) => RawKind::DirectLevelRemoved,
    };
    (
        kind,
        before.map_or(ChangeValue::Nothing, ChangeValue::Level),
        after.map_or(ChangeValue::Nothing, ChangeValue::Level),
    )
}

fn grant_change(before: Option<Role>, after: Option<Role>) -> (RawKind, ChangeValue, ChangeValue) {
    let kind = match (before, after) {
        (Some(_), Some(_)) => RawKind::GroupGrantChanged,
        (None, _) => RawKind::GroupGrantAdded,
        (Some(_), None) => RawKind::GroupGrantRemoved,
    };
    (kind, ChangeValue::of_role(before), ChangeValue::of_role(after))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn differences(old: &[(&'static str, DirectLevel)], new: &[(&'static str, DirectLevel)]) -> Vec<String> {
        let mut found = Vec::new();
        for_each_difference(old, new, |id, before, after| found.push(format!("{id} {before:?} {after:?}")));
        found
    }

    #[test]
    fn one_level_for_another_is_a_change_and_anything_else_adds_or_removes() {
        use DirectLevel::{Owner, Readonly, Write};
        assert_eq!(differences(&[("a", Write)], &[("a", Owner)]), ["a Some(Write) Some(Owner)"]);
        assert_eq!(differences(&[("a", Write)], &[("a", Readonly), ("a", Write)]), ["a None Some(Readonly)"]);
        let both = differences(&[("a", Owner), ("a", Write)], &[("a", Readonly)]);
        assert_eq!(both, ["a Some(Owner) None", "a Some(Write) None", "a None Some(Readonly)"]);
        assert_eq!(
            differences(&[("a", Write), ("b", Owner)], &[("b", Owner), ("c", Write)]),
            ["a Some(Write) None", "c None Some(Write)"]
        );
        assert!(differences(&[("a", Write)], &[("a", Write)]).is_empty());
    }
}
