//! The order of a member's revocations: each step removes one holding (a group membership, or the
//! direct grants on one cloud or project), chosen greedily so that no step raises the member's access
//! and each step lowers it as much as possible (org ownership first, then owner, write and read
//! entries). The effect of every step is decided by the engine's own rules, through [`Simulation`].
//!
//! An org owner's implicit access is the widest there is, so ownership goes first. A member who owns
//! the organization through its own `permission_level` is first demoted to `collaborator` (a fixed
//! first step, since no revocation of a group or a grant can end that ownership); the base role it
//! keeps goes only with the removal from the organization, after the plan. Ownership through owner
//! groups ends when the last of them is left: leaving any of them scores above every entry, and the
//! last one above everything else.
//!
//! Only a direct `readonly` on a cloud can raise access when removed (it restricts the other grants
//! there, R3); every other removal leaves each entry equal or lower. The greedy therefore always finds
//! a safe step while one exists.
//!
//! Cost. A removal changes an entry's role only when its holding is the *sole* holder of the entry's
//! best rank, or when it is a direct `readonly` on a cloud, or when it holds the member's last org-role
//! source. Every other holding lowers nothing, so its score stays `(safe, 0)` until one of those
//! conditions starts to hold, which can only happen when an entry it shares changes. The planner keeps
//! every holding's score in a priority queue and, after each step, re-scores only the holdings those
//! conditions name on the entries the step touched (and on the projects under a cloud whose role
//! changed). With `G` grants reaching the member, `H` holdings and `E` entries, a plan costs
//! `O((G + E) · g · log H)` where `g` is the largest number of grants one holding carries, instead of
//! the `O(H² · G)` of trying every holding at every step. [`plan_by_exhaustive_search`] is that
//! obvious version, kept as the reference the tests compare with.

use crate::model::{DirectLevel, OrgRole, Role};
use crate::resolve::{
    BaseSource, Change, CloudIx, Entry, GroupIx, MemberIx, Outcome, Reach, Removal, Resolution, Simulation, Source,
};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

/// One thing a member holds that a step can revoke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holding {
    /// The member's own `permission_level` `owner`, which the step changes to `collaborator`.
    OwnerLevel,
    /// A group membership: the group's org role and all its grants.
    Group(GroupIx),
    /// The member's direct grant(s) on one cloud or project.
    Direct(Entry),
}

/// One step of the plan: what is revoked and what it does to the member's access.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    pub holding: Holding,
    pub outcome: Outcome,
}

/// The member's holdings in plan order for ties: groups by group order, then direct grants by entry.
struct Holdings {
    list: Vec<(Holding, Removal)>,
}

impl Holdings {
    fn of(resolution: &Resolution<'_>, reach: &Reach) -> Holdings {
        let groups = resolution.graph.groups_of(reach.member).into_iter();
        let mut list: Vec<(Holding, Removal)> =
            groups.map(|group| (Holding::Group(group), group_removal(reach, group))).collect();
        let mut direct: BTreeMap<Entry, Vec<(Entry, Source)>> = BTreeMap::new();
        let clouds = reach.clouds.iter().map(|&(cloud, source)| (Entry::Cloud(cloud), source));
        let projects = reach.projects.iter().map(|&(project, source)| (Entry::Project(project), source));
        for (entry, source) in clouds.chain(projects) {
            if let Source::Direct(_) = source {
                direct.entry(entry).or_default().push((entry, source));
            }
        }
        list.extend(
            direct.into_iter().map(|(entry, grants)| (Holding::Direct(entry), Removal { base: vec![], grants })),
        );
        Holdings { list }
    }
}

/// Returns what leaving `group` removes: its org role and every grant it gives the member.
fn group_removal(reach: &Reach, group: GroupIx) -> Removal {
    let of_group = |source: &Source| matches!(source, Source::Group { group: g, .. } if *g == group);
    let base =
        reach.base.iter().copied().filter(|base| matches!(base, BaseSource::Group { group: g, .. } if *g == group));
    let clouds = reach.clouds.iter().filter(|(_, source)| of_group(source)).map(|&(c, s)| (Entry::Cloud(c), s));
    let projects = reach.projects.iter().filter(|(_, source)| of_group(source));
    let projects = projects.map(|&(p, s)| (Entry::Project(p), s));
    Removal { base: base.collect(), grants: clouds.chain(projects).collect() }
}

