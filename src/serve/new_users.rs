//! Validation of an `admin_batch_create` request: the whole batch is checked before anything is created,
//! and every offending entry is named, by position and email, in one error.
//!
//! Passwords are checked for their type only and then dropped: they are never stored, logged or echoed.

use super::error::ApiError;
use crate::model::{email_key, Organization};
use crate::sdk::AdminCreateUser;
use crate::users::batch::is_valid_email;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Checks a batch (the request body) against the organization; returns every user to create, or an
/// error naming every offending entry.
pub fn validate_batch(body: &[u8], organization: &Organization) -> Result<Vec<AdminCreateUser>, ApiError> {
    let entries = parse_entries(body)?;
    let mut problems: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut users = Vec::with_capacity(entries.len());
    for (position, entry) in entries.iter().enumerate() {
        match parse_entry(entry) {
            Ok(user) => users.push((position, user)),
            Err(found) => {
                problems.insert(position, found);
            }
        }
    }
    for (position, problem) in duplicate_problems(&users, organization) {
        problems.entry(position).or_default().push(problem);
    }
    if problems.is_empty() {
        return Ok(users.into_iter().map(|(_, user)| user).collect());
    }
    Err(batch_error(&entries, &problems))
}

fn parse_entries(body: &[u8]) -> Result<Vec<Value>, ApiError> {
    let expected = "the body must be a JSON array of users `{name, email, password, is_sso_user, lastname?, title?}`";
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(entries)) => Ok(entries),
        Ok(_) => Err(ApiError::BadRequest(format!("{expected}; nothing was created"))),
        Err(error) => {
            Err(ApiError::BadRequest(format!("{expected}, but it is not valid JSON ({error}); nothing was created")))
        }
    }
}

/// Reads one entry, or returns what is wrong with it.
fn parse_entry(entry: &Value) -> Result<AdminCreateUser, Vec<String>> {
    let Some(fields) = entry.as_object() else {
        return Err(vec!["the entry must be a JSON object".to_owned()]);
    };
    let mut problems = Vec::new();
    let name = required_string(fields, "name", &mut problems);
    if name.as_deref() == Some("") {
        problems.push("`name` must not be empty".to_owned());
    }
    let email = required_string(fields, "email", &mut problems);
    if let Some(email) = email.as_deref().filter(|email| !is_valid_email(email)) {
        problems.push(format!("`{email}` is not a valid email address"));
    }
    let is_sso_user = match fields.get("is_sso_user") {
        Some(Value::Bool(flag)) => Some(*flag),
        None | Some(Value::Null) => {
            problems.push("`is_sso_user` is required".to_owned());
            None
        }
        Some(_) => {
            problems.push("`is_sso_user` must be `true` or `false`".to_owned());
            None
        }
    };
    // The password is read for its type only and dropped: it is never stored.
    optional_string(fields, "password", &mut problems);
    let lastname = optional_string(fields, "lastname", &mut problems);
    let title = optional_string(fields, "title", &mut problems);
    match (name, email, is_sso_user) {
        (Some(name), Some(email), Some(is_sso_user)) if problems.is_empty() => {
            Ok(AdminCreateUser { name, email, password: None, is_sso_user, lastname, title })
        }
        _ => Err(problems),
    }
}

fn required_string(fields: &Map<String, Value>, key: &str, problems: &mut Vec<String>) -> Option<String> {
    match fields.get(key) {
        Some(Value::String(text)) => Some(text.clone()),
        None | Some(Value::Null) => {
            problems.push(format!("`{key}` is required"));
            None
        }
        Some(_) => {
            problems.push(format!("`{key}` must be a string"));
            None
        }
    }
}

/// Reads a field that may be a string, null or absent; the value itself never appears in a message.
fn optional_string(fields: &Map<String, Value>, key: &str, problems: &mut Vec<String>) -> Option<String> {
    match fields.get(key) {
        Some(Value::String(text)) => Some(text.clone()),
        None | Some(Value::Null) => None,
        Some(_) => {
            problems.push(format!("`{key}` must be a string or null"));
            None
        }
    }
}

/// Returns a problem for every entry whose email appears earlier in the batch or belongs to a member.
/// Emails compare by [`email_key`], without regard to case.
fn duplicate_problems(users: &[(usize, AdminCreateUser)], organization: &Organization) -> Vec<(usize, String)> {
    let members: HashSet<String> = organization.members.iter().map(|member| email_key(&member.email)).collect();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    let mut problems = Vec::new();
    for (position, user) in users {
        let key = email_key(&user.email);
        if members.contains(&key) {
            problems.push((*position, "the email already belongs to a member of the organization".to_owned()));
        }
        match first_seen.get(&key) {
            Some(first) => problems.push((*position, format!("the email repeats users[{first}] of this request"))),
            None => {
                first_seen.insert(key, *position);
            }
        }
    }
    problems
}

