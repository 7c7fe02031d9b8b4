//! Random edits of an organization, deterministic from a seed: the second collection of a diff
//! benchmark, and the random changes of the diff's property test. Every kind of raw change a diff
//! knows is made: direct levels and group bindings added, changed and removed, memberships, groups
//! deleted or restored and their org roles, members' levels, flags, emails and names, renames, moved
//! projects, records created and deleted, members joining and leaving, and references to ids that
//! do not exist.

use super::random::SplitMix64;
use crate::model::{
    Binding, Cloud, CloudCollaborator, CloudId, DirectLevel, Group, GroupId, GroupSource, Member, Membership, OrgRole,
    Organization, Project, ProjectCollaborator, ProjectId, Role, UserId,
};

const LEVELS: [DirectLevel; 3] = [DirectLevel::Owner, DirectLevel::Write, DirectLevel::Readonly];
const ROLES: [Role; 3] = [Role::Owner, Role::Collaborator, Role::Readonly];
const PERMISSION_LEVELS: [&str; 4] = ["owner", "collaborator", "unspecified", ""];

/// Returns `organization` after `edits` random edits drawn with `seed`, normalized.
pub fn edit(organization: &Organization, edits: usize, seed: u64) -> Organization {
    let mut editor = Editor { organization: organization.clone(), rng: SplitMix64::new(seed), created: 0 };
    for _ in 0..edits {
        editor.one_edit();
    }
    let mut edited = editor.organization;
    edited.normalize();
    edited
}

struct Editor {
    organization: Organization,
    rng: SplitMix64,
    /// Records created so far, numbering their ids.
    created: usize,
}

impl Editor {
    /// Makes one edit; grants and memberships change most, records are deleted least, as in the
    /// life of a real organization.
    fn one_edit(&mut self) {
        match self.rng.below(100) {
            0..=19 => self.cloud_level(),
            20..=39 => self.project_level(),
            40..=54 => self.membership(),
            55..=59 => self.cloud_binding(),
            60..=67 => self.project_binding(),
            68..=71 => self.group_state(),
            72..=75 => self.member_level(),
            76..=79 => self.member_record(),
            80..=82 => self.rename(),
            83..=85 => self.move_project(),
            86..=90 => self.create(),
            91..=93 => self.delete(),
            _ => self.join_or_leave(),
        }
    }

    /// Picks a member id, now and then one that is not a member.
    fn member_id(&mut self) -> UserId {
        let members = &self.organization.members;
        if members.is_empty() || self.rng.chance(0.05) {
            return UserId(format!("usr_ghost_{}", self.rng.below(3)));
        }
        UserId(members[self.rng.below(members.len())].member_id().to_owned())
    }

    /// Picks a group id, now and then one that does not exist.
    fn group_id(&mut self) -> GroupId {
        let groups = &self.organization.groups;
        if groups.is_empty() || self.rng.chance(0.05) {
            return GroupId(format!("ug_ghost_{}", self.rng.below(3)));
        }
        groups[self.rng.below(groups.len())].id.clone()
    }

    /// Picks, half of the time, a group already bound on a resource (so that bindings change as well
    /// as appear), else any group.
    fn bound_group(&mut self, bindings: &[Binding]) -> GroupId {
        let bound: Vec<&GroupId> = bindings.iter().flat_map(|binding| &binding.groups).collect();
        if bound.is_empty() || self.rng.chance(0.5) {
            return self.group_id();
        }
        bound[self.rng.below(bound.len())].clone()
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.created += 1;
        format!("{prefix}_edit_{:06}", self.created)
    }

    fn cloud_level(&mut self) {
        if self.organization.clouds.is_empty() {
            return;
        }
        let (cloud, member, level) =
            (self.rng.below(self.organization.clouds.len()), self.member_id(), LEVELS[self.rng.below(3)]);
        let remove = self.rng.chance(0.4);
        let collaborators = &mut self.organization.clouds[cloud].collaborators;
        match collaborators.iter().position(|c| c.user_id == member) {
            Some(position) if remove => _ = collaborators.remove(position),
            Some(position) => toggle(&mut collaborators[position].levels, level),
            None => collaborators.push(CloudCollaborator { user_id: member, levels: vec![level] }),
        }
        collaborators.retain(|collaborator| !collaborator.levels.is_empty());
    }

