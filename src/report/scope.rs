//! The scope of a per-team review (`report --cloud C --project P`): which clouds and projects a report
//! covers, which members and anomalies that brings in, and each member's entries narrowed to it.
//!
//! Scoping never recomputes a role: it keeps or drops the entries the engine resolved.

use crate::resolve::{Anomaly, CloudAccess, CloudIx, MemberAccess, MemberIx, Place, ProjectIx, Resolution};

/// Why a `--cloud` or `--project` value names no single cloud or project.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScopeError {
    #[error("no {noun} has the id or name `{wanted}` in organization `{organization}`; {candidates}")]
    Unknown { noun: &'static str, wanted: String, organization: String, candidates: String },
    #[error("{noun} name `{wanted}` is shared by {} {noun}s ({}); pass one of these ids instead", ids.len(), ids.join(", "))]
    Ambiguous { noun: &'static str, wanted: String, ids: Vec<String> },
}

/// A cloud or a project named by `--cloud` or `--project`, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Named {
    Cloud(CloudIx),
    Project(ProjectIx),
}

/// The clouds and projects a report covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportScope {
    /// What was asked for, in the order given, without repeats.
    pub requested: Vec<Named>,
    /// For each cloud: whether its cloud entries are in scope (named, or the parent of a named project).
    clouds: Vec<bool>,
    /// For each project: whether it is in scope (named, or under a named cloud).
    projects: Vec<bool>,
}

/// How many candidates an error about an unknown name lists at most.
const CANDIDATES: usize = 10;

impl ReportScope {
    /// Resolves `--cloud` and `--project` values (ids, else exact names): a cloud brings its projects,
    /// a project brings its cloud's entry but not the cloud's other projects.
    pub fn resolve(resolution: &Resolution<'_>, clouds: &[String], projects: &[String]) -> Result<Self, ScopeError> {
        let index = &resolution.index;
        let mut scope = ReportScope {
            requested: Vec::new(),
            clouds: vec![false; index.clouds.len()],
            projects: vec![false; index.projects.len()],
        };
        for wanted in clouds {
            scope.add(resolution, Named::Cloud(find(resolution, wanted, Noun::Cloud)?));
        }
        for wanted in projects {
            scope.add(resolution, Named::Project(find(resolution, wanted, Noun::Project)?));
        }
        Ok(scope)
    }

    fn add(&mut self, resolution: &Resolution<'_>, resource: Named) {
        if self.requested.contains(&resource) {
            return;
        }
        self.requested.push(resource);
        let parents = resolution.graph.project_parents();
        match resource {
            Named::Cloud(cloud) => {
                self.clouds[cloud as usize] = true;
                for (project, parent) in parents.iter().enumerate() {
                    if *parent == Some(cloud) {
                        self.projects[project] = true;
                    }
                }
            }
            Named::Project(project) => {
                self.projects[project as usize] = true;
                if let Some(cloud) = resolution.graph.project_parent(project) {
                    self.clouds[cloud as usize] = true;
                }
            }
        }
    }

    /// True when the cloud's entries are in scope.
    pub fn has_cloud(&self, cloud: CloudIx) -> bool {
        self.clouds.get(cloud as usize).copied().unwrap_or(false)
    }

    /// True when the project is in scope.
    pub fn has_project(&self, project: ProjectIx) -> bool {
        self.projects.get(project as usize).copied().unwrap_or(false)
    }

    /// Returns the member's entries that are in scope; roles, caps and paths stay as resolved.
    pub fn narrow(&self, access: &MemberAccess) -> MemberAccess {
        let clouds = access
            .clouds
            .iter()
            .filter(|cloud| self.has_cloud(cloud.cloud))
            .map(|cloud| CloudAccess {
                projects: cloud.projects.iter().filter(|project| self.has_project(project.project)).cloned().collect(),
                sources: cloud.sources.clone(),
                ..*cloud
            })
            .collect();
        MemberAccess { member: access.member, base: access.base.clone(), is_org_owner: access.is_org_owner, clouds }
    }

    /// True when an anomaly is about a cloud or project in scope; anomalies about no resource (a member
    /// as a whole, a deleted group, a repeated id) are decided by [`ScopedReport`] instead.
    pub fn has_resource_anomaly(&self, anomaly: &Anomaly) -> Option<bool> {
        let in_place = |place: Place| match place {
            Place::Cloud(cloud) => Some(self.has_cloud(cloud)),
            Place::Project(project) => Some(self.has_project(project)),
            Place::Group(_) => None,
        };
        match anomaly {
            Anomaly::ProjectRoleCapped { project, .. }
            | Anomaly::OrphanProjectGrant { project, .. }
            | Anomaly::UnknownCloud { project } => Some(self.has_project(*project)),
            Anomaly::ReadonlyRestriction { cloud, .. }
            | Anomaly::OwnerWithReadonly { cloud, .. }
            | Anomaly::GroupOwnerOnCloud { cloud, .. } => Some(self.has_cloud(*cloud)),
            Anomaly::UnknownMember { place, .. } => in_place(*place),
            Anomaly::UnknownGroup { place, .. } => place.and_then(in_place),
            Anomaly::ServiceAccountOwner { .. }
            | Anomaly::NoBaseRole { .. }
            | Anomaly::ServiceAccountInOwnerGroup { .. }
            | Anomaly::DuplicateEmail { .. }
            | Anomaly::DeletedGroup { .. }
            | Anomaly::DuplicateId { .. } => None,
        }
    }

