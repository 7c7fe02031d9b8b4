//! Batch creation of users: the `create_users:` YAML file of the official CLI, validated whole before
//! anything is sent or written (syntax with line and column here, then every entry by the shared
//! validator of [`super::entries`], worded as the file's messages), and the members a validated batch
//! adds to an organization. Password values never appear in any message, and the other values a
//! message quotes are escaped and shortened ([`crate::untrusted::value`]).
//!
//! Before the text is parsed, its flow nesting is measured ([`super::nesting`]): the parser takes
//! quadratic time to refuse deep nesting, the scan refuses it at once.

use super::entries::{self, Entry, EntryProblem, EntryProblems, Field, FieldValue, Rules};
use super::nesting::{self, Nesting, MAX_DEPTH, MAX_UNMEASURED};
use crate::model::{Member, OrgRole, Organization, UserId};
use crate::sdk::{AdminCreateUser, AdminCreateUsers, AdminCreatedUser, Timestamp};
use crate::untrusted;
use serde::de::{Deserialize, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor};
use std::collections::HashSet;
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
            (Some(entry), Some(email)) => write!(f, "entry {entry} ({}): {}", untrusted::value(email), self.message),
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
    #[error("`{path}` nests `[` or `{{` more than {MAX_DEPTH} deep at line {line}, column {column}; a users file needs two levels, nothing was created")]
    TooDeep { path: String, line: usize, column: usize },
    #[error("`{path}` holds more than {MAX_UNMEASURED} `[` and `{{` after line {since} (the last at line {line}, column {column}); nothing was created")]
    TooManyCollections { path: String, line: usize, column: usize, since: usize },
    #[error("`{path}` has {}; nothing was created:\n{}", crate::plural::count(problems.len(), "problem", "problems"), list(problems))]
    Invalid { path: String, problems: Vec<Problem> },
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|problem| format!("  - {problem}")).collect::<Vec<_>>().join("\n")
}

/// A users file read entry by entry, ready to be validated against the organization.
pub struct Parsed {
    entries: Vec<Entry>,
}

/// Shows only the number of entries: their values may hold passwords.
impl fmt::Debug for Parsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parsed").field("entries", &self.entries.len()).finish()
    }
}

/// The file's rules: the official SDK model refuses unknown keys and has no default for `password`.
const FILE_RULES: Rules = Rules { password_key_required: true, unknown_fields_refused: true };

/// Parses a users file; only excessive nesting, a YAML syntax error or a wrong top level stops it,
/// every entry's problems are found by [`validate`].
pub fn parse(text: &str, path: &str) -> Result<Parsed, BatchError> {
    nesting::check(text).map_err(|nesting| match nesting {
        Nesting::TooDeep { line, column } => BatchError::TooDeep { path: path.to_owned(), line, column },
        Nesting::TooMany { line, column, since } => {
            BatchError::TooManyCollections { path: path.to_owned(), line, column, since }
        }
    })?;
    let document: Node = serde_norway::from_str(text).map_err(|error| {
        let (line, column) = error.location().map_or((0, 0), |location| (location.line(), location.column()));
        BatchError::Syntax { path: path.to_owned(), line, column, reason: syntax_reason(&error) }
    })?;
    match top_level(&document) {
        Ok(entries) => Ok(Parsed { entries: entries.iter().map(entry_of).collect() }),
        Err(problem) => Err(BatchError::Invalid { path: path.to_owned(), problems: vec![problem] }),
    }
}

/// Returns the reason of a syntax error without the location, which is reported on its own.
fn syntax_reason(error: &serde_norway::Error) -> String {
    let text = error.to_string();
    let reason = match text.find(" at line ") {
        Some(position) => &text[..position],
        None => &text,
    };
    untrusted::message(reason)
}

/// A YAML node as the users file needs it. Unlike `serde_norway::Value`, a mapping keeps every key in
/// order, a repeated one included, so that a repeated key is one problem among the others instead of
/// a parse error that hides them.
enum Node {
    Null,
    Bool(bool),
    Text(String),
    Sequence(Vec<Node>),
    Mapping(Vec<(Node, Node)>),
    /// A number, a tagged value: nothing a users file holds.
    Other,
}

