//! The one-person (offboarding) review: everything a member can reach and through which path, an
//! ordered revocation plan, and the clouds and projects left with no owner once the member is gone.
//!
//! The plan is ordered so that no step ever raises the member's access (removing a direct `readonly`
//! on a cloud before the group that it restricts would raise the role, R3), and so that each step
//! removes as much privilege as possible: org ownership first, then owner, write and read entries.
//! Grants that give nothing today (dropped by the rules) come last, as clean-up.

pub mod plan;

use super::csv::{neutralise, render, CSV_FORMAT};
use super::facts;
use super::summary::CollectionFacts;
use crate::model::{Collection, DirectLevel, OrgRole, Role};
use crate::resolve::{describe_source, Anomaly, Entry, MemberAccess, MemberIx, Outcome, Resolution, Source};
use plan::{Holding, Revocation};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The columns of `revocation-plan.csv`, in order.
pub const PLAN_COLUMNS: [&str; 9] =
    ["format", "organization_id", "member_id", "step", "action", "target_type", "target_id", "target_name", "effect"];

/// The one-person report, ready for a template.
#[derive(Debug, Serialize)]
pub struct Offboarding {
    pub collection: CollectionFacts,
    pub member: PersonFacts,
    pub entries: Vec<EntryRow>,
    pub plan: Vec<Step>,
    pub left_without_owner: Vec<ResourceRow>,
    pub anomalies: Vec<AnomalyRow>,
}

/// Who the person is.
#[derive(Debug, Serialize)]
pub struct PersonFacts {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_service_account: bool,
    pub org_role: &'static str,
    pub org_role_sources: String,
    pub is_org_owner: bool,
}

/// One cloud or project entry with its paths.
#[derive(Debug, Serialize)]
pub struct EntryRow {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub paths: Vec<String>,
    pub cap: Option<String>,
}

/// One step of the revocation plan.
#[derive(Debug, Serialize)]
pub struct Step {
    pub number: usize,
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: String,
    pub target_name: String,
    pub effect: String,
}

/// A cloud or project whose only explicit owner is the person.
#[derive(Debug, Serialize)]
pub struct ResourceRow {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
}

/// An anomaly that names the person.
#[derive(Debug, Serialize)]
pub struct AnomalyRow {
    pub code: &'static str,
    pub detail: String,
}

impl Offboarding {
    /// Builds the review of one member.
    pub fn new(
        resolution: &Resolution<'_>,
        collection: &Collection,
        access: &MemberAccess,
        anomalies: &[&Anomaly],
    ) -> Offboarding {
        let index = &resolution.index;
        let record = index.member_record(access.member);
        Offboarding {
            collection: CollectionFacts::new(resolution, collection),
            member: PersonFacts {
                id: record.member_id().to_owned(),
                email: record.email.clone(),
                name: record.name.clone(),
                is_service_account: record.is_service_account,
                org_role: facts::org_role(access),
                org_role_sources: facts::org_role_sources(index, access),
                is_org_owner: access.is_org_owner,
            },
            entries: entry_rows(resolution, access),
            plan: Steps { resolution, member: access.member }.plan(),
            left_without_owner: left_without_owner(resolution, access),
            anomalies: anomalies
                .iter()
                .map(|anomaly| AnomalyRow { code: anomaly.kind().code(), detail: anomaly.detail(index) })
                .collect(),
        }
    }

    /// Writes `revocation-plan.csv`: one row per step, in order.
    pub fn write_plan_csv<W: Write>(&self, mut writer: W) -> io::Result<()> {
        let bytes = render(|csv| {
            csv.write_record(PLAN_COLUMNS)?;
            for step in &self.plan {
                csv.write_record([
                    CSV_FORMAT,
                    &neutralise(&self.collection.organization_id),
                    &neutralise(&self.member.id),
                    &step.number.to_string(),
                    step.action,
                    step.target_type,
                    &neutralise(&step.target_id),
                    &neutralise(&step.target_name),
                    &neutralise(&step.effect),
                ])?;
            }
            Ok(())
        })?;
        writer.write_all(&bytes)?;
        writer.flush()
    }
}

