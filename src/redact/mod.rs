//! Redaction: members' emails, names and ids (and, on request, group, cloud and project names and
//! ids) replaced by stable pseudonyms, so that a report can be shared without naming anyone
//! (`docs/redaction.md`).
//!
//! A pseudonym is derived from the value with HMAC-SHA256 under a secret key ([`RedactKey`]): the same
//! key gives the same pseudonym in every run, so two redacted reports still compare and join, and
//! without the key nobody can tell which value a pseudonym stands for, or test a guess. The redaction
//! works on the organization itself ([`redact_snapshot`]), before any command reads it, so that every
//! output made from the redacted organization is redacted by construction; inputs that name real
//! people (a `--user` argument, a policy's patterns) are matched through [`Redactor::candidates`] and
//! the original records (`crate::controls::Originals`).

mod controls;
mod key;
mod organization;
mod timeline;

pub use controls::{redact_exemptions, redact_policy, REDACTED_PATTERN};
pub use key::{KeyError, RedactKey, HOW_TO_MAKE_A_KEY, KEY_VARIABLE, MIN_KEY_BYTES};
pub use organization::{redact_snapshot, RedactError};
pub use timeline::redact_timeline;

use crate::model::email_key;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// How many hex digits of the HMAC a pseudonym keeps: 64 bits, so that among a million values the
/// chance that two share a pseudonym is about 3 in 100 million (32 bits would make such a collision
/// near certain); [`redact_snapshot`] still refuses an organization where one happens.
pub const PSEUDONYM_DIGITS: usize = 16;

/// The domain of redacted emails: `.invalid` is reserved and never delivers mail.
pub const EMAIL_DOMAIN: &str = "redacted.invalid";

/// The id prefixes a pseudonym keeps (`usr_…` stays a user id to the eye); any other id becomes `id_…`,
/// so that no part of an unusual id can show through.
const KEPT_PREFIXES: [&str; 5] = ["usr", "idn", "ug", "cld", "prj"];

/// What to redact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactKinds {
    /// Members' emails.
    pub emails: bool,
    /// Members' display names.
    pub names: bool,
    /// Member ids and identity ids, wherever they are referenced.
    pub ids: bool,
    /// Group, cloud and project names and ids.
    pub resources: bool,
}

impl RedactKinds {
    /// Emails, names and ids: what `permaudit redact` redacts unless told otherwise.
    pub const PEOPLE: RedactKinds = RedactKinds { emails: true, names: true, ids: true, resources: false };

    /// Returns the kinds' names, in the order `--redact` documents them.
    pub fn names(self) -> Vec<&'static str> {
        let all = [(self.emails, "emails"), (self.names, "names"), (self.ids, "ids"), (self.resources, "resources")];
        all.into_iter().filter(|(on, _)| *on).map(|(_, name)| name).collect()
    }

    /// Returns true when nothing is redacted.
    pub fn is_empty(self) -> bool {
        self == RedactKinds::default()
    }
}

/// What a command-line argument names, for [`Redactor::candidates`] and [`Redactor::argument`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// A member, by member id, identity id or email.
    Member,
    /// A member's display name.
    MemberName,
    /// A cloud, by id or name.
    Cloud,
    /// A project, by id or name.
    Project,
    /// A group, by id or name.
    Group,
}

/// Maps values to pseudonyms with one key.
#[derive(Clone)]
pub struct Redactor {
    mac: Hmac<Sha256>,
    kinds: RedactKinds,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({:?}, key {})", self.kinds.names(), self.key_id())
    }
}

