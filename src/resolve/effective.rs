//! Effective roles: for each member, in parallel, the org role (R1, R2), the cloud roles (R3), the
//! project roles (R4) and every grant behind each role, plus the anomalies met (R9).

use super::anomaly::Anomaly;
use super::graph::{AccessGraph, Edge, Node};
use super::index::{CloudIx, GroupIx, MemberIx, OrgIndex, ProjectIx};
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
        anomalies.par_sort_by_key(|anomaly| anomaly.kind());
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
            anomalies.push(Anomaly::ServiceAccountOwner { member: self.member });
        }
        let is_org_owner = !record.is_service_account && reach.base.iter().any(|base| base.role() == OrgRole::Owner);
        let clouds = if reach.base.is_empty() {
            if !reach.clouds.is_empty() || !reach.projects.is_empty() {
                let (cloud_grants, project_grants) = (reach.clouds.len(), reach.projects.len());
                anomalies.push(Anomaly::NoBaseRole { member: self.member, cloud_grants, project_grants });
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
                anomalies.push(Anomaly::ReadonlyRestriction { member: self.member, cloud: run[0].0, best });
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
                anomalies.push(Anomaly::OrphanProjectGrant { member: self.member, project, cloud: parent, source });
            }
            return;
        };
        let cloud = &mut clouds[position];
        let Some(role) = project_role(&sources, cloud.role) else { return };
        let best = sources.iter().map(|source| source.granted()).max().unwrap_or(role);
        if role < best {
            anomalies.push(Anomaly::ProjectRoleCapped { member: self.member, project, cloud: parent, best });
        }
        cloud.projects.push(ProjectAccess { project, role, sources });
    }
}
