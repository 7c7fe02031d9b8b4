//! What a redacted report shows of a policy and an exemptions file. Both are matched against the
//! original records (`crate::controls::Originals`); the copies made here are only what the findings
//! quote (the titles the policy's rules get, the exemptions' scopes and approvers): a pattern that is
//! one email or id shows as its pseudonym, a wildcard pattern over redacted values as
//! `(redacted pattern)`, and an approver as the pseudonym of an email or a name. Titles, rationales and
//! reasons written in the files are kept as written: they are the reviewer's words, which
//! `docs/redaction.md` asks to keep free of names.

use super::{Named, Redactor};
use crate::controls::pattern::{Case, Pattern};
use crate::controls::{Exemption, Exemptions, Policy, Rule};

/// What replaces a wildcard pattern over redacted values.
pub const REDACTED_PATTERN: &str = "(redacted pattern)";

/// Returns the exemptions as a report made with `redactor` shows them; never match with the copy.
pub fn redact_exemptions(exemptions: &Exemptions, redactor: &Redactor) -> Exemptions {
    let list = exemptions.list.iter().map(|exemption| redact_exemption(exemption, redactor)).collect();
    Exemptions { list }
}

/// Returns the policy as a report made with `redactor` shows it; never match with the copy.
pub fn redact_policy(policy: &Policy, redactor: &Redactor) -> Policy {
    let rules = policy.rules.iter().map(|rule| redact_rule(rule, redactor)).collect();
    Policy { rules, ..policy.clone() }
}

fn redact_rule(rule: &Rule, redactor: &Redactor) -> Rule {
    let resources = |patterns: &[Pattern]| patterns.iter().map(|pattern| resource_pattern(pattern, redactor)).collect();
    Rule {
        clouds: resources(&rule.clouds),
        projects: resources(&rule.projects),
        allow_groups: resources(&rule.allow_groups),
        allow_members: rule.allow_members.iter().map(|pattern| member_pattern(pattern, redactor)).collect(),
        ..rule.clone()
    }
}

fn member_pattern(pattern: &Pattern, redactor: &Redactor) -> Pattern {
    let kinds = redactor.kinds();
    shown(pattern, kinds.emails || kinds.ids, Case::Insensitive, |text| redactor.argument(text, Named::Member))
}

/// A resource pattern may name a group, a cloud or a project by name or id: a single id shows as its
/// pseudonym, anything else as [`REDACTED_PATTERN`].
fn resource_pattern(pattern: &Pattern, redactor: &Redactor) -> Pattern {
    shown(pattern, redactor.kinds().resources, Case::Sensitive, |text| {
        let as_id = redactor.id(text);
        if redactor.argument(text, Named::Cloud) == as_id {
            as_id
        } else {
            REDACTED_PATTERN.to_owned()
        }
    })
}

fn redact_exemption(exemption: &Exemption, redactor: &Redactor) -> Exemption {
    let member = exemption.member.as_ref().map(|pattern| member_pattern(pattern, redactor));
    let resource = exemption.resource.as_ref().map(|pattern| resource_pattern(pattern, redactor));
    let approved_by = if exemption.approved_by.contains('@') {
        redactor.argument(&exemption.approved_by, Named::Member)
    } else {
        redactor.argument(&exemption.approved_by, Named::MemberName)
    };
    Exemption { member, resource, approved_by, ..exemption.clone() }
}

/// Returns a pattern as shown: itself when its values are not redacted, the redacted form of a
/// single value, else [`REDACTED_PATTERN`].
fn shown(pattern: &Pattern, redacted: bool, case: Case, single: impl Fn(&str) -> String) -> Pattern {
    if !redacted {
        return pattern.clone();
    }
    let text = pattern.as_str();
    let is_single_value = !text.contains(['*', '?', '[', ']', '{', '}', '\\']);
    let shown = if is_single_value { single(text) } else { REDACTED_PATTERN.to_owned() };
    // A pseudonym and the placeholder hold no wildcard, so they compile; the original stays otherwise.
    Pattern::new(&shown, case).unwrap_or_else(|_| pattern.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::Policy;
    use crate::redact::{RedactKey, RedactKinds};

    fn exemptions(text: &str) -> Exemptions {
        let file = format!("format: permaudit-exemptions/1\nexemptions:\n{text}");
        Exemptions::parse(&file, &Policy::default()).unwrap()
    }

    #[test]
    fn single_values_show_as_pseudonyms_and_wildcards_as_a_placeholder() {
        let redactor = Redactor::new(&RedactKey::from_bytes(vec![3; 32], "test").unwrap(), RedactKinds::PEOPLE);
        let list = exemptions(
            "  - control: email-domain\n    member: alice@corp.com\n    reason: r\n    expires: 2027-01-31\n    approved_by: sec@corp.com\n  - control: email-domain\n    member: \"*@corp.com\"\n    resource: prod\n    reason: r\n    expires: 2027-01-31\n    approved_by: Jane Roe\n",
        );
        let shown = redact_exemptions(&list, &redactor);
        let first = &shown.list[0];
        assert_eq!(first.member.as_ref().unwrap().as_str(), redactor.email("alice@corp.com"));
        assert_eq!(first.approved_by, redactor.email("sec@corp.com"));
        let second = &shown.list[1];
        assert_eq!(second.member.as_ref().unwrap().as_str(), REDACTED_PATTERN);
        assert_eq!(second.resource.as_ref().unwrap().as_str(), "prod", "resources are not redacted");
        assert_eq!(second.approved_by, redactor.name("Jane Roe"));
        assert_eq!(second.reason, "r");
    }

    #[test]
    fn a_rule_names_pseudonyms_and_hides_wildcards_over_redacted_values() {
        let kinds = RedactKinds { resources: true, ..RedactKinds::PEOPLE };
        let redactor = Redactor::new(&RedactKey::from_bytes(vec![3; 32], "test").unwrap(), kinds);
        let text = "format: permaudit-policy/1\nrules:\n  - id: prod-owners\n    clouds: [\"prod-*\", cld_1]\n    role: owner\n    allow: {groups: [admins], members: [\"alice@corp.com\", \"*@corp.com\"]}\n";
        let shown = redact_policy(&Policy::parse(text).unwrap(), &redactor);
        let rule = &shown.rules[0];
        let texts =
            |patterns: &[Pattern]| patterns.iter().map(|pattern| pattern.as_str().to_owned()).collect::<Vec<_>>();
        assert_eq!(texts(&rule.clouds), [REDACTED_PATTERN.to_owned(), redactor.id("cld_1")]);
        assert_eq!(texts(&rule.allow_groups), [REDACTED_PATTERN]);
        assert_eq!(texts(&rule.allow_members), [redactor.email("alice@corp.com"), REDACTED_PATTERN.to_owned()]);
    }
}