impl Redactor {
    /// Returns a redactor of `kinds` under `key`.
    pub fn new(key: &RedactKey, kinds: RedactKinds) -> Redactor {
        // Invariant: HMAC accepts a key of any length, so this never fails.
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key.bytes()).expect("HMAC accepts a key of any length");
        Redactor { mac, kinds }
    }

    /// Returns what this redactor redacts.
    pub fn kinds(&self) -> RedactKinds {
        self.kinds
    }

    /// Returns a name for the key that reveals nothing of it: two reports redacted with the same key
    /// (whose pseudonyms join) show the same key id.
    pub fn key_id(&self) -> String {
        self.digest("key-id", "")
    }

    /// Returns the first [`PSEUDONYM_DIGITS`] hex digits of HMAC(key, domain, 0, value).
    fn digest(&self, domain: &str, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        let bytes = mac.finalize().into_bytes();
        crate::digest::hex(&bytes[..PSEUDONYM_DIGITS / 2])
    }

    /// Returns the pseudonym of an email, the same for every spelling that differs only in case (so
    /// that `duplicate-email` survives): `user-7f3a9c2e4b1d8a06@redacted.invalid`.
    pub fn email(&self, email: &str) -> String {
        if email.is_empty() {
            return String::new();
        }
        format!("user-{}@{EMAIL_DOMAIN}", self.digest("email", &email_key(email)))
    }

    /// Returns the pseudonym of a member's display name: `Person 7f3a9c2e4b1d8a06`.
    pub fn name(&self, name: &str) -> String {
        if name.is_empty() {
            return String::new();
        }
        format!("Person {}", self.digest("name", name))
    }

    /// Returns the pseudonym of an id, a function of the id alone (a member referenced by its
    /// identity id stays the same member): `usr_7f3a9c2e4b1d8a06`.
    pub fn id(&self, id: &str) -> String {
        if id.is_empty() {
            return String::new();
        }
        let prefix = id.split_once('_').map(|(prefix, _)| prefix).filter(|prefix| KEPT_PREFIXES.contains(prefix));
        format!("{}_{}", prefix.unwrap_or("id"), self.digest("id", id))
    }

    /// Returns the pseudonym of a group's name: `group-7f3a9c2e4b1d8a06`.
    pub fn group_name(&self, name: &str) -> String {
        self.resource_name("group", name)
    }

    /// Returns the pseudonym of a cloud's name: `cloud-7f3a9c2e4b1d8a06`.
    pub fn cloud_name(&self, name: &str) -> String {
        self.resource_name("cloud", name)
    }

    /// Returns the pseudonym of a project's name: `project-7f3a9c2e4b1d8a06`.
    pub fn project_name(&self, name: &str) -> String {
        self.resource_name("project", name)
    }

    fn resource_name(&self, kind: &str, name: &str) -> String {
        if name.is_empty() {
            return String::new();
        }
        format!("{kind}-{}", self.digest(&format!("{kind}-name"), name))
    }

    /// Returns the values under which a redacted organization may know what an argument names: the
    /// argument itself (already a pseudonym, or of a kind not redacted), then its pseudonym as each
    /// kind of value it may be. A command tries them in order and keeps the first that is found.
    pub fn candidates(&self, wanted: &str, named: Named) -> Vec<String> {
        let kinds = self.kinds;
        let mut candidates = vec![wanted.to_owned()];
        let mut add = |on: bool, pseudonym: String| {
            if on && !candidates.contains(&pseudonym) {
                candidates.push(pseudonym);
            }
        };
        match named {
            Named::Member => {
                add(kinds.ids, self.id(wanted));
                add(kinds.emails, self.email(wanted));
            }
            Named::MemberName => add(kinds.names, self.name(wanted)),
            Named::Cloud => {
                add(kinds.resources, self.id(wanted));
                add(kinds.resources, self.cloud_name(wanted));
            }
            Named::Project => {
                add(kinds.resources, self.id(wanted));
                add(kinds.resources, self.project_name(wanted));
            }
            Named::Group => {
                add(kinds.resources, self.id(wanted));
                add(kinds.resources, self.group_name(wanted));
            }
        }
        candidates
    }

    /// Returns an argument as a redacted command line shows it: the pseudonym of what it most likely
    /// is (an email when it holds `@`, an id when it starts like one), or the argument itself when its
    /// kind is not redacted.
    pub fn argument(&self, value: &str, named: Named) -> String {
        let kinds = self.kinds;
        let looks_like_id = |value: &str| {
            value.split_once('_').is_some_and(|(prefix, _)| KEPT_PREFIXES.contains(&prefix)) && !value.contains(' ')
        };
        let redacted = match named {
            Named::Member if value.contains('@') => kinds.emails.then(|| self.email(value)),
            Named::Member => kinds.ids.then(|| self.id(value)),
            Named::MemberName => kinds.names.then(|| self.name(value)),
            _ if !kinds.resources => None,
            _ if looks_like_id(value) => Some(self.id(value)),
            Named::Cloud => Some(self.cloud_name(value)),
            Named::Project => Some(self.project_name(value)),
            Named::Group => Some(self.group_name(value)),
        };
        redacted.unwrap_or_else(|| value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor(key: u8, kinds: RedactKinds) -> Redactor {
        Redactor::new(&RedactKey::from_bytes(vec![key; 32], "test").unwrap(), kinds)
    }

    #[test]
    fn pseudonyms_are_stable_for_one_key_and_unrelated_across_keys() {
        let one = redactor(1, RedactKinds::PEOPLE);
        let again = redactor(1, RedactKinds::PEOPLE);
        let other = redactor(2, RedactKinds::PEOPLE);
        assert_eq!(one.email("alice@example.com"), again.email("alice@example.com"));
        assert_ne!(one.email("alice@example.com"), other.email("alice@example.com"));
        assert_eq!(one.key_id(), again.key_id());
        assert_ne!(one.key_id(), other.key_id());
        let email = one.email("alice@example.com");
        assert!(email.starts_with("user-") && email.ends_with("@redacted.invalid"), "{email}");
        assert_eq!(email.len(), "user-@redacted.invalid".len() + PSEUDONYM_DIGITS);
        assert!(one.name("Alice Liddell").starts_with("Person "));
    }

    #[test]
    fn emails_differing_only_in_case_share_a_pseudonym() {
        let redactor = redactor(1, RedactKinds::PEOPLE);
        assert_eq!(redactor.email("Zoe@Example.com"), redactor.email("zoe@example.com"));
        assert_ne!(redactor.email("zoe@example.com"), redactor.email("zoe@example.org"));
    }

    #[test]
    fn ids_keep_only_known_prefixes() {
        let redactor = redactor(1, RedactKinds::PEOPLE);
        assert!(redactor.id("usr_alice").starts_with("usr_"));
        assert!(redactor.id("idn_alice").starts_with("idn_"));
        let odd = redactor.id("alice_smith");
        assert!(odd.starts_with("id_") && !odd.contains("alice"), "{odd}");
        assert_ne!(redactor.id("usr_alice"), redactor.id("usr_bob"));
        assert_eq!(redactor.id(""), "");
        assert_eq!(redactor.email(""), "");
    }

    #[test]
    fn the_same_value_of_two_kinds_gets_unrelated_pseudonyms() {
        let redactor = redactor(1, RedactKinds { resources: true, ..RedactKinds::PEOPLE });
        let digits = |text: String| text.rsplit(['-', ' ', '_']).next().unwrap().to_owned();
        assert_ne!(digits(redactor.name("prod")), digits(redactor.cloud_name("prod")));
        assert_ne!(digits(redactor.cloud_name("prod")), digits(redactor.project_name("prod")));
    }

    #[test]
    fn candidates_try_the_argument_then_its_pseudonyms() {
        let redactor = redactor(1, RedactKinds::PEOPLE);
        let found = redactor.candidates("alice@example.com", Named::Member);
        assert_eq!(found[0], "alice@example.com");
        assert!(found.contains(&redactor.email("alice@example.com")));
        assert_eq!(redactor.candidates("prod", Named::Cloud), vec!["prod".to_owned()], "resources are kept");
    }

    #[test]
    fn arguments_are_shown_as_pseudonyms_of_what_they_look_like() {
        let redactor = redactor(1, RedactKinds { resources: true, ..RedactKinds::PEOPLE });
        assert_eq!(redactor.argument("Alice@example.com", Named::Member), redactor.email("alice@example.com"));
        assert_eq!(redactor.argument("usr_alice", Named::Member), redactor.id("usr_alice"));
        assert_eq!(redactor.argument("cld_1", Named::Cloud), redactor.id("cld_1"));
        assert_eq!(redactor.argument("prod", Named::Cloud), redactor.cloud_name("prod"));
        let emails_only = self::redactor(1, RedactKinds { emails: true, ..RedactKinds::default() });
        assert_eq!(emails_only.argument("usr_alice", Named::Member), "usr_alice");
        assert_eq!(emails_only.argument("prod", Named::Cloud), "prod");
    }
}