impl Node {
    fn as_str(&self) -> Option<&str> {
        match self {
            Node::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Node, E> {
        Ok(Node::Bool(flag))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Other)
    }

    fn visit_str<E>(self, text: &str) -> Result<Node, E> {
        Ok(Node::Text(text.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = sequence.next_element()? {
            items.push(item);
        }
        Ok(Node::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut mapping: A) -> Result<Node, A::Error> {
        let mut pairs = Vec::new();
        while let Some(pair) = mapping.next_entry()? {
            pairs.push(pair);
        }
        Ok(Node::Mapping(pairs))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<Node, A::Error> {
        let (IgnoredAny, value) = tagged.variant::<IgnoredAny>()?;
        value.newtype_variant::<IgnoredAny>()?;
        Ok(Node::Other)
    }
}

fn problem(message: String) -> Problem {
    Problem { entry: None, email: None, message }
}

/// Returns the `create_users` list; an empty file counts as a file without it, as in the official CLI.
fn top_level(document: &Node) -> Result<&Vec<Node>, Problem> {
    let pairs = match document {
        Node::Null => return Err(problem("missing `create_users:` list".to_owned())),
        Node::Mapping(pairs) => pairs,
        _ => return Err(problem("the file must be a mapping with a `create_users:` list".to_owned())),
    };
    if let Some((key, _)) = pairs.iter().find(|(key, _)| key.as_str() != Some("create_users")) {
        return Err(problem(format!(
            "unknown top-level key {}; only `create_users` is allowed",
            describe_key(key.as_str())
        )));
    }
    match pairs.as_slice() {
        [] => Err(problem("missing `create_users:` list".to_owned())),
        [(_, Node::Sequence(entries))] => Ok(entries),
        [_] => Err(problem("`create_users` must be a list".to_owned())),
        _ => Err(problem("`create_users` appears more than once; write one list".to_owned())),
    }
}

fn describe_key(key: Option<&str>) -> String {
    match key {
        Some(text) => format!("`{}`", untrusted::value(text)),
        None => "that is not a string".to_owned(),
    }
}

/// Returns one entry of the file in the validator's form.
fn entry_of(node: &Node) -> Entry {
    let Node::Mapping(pairs) = node else {
        return Entry::NotAMapping;
    };
    Entry::Fields(pairs.iter().map(|(key, value)| (key.as_str().map(str::to_owned), field_value(value))).collect())
}

fn field_value(node: &Node) -> FieldValue {
    match node {
        Node::Null => FieldValue::Null,
        Node::Bool(flag) => FieldValue::Bool(*flag),
        Node::Text(text) => FieldValue::Text(text.clone()),
        Node::Sequence(_) | Node::Mapping(_) | Node::Other => FieldValue::Other,
    }
}

/// Validates a parsed batch against the organization's email keys, listing every problem of every
/// entry; `Ok` holds the batch, which may then be created whole.
pub fn validate(parsed: Parsed, existing: &HashSet<String>, path: &str) -> Result<AdminCreateUsers, BatchError> {
    match entries::validate(&parsed.entries, existing, FILE_RULES) {
        Ok(create_users) => Ok(AdminCreateUsers { create_users }),
        Err(reports) => {
            Err(BatchError::Invalid { path: path.to_owned(), problems: reports.iter().flat_map(problems_of).collect() })
        }
    }
}

/// Words the problems of one entry as the file's messages, numbering entries from 1.
fn problems_of(report: &EntryProblems) -> Vec<Problem> {
    let problem = |message| Problem { entry: Some(report.position + 1), email: report.email.clone(), message };
    report.problems.iter().map(|found| problem(message(found))).collect()
}

fn message(problem: &EntryProblem) -> String {
    match problem {
        EntryProblem::NotAMapping => "each entry must be a mapping of user fields".to_owned(),
        EntryProblem::UnknownField(key) => {
            let allowed: Vec<&str> = Field::ALL.iter().map(|field| field.as_str()).collect();
            format!("unknown field {}; allowed: {}", describe_key(key.as_deref()), allowed.join(", "))
        }
        EntryProblem::Missing(Field::Password) => {
            "missing `password` (the key is required; write `password: null` or `password: ''` for none)".to_owned()
        }
        EntryProblem::Missing(field) => format!("missing `{}`", field.as_str()),
        EntryProblem::Repeated(field) => format!("`{}` appears more than once", field.as_str()),
        EntryProblem::Null(Field::IsSsoUser) | EntryProblem::WrongType(Field::IsSsoUser) => {
            "`is_sso_user` must be true or false".to_owned()
        }
        EntryProblem::Null(field @ (Field::Name | Field::Email))
        | EntryProblem::WrongType(field @ (Field::Name | Field::Email)) => {
            format!("`{}` must be a string", field.as_str())
        }
        EntryProblem::Null(field) | EntryProblem::WrongType(field) => {
            format!("`{}` must be a string or null", field.as_str())
        }
        EntryProblem::BlankName => "`name` is empty".to_owned(),
        EntryProblem::InvalidEmail => "`email` is not a valid email address".to_owned(),
        EntryProblem::MemberHasEmail => "a member of the organization already has this email".to_owned(),
        EntryProblem::RepeatsEntry(first) => format!("repeats the email of entry {}", first + 1),
    }
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

    /// Returns the problem lines of a file whose entries have these emails, against `existing`.
    fn problems(emails: &[&str], existing: &[&str]) -> Vec<String> {
        let mut text = String::from("create_users:\n");
        for email in emails {
            text.push_str(&format!("  - {{name: N, email: '{email}', password: null, is_sso_user: true}}\n"));
        }
        let existing = existing.iter().map(|email| crate::model::email_key(email)).collect();
        match validate(parse(&text, "u.yaml").unwrap(), &existing, "u.yaml").unwrap_err() {
            BatchError::Invalid { problems, .. } => problems.iter().map(ToString::to_string).collect(),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn emails_and_duplicates_are_checked() {
        assert_eq!(
            problems(&["a@x.com", "not-an-email", "A@X.com", "taken@x.com"], &["taken@x.com"]),
            [
                "entry 2 (not-an-email): `email` is not a valid email address",
                "entry 3 (A@X.com): repeats the email of entry 1",
                "entry 4 (taken@x.com): a member of the organization already has this email",
            ]
        );
        assert_eq!(
            problems(&["ÉVA@x.com", "éva@x.com", "IVÁN@x.com"], &["Iván@x.com"]),
            [
                "entry 2 (éva@x.com): repeats the email of entry 1",
                "entry 3 (IVÁN@x.com): a member of the organization already has this email",
            ]
        );
    }

    #[test]
    fn each_problem_is_worded_for_the_file() {
        let text = "create_users:
  - plain text
  - {name: null, email: 3, password: [p], is_sso_user: null, title: 4, 7: x}
  - {name: ' ', email: a@x.com, password: null}
";
        let error = validate(parse(text, "u.yaml").unwrap(), &HashSet::new(), "u.yaml").unwrap_err().to_string();
        let expected = "`u.yaml` has 9 problems; nothing was created:
  - entry 1: each entry must be a mapping of user fields
  - entry 2: unknown field that is not a string; allowed: name, email, password, is_sso_user, lastname, title
  - entry 2: `name` must be a string
  - entry 2: `email` must be a string
  - entry 2: `password` must be a string or null
  - entry 2: `is_sso_user` must be true or false
  - entry 2: `title` must be a string or null
  - entry 3 (a@x.com): `name` is empty
  - entry 3 (a@x.com): missing `is_sso_user`";
        assert_eq!(error, expected);
    }

    #[test]
    fn a_repeated_key_is_one_problem_among_the_others() {
        let text = "create_users:
  - name: Bob
    name: Rob
    email: not-an-email
    is_sso_user: yes
";
        let error = validate(parse(text, "u.yaml").unwrap(), &HashSet::new(), "u.yaml").unwrap_err().to_string();
        let expected = "`u.yaml` has 4 problems; nothing was created:
  - entry 1 (not-an-email): `name` appears more than once
  - entry 1 (not-an-email): `email` is not a valid email address
  - entry 1 (not-an-email): missing `password` (the key is required; write `password: null` or `password: ''` for none)
  - entry 1 (not-an-email): `is_sso_user` must be true or false";
        assert_eq!(error, expected);
        let twice = parse("create_users: []\ncreate_users: []\n", "u.yaml").unwrap_err().to_string();
        assert!(twice.contains("`create_users` appears more than once"), "{twice}");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let text = format!("create_users: {}", "[".repeat(100_000));
        let error = parse(&text, "deep.yaml").unwrap_err().to_string();
        assert_eq!(
            error,
            "`deep.yaml` nests `[` or `{` more than 128 deep at line 1, column 143; a users file needs two levels, nothing was created"
        );
    }

    #[test]
    fn values_in_messages_are_escaped_and_shortened() {
        let long = "x".repeat(10_000);
        let text = format!(
            "create_users:\n  - {{name: N, email: \"\\e[31m{long}@x.com\", password: null, is_sso_user: true, {}: 1}}\n",
            "k".repeat(1000)
        );
        let error = validate(parse(&text, "u.yaml").unwrap(), &HashSet::new(), "u.yaml").unwrap_err().to_string();
        assert!(error.contains("entry 1 (\\u{1b}[31mxxx"), "{error}");
        assert!(!error.contains('\u{1b}'), "{error}");
        assert!(error.len() < 2000, "{} bytes", error.len());
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
