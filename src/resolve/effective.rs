//! Effective roles: for each member, in parallel, the org role (R1, R2), the cloud roles (R3), the
//! project roles (R4) and every grant behind each role, plus the anomalies met (R9).

use super::anomaly::{Anomaly, AnomalyKind, Subject};
use super::graph::{AccessGraph, Edge, Node};
use super::index::{CloudIx, GroupIx, MemberIx, OrgIndex, ProjectIx};
use super::provenance::describe_source;
use super::rules::{cloud_role, project_role, Source};
use crate::model::{OrgRole, Role};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;

/// Where a member's organization role comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BaseSource {
    /// The member's own `permission_level`.
    PermissionLevel(OrgRole),
    /// The org role of a (non-deleted) group the member belongs to.
    Group { group: GroupIx, role: OrgRole },
}

impl BaseSource {
    /// Returns the organization role this source gives.
    pub fn role(self) -> OrgRole {
        match self {
            BaseSource::PermissionLevel(role) | BaseSource::Group { role, .. } => role,
        }
    }
}

/// A member's effective role on a project, with every grant that reaches it there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectAccess {
    pub project: ProjectIx,
    pub role: Role,
    pub sources: Vec<Source>,
}

/// A member's effective role on a cloud, its grants, and the projects of that cloud it reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudAccess {
    pub cloud: CloudIx,
    pub role: Role,
    pub sources: Vec<Source>,
    pub projects: Vec<ProjectAccess>,
}

/// Everything one member can reach, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberAccess {
    pub member: MemberIx,
    /// Where the member's org role comes from; empty means no base role (R2).
    pub base: Vec<BaseSource>,
    /// True when the member is an org owner (R1).
    pub is_org_owner: bool,
    /// Cloud entries in output order; empty when the member reaches no cloud.
    pub clouds: Vec<CloudAccess>,
}

/// The engine's result for one organization.
pub struct Resolution<'a> {
    pub index: OrgIndex<'a>,
    pub graph: AccessGraph,
    /// One entry per member, in output order (email, then id).
    pub members: Vec<MemberAccess>,
    /// Every anomaly, grouped by kind; within a kind, in graph-building order, then member order.
    pub anomalies: Vec<Anomaly>,
}

impl<'a> Resolution<'a> {
    /// Resolves every member in parallel; the result does not depend on the number of threads.
    pub fn compute(index: OrgIndex<'a>, graph: AccessGraph) -> Resolution<'a> {
        let resolved: Vec<(MemberAccess, Vec<Anomaly>)> = (0..index.members.len() as MemberIx)
            .into_par_iter()
            .map(|member| MemberResolver { index: &index, graph: &graph, member }.resolve())
            .collect();
        let mut anomalies = graph.anomalies.clone();
        let mut members = Vec::with_capacity(resolved.len());
        for (access, found) in resolved {
            members.push(access);
            anomalies.extend(found);
        }
        // Anomalies arrive in a deterministic order (build order, then member order); a stable sort by
        // kind groups them without comparing strings.
        anomalies.par_sort_by_key(|anomaly| anomaly.kind);
        Resolution { index, graph, members, anomalies }
    }

    /// Returns the organization's id.
    pub fn organization_id(&self) -> &'a str {
        self.index.organization.id.as_str()
    }

    /// Returns the org owners (R1), in output order.
    pub fn org_owners(&self) -> impl Iterator<Item = &MemberAccess> {
        self.members.iter().filter(|access| access.is_org_owner)
    }

    /// Returns the members listed in `users` (R5): those with at least one cloud entry.
    pub fn listed_members(&self) -> impl Iterator<Item = &MemberAccess> {
        self.members.iter().filter(|access| !access.clouds.is_empty())
    }

    /// Returns the access of the member with this member id.
    pub fn member(&self, member_id: &str) -> Option<&MemberAccess> {
        let member = self.index.member(member_id)?;
        self.members.get(member as usize)
    }
}

/// Resolves one member; each member is independent, which is what makes the engine parallel.
struct MemberResolver<'r, 'a> {
    index: &'r OrgIndex<'a>,
    graph: &'r AccessGraph,
    member: MemberIx,
}

/// The grants that reach one member, before the rules are applied.
#[derive(Default)]
struct Reach {
    base: Vec<BaseSource>,
    clouds: Vec<(CloudIx, Source)>,
    projects: Vec<(ProjectIx, Source)>,
}

impl MemberResolver<'_, '_> {
    fn resolve(&self) -> (MemberAccess, Vec<Anomaly>) {
        let record = self.index.member_record(self.member);
        let mut anomalies = Vec::new();
        let reach = self.reach();
        if record.is_service_account && record.level_role() == Some(OrgRole::Owner) {
            anomalies.push(self.service_account_owner());
        }
        let is_org_owner = !record.is_service_account && reach.base.iter().any(|base| base.role() == OrgRole::Owner);
        let clouds = if reach.base.is_empty() {
            if !reach.clouds.is_empty() || !reach.projects.is_empty() {
                anomalies.push(self.no_base_role(&reach));
            }
            Vec::new()
        } else {
            self.roles(&reach, &mut anomalies)
        };
        let access = MemberAccess { member: self.member, base: reach.base, is_org_owner, clouds };
        (access, anomalies)
    }

