//! Lookup tables over an organization's members, groups, clouds and projects, numbered in output
//! order (R6), so that sorting a member's entries is sorting small integers.

use super::ix::{CloudIx, GroupIx, MemberIx, ProjectIx, Subject};
use crate::model::{email_key, Organization};
use rustc_hash::FxHashMap as HashMap;

/// Lookup tables from ids to dense indices, and from indices back to the organization's records.
pub struct OrgIndex<'a> {
    pub organization: &'a Organization,
    /// For each member index, the position of the record in `organization.members`.
    pub members: Vec<usize>,
    pub groups: Vec<usize>,
    pub clouds: Vec<usize>,
    pub projects: Vec<usize>,
    member_by_id: HashMap<&'a str, MemberIx>,
    group_by_id: HashMap<&'a str, GroupIx>,
    cloud_by_id: HashMap<&'a str, CloudIx>,
    project_by_id: HashMap<&'a str, ProjectIx>,
    /// Ids that appeared more than once: the first record is used, the others are anomalies.
    pub duplicates: Vec<Subject>,
}

impl<'a> OrgIndex<'a> {
    /// Builds the indices; each list is ordered as the output orders it.
    pub fn new(organization: &'a Organization) -> Self {
        let org = organization;
        let members = || table(&org.members, |m| (m.email.as_str(), m.member_id()), |m| m.member_id(), Subject::user);
        let groups = || table(&org.groups, |g| (g.name.as_str(), g.id.as_str()), |g| g.id.as_str(), Subject::group);
        let clouds = || table(&org.clouds, |c| (c.name.as_str(), c.id.as_str()), |c| c.id.as_str(), Subject::cloud);
        let projects =
            || table(&org.projects, |p| (p.name.as_str(), p.id.as_str()), |p| p.id.as_str(), Subject::project);
        // The members' table is the largest; the other three are built beside it.
        let ((members, member_by_id), ((groups, group_by_id), ((clouds, cloud_by_id), (projects, project_by_id)))) =
            rayon::join(members, || rayon::join(groups, || rayon::join(clouds, projects)));
        let ((member_by_id, mut duplicates), (group_by_id, groups_twice)) = (member_by_id, group_by_id);
        let ((cloud_by_id, clouds_twice), (project_by_id, projects_twice)) = (cloud_by_id, project_by_id);
        duplicates.extend(groups_twice);
        duplicates.extend(clouds_twice);
        duplicates.extend(projects_twice);
        OrgIndex {
            organization,
            members,
            groups,
            clouds,
            projects,
            member_by_id,
            group_by_id,
            cloud_by_id,
            project_by_id,
            duplicates,
        }
    }

    /// Returns the index of the member with this member id.
    pub fn member(&self, id: &str) -> Option<MemberIx> {
        self.member_by_id.get(id).copied()
    }

    /// Returns the index of the group with this id.
    pub fn group(&self, id: &str) -> Option<GroupIx> {
        self.group_by_id.get(id).copied()
    }

    /// Returns the index of the cloud with this id.
    pub fn cloud(&self, id: &str) -> Option<CloudIx> {
        self.cloud_by_id.get(id).copied()
    }

    /// Returns the index of the project with this id.
    pub fn project(&self, id: &str) -> Option<ProjectIx> {
        self.project_by_id.get(id).copied()
    }

    /// Returns the member record at an index.
    pub fn member_record(&self, member: MemberIx) -> &'a crate::model::Member {
        &self.organization.members[self.members[member as usize]]
    }

    /// Returns the group record at an index.
    pub fn group_record(&self, group: GroupIx) -> &'a crate::model::Group {
        &self.organization.groups[self.groups[group as usize]]
    }

    /// Returns the cloud record at an index.
    pub fn cloud_record(&self, cloud: CloudIx) -> &'a crate::model::Cloud {
        &self.organization.clouds[self.clouds[cloud as usize]]
    }

    /// Returns the project record at an index.
    pub fn project_record(&self, project: ProjectIx) -> &'a crate::model::Project {
        &self.organization.projects[self.projects[project as usize]]
    }

    /// Returns the members that share an email with another member id (emails compared
    /// case-insensitively), one list per email, each list and the lists in output order.
    pub fn shared_emails(&self) -> Vec<Vec<MemberIx>> {
        use rayon::prelude::*;
        let mut keyed: Vec<(String, MemberIx)> = (0..self.members.len() as MemberIx)
            .into_par_iter()
            .filter(|&member| self.member(self.member_record(member).member_id()) == Some(member))
            .map(|member| (email_key(&self.member_record(member).email), member))
            .collect();
        // Stable: the members of one email stay in output order.
        keyed.par_sort_by(|a, b| a.0.cmp(&b.0));
        let mut shared: Vec<Vec<MemberIx>> = keyed
            .chunk_by(|a, b| a.0 == b.0)
            .filter(|same| same.len() > 1)
            .map(|same| same.iter().map(|&(_, member)| member).collect())
            .collect();
        shared.sort_unstable();
        shared
    }
}

/// Ids mapped to their index, and the ids met again (which keep their first index).
type IdMap<'a> = (HashMap<&'a str, u32>, Vec<Subject>);

/// Returns the positions of `records` in output order, with the map from id to index and the ids met
/// again.
fn table<'a, T: Sync>(
    records: &'a [T],
    key: impl Fn(&'a T) -> (&'a str, &'a str) + Sync,
    id_of: impl Fn(&'a T) -> &'a str,
    subject: fn(&str) -> Subject,
) -> (Vec<usize>, IdMap<'a>) {
    let positions = sorted_positions(records.len(), |i| key(&records[i]));
    let by_id = id_map(&positions, |i| id_of(&records[i]), subject);
    (positions, by_id)
}

/// Returns record positions sorted by key; ties keep record order, so the result is deterministic.
fn sorted_positions<'k>(len: usize, key: impl Fn(usize) -> (&'k str, &'k str) + Sync) -> Vec<usize> {
    use rayon::prelude::*;
    let mut positions: Vec<usize> = (0..len).collect();
    positions.par_sort_by(|&a, &b| key(a).cmp(&key(b)));
    positions
}

/// Maps ids to their index in `order`; returns the ids met again, which keep their first index.
fn id_map<'a>(order: &[usize], id_of: impl Fn(usize) -> &'a str, subject: fn(&str) -> Subject) -> IdMap<'a> {
    let mut map = HashMap::with_capacity_and_hasher(order.len(), Default::default());
    let mut duplicates = Vec::new();
    for (index, &position) in order.iter().enumerate() {
        let id = id_of(position);
        if map.contains_key(id) {
            duplicates.push(subject(id));
            continue;
        }
        // Indices fit in u32: an organization has far fewer than four billion records.
        map.insert(id, index as u32);
    }
    (map, duplicates)
}
