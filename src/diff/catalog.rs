//! Both collections side by side. Dense indices differ between two resolutions, so every member,
//! group, cloud and project of either collection is numbered once, by id (its *slot*): the new
//! side's indices first, then what only the old side has. Every comparison of the diff is made in
//! slots, and every name it prints comes from here.

use super::refs::{CloudRef, GroupRef, MemberRef, ResourceKind, ResourceRef};
use crate::model::{DirectLevel, Group, Member, OrgRole, Role};
use crate::resolve::{BaseSource, Entry, OrgIndex, Resolution, Source};
use rayon::prelude::*;
use std::sync::Arc;

/// One of the two collections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Side {
    Old,
    New,
}

/// A record's index in the old and in the new resolution, where it exists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pair {
    pub old: Option<u32>,
    pub new: Option<u32>,
}

impl Pair {
    /// Returns the index on one side.
    pub fn on(self, side: Side) -> Option<u32> {
        match side {
            Side::Old => self.old,
            Side::New => self.new,
        }
    }
}

/// One kind of record numbered across both sides.
pub(crate) struct Slots {
    pairs: Vec<Pair>,
    from_old: Vec<u32>,
}

impl Slots {
    /// Numbers `new_count` new records, then each old record that has no new record of the same id.
    fn build<'i>(
        new_count: usize,
        old_ids: impl Iterator<Item = &'i str>,
        find_new: impl Fn(&str) -> Option<u32>,
    ) -> Slots {
        let mut pairs: Vec<Pair> = (0..new_count as u32).map(|new| Pair { old: None, new: Some(new) }).collect();
        let mut from_old = Vec::new();
        for (old, id) in old_ids.enumerate() {
            let old = old as u32;
            match find_new(id) {
                Some(new) if pairs[new as usize].old.is_none() => {
                    pairs[new as usize].old = Some(old);
                    from_old.push(new);
                }
                _ => {
                    from_old.push(pairs.len() as u32);
                    pairs.push(Pair { old: Some(old), new: None });
                }
            }
        }
        Slots { pairs, from_old }
    }

    /// Returns how many slots there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Returns the indices of a slot on both sides.
    pub fn pair(&self, slot: u32) -> Pair {
        self.pairs[slot as usize]
    }

    /// Returns the slot of an index on one side.
    pub fn slot(&self, side: Side, index: u32) -> u32 {
        match side {
            Side::Old => self.from_old[index as usize],
            Side::New => index,
        }
    }
}

/// A cloud or project entry, by slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    Cloud(u32),
    Project(u32),
}

/// A grant reaching a member on an entry, by slot: comparable across the two sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SourceKey {
    Direct(DirectLevel),
    Group { group: u32, role: Role },
}

/// A source of a member's org role, by slot: comparable across the two sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum BaseKey {
    Level(OrgRole),
    Group { group: u32, role: OrgRole },
}

/// The two resolutions and the slots of their records.
pub(crate) struct Catalog<'r, 'a> {
    pub old: &'r Resolution<'a>,
    pub new: &'r Resolution<'a>,
    pub members: Slots,
    pub groups: Slots,
    pub clouds: Slots,
    pub projects: Slots,
}

impl<'r, 'a> Catalog<'r, 'a> {
    /// Numbers every record of both resolutions by id.
    pub fn new(old: &'r Resolution<'a>, new: &'r Resolution<'a>) -> Catalog<'r, 'a> {
        let (before, after) = (&old.index, &new.index);
        let members = Slots::build(
            after.members.len(),
            (0..before.members.len() as u32).map(|m| before.member_record(m).member_id()),
            |id| after.member(id),
        );
        let groups = Slots::build(
            after.groups.len(),
            (0..before.groups.len() as u32).map(|g| before.group_record(g).id.as_str()),
            |id| after.group(id),
        );
        let clouds = Slots::build(
            after.clouds.len(),
            (0..before.clouds.len() as u32).map(|c| before.cloud_record(c).id.as_str()),
            |id| after.cloud(id),
        );
        let projects = Slots::build(
            after.projects.len(),
            (0..before.projects.len() as u32).map(|p| before.project_record(p).id.as_str()),
            |id| after.project(id),
        );
        Catalog { old, new, members, groups, clouds, projects }
    }

    /// Returns one side's resolution.
    pub fn side(&self, side: Side) -> &'r Resolution<'a> {
        match side {
            Side::Old => self.old,
            Side::New => self.new,
        }
    }

    /// Returns one side's index.
    pub fn index(&self, side: Side) -> &'r OrgIndex<'a> {
        &self.side(side).index
    }

    /// Returns the slot of an entry on one side.
    pub fn key(&self, side: Side, entry: Entry) -> Key {
        match entry {
            Entry::Cloud(cloud) => Key::Cloud(self.clouds.slot(side, cloud)),
            Entry::Project(project) => Key::Project(self.projects.slot(side, project)),
        }
    }

