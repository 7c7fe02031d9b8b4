//! The summary an audit report opens with: who the members are, who owns the organization, which
//! service accounts can write, what anomalies the data holds, and how far each group reaches; for a
//! scoped review, within its scope.

use super::facts;
use super::view::ReportView;
use crate::model::{Collection, Role, Severity};
use crate::resolve::{
    describe_base, Anomaly, AnomalyKind, AnomalyScope, Entry, GroupIx, MemberAccess, Resolution, Source,
};
use serde::Serialize;

/// The facts of the summary, ready for a template.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub collection: CollectionFacts,
    /// What a scoped review covers, one phrase per requested cloud or project; empty for the whole
    /// organization.
    pub scope: Vec<String>,
    pub clouds: usize,
    pub projects: usize,
    pub members: usize,
    pub members_with_access: usize,
    pub members_without_access: usize,
    pub service_accounts: usize,
    pub org_owners: Vec<OwnerRow>,
    pub privileged_service_accounts: Vec<ServiceAccountRow>,
    pub anomaly_total: usize,
    pub anomaly_kinds: Vec<KindRow>,
    /// The anomalies about the organization's data rather than one member (deleted groups, unknown ids,
    /// group owner bindings); members' own anomalies are shown with each member.
    pub data_anomalies: Vec<AnomalyRow>,
    pub groups: Vec<GroupRow>,
    /// Every anomaly kind, for the legend, in code order.
    pub legend: Vec<LegendRow>,
}

/// One anomaly kind in the legend.
#[derive(Debug, Serialize)]
pub struct LegendRow {
    pub code: &'static str,
    pub meaning: &'static str,
    pub severity: Severity,
}

/// Where and when the data was collected, and whether the collection is complete.
#[derive(Debug, Serialize)]
pub struct CollectionFacts {
    pub organization_id: String,
    pub collected_at: String,
    pub source: String,
    pub complete: bool,
    pub gaps: Vec<String>,
}

impl CollectionFacts {
    /// Returns the collection facts of a resolved organization.
    pub fn new(resolution: &Resolution<'_>, collection: &Collection) -> CollectionFacts {
        CollectionFacts {
            organization_id: resolution.organization_id().to_owned(),
            collected_at: collection.collected_at.clone(),
            source: collection.source.clone(),
            complete: collection.complete,
            gaps: collection.gaps.clone(),
        }
    }
}

/// An org owner and where the ownership comes from.
#[derive(Debug, Serialize)]
pub struct OwnerRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub via: String,
}

/// A service account holding `collaborator` (write) or `owner` somewhere.
#[derive(Debug, Serialize)]
pub struct ServiceAccountRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub highest_role: &'static str,
    pub owner_entries: usize,
    pub write_entries: usize,
}

/// How many anomalies of one kind the data holds.
#[derive(Debug, Serialize)]
pub struct KindRow {
    pub code: &'static str,
    pub count: usize,
    pub meaning: &'static str,
}

/// One anomaly with its ids and its sentence.
#[derive(Debug, Serialize)]
pub struct AnomalyRow {
    pub code: &'static str,
    pub subjects: String,
    pub detail: String,
}

/// One group and its reach: members, grants, and the entries it is a path of.
#[derive(Debug, Default, Serialize)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub source: &'static str,
    pub org_role: &'static str,
    pub deleted: bool,
    pub members: usize,
    pub cloud_grants: usize,
    pub project_grants: usize,
    /// Member entries (cloud or project) this group is one of the paths of.
    pub entries: usize,
    /// Member entries this group is the only path of: removing it removes the access.
    pub sole_entries: usize,
}

impl Summary {
    /// Computes the summary of a report's view and its collection.
    pub fn new(view: &ReportView<'_, '_>, collection: &Collection) -> Summary {
        let resolution = view.resolution;
        let members = view.members();
        let with_access = members.iter().filter(|access| !access.clouds.is_empty()).count();
        Summary {
            collection: CollectionFacts::new(resolution, collection),
            scope: view.scope_phrases(),
            clouds: view.clouds().len(),
            projects: view.projects().len(),
            members: members.len(),
            members_with_access: with_access,
            members_without_access: members.len() - with_access,
            service_accounts: members
                .iter()
                .filter(|access| resolution.index.member_record(access.member).is_service_account)
                .count(),
            org_owners: view.org_owners().map(|access| owner_row(resolution, access)).collect(),
            privileged_service_accounts: members
                .iter()
                .filter_map(|access| service_account_row(resolution, access))
                .collect(),
            anomaly_total: view.anomalies().len(),
            anomaly_kinds: anomaly_kinds(view.anomalies()),
            data_anomalies: data_anomalies(resolution, view.anomalies()),
            groups: group_rows(view),
            legend: AnomalyKind::ALL
                .iter()
                .map(|kind| {
                    let info = kind.info();
                    LegendRow { code: info.code, meaning: info.meaning, severity: info.severity }
                })
                .collect(),
        }
    }
}

