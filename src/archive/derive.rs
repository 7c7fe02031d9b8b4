//! Makes a collection's records: from the engine's resolution for the first collection of an
//! archive, and from the diff module's effective changes and causes for every later one. Nothing here
//! computes a role or a change: roles come from `crate::resolve`, changes and causes from
//! `crate::diff`; this module only turns them into interval boundaries.
//!
//! Gaps: a change inside a gap of the new collection is `unknown`; the interval stays as it was and
//! the entry is marked uncertain at this collection. Once a later collection sees the entry again,
//! its role there settles the interval (a change the gap hid gets the cause `changed-inside-gap`).

use super::records::{CauseRecord, CauseTable, Change, Event, MemberRecord, Records, ResourceRecord, Scope};
use crate::diff::{covered, ChangeKind, Covered, Diff, EffectiveChange, RawKind, ResourceKind, ResourceRef};
use crate::model::{Collection, Role};
use crate::resolve::{MemberAccess, Resolution};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The cause kind of a boundary that a collection gap hid.
pub const CHANGED_INSIDE_GAP: &str = "changed-inside-gap";

/// Returns the records of an archive's first collection: every member, resource and role it shows.
pub fn initial(resolution: &Resolution<'_>) -> Records {
    let index = &resolution.index;
    let organization = index.organization;
    let members = (0..index.members.len() as u32)
        .map(|member| {
            let record = index.member_record(member);
            member_record(record.member_id(), &record.email, &record.name, record.is_service_account)
        })
        .collect();
    let mut resources = vec![organization_record(organization.id.as_str())];
    resources.extend((0..index.clouds.len() as u32).map(|cloud| {
        let record = index.cloud_record(cloud);
        ResourceRecord {
            scope: Scope::Cloud,
            id: record.id.as_str().to_owned(),
            name: record.name.clone(),
            cloud: None,
        }
    }));
    resources.extend((0..index.projects.len() as u32).map(|project| {
        let record = index.project_record(project);
        let cloud = Some(record.parent_cloud_id.as_str().to_owned());
        ResourceRecord { scope: Scope::Project, id: record.id.as_str().to_owned(), name: record.name.clone(), cloud }
    }));
    let events = resolution.members.iter().flat_map(|access| opened(resolution, access)).collect();
    Records { members, resources, causes: Vec::new(), events }
}

/// Returns the open events of everything one member holds.
fn opened(resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<Event> {
    let index = &resolution.index;
    let member = index.member_record(access.member).member_id();
    let open = |scope, resource: &str, role| Event {
        change: Change::Open,
        member: member.to_owned(),
        scope,
        resource: resource.to_owned(),
        role: Some(role),
        causes: Vec::new(),
        gaps: Vec::new(),
    };
    let mut events = Vec::new();
    if access.is_org_owner {
        events.push(open(Scope::Organization, resolution.organization_id(), Role::Owner));
    }
    for cloud in &access.clouds {
        events.push(open(Scope::Cloud, index.cloud_record(cloud.cloud).id.as_str(), cloud.role));
        for project in &cloud.projects {
            events.push(open(Scope::Project, index.project_record(project.project).id.as_str(), project.role));
        }
    }
    events
}

/// An entry of the history: a member's access to one resource.
pub type Pair = (String, Scope, String);

/// What the archive knows before a collection is added.
pub struct Before<'a> {
    /// The role of the open interval of an entry, if any.
    pub open_role: &'a dyn Fn(&Pair) -> Option<Role>,
    /// The entries the previous collection left uncertain.
    pub uncertain: Vec<Pair>,
}

/// Returns every entry whose open interval [`changes`] asks `Before::open_role` for: those the diff's
/// changes concern and those left uncertain, so that a caller can read them all at once.
pub fn entries(diff: &Diff, uncertain: &[Pair]) -> Vec<Pair> {
    let mut entries: Vec<Pair> =
        diff.changes.iter().filter_map(|change| target(change, &diff.organization_id)).map(|(pair, _)| pair).collect();
    entries.extend(uncertain.iter().cloned());
    entries
}

/// Returns the entry an effective change concerns and the role it has after the change, if any.
fn target(change: &EffectiveChange, organization_id: &str) -> Option<(Pair, Option<Role>)> {
    let member = change.member.id.clone();
    match (change.kind, &change.resource) {
        (ChangeKind::OrgOwnerGained, _) => {
            Some(((member, Scope::Organization, organization_id.to_owned()), Some(Role::Owner)))
        }
        (ChangeKind::OrgOwnerLost, _) => Some(((member, Scope::Organization, organization_id.to_owned()), None)),
        (_, Some(resource)) => Some(((member, scope_of(resource), resource.id.clone()), change.after.role())),
        (_, None) => None,
    }
}

