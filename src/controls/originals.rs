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

    /// Returns the member record patterns see.
    pub fn member<'x>(self, index: &'x OrgIndex<'x>, member: MemberIx) -> &'x Member
    where
        'o: 'x,
    {
        match self.organization {
            Some(original) => &original.members[index.members[member as usize]],
            None => index.member_record(member),
        }
    }

    /// Returns the group record patterns see.
    pub fn group<'x>(self, index: &'x OrgIndex<'x>, group: GroupIx) -> &'x Group
    where
        'o: 'x,
    {
        match self.organization {
            Some(original) => &original.groups[index.groups[group as usize]],
            None => index.group_record(group),
        }
    }

    /// Returns the cloud record patterns see.
    pub fn cloud<'x>(self, index: &'x OrgIndex<'x>, cloud: CloudIx) -> &'x Cloud
    where
        'o: 'x,
    {
        match self.organization {
            Some(original) => &original.clouds[index.clouds[cloud as usize]],
            None => index.cloud_record(cloud),
        }
    }

    /// Returns the project record patterns see.
    pub fn project<'x>(self, index: &'x OrgIndex<'x>, project: ProjectIx) -> &'x Project
    where
        'o: 'x,
    {
        match self.organization {
            Some(original) => &original.projects[index.projects[project as usize]],
            None => index.project_record(project),
        }
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
