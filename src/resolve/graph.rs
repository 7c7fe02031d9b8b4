//! The access graph: members, groups, clouds and projects as nodes; memberships, direct grants, group
//! grants and project containment as edges. References that cannot be followed become anomalies.
//!
//! The graph is private to the engine: the rest of permaudit asks it questions (a member's groups, a
//! group's grants, what reaches a member) and never walks its edges itself.

use super::access::Reach;
use super::anomaly::{Anomaly, Place};
use super::index::OrgIndex;
use super::ix::{CloudIx, Entry, GroupIx, MemberIx, ProjectIx};
use super::rules::{BaseSource, Source};
use crate::model::{Binding, DirectLevel, Role};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A node of the access graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Member(MemberIx),
    Group(GroupIx),
    Cloud(CloudIx),
    Project(ProjectIx),
}

/// An edge of the access graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edge {
    /// Member to group.
    MemberOf,
    /// Member to cloud or project: a direct grant.
    Direct(DirectLevel),
    /// Group to cloud or project: a group grant.
    GroupGrant(Role),
    /// Cloud to project.
    Contains,
}

/// The graph of one organization.
pub struct AccessGraph {
    graph: DiGraph<Node, Edge>,
    /// The parent cloud of each project, when that cloud exists.
    project_parent: Vec<Option<CloudIx>>,
    group_offset: usize,
    cloud_offset: usize,
    project_offset: usize,
}

/// What a deleted group still carries, counted for its anomaly.
#[derive(Default)]
struct DeletedUse {
    memberships: usize,
    bindings: usize,
}

/// The edges into one cloud or project, resolved from ids independently of every other resource.
#[derive(Default)]
struct ResourceEdges {
    direct: Vec<(MemberIx, DirectLevel)>,
    groups: Vec<(GroupIx, Role)>,
    deleted_bindings: Vec<GroupIx>,
    anomalies: Vec<Anomaly>,
}

struct Builder<'i, 'a> {
    index: &'i OrgIndex<'a>,
    graph: AccessGraph,
    anomalies: Vec<Anomaly>,
    deleted: BTreeMap<GroupIx, DeletedUse>,
}

impl AccessGraph {
    /// Builds the graph, and returns it with the anomalies of the references that could not be
    /// followed; nodes are numbered members, then groups, clouds and projects.
    pub fn build(index: &OrgIndex<'_>) -> (AccessGraph, Vec<Anomaly>) {
        let mut builder = Builder::new(index);
        builder.add_projects();
        builder.add_memberships();
        builder.add_cloud_grants();
        builder.add_project_grants();
        builder.finish()
    }

    fn member_node(&self, member: MemberIx) -> NodeIndex {
        NodeIndex::new(member as usize)
    }

    fn group_node(&self, group: GroupIx) -> NodeIndex {
        NodeIndex::new(self.group_offset + group as usize)
    }

    fn cloud_node(&self, cloud: CloudIx) -> NodeIndex {
        NodeIndex::new(self.cloud_offset + cloud as usize)
    }

    fn project_node(&self, project: ProjectIx) -> NodeIndex {
        NodeIndex::new(self.project_offset + project as usize)
    }

    /// Returns the parent cloud of a project, when that cloud is in the organization.
    pub fn project_parent(&self, project: ProjectIx) -> Option<CloudIx> {
        self.project_parent.get(project as usize).copied().flatten()
    }

    /// Returns the parent cloud of every project, indexed by project.
    pub fn project_parents(&self) -> &[Option<CloudIx>] {
        &self.project_parent
    }

    /// Returns the groups a member belongs to (non-deleted, known groups only), without repeats, in
    /// group order.
    pub fn groups_of(&self, member: MemberIx) -> Vec<GroupIx> {
        let mut groups: Vec<GroupIx> = self
            .graph
            .edges(self.member_node(member))
            .filter_map(|edge| match (edge.weight(), self.graph[edge.target()]) {
                (Edge::MemberOf, Node::Group(group)) => Some(group),
                _ => None,
            })
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups
    }

