//! Roles and grant levels, with the rank order the permission model uses.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An effective role on a cloud or project, ordered by rank: `Readonly < Collaborator < Owner`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Readonly,
    /// `write` is the wire alias used by direct grants and accepted in group policies.
    #[serde(alias = "write")]
    Collaborator,
    Owner,
}

impl Role {
    /// Returns the role's name as the list-permissions output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Readonly => "readonly",
            Role::Collaborator => "collaborator",
            Role::Owner => "owner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a role or level name that the model does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "readonly" => Ok(Role::Readonly),
            "collaborator" | "write" => Ok(Role::Collaborator),
            "owner" => Ok(Role::Owner),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

/// A direct grant's level on a cloud or project, as the collaborator endpoints report it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DirectLevel {
    Owner,
    Write,
    Readonly,
}

impl DirectLevel {
    /// Returns the effective role this level maps to (`write` is `collaborator`).
    pub fn role(self) -> Role {
        match self {
            DirectLevel::Owner => Role::Owner,
            DirectLevel::Write => Role::Collaborator,
            DirectLevel::Readonly => Role::Readonly,
        }
    }

    /// Returns the level's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            DirectLevel::Owner => "owner",
            DirectLevel::Write => "write",
            DirectLevel::Readonly => "readonly",
        }
    }
}

impl fmt::Display for DirectLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DirectLevel {
    type Err = UnknownRole;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "owner" => Ok(DirectLevel::Owner),
            "write" => Ok(DirectLevel::Write),
            "readonly" => Ok(DirectLevel::Readonly),
            other => Err(UnknownRole(other.to_owned())),
        }
    }
}

/// An organization-level role, held by a member or given by a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgRole {
    Collaborator,
    Owner,
}

impl OrgRole {
    /// Returns the role's wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Collaborator => "collaborator",
            OrgRole::Owner => "owner",
        }
    }

    /// Reads a member's `permission_level`: only `owner` and `collaborator` give a base role.
    pub fn from_permission_level(level: &str) -> Option<OrgRole> {
        match level {
            "owner" => Some(OrgRole::Owner),
            "collaborator" => Some(OrgRole::Collaborator),
            _ => None,
        }
    }
}

impl fmt::Display for OrgRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_rank_owner_over_collaborator_over_readonly() {
        assert!(Role::Owner > Role::Collaborator);
        assert!(Role::Collaborator > Role::Readonly);
    }

    #[test]
    fn write_is_an_alias_of_collaborator() {
        assert_eq!("write".parse::<Role>(), Ok(Role::Collaborator));
        assert_eq!(DirectLevel::Write.role(), Role::Collaborator);
        let role: Role = serde_json::from_str("\"write\"").unwrap();
        assert_eq!(role, Role::Collaborator);
    }

    #[test]
    fn only_owner_and_collaborator_levels_give_a_base_role() {
        assert_eq!(OrgRole::from_permission_level("owner"), Some(OrgRole::Owner));
        assert_eq!(OrgRole::from_permission_level("collaborator"), Some(OrgRole::Collaborator));
        assert_eq!(OrgRole::from_permission_level("unspecified"), None);
        assert_eq!(OrgRole::from_permission_level(""), None);
        assert_eq!(OrgRole::from_permission_level("Owner"), None);
    }
}
