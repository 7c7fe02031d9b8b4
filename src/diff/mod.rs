//! What changed between two collections of one organization, and why (`docs/diff.md`).
//!
//! [`compare`] resolves both collections with the engine and matches everything by id: members,
//! groups, clouds and projects (dense indices differ between two resolutions; the catalog maps
//! through ids). It returns typed data, kept apart from its renderings (`report::diff`):
//!
//! - **effective changes** ([`EffectiveChange`]): a member joined or left, gained or lost org
//!   ownership or its base role, changed flag, email or name, and every cloud and project whose
//!   effective role was gained, lost, raised or lowered, or is `unknown` inside a collection gap;
//! - their **causes** ([`Cause`]): the raw changes behind every difference among the sources reaching
//!   the member on the entry, its parent cloud, and its org role, decided with the engine's rules;
//! - every **raw change** ([`RawChange`]) with its effect: the changes it causes, `unknown`, or no
//!   effect with the reason ([`Reason`]).

mod attribute;
mod catalog;
mod change;
mod effects;
mod gaps;
mod lookup;
mod member;
mod raw;
mod reason;
mod records;
mod refs;
mod summary;
mod view;

pub use change::{Cause, CauseKind, ChangeKind, EffectiveChange, Via};
pub use effects::REASONS_SHOWN;
pub(crate) use gaps::{covered, Covered};
pub use raw::{Effect, RawChange, RawKind};
pub use reason::{CapRule, Reason};
pub use refs::{ChangeValue, CloudRef, GroupRef, MemberRef, OrgStanding, ResourceKind, ResourceRef};
pub use summary::{KindCount, Summary};

use crate::model::{Collection, Snapshot};
use crate::resolve::{resolve, LookupError, Resolution};
use attribute::Attribution;
use catalog::{Catalog, Names, Side};
use effects::Effects;
use gaps::GapCover;
use lookup::RawIndex;
use member::{member_changes, ChangeDraft};
use rayon::prelude::*;
use records::{Draft, Party};
use serde::Serialize;
use std::sync::Arc;

/// What to compare.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Only this member (id, or email compared case-insensitively), on either side: its effective
    /// changes, and the raw changes that cause them or name the member.
    pub member: Option<String>,
}

/// When and how one of the two collections was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiffSide {
    pub collected_at: String,
    pub source: String,
    pub complete: bool,
    pub gaps: Vec<String>,
}

impl DiffSide {
    fn of(collection: &Collection) -> DiffSide {
        DiffSide {
            collected_at: collection.collected_at.clone(),
            source: collection.source.clone(),
            complete: collection.complete,
            gaps: collection.gaps.clone(),
        }
    }
}

/// What changed between two collections of one organization, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub organization_id: String,
    pub old: DiffSide,
    pub new: DiffSide,
    /// The member the diff was restricted to, as each side that has it names it.
    pub member: Option<Vec<MemberRef>>,
    /// Every effective change, by member (email, then id): its own record first, then its entries
    /// by cloud and project name.
    pub changes: Vec<EffectiveChange>,
    /// Every raw change, by member, group, cloud and project id; causes point into this list.
    pub raw: Vec<RawChange>,
    pub summary: Summary,
}

impl Diff {
    /// True when both collections are complete.
    pub fn is_complete(&self) -> bool {
        self.old.complete && self.new.complete
    }

    /// Returns the raw change a cause points to.
    pub fn raw_of(&self, cause: &Cause) -> &RawChange {
        &self.raw[cause.raw]
    }
}

/// Why two collections cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("the collections are of two organizations (`{old}` and `{new}`); a diff compares two collections of the same organization")]
    DifferentOrganizations { old: String, new: String },
    #[error("`{wanted}` is neither a member id nor a member email in either collection of organization `{organization}`; `permaudit user list --collaborator-type all_accounts` lists members")]
    MemberNotFound { wanted: String, organization: String },
    #[error(transparent)]
    Ambiguous(LookupError),
}

/// Compares two collections of one organization: resolves both, then [`compare_resolved`].
pub fn compare(old: &Snapshot, new: &Snapshot, options: &Options) -> Result<Diff, DiffError> {
    same_organization(old.organization.id.as_str(), new.organization.id.as_str())?;
    // One after the other: each resolution already runs on every thread of the pool.
    let (before, after) = (resolve(&old.organization), resolve(&new.organization));
    compare_resolved((&before, &old.collection), (&after, &new.collection), options)
}

