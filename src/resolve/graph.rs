//! The access graph: members, groups, clouds and projects as nodes; memberships, direct grants, group
//! grants and project containment as edges. References that cannot be followed become anomalies.
//!
//! The graph is private to the engine: the rest of permaudit asks it questions (a member's groups, a
//! group's grants, what reaches a member) and never walks its edges itself. Each kind of edge is kept
//! as compressed adjacency lists (one offsets array, one array of targets), so that a member's or a
//! group's edges sit side by side in memory: resolving a member reads a few short runs instead of
//! chasing one pointer per edge.

use super::access::Reach;
use super::anomaly::{Anomaly, Place};
use super::index::OrgIndex;
use super::ix::{CloudIx, Entry, GroupIx, MemberIx, ProjectIx};
use super::rules::{BaseSource, Source};
use crate::model::{Binding, DirectLevel, Role};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Edges grouped by their source node: the edges of node `n` are `targets[offsets[n]..offsets[n + 1]]`.
struct Adjacency<T> {
    offsets: Vec<usize>,
    targets: Vec<T>,
}

impl<T: Copy> Adjacency<T> {
    /// Groups `edges` (source node, target) by source, keeping the order of each node's edges.
    fn new(nodes: usize, edges: &[(u32, T)]) -> Adjacency<T> {
        let mut offsets = vec![0; nodes + 1];
        for &(node, _) in edges {
            offsets[node as usize + 1] += 1;
        }
        for node in 0..nodes {
            offsets[node + 1] += offsets[node];
        }
        let mut next = offsets.clone();
        // Every slot is overwritten below; the first edge only fills them meanwhile, so that the targets
        // are built in one array of their final size.
        let mut targets = match edges.first() {
            Some(&(_, first)) => vec![first; edges.len()],
            None => Vec::new(),
        };
        for &(node, target) in edges {
            targets[next[node as usize]] = target;
            next[node as usize] += 1;
        }
        Adjacency { offsets, targets }
    }

    /// Returns the edges of one node.
    fn of(&self, node: u32) -> &[T] {
        let node = node as usize;
        match (self.offsets.get(node), self.offsets.get(node + 1)) {
            (Some(&start), Some(&end)) => &self.targets[start..end],
            _ => &[],
        }
    }
}

/// The graph of one organization.
pub struct AccessGraph {
    /// Each member's groups (non-deleted, known groups), sorted and without repeats.
    member_groups: Adjacency<GroupIx>,
    /// Each group's members, one per membership record.
    group_members: Adjacency<MemberIx>,
    /// Each member's direct grants: a level on a cloud or project.
    direct: Adjacency<(Entry, DirectLevel)>,
    /// Each group's cloud grants, as the sources they give a member, sorted by cloud.
    group_clouds: Adjacency<(CloudIx, Source)>,
    /// Each group's project grants, as the sources they give a member, sorted by project.
    group_projects: Adjacency<(ProjectIx, Source)>,
    /// The parent cloud of each project, when that cloud exists.
    project_parent: Vec<Option<CloudIx>>,
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

/// The edges found so far, as (source node, target) pairs in building order.
#[derive(Default)]
struct Edges {
    memberships: Vec<(MemberIx, GroupIx)>,
    direct: Vec<(MemberIx, (Entry, DirectLevel))>,
    grants: Vec<(GroupIx, (Entry, Role))>,
}

struct Builder<'i, 'a> {
    index: &'i OrgIndex<'a>,
    project_parent: Vec<Option<CloudIx>>,
    edges: Edges,
    anomalies: Vec<Anomaly>,
    deleted: BTreeMap<GroupIx, DeletedUse>,
}

impl AccessGraph {
    /// Builds the graph, and returns it with the anomalies of the references that could not be
    /// followed.
    pub fn build(index: &OrgIndex<'_>) -> (AccessGraph, Vec<Anomaly>) {
        let mut builder = Builder::new(index);
        builder.add_projects();
        builder.add_memberships();
        builder.add_cloud_grants();
        builder.add_project_grants();
        builder.finish()
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
        self.member_groups.of(member).to_vec()
    }

    /// Returns the members of a group (one per membership record).
    pub fn members_of(&self, group: GroupIx) -> impl Iterator<Item = MemberIx> + '_ {
        self.group_members.of(group).iter().copied()
    }