    /// Returns the members of a group (one per membership record).
    pub fn members_of(&self, group: GroupIx) -> impl Iterator<Item = MemberIx> + '_ {
        self.graph.edges_directed(self.group_node(group), Direction::Incoming).filter_map(|edge| {
            match (edge.weight(), self.graph[edge.source()]) {
                (Edge::MemberOf, Node::Member(member)) => Some(member),
                _ => None,
            }
        })
    }

    /// Returns a member's direct grants: each level on each cloud or project.
    pub fn direct_grants(&self, member: MemberIx) -> impl Iterator<Item = (Entry, DirectLevel)> + '_ {
        self.graph.edges(self.member_node(member)).filter_map(|edge| match *edge.weight() {
            Edge::Direct(level) => Some((self.entry(edge.target())?, level)),
            _ => None,
        })
    }

    /// Returns a group's grants: its role on each cloud or project it is bound on.
    pub fn group_grants(&self, group: GroupIx) -> impl Iterator<Item = (Entry, Role)> + '_ {
        self.graph.edges(self.group_node(group)).filter_map(|edge| match *edge.weight() {
            Edge::GroupGrant(role) => Some((self.entry(edge.target())?, role)),
            _ => None,
        })
    }

    /// Collects everything that reaches a member: its own level, its direct grants, and the org roles
    /// and grants of its groups.
    pub fn reach(&self, index: &OrgIndex<'_>, member: MemberIx) -> Reach {
        let record = index.member_record(member);
        let mut reach = Reach { member, is_service_account: record.is_service_account, ..Reach::default() };
        reach.base.extend(record.level_role().map(BaseSource::PermissionLevel));
        for (entry, level) in self.direct_grants(member) {
            push_grant(&mut reach, entry, Source::Direct(level));
        }
        for group in self.groups_of(member) {
            reach.base.extend(index.group_record(group).org_role.map(|role| BaseSource::Group { group, role }));
            for (entry, role) in self.group_grants(group) {
                push_grant(&mut reach, entry, Source::Group { group, role });
            }
        }
        reach.normalize();
        reach
    }

    fn entry(&self, node: NodeIndex) -> Option<Entry> {
        match self.graph[node] {
            Node::Cloud(cloud) => Some(Entry::Cloud(cloud)),
            Node::Project(project) => Some(Entry::Project(project)),
            Node::Member(_) | Node::Group(_) => None,
        }
    }
}

fn push_grant(reach: &mut Reach, entry: Entry, source: Source) {
    match entry {
        Entry::Cloud(cloud) => reach.clouds.push((cloud, source)),
        Entry::Project(project) => reach.projects.push((project, source)),
    }
}

impl<'i, 'a> Builder<'i, 'a> {
    fn new(index: &'i OrgIndex<'a>) -> Self {
        let (members, groups) = (index.members.len(), index.groups.len());
        let (clouds, projects) = (index.clouds.len(), index.projects.len());
        let mut graph = DiGraph::with_capacity(members + groups + clouds + projects, 0);
        (0..members).for_each(|i| _ = graph.add_node(Node::Member(i as MemberIx)));
        (0..groups).for_each(|i| _ = graph.add_node(Node::Group(i as GroupIx)));
        (0..clouds).for_each(|i| _ = graph.add_node(Node::Cloud(i as CloudIx)));
        (0..projects).for_each(|i| _ = graph.add_node(Node::Project(i as ProjectIx)));
        let graph = AccessGraph {
            graph,
            project_parent: vec![None; projects],
            group_offset: members,
            cloud_offset: members + groups,
            project_offset: members + groups + clouds,
        };
        let anomalies =
            index.duplicates.iter().map(|subject| Anomaly::DuplicateId { subject: subject.clone() }).collect();
        Builder { index, graph, anomalies, deleted: BTreeMap::new() }
    }

    fn add_projects(&mut self) {
        for project in 0..self.index.projects.len() as ProjectIx {
            let record = self.index.project_record(project);
            match self.index.cloud(record.parent_cloud_id.as_str()) {
                Some(cloud) => {
                    self.graph.project_parent[project as usize] = Some(cloud);
                    let (from, to) = (self.graph.cloud_node(cloud), self.graph.project_node(project));
                    self.graph.graph.add_edge(from, to, Edge::Contains);
                }
                None => self.anomalies.push(Anomaly::UnknownCloud { project }),
            }
        }
    }

