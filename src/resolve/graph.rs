//! The access graph: members, groups, clouds and projects as nodes; memberships, direct grants, group
//! grants and project containment as edges. References that cannot be followed become anomalies.

use super::anomaly::{Anomaly, Place};
use super::index::{CloudIx, GroupIx, MemberIx, OrgIndex, ProjectIx};
use crate::model::{Binding, DirectLevel, Role};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// A node of the access graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    Member(MemberIx),
    Group(GroupIx),
    Cloud(CloudIx),
    Project(ProjectIx),
}

/// An edge of the access graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// Member to group.
    MemberOf,
    /// Member to cloud or project: a direct grant.
    Direct(DirectLevel),
    /// Group to cloud or project: a group grant.
    GroupGrant(Role),
    /// Cloud to project.
    Contains,
}

/// The graph of one organization, with the anomalies met while building it.
pub struct AccessGraph {
    pub graph: DiGraph<Node, Edge>,
    /// The parent cloud of each project, when that cloud exists.
    pub project_parent: Vec<Option<CloudIx>>,
    pub anomalies: Vec<Anomaly>,
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
    deleted: BTreeMap<GroupIx, DeletedUse>,
}

impl AccessGraph {
    /// Builds the graph; nodes are numbered members, then groups, clouds and projects.
    pub fn build(index: &OrgIndex<'_>) -> AccessGraph {
        let mut builder = Builder::new(index);
        builder.add_projects();
        builder.add_memberships();
        builder.add_cloud_grants();
        builder.add_project_grants();
        builder.finish()
    }

    /// Returns the node of a member.
    pub fn member_node(&self, member: MemberIx) -> NodeIndex {
        NodeIndex::new(member as usize)
    }

    /// Returns the node of a group.
    pub fn group_node(&self, group: GroupIx) -> NodeIndex {
        NodeIndex::new(self.group_offset + group as usize)
    }

    /// Returns the node of a cloud.
    pub fn cloud_node(&self, cloud: CloudIx) -> NodeIndex {
        NodeIndex::new(self.cloud_offset + cloud as usize)
    }

    /// Returns the node of a project.
    pub fn project_node(&self, project: ProjectIx) -> NodeIndex {
        NodeIndex::new(self.project_offset + project as usize)
    }

    /// Returns the groups a member belongs to (non-deleted, known groups only).
    pub fn groups_of(&self, member: MemberIx) -> impl Iterator<Item = GroupIx> + '_ {
        self.graph.edges(self.member_node(member)).filter_map(|edge| match (edge.weight(), self.graph[edge.target()]) {
            (Edge::MemberOf, Node::Group(group)) => Some(group),
            _ => None,
        })
    }

    /// Returns the members of a group.
    pub fn members_of(&self, group: GroupIx) -> impl Iterator<Item = MemberIx> + '_ {
        self.graph.edges_directed(self.group_node(group), petgraph::Direction::Incoming).filter_map(|edge| {
            match (edge.weight(), self.graph[edge.source()]) {
                (Edge::MemberOf, Node::Member(member)) => Some(member),
                _ => None,
            }
        })
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
            anomalies: index.duplicates.clone(),
            group_offset: members,
            cloud_offset: members + groups,
            project_offset: members + groups + clouds,
        };
        Builder { index, graph, deleted: BTreeMap::new() }
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
                None => self.graph.anomalies.push(Anomaly::UnknownCloud { project }),
            }
        }
    }

    fn add_memberships(&mut self) {
        let index = self.index;
        for membership in &index.organization.memberships {
            let Some(group) = index.group(membership.group_id.as_str()) else {
                self.graph.anomalies.push(Anomaly::UnknownGroup {
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
                        .graph
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
        self.graph.anomalies.extend(resource.anomalies);
    }

    fn finish(mut self) -> AccessGraph {
        for (group, usage) in std::mem::take(&mut self.deleted) {
            let DeletedUse { memberships, bindings } = usage;
            self.graph.anomalies.push(Anomaly::DeletedGroup { group, memberships, bindings });
        }
        self.graph
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
