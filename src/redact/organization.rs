//! The redaction of a whole snapshot. Every record stays at its position in its list (the controls
//! match policy patterns against the original record at the same position), every reference to an id
//! becomes the pseudonym of that id (so the redacted organization resolves to the same structure: the
//! same members, owners, entries and anomalies), and two different values that would share a
//! pseudonym stop the redaction rather than merge two people.

use super::Redactor;
use crate::model::{email_key, Binding, Snapshot, UserId};
use aho_corasick::{AhoCorasick, MatchKind};
use rustc_hash::FxHashMap as HashMap;

/// Why a snapshot could not be redacted.
#[derive(Debug, thiserror::Error)]
pub enum RedactError {
    #[error(
        "two different {what} get the same pseudonym `{pseudonym}`, which would merge them; redact with another key"
    )]
    Collision { what: &'static str, pseudonym: String },
}

/// Returns `snapshot` with what `redactor` redacts replaced by pseudonyms.
pub fn redact_snapshot(snapshot: &Snapshot, redactor: &Redactor) -> Result<Snapshot, RedactError> {
    let mut redacted = snapshot.clone();
    let mut book = Book::new(redactor);
    let kinds = redactor.kinds();
    let organization = &mut redacted.organization;
    for member in &mut organization.members {
        book.person(&mut member.email, &mut member.name, &mut member.id)?;
        if let (true, Some(user_id)) = (kinds.ids, &mut member.user_id) {
            *user_id = UserId(book.id(user_id.as_str(), "member ids")?);
        }
    }
    redact_people_references(&mut redacted, &mut book)?;
    if kinds.resources {
        redact_resources(&mut redacted, &mut book)?;
    }
    let gaps = std::mem::take(&mut redacted.collection.gaps);
    redacted.collection.gaps = book.rewrite(gaps);
    Ok(redacted)
}

/// Replaces the member ids that memberships and direct grants name.
fn redact_people_references(snapshot: &mut Snapshot, book: &mut Book<'_>) -> Result<(), RedactError> {
    if !book.redactor.kinds().ids {
        return Ok(());
    }
    let organization = &mut snapshot.organization;
    let mut user = |user_id: &mut UserId| -> Result<(), RedactError> {
        *user_id = UserId(book.id(user_id.as_str(), "member ids")?);
        Ok(())
    };
    for membership in &mut organization.memberships {
        membership.user_ids.iter_mut().try_for_each(&mut user)?;
    }
    for cloud in &mut organization.clouds {
        cloud.collaborators.iter_mut().try_for_each(|collaborator| user(&mut collaborator.user_id))?;
    }
    for project in &mut organization.projects {
        project.collaborators.iter_mut().try_for_each(|collaborator| user(&mut collaborator.user_id))?;
    }
    Ok(())
}

/// Replaces the names and ids of groups, clouds and projects, and every reference to them.
fn redact_resources(snapshot: &mut Snapshot, book: &mut Book<'_>) -> Result<(), RedactError> {
    let redactor = book.redactor;
    let organization = &mut snapshot.organization;
    for group in &mut organization.groups {
        group.id.0 = book.id(group.id.as_str(), "group ids")?;
        group.name = book.named(&group.name, redactor.group_name(&group.name));
    }
    for membership in &mut organization.memberships {
        membership.group_id.0 = book.id(membership.group_id.as_str(), "group ids")?;
        membership.group_name = book.named(&membership.group_name, redactor.group_name(&membership.group_name));
    }
    for cloud in &mut organization.clouds {
        cloud.id.0 = book.id(cloud.id.as_str(), "cloud ids")?;
        cloud.name = book.named(&cloud.name, redactor.cloud_name(&cloud.name));
        redact_bindings(&mut cloud.bindings, book)?;
    }
    for project in &mut organization.projects {
        project.id.0 = book.id(project.id.as_str(), "project ids")?;
        project.name = book.named(&project.name, redactor.project_name(&project.name));
        project.parent_cloud_id.0 = book.id(project.parent_cloud_id.as_str(), "cloud ids")?;
        redact_bindings(&mut project.bindings, book)?;
    }
    Ok(())
}

