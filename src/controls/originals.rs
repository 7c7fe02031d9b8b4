//! The records that policy and exemption patterns are matched against. A policy names real people and
//! resources (`alice@corp.com`, `*@contractor.io`, `prod-*`); when the organization was redacted
//! (`crate::redact`), every record kept its position in its list, so a pattern is matched against the
//! original record at the redacted record's position, while everything reported comes from the redacted
//! one. Without redaction, the records are the organization's own.

use crate::model::{Cloud, Group, Member, Organization, Project};
use crate::resolve::{CloudIx, GroupIx, MemberIx, OrgIndex, ProjectIx, Subject, SubjectKind};
use std::borrow::Cow;

/// Where pattern matching reads names, emails and ids from.
#[derive(Clone, Copy, Debug, Default)]
pub struct Originals<'o> {
    organization: Option<&'o Organization>,
}

impl<'o> Originals<'o> {
    /// Matches against `organization`, the original of a redacted organization whose records are at
    /// the same positions.
    pub fn of(organization: &'o Organization) -> Originals<'o> {
        Originals { organization: Some(organization) }
    }

    /// Returns the original record at `position` of the list `of` picks, else the record the index holds.
    fn record<T>(self, of: fn(&Organization) -> &[T], position: usize, indexed: &'o T) -> &'o T {
        match self.organization {
            Some(original) => &of(original)[position],
            None => indexed,
        }
    }

    /// Returns the member record patterns see.
    pub fn member(self, index: &'o OrgIndex<'o>, member: MemberIx) -> &'o Member {
        self.record(|original| &original.members, index.members[member as usize], index.member_record(member))
    }

    /// Returns the group record patterns see.
    pub fn group(self, index: &'o OrgIndex<'o>, group: GroupIx) -> &'o Group {
        self.record(|original| &original.groups, index.groups[group as usize], index.group_record(group))
    }

    /// Returns the cloud record patterns see.
    pub fn cloud(self, index: &'o OrgIndex<'o>, cloud: CloudIx) -> &'o Cloud {
        self.record(|original| &original.clouds, index.clouds[cloud as usize], index.cloud_record(cloud))
    }

    /// Returns the project record patterns see.
    pub fn project(self, index: &'o OrgIndex<'o>, project: ProjectIx) -> &'o Project {
        self.record(|original| &original.projects, index.projects[project as usize], index.project_record(project))
    }

    /// Returns the id patterns see for a subject named only by its id: the original id of the record
    /// that holds it; an id no record holds (a dangling reference) is matched as the report shows it.
    pub fn subject_id<'x>(self, index: &'x OrgIndex<'x>, subject: &'x Subject) -> Cow<'x, str>
    where
        'o: 'x,
    {
        if self.organization.is_none() {
            return Cow::Borrowed(subject.id.as_str());
        }
        let id = subject.id.as_str();
        let original = match subject.kind {
            SubjectKind::User => index.member(id).map(|member| self.member(index, member).member_id()),
            SubjectKind::Group => index.group(id).map(|group| self.group(index, group).id.as_str()),
            SubjectKind::Cloud => index.cloud(id).map(|cloud| self.cloud(index, cloud).id.as_str()),
            SubjectKind::Project => index.project(id).map(|project| self.project(index, project).id.as_str()),
        };
        Cow::Borrowed(original.unwrap_or(id))
    }
}
