//! The resource rules of a policy: on the clouds and projects a rule covers, every member it does not
//! allow whose effective role exceeds what the rule leaves to others is a finding, org owners (implicit
//! owners of everything) included.

use super::super::finding::Evidence;
use super::super::originals::Originals;
use super::super::policy::Rule;
use super::Inputs;
use crate::resolve::{CloudIx, Entry, GroupIx, MemberAccess, MemberIx, ProjectIx, Resolution};

/// A rule with its patterns matched once against every cloud, project and group.
pub struct CompiledRule<'p> {
    /// The rule's position among the evaluation's controls.
    pub control: u16,
    rule: &'p Rule,
    originals: Originals<'p>,
    clouds: Vec<bool>,
    projects: Vec<bool>,
    groups: Vec<bool>,
    /// Every resource the rule covers, each cloud followed by its projects (output order).
    covered: Vec<Entry>,
}

impl<'p> CompiledRule<'p> {
    /// Matches the rule's patterns against the organization's names and ids.
    pub fn new(inputs: &Inputs<'p, '_>, rule: &'p Rule, control: u16) -> CompiledRule<'p> {
        let (resolution, originals) = (inputs.resolution, inputs.originals);
        let index = &resolution.index;
        let clouds: Vec<bool> = (0..index.clouds.len() as CloudIx)
            .map(|cloud| {
                let record = originals.cloud(index, cloud);
                rule.clouds.iter().any(|pattern| pattern.matches(&record.name) || pattern.matches(record.id.as_str()))
            })
            .collect();
        let projects: Vec<bool> = (0..index.projects.len() as ProjectIx)
            .map(|project| {
                let record = originals.project(index, project);
                rule.projects.iter().any(|pattern| pattern.matches(&record.name) || pattern.matches(record.id.as_str()))
            })
            .collect();
        let groups = (0..index.groups.len() as GroupIx)
            .map(|group| {
                let record = originals.group(index, group);
                rule.allow_groups
                    .iter()
                    .any(|pattern| pattern.matches(&record.name) || pattern.matches(record.id.as_str()))
            })
            .collect();
        let covered = covered(resolution, &clouds, &projects);
        CompiledRule { control, rule, originals, clouds, projects, groups, covered }
    }

    /// Returns the member's entries that break the rule: its explicit roles above the limit, or for
    /// an org owner its implicit ownership of everything the rule covers.
    pub fn check(&self, resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<Evidence> {
        let member = access.member;
        let limit = self.rule.others_may_hold();
        let mut found = Vec::new();
        if access.is_org_owner {
            found.extend(self.covered.iter().map(|&entry| Evidence::ImplicitOwner { member, entry, limit }));
        } else {
            for cloud in &access.clouds {
                if self.clouds[cloud.cloud as usize] && Some(cloud.role) > limit {
                    found.push(Evidence::Entry { member, entry: Entry::Cloud(cloud.cloud), limit });
                }
                let projects = cloud.projects.iter().filter(|project| self.projects[project.project as usize]);
                let over = projects.filter(|project| Some(project.role) > limit);
                found.extend(over.map(|project| Evidence::Entry {
                    member,
                    entry: Entry::Project(project.project),
                    limit,
                }));
            }
        }
        if found.is_empty() || self.allows(resolution, member) {
            return Vec::new();
        }
        found
    }

    /// Returns true when the rule names the member, by id or email, or one of its groups.
    fn allows(&self, resolution: &Resolution<'_>, member: MemberIx) -> bool {
        let record = self.originals.member(&resolution.index, member);
        let by_name = self.rule.allow_members.iter().any(|pattern| {
            pattern.matches(record.member_id()) || pattern.matches(&record.id) || pattern.matches(&record.email)
        });
        by_name || resolution.graph.groups_of(member).into_iter().any(|group| self.groups[group as usize])
    }
}

/// Returns the covered clouds, each followed by its covered projects, in output order.
fn covered(resolution: &Resolution<'_>, clouds: &[bool], projects: &[bool]) -> Vec<Entry> {
    let mut children: Vec<Vec<ProjectIx>> = vec![Vec::new(); clouds.len()];
    for project in 0..projects.len() as ProjectIx {
        if let Some(parent) = resolution.graph.project_parent(project) {
            children[parent as usize].push(project);
        }
    }
    let mut entries = Vec::new();
    for (cloud, projects_of_cloud) in children.iter().enumerate() {
        if clouds[cloud] {
            entries.push(Entry::Cloud(cloud as CloudIx));
        }
        let matching = projects_of_cloud.iter().filter(|&&project| projects[project as usize]);
        entries.extend(matching.map(|&project| Entry::Project(project)));
    }
    entries
}
