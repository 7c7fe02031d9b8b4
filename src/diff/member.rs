//! One member's effective changes: its record and standing (joined, left, org owner or base role
//! gained or lost, flag, email, name), then every cloud and project whose role differs, each with its
//! causes. Most members do not change, and for them only the resolved roles are compared.

use super::attribute::Attribution;
use super::catalog::{Catalog, Key, Side};
use super::change::{Cause, ChangeKind};
use super::raw::RawKind;
use super::refs::{ChangeValue, OrgStanding};
use super::view::{roles, standing_of, View};
use crate::model::{Member, Role};
use crate::resolve::MemberAccess;

/// One effective change of a member, before it is named, checked against the gaps and ordered.
#[derive(Clone, Debug)]
pub(crate) struct ChangeDraft {
    pub kind: ChangeKind,
    pub resource: Option<Key>,
    pub before: ChangeValue,
    pub after: ChangeValue,
    pub causes: Vec<Cause>,
}

/// A change of the member's own record or standing, before its causes are found.
struct RecordChange {
    kind: ChangeKind,
    before: ChangeValue,
    after: ChangeValue,
}

/// Returns every effective change of one member, with its causes.
pub(crate) fn member_changes(attribution: &Attribution<'_, '_, '_>, member: u32) -> Vec<ChangeDraft> {
    let catalog = attribution.catalog;
    let pair = catalog.members.pair(member);
    let access = |side: Side| pair.on(side).map(|index| &catalog.side(side).members[index as usize]);
    let (old_access, new_access) = (access(Side::Old), access(Side::New));
    let records = record_changes(catalog, member, old_access, new_access);
    let entries = entry_differences(catalog, old_access, new_access);
    if records.is_empty() && entries.is_empty() {
        return Vec::new();
    }
    // Only changed roles and standings need what reaches the member; a record change names itself.
    let standing = records.iter().any(|change| is_standing(change.kind));
    let needed = needed_entries(catalog, &entries);
    let (old, new) = match entries.is_empty() && !standing {
        true => (View::default(), View::default()),
        false => (View::of(catalog, Side::Old, member, &needed), View::of(catalog, Side::New, member, &needed)),
    };
    let mut drafts = Vec::with_capacity(records.len() + entries.len());
    for change in records {
        let causes = record_causes(attribution, member, change.kind, &old, &new);
        let (kind, before, after) = (change.kind, change.before, change.after);
        drafts.push(ChangeDraft { kind, resource: None, before, after, causes });
    }
    for (key, before, after) in entries {
        let causes = attribution.access(member, key, &old, &new);
        let (before, after) = (ChangeValue::of_role(before), ChangeValue::of_role(after));
        let kind = ChangeKind::of_access(before.role(), after.role());
        drafts.push(ChangeDraft { kind, resource: Some(key), before, after, causes });
    }
    drafts
}

fn record_causes(
    attribution: &Attribution<'_, '_, '_>,
    member: u32,
    kind: ChangeKind,
    old: &View,
    new: &View,
) -> Vec<Cause> {
    let raw = match kind {
        ChangeKind::MemberJoined => RawKind::MemberJoined,
        ChangeKind::MemberLeft => RawKind::MemberLeft,
        ChangeKind::ServiceAccountChanged => RawKind::ServiceAccountChanged,
        ChangeKind::EmailChanged => RawKind::EmailChanged,
        ChangeKind::NameChanged => RawKind::NameChanged,
        _ => return attribution.standing(member, old, new),
    };
    attribution.record(member, raw)
}

/// Returns the entries whose grants the causes of changed roles look at: each changed entry, and a
/// project's parent cloud on either side.
fn needed_entries(catalog: &Catalog<'_, '_>, entries: &[(Key, Option<Role>, Option<Role>)]) -> Vec<Key> {
    let mut needed = Vec::with_capacity(entries.len() * 2);
    for &(key, _, _) in entries {
        needed.push(key);
        if let Key::Project(project) = key {
            let parents = [catalog.parent(Side::Old, project), catalog.parent(Side::New, project)];
            needed.extend(parents.into_iter().flatten().map(Key::Cloud));
        }
    }
    needed
}

fn is_standing(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::OrgOwnerGained | ChangeKind::OrgOwnerLost | ChangeKind::OrgRoleGained | ChangeKind::OrgRoleLost
    )
}

fn standing(access: Option<&MemberAccess>) -> OrgStanding {
    access.map_or(OrgStanding::None, |access| standing_of(access.has_base(), access.is_org_owner))
}

