//! The checks behind the controls: pure functions over one resolution that return evidence, in one
//! parallel pass over the members (service accounts, emails, direct grants, staleness, resource rules),
//! one pass over the entries (owners of each resource) and one over the anomalies, whose per-project kinds
//! are gathered per member.

mod members;
mod owners;
mod rules;

use super::catalog::{grouped_by_member, Builtin, CatalogControl};
use super::definition::{ControlDefinition, ControlKind};
use super::finding::Evidence;
use super::originals::Originals;
use super::policy::Policy;
use crate::resolve::{AnomalyKind, MemberAccess, MemberIx, Resolution};
use chrono::NaiveDate;
pub use members::joined_on;
use rayon::prelude::*;
use rules::CompiledRule;
use std::collections::BTreeMap;

/// What the checks read: the resolution, the policy, the date staleness is measured to, and the
/// records the policy's patterns are matched against.
pub struct Inputs<'r, 'a> {
    pub resolution: &'r Resolution<'a>,
    pub policy: &'r Policy,
    pub today: NaiveDate,
    pub originals: Originals<'r>,
}

/// The position of each running check among the evaluation's controls (`None`: it does not run).
struct Targets<'p> {
    org_owner_count: Option<u16>,
    service_account: Option<u16>,
    email: Option<u16>,
    direct: Option<u16>,
    no_owner: Option<u16>,
    cloud_owners: Option<u16>,
    stale: Option<u16>,
    anomalies: Vec<Option<u16>>,
    rules: Vec<CompiledRule<'p>>,
}

/// Runs every control of `definitions` that runs and returns its evidence, by control position, each
/// list in a deterministic order (member order, then entry order; resource order; anomaly order).
pub fn run(inputs: &Inputs<'_, '_>, definitions: &[ControlDefinition]) -> Vec<Vec<Evidence>> {
    let targets = Targets::of(inputs, definitions);
    let mut evidence: Vec<Vec<Evidence>> = vec![Vec::new(); definitions.len()];
    let found: Vec<Vec<(u16, Evidence)>> =
        inputs.resolution.members.par_iter().map(|access| member_evidence(inputs, &targets, access)).collect();
    for (control, item) in found.into_iter().flatten() {
        evidence[usize::from(control)].push(item);
    }
    if let Some(control) = targets.org_owner_count {
        evidence[usize::from(control)].extend(owners::org_owner_count(inputs));
    }
    if targets.no_owner.is_some() || targets.cloud_owners.is_some() {
        let owners = owners::ResourceOwners::count(inputs.resolution);
        if let Some(control) = targets.no_owner {
            evidence[usize::from(control)].extend(owners.without_owner(inputs.resolution));
        }
        if let Some(control) = targets.cloud_owners {
            evidence[usize::from(control)].extend(owners.over_limit(inputs.policy.max_owners_per_cloud));
        }
    }
    let mut grouped: BTreeMap<(u16, MemberIx), Vec<u32>> = BTreeMap::new();
    for (position, anomaly) in inputs.resolution.anomalies.iter().enumerate() {
        let kind = anomaly.kind();
        let Some(control) = targets.anomalies[kind_position(kind)] else { continue };
        // Positions fit in u32, as every index of the engine does.
        let position = position as u32;
        match anomaly.members() {
            [member] if grouped_by_member(kind) => grouped.entry((control, *member)).or_default().push(position),
            _ => evidence[usize::from(control)].push(Evidence::Anomaly(position)),
        }
    }
    for ((control, member), anomalies) in grouped {
        evidence[usize::from(control)].push(member_anomalies(inputs.resolution, member, anomalies));
    }
    evidence
}

/// Returns one member's anomalies of one kind as one piece of evidence, in project order (the order of
/// the anomalies for one project kept).
fn member_anomalies(resolution: &Resolution<'_>, member: MemberIx, mut anomalies: Vec<u32>) -> Evidence {
    anomalies
        .sort_by_key(|&position| resolution.anomalies.get(position as usize).and_then(|anomaly| anomaly.project()));
    Evidence::MemberAnomalies { member, anomalies }
}

/// Returns everything the per-member checks find about one member, tagged with its control.
fn member_evidence(inputs: &Inputs<'_, '_>, targets: &Targets<'_>, access: &MemberAccess) -> Vec<(u16, Evidence)> {
    let mut found = Vec::new();
    let mut tag = |control: Option<u16>, items: Vec<Evidence>| {
        if let Some(control) = control {
            found.extend(items.into_iter().map(|item| (control, item)));
        }
    };
    let resolution = inputs.resolution;
    if targets.service_account.is_some() {
        tag(targets.service_account, members::service_account(resolution, access));
    }
    if targets.email.is_some() {
        tag(targets.email, members::email_domain(resolution, inputs.policy, inputs.originals, access));
    }
    if targets.direct.is_some() {
        tag(targets.direct, members::direct_grants(resolution, access));
    }
    if targets.stale.is_some() {
        tag(targets.stale, members::stale(resolution, inputs.policy, inputs.today, access));
    }
    for rule in &targets.rules {
        tag(Some(rule.control), rule.check(resolution, access));
    }
    found
}

/// Returns a kind's position in [`AnomalyKind::ALL`], which lists the kinds in declaration order.
fn kind_position(kind: AnomalyKind) -> usize {
    kind as usize
}

impl<'p> Targets<'p> {
    fn of(inputs: &Inputs<'p, '_>, definitions: &[ControlDefinition]) -> Targets<'p> {
        let running = |wanted: Builtin| {
            position(definitions, |kind| kind == ControlKind::Catalog(CatalogControl::Builtin(wanted)))
        };
        let anomalies = AnomalyKind::ALL
            .iter()
            .map(|&kind| {
                position(definitions, |control| control == ControlKind::Catalog(CatalogControl::of_anomaly(kind)))
            })
            .collect();
        let rules = definitions
            .iter()
            .enumerate()
            .filter(|(_, definition)| definition.skipped.is_none())
            .filter_map(|(control, definition)| match definition.kind {
                ControlKind::Rule(rule) => Some(CompiledRule::new(inputs, &inputs.policy.rules[rule], control as u16)),
                ControlKind::Catalog(_) => None,
            })
            .collect();
        Targets {
            org_owner_count: running(Builtin::OrgOwnerCount),
            service_account: running(Builtin::ServiceAccountPrivileged),
            email: running(Builtin::EmailDomain),
            direct: running(Builtin::GroupsOnlyDirectGrant),
            no_owner: running(Builtin::ResourceWithoutOwner),
            cloud_owners: running(Builtin::CloudOwnerLimit),
            stale: running(Builtin::StaleMember),
            anomalies,
            rules,
        }
    }
}

/// Returns the position of the running control of `kind`, if it runs.
fn position(definitions: &[ControlDefinition], is_wanted: impl Fn(ControlKind) -> bool) -> Option<u16> {
    let found = definitions.iter().position(|definition| is_wanted(definition.kind) && definition.skipped.is_none());
    // An evaluation has a few dozen controls: positions fit in u16.
    found.map(|position| position as u16)
}
