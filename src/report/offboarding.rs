//! The one-person (offboarding) review: everything a member can reach and through which path, an
//! ordered revocation plan, and the clouds and projects left with no owner once the member is gone.
//!
//! The plan is ordered so that no step ever raises the member's access (removing a direct `readonly`
//! on a cloud before the group that it restricts would raise the role, R3), and so that each step
//! removes as much privilege as possible: org ownership first, then owner, write and read entries.
//! Grants that give nothing today (dropped by the rules) come last, as clean-up.

use super::csv::{neutralise, render, CSV_FORMAT};
use super::facts;
use super::summary::CollectionFacts;
use crate::model::{Collection, DirectLevel, OrgRole, Role};
use crate::resolve::{
    cloud_role, describe_source, project_role, Anomaly, CloudIx, Edge, GroupIx, MemberAccess, Node, ProjectIx,
    Resolution, Source,
};
use petgraph::visit::EdgeRef;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The columns of `revocation-plan.csv`, in order.
pub const PLAN_COLUMNS: [&str; 9] =
    ["format", "organization_id", "member_id", "step", "action", "target_type", "target_id", "target_name", "effect"];

/// The one-person report, ready for a template.
#[derive(Debug, Serialize)]
pub struct Offboarding {
    pub collection: CollectionFacts,
    pub member: PersonFacts,
    pub entries: Vec<EntryRow>,
    pub plan: Vec<Step>,
    pub left_without_owner: Vec<ResourceRow>,
    pub anomalies: Vec<AnomalyRow>,
}

/// Who the person is.
#[derive(Debug, Serialize)]
pub struct PersonFacts {
    pub id: String,
    pub email: String,
    pub name: String,
    pub is_service_account: bool,
    pub org_role: &'static str,
    pub org_role_sources: String,
    pub is_org_owner: bool,
}

/// One cloud or project entry with its paths.
#[derive(Debug, Serialize)]
pub struct EntryRow {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub paths: Vec<String>,
    pub cap: Option<String>,
}

/// One step of the revocation plan.
#[derive(Debug, Serialize)]
pub struct Step {
    pub number: usize,
    pub action: &'static str,
    pub target_type: &'static str,
    pub target_id: String,
    pub target_name: String,
    pub effect: String,
}

/// A cloud or project whose only explicit owner is the person.
#[derive(Debug, Serialize)]
pub struct ResourceRow {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
}

/// An anomaly that names the person.
#[derive(Debug, Serialize)]
pub struct AnomalyRow {
    pub code: &'static str,
    pub detail: String,
}

impl Offboarding {
    /// Builds the review of one member.
    pub fn new(
        resolution: &Resolution<'_>,
        collection: &Collection,
        access: &MemberAccess,
        anomalies: &[&Anomaly],
    ) -> Offboarding {
        let index = &resolution.index;
        let record = index.member_record(access.member);
        Offboarding {
            collection: CollectionFacts::new(resolution, collection),
            member: PersonFacts {
                id: record.member_id().to_owned(),
                email: record.email.clone(),
                name: record.name.clone(),
                is_service_account: record.is_service_account,
                org_role: facts::org_role(access),
                org_role_sources: facts::org_role_sources(index, access),
                is_org_owner: access.is_org_owner,
            },
            entries: entry_rows(resolution, access),
            plan: Planner::new(resolution, access).plan(),
            left_without_owner: left_without_owner(resolution, access),
            anomalies: anomalies
                .iter()
                .map(|anomaly| AnomalyRow { code: anomaly.kind().code(), detail: anomaly.detail(index) })
                .collect(),
        }
    }

    /// Writes `revocation-plan.csv`: one row per step, in order.
    pub fn write_plan_csv<W: Write>(&self, mut writer: W) -> io::Result<()> {
        let bytes = render(|csv| {
            csv.write_record(PLAN_COLUMNS)?;
            for step in &self.plan {
                csv.write_record([
                    CSV_FORMAT,
                    &neutralise(&self.collection.organization_id),
                    &neutralise(&self.member.id),
                    &step.number.to_string(),
                    step.action,
                    step.target_type,
                    &neutralise(&step.target_id),
                    &neutralise(&step.target_name),
                    &neutralise(&step.effect),
                ])?;
            }
            Ok(())
        })?;
        writer.write_all(&bytes)?;
        writer.flush()
    }
}