    /// Returns an entry's index on one side, where the resource exists there.
    pub fn entry(&self, side: Side, key: Key) -> Option<Entry> {
        match key {
            Key::Cloud(cloud) => self.clouds.pair(cloud).on(side).map(Entry::Cloud),
            Key::Project(project) => self.projects.pair(project).on(side).map(Entry::Project),
        }
    }

    /// Returns the slot of a project's parent cloud on one side, when both exist there.
    pub fn parent(&self, side: Side, project: u32) -> Option<u32> {
        let index = self.projects.pair(project).on(side)?;
        let cloud = self.side(side).graph.project_parent(index)?;
        Some(self.clouds.slot(side, cloud))
    }

    /// Returns the id of a project's parent cloud on one side, as recorded (it may name no cloud).
    pub fn parent_id(&self, side: Side, project: u32) -> Option<&'a str> {
        let index = self.projects.pair(project).on(side)?;
        Some(self.index(side).project_record(index).parent_cloud_id.as_str())
    }

    /// Returns a grant reaching a member on one side, by slot.
    pub fn source(&self, side: Side, source: Source) -> SourceKey {
        match source {
            Source::Direct(level) => SourceKey::Direct(level),
            Source::Group { group, role } => SourceKey::Group { group: self.groups.slot(side, group), role },
        }
    }

    /// Returns a source of an org role on one side, by slot.
    pub fn base(&self, side: Side, base: BaseSource) -> BaseKey {
        match base {
            BaseSource::PermissionLevel(role) => BaseKey::Level(role),
            BaseSource::Group { group, role } => BaseKey::Group { group: self.groups.slot(side, group), role },
        }
    }

    /// Returns a member's record on one side.
    pub fn member_record(&self, side: Side, member: u32) -> Option<&'a Member> {
        let index = self.members.pair(member).on(side)?;
        Some(self.index(side).member_record(index))
    }

    /// Returns a group's record on one side.
    pub fn group_record(&self, side: Side, group: u32) -> Option<&'a Group> {
        let index = self.groups.pair(group).on(side)?;
        Some(self.index(side).group_record(index))
    }

    /// Returns the newest record of a member (every slot has a record on some side).
    pub fn newest_member(&self, member: u32) -> Option<&'a Member> {
        self.member_record(Side::New, member).or_else(|| self.member_record(Side::Old, member))
    }

    /// Returns a member's id.
    pub fn member_id(&self, member: u32) -> &'a str {
        self.newest_member(member).map_or("", |record| record.member_id())
    }

    /// Returns a group's id.
    pub fn group_id(&self, group: u32) -> &'a str {
        let record = self.group_record(Side::New, group).or_else(|| self.group_record(Side::Old, group));
        record.map_or("", |record| record.id.as_str())
    }

    /// Returns a cloud's or project's id.
    pub fn resource_id(&self, key: Key) -> &'a str {
        let record = |side: Side| -> Option<&'a str> {
            match key {
                Key::Cloud(cloud) => {
                    self.clouds.pair(cloud).on(side).map(|index| self.index(side).cloud_record(index).id.as_str())
                }
                Key::Project(project) => {
                    self.projects.pair(project).on(side).map(|index| self.index(side).project_record(index).id.as_str())
                }
            }
        };
        record(Side::New).or_else(|| record(Side::Old)).unwrap_or_default()
    }

    /// Returns the slot of a cloud id on either side.
    pub fn cloud_slot(&self, id: &str) -> Option<u32> {
        match (self.new.index.cloud(id), self.old.index.cloud(id)) {
            (Some(new), _) => Some(self.clouds.slot(Side::New, new)),
            (None, Some(old)) => Some(self.clouds.slot(Side::Old, old)),
            (None, None) => None,
        }
    }

    /// Returns how a diff names a member.
    pub fn member_ref(&self, member: u32) -> MemberRef {
        match self.newest_member(member) {
            Some(record) => MemberRef {
                id: record.member_id().to_owned(),
                email: record.email.clone(),
                name: record.name.clone(),
                is_service_account: record.is_service_account,
            },
            None => MemberRef::unknown(""),
        }
    }

    /// Returns how a diff names a group.
    pub fn group_ref(&self, group: u32) -> GroupRef {
        let (old, new) = (self.group_record(Side::Old, group), self.group_record(Side::New, group));
        let newest = new.or(old);
        let old_name = match (old, new) {
            (Some(old), Some(new)) if old.name != new.name => Some(old.name.clone()),
            _ => None,
        };
        GroupRef {
            id: newest.map(|record| record.id.to_string()).unwrap_or_default(),
            name: newest.map(|record| record.name.clone()).unwrap_or_default(),
            old_name,
        }
    }

    /// Returns how a diff names a cloud or project.
    pub fn resource_ref(&self, key: Key) -> ResourceRef {
        let (kind, names) = match key {
            Key::Cloud(cloud) => (ResourceKind::Cloud, self.cloud_names(cloud)),
            Key::Project(project) => (ResourceKind::Project, self.project_names(project)),
        };
        let (id, name, old_name) = names;
        let (cloud, old_cloud) = match key {
            Key::Cloud(_) => (None, None),
            Key::Project(project) => self.parents(project),
        };
        ResourceRef { kind, id, name, old_name, cloud, old_cloud }
    }

    /// Returns a cloud's id, newest name, and old name when renamed.
    fn cloud_names(&self, cloud: u32) -> (String, String, Option<String>) {
        let pair = self.clouds.pair(cloud);
        let old = pair.old.map(|index| self.old.index.cloud_record(index));
        let new = pair.new.map(|index| self.new.index.cloud_record(index));
        names_of(old.map(|c| (c.id.as_str(), c.name.as_str())), new.map(|c| (c.id.as_str(), c.name.as_str())))
    }

    /// Returns a project's id, newest name, and old name when renamed.
    fn project_names(&self, project: u32) -> (String, String, Option<String>) {
        let pair = self.projects.pair(project);
        let old = pair.old.map(|index| self.old.index.project_record(index));
        let new = pair.new.map(|index| self.new.index.project_record(index));
        names_of(old.map(|p| (p.id.as_str(), p.name.as_str())), new.map(|p| (p.id.as_str(), p.name.as_str())))
    }

    /// Returns a project's newest parent cloud, and its old one when it moved.
    fn parents(&self, project: u32) -> (Option<CloudRef>, Option<CloudRef>) {
        let (old, new) = (self.parent_id(Side::Old, project), self.parent_id(Side::New, project));
        let newest_side = if new.is_some() { Side::New } else { Side::Old };
        let newest = new.or(old).map(|id| self.parent_ref(newest_side, project, id));
        let moved = match (old, new) {
            (Some(old), Some(new)) if old != new => Some(self.parent_ref(Side::Old, project, old)),
            _ => None,
        };
        (newest, moved)
    }

    /// Returns a project's parent cloud on one side, named through the engine's parent link when the
    /// cloud exists there, else looked up by id.
    fn parent_ref(&self, side: Side, project: u32, id: &str) -> CloudRef {
        match self.parent(side, project) {
            Some(cloud) => CloudRef { id: id.to_owned(), name: self.cloud_name(cloud).to_owned() },
            None => self.cloud_ref(id),
        }
    }

    /// Returns a cloud's newest name.
    fn cloud_name(&self, cloud: u32) -> &'a str {
        let pair = self.clouds.pair(cloud);
        match (pair.new, pair.old) {
            (Some(index), _) => self.new.index.cloud_record(index).name.as_str(),
            (None, Some(index)) => self.old.index.cloud_record(index).name.as_str(),
            (None, None) => "",
        }
    }

    /// Returns a cloud by id, named as the newest side that has it names it.
    pub fn cloud_ref(&self, id: &str) -> CloudRef {
        let name = [self.new, self.old]
            .iter()
            .find_map(|side| side.index.cloud(id).map(|cloud| side.index.cloud_record(cloud).name.clone()))
            .unwrap_or_default();
        CloudRef { id: id.to_owned(), name }
    }
}

