//! `explain`: why one member has each role, every path that grants it, and what would remain if any
//! single path were removed, as text for a terminal or a ticket.

use super::facts::{self, AnomalyLookup};
use super::whatif;
use crate::resolve::{
    describe_base, describe_source, Anomaly, AnomalyScope, CloudAccess, CloudIx, MemberAccess, ProjectAccess,
    ProjectIx, Resolution, Simulation,
};
use std::fmt::Write as _;

/// Which entries an explanation covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every cloud and project entry.
    #[default]
    Everything,
    /// One cloud and the projects under it.
    Cloud(CloudIx),
    /// One project (with its cloud, whose role caps it).
    Project(ProjectIx),
}

/// Returns the explanation of one member's access within `scope`, as text.
pub fn explain(resolution: &Resolution<'_>, access: &MemberAccess, scope: Scope) -> String {
    let mut text = String::new();
    write_header(&mut text, resolution, access);
    let clouds: Vec<&CloudAccess> =
        access.clouds.iter().filter(|cloud| cloud_in_scope(resolution, cloud, scope)).collect();
    if clouds.is_empty() {
        let _ = writeln!(text, "\n{}", no_entry_reason(resolution, access, scope));
    }
    let reach = resolution.reach(access.member);
    let simulation = Simulation::new(&reach, resolution.graph.project_parents());
    for cloud in clouds {
        write_cloud(&mut text, resolution, &simulation, cloud, scope);
    }
    write_anomalies(&mut text, resolution, access, scope);
    text
}

fn write_header(text: &mut String, resolution: &Resolution<'_>, access: &MemberAccess) {
    let index = &resolution.index;
    let record = index.member_record(access.member);
    let kind = if record.is_service_account { ", service account" } else { "" };
    let _ = writeln!(text, "{} ({}, {}{kind})", record.email, record.member_id(), record.name);
    let _ = writeln!(text, "organization {}", resolution.organization_id());
    let _ = write!(text, "org role: {}", facts::org_role(access));
    if access.base.is_empty() {
        let _ = writeln!(
            text,
            " (permission_level `{}`, no org role from a group: no access, R2)",
            record.permission_level
        );
        return;
    }
    let _ = writeln!(text);
    for base in &access.base {
        let _ = writeln!(text, "  - {}", describe_base(index, *base));
    }
    if access.is_org_owner {
        let _ = writeln!(text, "  org owner: implicit access to every cloud and project, which is never listed (R3)");
    }
}

fn cloud_in_scope(resolution: &Resolution<'_>, cloud: &CloudAccess, scope: Scope) -> bool {
    match scope {
        Scope::Everything => true,
        Scope::Cloud(wanted) => cloud.cloud == wanted,
        Scope::Project(wanted) => resolution.graph.project_parent(wanted) == Some(cloud.cloud),
    }
}

fn write_cloud(
    text: &mut String,
    resolution: &Resolution<'_>,
    simulation: &Simulation<'_>,
    cloud: &CloudAccess,
    scope: Scope,
) {
    let index = &resolution.index;
    let record = index.cloud_record(cloud.cloud);
    let _ = writeln!(text, "\ncloud {} ({}): {}", record.name, record.id, cloud.role);
    if let Some(cap) = facts::cloud_cap(index, cloud) {
        let _ = writeln!(text, "  {cap}");
    }
    let _ = writeln!(text, "  paths, and what would remain without each one:");
    for (position, source) in cloud.sources.iter().enumerate() {
        let remaining = whatif::without_cloud_path(index, simulation, cloud, position);
        let _ = writeln!(text, "  - {}: without it, {remaining}", describe_source(index, *source));
    }
    for project in &cloud.projects {
        if !matches!(scope, Scope::Project(wanted) if wanted != project.project) {
            write_project(text, resolution, simulation, cloud, project);
        }
    }
    if let Scope::Project(wanted) = scope {
        if !cloud.projects.iter().any(|project| project.project == wanted) {
            let name = &index.project_record(wanted).name;
            let _ = writeln!(text, "  project {name}: no role (no grant reaches it)");
        }
    }
}

fn write_project(
    text: &mut String,
    resolution: &Resolution<'_>,
    simulation: &Simulation<'_>,
    cloud: &CloudAccess,
    project: &ProjectAccess,
) {
    let index = &resolution.index;
    let record = index.project_record(project.project);
    let _ = writeln!(text, "  project {} ({}): {}", record.name, record.id, project.role);
    if let Some(cap) = facts::project_cap(index, cloud, project) {
        let _ = writeln!(text, "    {cap}");
    }
    for (position, source) in project.sources.iter().enumerate() {
        let remaining = whatif::without_project_path(simulation, project, position);
        let _ = writeln!(text, "    - {}: without it, {remaining}", describe_source(index, *source));
    }
}

/// Returns why the member has no entry in `scope`.
fn no_entry_reason(resolution: &Resolution<'_>, access: &MemberAccess, scope: Scope) -> String {
    let index = &resolution.index;
    let target = match scope {
        Scope::Everything => "any cloud".to_owned(),
        Scope::Cloud(cloud) => format!("cloud {}", index.cloud_record(cloud).name),
        Scope::Project(project) => format!("project {}", index.project_record(project).name),
    };
    let why = if access.base.is_empty() {
        "the member has no base role, so grants give nothing (R2)"
    } else if access.is_org_owner {
        "no explicit grant; as an org owner the member has implicit access"
    } else {
        "no grant reaches it, or only grants that the rules dropped (see the anomalies)"
    };
    format!("no role on {target}: {why}")
}

fn write_anomalies(text: &mut String, resolution: &Resolution<'_>, access: &MemberAccess, scope: Scope) {
    let lookup = AnomalyLookup::new(resolution);
    let found: Vec<&Anomaly> = lookup
        .of_member(access.member)
        .iter()
        .copied()
        .filter(|anomaly| anomaly_in_scope(resolution, anomaly, scope))
        .collect();
    if found.is_empty() {
        return;
    }
    let _ = writeln!(text, "\nanomalies:");
    for anomaly in found {
        let _ = writeln!(text, "  - {}: {}", anomaly.kind(), anomaly.detail(&resolution.index));
    }
}

fn anomaly_in_scope(resolution: &Resolution<'_>, anomaly: &Anomaly, scope: Scope) -> bool {
    let about = anomaly.kind().scope();
    match scope {
        Scope::Everything => true,
        Scope::Cloud(wanted) => match about {
            AnomalyScope::Member => true,
            AnomalyScope::CloudEntry | AnomalyScope::ProjectEntry => anomaly.cloud() == Some(wanted),
            AnomalyScope::Data => false,
        },
        Scope::Project(wanted) => match about {
            AnomalyScope::Member => true,
            AnomalyScope::CloudEntry => {
                anomaly.cloud().is_some() && anomaly.cloud() == resolution.graph.project_parent(wanted)
            }
            AnomalyScope::ProjectEntry => anomaly.project() == Some(wanted),
            AnomalyScope::Data => false,
        },
    }
}
