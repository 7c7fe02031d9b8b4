//! Exemptions: a reviewed decision that some findings are accepted, for one control, scoped to members
//! and resources by patterns, with a reason, an approver and an expiry date. Read from a YAML file of
//! format `permaudit-exemptions/1` (`docs/controls.md`).
//!
//! A matching finding stays in every output, marked muted with its exemption. Past its `expires` date an
//! exemption no longer mutes, and is a finding itself (`exemption-expired`); one that matched nothing is
//! reported too (`exemption-unused`), so that the list stays clean.

use super::catalog::{Builtin, CatalogControl};
use super::pattern::{EmailPattern, NamePattern, Pattern};
use super::policy::{is_kebab_case, FileError, Policy};
use super::yaml::{self, problem_at, Step, YamlProblem};
use chrono::NaiveDate;
use serde::de::{Deserialize, Deserializer};
use std::path::Path;

/// The `format` value of the exemptions files this build reads.
pub const EXEMPTIONS_FORMAT: &str = "permaudit-exemptions/1";

/// One exemption.
#[derive(Clone, Debug, PartialEq)]
pub struct Exemption {
    /// The exemption's own id, when the file gives one.
    pub id: Option<String>,
    /// Its position in the file, from 1.
    pub number: usize,
    pub control: String,
    /// Member id or email pattern; without it, any member (or none).
    pub member: Option<Pattern>,
    /// Resource (cloud, project, group) name or id pattern; without it, any resource (or none).
    pub resource: Option<Pattern>,
    pub reason: String,
    /// The last day the exemption mutes its findings.
    pub expires: NaiveDate,
    pub approved_by: String,
}

impl Exemption {
    /// Returns how reports name the exemption: its id, or its position in the file.
    pub fn label(&self) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => format!("exemption {}", self.number),
        }
    }

    /// Returns true when the exemption no longer mutes on `today`.
    pub fn is_expired(&self, today: NaiveDate) -> bool {
        today > self.expires
    }

    /// Returns true when the exemption covers a finding about `members` (id and email each) and
    /// `resource` (id and name): every member must match the member pattern, and the resource the
    /// resource pattern; a pattern given requires something to match.
    pub fn covers<'a>(
        &self,
        members: impl ExactSizeIterator<Item = (&'a str, &'a str)>,
        resource: Option<(&str, &str)>,
    ) -> bool {
        let member_ok = match &self.member {
            None => true,
            Some(pattern) => {
                let count = members.len();
                let mut matched = 0;
                for (id, email) in members {
                    if !(pattern.matches(id) || pattern.matches(email)) {
                        return false;
                    }
                    matched += 1;
                }
                count > 0 && matched == count
            }
        };
        let resource_ok = match (&self.resource, resource) {
            (None, _) => true,
            (Some(pattern), Some((id, name))) => pattern.matches(id) || pattern.matches(name),
            (Some(_), None) => false,
        };
        member_ok && resource_ok
    }
}

/// Every exemption of a file, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exemptions {
    pub list: Vec<Exemption>,
}

impl Exemptions {
    /// Reads and checks the exemptions file at `path`; control ids must be the policy's.
    pub fn load(path: &Path, policy: &Policy) -> Result<Exemptions, FileError> {
        let what = "exemptions file";
        let text =
            std::fs::read_to_string(path).map_err(|source| FileError::Read { what, path: path.into(), source })?;
        Exemptions::parse(&text, policy).map_err(|problem| FileError::Invalid { what, path: path.into(), problem })
    }

    /// Parses and checks exemptions held in memory.
    pub fn parse(text: &str, policy: &Policy) -> Result<Exemptions, YamlProblem> {
        let file: ExemptionsFile = yaml::parse(text)?;
        file.check(text, policy)?;
        let list = file.exemptions.into_iter().enumerate().map(|(position, entry)| entry.into_exemption(position + 1));
        Ok(Exemptions { list: list.collect() })
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionsFile {
    format: String,
    #[serde(default)]
    exemptions: Vec<ExemptionFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExemptionFile {
    #[serde(default)]
    id: Option<String>,
    control: String,
    #[serde(default)]
    member: Option<EmailPattern>,
    #[serde(default)]
    resource: Option<NamePattern>,
    reason: Required,
    expires: Date,
    approved_by: Required,
}

/// A text that must not be empty or blank.
struct Required(String);

impl<'de> Deserialize<'de> for Required {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        yaml::deserialize_text(deserializer, |text| {
            if text.trim().is_empty() {
                Err("must not be empty".to_owned())
            } else {
                Ok(Required(text.to_owned()))
            }
        })
    }
}

/// A calendar date written `YYYY-MM-DD`.
struct Date(NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        yaml::deserialize_text(deserializer, |text| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| format!("`{text}` is not a date; write it as YYYY-MM-DD, such as 2027-01-31"))
        })
    }
}