    fn add_memberships(&mut self) {
        let index = self.index;
        for membership in &index.organization.memberships {
            let Some(group) = index.group(membership.group_id.as_str()) else {
                self.anomalies.push(Anomaly::UnknownGroup {
                    group_id: membership.group_id.to_string(),
                    place: None,
                    members: membership.user_ids.len(),
                });
                continue;
            };
            if index.group_record(group).is_deleted() {
                self.deleted.entry(group).or_default().memberships += membership.user_ids.len();
                continue;
            }
            for user_id in &membership.user_ids {
                match index.member(user_id.as_str()) {
                    Some(member) => {
                        let (from, to) = (self.graph.member_node(member), self.graph.group_node(group));
                        self.graph.graph.add_edge(from, to, Edge::MemberOf);
                    }
                    None => self
                        .anomalies
                        .push(Anomaly::UnknownMember { user_id: user_id.to_string(), place: Place::Group(group) }),
                }
            }
        }
    }

    fn add_cloud_grants(&mut self) {
        let index = self.index;
        let edges: Vec<ResourceEdges> = (0..index.clouds.len() as CloudIx)
            .into_par_iter()
            .map(|cloud| {
                let record = index.cloud_record(cloud);
                let collaborators = record.collaborators.iter().flat_map(|collaborator| {
                    collaborator.levels.iter().map(|&level| (collaborator.user_id.as_str(), level))
                });
                resource_edges(index, collaborators, &record.bindings, Place::Cloud(cloud))
            })
            .collect();
        for (cloud, resource) in edges.into_iter().enumerate() {
            let target = self.graph.cloud_node(cloud as CloudIx);
            self.add_resource(target, resource);
        }
    }

    fn add_project_grants(&mut self) {
        let index = self.index;
        let parents = &self.graph.project_parent;
        let edges: Vec<ResourceEdges> = (0..index.projects.len() as ProjectIx)
            .into_par_iter()
            .map(|project| {
                // The grants of a project whose cloud is unknown are ignored (its anomaly is recorded).
                if parents[project as usize].is_none() {
                    return ResourceEdges::default();
                }
                let record = index.project_record(project);
                let collaborators = record.collaborators.iter().map(|c| (c.user_id.as_str(), c.level));
                resource_edges(index, collaborators, &record.bindings, Place::Project(project))
            })
            .collect();
        for (project, resource) in edges.into_iter().enumerate() {
            let target = self.graph.project_node(project as ProjectIx);
            self.add_resource(target, resource);
        }
    }

    fn add_resource(&mut self, target: NodeIndex, resource: ResourceEdges) {
        for (member, level) in resource.direct {
            let from = self.graph.member_node(member);
            self.graph.graph.add_edge(from, target, Edge::Direct(level));
        }
        for (group, role) in resource.groups {
            let from = self.graph.group_node(group);
            self.graph.graph.add_edge(from, target, Edge::GroupGrant(role));
        }
        for group in resource.deleted_bindings {
            self.deleted.entry(group).or_default().bindings += 1;
        }
        self.anomalies.extend(resource.anomalies);
    }

    fn finish(mut self) -> (AccessGraph, Vec<Anomaly>) {
        for (group, usage) in std::mem::take(&mut self.deleted) {
            let DeletedUse { memberships, bindings } = usage;
            self.anomalies.push(Anomaly::DeletedGroup { group, memberships, bindings });
        }
        (self.graph, self.anomalies)
    }
}

/// Resolves the ids of one resource's direct grants and bindings.
fn resource_edges<'a>(
    index: &OrgIndex<'_>,
    collaborators: impl Iterator<Item = (&'a str, DirectLevel)>,
    bindings: &[Binding],
    place: Place,
) -> ResourceEdges {
    let mut edges = ResourceEdges::default();
    for (user_id, level) in collaborators {
        match index.member(user_id) {
            Some(member) => edges.direct.push((member, level)),
            None => edges.anomalies.push(Anomaly::UnknownMember { user_id: user_id.to_owned(), place }),
        }
    }
    for binding in bindings {
        for group_id in &binding.groups {
            let Some(group) = index.group(group_id.as_str()) else {
                edges.anomalies.push(Anomaly::UnknownGroup {
                    group_id: group_id.to_string(),
                    place: Some(place),
                    members: 0,
                });
                continue;
            };
            if index.group_record(group).is_deleted() {
                edges.deleted_bindings.push(group);
                continue;
            }
            if let (Role::Owner, Place::Cloud(cloud)) = (binding.role, place) {
                edges.anomalies.push(Anomaly::GroupOwnerOnCloud { group, cloud });
            }
            edges.groups.push((group, binding.role));
        }
    }
    edges
}
