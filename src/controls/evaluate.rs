//! One evaluation: every control of the policy run over one resolved collection, its findings muted by
//! the exemptions in force, each control's status, and the exemptions' own findings.

use super::catalog::{Builtin, CatalogControl, Reads};
use super::checks::{self, Inputs};
use super::definition::{definitions, ControlDefinition, ControlKind};
use super::exemptions::{Exemption, Exemptions};
use super::finding::{Evidence, Finding, FindingStatus, Resource};
use super::originals::Originals;
use super::policy::Policy;
use crate::model::{Collection, Severity};
use crate::resolve::Resolution;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;

/// A control's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Nothing found.
    Pass,
    /// At least one finding that no exemption mutes.
    Fail,
    /// Findings of a control of severity `info`, which never fails.
    Info,
    /// Findings, every one muted by an exemption.
    Muted,
    /// The control reads data that the incomplete collection may lack: neither pass nor fail.
    Unknown,
    /// Not run: disabled, or not configured by the policy.
    Skipped,
}

impl Status {
    /// Returns the status's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Info => "info",
            Status::Muted => "muted",
            Status::Unknown => "unknown",
            Status::Skipped => "skipped",
        }
    }
}

/// A control with its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlResult {
    pub definition: ControlDefinition,
    pub status: Status,
    /// Why the control is skipped or unknown.
    pub reason: Option<String>,
    /// The control's findings, as a range of [`Evaluation::findings`].
    pub findings: Range<usize>,
    /// Findings no exemption mutes.
    pub unmuted: usize,
    pub muted: usize,
}

/// What became of an exemption.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExemptionState {
    /// In force, muting this many findings (none: unused).
    Active { matched: usize },
    /// Past its date: it mutes nothing.
    Expired,
}

/// The result of running the controls.
pub struct Evaluation<'r, 'a> {
    /// What was evaluated.
    pub request: Request<'r, 'a>,
    pub controls: Vec<ControlResult>,
    /// Every finding, grouped by control in control order.
    pub findings: Vec<Finding>,
    /// One state per exemption, in file order.
    pub exemption_states: Vec<ExemptionState>,
    /// How many org owners the organization has (findings about ownership name it).
    pub org_owners: usize,
}

impl<'r, 'a> Evaluation<'r, 'a> {
    /// Shows the evaluation through other copies of its policy and exemptions (the redacted ones a
    /// shared report quotes): the findings and verdicts stay as evaluated, the words come from the
    /// copies, which must have the same rules and exemptions in the same order.
    pub fn shown_with(&mut self, policy: &'r Policy, exemptions: &'r Exemptions) {
        for (control, definition) in self.controls.iter_mut().zip(definitions(policy)) {
            control.definition.title = definition.title;
        }
        self.request.policy = policy;
        self.request.exemptions = exemptions;
    }
}

/// What one evaluation reads.
#[derive(Clone, Copy)]
pub struct Request<'r, 'a> {
    pub resolution: &'r Resolution<'a>,
    pub collection: &'r Collection,
    pub policy: &'r Policy,
    pub exemptions: &'r Exemptions,
    /// The day exemptions expire and members go stale relative to.
    pub today: NaiveDate,
    /// The records the patterns of the policy and the exemptions are matched against: the
    /// organization's own, or the originals of a redacted one.
    pub originals: Originals<'r>,
}

/// Runs every control of the request's policy and applies its exemptions.
pub fn evaluate<'r, 'a>(request: Request<'r, 'a>) -> Evaluation<'r, 'a> {
    let definitions = definitions(request.policy);
    let inputs = Inputs {
        resolution: request.resolution,
        policy: request.policy,
        today: request.today,
        originals: request.originals,
    };
    let mut evidence = checks::run(&inputs, &definitions);
    let total = evidence.iter().map(Vec::len).sum::<usize>() + request.exemptions.list.len();
    let mut findings = Vec::with_capacity(total);
    let mut ranges = Vec::with_capacity(definitions.len());
    let mut matched = vec![0usize; request.exemptions.list.len()];
    for (control, items) in evidence.iter_mut().enumerate() {
        let start = findings.len();
        // A few dozen controls at most: positions fit in u16.
        let found: Vec<Finding> =
            items.drain(..).map(|evidence| Finding { control: control as u16, evidence, muted_by: None }).collect();
        findings.extend(mute(&request, &definitions[control], found, &mut matched));
        ranges.push(start..findings.len());
    }
    let states = exemption_states(&request, &matched);
    add_exemption_findings(&definitions, &states, &mut findings, &mut ranges);
    let controls = definitions
        .into_iter()
        .zip(ranges)
        .map(|(definition, range)| control_result(request.collection, definition, range, &findings))
        .collect();
    Evaluation {
        request,
        controls,
        findings,
        exemption_states: states,
        org_owners: request.resolution.org_owners().count(),
    }
}

