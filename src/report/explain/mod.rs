//! `explain`: why one member has each role, every path that grants it, and what would remain if any
//! single path were removed. One [`Explanation`] holds it all; it is printed as text for a terminal or
//! a ticket ([`Explanation::to_text`]) or as JSON for scripts (format `permaudit-explain/1`), with the
//! same content.

mod text;

use super::facts::{self, AnomalyLookup};
use super::whatif;
use crate::resolve::{
    describe_base, describe_source, Anomaly, AnomalyScope, CloudAccess, CloudIx, MemberAccess, ProjectAccess,
    ProjectIx, Resolution, Simulation,
};
use serde::Serialize;

/// The `format` of the JSON explanation.
pub const EXPLAIN_FORMAT: &str = "permaudit-explain/1";

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

/// One member's access explained: who, the org role and its sources, each entry in scope with its
/// paths and what would remain without each, and the anomalies that name the member.
#[derive(Debug, Serialize)]
pub struct Explanation {
    pub format: &'static str,
    pub organization_id: String,
    pub member: MemberFacts,
    pub scope: ScopeFacts,
    /// Why the member has no entry in scope, when it has none.
    pub no_entry: Option<String>,
    pub clouds: Vec<CloudExplanation>,
    pub anomalies: Vec<AnomalyFacts>,
}

/// Who the member is and where its org role comes from.
#[derive(Debug, Serialize)]
pub struct MemberFacts {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_service_account: bool,
    pub permission_level: String,
    /// `owner`, `collaborator` or `none` (R1, R2).
    pub org_role: &'static str,
    /// Every source of the org role: `permission_level collaborator`, `group admins (ug_admins): owner`.
    pub org_role_sources: Vec<String>,
    /// True for an org owner, whose implicit access to every cloud and project is never listed (R3).
    pub is_org_owner: bool,
}

/// What the explanation covers: `everything`, or one cloud or project.
#[derive(Debug, Serialize)]
pub struct ScopeFacts {
    pub kind: &'static str,
    pub id: Option<String>,
    pub name: Option<String>,
}

/// One cloud entry and its projects.
#[derive(Debug, Serialize)]
pub struct CloudExplanation {
    #[serde(flatten)]
    pub entry: EntryExplanation,
    pub projects: Vec<ProjectExplanation>,
    /// With `--project`, the project in scope when the member has no role on it.
    pub project_without_role: Option<ProjectName>,
}

/// One project entry under its cloud.
pub type ProjectExplanation = EntryExplanation;

/// One cloud or project entry: its role, the cap on it, and its paths.
#[derive(Debug, Serialize)]
pub struct EntryExplanation {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub cap: Option<String>,
    pub paths: Vec<PathFacts>,
}

/// A project named without an entry.
#[derive(Debug, Serialize)]
pub struct ProjectName {
    pub id: String,
    pub name: String,
}

/// One path to a role, and what the member would keep without it.
#[derive(Debug, Serialize)]
pub struct PathFacts {
    pub path: String,
    pub without_it: String,
}

/// An anomaly that names the member.
#[derive(Debug, Serialize)]
pub struct AnomalyFacts {
    pub code: &'static str,
    pub detail: String,
}

/// Returns the explanation of one member's access within `scope`, as text.
pub fn explain(resolution: &Resolution<'_>, access: &MemberAccess, scope: Scope) -> String {
    Explanation::new(resolution, access, scope).to_text()
}

impl Explanation {
    /// Explains one member's access within `scope`.
    pub fn new(resolution: &Resolution<'_>, access: &MemberAccess, scope: Scope) -> Explanation {
        let clouds: Vec<&CloudAccess> =
            access.clouds.iter().filter(|cloud| cloud_in_scope(resolution, cloud, scope)).collect();
        let reach = resolution.reach(access.member);
        let simulation = Simulation::new(&reach, resolution.graph.project_parents());
        Explanation {
            format: EXPLAIN_FORMAT,
            organization_id: resolution.organization_id().to_owned(),
            member: member_facts(resolution, access),
            scope: scope_facts(resolution, scope),
            no_entry: clouds.is_empty().then(|| no_entry_reason(resolution, access, scope)),
            clouds: clouds.into_iter().map(|cloud| explain_cloud(resolution, &simulation, cloud, scope)).collect(),
            anomalies: anomalies(resolution, access, scope),
        }
    }

    /// Returns the explanation as pretty-printed JSON, with a final newline.
    pub fn to_json(&self) -> String {
        // Serializing plain structs of strings, booleans and lists cannot fail.
        let mut json = serde_json::to_string_pretty(self).unwrap_or_default();
        json.push('\n');
        json
    }
}