/// How a removal ranks: a safe step before an unsafe one, then the most privilege lowered.
type Score = (bool, u64);

/// Returns a weight that orders privilege: org ownership, then owner, write and read entries.
fn weight(role: Option<Role>) -> i128 {
    match role {
        Some(Role::Owner) => 10_000,
        Some(Role::Collaborator) => 100,
        Some(Role::Readonly) => 1,
        None => 0,
    }
}

/// Scores a removal from its outcome. While the member is an org owner, a removal that takes one of
/// its owner sources is a step towards ending the widest access, so it ranks above every entry even
/// when other owner sources remain. That bonus never changes while a holding waits: ownership ends
/// only when the last owner source goes, and the member's own level is no longer `owner` by then.
fn score(removal: &Removal, outcome: &Outcome) -> Score {
    let ownership = (i128::from(outcome.was_org_owner) - i128::from(outcome.is_org_owner)) << 40;
    let takes_owner_source = removal.base.iter().any(|base| base.role() == OrgRole::Owner);
    let towards_ownership = i128::from(outcome.was_org_owner && takes_owner_source) << 39;
    let entries: i128 = outcome.changes.iter().map(|change| weight(change.before) - weight(change.after)).sum();
    (!outcome.raises(), (ownership + towards_ownership + entries).max(0) as u64)
}

/// Returns the member's revocations in order, found with the priority queue described above.
pub fn plan(resolution: &Resolution<'_>, member: MemberIx) -> Vec<Revocation> {
    plan_counted(resolution, member).0
}

/// Returns the same plan and the number of removals simulated to find it: the work the cost bound
/// above limits, counted so that tests can check the bound without timing anything.
pub fn plan_counted(resolution: &Resolution<'_>, member: MemberIx) -> (Vec<Revocation>, usize) {
    let (demotion, reach) = demote(resolution, resolution.reach(member));
    let holdings = Holdings::of(resolution, &reach);
    let simulation = Simulation::new(&reach, resolution.graph.project_parents());
    let level = reach.base.iter().find_map(|base| match base {
        BaseSource::PermissionLevel(role) => Some(*role),
        BaseSource::Group { .. } => None,
    });
    let (steps, evaluations) = Planner::new(simulation, holdings, level).run();
    (demotion.into_iter().chain(steps).collect(), evaluations)
}

/// Returns the same plan by trying every remaining holding at every step: the slow, obvious reference.
pub fn plan_by_exhaustive_search(resolution: &Resolution<'_>, member: MemberIx) -> Vec<Revocation> {
    let (demotion, reach) = demote(resolution, resolution.reach(member));
    let mut remaining = Holdings::of(resolution, &reach).list;
    let mut simulation = Simulation::new(&reach, resolution.graph.project_parents());
    let mut steps: Vec<Revocation> = demotion.into_iter().collect();
    while !remaining.is_empty() {
        let mut best: Option<(Score, usize)> = None;
        for (position, (_, removal)) in remaining.iter().enumerate() {
            let found = score(removal, &simulation.outcome(removal));
            if best.is_none_or(|(most, _)| found > most) {
                best = Some((found, position));
            }
        }
        let Some((_, position)) = best else { break };
        let (holding, removal) = remaining.remove(position);
        steps.push(Revocation { holding, outcome: simulation.apply(&removal) });
    }
    steps
}