/// Returns the changes of the member's record and standing, without their causes.
fn record_changes(
    catalog: &Catalog<'_, '_>,
    member: u32,
    old_access: Option<&MemberAccess>,
    new_access: Option<&MemberAccess>,
) -> Vec<RecordChange> {
    let (before, after) = (standing(old_access), standing(new_access));
    let change = |kind, before, after| RecordChange { kind, before, after };
    let mut changes = Vec::new();
    match (old_access, new_access) {
        (None, Some(_)) => {
            changes.push(change(ChangeKind::MemberJoined, ChangeValue::Nothing, ChangeValue::Standing(after)))
        }
        (Some(_), None) => {
            changes.push(change(ChangeKind::MemberLeft, ChangeValue::Standing(before), ChangeValue::Nothing))
        }
        _ => {}
    }
    let kind = standing_change(before, after).filter(|&kind| match (old_access, new_access) {
        (Some(_), Some(_)) => true,
        _ => matches!(kind, ChangeKind::OrgOwnerGained | ChangeKind::OrgOwnerLost),
    });
    if let Some(kind) = kind {
        changes.push(change(kind, ChangeValue::Standing(before), ChangeValue::Standing(after)));
    }
    if let (Some(old), Some(new)) = (catalog.member_record(Side::Old, member), catalog.member_record(Side::New, member))
    {
        changes.extend(attribute_changes(old, new));
    }
    changes
}

/// Returns the changes of a member's flag, email and name.
fn attribute_changes(old: &Member, new: &Member) -> Vec<RecordChange> {
    let change = |kind, before, after| RecordChange { kind, before, after };
    let mut changes = Vec::new();
    if old.is_service_account != new.is_service_account {
        let (before, after) = (ChangeValue::Flag(old.is_service_account), ChangeValue::Flag(new.is_service_account));
        changes.push(change(ChangeKind::ServiceAccountChanged, before, after));
    }
    let text = |value: &str| ChangeValue::Text(value.to_owned());
    if old.email != new.email {
        changes.push(change(ChangeKind::EmailChanged, text(&old.email), text(&new.email)));
    }
    if old.name != new.name {
        changes.push(change(ChangeKind::NameChanged, text(&old.name), text(&new.name)));
    }
    changes
}

/// Returns the kind of a standing change: ownership first, then the base role (R1, R2). A member
/// joining or leaving has only its ownership listed apart (the join or leave says the rest).
fn standing_change(before: OrgStanding, after: OrgStanding) -> Option<ChangeKind> {
    match (before, after) {
        (before, after) if before == after => None,
        (_, OrgStanding::Owner) => Some(ChangeKind::OrgOwnerGained),
        (OrgStanding::Owner, _) => Some(ChangeKind::OrgOwnerLost),
        (OrgStanding::None, _) => Some(ChangeKind::OrgRoleGained),
        (_, OrgStanding::None) => Some(ChangeKind::OrgRoleLost),
        _ => None,
    }
}

/// Returns every entry whose role differs, by slot: `(entry, before, after)`.
fn entry_differences(
    catalog: &Catalog<'_, '_>,
    old: Option<&MemberAccess>,
    new: Option<&MemberAccess>,
) -> Vec<(Key, Option<Role>, Option<Role>)> {
    if let (Some(old), Some(new)) = (old, new) {
        if same_roles(catalog, old, new) {
            return Vec::new();
        }
    }
    let old = old.map(|access| roles(catalog, Side::Old, access)).unwrap_or_default();
    let new = new.map(|access| roles(catalog, Side::New, access)).unwrap_or_default();
    if old == new {
        return Vec::new();
    }
    merge_roles(&old, &new)
}

/// Returns the entries whose role differs between two sorted lists of roles.
fn merge_roles(old: &[(Key, Role)], new: &[(Key, Role)]) -> Vec<(Key, Option<Role>, Option<Role>)> {
    let (mut next_old, mut next_new) = (0, 0);
    let mut differences = Vec::new();
    loop {
        let (key, before, after) = match (old.get(next_old), new.get(next_new)) {
            (Some(&(a, role_a)), Some(&(b, role_b))) if a == b => {
                (next_old, next_new) = (next_old + 1, next_new + 1);
                (a, Some(role_a), Some(role_b))
            }
            (Some(&(a, role_a)), Some(&(b, _))) if a < b => {
                next_old += 1;
                (a, Some(role_a), None)
            }
            (Some(&(a, role_a)), None) => {
                next_old += 1;
                (a, Some(role_a), None)
            }
            (_, Some(&(b, role_b))) => {
                next_new += 1;
                (b, None, Some(role_b))
            }
            (None, None) => return differences,
        };
        if before != after {
            differences.push((key, before, after));
        }
    }
}

/// True when a member holds the same roles on the same entries on both sides, listed in the same
/// order (the common case, checked without allocating); false may also mean only another order.
fn same_roles(catalog: &Catalog<'_, '_>, old: &MemberAccess, new: &MemberAccess) -> bool {
    old.clouds.len() == new.clouds.len()
        && old.clouds.iter().zip(&new.clouds).all(|(before, after)| {
            catalog.clouds.slot(Side::Old, before.cloud) == after.cloud
                && before.role == after.role
                && before.projects.len() == after.projects.len()
                && before.projects.iter().zip(&after.projects).all(|(before, after)| {
                    catalog.projects.slot(Side::Old, before.project) == after.project && before.role == after.role
                })
        })
}
