//! The plan in words: the planner's revocations, the steps that name a new owner for what the member
//! alone owns, and the removal from the organization, each with its effect and how to carry it out.
//!
//! Order: the demotion of an org owner (when the planner made one), then "name a new owner" for every
//! cloud and project left with no owner (a demotion changes no explicit role, so nothing is orphaned
//! before them), then the other revocations, then the removal from the organization.

use super::how;
use super::plan::{self, Holding, Revocation};
use crate::model::DirectLevel;
use crate::resolve::{Entry, MemberIx, Outcome, Resolution};
use serde::Serialize;
use std::collections::BTreeSet;

/// One step of the revocation plan.
#[derive(Debug, Serialize)]
pub struct Step {
    pub number: usize,
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: String,
    pub target_name: String,
    /// The step as a sentence: "Leave group ml", "Remove alice@example.com from the organization".
    pub summary: String,
    pub effect: String,
    /// How to carry it out: the API call, or where the change is made.
    pub how: String,
}

/// Turns the planner's revocations into the steps of the report, in words.
pub struct Steps<'r, 'a> {
    pub resolution: &'r Resolution<'a>,
    pub member: MemberIx,
    /// The clouds and projects that only the member owns.
    pub orphaned: &'r [Entry],
}

impl Steps<'_, '_> {
    /// Returns every step in order, numbered from 1.
    pub fn plan(&self) -> Vec<Step> {
        let revocations = plan::plan(self.resolution, self.member);
        let demotions = revocations.iter().take_while(|revocation| revocation.holding == Holding::OwnerLevel);
        let demotion_count = demotions.clone().count();
        let mut steps: Vec<Step> = demotions.map(|revocation| self.demotion(revocation)).collect();
        steps.extend(self.orphaned.iter().map(|&entry| self.name_owner(entry)));
        steps.extend(revocations[demotion_count..].iter().map(|revocation| self.revocation(revocation)));
        steps.push(self.removal(demotion_count > 0));
        for (position, step) in steps.iter_mut().enumerate() {
            step.number = position + 1;
        }
        steps
    }

    fn member_record(&self) -> &crate::model::Member {
        self.resolution.index.member_record(self.member)
    }

    fn member_step(&self, action: &'static str, summary: String, effect: String, how: String) -> Step {
        let record = self.member_record();
        Step {
            number: 0,
            action,
            target_type: "member",
            target_id: record.member_id().to_owned(),
            target_name: record.email.clone(),
            summary,
            effect,
            how,
        }
    }

    fn demotion(&self, revocation: &Revocation) -> Step {
        let record = self.member_record();
        let outcome = &revocation.outcome;
        let effect = if outcome.was_org_owner && outcome.is_org_owner {
            "permission_level owner -> collaborator; org ownership remains through owner groups, left next"
        } else {
            "permission_level owner -> collaborator: ends org ownership and its implicit access to every cloud and project"
        };
        let summary = format!("Change the permission level of {} from owner to collaborator", record.email);
        self.member_step("change permission level", summary, effect.to_owned(), how::demote(record))
    }

    fn name_owner(&self, entry: Entry) -> Step {
        let (target_type, target_id, target_name) = self.entry_target(entry);
        Step {
            number: 0,
            action: "name a new owner",
            target_type,
            summary: format!("Name a new owner for {target_type} {target_name}"),
            target_id,
            target_name,
            effect: "no change to the member's access; the member is its only explicit owner, so once the member \
                     is gone only org owners could manage it"
                .to_owned(),
            how: how::name_owner(&self.resolution.index, entry),
        }
    }

    fn revocation(&self, revocation: &Revocation) -> Step {
        let index = &self.resolution.index;
        let record = self.member_record();
        let effect = describe_change(self.resolution, &revocation.outcome);
        match revocation.holding {
            Holding::Group(group) => {
                let group_record = index.group_record(group);
                Step {
                    number: 0,
                    action: "leave group",
                    target_type: "group",
                    target_id: group_record.id.to_string(),
                    target_name: group_record.name.clone(),
                    summary: format!("Leave group {}", group_record.name),
                    effect,
                    how: how::leave_group(index, group, record),
                }
            }
            Holding::Direct(entry) => {
                let (target_type, target_id, target_name) = self.entry_target(entry);
                Step {
                    number: 0,
                    action: "delete direct grant",
                    target_type,
                    summary: format!("Delete the direct grants on {target_type} {target_name}"),
                    target_id,
                    target_name,
                    effect: format!("direct {}: {effect}", self.direct_levels(entry)),
                    how: how::delete_direct(index, entry, record),
                }
            }
            Holding::OwnerLevel => self.demotion(revocation),
        }
    }

    /// Returns the member's direct levels on one entry: `owner, readonly`.
    fn direct_levels(&self, entry: Entry) -> String {
        let levels: BTreeSet<DirectLevel> = self
            .resolution
            .graph
            .direct_grants(self.member)
            .filter(|(on, _)| *on == entry)
            .map(|(_, level)| level)
            .collect();
        levels.into_iter().map(DirectLevel::as_str).collect::<Vec<_>>().join(", ")
    }

    fn entry_target(&self, entry: Entry) -> (&'static str, String, String) {
        let index = &self.resolution.index;
        match entry {
            Entry::Cloud(cloud) => {
                ("cloud", index.cloud_record(cloud).id.to_string(), index.cloud_record(cloud).name.clone())
            }
            Entry::Project(project) => {
                ("project", index.project_record(project).id.to_string(), index.project_record(project).name.clone())
            }
        }
    }

    /// Returns the last step; `demoted` when the plan changed the member's level to `collaborator`.
    fn removal(&self, demoted: bool) -> Step {
        let record = self.member_record();
        let effect = match record.level_role() {
            _ if demoted => "ends the base role (permission_level collaborator since step 1)".to_owned(),
            Some(role) => format!("ends the base role (permission_level {role})"),
            None => format!("removes the member record (permission_level `{}`, no base role)", record.permission_level),
        };
        let summary = format!("Remove {} from the organization {}", record.email, self.resolution.organization_id());
        self.member_step("remove from organization", summary, effect, how::remove(record))
    }
}

/// Returns what a revocation changes, in words, or that nothing does.
fn describe_change(resolution: &Resolution<'_>, outcome: &Outcome) -> String {
    let index = &resolution.index;
    let name = |entry: Entry| match entry {
        Entry::Cloud(cloud) => format!("cloud {}", index.cloud_record(cloud).name),
        Entry::Project(project) => format!("project {}", index.project_record(project).name),
    };
    let mut changes = Vec::new();
    if outcome.was_org_owner && !outcome.is_org_owner {
        changes.push("ends org ownership".to_owned());
    }
    for change in &outcome.changes {
        match (change.before, change.after) {
            (Some(role), None) => changes.push(format!("{} {role} -> none", name(change.entry))),
            (Some(role), Some(new)) => changes.push(format!("{} {role} -> {new}", name(change.entry))),
            (None, _) => {}
        }
    }
    for change in &outcome.changes {
        if let (None, Some(role)) = (change.before, change.after) {
            changes.push(format!("{} none -> {role} (raised until a later step)", name(change.entry)));
        }
    }
    if changes.is_empty() {
        if outcome.was_org_owner {
            return "no change to effective access yet: org ownership remains through the other owner groups, left next"
                .to_owned();
        }
        return "no change to effective access today (clean-up: what it grants is redundant or dropped)".to_owned();
    }
    changes.join("; ")
}