/// Returns the demotion of a member who owns the organization through its own `permission_level`, with
/// what reaches the member afterwards (the level `collaborator` in place of `owner`); otherwise no
/// step and the reach unchanged. A service account's `owner` level makes no org owner (R1): nothing
/// to demote.
fn demote(resolution: &Resolution<'_>, reach: Reach) -> (Option<Revocation>, Reach) {
    let owner_level = BaseSource::PermissionLevel(OrgRole::Owner);
    if reach.is_service_account || !reach.base.contains(&owner_level) {
        return (None, reach);
    }
    let parents = resolution.graph.project_parents();
    let mut demoted = reach.clone();
    for base in &mut demoted.base {
        if *base == owner_level {
            *base = BaseSource::PermissionLevel(OrgRole::Collaborator);
        }
    }
    demoted.normalize();
    let (before, after) = (Simulation::new(&reach, parents), Simulation::new(&demoted, parents));
    let outcome = Outcome {
        was_org_owner: before.is_org_owner(),
        is_org_owner: after.is_org_owner(),
        changes: role_changes(&before.roles(), &after.roles()),
    };
    (Some(Revocation { holding: Holding::OwnerLevel, outcome }), demoted)
}

/// Returns every entry whose role differs between two states, in entry order.
fn role_changes(before: &BTreeMap<Entry, Role>, after: &BTreeMap<Entry, Role>) -> Vec<Change> {
    let entries: BTreeSet<Entry> = before.keys().chain(after.keys()).copied().collect();
    entries
        .into_iter()
        .map(|entry| Change { entry, before: before.get(&entry).copied(), after: after.get(&entry).copied() })
        .filter(|change| change.before != change.after)
        .collect()
}

/// The holdings that grant one entry at each rank (owner, collaborator, readonly, as the entry's rule
/// counts them), with how many grants each gives there.
#[derive(Default)]
struct Holders {
    ranks: [BTreeMap<usize, u32>; 3],
}

impl Holders {
    /// Returns the holding that alone grants the entry's best rank, if one does.
    fn sole_best(&self) -> Option<usize> {
        let best = self.ranks.iter().find(|holders| !holders.is_empty())?;
        (best.len() == 1).then(|| best.keys().next().copied()).flatten()
    }
}

/// Returns a grant's rank on an entry: how the entry's rule counts it (R3 counts a group owner as a
/// collaborator on a cloud).
fn rank(entry: Entry, source: Source) -> usize {
    let role = match entry {
        Entry::Cloud(_) => source.on_cloud(),
        Entry::Project(_) => source.granted(),
    };
    match role {
        Role::Owner => 0,
        Role::Collaborator => 1,
        Role::Readonly => 2,
    }
}

/// The greedy search with scores kept in a priority queue.
struct Planner<'s> {
    simulation: Simulation<'s>,
    holdings: Vec<(Holding, Removal)>,
    alive: Vec<bool>,
    versions: Vec<u64>,
    holders: BTreeMap<Entry, Holders>,
    /// The direct holding on a cloud that holds `readonly` without `owner`: the one kind of removal
    /// that can raise access.
    restricting: BTreeMap<CloudIx, usize>,
    /// Live holdings with an org-role source, split by whether it is `owner`.
    owner_holders: BTreeSet<usize>,
    base_holders: BTreeSet<usize>,
    /// The org role the member's own `permission_level` gives, which no revocation removes.
    level: Option<OrgRole>,
    queue: BinaryHeap<(Score, Reverse<usize>, u64)>,
    /// Removals simulated so far.
    evaluations: usize,
}