/// Returns the id, the newest name and, when it differs, the old name of a record.
fn names_of(old: Option<(&str, &str)>, new: Option<(&str, &str)>) -> (String, String, Option<String>) {
    match (old, new) {
        (Some((_, old_name)), Some((id, name))) if old_name != name => {
            (id.to_owned(), name.to_owned(), Some(old_name.to_owned()))
        }
        (_, Some((id, name))) | (Some((id, name)), None) => (id.to_owned(), name.to_owned(), None),
        (None, None) => (String::new(), String::new(), None),
    }
}

/// Every cloud and project named once, shared by all the changes that name it.
pub(crate) struct Names {
    clouds: Vec<Arc<ResourceRef>>,
    projects: Vec<Arc<ResourceRef>>,
}

impl Names {
    /// Names every cloud and project of both collections.
    pub fn new(catalog: &Catalog<'_, '_>) -> Names {
        let name = |key| Arc::new(catalog.resource_ref(key));
        Names {
            clouds: (0..catalog.clouds.len() as u32).into_par_iter().map(|cloud| name(Key::Cloud(cloud))).collect(),
            projects: (0..catalog.projects.len() as u32)
                .into_par_iter()
                .map(|project| name(Key::Project(project)))
                .collect(),
        }
    }

    /// Returns how a diff names a cloud or project.
    pub fn resource(&self, key: Key) -> Arc<ResourceRef> {
        match key {
            Key::Cloud(cloud) => Arc::clone(&self.clouds[cloud as usize]),
            Key::Project(project) => Arc::clone(&self.projects[project as usize]),
        }
    }
}
