//! The policy: the thresholds of the built-in controls, a switch and a severity per control, and the
//! resource rules that say who may hold which role where. Read from a YAML file of format
//! `permaudit-policy/1` (`docs/controls.md`); without a file, [`Policy::default`] applies.

use super::catalog::{Builtin, CatalogControl};
use super::pattern::{EmailPattern, NamePattern, Pattern};
use super::yaml::{self, problem_at, Step, YamlProblem};
use crate::model::{Role, Severity};
use serde::de::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `format` value of the policy files this build reads.
pub const POLICY_FORMAT: &str = "permaudit-policy/1";

/// Why a policy or exemptions file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {what} `{path}`: {source}")]
    Read { what: &'static str, path: PathBuf, source: std::io::Error },
    #[error("{what} `{path}`, {problem}; see docs/controls.md")]
    Invalid { what: &'static str, path: PathBuf, problem: YamlProblem },
}

/// The bounds on the number of org owners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub min: u32,
    pub max: u32,
}

/// Whether a catalog control runs, and at which severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Switch {
    pub enabled: bool,
    pub severity: Severity,
}

/// A resource rule: on the clouds and projects it names, only the allowed principals may hold `role`
/// (or a higher one); everyone else may hold at most the role below it.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: String,
    pub title: Option<String>,
    pub rationale: Option<String>,
    pub severity: Severity,
    pub enabled: bool,
    /// Cloud name or id patterns.
    pub clouds: Vec<Pattern>,
    /// Project name or id patterns.
    pub projects: Vec<Pattern>,
    pub role: Role,
    /// Group name or id patterns: the members of a matching group are allowed.
    pub allow_groups: Vec<Pattern>,
    /// Member id or email patterns.
    pub allow_members: Vec<Pattern>,
}

impl Rule {
    /// Returns the highest role the rule lets a principal it does not allow hold (`None`: no access).
    pub fn others_may_hold(&self) -> Option<Role> {
        match self.role {
            Role::Owner => Some(Role::Collaborator),
            Role::Collaborator => Some(Role::Readonly),
            Role::Readonly => None,
        }
    }
}

/// A whole policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub org_owners: Bounds,
    pub max_owners_per_cloud: u32,
    /// Patterns of the domains member emails may have; empty: not checked.
    pub allowed_email_domains: Vec<Pattern>,
    /// The organization is managed through SCIM groups: direct grants are findings.
    pub groups_only: bool,
    /// Days after `created_at` from which a member with a base role and no access is stale.
    pub stale_after_days: Option<u32>,
    /// Switches that differ from a control's defaults (enabled, default severity).
    pub switches: BTreeMap<CatalogControl, Switch>,
    pub rules: Vec<Rule>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            org_owners: Bounds { min: 2, max: 4 },
            max_owners_per_cloud: 3,
            allowed_email_domains: Vec::new(),
            groups_only: false,
            stale_after_days: None,
            switches: BTreeMap::new(),
            rules: Vec::new(),
        }
    }
}

impl Policy {
    /// Reads and checks the policy file at `path`.
    pub fn load(path: &Path) -> Result<Policy, FileError> {
        let what = "policy";
        let text =
            std::fs::read_to_string(path).map_err(|source| FileError::Read { what, path: path.into(), source })?;
        Policy::parse(&text).map_err(|problem| FileError::Invalid { what, path: path.into(), problem })
    }

    /// Parses and checks a policy held in memory.
    pub fn parse(text: &str) -> Result<Policy, YamlProblem> {
        let file: PolicyFile = yaml::parse(text)?;
        file.check(text)?;
        Ok(file.into_policy())
    }

    /// Returns a catalog control's switch: the policy's, or the control's defaults.
    pub fn switch(&self, control: CatalogControl) -> Switch {
        self.switches.get(&control).copied().unwrap_or(Switch { enabled: true, severity: control.default_severity() })
    }
}