impl<'s> Planner<'s> {
    fn new(simulation: Simulation<'s>, holdings: Holdings, level: Option<OrgRole>) -> Planner<'s> {
        let count = holdings.list.len();
        let mut planner = Planner {
            simulation,
            holdings: holdings.list,
            alive: vec![true; count],
            versions: vec![0; count],
            holders: BTreeMap::new(),
            restricting: BTreeMap::new(),
            owner_holders: BTreeSet::new(),
            base_holders: BTreeSet::new(),
            level,
            queue: BinaryHeap::with_capacity(count),
            evaluations: 0,
        };
        planner.index_holdings();
        (0..count).for_each(|position| planner.rescore(position));
        planner
    }

    fn index_holdings(&mut self) {
        for (position, (holding, removal)) in self.holdings.iter().enumerate() {
            for &(entry, source) in &removal.grants {
                let holders = self.holders.entry(entry).or_default();
                *holders.ranks[rank(entry, source)].entry(position).or_default() += 1;
            }
            for base in &removal.base {
                self.base_holders.insert(position);
                if base.role() == OrgRole::Owner {
                    self.owner_holders.insert(position);
                }
            }
            if let Holding::Direct(Entry::Cloud(cloud)) = *holding {
                let levels: Vec<Source> = removal.grants.iter().map(|&(_, source)| source).collect();
                let has = |level| levels.contains(&Source::Direct(level));
                if has(DirectLevel::Readonly) && !has(DirectLevel::Owner) {
                    self.restricting.insert(cloud, position);
                }
            }
        }
    }

    fn rescore(&mut self, position: usize) {
        if !self.alive[position] {
            return;
        }
        self.versions[position] += 1;
        self.evaluations += 1;
        let removal = &self.holdings[position].1;
        let found = score(removal, &self.simulation.outcome(removal));
        self.queue.push((found, Reverse(position), self.versions[position]));
    }

    fn run(mut self) -> (Vec<Revocation>, usize) {
        let mut steps = Vec::with_capacity(self.holdings.len());
        while let Some((_, Reverse(position), version)) = self.queue.pop() {
            if !self.alive[position] || self.versions[position] != version {
                continue;
            }
            steps.push(self.take(position));
        }
        (steps, self.evaluations)
    }

    /// Carries out one holding's removal and re-scores the holdings whose score it may have changed.
    fn take(&mut self, position: usize) -> Revocation {
        self.alive[position] = false;
        let (holding, removal) = self.holdings[position].clone();
        let outcome = self.simulation.apply(&removal);
        let mut affected: BTreeSet<usize> = BTreeSet::new();
        for &(entry, source) in &removal.grants {
            let holders = self.holders.entry(entry).or_default();
            affected.extend(holders.sole_best());
            if let Some(count) = holders.ranks[rank(entry, source)].get_mut(&position) {
                *count -= 1;
                if *count == 0 {
                    holders.ranks[rank(entry, source)].remove(&position);
                }
            }
            affected.extend(holders.sole_best());
            self.collect_neighbours(entry, &mut affected);
        }
        for change in &outcome.changes {
            affected.extend(self.holders.get(&change.entry).and_then(Holders::sole_best));
            self.collect_neighbours(change.entry, &mut affected);
            if let Entry::Cloud(cloud) = change.entry {
                for &project in self.simulation.projects_under(cloud) {
                    affected.extend(self.holders.get(&Entry::Project(project)).and_then(Holders::sole_best));
                }
            }
        }
        self.owner_holders.remove(&position);
        self.base_holders.remove(&position);
        affected.extend(self.critical_for_standing());
        affected.into_iter().for_each(|holding| self.rescore(holding));
        Revocation { holding, outcome }
    }

    /// Adds the holdings whose score reads this entry through a neighbour: the best holder of a
    /// project's parent cloud, and the restricting holding of the cloud concerned.
    fn collect_neighbours(&self, entry: Entry, affected: &mut BTreeSet<usize>) {
        let cloud = match entry {
            Entry::Cloud(cloud) => Some(cloud),
            Entry::Project(project) => self.simulation.parent(project),
        };
        let Some(cloud) = cloud else { return };
        affected.extend(self.restricting.get(&cloud).copied());
        if let Entry::Project(_) = entry {
            affected.extend(self.holders.get(&Entry::Cloud(cloud)).and_then(Holders::sole_best));
        }
    }

    /// Returns the holdings that alone keep the member an org owner or give it a base role: their
    /// score is the whole access, which every step changes.
    fn critical_for_standing(&self) -> Vec<usize> {
        let mut critical = Vec::new();
        if self.level != Some(OrgRole::Owner) && self.owner_holders.len() == 1 {
            critical.extend(self.owner_holders.iter().copied());
        }
        if self.level.is_none() && self.base_holders.len() == 1 {
            critical.extend(self.base_holders.iter().copied());
        }
        critical
    }
}
