//! The figures a diff opens with: changes by kind, escalations, service accounts gaining write or
//! owner, and how many raw changes have an effect.

use super::change::{ChangeKind, EffectiveChange};
use super::raw::{Effect, RawChange};
use serde::Serialize;

/// How many effective changes of one kind a diff holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KindCount {
    pub kind: ChangeKind,
    pub label: &'static str,
    pub count: usize,
}

/// The figures of a diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub changes: usize,
    /// Members with at least one change.
    pub members: usize,
    /// Access gained, roles raised and new org owners.
    pub escalations: usize,
    pub service_accounts_gaining_write: usize,
    /// Every change kind, in order, with its count (zero included).
    pub kinds: Vec<KindCount>,
    pub raw_changes: usize,
    pub raw_with_effect: usize,
    pub raw_without_effect: usize,
    pub raw_unknown: usize,
}

impl Summary {
    /// Counts the changes and raw changes of a diff.
    pub fn new(changes: &[EffectiveChange], raw: &[RawChange]) -> Summary {
        let count = |kind: ChangeKind| changes.iter().filter(|change| change.kind == kind).count();
        let effects = |matches: fn(&Effect) -> bool| raw.iter().filter(|change| matches(&change.effect)).count();
        // Changes are grouped by member, so a member starts where the id differs from the previous one.
        let members = changes
            .iter()
            .enumerate()
            .filter(|&(position, change)| position == 0 || changes[position - 1].member.id != change.member.id);
        Summary {
            changes: changes.len(),
            members: members.count(),
            escalations: changes.iter().filter(|change| change.is_escalation()).count(),
            service_accounts_gaining_write: changes
                .iter()
                .filter(|change| change.is_service_account_gaining_write())
                .count(),
            kinds: ChangeKind::ALL
                .iter()
                .map(|&kind| KindCount { kind, label: kind.label(), count: count(kind) })
                .collect(),
            raw_changes: raw.len(),
            raw_with_effect: effects(|effect| matches!(effect, Effect::Changes { .. })),
            raw_without_effect: effects(|effect| matches!(effect, Effect::None { .. })),
            raw_unknown: effects(|effect| matches!(effect, Effect::Unknown { .. })),
        }
    }

    /// Returns the count of one kind.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.kinds.iter().find(|count| count.kind == kind).map_or(0, |count| count.count)
    }
}