    fn project_level(&mut self) {
        if self.organization.projects.is_empty() {
            return;
        }
        let (project, member, level) =
            (self.rng.below(self.organization.projects.len()), self.member_id(), LEVELS[self.rng.below(3)]);
        let remove = self.rng.chance(0.4);
        let collaborators = &mut self.organization.projects[project].collaborators;
        match collaborators.iter().position(|c| c.user_id == member) {
            Some(position) if remove => _ = collaborators.remove(position),
            Some(position) => collaborators[position].level = level,
            None => collaborators.push(ProjectCollaborator { user_id: member, level }),
        }
    }

    fn membership(&mut self) {
        let (group, member) = (self.group_id(), self.member_id());
        let memberships = &mut self.organization.memberships;
        let Some(membership) = memberships.iter_mut().find(|m| m.group_id == group) else {
            let group_name = String::new();
            memberships.push(Membership { group_id: group, group_name, user_ids: vec![member] });
            return;
        };
        match membership.user_ids.iter().position(|user| *user == member) {
            Some(position) => _ = membership.user_ids.remove(position),
            None => membership.user_ids.push(member),
        }
    }

    fn cloud_binding(&mut self) {
        if self.organization.clouds.is_empty() {
            return;
        }
        let cloud = self.rng.below(self.organization.clouds.len());
        let group = self.bound_group(&self.organization.clouds[cloud].bindings.clone());
        let (role, remove) = (ROLES[self.rng.below(3)], self.rng.chance(0.4));
        edit_bindings(&mut self.organization.clouds[cloud].bindings, group, role, remove);
    }

    fn project_binding(&mut self) {
        if self.organization.projects.is_empty() {
            return;
        }
        let project = self.rng.below(self.organization.projects.len());
        let group = self.bound_group(&self.organization.projects[project].bindings.clone());
        let (role, remove) = (ROLES[self.rng.below(3)], self.rng.chance(0.4));
        edit_bindings(&mut self.organization.projects[project].bindings, group, role, remove);
    }

    fn group_state(&mut self) {
        if self.organization.groups.is_empty() {
            return;
        }
        let deleted: Vec<usize> =
            (0..self.organization.groups.len()).filter(|&g| self.organization.groups[g].is_deleted()).collect();
        let (mut position, org_role) = (self.rng.below(self.organization.groups.len()), self.rng.below(4));
        if org_role == 0 && !deleted.is_empty() && self.rng.chance(0.5) {
            position = deleted[self.rng.below(deleted.len())];
        }
        let group = &mut self.organization.groups[position];
        match org_role {
            0 => {
                group.deleted_at = if group.is_deleted() { None } else { Some("2026-02-01T00:00:00+00:00".to_owned()) }
            }
            1 => group.org_role = None,
            2 => group.org_role = Some(OrgRole::Collaborator),
            _ => group.org_role = Some(OrgRole::Owner),
        }
    }

    fn member_level(&mut self) {
        if self.organization.members.is_empty() {
            return;
        }
        let (position, level) = (self.rng.below(self.organization.members.len()), self.rng.below(4));
        let member = &mut self.organization.members[position];
        member.permission_level = PERMISSION_LEVELS[level].to_owned();
        member.base_role = OrgRole::from_permission_level(&member.permission_level);
    }

    fn member_record(&mut self) {
        if self.organization.members.is_empty() {
            return;
        }
        let (position, field, number) =
            (self.rng.below(self.organization.members.len()), self.rng.below(3), self.rng.below(1000));
        let member = &mut self.organization.members[position];
        match field {
            0 => member.is_service_account = !member.is_service_account,
            1 => member.email = format!("renamed{number}.{}", member.email),
            _ => member.name = format!("{} {number}", member.name),
        }
    }

    fn rename(&mut self) {
        let (kind, number) = (self.rng.below(3), self.rng.below(1000));
        let organization = &mut self.organization;
        let (len, name) = match kind {
            0 => (organization.clouds.len(), format!("cloud-renamed-{number}")),
            1 => (organization.projects.len(), format!("project-renamed-{number}")),
            _ => (organization.groups.len(), format!("team-renamed-{number}")),
        };
        if len == 0 {
            return;
        }
        let position = self.rng.below(len);
        match kind {
            0 => self.organization.clouds[position].name = name,
            1 => self.organization.projects[position].name = name,
            _ => self.organization.groups[position].name = name,
        }
    }

    fn move_project(&mut self) {
        let (projects, clouds) = (self.organization.projects.len(), self.organization.clouds.len());
        if projects == 0 || clouds == 0 {
            return;
        }
        let (project, cloud) = (self.rng.below(projects), self.rng.below(clouds));
        let parent = if self.rng.chance(0.05) {
            CloudId(format!("cld_ghost_{}", self.rng.below(3)))
        } else {
            self.organization.clouds[cloud].id.clone()
        };
        self.organization.projects[project].parent_cloud_id = parent;
    }