fn member_facts(resolution: &Resolution<'_>, access: &MemberAccess) -> MemberFacts {
    let index = &resolution.index;
    let record = index.member_record(access.member);
    MemberFacts {
        id: record.member_id().to_owned(),
        email: record.email.clone(),
        name: record.name.clone(),
        is_service_account: record.is_service_account,
        permission_level: record.permission_level.clone(),
        org_role: facts::org_role(access),
        org_role_sources: access.base.iter().map(|&base| describe_base(index, base)).collect(),
        is_org_owner: access.is_org_owner,
    }
}

fn scope_facts(resolution: &Resolution<'_>, scope: Scope) -> ScopeFacts {
    let index = &resolution.index;
    let named = |kind, id: &str, name: &str| ScopeFacts { kind, id: Some(id.to_owned()), name: Some(name.to_owned()) };
    match scope {
        Scope::Everything => ScopeFacts { kind: "everything", id: None, name: None },
        Scope::Cloud(cloud) => named("cloud", index.cloud_record(cloud).id.as_str(), &index.cloud_record(cloud).name),
        Scope::Project(project) => {
            let record = index.project_record(project);
            named("project", record.id.as_str(), &record.name)
        }
    }
}

fn cloud_in_scope(resolution: &Resolution<'_>, cloud: &CloudAccess, scope: Scope) -> bool {
    match scope {
        Scope::Everything => true,
        Scope::Cloud(wanted) => cloud.cloud == wanted,
        Scope::Project(wanted) => resolution.graph.project_parent(wanted) == Some(cloud.cloud),
    }
}

fn explain_cloud(
    resolution: &Resolution<'_>,
    simulation: &Simulation<'_>,
    cloud: &CloudAccess,
    scope: Scope,
) -> CloudExplanation {
    let index = &resolution.index;
    let record = index.cloud_record(cloud.cloud);
    let paths = cloud.sources.iter().enumerate().map(|(position, source)| PathFacts {
        path: describe_source(index, *source),
        without_it: whatif::without_cloud_path(index, simulation, cloud, position),
    });
    let projects =
        cloud.projects.iter().filter(|project| !matches!(scope, Scope::Project(wanted) if wanted != project.project));
    let project_without_role = match scope {
        Scope::Project(wanted) if !cloud.projects.iter().any(|project| project.project == wanted) => {
            let record = index.project_record(wanted);
            Some(ProjectName { id: record.id.to_string(), name: record.name.clone() })
        }
        _ => None,
    };
    CloudExplanation {
        entry: EntryExplanation {
            id: record.id.to_string(),
            name: record.name.clone(),
            role: cloud.role.as_str(),
            cap: facts::cloud_cap(index, cloud),
            paths: paths.collect(),
        },
        projects: projects.map(|project| explain_project(resolution, simulation, cloud, project)).collect(),
        project_without_role,
    }
}

fn explain_project(
    resolution: &Resolution<'_>,
    simulation: &Simulation<'_>,
    cloud: &CloudAccess,
    project: &ProjectAccess,
) -> ProjectExplanation {
    let index = &resolution.index;
    let record = index.project_record(project.project);
    let paths = project.sources.iter().enumerate().map(|(position, source)| PathFacts {
        path: describe_source(index, *source),
        without_it: whatif::without_project_path(simulation, project, position),
    });
    ProjectExplanation {
        id: record.id.to_string(),
        name: record.name.clone(),
        role: project.role.as_str(),
        cap: facts::project_cap(index, cloud, project),
        paths: paths.collect(),
    }
}

/// Returns why the member has no entry in `scope`.
fn no_entry_reason(resolution: &Resolution<'_>, access: &MemberAccess, scope: Scope) -> String {
    let index = &resolution.index;
    let target = match scope {
        Scope::Everything => "any cloud".to_owned(),
        Scope::Cloud(cloud) => {
            let record = index.cloud_record(cloud);
            format!("cloud {} ({})", record.name, record.id)
        }
        Scope::Project(project) => {
            let record = index.project_record(project);
            format!("project {} ({})", record.name, record.id)
        }
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

fn anomalies(resolution: &Resolution<'_>, access: &MemberAccess, scope: Scope) -> Vec<AnomalyFacts> {
    let lookup = AnomalyLookup::new(resolution);
    let found = lookup.of_member(access.member).iter().filter(|anomaly| anomaly_in_scope(resolution, anomaly, scope));
    found
        .map(|anomaly| AnomalyFacts { code: anomaly.kind().code(), detail: anomaly.detail(&resolution.index) })
        .collect()
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
