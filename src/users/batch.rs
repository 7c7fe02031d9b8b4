//! Batch creation of users: the `create_users:` YAML file of the official CLI, validated whole before
//! anything is sent or written (syntax with line and column, every field of every entry, email syntax,
//! duplicates in the file and against the organization), then created all at once. Password values
//! never appear in any message.

use crate::model::{email_key, Member, OrgRole, Organization, UserId};
use crate::sdk::{AdminCreateUser, AdminCreateUsers, AdminCreatedUser, Timestamp};
use serde_norway::Value;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One thing wrong with a batch, naming the entry (1-based) and its email when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub entry: Option<usize>,
    pub email: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.entry, &self.email) {
            (Some(entry), Some(email)) => write!(f, "entry {entry} ({email}): {}", self.message),
            (Some(entry), None) => write!(f, "entry {entry}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Why a batch file was refused; nothing was created.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("cannot read `{path}`: {reason}")]
    Read { path: String, reason: String },
    #[error("`{path}` is not valid YAML at line {line}, column {column}: {reason}; nothing was created")]
    Syntax { path: String, line: usize, column: usize, reason: String },
    #[error("`{path}` has {} problem(s); nothing was created:\n{}", problems.len(), list(problems))]
    Invalid { path: String, problems: Vec<Problem> },
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|problem| format!("  - {problem}")).collect::<Vec<_>>().join("\n")
}

const FIELDS: [&str; 6] = ["name", "email", "password", "is_sso_user", "lastname", "title"];

/// A users file read entry by entry: the well-formed users with their entry numbers (1-based), and
/// the problems of the others.
#[derive(Debug)]
pub struct Parsed {
    pub users: Vec<(usize, AdminCreateUser)>,
    pub problems: Vec<Problem>,
}

/// Parses a users file; only a YAML syntax error or a wrong top level stops it, every entry's
/// problems are collected.
pub fn parse(text: &str, path: &str) -> Result<Parsed, BatchError> {
    let document: Value = serde_norway::from_str(text).map_err(|error| {
        let (line, column) = error.location().map_or((0, 0), |location| (location.line(), location.column()));
        BatchError::Syntax { path: path.to_owned(), line, column, reason: syntax_reason(&error) }
    })?;
    let invalid = |problems| BatchError::Invalid { path: path.to_owned(), problems };
    let entries = match top_level(&document) {
        Ok(entries) => entries,
        Err(problem) => return Err(invalid(vec![problem])),
    };
    let mut users = Vec::new();
    let mut problems = Vec::new();
    for (position, entry) in entries.iter().enumerate() {
        match parse_entry(entry) {
            Ok(user) => users.push((position + 1, user)),
            Err(messages) => problems.extend(messages.into_iter().map(|message| Problem {
                entry: Some(position + 1),
                email: entry.get("email").and_then(Value::as_str).map(str::to_owned),
                message,
            })),
        }
    }
    Ok(Parsed { users, problems })
}

/// Returns the reason of a syntax error without the location, which is reported on its own.
fn syntax_reason(error: &serde_norway::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(position) => text[..position].to_owned(),
        None => text,
    }
}

fn problem(message: String) -> Problem {
    Problem { entry: None, email: None, message }
}

/// Returns the `create_users` list; an empty file counts as a file without it, as in the official CLI.
fn top_level(document: &Value) -> Result<&Vec<Value>, Problem> {
    let mapping = match document {
        Value::Null => return Err(problem("missing `create_users:` list".to_owned())),
        Value::Mapping(mapping) => mapping,
        _ => return Err(problem("the file must be a mapping with a `create_users:` list".to_owned())),
    };
    if let Some(key) = mapping.keys().find(|key| key.as_str() != Some("create_users")) {
        return Err(problem(format!("unknown top-level key {}; only `create_users` is allowed", describe_key(key))));
    }
    match mapping.get("create_users") {
        Some(Value::Sequence(entries)) => Ok(entries),
        Some(_) => Err(problem("`create_users` must be a list".to_owned())),
        None => Err(problem("missing `create_users:` list".to_owned())),
    }
}

fn describe_key(key: &Value) -> String {
    match key.as_str() {
        Some(text) => format!("`{text}`"),
        None => "that is not a string".to_owned(),
    }
}