    /// Returns what the scope covers, one phrase per requested cloud or project:
    /// `cloud prod (cld_1) with its 2 projects`, `project train (prj_1) of cloud prod (cld_1)`.
    pub fn describe(&self, resolution: &Resolution<'_>) -> Vec<String> {
        let index = &resolution.index;
        let cloud_words = |cloud: CloudIx| {
            let record = index.cloud_record(cloud);
            format!("cloud {} ({})", record.name, record.id)
        };
        self.requested
            .iter()
            .map(|&resource| match resource {
                Named::Cloud(cloud) => {
                    let count = resolution.graph.project_parents().iter().filter(|&&p| p == Some(cloud)).count();
                    let noun = if count == 1 { "project" } else { "projects" };
                    format!("{} with its {count} {noun}", cloud_words(cloud))
                }
                Named::Project(project) => {
                    let record = index.project_record(project);
                    let parent = resolution
                        .graph
                        .project_parent(project)
                        .map_or_else(|| format!("unknown cloud {}", record.parent_cloud_id), cloud_words);
                    format!("project {} ({}) of {parent}", record.name, record.id)
                }
            })
            .collect()
    }
}

/// A report's members and anomalies within a scope.
pub struct ScopedReport<'r> {
    /// Every member the scoped report shows, in output order, with entries narrowed to the scope.
    pub members: Vec<MemberAccess>,
    /// The anomalies within the scope, in the resolution's order.
    pub anomalies: Vec<&'r Anomaly>,
}

impl<'r> ScopedReport<'r> {
    /// Selects what a scoped report shows: the org owners (they reach every resource implicitly), the
    /// members with an entry in scope, and the members named by an anomaly about a resource in scope
    /// (a dropped grant on a project in scope names a member without any entry there). Anomalies about
    /// a resource count when the resource is in scope; anomalies about members as a whole count when one
    /// of those members is shown; anomalies about no resource and no member are left out.
    pub fn select(resolution: &'r Resolution<'_>, scope: &ReportScope) -> ScopedReport<'r> {
        let narrowed: Vec<MemberAccess> = resolution.members.iter().map(|access| scope.narrow(access)).collect();
        let mut shown: Vec<bool> =
            narrowed.iter().map(|access| access.is_org_owner || !access.clouds.is_empty()).collect();
        let resource_anomaly: Vec<Option<bool>> =
            resolution.anomalies.iter().map(|anomaly| scope.has_resource_anomaly(anomaly)).collect();
        for (anomaly, in_scope) in resolution.anomalies.iter().zip(&resource_anomaly) {
            if *in_scope == Some(true) {
                anomaly.members().iter().for_each(|&member| shown[member as usize] = true);
            }
        }
        let is_shown = |member: &MemberIx| shown[*member as usize];
        let anomalies = resolution
            .anomalies
            .iter()
            .zip(resource_anomaly)
            .filter(|(anomaly, in_scope)| in_scope.unwrap_or_else(|| anomaly.members().iter().any(is_shown)))
            .map(|(anomaly, _)| anomaly)
            .collect();
        let members = narrowed.into_iter().filter(|access| is_shown(&access.member)).collect();
        ScopedReport { members, anomalies }
    }
}

#[derive(Clone, Copy)]
enum Noun {
    Cloud,
    Project,
}

impl Noun {
    fn word(self) -> &'static str {
        match self {
            Noun::Cloud => "cloud",
            Noun::Project => "project",
        }
    }
}

/// Finds a cloud or project by id, else by exact name; a name shared by several is an error listing
/// their ids, an unknown one an error listing the closest names.
fn find(resolution: &Resolution<'_>, wanted: &str, noun: Noun) -> Result<u32, ScopeError> {
    let index = &resolution.index;
    let (by_id, count) = match noun {
        Noun::Cloud => (index.cloud(wanted), index.clouds.len()),
        Noun::Project => (index.project(wanted), index.projects.len()),
    };
    if let Some(found) = by_id {
        return Ok(found);
    }
    let name_and_id = |position: u32| match noun {
        Noun::Cloud => (index.cloud_record(position).name.as_str(), index.cloud_record(position).id.as_str()),
        Noun::Project => (index.project_record(position).name.as_str(), index.project_record(position).id.as_str()),
    };
    let matches: Vec<u32> = (0..count as u32).filter(|&position| name_and_id(position).0 == wanted).collect();
    match matches.as_slice() {
        [found] => Ok(*found),
        [] => Err(ScopeError::Unknown {
            noun: noun.word(),
            wanted: wanted.to_owned(),
            organization: resolution.organization_id().to_owned(),
            candidates: candidates(wanted, noun, count, name_and_id),
        }),
        several => Err(ScopeError::Ambiguous {
            noun: noun.word(),
            wanted: wanted.to_owned(),
            ids: several.iter().map(|&position| name_and_id(position).1.to_owned()).collect(),
        }),
    }
}

/// Returns the names to suggest: those containing the wanted text (without regard to case), else the
/// first ones in order, at most [`CANDIDATES`].
fn candidates<'n>(wanted: &str, noun: Noun, count: usize, name_and_id: impl Fn(u32) -> (&'n str, &'n str)) -> String {
    if count == 0 {
        return format!("the organization has no {}", noun.word());
    }
    let lowered = wanted.to_lowercase();
    let containing: Vec<u32> = (0..count as u32)
        .filter(|&position| {
            let (name, id) = name_and_id(position);
            name.to_lowercase().contains(&lowered) || id.to_lowercase().contains(&lowered)
        })
        .collect();
    let (lead, positions) =
        if containing.is_empty() { ("", (0..count as u32).collect::<Vec<u32>>()) } else { ("close ", containing) };
    let listed: Vec<String> = positions
        .iter()
        .take(CANDIDATES)
        .map(|&position| {
            let (name, id) = name_and_id(position);
            format!("{name} ({id})")
        })
        .collect();
    let more = positions.len().saturating_sub(CANDIDATES);
    let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
    format!("{lead}{}s: {}{tail}", noun.word(), listed.join(", "))
}