fn entry_rows(resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<EntryRow> {
    let index = &resolution.index;
    let paths = |sources: &[Source]| sources.iter().map(|&source| describe_source(index, source)).collect();
    let mut rows = Vec::new();
    for cloud in &access.clouds {
        let record = index.cloud_record(cloud.cloud);
        rows.push(EntryRow {
            kind: "cloud",
            id: record.id.to_string(),
            name: record.name.clone(),
            role: cloud.role.as_str(),
            paths: paths(&cloud.sources),
            cap: facts::cloud_cap(index, cloud),
        });
        for project in &cloud.projects {
            let record = index.project_record(project.project);
            rows.push(EntryRow {
                kind: "project",
                id: record.id.to_string(),
                name: record.name.clone(),
                role: project.role.as_str(),
                paths: paths(&project.sources),
                cap: facts::project_cap(index, cloud, project),
            });
        }
    }
    rows
}

/// Returns the clouds and projects whose only explicit owner is this member.
fn left_without_owner(resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<ResourceRow> {
    let index = &resolution.index;
    let mut owners: BTreeMap<Entry, usize> = BTreeMap::new();
    for other in &resolution.members {
        for cloud in &other.clouds {
            if cloud.role == Role::Owner {
                *owners.entry(Entry::Cloud(cloud.cloud)).or_default() += 1;
            }
            for project in cloud.projects.iter().filter(|project| project.role == Role::Owner) {
                *owners.entry(Entry::Project(project.project)).or_default() += 1;
            }
        }
    }
    let mut rows = Vec::new();
    for cloud in &access.clouds {
        if cloud.role == Role::Owner && owners.get(&Entry::Cloud(cloud.cloud)) == Some(&1) {
            let record = index.cloud_record(cloud.cloud);
            rows.push(ResourceRow { kind: "cloud", id: record.id.to_string(), name: record.name.clone() });
        }
        for project in &cloud.projects {
            if project.role == Role::Owner && owners.get(&Entry::Project(project.project)) == Some(&1) {
                let record = index.project_record(project.project);
                rows.push(ResourceRow { kind: "project", id: record.id.to_string(), name: record.name.clone() });
            }
        }
    }
    rows
}

/// A cloud or project entry of the member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Entry {
    Cloud(CloudIx),
    Project(ProjectIx),
}

/// One thing the member holds that can be revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Holding {
    /// A group membership.
    Group(GroupIx),
    /// The direct grant(s) on one cloud or project.
    Direct(Entry),
}

/// The member's access under a set of holdings: org ownership and the role of each entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Access {
    is_org_owner: bool,
    roles: BTreeMap<Entry, Role>,
}

impl Access {
    /// Returns a weight that orders privilege: org ownership, then owner, write and read entries.
    fn weight(&self) -> u64 {
        let entries: u64 = self
            .roles
            .values()
            .map(|role| match role {
                Role::Owner => 10_000,
                Role::Collaborator => 100,
                Role::Readonly => 1,
            })
            .sum();
        entries + if self.is_org_owner { 1 << 40 } else { 0 }
    }

    /// True when `after` gives anything this access does not: a new entry, a higher role, ownership.
    fn is_raised_by(&self, after: &Access) -> bool {
        (after.is_org_owner && !self.is_org_owner)
            || after.roles.iter().any(|(entry, role)| self.roles.get(entry).is_none_or(|before| role > before))
    }
}

/// Orders the revocations of one member by simulating each removal with the rules R1–R4.
struct Planner<'r, 'a> {
    resolution: &'r Resolution<'a>,
    member: u32,
    level: Option<OrgRole>,
    is_service_account: bool,
    direct: BTreeMap<Entry, Vec<DirectLevel>>,
    groups: Vec<GroupIx>,
}