fn entry_rows(resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<EntryRow> {
    let index = &resolution.index;
    let paths = |sources: &[Source]| sources.iter().map(|&source| describe_source(index, source)).collect();
    let mut rows = Vec::new();
    for cloud in &access.clouds {
        let record = index.cloud_record(cloud.cloud);
        rows.push(EntryRow {
            kind: "cloud",
            id: record.id.to_string(),
            name: record.name.clone(),
            role: cloud.role.as_str(),
            paths: paths(&cloud.sources),
            cap: facts::cloud_cap(index, cloud),
        });
        for project in &cloud.projects {
            let record = index.project_record(project.project);
            rows.push(EntryRow {
                kind: "project",
                id: record.id.to_string(),
                name: record.name.clone(),
                role: project.role.as_str(),
                paths: paths(&project.sources),
                cap: facts::project_cap(index, cloud, project),
            });
        }
    }
    rows
}

/// Returns the clouds and projects whose only explicit owner is this member.
fn left_without_owner(resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<ResourceRow> {
    let index = &resolution.index;
    let mut owners: BTreeMap<Entry, usize> = BTreeMap::new();
    for other in &resolution.members {
        for cloud in &other.clouds {
            if cloud.role == Role::Owner {
                *owners.entry(Entry::Cloud(cloud.cloud)).or_default() += 1;
            }
            for project in cloud.projects.iter().filter(|project| project.role == Role::Owner) {
                *owners.entry(Entry::Project(project.project)).or_default() += 1;
            }
        }
    }
    let mut rows = Vec::new();
    for cloud in &access.clouds {
        if cloud.role == Role::Owner && owners.get(&Entry::Cloud(cloud.cloud)) == Some(&1) {
            let record = index.cloud_record(cloud.cloud);
            rows.push(ResourceRow { kind: "cloud", id: record.id.to_string(), name: record.name.clone() });
        }
        for project in &cloud.projects {
            if project.role == Role::Owner && owners.get(&Entry::Project(project.project)) == Some(&1) {
                let record = index.project_record(project.project);
                rows.push(ResourceRow { kind: "project", id: record.id.to_string(), name: record.name.clone() });
            }
        }
    }
    rows
}

/// Turns the planner's revocations into the steps of the report, in words.
struct Steps<'r, 'a> {
    resolution: &'r Resolution<'a>,
    member: MemberIx,
}

impl<'r, 'a> Steps<'r, 'a> {
    /// Returns the steps: revocations in a safe order, then the removal from the organization.
    fn plan(&self) -> Vec<Step> {
        let revocations = plan::plan(self.resolution, self.member);
        let mut steps: Vec<Step> =
            revocations.iter().enumerate().map(|(position, revocation)| self.step(position + 1, revocation)).collect();
        steps.push(self.final_step(steps.len() + 1));
        steps
    }

    fn step(&self, number: usize, revocation: &Revocation) -> Step {
        let index = &self.resolution.index;
        let (action, target_type, target_id, target_name) = match revocation.holding {
            Holding::Group(group) => {
                let record = index.group_record(group);
                ("leave group", "group", record.id.to_string(), record.name.clone())
            }
            Holding::Direct(Entry::Cloud(cloud)) => {
                let record = index.cloud_record(cloud);
                ("delete direct grant", "cloud", record.id.to_string(), record.name.clone())
            }
            Holding::Direct(Entry::Project(project)) => {
                let record = index.project_record(project);
                ("delete direct grant", "project", record.id.to_string(), record.name.clone())
            }
        };
        let mut effect = self.describe_change(&revocation.outcome);
        if let Holding::Direct(entry) = revocation.holding {
            let levels: Vec<&str> = self
                .resolution
                .graph
                .direct_grants(self.member)
                .filter(|(on, _)| *on == entry)
                .map(|(_, level)| level)
                .collect::<std::collections::BTreeSet<DirectLevel>>()
                .into_iter()
                .map(DirectLevel::as_str)
                .collect();
            effect = format!("direct {}: {effect}", levels.join(", "));
        }
        Step { number, action, target_type, target_id, target_name, effect }
    }

    fn final_step(&self, number: usize) -> Step {
        let record = self.resolution.index.member_record(self.member);
        let effect = match record.level_role() {
            Some(OrgRole::Owner) if !record.is_service_account => {
                "ends org ownership (permission_level owner) and all implicit access".to_owned()
            }
            Some(role) => format!("ends the base role (permission_level {role})"),
            None => format!("removes the member record (permission_level `{}`, no base role)", record.permission_level),
        };
        Step {
            number,
            action: "remove from organization",
            target_type: "organization",
            target_id: self.resolution.organization_id().to_owned(),
            target_name: record.email.clone(),
            effect,
        }
    }

    /// Returns what a revocation changes, in words, or that nothing does.
    fn describe_change(&self, outcome: &Outcome) -> String {
        let index = &self.resolution.index;
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
            return "no change to effective access today (clean-up: the grant is redundant or dropped)".to_owned();
        }
        changes.join("; ")
    }
}