/// Reads one entry, returning every problem it has.
fn parse_entry(entry: &Value) -> Result<AdminCreateUser, Vec<String>> {
    let Value::Mapping(mapping) = entry else {
        return Err(vec!["each entry must be a mapping of user fields".to_owned()]);
    };
    let mut messages: Vec<String> = mapping
        .keys()
        .filter(|key| !key.as_str().is_some_and(|key| FIELDS.contains(&key)))
        .map(|key| format!("unknown field {}; allowed: {}", describe_key(key), FIELDS.join(", ")))
        .collect();
    let name = required_string(mapping, "name", &mut messages);
    let email = required_string(mapping, "email", &mut messages);
    let password = match mapping.get("password") {
        None => {
            messages.push(
                "missing `password` (the key is required; write `password: null` or `password: ''` for none)"
                    .to_owned(),
            );
            None
        }
        Some(value) => optional_string(value, "password", &mut messages),
    };
    let is_sso_user = match mapping.get("is_sso_user") {
        Some(Value::Bool(flag)) => Some(*flag),
        Some(_) => {
            messages.push("`is_sso_user` must be true or false".to_owned());
            None
        }
        None => {
            messages.push("missing `is_sso_user`".to_owned());
            None
        }
    };
    let lastname = mapping.get("lastname").and_then(|value| optional_string(value, "lastname", &mut messages));
    let title = mapping.get("title").and_then(|value| optional_string(value, "title", &mut messages));
    match (name, email, is_sso_user) {
        (Some(name), Some(email), Some(is_sso_user)) if messages.is_empty() => {
            Ok(AdminCreateUser { name, email, password, is_sso_user, lastname, title })
        }
        _ => Err(messages),
    }
}

fn required_string(mapping: &serde_norway::Mapping, key: &str, messages: &mut Vec<String>) -> Option<String> {
    match mapping.get(key) {
        Some(Value::String(text)) => Some(text.clone()),
        Some(_) => {
            messages.push(format!("`{key}` must be a string"));
            None
        }
        None => {
            messages.push(format!("missing `{key}`"));
            None
        }
    }
}

/// Reads a string-or-null field; the value itself is never echoed (it may be a password).
fn optional_string(value: &Value, key: &str, messages: &mut Vec<String>) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        _ => {
            messages.push(format!("`{key}` must be a string or null"));
            None
        }
    }
}