fn redact_bindings(bindings: &mut [Binding], book: &mut Book<'_>) -> Result<(), RedactError> {
    for binding in bindings {
        for group in &mut binding.groups {
            group.0 = book.id(group.as_str(), "group ids")?;
        }
    }
    Ok(())
}

/// The pseudonyms given so far: each id's (computed once however often it is referenced), each
/// pseudonym's original (to refuse a collision), and the pairs to rewrite in free text.
pub(super) struct Book<'r> {
    redactor: &'r Redactor,
    ids: HashMap<String, String>,
    id_owners: HashMap<String, String>,
    email_owners: HashMap<String, String>,
    /// Original values and their pseudonyms, for the lines of text that may quote them (the gaps, a
    /// timeline's causes).
    replaced: Vec<(String, String)>,
}

impl<'r> Book<'r> {
    pub(super) fn new(redactor: &'r Redactor) -> Book<'r> {
        Book {
            redactor,
            ids: HashMap::default(),
            id_owners: HashMap::default(),
            email_owners: HashMap::default(),
            replaced: Vec::new(),
        }
    }

    /// Replaces a person's email, display name and id by their pseudonyms, as far as they are redacted.
    pub(super) fn person(&mut self, email: &mut String, name: &mut String, id: &mut String) -> Result<(), RedactError> {
        let kinds = self.redactor.kinds();
        if kinds.emails {
            *email = self.email(email)?;
        }
        if kinds.names {
            *name = self.name(name);
        }
        if kinds.ids {
            *id = self.id(id, "member ids")?;
        }
        Ok(())
    }

    /// Returns the pseudonym of an id, the same for every reference to it.
    pub(super) fn id(&mut self, id: &str, what: &'static str) -> Result<String, RedactError> {
        if let Some(pseudonym) = self.ids.get(id) {
            return Ok(pseudonym.clone());
        }
        let pseudonym = self.redactor.id(id);
        claim(&mut self.id_owners, &pseudonym, id, what)?;
        self.ids.insert(id.to_owned(), pseudonym.clone());
        self.replaced.push((id.to_owned(), pseudonym.clone()));
        Ok(pseudonym)
    }

    /// Returns the pseudonym of an email; emails that differ only in case share one, others never do.
    pub(super) fn email(&mut self, email: &str) -> Result<String, RedactError> {
        let pseudonym = self.redactor.email(email);
        claim(&mut self.email_owners, &pseudonym, &email_key(email), "emails")?;
        self.replaced.push((email.to_owned(), pseudonym.clone()));
        Ok(pseudonym)
    }

    /// Records a display name's pseudonym for the free text, and returns it.
    fn name(&mut self, name: &str) -> String {
        let pseudonym = self.redactor.name(name);
        self.named(name, pseudonym)
    }

    /// Records a resource name's pseudonym for the free text, and returns it.
    fn named(&mut self, original: &str, pseudonym: String) -> String {
        self.replaced.push((original.to_owned(), pseudonym.clone()));
        pseudonym
    }

    /// Rewrites lines of free text (a collection's gaps quote the endpoints that failed, with their
    /// ids, and the server's words), replacing every original value recorded, where it stands as a
    /// whole word, by its pseudonym.
    pub(super) fn rewrite(&mut self, lines: Vec<String>) -> Vec<String> {
        self.replaced.retain(|(original, _)| !original.is_empty());
        self.replaced.sort_unstable();
        self.replaced.dedup();
        if lines.is_empty() || self.replaced.is_empty() {
            return lines;
        }
        let patterns = self.replaced.iter().map(|(original, _)| original.as_str());
        let Ok(matcher) = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(patterns) else {
            return lines.iter().map(|_| "(redacted)".to_owned()).collect();
        };
        lines.iter().map(|line| self.replace_words(&matcher, line)).collect()
    }

    fn replace_words(&self, matcher: &AhoCorasick, line: &str) -> String {
        let is_word = |character: Option<char>| {
            character.is_some_and(|character| character.is_alphanumeric() || "_-@".contains(character))
        };
        let mut rewritten = String::with_capacity(line.len());
        let mut copied = 0;
        for found in matcher.find_iter(line) {
            let before = line[..found.start()].chars().next_back();
            let after = line[found.end()..].chars().next();
            if is_word(before) || is_word(after) {
                continue;
            }
            rewritten.push_str(&line[copied..found.start()]);
            rewritten.push_str(&self.replaced[found.pattern().as_usize()].1);
            copied = found.end();
        }
        rewritten.push_str(&line[copied..]);
        rewritten
    }
}

/// Records that `pseudonym` stands for `original`; a pseudonym already standing for another value is
/// a collision.
fn claim(
    owners: &mut HashMap<String, String>,
    pseudonym: &str,
    original: &str,
    what: &'static str,
) -> Result<(), RedactError> {
    match owners.get(pseudonym) {
        Some(owner) if owner != original => Err(RedactError::Collision { what, pseudonym: pseudonym.to_owned() }),
        Some(_) => Ok(()),
        None => {
            owners.insert(pseudonym.to_owned(), original.to_owned());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::{RedactKey, RedactKinds};
    use crate::resolve::resolve;

    fn redactor(kinds: RedactKinds) -> Redactor {
        Redactor::new(&RedactKey::from_bytes(vec![7; 32], "test").unwrap(), kinds)
    }

    fn demo() -> Snapshot {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo/org.json");
        Snapshot::load(&path).unwrap()
    }

    #[test]
    fn every_record_keeps_its_position_and_every_reference_follows_its_id() {
        let original = demo();
        let redactor = redactor(RedactKinds { resources: true, ..RedactKinds::PEOPLE });
        let redacted = redact_snapshot(&original, &redactor).unwrap();
        let (before, after) = (&original.organization, &redacted.organization);
        assert_eq!(before.members.len(), after.members.len());
        for (old, new) in before.members.iter().zip(&after.members) {
            assert_eq!(new.member_id(), redactor.id(old.member_id()));
            assert_eq!(new.email, redactor.email(&old.email));
            assert_eq!(new.created_at, old.created_at);
        }
        for (old, new) in before.projects.iter().zip(&after.projects) {
            assert_eq!(new.parent_cloud_id.as_str(), redactor.id(old.parent_cloud_id.as_str()));
            assert_eq!(new.name, redactor.project_name(&old.name));
        }
        let (old, new) = (resolve(before), resolve(after));
        assert_eq!(old.members.len(), new.members.len());
        assert_eq!(old.org_owners().count(), new.org_owners().count());
        assert_eq!(old.anomalies.len(), new.anomalies.len());
    }

    #[test]
    fn only_the_kinds_asked_for_change() {
        let original = demo();
        let emails = redact_snapshot(&original, &redactor(RedactKinds { emails: true, ..RedactKinds::default() }));
        let emails = emails.unwrap();
        for (old, new) in original.organization.members.iter().zip(&emails.organization.members) {
            assert_eq!((&old.id, &old.user_id, &old.name), (&new.id, &new.user_id, &new.name));
            assert_ne!(old.email, new.email);
        }
        assert_eq!(original.organization.clouds, emails.organization.clouds);
    }

    #[test]
    fn gaps_quote_pseudonyms() {
        let mut original = demo();
        let cloud = original.organization.clouds[0].id.clone();
        let gap = |id: &str| format!("GET /api/v2/clouds/{id}/collaborators/users/search: 500 for ann");
        original.collection.gaps = vec![gap(cloud.as_str())];
        let redactor = redactor(RedactKinds { resources: true, ..RedactKinds::PEOPLE });
        let redacted = redact_snapshot(&original, &redactor).unwrap();
        assert_eq!(redacted.collection.gaps, [gap(&redactor.id(cloud.as_str()))], "only whole words are replaced");
    }

    #[test]
    fn a_collision_is_refused() {
        let mut owners = HashMap::default();
        claim(&mut owners, "usr_1", "usr_a", "member ids").unwrap();
        claim(&mut owners, "usr_1", "usr_a", "member ids").unwrap();
        let error = claim(&mut owners, "usr_1", "usr_b", "member ids").unwrap_err().to_string();
        assert!(error.contains("two different member ids get the same pseudonym `usr_1`"), "{error}");
    }
}
