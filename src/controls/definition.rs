//! The controls one evaluation runs, in report order, with the policy applied: each catalog control
//! with its switch, and each resource rule of the policy as a control of its own.

use super::catalog::{CatalogControl, Reads};
use super::policy::{skipped_reason, Policy, Rule};
use crate::model::{Role, Severity};

/// Where a control comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlKind {
    Catalog(CatalogControl),
    /// A resource rule of the policy, by position.
    Rule(usize),
}

/// A control as one evaluation runs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlDefinition {
    pub kind: ControlKind,
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub rationale: String,
    /// How to fix a finding, with `{cloud_id}` and `{project_id}` where a finding's ids go.
    pub remediation: String,
    pub reads: Reads,
    /// Why the control does not run, when it does not.
    pub skipped: Option<&'static str>,
}

/// Returns the controls of `policy` in report order: the built-in checks, the resource rules, the
/// anomaly controls, then the controls on the exemptions themselves.
pub fn definitions(policy: &Policy) -> Vec<ControlDefinition> {
    let (before_rules, after_rules) = CatalogControl::in_report_order();
    let mut list: Vec<ControlDefinition> =
        before_rules.into_iter().map(|control| catalog_definition(policy, control)).collect();
    list.extend(policy.rules.iter().enumerate().map(|(position, rule)| rule_definition(position, rule)));
    list.extend(after_rules.into_iter().map(|control| catalog_definition(policy, control)));
    list
}

fn catalog_definition(policy: &Policy, control: CatalogControl) -> ControlDefinition {
    let switch = policy.switch(control);
    let skipped = if switch.enabled { skipped_reason(policy, control) } else { Some("disabled by the policy") };
    ControlDefinition {
        kind: ControlKind::Catalog(control),
        id: control.id().into_owned(),
        title: control.title().into_owned(),
        severity: switch.severity,
        rationale: control.rationale().into_owned(),
        remediation: control.remediation().to_owned(),
        reads: control.reads(),
        skipped,
    }
}

fn rule_definition(position: usize, rule: &Rule) -> ControlDefinition {
    ControlDefinition {
        kind: ControlKind::Rule(position),
        id: rule.id.clone(),
        title: rule.title.clone().unwrap_or_else(|| rule_title(rule)),
        severity: rule.severity,
        rationale: rule.rationale.clone().unwrap_or_else(|| {
            format!("The policy reserves {} on these resources to the principals it names.", held(rule.role))
        }),
        remediation: format!(
            "Lower the member below {} on the resource by removing the path that gives it: a direct grant in the resource's collaborators (`/api/v2/clouds/{{cloud_id}}/collaborators/users`, `/api/v2/projects/{{project_id}}/collaborators/users`), a group binding in its policy (`/api/v2/policy/cloud/{{cloud_id}}`, `/api/v2/policy/project/{{project_id}}`) or a group membership (in the identity provider for a SCIM group); an org owner holds owner everywhere until its ownership ends. If the member should hold the role, name it or its group in the rule's `allow`.",
            rule.role
        ),
        reads: Reads::Grants,
        skipped: (!rule.enabled).then_some("disabled by the policy"),
    }
}

/// Returns a rule's title when the policy gives none: `Only group admins and alice@corp.com may be
/// owner on clouds prod-*`.
fn rule_title(rule: &Rule) -> String {
    let groups = rule.allow_groups.iter().map(|pattern| format!("group {}", pattern.as_str()));
    let members = rule.allow_members.iter().map(|pattern| pattern.as_str().to_owned());
    let allowed: Vec<String> = groups.chain(members).collect();
    let who = match allowed.as_slice() {
        [] => "Nobody".to_owned(),
        [only] => format!("Only {only}"),
        [first @ .., last] => format!("Only {} and {last}", first.join(", ")),
    };
    let clouds = rule.clouds.iter().map(|pattern| pattern.as_str()).collect::<Vec<_>>().join(", ");
    let projects = rule.projects.iter().map(|pattern| pattern.as_str()).collect::<Vec<_>>().join(", ");
    let place = match (clouds.is_empty(), projects.is_empty()) {
        (false, true) => format!("clouds {clouds}"),
        (true, false) => format!("projects {projects}"),
        _ => format!("clouds {clouds} and projects {projects}"),
    };
    format!("{who} may {} on {place}", hold(rule.role))
}

fn hold(role: Role) -> &'static str {
    match role {
        Role::Owner => "be owner",
        Role::Collaborator => "hold collaborator or owner",
        Role::Readonly => "have access",
    }
}

fn held(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Collaborator => "collaborator and owner",
        Role::Readonly => "every role",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_come_in_report_order() {
        let text = "format: permaudit-policy/1\nrules:\n  - id: prod-owners\n    clouds: [\"prod-*\"]\n    role: owner\n    allow: {groups: [admins], members: [\"alice@corp.com\"]}\n";
        let policy = Policy::parse(text).unwrap();
        let ids: Vec<String> = definitions(&policy).into_iter().map(|definition| definition.id).collect();
        assert_eq!(ids[0], "org-owner-count");
        let rule = ids.iter().position(|id| id == "prod-owners").unwrap();
        assert_eq!(ids[rule - 1], "stale-member", "rules follow the built-in checks");
        assert!(ids[rule + 1].starts_with("anomaly-"));
        assert_eq!(&ids[ids.len() - 2..], ["exemption-expired", "exemption-unused"]);
        let title = &definitions(&policy)[rule].title;
        assert_eq!(title, "Only group admins and alice@corp.com may be owner on clouds prod-*");
    }
}
