//! How a diff names what it speaks of: members, groups, clouds and projects by id, with their newest
//! names (and the old name when one was renamed), and the values a change goes from and to.

use crate::model::{DirectLevel, Role};
use serde::Serialize;
use std::fmt;

/// A member, by id, as the newest collection that has it records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberRef {
    pub id: String,
    /// Empty for a user id that neither collection has as a member.
    pub email: String,
    pub name: String,
    pub is_service_account: bool,
}

impl MemberRef {
    /// Returns a reference to an id that is a member of neither collection.
    pub fn unknown(id: &str) -> MemberRef {
        MemberRef { id: id.to_owned(), email: String::new(), name: String::new(), is_service_account: false }
    }

    /// Returns the member as text reads it: `alice@example.com (usr_alice)`, or the bare id.
    pub fn label(&self) -> String {
        if self.email.is_empty() {
            format!("`{}`", self.id)
        } else {
            format!("{} ({})", self.email, self.id)
        }
    }
}

/// A cloud or a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResourceKind {
    Cloud,
    Project,
}

impl ResourceKind {
    /// Returns the kind's name as outputs print it.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Cloud => "cloud",
            ResourceKind::Project => "project",
        }
    }
}

/// A project's parent cloud, by id, with its newest name (empty when neither collection has it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CloudRef {
    pub id: String,
    pub name: String,
}

impl CloudRef {
    /// Returns the cloud as text reads it: `cloud prod (cld_1)`.
    pub fn label(&self) -> String {
        if self.name.is_empty() {
            format!("cloud `{}`", self.id)
        } else {
            format!("cloud {} ({})", self.name, self.id)
        }
    }
}

/// A cloud or project, by id, with its newest name, and its parent cloud for a project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceRef {
    pub kind: ResourceKind,
    pub id: String,
    pub name: String,
    /// The name in the old collection, when the resource was renamed.
    pub old_name: Option<String>,
    /// A project's parent cloud in the newest collection that has the project.
    pub cloud: Option<CloudRef>,
    /// A project's parent cloud in the old collection, when the project moved.
    pub old_cloud: Option<CloudRef>,
}

impl ResourceRef {
    /// Returns the resource as text reads it: `project train (prj_1, was training)`.
    pub fn label(&self) -> String {
        match &self.old_name {
            Some(old_name) => format!("{} {} ({}, was {})", self.kind.as_str(), self.name, self.id, old_name),
            None => format!("{} {} ({})", self.kind.as_str(), self.name, self.id),
        }
    }

    /// Returns the label with a project's cloud: `project train (prj_1) in cloud prod (cld_1)`.
    pub fn located(&self) -> String {
        let mut text = self.label();
        if let Some(cloud) = &self.cloud {
            text.push_str(&format!(" in {}", cloud.label()));
        }
        if let Some(old_cloud) = &self.old_cloud {
            text.push_str(&format!(", moved from {}", old_cloud.label()));
        }
        text
    }
}

/// A group, by id, with its newest name and its old name when it was renamed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupRef {
    pub id: String,
    /// Empty for a group id that neither collection has.
    pub name: String,
    pub old_name: Option<String>,
}

impl GroupRef {
    /// Returns the group as text reads it: `group ml (ug_1)`.
    pub fn label(&self) -> String {
        match (&self.old_name, self.name.is_empty()) {
            (_, true) => format!("group `{}`", self.id),
            (Some(old_name), false) => format!("group {} ({}, was {})", self.name, self.id, old_name),
            (None, false) => format!("group {} ({})", self.name, self.id),
        }
    }
}

/// A member's standing in the organization (R1, R2): org owner, a base role only, or no base role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgStanding {
    None,
    Collaborator,
    Owner,
}

impl OrgStanding {
    /// Returns the standing as the reports spell the org role: `owner`, `collaborator` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStanding::None => "none",
            OrgStanding::Collaborator => "collaborator",
            OrgStanding::Owner => "owner",
        }
    }
}

/// What a change goes from or to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ChangeValue {
    /// No role, no record: `null` in JSON, `none` in text.
    Nothing,
    Role(Role),
    Standing(OrgStanding),
    Level(DirectLevel),
    Flag(bool),
    Text(String),
}

impl ChangeValue {
    /// Returns the role this value holds, if it is a role.
    pub fn role(&self) -> Option<Role> {
        match self {
            ChangeValue::Role(role) => Some(*role),
            _ => None,
        }
    }

    /// Returns a role, or nothing.
    pub fn of_role(role: Option<Role>) -> ChangeValue {
        role.map_or(ChangeValue::Nothing, ChangeValue::Role)
    }
}

impl fmt::Display for ChangeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeValue::Nothing => f.write_str("none"),
            ChangeValue::Role(role) => f.write_str(role.as_str()),
            ChangeValue::Standing(standing) => f.write_str(standing.as_str()),
            ChangeValue::Level(level) => f.write_str(level.as_str()),
            ChangeValue::Flag(flag) => f.write_str(if *flag { "true" } else { "false" }),
            ChangeValue::Text(text) if text.is_empty() => f.write_str("(empty)"),
            ChangeValue::Text(text) => f.write_str(text),
        }
    }
}