/// Compares two resolved collections of one organization.
pub fn compare_resolved(
    old: (&Resolution<'_>, &Collection),
    new: (&Resolution<'_>, &Collection),
    options: &Options,
) -> Result<Diff, DiffError> {
    let ((old, old_collection), (new, new_collection)) = (old, new);
    same_organization(old.organization_id(), new.organization_id())?;
    let catalog = Catalog::new(old, new);
    let selected = selected_members(&catalog, options)?;
    let mut drafts = records::raw_changes(&catalog);
    lookup::sort_drafts(&catalog, &mut drafts);
    let index = RawIndex::new(&drafts);
    let gaps = GapCover::new(old_collection, new_collection);
    let attribution = Attribution { catalog: &catalog, drafts: &drafts, index: &index };
    let names = Names::new(&catalog);
    let members: Vec<u32> = match &selected {
        Some(slots) => slots.clone(),
        None => (0..catalog.members.len() as u32).collect(),
    };
    let mut changes: Vec<EffectiveChange> =
        members.par_iter().flat_map_iter(|&member| named_changes(&attribution, &names, &gaps, member)).collect();
    // Each member's changes are in order, and members arrive by slot: the new side's output order,
    // then those only the old side has. The standard library's stable sort merges these two runs.
    changes.sort_by(|a, b| change_order(a).cmp(&change_order(b)));
    let raw = raw_changes((&catalog, &names), &gaps, &drafts, &mut changes, selected.as_deref());
    Ok(Diff {
        organization_id: new.organization_id().to_owned(),
        old: DiffSide::of(old_collection),
        new: DiffSide::of(new_collection),
        member: selected.map(|slots| slots.iter().map(|&slot| catalog.member_ref(slot)).collect()),
        summary: Summary::new(&changes, &raw),
        changes,
        raw,
    })
}

fn same_organization(old: &str, new: &str) -> Result<(), DiffError> {
    if old != new {
        return Err(DiffError::DifferentOrganizations { old: old.to_owned(), new: new.to_owned() });
    }
    Ok(())
}

/// Returns the slots of the member `options` names on either side (a person may exist on one only).
fn selected_members(catalog: &Catalog<'_, '_>, options: &Options) -> Result<Option<Vec<u32>>, DiffError> {
    let Some(wanted) = options.member.as_deref() else { return Ok(None) };
    let mut slots = Vec::new();
    for side in [Side::Old, Side::New] {
        match catalog.side(side).find_member(wanted) {
            Ok(access) => slots.push(catalog.members.slot(side, access.member)),
            Err(LookupError::NotFound { .. }) => {}
            Err(ambiguous) => return Err(DiffError::Ambiguous(ambiguous)),
        }
    }
    if slots.is_empty() {
        let organization = catalog.new.organization_id().to_owned();
        return Err(DiffError::MemberNotFound { wanted: wanted.to_owned(), organization });
    }
    slots.sort_unstable();
    slots.dedup();
    Ok(Some(slots))
}

/// Returns one member's changes, named and in order.
fn named_changes(
    attribution: &Attribution<'_, '_, '_>,
    names: &Names,
    gaps: &GapCover,
    member: u32,
) -> Vec<EffectiveChange> {
    let found: Vec<ChangeDraft> = member_changes(attribution, member);
    if found.is_empty() {
        return Vec::new();
    }
    let member = Arc::new(attribution.catalog.member_ref(member));
    let mut changes: Vec<EffectiveChange> =
        found.into_iter().map(|draft| name_change(attribution.catalog, names, gaps, &member, draft)).collect();
    changes.sort_by(|a, b| change_order(a).cmp(&change_order(b)));
    changes
}

/// Names a change; an access change on a resource inside a collection gap becomes `unknown`.
fn name_change(
    catalog: &Catalog<'_, '_>,
    names: &Names,
    gaps: &GapCover,
    member: &Arc<MemberRef>,
    draft: ChangeDraft,
) -> EffectiveChange {
    let covering = draft.resource.map(|key| gaps.covering(catalog, key)).unwrap_or_default();
    let kind = if covering.is_empty() { draft.kind } else { ChangeKind::Unknown };
    EffectiveChange {
        kind,
        member: Arc::clone(member),
        resource: draft.resource.map(|key| names.resource(key)),
        before: draft.before,
        after: draft.after,
        gaps: covering,
        causes: draft.causes,
    }
}

/// Returns the order of a change: by member (email, then id), its record first (by kind), then its
/// entries by cloud name and id, each cloud before its projects by name and id.
fn change_order(change: &EffectiveChange) -> (&str, &str, ChangeKind, &str, &str, bool, &str, &str) {
    let (email, id) = (change.member.email.as_str(), change.member.id.as_str());
    let Some(resource) = &change.resource else { return (email, id, change.kind, "", "", false, "", "") };
    match &resource.cloud {
        None => (email, id, ChangeKind::AccessGained, &resource.name, &resource.id, false, "", ""),
        Some(cloud) => {
            (email, id, ChangeKind::AccessGained, &cloud.name, &cloud.id, true, &resource.name, &resource.id)
        }
    }
}

/// Names every raw change (only those that concern the selected member, when there is one), with
/// its effect, and points the changes' causes at their new positions.
fn raw_changes(
    (catalog, names): (&Catalog<'_, '_>, &Names),
    gaps: &GapCover,
    drafts: &[Draft],
    changes: &mut [EffectiveChange],
    selected: Option<&[u32]>,
) -> Vec<RawChange> {
    let (cited, unknown_gaps) = citations(changes, drafts.len());
    let keep = |position: usize| match selected {
        None => true,
        Some(slots) => !cited[position].is_empty() || names_member(&drafts[position], slots),
    };
    let kept: Vec<usize> = (0..drafts.len()).filter(|&position| keep(position)).collect();
    let mut renumbered = vec![usize::MAX; drafts.len()];
    kept.iter().enumerate().for_each(|(new, &old)| renumbered[old] = new);
    for cause in changes.iter_mut().flat_map(|change| change.causes.iter_mut()) {
        cause.raw = renumbered[cause.raw];
    }
    let effects = Effects { catalog, gaps };
    kept.into_par_iter()
        .map(|position| {
            let mut found = unknown_gaps[position].clone();
            found.sort();
            let effect = effects.effect(&drafts[position], &cited[position], found);
            name_raw((catalog, names), &drafts[position], effect)
        })
        .collect()
}

/// Returns, for each raw change, the changes that cite it (and whether each is known), and the gaps
/// of the unknown ones.
#[allow(clippy::type_complexity)]
fn citations(changes: &[EffectiveChange], raw_count: usize) -> (Vec<Vec<(usize, bool)>>, Vec<Vec<String>>) {
    let mut cited: Vec<Vec<(usize, bool)>> = vec![Vec::new(); raw_count];
    let mut unknown_gaps: Vec<Vec<String>> = vec![Vec::new(); raw_count];
    for (position, change) in changes.iter().enumerate() {
        for cause in &change.causes {
            cited[cause.raw].push((position, change.kind != ChangeKind::Unknown));
            for gap in &change.gaps {
                if !unknown_gaps[cause.raw].contains(gap) {
                    unknown_gaps[cause.raw].push(gap.clone());
                }
            }
        }
    }
    (cited, unknown_gaps)
}

fn names_member(draft: &Draft, slots: &[u32]) -> bool {
    draft.member.as_ref().and_then(Party::slot).is_some_and(|member| slots.contains(&member))
}

fn name_raw((catalog, names): (&Catalog<'_, '_>, &Names), draft: &Draft, effect: Effect) -> RawChange {
    RawChange {
        kind: draft.kind,
        member: draft.member.as_ref().map(|party| {
            Arc::new(match party {
                Party::Slot(slot) => catalog.member_ref(*slot),
                Party::Unknown(id) => MemberRef::unknown(id),
            })
        }),
        group: draft.group.as_ref().map(|party| match party {
            Party::Slot(slot) => catalog.group_ref(*slot),
            Party::Unknown(id) => GroupRef { id: id.clone(), name: String::new(), old_name: None },
        }),
        resource: draft.resource.map(|key| names.resource(key)),
        before: draft.before.clone(),
        after: draft.after.clone(),
        effect,
    }
}
