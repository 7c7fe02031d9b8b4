//! The one validator of a batch of new users, whichever format the batch came in: the `create_users:`
//! YAML file of `user batch-create` and the JSON body of `admin_batch_create` are each read into
//! [`Entry`] values, and [`validate`] checks them all (the six fields, their types, email syntax,
//! duplicates in the batch and against the organization). Problems are data; each format words them
//! in its own messages. No problem carries a field's value, so a password can never be echoed.

use crate::model::{email_key, Member};
use crate::sdk::AdminCreateUser;
use std::collections::hash_map::{Entry as Slot, HashMap};
use std::collections::HashSet;

/// The fields of a new user, in the official model's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Name,
    Email,
    Password,
    IsSsoUser,
    Lastname,
    Title,
}

impl Field {
    /// Every field, in the official model's order.
    pub const ALL: [Field; 6] =
        [Field::Name, Field::Email, Field::Password, Field::IsSsoUser, Field::Lastname, Field::Title];

    /// Returns the field's key.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Email => "email",
            Field::Password => "password",
            Field::IsSsoUser => "is_sso_user",
            Field::Lastname => "lastname",
            Field::Title => "title",
        }
    }

    fn of_key(key: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.as_str() == key)
    }
}

/// A field's value, reduced to what the rules tell apart.
#[derive(Clone, PartialEq, Eq)]
pub enum FieldValue {
    Null,
    Bool(bool),
    Text(String),
    /// A number, a list, a mapping or anything else no field accepts.
    Other,
}

/// One entry of a batch. It has no `Debug` form, since its values may hold a password.
#[derive(Clone, PartialEq, Eq)]
pub enum Entry {
    /// A mapping: each key (`None` for a key that is not a string) with its value, in the entry's order.
    Fields(Vec<(Option<String>, FieldValue)>),
    /// Anything but a mapping.
    NotAMapping,
}

impl Entry {
    fn get(&self, field: Field) -> Option<&FieldValue> {
        let Entry::Fields(fields) = self else {
            return None;
        };
        fields.iter().rfind(|(key, _)| key.as_deref() == Some(field.as_str())).map(|(_, value)| value)
    }

    /// Returns the entry's `email` when it is a string, which names the entry in messages.
    pub fn email(&self) -> Option<&str> {
        match self.get(Field::Email) {
            Some(FieldValue::Text(email)) => Some(email),
            _ => None,
        }
    }
}

/// What one format demands beyond the fields themselves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// The `password` key must be present, even with a null value (the official SDK model has no
    /// default for it); otherwise an absent password is no password.
    pub password_key_required: bool,
    /// Keys other than the six fields are problems; otherwise they are ignored.
    pub unknown_fields_refused: bool,
}

/// One thing wrong with an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryProblem {
    NotAMapping,
    /// A key that is not a field (`None`: a key that is not a string).
    UnknownField(Option<String>),
    /// A required key is absent.
    Missing(Field),
    /// A key appears more than once in the entry (the last value counts, as in PyYAML).
    Repeated(Field),
    /// A required field is null.
    Null(Field),
    /// A field holds a value of the wrong type.
    WrongType(Field),
    /// `name` is empty or only spaces.
    BlankName,
    /// `email` is a string but not an email address.
    InvalidEmail,
    /// A member of the organization already has the email.
    MemberHasEmail,
    /// The email repeats the entry at this position (0-based) of the batch.
    RepeatsEntry(usize),
}

/// The problems of one entry, in the order of the fields they concern, duplicates last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryProblems {
    /// The entry's position in the batch, from 0.
    pub position: usize,
    /// The entry's `email` when it is a string, even an invalid one.
    pub email: Option<String>,
    pub problems: Vec<EntryProblem>,
}

/// Returns the email key ([`email_key`]) of every member, for the duplicate check of a batch.
pub fn member_email_keys(members: &[Member]) -> HashSet<String> {
    members.iter().map(|member| email_key(&member.email)).collect()
}

/// Validates a whole batch against `existing` (the organization's email keys): every user, or every
/// entry that has a problem, in batch order. Emails compare by [`email_key`]; an entry whose email is
/// an address takes part in the duplicate check whatever its other problems.
pub fn validate(
    entries: &[Entry],
    existing: &HashSet<String>,
    rules: Rules,
) -> Result<Vec<AdminCreateUser>, Vec<EntryProblems>> {
    let mut users = Vec::with_capacity(entries.len());
    let mut reports = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (position, entry) in entries.iter().enumerate() {
        let mut problems = Vec::new();
        let user = read_user(entry, rules, &mut problems);
        if let Some(email) = entry.email().filter(|email| is_valid_email(email)) {
            let key = email_key(email);
            if existing.contains(&key) {
                problems.push(EntryProblem::MemberHasEmail);
            }
            match first_seen.entry(key) {
                Slot::Occupied(first) => problems.push(EntryProblem::RepeatsEntry(*first.get())),
                Slot::Vacant(slot) => _ = slot.insert(position),
            }
        }
        match user {
            Some(user) if problems.is_empty() => users.push(user),
            _ => reports.push(EntryProblems { position, email: entry.email().map(str::to_owned), problems }),
        }
    }
    if reports.is_empty() {
        Ok(users)
    } else {
        Err(reports)
    }
}