fn owner_row(resolution: &Resolution<'_>, access: &MemberAccess) -> OwnerRow {
    let record = resolution.index.member_record(access.member);
    let via: Vec<String> = access
        .base
        .iter()
        .filter(|base| base.role() == crate::model::OrgRole::Owner)
        .map(|&base| describe_base(&resolution.index, base))
        .collect();
    OwnerRow {
        id: record.member_id().to_owned(),
        email: record.email.clone(),
        name: record.name.clone(),
        via: via.join("; "),
    }
}

fn service_account_row(resolution: &Resolution<'_>, access: &MemberAccess) -> Option<ServiceAccountRow> {
    let record = resolution.index.member_record(access.member);
    if !record.is_service_account {
        return None;
    }
    let highest = facts::highest_role(access).filter(|&role| role >= Role::Collaborator)?;
    let projects = access.clouds.iter().flat_map(|cloud| cloud.projects.iter().map(|project| project.role));
    let roles: Vec<Role> = access.clouds.iter().map(|cloud| cloud.role).chain(projects).collect();
    Some(ServiceAccountRow {
        id: record.member_id().to_owned(),
        email: record.email.clone(),
        name: record.name.clone(),
        highest_role: highest.as_str(),
        owner_entries: roles.iter().filter(|&&role| role == Role::Owner).count(),
        write_entries: roles.iter().filter(|&&role| role == Role::Collaborator).count(),
    })
}

/// Returns the kinds present among `anomalies`, with their counts, in code order.
pub fn anomaly_kinds(anomalies: &[&Anomaly]) -> Vec<KindRow> {
    let mut counts = vec![0; AnomalyKind::ALL.len()];
    for anomaly in anomalies {
        if let Some(position) = AnomalyKind::ALL.iter().position(|&kind| kind == anomaly.kind()) {
            counts[position] += 1;
        }
    }
    AnomalyKind::ALL
        .iter()
        .zip(counts)
        .filter(|(_, count)| *count > 0)
        .map(|(&kind, count)| KindRow { code: kind.code(), count, meaning: kind.meaning() })
        .collect()
}

fn data_anomalies(resolution: &Resolution<'_>, anomalies: &[&Anomaly]) -> Vec<AnomalyRow> {
    let index = &resolution.index;
    anomalies
        .iter()
        .filter(|anomaly| anomaly.kind().scope() == AnomalyScope::Data)
        .map(|anomaly| {
            let subjects: Vec<String> = anomaly.subjects(index).iter().map(ToString::to_string).collect();
            AnomalyRow { code: anomaly.kind().code(), subjects: subjects.join("; "), detail: anomaly.detail(index) }
        })
        .collect()
}

/// Returns every group with its members, grants and the entries it is a path of, in name order; a
/// scoped review counts only grants and entries in scope, and lists only the groups with some there or
/// an org role of owner.
fn group_rows(view: &ReportView<'_, '_>) -> Vec<GroupRow> {
    let index = &view.resolution.index;
    let mut rows: Vec<GroupRow> = (0..index.groups.len() as GroupIx).map(|group| group_row(view, group)).collect();
    for access in view.members() {
        for cloud in &access.clouds {
            count_paths(&mut rows, &cloud.sources);
            for project in &cloud.projects {
                count_paths(&mut rows, &project.sources);
            }
        }
    }
    if view.scope.is_some() {
        rows.retain(|row| row.cloud_grants + row.project_grants + row.entries > 0 || row.org_role == "owner");
    }
    rows
}

fn group_row(view: &ReportView<'_, '_>, group: GroupIx) -> GroupRow {
    let record = view.resolution.index.group_record(group);
    let graph = &view.resolution.graph;
    let (mut cloud_grants, mut project_grants) = (0, 0);
    for (entry, _) in graph.group_grants(group) {
        match entry {
            Entry::Cloud(cloud) => cloud_grants += usize::from(view.has_cloud(cloud)),
            Entry::Project(project) => project_grants += usize::from(view.has_project(project)),
        }
    }
    GroupRow {
        id: record.id.to_string(),
        name: record.name.clone(),
        source: match record.source {
            crate::model::GroupSource::User => "user",
            crate::model::GroupSource::Scim => "scim",
        },
        org_role: record.org_role.map_or("", |role| role.as_str()),
        deleted: record.is_deleted(),
        members: graph.members_of(group).count(),
        cloud_grants,
        project_grants,
        ..GroupRow::default()
    }
}

/// Counts, for each group among `sources`, one entry, and one sole entry when no other path exists.
fn count_paths(rows: &mut [GroupRow], sources: &[Source]) {
    let mut groups: Vec<GroupIx> = sources
        .iter()
        .filter_map(|source| match *source {
            Source::Group { group, .. } => Some(group),
            Source::Direct(_) => None,
        })
        .collect();
    // A group bound twice on one resource (two roles) is still one path to remove.
    groups.dedup();
    let is_sole = groups.len() == 1 && sources.iter().all(|source| matches!(source, Source::Group { .. }));
    for group in groups {
        let row = &mut rows[group as usize];
        row.entries += 1;
        row.sole_entries += usize::from(is_sole);
    }
}