/// Checks email syntax and duplicates, in the batch and against `existing` (email keys).
pub fn check(users: &[(usize, AdminCreateUser)], existing: &HashSet<String>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for &(entry, ref user) in users {
        let report = |message: String| Problem { entry: Some(entry), email: Some(user.email.clone()), message };
        if user.name.trim().is_empty() {
            problems.push(report("`name` is empty".to_owned()));
        }
        if !is_valid_email(&user.email) {
            problems.push(report("`email` is not a valid email address".to_owned()));
            continue;
        }
        let key = email_key(&user.email);
        if existing.contains(&key) {
            problems.push(report("a member of the organization already has this email".to_owned()));
        }
        match first_seen.get(&key) {
            Some(first) => problems.push(report(format!("repeats the email of entry {first}"))),
            None => _ = first_seen.insert(key, entry),
        }
    }
    problems
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

/// Validates a parsed batch against the organization's emails, listing every problem of every entry;
/// `Ok` holds the batch, which may then be created whole.
pub fn validate(parsed: Parsed, existing: &HashSet<String>, path: &str) -> Result<AdminCreateUsers, BatchError> {
    let mut problems = parsed.problems;
    problems.extend(check(&parsed.users, existing));
    if problems.is_empty() {
        return Ok(AdminCreateUsers { create_users: parsed.users.into_iter().map(|(_, user)| user).collect() });
    }
    problems.sort_by_key(|problem| problem.entry);
    Err(BatchError::Invalid { path: path.to_owned(), problems })
}

/// Returns the members a validated batch adds to an organization, each with fresh `usr_` and `idn_`
/// ids that no record uses, paired with what the API answers for it. The members are collaborators;
/// their display name is the first name, then the last name.
pub fn new_members(
    organization: &Organization,
    users: &[AdminCreateUser],
    now: Timestamp,
) -> Vec<(Member, AdminCreatedUser)> {
    let mut taken: HashSet<String> =
        organization.members.iter().flat_map(|member| [member.id.clone(), member.member_id().to_owned()]).collect();
    let created_at = now.isoformat('T');
    users
        .iter()
        .map(|user| {
            let suffix = fresh_suffix(&organization.id.0, &user.email, &created_at, &mut taken);
            let member = Member {
                id: format!("idn_{suffix}"),
                user_id: Some(UserId(format!("usr_{suffix}"))),
                email: user.email.clone(),
                name: full_name(user),
                created_at: created_at.clone(),
                permission_level: OrgRole::Collaborator.as_str().to_owned(),
                base_role: Some(OrgRole::Collaborator),
                additional_roles: Vec::new(),
                is_service_account: false,
            };
            let created = AdminCreatedUser {
                user_id: format!("usr_{suffix}"),
                name: user.name.clone(),
                email: user.email.clone(),
                created_at: now,
                is_sso_user: user.is_sso_user,
                lastname: user.lastname.clone(),
                title: user.title.clone(),
            };
            (member, created)
        })
        .collect()
}

fn full_name(user: &AdminCreateUser) -> String {
    match user.lastname.as_deref().filter(|lastname| !lastname.is_empty()) {
        Some(lastname) => format!("{} {lastname}", user.name),
        None => user.name.clone(),
    }
}

/// Returns 16 hex digits, derived from the organization, email and time, whose `usr_` and `idn_` ids
/// are both free; marks them taken.
fn fresh_suffix(organization: &str, email: &str, created_at: &str, taken: &mut HashSet<String>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in organization.bytes().chain(email.bytes()).chain(created_at.bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut random = crate::synth::SplitMix64::new(hash ^ taken.len() as u64);
    loop {
        let suffix = format!("{:016x}", random.next_u64());
        let (user_id, identity_id) = (format!("usr_{suffix}"), format!("idn_{suffix}"));
        if !taken.contains(&user_id) && !taken.contains(&identity_id) {
            taken.insert(user_id);
            taken.insert(identity_id);
            return suffix;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEEDS_EXAMPLE: &str = include_str!("../../fixtures/users/create-users.yaml");

    #[test]
    fn the_seeds_example_parses() {
        let parsed = parse(SEEDS_EXAMPLE, "users.yaml").unwrap();
        let users = validate(parsed, &HashSet::new(), "users.yaml").unwrap();
        assert_eq!(users.create_users.len(), 2);
        assert_eq!(users.create_users[0].password.as_deref(), Some(""));
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = parse("create_users:\n  - name: [a\n", "bad.yaml").unwrap_err();
        let BatchError::Syntax { line, column, .. } = &error else { panic!("{error}") };
        assert!(*line >= 2 && *column > 0, "{error}");
        assert!(error.to_string().contains("`bad.yaml` is not valid YAML at line"), "{error}");
    }

    #[test]
    fn every_bad_entry_is_listed_and_no_password_is_echoed() {
        let text = "create_users:
  - name: Ada
    email: ada@x.com
    is_sso_user: false
  - name: Bob
    email: bob@x.com
    password: 12345
    is_sso_user: 'no'
    nickname: b
";
        let error = validate(parse(text, "u.yaml").unwrap(), &HashSet::new(), "u.yaml").unwrap_err().to_string();
        assert!(error.contains("entry 1 (ada@x.com): missing `password`"), "{error}");
        assert!(error.contains("entry 2 (bob@x.com): `password` must be a string or null"), "{error}");
        assert!(error.contains("entry 2 (bob@x.com): `is_sso_user` must be true or false"), "{error}");
        assert!(error.contains("unknown field `nickname`"), "{error}");
        assert!(!error.contains("12345"), "{error}");
    }

    #[test]
    fn emails_and_duplicates_are_checked() {
        let user = |email: &str| AdminCreateUser {
            name: "N".into(),
            email: email.into(),
            password: None,
            is_sso_user: true,
            lastname: None,
            title: None,
        };
        let users: Vec<(usize, AdminCreateUser)> = ["a@x.com", "not-an-email", "A@X.com", "taken@x.com"]
            .iter()
            .enumerate()
            .map(|(i, e)| (i + 1, user(e)))
            .collect();
        let existing = HashSet::from(["taken@x.com".to_owned()]);
        let problems: Vec<String> = check(&users, &existing).iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "entry 2 (not-an-email): `email` is not a valid email address",
                "entry 3 (A@X.com): repeats the email of entry 1",
                "entry 4 (taken@x.com): a member of the organization already has this email",
            ]
        );
        let users = [(1, user("ÉVA@x.com")), (2, user("éva@x.com")), (3, user("IVÁN@x.com"))];
        let existing = HashSet::from([email_key("Iván@x.com")]);
        let problems: Vec<String> = check(&users, &existing).iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "entry 2 (éva@x.com): repeats the email of entry 1",
                "entry 3 (IVÁN@x.com): a member of the organization already has this email",
            ]
        );
        for bad in ["a b@x.com", "@x.com", "a@", "a@x", "a@x..com", "a@@x.com", ".a@x.com", "a@-x.com", "a<b@x.com"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn created_users_get_fresh_unique_ids() {
        let organization = Organization::default();
        let users = validate(parse(SEEDS_EXAMPLE, "u.yaml").unwrap(), &HashSet::new(), "u").unwrap().create_users;
        let created = new_members(&organization, &users, Timestamp::now_utc());
        assert_eq!(created.len(), 2);
        assert_ne!(created[0].1.user_id, created[1].1.user_id);
        assert_eq!(created[0].0.member_id(), created[0].1.user_id);
        assert_eq!(created[0].0.name, "name1 lastname1");
        assert!(created.iter().all(|(member, _)| member.permission_level == "collaborator"));
    }
}
