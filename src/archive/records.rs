//! What one collection changed in the archive's history, as records: the intervals it opens and
//! closes, the members and resources it names, and the causes of each boundary. Records are made from
//! the engine's resolution (the first collection) or from the diff module's effective changes and
//! causes (every later one); the database is only ever written by applying records, so that adding
//! and rebuilding give the same tables.

use crate::model::Role;
use serde::{Deserialize, Serialize};

/// What a history interval is about: org ownership, a cloud or a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Organization,
    Cloud,
    Project,
}

impl Scope {
    /// Returns the scope's name as the database and the outputs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Organization => "organization",
            Scope::Cloud => "cloud",
            Scope::Project => "project",
        }
    }

    /// Parses a scope name from the database.
    pub fn parse(text: &str) -> Option<Scope> {
        [Scope::Organization, Scope::Cloud, Scope::Project].into_iter().find(|scope| scope.as_str() == text)
    }
}

/// A member as a collection records it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRecord {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_service_account: bool,
}

/// A cloud, a project (with its cloud) or the organization, as a collection names it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRecord {
    pub scope: Scope,
    pub id: String,
    pub name: String,
    pub cloud: Option<String>,
}

/// One cause of a boundary: the diff's cause kind, its path, and the raw change in words.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseRecord {
    pub kind: String,
    pub via: String,
    pub description: String,
}

/// What an event does to an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// An interval starts: the collection shows a role it did not show before.
    Open,
    /// The open interval ends: the collection no longer shows that role.
    Close,
    /// The collection cannot say (a gap covers the entry): the open interval, if any, is kept.
    Uncertain,
}

/// One change of one member's access to one resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub change: Change,
    pub member: String,
    pub scope: Scope,
    pub resource: String,
    pub role: Option<Role>,
    /// Positions in [`Records::causes`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<u32>,
    /// For an uncertain event, the gap lines that cover the entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<String>,
}

/// Everything one collection changed in the history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Records {
    /// Members first seen, or whose email, name or flag changed.
    pub members: Vec<MemberRecord>,
    /// Resources first seen, renamed or moved, and every resource an event names.
    pub resources: Vec<ResourceRecord>,
    pub causes: Vec<CauseRecord>,
    pub events: Vec<Event>,
}

/// Numbers causes as they are met, each distinct cause once (a group's change reaches many members).
#[derive(Default)]
pub struct CauseTable {
    pub causes: Vec<CauseRecord>,
    numbers: std::collections::HashMap<CauseRecord, u32>,
}

impl CauseTable {
    /// Returns the number of a cause, adding it when new.
    pub fn number(&mut self, cause: CauseRecord) -> u32 {
        if let Some(&number) = self.numbers.get(&cause) {
            return number;
        }
        let number = self.causes.len() as u32;
        self.causes.push(cause.clone());
        self.numbers.insert(cause, number);
        number
    }
}