fn batch_error(entries: &[Value], problems: &BTreeMap<usize, Vec<String>>) -> ApiError {
    let described: Vec<String> = problems
        .iter()
        .map(|(position, found)| {
            let email = entries.get(*position).and_then(|entry| entry.get("email")).and_then(Value::as_str);
            let label = email.map_or_else(|| "no email".to_owned(), |email| email.to_owned());
            format!("users[{position}] ({label}): {}", found.join(", "))
        })
        .collect();
    ApiError::BadRequest(format!(
        "no user was created: {} of {} entries are invalid: {}",
        problems.len(),
        entries.len(),
        described.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn organization() -> Organization {
        let mut organization = Organization::default();
        organization.members.push(crate::model::Member {
            id: "idn_a".to_owned(),
            user_id: Some("usr_a".into()),
            email: "Ann@example.com".to_owned(),
            name: "Ann".to_owned(),
            created_at: "2024-01-01T00:00:00+00:00".to_owned(),
            permission_level: "collaborator".to_owned(),
            base_role: None,
            additional_roles: Vec::new(),
            is_service_account: false,
        });
        organization
    }

    fn detail(body: &str) -> String {
        validate_batch(body.as_bytes(), &organization()).unwrap_err().to_string()
    }

    #[test]
    fn valid_entries_pass_with_any_password_form() {
        let body = r#"[{"name":"Ada","email":"ada@x.com","password":"p","is_sso_user":false,"lastname":"L","title":"T"},
                       {"name":"Bob","email":"bob@x.com","is_sso_user":true},
                       {"name":"Cy","email":"cy@x.com","password":null,"is_sso_user":false},
                       {"name":"Di","email":"di@x.com","password":"","is_sso_user":false}]"#;
        let users = validate_batch(body.as_bytes(), &organization()).unwrap();
        assert_eq!(users.len(), 4);
        assert_eq!(users[0].lastname.as_deref(), Some("L"));
        assert!(users.iter().all(|user| user.password.is_none()), "passwords are dropped");
    }

    #[test]
    fn every_offending_entry_is_named_by_position_and_email() {
        let body = r#"[{"name":"Ok","email":"ok@x.com","is_sso_user":false},
                       {"name":"Dup","email":"ann@EXAMPLE.com","is_sso_user":false},
                       {"email":"bad","is_sso_user":"no"},
                       {"name":"Twice","email":"ok@x.com","is_sso_user":false}]"#;
        let message = detail(body);
        assert!(message.contains("3 of 4 entries"), "{message}");
        assert!(message.contains("users[1] (ann@EXAMPLE.com): the email already belongs"), "{message}");
        assert!(
            message.contains("users[2] (bad): `name` is required, `bad` is not a valid email address"),
            "{message}"
        );
        assert!(message.contains("users[3] (ok@x.com): the email repeats users[0]"), "{message}");
        assert!(!message.contains("users[0]:"), "{message}");
    }

    #[test]
    fn emails_are_duplicates_whatever_their_case_beyond_ascii() {
        let body = r#"[{"name":"E","email":"ÉVA@x.com","is_sso_user":false},
                       {"name":"e","email":"éva@x.com","is_sso_user":false},
                       {"name":"A","email":"ÄNN@example.com","is_sso_user":false}]"#;
        let mut organization = organization();
        organization.members[0].email = "änn@example.com".to_owned();
        let message = validate_batch(body.as_bytes(), &organization).unwrap_err().to_string();
        assert!(message.contains("users[1] (éva@x.com): the email repeats users[0]"), "{message}");
        assert!(message.contains("users[2] (ÄNN@example.com): the email already belongs"), "{message}");
    }

    #[test]
    fn passwords_never_appear_in_errors() {
        let message = detail(r#"[{"name":"A","email":"a@x","password":12345,"is_sso_user":false}]"#);
        assert!(message.contains("`password` must be a string or null"), "{message}");
        assert!(!message.contains("12345"), "{message}");
    }

    #[test]
    fn the_body_must_be_an_array() {
        assert!(detail(r#"{"create_users": []}"#).contains("JSON array"));
        assert!(detail("[").contains("not valid JSON"));
    }

    #[test]
    fn email_syntax() {
        for good in ["a@b.co", "first.last+tag@sub.example.org", "iván@example.com"] {
            assert!(is_valid_email(good), "{good}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@@b.co", "a b@c.co", "a@b..co", ".a@b.co", "a@-b.co"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