impl<'r, 'a> Planner<'r, 'a> {
    fn new(resolution: &'r Resolution<'a>, access: &MemberAccess) -> Self {
        let graph = &resolution.graph;
        let record = resolution.index.member_record(access.member);
        let mut direct: BTreeMap<Entry, Vec<DirectLevel>> = BTreeMap::new();
        for edge in graph.graph.edges(graph.member_node(access.member)) {
            let entry = match (*edge.weight(), graph.graph[edge.target()]) {
                (Edge::Direct(level), Node::Cloud(cloud)) => (Entry::Cloud(cloud), level),
                (Edge::Direct(level), Node::Project(project)) => (Entry::Project(project), level),
                _ => continue,
            };
            direct.entry(entry.0).or_default().push(entry.1);
        }
        let mut groups: Vec<GroupIx> = graph.groups_of(access.member).collect();
        groups.sort_unstable();
        groups.dedup();
        Planner {
            resolution,
            member: access.member,
            level: record.level_role(),
            is_service_account: record.is_service_account,
            direct,
            groups,
        }
    }

    /// Returns the steps: revocations in a safe order, then the removal from the organization.
    fn plan(&self) -> Vec<Step> {
        let mut remaining: Vec<Holding> = self.groups.iter().map(|&group| Holding::Group(group)).collect();
        remaining.extend(self.direct.keys().map(|&entry| Holding::Direct(entry)));
        let mut current = self.access(&remaining);
        let mut steps = Vec::new();
        while !remaining.is_empty() {
            let (position, after) = self.next_step(&remaining, &current);
            let holding = remaining.remove(position);
            steps.push(self.step(steps.len() + 1, holding, &current, &after));
            current = after;
        }
        steps.push(self.final_step(steps.len() + 1));
        steps
    }

    /// Picks the removal that lowers the most privilege without raising any; if every removal raises
    /// something (which the rules make unlikely), the one that lowers the most.
    fn next_step(&self, remaining: &[Holding], current: &Access) -> (usize, Access) {
        let mut best: Option<(bool, u64, usize, Access)> = None;
        for position in 0..remaining.len() {
            let mut kept = remaining.to_vec();
            kept.remove(position);
            let after = self.access(&kept);
            let is_safe = !current.is_raised_by(&after);
            let lowered = current.weight().saturating_sub(after.weight());
            let better = best.as_ref().is_none_or(|(safe, most, _, _)| (is_safe, lowered) > (*safe, *most));
            if better {
                best = Some((is_safe, lowered, position, after));
            }
        }
        match best {
            Some((_, _, position, after)) => (position, after),
            None => (0, current.clone()),
        }
    }

    /// Returns the member's access when only `kept` remain (R1–R4 over those grants).
    fn access(&self, kept: &[Holding]) -> Access {
        let index = &self.resolution.index;
        let kept_groups: Vec<GroupIx> = kept
            .iter()
            .filter_map(|holding| if let Holding::Group(group) = holding { Some(*group) } else { None })
            .collect();
        let group_roles: Vec<OrgRole> =
            kept_groups.iter().filter_map(|&group| index.group_record(group).org_role).collect();
        let has_base = self.level.is_some() || !group_roles.is_empty();
        let is_org_owner =
            !self.is_service_account && (self.level == Some(OrgRole::Owner) || group_roles.contains(&OrgRole::Owner));
        if !has_base {
            return Access::default();
        }
        let sources = self.sources(kept, &kept_groups);
        Access { is_org_owner, roles: self.roles(&sources) }
    }

    fn sources(&self, kept: &[Holding], kept_groups: &[GroupIx]) -> BTreeMap<Entry, Vec<Source>> {
        let graph = &self.resolution.graph;
        let mut sources: BTreeMap<Entry, Vec<Source>> = BTreeMap::new();
        for holding in kept {
            if let Holding::Direct(entry) = holding {
                let levels = self.direct.get(entry).map_or(&[][..], Vec::as_slice);
                sources.entry(*entry).or_default().extend(levels.iter().map(|&level| Source::Direct(level)));
            }
        }
        for &group in kept_groups {
            for edge in graph.graph.edges(graph.group_node(group)) {
                let Edge::GroupGrant(role) = *edge.weight() else { continue };
                let entry = match graph.graph[edge.target()] {
                    Node::Cloud(cloud) => Entry::Cloud(cloud),
                    Node::Project(project) => Entry::Project(project),
                    _ => continue,
                };
                sources.entry(entry).or_default().push(Source::Group { group, role });
            }
        }
        sources
    }

