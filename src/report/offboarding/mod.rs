//! The one-person (offboarding) review: everything a member can reach and through which path, an
//! ordered revocation plan, and the clouds and projects left with no owner once the member is gone.
//!
//! The plan is ordered so that no step ever raises the member's access (removing a direct `readonly`
//! on a cloud before the group that it restricts would raise the role, R3), and so that each step
//! removes as much privilege as possible: org ownership first, then owner, write and read entries.
//! Grants that give nothing today (dropped by the rules) come last, as clean-up. Before any
//! revocation, a step names a new owner for each cloud and project that only the member owns. Every
//! step says how to carry it out ([`how`]).

pub mod how;
pub mod plan;
mod steps;

use super::cell::{neutralise, render};
use super::csv::CSV_FORMAT;
use super::facts;
use super::summary::CollectionFacts;
use crate::model::{Collection, Role};
use crate::resolve::{describe_source, Anomaly, Entry, MemberAccess, Resolution, Source};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
pub use steps::Step;
use steps::Steps;

/// The columns of `revocation-plan.csv`, in order.
pub const PLAN_COLUMNS: [&str; 10] = [
    "format",
    "organization_id",
    "member_id",
    "step",
    "action",
    "target_type",
    "target_id",
    "target_name",
    "effect",
    "how",
];

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
    #[serde(flatten)]
    pub resource: ResourceRow,
    pub role: &'static str,
    pub paths: Vec<String>,
    pub cap: Option<String>,
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
        let orphaned = left_without_owner(resolution, access);
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
            plan: Steps { resolution, member: access.member, orphaned: &orphaned }.plan(),
            left_without_owner: orphaned.iter().map(|&entry| resource_row(resolution, entry)).collect(),
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
                    &neutralise(&step.how),
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
        rows.push(EntryRow {
            resource: resource_row(resolution, Entry::Cloud(cloud.cloud)),
            role: cloud.role.as_str(),
            paths: paths(&cloud.sources),
            cap: facts::cloud_cap(index, cloud),
        });
        for project in &cloud.projects {
            rows.push(EntryRow {
                resource: resource_row(resolution, Entry::Project(project.project)),
                role: project.role.as_str(),
                paths: paths(&project.sources),
                cap: facts::project_cap(index, cloud, project),
            });
        }
    }
    rows
}

/// Returns the clouds and projects whose only explicit owner is this member, in output order.
fn left_without_owner(resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<Entry> {
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
    let only_owner = |entry: Entry| owners.get(&entry) == Some(&1);
    let mut entries = Vec::new();
    for cloud in &access.clouds {
        if cloud.role == Role::Owner && only_owner(Entry::Cloud(cloud.cloud)) {
            entries.push(Entry::Cloud(cloud.cloud));
        }
        let projects = cloud.projects.iter().filter(|project| project.role == Role::Owner);
        entries.extend(projects.map(|project| Entry::Project(project.project)).filter(|&entry| only_owner(entry)));
    }
    entries
}

fn resource_row(resolution: &Resolution<'_>, entry: Entry) -> ResourceRow {
    let index = &resolution.index;
    match entry {
        Entry::Cloud(cloud) => {
            let record = index.cloud_record(cloud);
            ResourceRow { kind: "cloud", id: record.id.to_string(), name: record.name.clone() }
        }
        Entry::Project(project) => {
            let record = index.project_record(project);
            ResourceRow { kind: "project", id: record.id.to_string(), name: record.name.clone() }
        }
    }
}