/// Marks each of a control's findings with the first exemption in force that covers it, and counts
/// what each exemption matched. A finding of a member's anomalies is matched resource by resource and
/// split: the resources no exemption covers stay in one unmuted finding, and those an exemption covers
/// make one finding muted by it.
fn mute(
    request: &Request<'_, '_>,
    definition: &ControlDefinition,
    found: Vec<Finding>,
    matched: &mut [usize],
) -> Vec<Finding> {
    let candidates: Vec<(usize, &Exemption)> = request
        .exemptions
        .list
        .iter()
        .enumerate()
        .filter(|(_, exemption)| exemption.control == definition.id && !exemption.is_expired(request.today))
        .collect();
    if candidates.is_empty() {
        return found;
    }
    let (resolution, originals) = (request.resolution, request.originals);
    // Positions fit in u32: an exemptions file holds far fewer entries.
    let covering = |evidence: &Evidence| {
        let covering = candidates.iter().find(|(_, exemption)| covers(resolution, originals, exemption, evidence));
        covering.map(|&(position, _)| position as u32)
    };
    let parts: Vec<Vec<Finding>> = found.into_par_iter().map(|finding| split(finding, &covering)).collect();
    let muted: Vec<Finding> = parts.into_iter().flatten().collect();
    for finding in &muted {
        if let Some(position) = finding.muted_by {
            matched[position as usize] += 1;
        }
    }
    muted
}

/// Returns a finding marked with the exemption that covers it; a finding of a member's anomalies,
/// one finding per exemption that covers some of its anomalies, after the part none covers.
fn split(finding: Finding, covering: &(impl Fn(&Evidence) -> Option<u32> + Sync)) -> Vec<Finding> {
    let Finding { control, evidence, .. } = finding;
    let Evidence::MemberAnomalies { member, anomalies } = evidence else {
        let muted_by = covering(&evidence);
        return vec![Finding { control, evidence, muted_by }];
    };
    let mut parts: BTreeMap<Option<u32>, Vec<u32>> = BTreeMap::new();
    for position in anomalies {
        parts.entry(covering(&Evidence::Anomaly(position))).or_default().push(position);
    }
    parts
        .into_iter()
        .map(|(muted_by, anomalies)| Finding {
            control,
            evidence: Evidence::MemberAnomalies { member, anomalies },
            muted_by,
        })
        .collect()
}

/// Returns true when `exemption` covers the finding's members and resource, as their original records
/// name them.
fn covers(resolution: &Resolution<'_>, originals: Originals<'_>, exemption: &Exemption, evidence: &Evidence) -> bool {
    let index = &resolution.index;
    let members = evidence.members(resolution).iter().map(|&member| {
        let record = originals.member(index, member);
        (record.member_id(), record.email.as_str())
    });
    let resource = evidence.resource(resolution);
    let named = resource.as_ref().and_then(|resource| resource_names(resolution, originals, resource));
    exemption.covers(members, named.as_ref().map(|(id, name)| (id.as_ref(), *name)))
}

