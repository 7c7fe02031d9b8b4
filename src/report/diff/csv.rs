//! A diff as CSV (`changes.csv`): one row per effective change and cause, then one row per raw change
//! without effect or of unknown effect. RFC 4180 and formula-safe like every permaudit CSV.

use super::{change_id, raw_id};
use crate::diff::{
    ChangeValue, Diff, Effect, EffectiveChange, GroupRef, MemberRef, RawChange, ResourceKind, ResourceRef,
};
use crate::report::cell::{neutralise, render};
use crate::report::csv::CSV_FORMAT;
use std::io::{self, Write};
use std::sync::Arc;

/// The columns of `changes.csv`, in order.
pub const CHANGE_COLUMNS: [&str; 29] = [
    "format",
    "organization_id",
    "old_collected_at",
    "new_collected_at",
    "row_type",
    "change_id",
    "change",
    "escalation",
    "member_id",
    "member_email",
    "member_name",
    "is_service_account",
    "resource_type",
    "cloud_id",
    "cloud_name",
    "project_id",
    "project_name",
    "old_name",
    "old_cloud_id",
    "group_id",
    "group_name",
    "before",
    "after",
    "gaps",
    "raw_id",
    "cause",
    "cause_via",
    "cause_description",
    "reasons",
];

/// The cells of one row, by column.
#[derive(Default)]
struct Row {
    row_type: &'static str,
    change_id: String,
    change: &'static str,
    escalation: &'static str,
    member: Option<Arc<MemberRef>>,
    resource: Option<Arc<ResourceRef>>,
    group: Option<GroupRef>,
    before: String,
    after: String,
    gaps: String,
    raw_id: String,
    cause: &'static str,
    cause_via: &'static str,
    cause_description: String,
    reasons: String,
}

/// Writes `changes.csv` for a diff.
pub fn write_csv<W: Write>(mut writer: W, diff: &Diff) -> io::Result<()> {
    let head = [
        CSV_FORMAT.to_owned(),
        neutralise(&diff.organization_id).into_owned(),
        neutralise(&diff.old.collected_at).into_owned(),
        neutralise(&diff.new.collected_at).into_owned(),
    ];
    let bytes = render(|csv| {
        csv.write_record(CHANGE_COLUMNS)?;
        for (position, change) in diff.changes.iter().enumerate() {
            for row in change_rows(diff, position, change) {
                csv.write_record(cells(&head, &row))?;
            }
        }
        for (position, raw) in diff.raw.iter().enumerate() {
            if let Some(row) = raw_row(position, raw) {
                csv.write_record(cells(&head, &row))?;
            }
        }
        Ok(())
    })?;
    writer.write_all(&bytes)?;
    writer.flush()
}

/// Returns one row per cause of a change (a change always has one; a row without is kept anyway).
fn change_rows(diff: &Diff, position: usize, change: &EffectiveChange) -> Vec<Row> {
    let base = || Row {
        row_type: "change",
        change_id: change_id(position),
        change: change.kind.code(),
        escalation: if change.is_escalation() { "true" } else { "false" },
        member: Some(change.member.clone()),
        resource: change.resource.clone(),
        before: change.before.to_string(),
        after: change.after.to_string(),
        gaps: change.gaps.join("; "),
        ..Row::default()
    };
    if change.causes.is_empty() {
        return vec![base()];
    }
    let row = |cause: &crate::diff::Cause| Row {
        group: diff.raw_of(cause).group.clone(),
        raw_id: raw_id(cause.raw),
        cause: cause.kind.code(),
        cause_via: cause.via.code(),
        cause_description: diff.raw_of(cause).describe(),
        ..base()
    };
    change.causes.iter().map(row).collect()
}

/// Returns the row of a raw change without effect or of unknown effect.
fn raw_row(position: usize, raw: &RawChange) -> Option<Row> {
    let (row_type, gaps, reasons) = match &raw.effect {
        Effect::Changes { .. } => return None,
        Effect::Unknown { gaps } => ("unknown-effect", gaps.join("; "), String::new()),
        Effect::None { reasons, more } => {
            let mut words: Vec<String> = reasons.iter().map(|reason| reason.describe()).collect();
            if *more > 0 {
                words.push(format!("and {more} more members or entries not examined"));
            }
            ("no-effect", String::new(), words.join("; "))
        }
    };
    Some(Row {
        row_type,
        member: raw.member.clone(),
        resource: raw.resource.clone(),
        group: raw.group.clone(),
        before: record_value(&raw.before),
        after: record_value(&raw.after),
        gaps,
        raw_id: raw_id(position),
        cause: raw.kind.code(),
        cause_description: raw.describe(),
        reasons,
        ..Row::default()
    })
}

/// Returns a raw change's value: empty where the change has none (a membership, a created record).
fn record_value(value: &ChangeValue) -> String {
    match value {
        ChangeValue::Nothing => String::new(),
        value => value.to_string(),
    }
}

/// Returns the cloud id and name, and the project id and name, of a row's resource.
fn resource_cells(resource: Option<&ResourceRef>) -> [String; 4] {
    match resource {
        Some(resource) if resource.kind == ResourceKind::Cloud => {
            [resource.id.clone(), resource.name.clone(), String::new(), String::new()]
        }
        Some(resource) => {
            let (cloud_id, cloud_name) = resource
                .cloud
                .as_ref()
                .map_or((String::new(), String::new()), |cloud| (cloud.id.clone(), cloud.name.clone()));
            [cloud_id, cloud_name, resource.id.clone(), resource.name.clone()]
        }
        None => [String::new(), String::new(), String::new(), String::new()],
    }
}

/// Returns a row's cells in column order, every data cell neutralised.
fn cells(head: &[String; 4], row: &Row) -> Vec<String> {
    let member = row.member.as_ref();
    let resource = row.resource.as_ref();
    let [cloud_id, cloud_name, project_id, project_name] = resource_cells(resource.map(|resource| &**resource));
    let data = [
        row.row_type.to_owned(),
        row.change_id.clone(),
        row.change.to_owned(),
        row.escalation.to_owned(),
        member.map(|member| member.id.clone()).unwrap_or_default(),
        member.map(|member| member.email.clone()).unwrap_or_default(),
        member.map(|member| member.name.clone()).unwrap_or_default(),
        member.map(|member| member.is_service_account.to_string()).unwrap_or_default(),
        resource.map(|resource| resource.kind.as_str().to_owned()).unwrap_or_default(),
        cloud_id,
        cloud_name,
        project_id,
        project_name,
        resource.and_then(|resource| resource.old_name.clone()).unwrap_or_default(),
        resource.and_then(|resource| resource.old_cloud.as_ref().map(|cloud| cloud.id.clone())).unwrap_or_default(),
        row.group.as_ref().map(|group| group.id.clone()).unwrap_or_default(),
        row.group.as_ref().map(|group| group.name.clone()).unwrap_or_default(),
        row.before.clone(),
        row.after.clone(),
        row.gaps.clone(),
        row.raw_id.clone(),
        row.cause.to_owned(),
        row.cause_via.to_owned(),
        row.cause_description.clone(),
        row.reasons.clone(),
    ];
    head.iter().cloned().chain(data.iter().map(|cell| neutralise(cell).into_owned())).collect()
}
