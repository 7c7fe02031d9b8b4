//! The raw changes in their output order (by member, group, cloud and project id), and looked up by
//! what they are about, so that the causes of a member's changed access are found without a scan.

use super::catalog::{Catalog, Key};
use super::raw::RawKind;
use super::records::{Draft, Party};
use rustc_hash::FxHashMap as HashMap;

/// Sorts raw changes into output order: members, then groups with their memberships, then clouds
/// and projects with their grants, each by id; on one record, by kind and values.
pub(crate) fn sort_drafts(catalog: &Catalog<'_, '_>, drafts: &mut [Draft]) {
    drafts.sort_by_cached_key(|draft| order_key(catalog, draft));
}

type OrderKey = (u8, String, u8, String, RawKind, String, String);

fn order_key(catalog: &Catalog<'_, '_>, draft: &Draft) -> OrderKey {
    let member = draft.member.as_ref().map(|party| party_id(party, |slot| catalog.member_id(slot)));
    let group = draft.group.as_ref().map(|party| party_id(party, |slot| catalog.group_id(slot)));
    let (before, after) = (draft.before.to_string(), draft.after.to_string());
    let (section, id, position, other) = match (draft.resource, group, member) {
        (Some(key), group, member) => {
            let section = if matches!(key, Key::Cloud(_)) { 2 } else { 3 };
            let (position, other) = match (member, group) {
                (Some(member), _) => (1, member),
                (None, Some(group)) => (2, group),
                (None, None) => (0, String::new()),
            };
            (section, catalog.resource_id(key).to_owned(), position, other)
        }
        (None, Some(group), Some(member)) => (1, group, 1, member),
        (None, Some(group), None) => (1, group, 0, String::new()),
        (None, None, member) => (0, member.unwrap_or_default(), 0, String::new()),
    };
    (section, id, position, other, draft.kind, before, after)
}

fn party_id<'a>(party: &Party, slot_id: impl Fn(u32) -> &'a str) -> String {
    match party {
        Party::Slot(slot) => slot_id(*slot).to_owned(),
        Party::Unknown(id) => id.clone(),
    }
}

/// The positions of raw changes, by what they are about.
#[derive(Default)]
pub(crate) struct RawIndex {
    member: HashMap<u32, Vec<usize>>,
    direct: HashMap<(u32, Key), Vec<usize>>,
    group_grant: HashMap<(u32, Key), Vec<usize>>,
    membership: HashMap<(u32, u32), Vec<usize>>,
    group: HashMap<u32, Vec<usize>>,
    resource: HashMap<Key, Vec<usize>>,
}

impl RawIndex {
    /// Indexes sorted raw changes; those naming an id neither collection has are never a cause.
    pub fn new(drafts: &[Draft]) -> RawIndex {
        let mut index = RawIndex::default();
        for (position, draft) in drafts.iter().enumerate() {
            let member = draft.member.as_ref().and_then(Party::slot);
            let group = draft.group.as_ref().and_then(Party::slot);
            let list = match (draft.resource, group, member) {
                (Some(key), _, Some(member)) => index.direct.entry((member, key)).or_default(),
                (Some(key), Some(group), None) => index.group_grant.entry((group, key)).or_default(),
                (Some(key), None, None) if draft.group.is_none() && draft.member.is_none() => {
                    index.resource.entry(key).or_default()
                }
                (None, Some(group), Some(member)) => index.membership.entry((group, member)).or_default(),
                (None, Some(group), None) if draft.member.is_none() => index.group.entry(group).or_default(),
                (None, None, Some(member)) if draft.group.is_none() => index.member.entry(member).or_default(),
                _ => continue,
            };
            list.push(position);
        }
        index
    }

    /// Returns the changes to a member's own record (joined, left, level, flag, email, name).
    pub fn member(&self, member: u32) -> &[usize] {
        self.member.get(&member).map_or(&[], Vec::as_slice)
    }

    /// Returns the changes to a member's direct levels on one entry.
    pub fn direct(&self, member: u32, key: Key) -> &[usize] {
        self.direct.get(&(member, key)).map_or(&[], Vec::as_slice)
    }

    /// Returns the changes to a group's bindings on one entry.
    pub fn group_grant(&self, group: u32, key: Key) -> &[usize] {
        self.group_grant.get(&(group, key)).map_or(&[], Vec::as_slice)
    }

    /// Returns the changes to a member's membership of a group.
    pub fn membership(&self, group: u32, member: u32) -> &[usize] {
        self.membership.get(&(group, member)).map_or(&[], Vec::as_slice)
    }

    /// Returns the changes to a group's own record (created, deleted, restored, renamed, org role).
    pub fn group(&self, group: u32) -> &[usize] {
        self.group.get(&group).map_or(&[], Vec::as_slice)
    }

    /// Returns the changes to a cloud's or project's own record (created, deleted, renamed, moved).
    pub fn resource(&self, key: Key) -> &[usize] {
        self.resource.get(&key).map_or(&[], Vec::as_slice)
    }
}