/// Reads the user an entry describes, noting every problem of its fields.
fn read_user(entry: &Entry, rules: Rules, problems: &mut Vec<EntryProblem>) -> Option<AdminCreateUser> {
    let Entry::Fields(fields) = entry else {
        problems.push(EntryProblem::NotAMapping);
        return None;
    };
    if rules.unknown_fields_refused {
        let unknown = fields.iter().filter(|(key, _)| key.as_deref().and_then(Field::of_key).is_none());
        problems.extend(unknown.map(|(key, _)| EntryProblem::UnknownField(key.clone())));
    }
    for field in Field::ALL {
        if fields.iter().filter(|(key, _)| key.as_deref() == Some(field.as_str())).count() > 1 {
            problems.push(EntryProblem::Repeated(field));
        }
    }
    let name = required_text(entry, Field::Name, problems);
    if name.as_deref().is_some_and(|name| name.trim().is_empty()) {
        problems.push(EntryProblem::BlankName);
    }
    let email = required_text(entry, Field::Email, problems);
    if email.as_deref().is_some_and(|email| !is_valid_email(email)) {
        problems.push(EntryProblem::InvalidEmail);
    }
    let password = match entry.get(Field::Password) {
        None if rules.password_key_required => {
            problems.push(EntryProblem::Missing(Field::Password));
            None
        }
        value => optional_text(value, Field::Password, problems),
    };
    let is_sso_user = required_bool(entry, Field::IsSsoUser, problems);
    let lastname = optional_text(entry.get(Field::Lastname), Field::Lastname, problems);
    let title = optional_text(entry.get(Field::Title), Field::Title, problems);
    Some(AdminCreateUser { name: name?, email: email?, password, is_sso_user: is_sso_user?, lastname, title })
}

fn required_text(entry: &Entry, field: Field, problems: &mut Vec<EntryProblem>) -> Option<String> {
    match entry.get(field) {
        Some(FieldValue::Text(text)) => return Some(text.clone()),
        None => problems.push(EntryProblem::Missing(field)),
        Some(FieldValue::Null) => problems.push(EntryProblem::Null(field)),
        Some(_) => problems.push(EntryProblem::WrongType(field)),
    }
    None
}

fn required_bool(entry: &Entry, field: Field, problems: &mut Vec<EntryProblem>) -> Option<bool> {
    match entry.get(field) {
        Some(FieldValue::Bool(flag)) => return Some(*flag),
        None => problems.push(EntryProblem::Missing(field)),
        Some(FieldValue::Null) => problems.push(EntryProblem::Null(field)),
        Some(_) => problems.push(EntryProblem::WrongType(field)),
    }
    None
}

/// Reads a string-or-null field; absent is null.
fn optional_text(value: Option<&FieldValue>, field: Field, problems: &mut Vec<EntryProblem>) -> Option<String> {
    match value {
        Some(FieldValue::Text(text)) => Some(text.clone()),
        None | Some(FieldValue::Null) => None,
        Some(_) => {
            problems.push(EntryProblem::WrongType(field));
            None
        }
    }
}