    /// Collects every grant reaching the member: direct edges, and the edges of its groups.
    fn reach(&self) -> Reach {
        let graph = &self.graph.graph;
        let mut reach = Reach::default();
        if let Some(role) = self.index.member_record(self.member).level_role() {
            reach.base.push(BaseSource::PermissionLevel(role));
        }
        for edge in graph.edges(self.graph.member_node(self.member)) {
            match (*edge.weight(), graph[edge.target()]) {
                (Edge::Direct(level), Node::Cloud(cloud)) => reach.clouds.push((cloud, Source::Direct(level))),
                (Edge::Direct(level), Node::Project(project)) => reach.projects.push((project, Source::Direct(level))),
                (Edge::MemberOf, Node::Group(group)) => self.reach_through_group(group, &mut reach),
                _ => {}
            }
        }
        reach.base.sort_unstable();
        reach.base.dedup();
        reach.clouds.sort_unstable();
        reach.clouds.dedup();
        reach.projects.sort_unstable();
        reach.projects.dedup();
        reach
    }

    fn reach_through_group(&self, group: GroupIx, reach: &mut Reach) {
        let graph = &self.graph.graph;
        if let Some(role) = self.index.group_record(group).org_role {
            reach.base.push(BaseSource::Group { group, role });
        }
        for edge in graph.edges(self.graph.group_node(group)) {
            let source = match *edge.weight() {
                Edge::GroupGrant(role) => Source::Group { group, role },
                _ => continue,
            };
            match graph[edge.target()] {
                Node::Cloud(cloud) => reach.clouds.push((cloud, source)),
                Node::Project(project) => reach.projects.push((project, source)),
                _ => {}
            }
        }
    }

    /// Applies R3 to every cloud, then R4 to every project, to the sorted grants of `reach`.
    fn roles(&self, reach: &Reach, anomalies: &mut Vec<Anomaly>) -> Vec<CloudAccess> {
        let mut clouds: Vec<CloudAccess> = Vec::new();
        for run in reach.clouds.chunk_by(|a, b| a.0 == b.0) {
            let sources: Vec<Source> = run.iter().map(|&(_, source)| source).collect();
            let Some(role) = cloud_role(&sources) else { continue };
            let best = sources.iter().map(|source| source.on_cloud()).max().unwrap_or(role);
            if role < best {
                anomalies.push(self.readonly_restriction(run[0].0, best));
            }
            clouds.push(CloudAccess { cloud: run[0].0, role, sources, projects: Vec::new() });
        }
        for run in reach.projects.chunk_by(|a, b| a.0 == b.0) {
            self.project(run, &mut clouds, anomalies);
        }
        clouds
    }

    fn project(&self, run: &[(ProjectIx, Source)], clouds: &mut [CloudAccess], anomalies: &mut Vec<Anomaly>) {
        let project = run[0].0;
        let sources: Vec<Source> = run.iter().map(|&(_, source)| source).collect();
        let Some(parent) = self.graph.project_parent[project as usize] else { return };
        let Ok(position) = clouds.binary_search_by_key(&parent, |access| access.cloud) else {
            for &source in &sources {
                anomalies.push(self.orphan(project, parent, source));
            }
            return;
        };
        let cloud = &mut clouds[position];
        let Some(role) = project_role(&sources, cloud.role) else { return };
        let best = sources.iter().map(|source| source.granted()).max().unwrap_or(role);
        if role < best {
            anomalies.push(self.project_capped(project, parent, best));
        }
        cloud.projects.push(ProjectAccess { project, role, sources });
    }

    fn who(&self) -> (Subject, &str) {
        let record = self.index.member_record(self.member);
        (Subject::user(record.member_id()), record.email.as_str())
    }

    fn service_account_owner(&self) -> Anomaly {
        let (user, email) = self.who();
        let detail = format!("service account `{email}` is recorded as `owner`; service accounts are never org owners");
        Anomaly::new(AnomalyKind::ServiceAccountOwner, vec![user], detail)
    }

    fn no_base_role(&self, reach: &Reach) -> Anomaly {
        let (user, email) = self.who();
        let level = &self.index.member_record(self.member).permission_level;
        let detail = format!(
            "`{email}` has permission level `{level}` and no org role from a group, so its {} cloud and {} project grants give nothing",
            reach.clouds.len(),
            reach.projects.len()
        );
        Anomaly::new(AnomalyKind::NoBaseRole, vec![user], detail)
    }

    fn readonly_restriction(&self, cloud: CloudIx, best: Role) -> Anomaly {
        let (user, email) = self.who();
        let record = self.index.cloud_record(cloud);
        let detail = format!(
            "`{email}` holds direct readonly on cloud `{}`, which restricts a `{best}` grant there to `readonly`",
            record.name
        );
        Anomaly::new(AnomalyKind::ReadonlyRestriction, vec![user, Subject::cloud(record.id.as_str())], detail)
    }

    fn project_capped(&self, project: ProjectIx, cloud: CloudIx, best: Role) -> Anomaly {
        let (user, email) = self.who();
        let (project, cloud) = (self.index.project_record(project), self.index.cloud_record(cloud));
        let detail = format!(
            "`{email}` is granted `{best}` on project `{}`, capped to `readonly` by the readonly role on cloud `{}`",
            project.name, cloud.name
        );
        let subjects = vec![user, Subject::project(project.id.as_str()), Subject::cloud(cloud.id.as_str())];
        Anomaly::new(AnomalyKind::ProjectRoleCapped, subjects, detail)
    }

    fn orphan(&self, project: ProjectIx, cloud: CloudIx, source: Source) -> Anomaly {
        let (user, email) = self.who();
        let (project, cloud) = (self.index.project_record(project), self.index.cloud_record(cloud));
        let detail = format!(
            "`{email}` holds {} on project `{}` but no role on its cloud `{}`; the grant is dropped",
            describe_source(self.index, source),
            project.name,
            cloud.name
        );
        let mut subjects = vec![user, Subject::project(project.id.as_str()), Subject::cloud(cloud.id.as_str())];
        if let Source::Group { group, .. } = source {
            subjects.push(Subject::group(self.index.group_record(group).id.as_str()));
        }
        Anomaly::new(AnomalyKind::OrphanProjectGrant, subjects, detail)
    }
}
