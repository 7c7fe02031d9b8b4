//! The access graph: members, groups, clouds and projects as nodes; memberships, direct grants, group
//! grants and project containment as edges. References that cannot be followed become anomalies.

use super::anomaly::{Anomaly, AnomalyKind, Subject};
use super::index::{CloudIx, GroupIx, MemberIx, OrgIndex, ProjectIx};
use crate::model::{Binding, DirectLevel, Role};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
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
    members: usize,
    bindings: usize,
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

    fn anomaly(&mut self, kind: AnomalyKind, subjects: Vec<Subject>, detail: String) {
        self.graph.anomalies.push(Anomaly::new(kind, subjects, detail));
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
                None => self.anomaly(
                    AnomalyKind::UnknownCloud,
                    vec![Subject::project(record.id.as_str()), Subject::cloud(record.parent_cloud_id.as_str())],
                    format!(
                        "project `{}` names parent cloud `{}`, which is not in the organization; its grants are ignored",
                        record.name, record.parent_cloud_id
                    ),
                ),
            }
        }
    }

    /// Returns the group's index when it is known and not deleted; records why otherwise.
    fn live_group(&mut self, group_id: &str, place: Subject, is_binding: bool) -> Option<GroupIx> {
        let Some(group) = self.index.group(group_id) else {
            let detail = format!("{place} names group `{group_id}`, which is not in the organization; ignored");
            self.anomaly(AnomalyKind::UnknownGroup, vec![Subject::group(group_id), place], detail);
            return None;
        };
        if self.index.group_record(group).is_deleted() {
            let usage = self.deleted.entry(group).or_default();
            if is_binding {
                usage.bindings += 1;
            } else {
                usage.members += 1;
            }
            return None;
        }
        Some(group)
    }

    /// Returns the member's index when known; records an unknown-member anomaly otherwise.
    fn known_member(&mut self, user_id: &str, place: Subject) -> Option<MemberIx> {
        let member = self.index.member(user_id);
        if member.is_none() {
            let detail = format!("{place} names user `{user_id}`, who is not a member of the organization; ignored");
            self.anomaly(AnomalyKind::UnknownMember, vec![Subject::user(user_id), place], detail);
        }
        member
    }

    fn add_memberships(&mut self) {
        for membership in &self.index.organization.memberships {
            let place = Subject::group(membership.group_id.as_str());
            let group = match self.index.group(membership.group_id.as_str()) {
                Some(group) if self.index.group_record(group).is_deleted() => {
                    self.deleted.entry(group).or_default().members += membership.user_ids.len();
                    continue;
                }
                Some(group) => group,
                None => {
                    let detail = format!(
                        "a membership list names group `{}` ({}), which is not in the organization; its {} members are ignored",
                        membership.group_id, membership.group_name, membership.user_ids.len()
                    );
                    self.anomaly(AnomalyKind::UnknownGroup, vec![place], detail);
                    continue;
                }
            };
            for user_id in &membership.user_ids {
                if let Some(member) = self.known_member(user_id.as_str(), place.clone()) {
                    let (from, to) = (self.graph.member_node(member), self.graph.group_node(group));
                    self.graph.graph.add_edge(from, to, Edge::MemberOf);
                }
            }
        }
    }

    fn add_bindings(&mut self, bindings: &[Binding], target: NodeIndex, place: &Subject) {
        for binding in bindings {
            for group_id in &binding.groups {
                let Some(group) = self.live_group(group_id.as_str(), place.clone(), true) else {
                    continue;
                };
                if binding.role == Role::Owner && place.kind == super::SubjectKind::Cloud {
                    let detail = format!(
                        "group `{}` holds `owner` on {place}; groups cannot own clouds, so it counts as `collaborator`",
                        self.index.group_record(group).name
                    );
                    self.anomaly(
                        AnomalyKind::GroupOwnerOnCloud,
                        vec![Subject::group(group_id.as_str()), place.clone()],
                        detail,
                    );
                }
                let from = self.graph.group_node(group);
                self.graph.graph.add_edge(from, target, Edge::GroupGrant(binding.role));
            }
        }
    }

    fn add_cloud_grants(&mut self) {
        for cloud in 0..self.index.clouds.len() as CloudIx {
            let record = self.index.cloud_record(cloud);
            let place = Subject::cloud(record.id.as_str());
            let target = self.graph.cloud_node(cloud);
            for collaborator in &record.collaborators {
                let Some(member) = self.known_member(collaborator.user_id.as_str(), place.clone()) else {
                    continue;
                };
                for &level in &collaborator.levels {
                    let from = self.graph.member_node(member);
                    self.graph.graph.add_edge(from, target, Edge::Direct(level));
                }
            }
            self.add_bindings(&record.bindings, target, &place);
        }
    }

    fn add_project_grants(&mut self) {
        for project in 0..self.index.projects.len() as ProjectIx {
            if self.graph.project_parent[project as usize].is_none() {
                continue;
            }
            let record = self.index.project_record(project);
            let place = Subject::project(record.id.as_str());
            let target = self.graph.project_node(project);
            for collaborator in &record.collaborators {
                let Some(member) = self.known_member(collaborator.user_id.as_str(), place.clone()) else {
                    continue;
                };
                let from = self.graph.member_node(member);
                self.graph.graph.add_edge(from, target, Edge::Direct(collaborator.level));
            }
            self.add_bindings(&record.bindings, target, &place);
        }
    }

    fn finish(mut self) -> AccessGraph {
        for (group, usage) in std::mem::take(&mut self.deleted) {
            let record = self.index.group_record(group);
            let detail = format!(
                "group `{}` was deleted at {}; its {} memberships and {} grants are ignored",
                record.name,
                record.deleted_at.as_deref().unwrap_or("an unknown time"),
                usage.members,
                usage.bindings
            );
            self.anomaly(AnomalyKind::DeletedGroup, vec![Subject::group(record.id.as_str())], detail);
        }
        self.graph
    }
}
