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
        let members =
            sorted_positions(org.members.len(), |i| (org.members[i].email.as_str(), org.members[i].member_id()));
        let groups = sorted_positions(org.groups.len(), |i| (org.groups[i].name.as_str(), org.groups[i].id.as_str()));
        let clouds = sorted_positions(org.clouds.len(), |i| (org.clouds[i].name.as_str(), org.clouds[i].id.as_str()));
        let projects =
            sorted_positions(org.projects.len(), |i| (org.projects[i].name.as_str(), org.projects[i].id.as_str()));
        let mut duplicates = Vec::new();
        let member_by_id = id_map(&members, |i| org.members[i].member_id(), Subject::user, &mut duplicates);
        let group_by_id = id_map(&groups, |i| org.groups[i].id.as_str(), Subject::group, &mut duplicates);
        let cloud_by_id = id_map(&clouds, |i| org.clouds[i].id.as_str(), Subject::cloud, &mut duplicates);
        let project_by_id = id_map(&projects, |i| org.projects[i].id.as_str(), Subject::project, &mut duplicates);
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
        let mut by_email: HashMap<String, Vec<MemberIx>> = HashMap::default();
        for member in 0..self.members.len() as MemberIx {
            if self.member(self.member_record(member).member_id()) == Some(member) {
                by_email.entry(email_key(&self.member_record(member).email)).or_default().push(member);
            }
        }
        let mut shared: Vec<Vec<MemberIx>> = by_email.into_values().filter(|members| members.len() > 1).collect();
        shared.sort_unstable();
        shared
    }
}

/// Returns record positions sorted by key; ties keep record order, so the result is deterministic.
fn sorted_positions<'k>(len: usize, key: impl Fn(usize) -> (&'k str, &'k str)) -> Vec<usize> {
    let mut positions: Vec<usize> = (0..len).collect();
    positions.sort_by(|&a, &b| key(a).cmp(&key(b)));
    positions
}

fn id_map<'a>(
    order: &[usize],
    id_of: impl Fn(usize) -> &'a str,
    subject: fn(&str) -> Subject,
    duplicates: &mut Vec<Subject>,
) -> HashMap<&'a str, u32> {
    let mut map = HashMap::with_capacity_and_hasher(order.len(), Default::default());
    for (index, &position) in order.iter().enumerate() {
        let id = id_of(position);
        if map.contains_key(id) {
            duplicates.push(subject(id));
            continue;
        }
        // Indices fit in u32: an organization has far fewer than four billion records.
        map.insert(id, index as u32);
    }
    map
}
