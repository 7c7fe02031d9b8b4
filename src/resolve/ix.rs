//! Dense indices of members, groups, clouds and projects, numbered in output order (R6), and the
//! subjects (an id with its kind) that findings name. A leaf: every other engine module builds on it.

use serde::Serialize;
use std::fmt;

/// A member's position in output order (email, then id).
pub type MemberIx = u32;
/// A group's position in name order.
pub type GroupIx = u32;
/// A cloud's position in output order (name, then id).
pub type CloudIx = u32;
/// A project's position in output order (name, then id).
pub type ProjectIx = u32;

/// A resource a member can hold a role on: a cloud or a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entry {
    Cloud(CloudIx),
    Project(ProjectIx),
}

/// What an id in a finding refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    User,
    Group,
    Cloud,
    Project,
}

impl SubjectKind {
    /// Returns the kind's name as reports print it.
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::User => "user",
            SubjectKind::Group => "group",
            SubjectKind::Cloud => "cloud",
            SubjectKind::Project => "project",
        }
    }
}

/// One id involved in a finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: String,
}

impl Subject {
    /// Returns a subject naming a member.
    pub fn user(id: &str) -> Subject {
        Subject { kind: SubjectKind::User, id: id.to_owned() }
    }

    /// Returns a subject naming a group.
    pub fn group(id: &str) -> Subject {
        Subject { kind: SubjectKind::Group, id: id.to_owned() }
    }

    /// Returns a subject naming a cloud.
    pub fn cloud(id: &str) -> Subject {
        Subject { kind: SubjectKind::Cloud, id: id.to_owned() }
    }

    /// Returns a subject naming a project.
    pub fn project(id: &str) -> Subject {
        Subject { kind: SubjectKind::Project, id: id.to_owned() }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.id)
    }
}