    fn create(&mut self) {
        match self.rng.below(3) {
            0 => {
                let id = CloudId(self.next_id("cld"));
                let (member, level) = (self.member_id(), LEVELS[self.rng.below(3)]);
                let collaborators = vec![CloudCollaborator { user_id: member, levels: vec![level] }];
                let name = format!("cloud-{id}");
                self.organization.clouds.push(Cloud { id, name, collaborators, bindings: Vec::new() });
            }
            1 if !self.organization.clouds.is_empty() => {
                let id = ProjectId(self.next_id("prj"));
                let parent = self.organization.clouds[self.rng.below(self.organization.clouds.len())].id.clone();
                let (group, role) = (self.group_id(), ROLES[self.rng.below(3)]);
                let bindings = vec![Binding { role, groups: vec![group] }];
                let name = format!("project-{id}");
                let project = Project { id, name, parent_cloud_id: parent, collaborators: Vec::new(), bindings };
                self.organization.projects.push(project);
            }
            _ => {
                let id = GroupId(self.next_id("ug"));
                let member = self.member_id();
                let membership = Membership { group_id: id.clone(), group_name: String::new(), user_ids: vec![member] };
                self.organization.memberships.push(membership);
                self.organization.groups.push(new_group(id));
            }
        }
    }

    fn delete(&mut self) {
        let organization = &mut self.organization;
        match self.rng.below(10) {
            0 if !organization.clouds.is_empty() => {
                _ = organization.clouds.remove(self.rng.below(organization.clouds.len()))
            }
            1..=6 if !organization.projects.is_empty() => {
                _ = organization.projects.remove(self.rng.below(organization.projects.len()))
            }
            7..=9 if !organization.groups.is_empty() => {
                _ = organization.groups.remove(self.rng.below(organization.groups.len()))
            }
            _ => {}
        }
    }

    fn join_or_leave(&mut self) {
        if self.rng.chance(0.5) && !self.organization.members.is_empty() {
            let position = self.rng.below(self.organization.members.len());
            self.organization.members.remove(position);
            return;
        }
        let id = self.next_id("usr");
        let level = PERMISSION_LEVELS[self.rng.below(2)];
        let is_service_account = self.rng.chance(0.1);
        let member = Member {
            id: format!("idn_{id}"),
            user_id: Some(UserId(id.clone())),
            email: format!("{id}@example.com"),
            name: format!("Member {id}"),
            created_at: "2026-02-01T00:00:00+00:00".to_owned(),
            permission_level: level.to_owned(),
            base_role: OrgRole::from_permission_level(level),
            additional_roles: Vec::new(),
            is_service_account,
        };
        self.organization.members.push(member);
        if let Some(group) = self.organization.groups.first().map(|group| group.id.clone()) {
            let membership = Membership { group_id: group, group_name: String::new(), user_ids: vec![UserId(id)] };
            self.organization.memberships.push(membership);
        }
    }
}

/// Adds `level` to a member's levels on a cloud, or takes it away when it is there.
fn toggle(levels: &mut Vec<DirectLevel>, level: DirectLevel) {
    match levels.iter().position(|&held| held == level) {
        Some(position) => _ = levels.remove(position),
        None => levels.push(level),
    }
}

/// Removes a group's bindings on a resource, changes their role, or binds it with `role`.
fn edit_bindings(bindings: &mut Vec<Binding>, group: GroupId, role: Role, remove: bool) {
    let bound = bindings.iter().any(|binding| binding.groups.contains(&group));
    for binding in bindings.iter_mut() {
        binding.groups.retain(|other| *other != group);
    }
    bindings.retain(|binding| !binding.groups.is_empty());
    if !(bound && remove) {
        bindings.push(Binding { role, groups: vec![group] });
    }
}

fn new_group(id: GroupId) -> Group {
    Group {
        name: format!("team-{id}"),
        id,
        source: GroupSource::User,
        org_role: None,
        created_at: "2026-02-01T00:00:00+00:00".to_owned(),
        updated_at: "2026-02-01T00:00:00+00:00".to_owned(),
        deleted_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{generate, Shape};

    #[test]
    fn the_same_seed_makes_the_same_edits() {
        let shape = Shape { members: 50, groups: 5, group_size: 6, clouds: 3, projects: 9, grants: 300, seed: 3 };
        let organization = generate(&shape);
        assert_eq!(edit(&organization, 40, 9), edit(&organization, 40, 9));
        assert_ne!(edit(&organization, 40, 9), organization);
    }
}