/// The file layout, private so that the policy stays free of format details.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    format: String,
    #[serde(default)]
    org_owners: Option<BoundsFile>,
    #[serde(default)]
    max_owners_per_cloud: Option<u32>,
    #[serde(default)]
    allowed_email_domains: Vec<EmailPattern>,
    #[serde(default)]
    groups_only: bool,
    #[serde(default)]
    stale_after_days: Option<u32>,
    #[serde(default)]
    controls: BTreeMap<ControlKey, SwitchFile>,
    #[serde(default)]
    rules: Vec<RuleFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundsFile {
    min: u32,
    max: u32,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SwitchFile {
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    severity: Option<Severity>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: RuleId,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    rationale: Option<String>,
    #[serde(default)]
    severity: Option<Severity>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    clouds: Vec<NamePattern>,
    #[serde(default)]
    projects: Vec<NamePattern>,
    role: Role,
    #[serde(default)]
    allow: AllowFile,
}

#[derive(Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowFile {
    #[serde(default)]
    groups: Vec<NamePattern>,
    #[serde(default)]
    members: Vec<EmailPattern>,
}

/// A key of `controls:`: the id of a catalog control.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ControlKey(CatalogControl);

impl<'de> Deserialize<'de> for ControlKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        yaml::deserialize_text(deserializer, |id| {
            CatalogControl::from_id(id).map(ControlKey).ok_or_else(|| {
                format!(
                    "unknown control `{id}`; `permaudit check --print-default-policy` lists every control (a resource rule's switches go in the rule)"
                )
            })
        })
    }
}

/// A resource rule's id: kebab-case, and not the id of a catalog control.
struct RuleId(String);

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        yaml::deserialize_text(deserializer, |id| {
            if !is_kebab_case(id) {
                return Err(format!(
                    "rule id `{id}` must be kebab-case: lowercase letters, digits and single hyphens, such as `prod-owners`"
                ));
            }
            if CatalogControl::from_id(id).is_some() {
                return Err(format!("rule id `{id}` is the id of a built-in control; choose another"));
            }
            Ok(RuleId(id.to_owned()))
        })
    }
}

/// Returns true for `prod-owners`, `rule-2`; false for `Prod`, `-x`, `a--b`, `x-`.
pub fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| !part.is_empty())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl PolicyFile {
    /// Checks what the layout alone cannot say, naming the key (and its line) of the first problem.
    fn check(&self, text: &str) -> Result<(), YamlProblem> {
        if self.format != POLICY_FORMAT {
            let message = format!("the format is `{}`, but this permaudit reads `{POLICY_FORMAT}`", self.format);
            return Err(problem_at(text, &[Step::Key("format")], message));
        }
        if let Some(bounds) = &self.org_owners {
            if bounds.min > bounds.max {
                let message = format!("`min` ({}) is larger than `max` ({})", bounds.min, bounds.max);
                return Err(problem_at(text, &[Step::Key("org_owners")], message));
            }
        }
        if self.max_owners_per_cloud == Some(0) {
            let message = "must be at least 1 (every cloud needs an owner)".to_owned();
            return Err(problem_at(text, &[Step::Key("max_owners_per_cloud")], message));
        }
        if self.stale_after_days == Some(0) {
            let message = "must be at least 1 day; leave it out or null to turn the control off".to_owned();
            return Err(problem_at(text, &[Step::Key("stale_after_days")], message));
        }
        self.check_rules(text)
    }

    fn check_rules(&self, text: &str) -> Result<(), YamlProblem> {
        for (position, rule) in self.rules.iter().enumerate() {
            if rule.clouds.is_empty() && rule.projects.is_empty() {
                let message = "the rule names no resource: give `clouds`, `projects` or both".to_owned();
                return Err(problem_at(text, &[Step::Key("rules"), Step::Index(position)], message));
            }
            if self.rules[..position].iter().any(|earlier| earlier.id.0 == rule.id.0) {
                let message = format!("the rule id `{}` is used twice; ids must be unique", rule.id.0);
                let steps = [Step::Key("rules"), Step::Index(position), Step::Key("id")];
                return Err(problem_at(text, &steps, message));
            }
        }
        Ok(())
    }

    fn into_policy(self) -> Policy {
        let defaults = Policy::default();
        let switches = self
            .controls
            .into_iter()
            .map(|(ControlKey(control), switch)| {
                let resolved = Switch {
                    enabled: switch.enabled.unwrap_or(true),
                    severity: switch.severity.unwrap_or_else(|| control.default_severity()),
                };
                (control, resolved)
            })
            .collect();
        Policy {
            org_owners: self
                .org_owners
                .map_or(defaults.org_owners, |bounds| Bounds { min: bounds.min, max: bounds.max }),
            max_owners_per_cloud: self.max_owners_per_cloud.unwrap_or(defaults.max_owners_per_cloud),
            allowed_email_domains: self.allowed_email_domains.into_iter().map(|pattern| pattern.0).collect(),
            groups_only: self.groups_only,
            stale_after_days: self.stale_after_days,
            switches,
            rules: self.rules.into_iter().map(RuleFile::into_rule).collect(),
        }
    }
}