    fn roles(&self, sources: &BTreeMap<Entry, Vec<Source>>) -> BTreeMap<Entry, Role> {
        let mut roles = BTreeMap::new();
        for (entry, grants) in sources {
            if let (Entry::Cloud(_), Some(role)) = (entry, cloud_role(grants)) {
                roles.insert(*entry, role);
            }
        }
        for (entry, grants) in sources {
            let Entry::Project(project) = *entry else { continue };
            let parent = self.resolution.graph.project_parent[project as usize];
            let Some(parent_role) = parent.and_then(|cloud| roles.get(&Entry::Cloud(cloud)).copied()) else { continue };
            if let Some(role) = project_role(grants, parent_role) {
                roles.insert(*entry, role);
            }
        }
        roles
    }

    fn step(&self, number: usize, holding: Holding, before: &Access, after: &Access) -> Step {
        let index = &self.resolution.index;
        let (action, target_type, target_id, target_name) = match holding {
            Holding::Group(group) => {
                let record = index.group_record(group);
                ("leave group", "group", record.id.to_string(), record.name.clone())
            }
            Holding::Direct(Entry::Cloud(cloud)) => {
                let record = index.cloud_record(cloud);
                ("delete direct grant", "cloud", record.id.to_string(), record.name.clone())
            }
            Holding::Direct(Entry::Project(project)) => {
                let record = index.project_record(project);
                ("delete direct grant", "project", record.id.to_string(), record.name.clone())
            }
        };
        let mut effect = self.describe_change(before, after);
        if let Holding::Direct(entry) = holding {
            let levels: Vec<&str> = self.direct.get(&entry).into_iter().flatten().map(|level| level.as_str()).collect();
            effect = format!("direct {}: {effect}", levels.join(", "));
        }
        Step { number, action, target_type, target_id, target_name, effect }
    }

    fn final_step(&self, number: usize) -> Step {
        let record = self.resolution.index.member_record(self.member);
        let effect = match self.level {
            Some(OrgRole::Owner) if !self.is_service_account => {
                "ends org ownership (permission_level owner) and all implicit access".to_owned()
            }
            Some(role) => format!("ends the base role (permission_level {role})"),
            None => format!("removes the member record (permission_level `{}`, no base role)", record.permission_level),
        };
        Step {
            number,
            action: "remove from organization",
            target_type: "organization",
            target_id: self.resolution.organization_id().to_owned(),
            target_name: record.email.clone(),
            effect,
        }
    }

    /// Returns what changes between two accesses, in words, or that nothing does.
    fn describe_change(&self, before: &Access, after: &Access) -> String {
        let index = &self.resolution.index;
        let name = |entry: &Entry| match *entry {
            Entry::Cloud(cloud) => format!("cloud {}", index.cloud_record(cloud).name),
            Entry::Project(project) => format!("project {}", index.project_record(project).name),
        };
        let mut changes = Vec::new();
        if before.is_org_owner && !after.is_org_owner {
            changes.push("ends org ownership".to_owned());
        }
        for (entry, role) in &before.roles {
            match after.roles.get(entry) {
                None => changes.push(format!("{} {role} -> none", name(entry))),
                Some(new) if new != role => changes.push(format!("{} {role} -> {new}", name(entry))),
                Some(_) => {}
            }
        }
        for (entry, role) in &after.roles {
            if !before.roles.contains_key(entry) {
                changes.push(format!("{} none -> {role} (raised until a later step)", name(entry)));
            }
        }
        if changes.is_empty() {
            return "no change to effective access today (clean-up: the grant is redundant or dropped)".to_owned();
        }
        changes.join("; ")
    }
}