/// Returns true for a plausible address: one `@`, a local part without edge or double dots, a dotted
/// domain whose labels neither are empty nor start or end with `-`, no spaces or specials, 254 bytes
/// at most.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let forbidden = |c: char| c.is_whitespace() || c.is_control() || "@<>()[]\\,;:\"".contains(c);
    let labels_ok =
        domain.split('.').all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && domain.contains('.')
        && labels_ok
        && email.len() <= 254
        && !local.contains(forbidden)
        && !domain.contains(forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: Rules = Rules { password_key_required: true, unknown_fields_refused: true };
    const LENIENT: Rules = Rules { password_key_required: false, unknown_fields_refused: false };

    fn entry(fields: &[(&str, FieldValue)]) -> Entry {
        Entry::Fields(fields.iter().map(|(key, value)| (Some((*key).to_owned()), value.clone())).collect())
    }

    fn text(value: &str) -> FieldValue {
        FieldValue::Text(value.to_owned())
    }

    fn user(email: &str) -> Entry {
        entry(&[
            ("name", text("N")),
            ("email", text(email)),
            ("password", FieldValue::Null),
            ("is_sso_user", FieldValue::Bool(true)),
        ])
    }

    fn problems(entries: &[Entry], existing: &[&str], rules: Rules) -> Vec<(usize, Vec<EntryProblem>)> {
        let existing = existing.iter().map(|email| email_key(email)).collect();
        let reports = validate(entries, &existing, rules).unwrap_err();
        reports.into_iter().map(|report| (report.position, report.problems)).collect()
    }

    #[test]
    fn a_valid_batch_gives_every_user_in_order() {
        let with_title = entry(&[
            ("name", text("Ada")),
            ("email", text("ada@x.com")),
            ("password", text("p")),
            ("is_sso_user", FieldValue::Bool(false)),
            ("title", text("Eng")),
        ]);
        let users = validate(&[with_title, user("bob@x.com")], &HashSet::new(), STRICT).unwrap();
        assert_eq!(users.len(), 2);
        assert_eq!((users[0].password.as_deref(), users[0].title.as_deref()), (Some("p"), Some("Eng")));
        assert_eq!((users[1].email.as_str(), users[1].password.as_deref()), ("bob@x.com", None));
    }

    #[test]
    fn every_field_problem_is_noted_in_field_order() {
        let bad = entry(&[
            ("nickname", text("b")),
            ("name", text("  ")),
            ("email", FieldValue::Null),
            ("password", FieldValue::Other),
            ("is_sso_user", text("no")),
            ("lastname", FieldValue::Bool(true)),
        ]);
        let expected = vec![
            EntryProblem::UnknownField(Some("nickname".to_owned())),
            EntryProblem::BlankName,
            EntryProblem::Null(Field::Email),
            EntryProblem::WrongType(Field::Password),
            EntryProblem::WrongType(Field::IsSsoUser),
            EntryProblem::WrongType(Field::Lastname),
        ];
        assert_eq!(problems(&[bad], &[], STRICT), [(0, expected)]);
        let bare = entry(&[]);
        let missing = [Field::Name, Field::Email, Field::Password, Field::IsSsoUser].map(EntryProblem::Missing);
        assert_eq!(problems(std::slice::from_ref(&bare), &[], STRICT), [(0, missing.to_vec())]);
        assert_eq!(
            problems(&[bare], &[], LENIENT),
            [(0, vec![missing[0].clone(), missing[1].clone(), missing[3].clone()])]
        );
        assert_eq!(problems(&[Entry::NotAMapping], &[], LENIENT), [(0, vec![EntryProblem::NotAMapping])]);
    }

    #[test]
    fn the_lenient_rules_ignore_unknown_fields_and_an_absent_password() {
        let entry = entry(&[
            ("name", text("A")),
            ("email", text("a@x.com")),
            ("is_sso_user", FieldValue::Bool(false)),
            ("role", text("owner")),
        ]);
        let users = validate(&[entry], &HashSet::new(), LENIENT).unwrap();
        assert_eq!(users[0].password, None);
    }

    #[test]
    fn duplicates_compare_by_email_key_in_the_batch_and_against_the_organization() {
        let mut other_problem = user("c@x.com");
        if let Entry::Fields(fields) = &mut other_problem {
            fields.retain(|(key, _)| key.as_deref() != Some("is_sso_user"));
        }
        let entries = [
            user("a@x.com"),
            user("not-an-email"),
            user("A@X.com"),
            user("taken@x.com"),
            user("ÉVA@x.com"),
            user("éva@x.com"),
            other_problem,
            user("C@x.com"),
        ];
        assert_eq!(
            problems(&entries, &["Taken@x.com"], STRICT),
            [
                (1, vec![EntryProblem::InvalidEmail]),
                (2, vec![EntryProblem::RepeatsEntry(0)]),
                (3, vec![EntryProblem::MemberHasEmail]),
                (5, vec![EntryProblem::RepeatsEntry(4)]),
                (6, vec![EntryProblem::Missing(Field::IsSsoUser)]),
                (7, vec![EntryProblem::RepeatsEntry(6)]),
            ]
        );
    }

    #[test]
    fn email_syntax() {
        for good in ["a@b.co", "first.last+tag@sub.example.org", "iván@example.com"] {
            assert!(is_valid_email(good), "{good}");
        }
        let bad =
            ["", "a", "a@b", "@b.co", "a@@b.co", "a b@c.co", "a@b..co", ".a@b.co", "a@-b.co", "a<b@x.com", "a@x."];
        for bad in bad {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }
}