impl RuleFile {
    fn into_rule(self) -> Rule {
        Rule {
            id: self.id.0,
            title: self.title,
            rationale: self.rationale,
            severity: self.severity.unwrap_or(Severity::High),
            enabled: self.enabled.unwrap_or(true),
            clouds: self.clouds.into_iter().map(|pattern| pattern.0).collect(),
            projects: self.projects.into_iter().map(|pattern| pattern.0).collect(),
            role: self.role,
            allow_groups: self.allow.groups.into_iter().map(|pattern| pattern.0).collect(),
            allow_members: self.allow.members.into_iter().map(|pattern| pattern.0).collect(),
        }
    }
}

/// Returns the default policy as a commented file: every setting and every control with its default.
pub fn default_policy_text() -> String {
    let defaults = Policy::default();
    let mut text = format!(
        "# permaudit policy (docs/controls.md): the defaults, written out.
format: {POLICY_FORMAT}

# org-owner-count: the number of org owners (service accounts are never org owners) must lie in [min, max].
org_owners:
  min: {}
  max: {}

# cloud-owner-limit: at most this many explicit owners on one cloud (org owners, implicit owners of
# every cloud, are not counted).
max_owners_per_cloud: {}

# email-domain: the domains member emails may have, as patterns (`corp.com`, `*.corp.com`);
# empty: the control is skipped.
allowed_email_domains: []

# groups-only-direct-grant: true when access is managed only through SCIM groups (Anyscale's
# enforce-groups): every direct grant on a cloud or project is then a finding.
groups_only: false

# stale-member: a member with a base role and no access this many days after `created_at`;
# null: the control is skipped.
stale_after_days: null

# One switch per control: `enabled` (true or false) and `severity` (info, low, medium, high,
# critical). Leave a control out to keep its defaults.
controls:
",
        defaults.org_owners.min, defaults.org_owners.max, defaults.max_owners_per_cloud
    );
    let (before_rules, after_rules) = CatalogControl::in_report_order();
    for control in before_rules.into_iter().chain(after_rules) {
        text.push_str(&format!(
            "  # {}\n  {}:\n    enabled: true\n    severity: {}\n",
            control.title(),
            control.id(),
            control.default_severity()
        ));
    }
    text.push_str(RULES_EXAMPLE);
    text
}

const RULES_EXAMPLE: &str = "
# Resource rules: on the clouds and projects whose name or id matches, only the allowed principals
# (members of a matching group, or members whose id or email matches) may hold `role` or a higher
# one; anyone else holding it fails the rule, org owners included (they own everything implicitly).
# For example:
#
# rules:
#   - id: prod-owners
#     title: Only platform admins own production clouds
#     severity: high
#     clouds: [\"prod-*\"]
#     role: owner
#     allow:
#       groups: [platform-admins]
#       members: [\"alice@corp.com\"]
rules: []
";

