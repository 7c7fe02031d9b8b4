//! The SDK models of `anyscale.user` as public library types (`User`, `AdminCreateUser`,
//! `AdminCreateUsers`, `AdminCreatedUser`) and the filters of its `list` and `get` ([`Filters`]), so
//! that Rust programs can use permaudit the way Python programs use `anyscale.user`. Each model has a
//! `to_dict` that, like the Python models', leaves out absent optional fields and keeps the official
//! key order.

mod filters;
mod timestamp;

pub use filters::{CollaboratorType, Filters};
pub use timestamp::{Timestamp, TimestampError};

use crate::compat::pyyaml::YamlValue;
use crate::model::Member;
use serde_json::{Map, Value};
use std::fmt;

/// A collaborator returned by the `user` commands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub email: String,
    pub name: String,
    pub created_at: Timestamp,
    /// The organization permission level, verbatim.
    pub permission_level: String,
    /// Absent for some service accounts.
    pub user_id: Option<String>,
}

impl User {
    /// Returns the user as a member record describes it; fails when `created_at` is not a timestamp.
    pub fn from_member(member: &Member) -> Result<User, TimestampError> {
        Ok(User {
            email: member.email.clone(),
            name: member.name.clone(),
            created_at: Timestamp::parse(&member.created_at)?,
            permission_level: member.permission_level.clone(),
            user_id: member.user_id.as_ref().map(|id| id.to_string()),
        })
    }

    /// Returns `{email, name, created_at, permission_level, user_id?}`, as `User.to_dict()` plus the
    /// official JSON encoder (the timestamp in ISO format) give it.
    pub fn to_dict(&self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("email".into(), Value::from(self.email.as_str()));
        map.insert("name".into(), Value::from(self.name.as_str()));
        map.insert("created_at".into(), Value::from(self.created_at.isoformat('T')));
        map.insert("permission_level".into(), Value::from(self.permission_level.as_str()));
        if let Some(user_id) = &self.user_id {
            map.insert("user_id".into(), Value::from(user_id.as_str()));
        }
        map
    }

    /// Returns the user as PyYAML sees the Python model: the same keys, `created_at` a timestamp.
    pub fn to_yaml(&self) -> YamlValue {
        let entries = self.to_dict().into_iter().map(|(key, value)| {
            let value = match (key.as_str(), value) {
                ("created_at", _) => YamlValue::Timestamp(self.created_at.isoformat(' ')),
                (_, Value::String(text)) => YamlValue::Str(text),
                (_, other) => YamlValue::Str(other.to_string()),
            };
            (key, value)
        });
        YamlValue::Map(entries.collect())
    }
}

/// A user to be created by an admin. The `password` key is required (its value may be null), as in
/// the official model; its value never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminCreateUser {
    pub name: String,
    pub email: String,
    pub password: Option<String>,
    pub is_sso_user: bool,
    pub lastname: Option<String>,
    pub title: Option<String>,
}

impl fmt::Debug for AdminCreateUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminCreateUser")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("is_sso_user", &self.is_sso_user)
            .field("lastname", &self.lastname)
            .field("title", &self.title)
            .finish()
    }
}

impl AdminCreateUser {
    /// Returns the request body item: every present field, absent optional ones (and a null
    /// password) left out, as the official client sends it.
    pub fn to_dict(&self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("name".into(), Value::from(self.name.as_str()));
        map.insert("email".into(), Value::from(self.email.as_str()));
        if let Some(password) = &self.password {
            map.insert("password".into(), Value::from(password.as_str()));
        }
        map.insert("is_sso_user".into(), Value::from(self.is_sso_user));
        insert_some(&mut map, "lastname", &self.lastname);
        insert_some(&mut map, "title", &self.title);
        map
    }
}

/// The users of one batch, as a `create_users:` file holds them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminCreateUsers {
    pub create_users: Vec<AdminCreateUser>,
}

/// A user account created by an admin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminCreatedUser {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub created_at: Timestamp,
    pub is_sso_user: bool,
    pub lastname: Option<String>,
    pub title: Option<String>,
}

impl AdminCreatedUser {
    /// Returns `{user_id, name, email, created_at, is_sso_user, lastname?, title?}`.
    pub fn to_dict(&self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("user_id".into(), Value::from(self.user_id.as_str()));
        map.insert("name".into(), Value::from(self.name.as_str()));
        map.insert("email".into(), Value::from(self.email.as_str()));
        map.insert("created_at".into(), Value::from(self.created_at.isoformat('T')));
        map.insert("is_sso_user".into(), Value::from(self.is_sso_user));
        insert_some(&mut map, "lastname", &self.lastname);
        insert_some(&mut map, "title", &self.title);
        map
    }
}

fn insert_some(map: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        map.insert(key.into(), Value::from(value.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(password: Option<&str>, lastname: Option<&str>) -> AdminCreateUser {
        AdminCreateUser {
            name: "Ada".into(),
            email: "ada@x.com".into(),
            password: password.map(str::to_owned),
            is_sso_user: false,
            lastname: lastname.map(str::to_owned),
            title: None,
        }
    }

    #[test]
    fn to_dict_leaves_out_absent_fields_in_official_order() {
        let user = User {
            email: "a@x.com".into(),
            name: "A".into(),
            created_at: Timestamp::parse("2024-01-01T12:00:00Z").unwrap(),
            permission_level: "owner".into(),
            user_id: None,
        };
        let keys: Vec<String> = user.to_dict().keys().cloned().collect();
        assert_eq!(keys, ["email", "name", "created_at", "permission_level"]);
        assert_eq!(user.to_dict()["created_at"], "2024-01-01T12:00:00+00:00");
        let body = Value::Object(create(None, Some("Lovelace")).to_dict()).to_string();
        assert_eq!(body, r#"{"name":"Ada","email":"ada@x.com","is_sso_user":false,"lastname":"Lovelace"}"#);
        let body = Value::Object(create(Some(""), None).to_dict()).to_string();
        assert_eq!(body, r#"{"name":"Ada","email":"ada@x.com","password":"","is_sso_user":false}"#);
    }

    #[test]
    fn debug_never_shows_the_password() {
        let text = format!("{:?}", create(Some("hunter2"), None));
        assert!(!text.contains("hunter2") && text.contains("<redacted>"), "{text}");
    }
}
