//! What-ifs with the rules: one member's grants held per entry as counts, so that the effect of
//! removing some of them is decided by the same rules as the engine's ([`super::rules`]) at the cost
//! of the entries they touch (and, for a cloud whose role changes, the member's projects under it).
//! Explanations ask what would remain without one path; the offboarding planner removes a member's
//! holdings one by one.

use super::access::Reach;
use super::ix::{CloudIx, Entry, ProjectIx};
use super::rules::{cloud_verdict, org_standing, project_verdict, BaseGrants, BaseSource, Grants, Source, Standing};
use crate::model::{OrgRole, Role};
use std::collections::{BTreeMap, BTreeSet};

/// Grants taken away at once: org-role sources and grants on entries, each as [`Reach`] lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Removal {
    pub base: Vec<BaseSource>,
    pub grants: Vec<(Entry, Source)>,
}

/// A role that a removal changes: `None` is no role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub entry: Entry,
    pub before: Option<Role>,
    pub after: Option<Role>,
}

impl Change {
    /// True when the member has more afterwards: a new entry or a higher role.
    pub fn raises(&self) -> bool {
        self.after > self.before
    }
}

/// What a removal does: org ownership before and after, and every role it changes, in entry order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub was_org_owner: bool,
    pub is_org_owner: bool,
    pub changes: Vec<Change>,
}

impl Outcome {
    /// True when the removal gives the member anything: ownership, a new entry or a higher role.
    pub fn raises(&self) -> bool {
        (self.is_org_owner && !self.was_org_owner) || self.changes.iter().any(Change::raises)
    }

    /// Returns the role an entry has afterwards, given the role it had.
    pub fn after(&self, entry: Entry, before: Option<Role>) -> Option<Role> {
        match self.changes.binary_search_by_key(&entry, |change| change.entry) {
            Ok(position) => self.changes[position].after,
            Err(_) => before,
        }
    }
}

/// The grants of one entry and the role they give today.
#[derive(Clone, Copy, Debug, Default)]
struct EntryState {
    grants: Grants,
    role: Option<Role>,
}

/// One member's grants and roles, updated removal by removal.
pub struct Simulation<'p> {
    parents: &'p [Option<CloudIx>],
    is_service_account: bool,
    base: BaseGrants,
    standing: Standing,
    entries: BTreeMap<Entry, EntryState>,
    /// The member's project entries under each cloud.
    projects_of: BTreeMap<CloudIx, Vec<ProjectIx>>,
}