/// The built-in controls a policy setting turns on, and the setting's name.
pub fn skipped_reason(policy: &Policy, control: CatalogControl) -> Option<&'static str> {
    match control {
        CatalogControl::Builtin(Builtin::EmailDomain) if policy.allowed_email_domains.is_empty() => {
            Some("`allowed_email_domains` is not set")
        }
        CatalogControl::Builtin(Builtin::GroupsOnlyDirectGrant) if !policy.groups_only => {
            Some("the organization is not declared `groups_only`")
        }
        CatalogControl::Builtin(Builtin::StaleMember) if policy.stale_after_days.is_none() => {
            Some("`stale_after_days` is not set")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> YamlProblem {
        Policy::parse(text).unwrap_err()
    }

    #[test]
    fn the_printed_defaults_are_the_defaults() {
        assert_eq!(Policy::parse(&default_policy_text()).unwrap(), Policy::default().with_all_switches());
    }

    impl Policy {
        fn with_all_switches(mut self) -> Policy {
            for control in CatalogControl::all() {
                self.switches.insert(control, Switch { enabled: true, severity: control.default_severity() });
            }
            self
        }
    }

    #[test]
    fn settings_switches_and_rules_are_read() {
        let text = "format: permaudit-policy/1\norg_owners: {min: 1, max: 2}\nallowed_email_domains: [corp.com]\ncontrols:\n  anomaly-project-role-capped: {enabled: false}\n  org-owner-count: {severity: critical}\nrules:\n  - id: prod-owners\n    clouds: [\"prod-*\"]\n    role: owner\n    allow: {groups: [admins]}\n";
        let policy = Policy::parse(text).unwrap();
        assert_eq!(policy.org_owners, Bounds { min: 1, max: 2 });
        assert!(policy.allowed_email_domains[0].matches("CORP.com"));
        let capped = CatalogControl::from_id("anomaly-project-role-capped").unwrap();
        assert!(!policy.switch(capped).enabled);
        let owners = CatalogControl::Builtin(Builtin::OrgOwnerCount);
        assert_eq!(policy.switch(owners), Switch { enabled: true, severity: Severity::Critical });
        assert_eq!(policy.rules[0].others_may_hold(), Some(Role::Collaborator));
        assert_eq!(policy.rules[0].severity, Severity::High);
    }

    #[test]
    fn mistakes_name_the_line_and_the_key() {
        let base = "format: permaudit-policy/1\n";
        let unknown = problem(&format!("{base}org_owner:\n  min: 1\n"));
        assert_eq!((unknown.line, unknown.key.as_str()), (Some(2), "org_owner"), "{unknown}");
        let severity = problem(&format!("{base}controls:\n  org-owner-count:\n    severity: severe\n"));
        assert_eq!(severity.line, Some(4), "{severity}");
        assert_eq!(severity.key, "controls.org-owner-count.severity");
        assert!(severity.message.contains("unknown variant `severe`"), "{severity}");
        let glob = problem(&format!("{base}rules:\n  - id: r\n    clouds: [\"prod-[\"]\n    role: owner\n"));
        assert_eq!((glob.line, glob.key.as_str()), (Some(4), "rules[0].clouds[0]"), "{glob}");
        assert!(glob.message.contains("`prod-[` is not a valid pattern"), "{glob}");
        let control = problem(&format!("{base}controls:\n  no-such-control: {{}}\n"));
        assert_eq!(control.line, Some(3), "{control}");
        assert!(control.message.contains("unknown control `no-such-control`"), "{control}");
    }

    #[test]
    fn checks_after_parsing_name_the_line_and_the_key() {
        let format = problem("format: permaudit-policy/2\n");
        assert_eq!((format.line, format.key.as_str()), (Some(1), "format"), "{format}");
        let bounds = problem("format: permaudit-policy/1\norg_owners:\n  min: 5\n  max: 2\n");
        assert_eq!((bounds.line, bounds.key.as_str()), (Some(3), "org_owners"), "{bounds}");
        let twice = "format: permaudit-policy/1\nrules:\n  - id: a\n    projects: [x]\n    role: owner\n  - id: a\n    projects: [y]\n    role: owner\n";
        let twice = problem(twice);
        assert_eq!((twice.line, twice.key.as_str()), (Some(6), "rules[1].id"), "{twice}");
        let empty = problem("format: permaudit-policy/1\nrules:\n  - id: a\n    role: owner\n");
        assert_eq!((empty.line, empty.key.as_str()), (Some(3), "rules[0]"), "{empty}");
        let builtin = problem(
            "format: permaudit-policy/1\nrules:\n  - id: org-owner-count\n    projects: [x]\n    role: owner\n",
        );
        assert!(builtin.message.contains("is the id of a built-in control"), "{builtin}");
    }

    #[test]
    fn kebab_case_ids() {
        assert!(is_kebab_case("prod-owners") && is_kebab_case("rule-2"));
        for bad in ["Prod", "-x", "a--b", "x-", "", "a_b"] {
            assert!(!is_kebab_case(bad), "{bad}");
        }
    }
}
