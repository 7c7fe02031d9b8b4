//! A diff as JSON, format `permaudit-diff/1`: both collections, the summary, every effective change
//! with both roles and its causes, and every raw change with its effect or its reasons. Every key is
//! always present, in a fixed order.

use super::{change_id, describe_change, raw_id};
use crate::diff::{ChangeValue, Diff, DiffSide, Effect, EffectiveChange, GroupRef, MemberRef, RawChange, ResourceRef};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::{self, Write};
use std::sync::Arc;

/// The `format` value of the diff's JSON document.
pub const DIFF_FORMAT: &str = "permaudit-diff/1";

#[derive(Serialize)]
struct Document<'d> {
    format: &'static str,
    organization_id: &'d str,
    complete: bool,
    old: &'d DiffSide,
    new: &'d DiffSide,
    member: &'d Option<Vec<MemberRef>>,
    summary: Summary,
    changes: Vec<Change<'d>>,
    raw_changes: Vec<Raw<'d>>,
}

#[derive(Serialize)]
struct Summary {
    changes: usize,
    members: usize,
    escalations: usize,
    service_accounts_gaining_write: usize,
    by_kind: Map<String, Value>,
    raw_changes: usize,
    raw_with_effect: usize,
    raw_without_effect: usize,
    raw_unknown: usize,
}

#[derive(Serialize)]
struct Change<'d> {
    id: String,
    kind: &'static str,
    escalation: bool,
    description: String,
    member: &'d MemberRef,
    resource: &'d Option<Arc<ResourceRef>>,
    before: &'d ChangeValue,
    after: &'d ChangeValue,
    gaps: &'d [String],
    causes: Vec<CauseOut>,
}

#[derive(Serialize)]
struct CauseOut {
    raw: String,
    kind: &'static str,
    via: &'static str,
    description: String,
}

#[derive(Serialize)]
struct Raw<'d> {
    id: String,
    kind: &'static str,
    description: String,
    member: &'d Option<Arc<MemberRef>>,
    group: &'d Option<GroupRef>,
    resource: &'d Option<Arc<ResourceRef>>,
    before: &'d ChangeValue,
    after: &'d ChangeValue,
    effect: &'static str,
    changes: Vec<String>,
    gaps: &'d [String],
    reasons: Vec<ReasonOut>,
    more_reasons: usize,
}

#[derive(Serialize)]
struct ReasonOut {
    code: &'static str,
    description: String,
}

/// Writes the JSON document of a diff, indented by two spaces, with a final newline.
pub fn write_json<W: Write>(mut writer: W, diff: &Diff) -> io::Result<()> {
    let document = Document {
        format: DIFF_FORMAT,
        organization_id: &diff.organization_id,
        complete: diff.is_complete(),
        old: &diff.old,
        new: &diff.new,
        member: &diff.member,
        summary: summary(diff),
        changes: diff.changes.iter().enumerate().map(|(position, change)| change_out(diff, position, change)).collect(),
        raw_changes: diff.raw.iter().enumerate().map(|(position, raw)| raw_out(position, raw)).collect(),
    };
    serde_json::to_writer_pretty(&mut writer, &document)?;
    writer.write_all(b"\n")?;
    writer.flush()
}

fn summary(diff: &Diff) -> Summary {
    let summary = &diff.summary;
    let by_kind = summary.kinds.iter().map(|kind| (kind.kind.code().to_owned(), Value::from(kind.count))).collect();
    Summary {
        changes: summary.changes,
        members: summary.members,
        escalations: summary.escalations,
        service_accounts_gaining_write: summary.service_accounts_gaining_write,
        by_kind,
        raw_changes: summary.raw_changes,
        raw_with_effect: summary.raw_with_effect,
        raw_without_effect: summary.raw_without_effect,
        raw_unknown: summary.raw_unknown,
    }
}

fn change_out<'d>(diff: &'d Diff, position: usize, change: &'d EffectiveChange) -> Change<'d> {
    let causes = change
        .causes
        .iter()
        .map(|cause| CauseOut {
            raw: raw_id(cause.raw),
            kind: cause.kind.code(),
            via: cause.via.code(),
            description: diff.raw_of(cause).describe(),
        })
        .collect();
    Change {
        id: change_id(position),
        kind: change.kind.code(),
        escalation: change.is_escalation(),
        description: describe_change(change),
        member: &change.member,
        resource: &change.resource,
        before: &change.before,
        after: &change.after,
        gaps: &change.gaps,
        causes,
    }
}

fn raw_out(position: usize, raw: &RawChange) -> Raw<'_> {
    let (changes, gaps, reasons, more_reasons): (Vec<String>, &[String], Vec<ReasonOut>, usize) = match &raw.effect {
        Effect::Changes { changes } => (changes.iter().map(|&change| change_id(change)).collect(), &[], Vec::new(), 0),
        Effect::Unknown { gaps } => (Vec::new(), gaps, Vec::new(), 0),
        Effect::None { reasons, more } => {
            let reasons =
                reasons.iter().map(|reason| ReasonOut { code: reason.code(), description: reason.describe() });
            (Vec::new(), &[], reasons.collect(), *more)
        }
    };
    Raw {
        id: raw_id(position),
        kind: raw.kind.code(),
        description: raw.describe(),
        member: &raw.member,
        group: &raw.group,
        resource: &raw.resource,
        before: &raw.before,
        after: &raw.after,
        effect: raw.effect.code(),
        changes,
        gaps,
        reasons,
        more_reasons,
    }
}