impl<'p> Simulation<'p> {
    /// Starts from everything that reaches the member; `parents` gives each project's parent cloud.
    pub fn new(reach: &Reach, parents: &'p [Option<CloudIx>]) -> Simulation<'p> {
        let base = BaseGrants::of(&reach.base);
        let mut simulation = Simulation {
            parents,
            is_service_account: reach.is_service_account,
            base,
            standing: org_standing(&base, reach.is_service_account),
            entries: BTreeMap::new(),
            projects_of: BTreeMap::new(),
        };
        let clouds = reach.clouds.iter().map(|&(cloud, source)| (Entry::Cloud(cloud), source));
        let projects = reach.projects.iter().map(|&(project, source)| (Entry::Project(project), source));
        for (entry, source) in clouds.chain(projects) {
            simulation.entries.entry(entry).or_default().grants.add(source);
        }
        simulation.index_projects();
        simulation.compute_roles();
        simulation
    }

    fn index_projects(&mut self) {
        for entry in self.entries.keys() {
            if let Entry::Project(project) = *entry {
                if let Some(parent) = self.parent(project) {
                    self.projects_of.entry(parent).or_default().push(project);
                }
            }
        }
    }

    /// Sets every role from the grants: clouds first, since projects depend on them (R4).
    fn compute_roles(&mut self) {
        let entries: Vec<Entry> = self.entries.keys().copied().collect();
        for entry in entries {
            let role = self.evaluate(entry, &self.entries[&entry].grants, &BTreeMap::new());
            if let Some(state) = self.entries.get_mut(&entry) {
                state.role = role;
            }
        }
    }

    /// True when the member is an org owner (R1).
    pub fn is_org_owner(&self) -> bool {
        self.standing.is_org_owner
    }

    /// Returns the role of one entry today.
    pub fn role(&self, entry: Entry) -> Option<Role> {
        self.entries.get(&entry).and_then(|state| state.role)
    }

    /// Returns every entry the member holds a role on, with the role.
    pub fn roles(&self) -> BTreeMap<Entry, Role> {
        self.entries.iter().filter_map(|(entry, state)| Some((*entry, state.role?))).collect()
    }

    /// Returns the member's project entries under a cloud, in project order.
    pub fn projects_under(&self, cloud: CloudIx) -> &[ProjectIx] {
        self.projects_of.get(&cloud).map_or(&[], Vec::as_slice)
    }

    /// Returns the parent cloud of a project.
    pub fn parent(&self, project: ProjectIx) -> Option<CloudIx> {
        self.parents.get(project as usize).copied().flatten()
    }

    /// Returns what `removal` would do, without doing it.
    pub fn outcome(&self, removal: &Removal) -> Outcome {
        let mut base = self.base;
        for source in &removal.base {
            match source.role() {
                OrgRole::Owner => base.owner = base.owner.saturating_sub(1),
                OrgRole::Collaborator => base.collaborator = base.collaborator.saturating_sub(1),
            }
        }
        let standing = org_standing(&base, self.is_service_account);
        let changes = if standing.has_base { self.changes_of(&removal.grants) } else { self.everything_lost() };
        Outcome { was_org_owner: self.standing.is_org_owner, is_org_owner: standing.is_org_owner, changes }
    }

    /// Carries out `removal` and returns what it did.
    pub fn apply(&mut self, removal: &Removal) -> Outcome {
        let outcome = self.outcome(removal);
        for source in &removal.base {
            match source.role() {
                OrgRole::Owner => self.base.owner = self.base.owner.saturating_sub(1),
                OrgRole::Collaborator => self.base.collaborator = self.base.collaborator.saturating_sub(1),
            }
        }
        self.standing = org_standing(&self.base, self.is_service_account);
        for &(entry, source) in &removal.grants {
            if let Some(state) = self.entries.get_mut(&entry) {
                state.grants.remove(source);
            }
        }
        for change in &outcome.changes {
            if let Some(state) = self.entries.get_mut(&change.entry) {
                state.role = change.after;
            }
        }
        outcome
    }

    /// Without a base role every entry goes (R2).
    fn everything_lost(&self) -> Vec<Change> {
        self.entries
            .iter()
            .filter_map(|(&entry, state)| Some(Change { entry, before: Some(state.role?), after: None }))
            .collect()
    }

    /// Returns the roles that change when `grants` go: their entries, and the member's projects under
    /// each cloud whose role changes.
    fn changes_of(&self, grants: &[(Entry, Source)]) -> Vec<Change> {
        let mut touched: BTreeMap<Entry, Grants> = BTreeMap::new();
        for &(entry, source) in grants {
            let current = self.entries.get(&entry).map(|state| state.grants).unwrap_or_default();
            touched.entry(entry).or_insert(current).remove(source);
        }
        let mut changes = Vec::new();
        let mut clouds_after: BTreeMap<CloudIx, Option<Role>> = BTreeMap::new();
        let mut projects: BTreeSet<ProjectIx> = BTreeSet::new();
        for (&entry, grants) in &touched {
            match entry {
                Entry::Cloud(cloud) => {
                    let after = self.evaluate(entry, grants, &clouds_after);
                    if after != self.role(entry) {
                        changes.push(Change { entry, before: self.role(entry), after });
                        clouds_after.insert(cloud, after);
                        projects.extend(self.projects_under(cloud));
                    }
                }
                Entry::Project(project) => _ = projects.insert(project),
            }
        }
        for project in projects {
            let entry = Entry::Project(project);
            let grants = touched.get(&entry).copied().or_else(|| self.entries.get(&entry).map(|state| state.grants));
            let after = self.evaluate(entry, &grants.unwrap_or_default(), &clouds_after);
            if after != self.role(entry) {
                changes.push(Change { entry, before: self.role(entry), after });
            }
        }
        changes.sort_by_key(|change| change.entry);
        changes
    }

    /// Decides one entry's role from `grants` (R3, R4), reading a parent cloud's role from
    /// `clouds_after` when it changes, else from today's roles.
    fn evaluate(&self, entry: Entry, grants: &Grants, clouds_after: &BTreeMap<CloudIx, Option<Role>>) -> Option<Role> {
        if !self.standing.has_base {
            return None;
        }
        match entry {
            Entry::Cloud(_) => cloud_verdict(grants).map(|verdict| verdict.role),
            Entry::Project(project) => {
                let parent = self.parent(project)?;
                let parent_role = match clouds_after.get(&parent) {
                    Some(after) => *after,
                    None => self.role(Entry::Cloud(parent)),
                }?;
                project_verdict(grants, parent_role).map(|verdict| verdict.role)
            }
        }
    }
}
