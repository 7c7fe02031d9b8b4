//! Validation of an `admin_batch_create` request: the JSON body is read into the shared validator's
//! entries ([`crate::users::entries`]), the whole batch is checked before anything is created, and
//! every offending entry is named, by position and email, in one error.
//!
//! Passwords are checked for their type only and then dropped: they are never stored, logged or echoed.

use super::error::ApiError;
use crate::model::Organization;
use crate::plural;
use crate::sdk::AdminCreateUser;
use crate::users::entries::{self, member_email_keys, Entry, EntryProblem, EntryProblems, Field, FieldValue, Rules};
use serde_json::Value;

/// The request's rules: the official client leaves null values, a null password included, out of the
/// body, and fields the server does not know are ignored.
const REQUEST_RULES: Rules = Rules { password_key_required: false, unknown_fields_refused: false };

/// Checks a batch (the request body) against the organization; returns every user to create, without
/// their passwords, or an error naming every offending entry.
pub fn validate_batch(body: &[u8], organization: &Organization) -> Result<Vec<AdminCreateUser>, ApiError> {
    let entries: Vec<Entry> = parse_entries(body)?.iter().map(entry_of).collect();
    let existing = member_email_keys(&organization.members);
    match entries::validate(&entries, &existing, REQUEST_RULES) {
        Ok(users) => Ok(users.into_iter().map(|user| AdminCreateUser { password: None, ..user }).collect()),
        Err(reports) => Err(batch_error(entries.len(), &reports)),
    }
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

/// Returns one entry of the request in the validator's form.
fn entry_of(value: &Value) -> Entry {
    let Value::Object(fields) = value else {
        return Entry::NotAMapping;
    };
    Entry::Fields(fields.iter().map(|(key, value)| (Some(key.clone()), field_value(value))).collect())
}

fn field_value(value: &Value) -> FieldValue {
    match value {
        Value::Null => FieldValue::Null,
        Value::Bool(flag) => FieldValue::Bool(*flag),
        Value::String(text) => FieldValue::Text(text.clone()),
        _ => FieldValue::Other,
    }
}

fn batch_error(total: usize, reports: &[EntryProblems]) -> ApiError {
    let described: Vec<String> = reports
        .iter()
        .map(|report| {
            let email = report.email.as_deref();
            let found: Vec<String> = report.problems.iter().map(|problem| message(problem, email)).collect();
            let named = email.map_or_else(|| "no email".to_owned(), crate::untrusted::value);
            format!("users[{}] ({named}): {}", report.position, found.join(", "))
        })
        .collect();
    ApiError::BadRequest(format!(
        "no user was created: {} of {} {} invalid: {}",
        reports.len(),
        plural::count(total, "entry", "entries"),
        plural::noun(reports.len(), "is", "are"),
        described.join("; ")
    ))
}

/// Words one problem for the response; `email` is the entry's email, when it is a string.
fn message(problem: &EntryProblem, email: Option<&str>) -> String {
    match problem {
        EntryProblem::NotAMapping => "the entry must be a JSON object".to_owned(),
        EntryProblem::UnknownField(key) => {
            format!("unknown field `{}`", crate::untrusted::value(key.as_deref().unwrap_or_default()))
        }
        EntryProblem::Missing(field) | EntryProblem::Null(field) => format!("`{}` is required", field.as_str()),
        EntryProblem::Repeated(field) => format!("`{}` appears more than once", field.as_str()),
        EntryProblem::WrongType(Field::IsSsoUser) => "`is_sso_user` must be `true` or `false`".to_owned(),
        EntryProblem::WrongType(field @ (Field::Name | Field::Email)) => {
            format!("`{}` must be a string", field.as_str())
        }
        EntryProblem::WrongType(field) => format!("`{}` must be a string or null", field.as_str()),
        EntryProblem::BlankName => "`name` must not be empty".to_owned(),
        EntryProblem::InvalidEmail => {
            format!("`{}` is not a valid email address", crate::untrusted::value(email.unwrap_or_default()))
        }
        EntryProblem::MemberHasEmail => "the email already belongs to a member of the organization".to_owned(),
        EntryProblem::RepeatsEntry(first) => format!("the email repeats users[{first}] of this request"),
    }
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
    fn each_problem_is_worded_for_the_response() {
        let body = r#"["plain text",
                       {"name":null,"email":3,"password":["p"],"is_sso_user":null,"title":4,"role":"x"},
                       {"name":" ","email":"a@x","is_sso_user":1}]"#;
        let expected = "no user was created: 3 of 3 entries are invalid: users[0] (no email): the entry must be a JSON object; \
            users[1] (no email): `name` is required, `email` must be a string, `password` must be a string or null, \
            `is_sso_user` is required, `title` must be a string or null; \
            users[2] (a@x): `name` must not be empty, `a@x` is not a valid email address, `is_sso_user` must be `true` or `false`";
        assert_eq!(detail(body), expected);
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
}