/// Returns a resource's id and name, as exemption patterns see them.
pub fn resource_names<'r>(
    resolution: &'r Resolution<'_>,
    originals: Originals<'r>,
    resource: &'r Resource,
) -> Option<(Cow<'r, str>, &'r str)> {
    let index = &resolution.index;
    match resource {
        Resource::Organization => Some((Cow::Borrowed(resolution.organization_id()), "")),
        Resource::Cloud(cloud) => {
            let record = originals.cloud(index, *cloud);
            Some((Cow::Borrowed(record.id.as_str()), record.name.as_str()))
        }
        Resource::Project(project) => {
            let record = originals.project(index, *project);
            Some((Cow::Borrowed(record.id.as_str()), record.name.as_str()))
        }
        Resource::Group(group) => {
            let record = originals.group(index, *group);
            Some((Cow::Borrowed(record.id.as_str()), record.name.as_str()))
        }
        Resource::Unknown(subject) => Some((originals.subject_id(index, subject), "")),
        Resource::Exemption(_) => None,
    }
}

fn exemption_states(request: &Request<'_, '_>, matched: &[usize]) -> Vec<ExemptionState> {
    let list = &request.exemptions.list;
    list.iter()
        .zip(matched)
        .map(|(exemption, &matched)| {
            if exemption.is_expired(request.today) {
                ExemptionState::Expired
            } else {
                ExemptionState::Active { matched }
            }
        })
        .collect()
}

/// Appends the findings of `exemption-expired` and `exemption-unused` (which come last, as their
/// controls do) to their controls' ranges.
fn add_exemption_findings(
    definitions: &[ControlDefinition],
    states: &[ExemptionState],
    findings: &mut Vec<Finding>,
    ranges: &mut [Range<usize>],
) {
    for builtin in [Builtin::ExemptionExpired, Builtin::ExemptionUnused] {
        let wanted = ControlKind::Catalog(CatalogControl::Builtin(builtin));
        let Some(control) = definitions.iter().position(|definition| definition.kind == wanted) else { continue };
        if definitions[control].skipped.is_some() {
            continue;
        }
        let start = findings.len();
        for (position, state) in states.iter().enumerate() {
            let applies = matches!(
                (builtin, state),
                (Builtin::ExemptionExpired, ExemptionState::Expired)
                    | (Builtin::ExemptionUnused, ExemptionState::Active { matched: 0 })
            );
            if applies {
                let evidence = Evidence::Exemption(position as u32);
                findings.push(Finding { control: control as u16, evidence, muted_by: None });
            }
        }
        ranges[control] = start..findings.len();
    }
}

fn control_result(
    collection: &Collection,
    definition: ControlDefinition,
    range: Range<usize>,
    findings: &[Finding],
) -> ControlResult {
    let muted = findings[range.clone()].iter().filter(|finding| finding.muted_by.is_some()).count();
    let unmuted = range.len() - muted;
    let (status, reason) = if let Some(reason) = definition.skipped {
        (Status::Skipped, Some(reason.to_owned()))
    } else if !collection.complete && definition.reads == Reads::Grants {
        (Status::Unknown, Some(format!("the collection is incomplete ({})", collection.gaps.join("; "))))
    } else if unmuted > 0 {
        (if FindingStatus::of(definition.severity) == FindingStatus::Info { Status::Info } else { Status::Fail }, None)
    } else if muted > 0 {
        (Status::Muted, None)
    } else {
        (Status::Pass, None)
    };
    ControlResult { definition, status, reason, findings: range, unmuted, muted }
}

impl Evaluation<'_, '_> {
    /// Returns true when a finding no exemption mutes reaches `threshold`: the gate of `--fail-on`.
    pub fn fails_at(&self, threshold: Severity) -> bool {
        self.controls.iter().any(|control| {
            control.definition.skipped.is_none() && control.unmuted > 0 && control.definition.severity >= threshold
        })
    }

    /// Returns the control of a finding.
    pub fn control_of(&self, finding: &Finding) -> &ControlResult {
        &self.controls[usize::from(finding.control)]
    }

    /// Returns the exemption that mutes a finding, if one does.
    pub fn exemption_of(&self, finding: &Finding) -> Option<&Exemption> {
        finding.muted_by.and_then(|position| self.request.exemptions.list.get(position as usize))
    }

    /// Returns how many findings no exemption mutes, and how many are muted.
    pub fn totals(&self) -> (usize, usize) {
        self.controls
            .iter()
            .fold((0, 0), |(unmuted, muted), control| (unmuted + control.unmuted, muted + control.muted))
    }
}