impl ExemptionsFile {
    fn check(&self, text: &str, policy: &Policy) -> Result<(), YamlProblem> {
        if self.format != EXEMPTIONS_FORMAT {
            let message = format!("the format is `{}`, but this permaudit reads `{EXEMPTIONS_FORMAT}`", self.format);
            return Err(problem_at(text, &[Step::Key("format")], message));
        }
        for (position, entry) in self.exemptions.iter().enumerate() {
            let at = |key| [Step::Key("exemptions"), Step::Index(position), Step::Key(key)];
            if let Some(message) = control_problem(&entry.control, policy) {
                return Err(problem_at(text, &at("control"), message));
            }
            if let Some(id) = &entry.id {
                if !is_kebab_case(id) {
                    let message = format!("exemption id `{id}` must be kebab-case, such as `deploy-bot-prod`");
                    return Err(problem_at(text, &at("id"), message));
                }
                if self.exemptions[..position].iter().any(|earlier| earlier.id.as_ref() == Some(id)) {
                    let message = format!("the exemption id `{id}` is used twice; ids must be unique");
                    return Err(problem_at(text, &at("id"), message));
                }
            }
        }
        Ok(())
    }
}

/// Returns why `control` cannot be exempted, if it cannot: an unknown id, or an exemption control.
fn control_problem(control: &str, policy: &Policy) -> Option<String> {
    match CatalogControl::from_id(control) {
        Some(CatalogControl::Builtin(Builtin::ExemptionExpired | Builtin::ExemptionUnused)) => {
            Some(format!("`{control}` reports on the exemptions themselves and cannot be exempted"))
        }
        Some(_) => None,
        None if policy.rules.iter().any(|rule| rule.id == control) => None,
        None => Some(format!(
            "unknown control `{control}`: neither a built-in control (`permaudit check --print-default-policy` lists them) nor a rule of the policy"
        )),
    }
}

impl ExemptionFile {
    fn into_exemption(self, number: usize) -> Exemption {
        Exemption {
            id: self.id,
            number,
            control: self.control,
            member: self.member.map(|pattern| pattern.0),
            resource: self.resource.map(|pattern| pattern.0),
            reason: self.reason.0,
            expires: self.expires.0,
            approved_by: self.approved_by.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "format: permaudit-exemptions/1\nexemptions:\n";

    fn parse(body: &str) -> Result<Exemptions, YamlProblem> {
        Exemptions::parse(&format!("{HEAD}{body}"), &Policy::default())
    }

    #[test]
    fn exemptions_are_read_with_their_scope() {
        let body = "  - control: service-account-privileged\n    member: \"*@bots.example.com\"\n    resource: prod\n    reason: deploys\n    expires: 2027-01-31\n    approved_by: sec@example.com\n";
        let exemptions = parse(body).unwrap();
        let exemption = &exemptions.list[0];
        assert_eq!(exemption.label(), "exemption 1");
        assert!(!exemption.is_expired(NaiveDate::from_ymd_opt(2027, 1, 31).unwrap()), "the last day still mutes");
        assert!(exemption.is_expired(NaiveDate::from_ymd_opt(2027, 2, 1).unwrap()));
        let bot = [("usr_bot", "Deploy@Bots.example.com")];
        assert!(exemption.covers(bot.into_iter(), Some(("cld_1", "prod"))));
        assert!(!exemption.covers(bot.into_iter(), Some(("cld_2", "dev"))));
        assert!(!exemption.covers([("usr_a", "a@example.com")].into_iter(), Some(("cld_1", "prod"))));
        assert!(!exemption.covers(std::iter::empty(), Some(("cld_1", "prod"))), "a member pattern needs a member");
    }

    #[test]
    fn mistakes_name_the_line_and_the_key() {
        let missing = parse("  - control: email-domain\n    expires: 2027-01-31\n    approved_by: x\n").unwrap_err();
        assert!(missing.message.contains("missing field `reason`"), "{missing}");
        assert_eq!(missing.key, "exemptions[0]");
        let blank =
            parse("  - control: email-domain\n    reason: \"  \"\n    expires: 2027-01-31\n    approved_by: x\n")
                .unwrap_err();
        assert_eq!((blank.line, blank.key.as_str()), (Some(4), "exemptions[0].reason"), "{blank}");
        let date = parse("  - control: email-domain\n    reason: r\n    expires: 31/01/2027\n    approved_by: x\n")
            .unwrap_err();
        assert_eq!((date.line, date.key.as_str()), (Some(5), "exemptions[0].expires"), "{date}");
        let control =
            parse("  - control: no-such\n    reason: r\n    expires: 2027-01-31\n    approved_by: x\n").unwrap_err();
        assert_eq!((control.line, control.key.as_str()), (Some(3), "exemptions[0].control"), "{control}");
        let meta = parse("  - control: exemption-unused\n    reason: r\n    expires: 2027-01-31\n    approved_by: x\n")
            .unwrap_err();
        assert!(meta.message.contains("cannot be exempted"), "{meta}");
        let field = parse("  - control: email-domain\n    reason: r\n    expires: 2027-01-31\n    approved_by: x\n    until: 2028-01-01\n").unwrap_err();
        assert_eq!((field.line, field.key.as_str()), (Some(7), "exemptions[0].until"), "{field}");
    }
}