    /// Returns a member's direct grants: each level on each cloud or project.
    pub fn direct_grants(&self, member: MemberIx) -> impl Iterator<Item = (Entry, DirectLevel)> + '_ {
        self.direct.of(member).iter().copied()
    }

    /// Returns a group's grants: its role on each cloud or project it is bound on.
    pub fn group_grants(&self, group: GroupIx) -> impl Iterator<Item = (Entry, Role)> + '_ {
        let clouds = self.group_clouds.of(group).iter().map(|&(cloud, source)| (Entry::Cloud(cloud), source));
        let projects = self.group_projects.of(group).iter().map(|&(project, source)| (Entry::Project(project), source));
        clouds.chain(projects).map(|(entry, source)| (entry, source.granted()))
    }

    /// Returns where a member's org role may come from: its own level and its groups' org roles, in
    /// that order, not yet sorted.
    pub fn base_sources(&self, index: &OrgIndex<'_>, member: MemberIx) -> Vec<BaseSource> {
        let level = index.member_record(member).level_role().map(BaseSource::PermissionLevel);
        let groups = self
            .member_groups
            .of(member)
            .iter()
            .filter_map(|&group| index.group_record(group).org_role.map(|role| BaseSource::Group { group, role }));
        level.into_iter().chain(groups).collect()
    }

    /// Collects everything that reaches a member: its own level, its direct grants, and the org roles
    /// and grants of its groups.
    pub fn reach(&self, index: &OrgIndex<'_>, member: MemberIx) -> Reach {
        let record = index.member_record(member);
        let base = self.base_sources(index, member);
        let mut reach = Reach { member, is_service_account: record.is_service_account, base, ..Reach::default() };
        for &(entry, level) in self.direct.of(member) {
            match entry {
                Entry::Cloud(cloud) => reach.clouds.push((cloud, Source::Direct(level))),
                Entry::Project(project) => reach.projects.push((project, Source::Direct(level))),
            }
        }
        for &group in self.member_groups.of(member) {
            reach.clouds.extend_from_slice(self.group_clouds.of(group));
            reach.projects.extend_from_slice(self.group_projects.of(group));
        }
        reach.normalize();
        reach
    }
}

impl<'i, 'a> Builder<'i, 'a> {
    fn new(index: &'i OrgIndex<'a>) -> Self {
        let anomalies =
            index.duplicates.iter().map(|subject| Anomaly::DuplicateId { subject: subject.clone() }).collect();
        let project_parent = vec![None; index.projects.len()];
        Builder { index, project_parent, edges: Edges::default(), anomalies, deleted: BTreeMap::new() }
    }

    fn add_projects(&mut self) {
        for project in 0..self.index.projects.len() as ProjectIx {
            let record = self.index.project_record(project);
            match self.index.cloud(record.parent_cloud_id.as_str()) {
                Some(cloud) => self.project_parent[project as usize] = Some(cloud),
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
                    Some(member) => self.edges.memberships.push((member, group)),
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
            self.add_resource(Entry::Cloud(cloud as CloudIx), resource);
        }
    }

    fn add_project_grants(&mut self) {
        let index = self.index;
        let parents = &self.project_parent;
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
            self.add_resource(Entry::Project(project as ProjectIx), resource);
        }
    }

    fn add_resource(&mut self, target: Entry, resource: ResourceEdges) {
        self.edges.direct.extend(resource.direct.into_iter().map(|(member, level)| (member, (target, level))));
        self.edges.grants.extend(resource.groups.into_iter().map(|(group, role)| (group, (target, role))));
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
        let (members, groups) = (self.index.members.len(), self.index.groups.len());
        let Edges { mut memberships, direct, grants } = self.edges;
        let group_members = Adjacency::new(groups, &swapped(&memberships));
        memberships.sort_unstable();
        memberships.dedup();
        let member_groups = Adjacency::new(members, &memberships);
        drop(memberships);
        // The direct grants are the largest list of edges: dropped as soon as they are grouped.
        let direct_grants = Adjacency::new(members, &direct);
        drop(direct);
        let graph = AccessGraph {
            member_groups,
            group_members,
            direct: direct_grants,
            group_clouds: group_sources(groups, &grants, |entry| match entry {
                Entry::Cloud(cloud) => Some(cloud),
                Entry::Project(_) => None,
            }),
            group_projects: group_sources(groups, &grants, |entry| match entry {
                Entry::Project(project) => Some(project),
                Entry::Cloud(_) => None,
            }),
            project_parent: self.project_parent,
        };
        (graph, self.anomalies)
    }
}

fn swapped(pairs: &[(u32, u32)]) -> Vec<(u32, u32)> {
    pairs.iter().map(|&(first, second)| (second, first)).collect()
}

/// Returns each group's grants on one kind of resource as the sources they give its members, sorted by
/// resource, so that a member's reach is the concatenation of its groups' runs.
fn group_sources(
    groups: usize,
    grants: &[(GroupIx, (Entry, Role))],
    resource: impl Fn(Entry) -> Option<u32>,
) -> Adjacency<(u32, Source)> {
    let mut edges: Vec<(GroupIx, (u32, Source))> = grants
        .iter()
        .filter_map(|&(group, (entry, role))| Some((group, (resource(entry)?, Source::Group { group, role }))))
        .collect();
    edges.sort_unstable();
    Adjacency::new(groups, &edges)
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
