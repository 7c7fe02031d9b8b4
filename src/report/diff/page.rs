//! A diff in HTML: the facts the `changes.html.j2` section shows (its own page, `diff.html.j2`, and the
//! "Changes since" section of `report.html`), ready for the templates, which escape every value.

use super::{change_id, describe_cause, describe_member, raw_id};
use crate::diff::{Diff, DiffSide, Effect};
use crate::report::html::{self, HtmlError};
use serde::Serialize;

/// The format version the diff page states in its `permaudit-format` meta element.
pub const DIFF_HTML_FORMAT: &str = "permaudit-diff-html/1";

/// One collection, as `collection.html.j2` shows it.
#[derive(Debug, Serialize)]
pub struct SideFacts {
    pub organization_id: String,
    pub collected_at: String,
    pub source: String,
    pub complete: bool,
    pub gaps: Vec<String>,
}

/// One figure of the summary.
#[derive(Debug, Serialize)]
pub struct Figure {
    pub count: usize,
    pub label: &'static str,
}

/// One cause of a change.
#[derive(Debug, Serialize)]
pub struct CauseRow {
    pub raw: String,
    pub text: String,
}

/// One effective change.
#[derive(Debug, Serialize)]
pub struct ChangeRow {
    pub id: String,
    pub kind: &'static str,
    pub title: &'static str,
    pub escalation: bool,
    pub resource: String,
    pub before: String,
    pub after: String,
    pub gaps: Vec<String>,
    pub causes: Vec<CauseRow>,
}

/// One member and its changes.
#[derive(Debug, Serialize)]
pub struct MemberChanges {
    pub label: String,
    pub changes: Vec<ChangeRow>,
}

/// One raw change without effect, or of unknown effect.
#[derive(Debug, Serialize)]
pub struct RawRow {
    pub id: String,
    pub kind: &'static str,
    pub description: String,
    pub reasons: Vec<String>,
    pub more: usize,
    pub gaps: Vec<String>,
}

/// Everything the changes section shows.
#[derive(Debug, Serialize)]
pub struct ChangesSection {
    pub organization_id: String,
    pub old: SideFacts,
    pub new: SideFacts,
    pub complete: bool,
    pub only: Vec<String>,
    pub figures: Vec<Figure>,
    pub change_count: usize,
    /// How many changes `members` shows (all of them unless a limit was given).
    pub shown: usize,
    pub members: Vec<MemberChanges>,
    pub without_effect_count: usize,
    pub without_effect: Vec<RawRow>,
    pub unknown_count: usize,
    pub unknown: Vec<RawRow>,
}

/// How many changes, and raw changes of each effect, the report's "Changes since" section shows; the
/// others are in `changes.csv`, so that the report stays usable after a large change.
pub const REPORT_SECTION_ROWS: usize = 1000;

/// Returns the facts of a diff's changes section, with at most `limit` changes and raw changes of
/// each effect when a limit is given.
pub fn changes_section(diff: &Diff, limit: Option<usize>) -> ChangesSection {
    let side = |side: &DiffSide| SideFacts {
        organization_id: diff.organization_id.clone(),
        collected_at: side.collected_at.clone(),
        source: side.source.clone(),
        complete: side.complete,
        gaps: side.gaps.clone(),
    };
    let limit = limit.unwrap_or(usize::MAX);
    let without_effect = raw_rows(diff, |effect| matches!(effect, Effect::None { .. }));
    let unknown = raw_rows(diff, |effect| matches!(effect, Effect::Unknown { .. }));
    ChangesSection {
        organization_id: diff.organization_id.clone(),
        old: side(&diff.old),
        new: side(&diff.new),
        complete: diff.is_complete(),
        only: diff.member.iter().flatten().map(|member| member.label()).collect(),
        figures: figures(diff),
        change_count: diff.changes.len(),
        shown: diff.changes.len().min(limit),
        members: members(diff, limit),
        without_effect_count: without_effect.len(),
        without_effect: without_effect.into_iter().take(limit).collect(),
        unknown_count: unknown.len(),
        unknown: unknown.into_iter().take(limit).collect(),
    }
}

/// Returns the diff's own page.
pub fn render_page(diff: &Diff) -> Result<String, HtmlError> {
    html::render_diff(DIFF_HTML_FORMAT, &changes_section(diff, None))
}

fn figures(diff: &Diff) -> Vec<Figure> {
    let summary = &diff.summary;
    let mut figures = vec![
        Figure { count: summary.changes, label: "changes" },
        Figure { count: summary.members, label: "members changed" },
        Figure { count: summary.escalations, label: "escalations" },
        Figure { count: summary.service_accounts_gaining_write, label: "service-account changes to write or owner" },
    ];
    figures.extend(
        summary.kinds.iter().filter(|kind| kind.count > 0).map(|kind| Figure { count: kind.count, label: kind.label }),
    );
    figures.push(Figure { count: summary.raw_changes, label: "raw changes" });
    figures.push(Figure { count: summary.raw_without_effect, label: "raw changes without effect" });
    figures
}

fn members(diff: &Diff, limit: usize) -> Vec<MemberChanges> {
    let mut members: Vec<MemberChanges> = Vec::new();
    for (position, change) in diff.changes.iter().enumerate().take(limit) {
        let row = ChangeRow {
            id: change_id(position),
            kind: change.kind.code(),
            title: change.kind.title(),
            escalation: change.is_escalation(),
            resource: change.resource.as_ref().map(|resource| resource.located()).unwrap_or_default(),
            before: change.before.to_string(),
            after: change.after.to_string(),
            gaps: change.gaps.clone(),
            causes: change
                .causes
                .iter()
                .map(|cause| CauseRow { raw: raw_id(cause.raw), text: describe_cause(diff, cause) })
                .collect(),
        };
        let label = describe_member(&change.member);
        match members.last_mut() {
            Some(last) if last.label == label => last.changes.push(row),
            _ => members.push(MemberChanges { label, changes: vec![row] }),
        }
    }
    members
}

fn raw_rows(diff: &Diff, keep: fn(&Effect) -> bool) -> Vec<RawRow> {
    let rows = diff.raw.iter().enumerate().filter(|(_, raw)| keep(&raw.effect));
    rows.map(|(position, raw)| {
        let (reasons, more, gaps) = match &raw.effect {
            Effect::None { reasons, more } => {
                (reasons.iter().map(|reason| reason.describe()).collect(), *more, Vec::new())
            }
            Effect::Unknown { gaps } => (Vec::new(), 0, gaps.clone()),
            Effect::Changes { .. } => (Vec::new(), 0, Vec::new()),
        };
        RawRow { id: raw_id(position), kind: raw.kind.code(), description: raw.describe(), reasons, more, gaps }
    })
    .collect()
}