/// Returns the records of a later collection from its diff with the previous one.
pub fn changes(diff: &Diff, new: (&Resolution<'_>, &Collection), before: &Before<'_>) -> Records {
    let gaps = NewGaps::of(new.1);
    let mut builder =
        Builder { diff, before, causes: CauseTable::default(), described: HashMap::new(), events: Vec::new() };
    let mut members = BTreeMap::new();
    let mut resources = BTreeMap::new();
    let mut touched = BTreeSet::new();
    for change in &diff.changes {
        if names_member(change.kind) {
            let member = &change.member;
            members.insert(
                member.id.clone(),
                member_record(&member.id, &member.email, &member.name, member.is_service_account),
            );
        }
        if let Some(pair) = builder.change(change, &gaps) {
            if let Some(resource) = &change.resource {
                resources.insert((pair.1, pair.2.clone()), resource_record(resource));
            }
            touched.insert(pair);
        }
    }
    for pair in &before.uncertain {
        if !touched.contains(pair) {
            builder.settle_hidden(pair, new.0, &gaps);
            resources.entry((pair.1, pair.2.clone())).or_insert_with(|| known_resource(new.0, pair));
        }
    }
    for raw in &diff.raw {
        let renames = matches!(raw.kind, RawKind::ResourceCreated | RawKind::Renamed | RawKind::ProjectMoved);
        if let (true, Some(resource)) = (renames, &raw.resource) {
            let record = resource_record(resource);
            resources.insert((record.scope, record.id.clone()), record);
        }
    }
    if builder.events.iter().any(|event| event.scope == Scope::Organization) {
        let record = organization_record(&diff.organization_id);
        resources.insert((Scope::Organization, record.id.clone()), record);
    }
    Records {
        members: members.into_values().collect(),
        resources: resources.into_values().collect(),
        causes: builder.causes.causes,
        events: builder.events,
    }
}

fn names_member(kind: ChangeKind) -> bool {
    matches!(
        kind,
        ChangeKind::MemberJoined
            | ChangeKind::EmailChanged
            | ChangeKind::NameChanged
            | ChangeKind::ServiceAccountChanged
    )
}

struct Builder<'d, 'b> {
    diff: &'d Diff,
    before: &'b Before<'b>,
    causes: CauseTable,
    /// Each raw change in words, once (a group's change causes many members' changes).
    described: HashMap<usize, String>,
    events: Vec<Event>,
}

impl Builder<'_, '_> {
    /// Turns one effective change into events; returns its entry when it concerns one.
    fn change(&mut self, change: &EffectiveChange, gaps: &NewGaps) -> Option<Pair> {
        let (pair, target) = target(change, &self.diff.organization_id)?;
        let causes: Vec<u32> = change.causes.iter().map(|cause| self.cause_number(cause)).collect();
        let hiding = match (change.kind, &change.resource) {
            (ChangeKind::Unknown, Some(resource)) => gaps.covering(resource),
            _ => Vec::new(),
        };
        if hiding.is_empty() {
            self.settle(&pair, target, causes);
        } else {
            self.events.push(event(Change::Uncertain, &pair, (self.before.open_role)(&pair), Vec::new(), hiding));
        }
        Some(pair)
    }

    fn cause_number(&mut self, cause: &crate::diff::Cause) -> u32 {
        let diff = self.diff;
        let description = self.described.entry(cause.raw).or_insert_with(|| diff.raw_of(cause).describe()).clone();
        self.causes.number(CauseRecord {
            kind: cause.kind.code().to_owned(),
            via: cause.via.code().to_owned(),
            description,
        })
    }

    /// Ends the open interval of an entry and opens one with the target role, where they differ.
    fn settle(&mut self, pair: &Pair, target: Option<Role>, causes: Vec<u32>) {
        let open = (self.before.open_role)(pair);
        if open == target {
            return;
        }
        if open.is_some() {
            self.events.push(event(Change::Close, pair, open, causes.clone(), Vec::new()));
        }
        if target.is_some() {
            self.events.push(event(Change::Open, pair, target, causes, Vec::new()));
        }
    }

    /// Settles an entry that the previous collection left uncertain and the diff does not mention:
    /// uncertain still if a gap of this collection covers it, else its role here.
    fn settle_hidden(&mut self, pair: &Pair, resolution: &Resolution<'_>, gaps: &NewGaps) {
        let hiding = gaps.covering_pair(resolution, pair);
        if !hiding.is_empty() {
            self.events.push(event(Change::Uncertain, pair, (self.before.open_role)(pair), Vec::new(), hiding));
            return;
        }
        let cause = self.causes.number(CauseRecord {
            kind: CHANGED_INSIDE_GAP.to_owned(),
            via: "entry".to_owned(),
            description: "the change happened while a collection gap hid the entry".to_owned(),
        });
        self.settle(pair, role_in(resolution, pair), vec![cause]);
    }
}

fn event(change: Change, pair: &Pair, role: Option<Role>, causes: Vec<u32>, gaps: Vec<String>) -> Event {
    Event { change, member: pair.0.clone(), scope: pair.1, resource: pair.2.clone(), role, causes, gaps }
}

fn scope_of(resource: &ResourceRef) -> Scope {
    match resource.kind {
        ResourceKind::Cloud => Scope::Cloud,
        ResourceKind::Project => Scope::Project,
    }
}

fn member_record(id: &str, email: &str, name: &str, is_service_account: bool) -> MemberRecord {
    MemberRecord { id: id.to_owned(), email: email.to_owned(), name: name.to_owned(), is_service_account }
}

fn organization_record(id: &str) -> ResourceRecord {
    ResourceRecord { scope: Scope::Organization, id: id.to_owned(), name: id.to_owned(), cloud: None }
}

fn resource_record(resource: &ResourceRef) -> ResourceRecord {
    ResourceRecord {
        scope: scope_of(resource),
        id: resource.id.clone(),
        name: resource.name.clone(),
        cloud: resource.cloud.as_ref().map(|cloud| cloud.id.clone()),
    }
}

/// Names a resource of an entry as the new collection has it (an entry the diff did not name).
fn known_resource(resolution: &Resolution<'_>, pair: &Pair) -> ResourceRecord {
    let index = &resolution.index;
    let (id, scope) = (pair.2.as_str(), pair.1);
    let named = match scope {
        Scope::Organization => None,
        Scope::Cloud => index.cloud(id).map(|cloud| (index.cloud_record(cloud).name.clone(), None)),
        Scope::Project => index.project(id).map(|project| {
            let record = index.project_record(project);
            (record.name.clone(), Some(record.parent_cloud_id.as_str().to_owned()))
        }),
    };
    let (name, cloud) = named.unwrap_or_else(|| (id.to_owned(), None));
    ResourceRecord { scope, id: id.to_owned(), name, cloud }
}

/// Returns an entry's role in a resolution (`None`: no role there, or no such member).
fn role_in(resolution: &Resolution<'_>, pair: &Pair) -> Option<Role> {
    let access = resolution.member(&pair.0)?;
    let index = &resolution.index;
    match pair.1 {
        Scope::Organization => access.is_org_owner.then_some(Role::Owner),
        Scope::Cloud => {
            let cloud = index.cloud(&pair.2)?;
            access.clouds.iter().find(|entry| entry.cloud == cloud).map(|entry| entry.role)
        }
        Scope::Project => {
            let project = index.project(&pair.2)?;
            let mut projects = access.clouds.iter().flat_map(|cloud| &cloud.projects);
            projects.find(|entry| entry.project == project).map(|entry| entry.role)
        }
    }
}

/// The gaps of the new collection, by what they cover (the diff module reads the gap lines).
#[derive(Default)]
struct NewGaps {
    everything: Vec<String>,
    clouds: BTreeMap<String, Vec<String>>,
    projects: BTreeMap<String, Vec<String>>,
}

impl NewGaps {
    fn of(collection: &Collection) -> NewGaps {
        let mut gaps = NewGaps::default();
        for gap in &collection.gaps {
            match covered(gap) {
                Covered::Cloud(id) => gaps.clouds.entry(id).or_default().push(gap.clone()),
                Covered::Project(id) => gaps.projects.entry(id).or_default().push(gap.clone()),
                Covered::Everything => gaps.everything.push(gap.clone()),
            }
        }
        gaps
    }

    fn covering(&self, resource: &ResourceRef) -> Vec<String> {
        let cloud = resource.cloud.as_ref().map(|cloud| cloud.id.as_str());
        self.covering_ids(scope_of(resource), &resource.id, cloud)
    }

    fn covering_pair(&self, resolution: &Resolution<'_>, pair: &Pair) -> Vec<String> {
        let index = &resolution.index;
        let cloud = match pair.1 {
            Scope::Project => {
                index.project(&pair.2).map(|project| index.project_record(project).parent_cloud_id.as_str())
            }
            _ => None,
        };
        self.covering_ids(pair.1, &pair.2, cloud)
    }

    fn covering_ids(&self, scope: Scope, id: &str, cloud: Option<&str>) -> Vec<String> {
        let mut found = self.everything.clone();
        let mut add = |gaps: Option<&Vec<String>>| found.extend(gaps.into_iter().flatten().cloned());
        match scope {
            Scope::Organization => {}
            Scope::Cloud => add(self.clouds.get(id)),
            Scope::Project => {
                add(self.projects.get(id));
                add(cloud.and_then(|cloud| self.clouds.get(cloud)));
            }
        }
        found.sort();
        found.dedup();
        found
    }
}
