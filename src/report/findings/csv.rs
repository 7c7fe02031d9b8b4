//! The findings CSV: one row per finding, with its control, severity, status, exemption, members,
//! resources (their count, then their ids and names joined with `; `), role, paths and remediation.
//! RFC 4180, comma, UTF-8, formula-safe, format `permaudit-csv/2`.

use super::render_chunks;
use crate::controls::{Evaluation, FindingView};
use crate::report::cell::{neutralise, render, CsvRows};
use std::borrow::Cow;
use std::io::{self, Write};

/// The format version of the findings CSV, in its first column: `2` since one finding may name several
/// resources (`resource_count`, `resource_ids`, `resource_names`).
pub const FINDINGS_CSV_FORMAT: &str = "permaudit-csv/2";

/// The columns of the findings CSV, in order.
pub const FINDING_COLUMNS: [&str; 24] = [
    "format",
    "organization_id",
    "collected_at",
    "evaluated_on",
    "control",
    "control_title",
    "severity",
    "status",
    "muted",
    "exemption",
    "exemption_reason",
    "exemption_expires",
    "exemption_approved_by",
    "member_ids",
    "member_emails",
    "member_names",
    "resource_type",
    "resource_count",
    "resource_ids",
    "resource_names",
    "role",
    "paths",
    "detail",
    "remediation",
];

/// Writes every finding of the evaluation, rendering rows in parallel chunks.
pub fn write<W: Write>(mut writer: W, evaluation: &Evaluation<'_, '_>) -> io::Result<()> {
    let today = evaluation.request.today.to_string();
    let head = [
        FINDINGS_CSV_FORMAT,
        &neutralise(evaluation.request.resolution.organization_id()),
        &neutralise(&evaluation.request.collection.collected_at),
        &today,
    ]
    .map(str::to_owned);
    writer.write_all(&render(|csv| csv.write_record(FINDING_COLUMNS))?)?;
    render_chunks(
        &evaluation.findings,
        |chunk| {
            // A row takes about 420 bytes: sizing the buffer once spares the copies of growing it.
            let mut csv = CsvRows::with_capacity(chunk.len() * 512);
            for finding in chunk {
                let view = evaluation.view(finding);
                let cells = row(&head, &view);
                csv.write_record(cells.iter().map(|cell| cell.as_bytes())).map_err(io::Error::other)?;
            }
            Ok(csv.into_inner())
        },
        |bytes| writer.write_all(bytes),
    )?;
    writer.flush()
}

/// Returns one finding's cells, every value from the data neutralised.
fn row<'v>(head: &'v [String; 4], view: &'v FindingView<'_>) -> [Cow<'v, str>; 24] {
    let joined = |values: Vec<&str>| Cow::Owned(neutralise(&values.join("; ")).into_owned());
    let exemption = view.exemption.as_ref();
    let resources = &view.resources;
    let mut kinds: Vec<&str> = resources.iter().map(|resource| resource.kind).collect();
    kinds.dedup();
    [
        Cow::Borrowed(head[0].as_str()),
        Cow::Borrowed(head[1].as_str()),
        Cow::Borrowed(head[2].as_str()),
        Cow::Borrowed(head[3].as_str()),
        Cow::Borrowed(view.control),
        neutralise(view.control_title),
        Cow::Borrowed(view.severity.as_str()),
        Cow::Borrowed(view.status),
        Cow::Borrowed(if view.muted { "true" } else { "false" }),
        neutralise(exemption.map_or("", |exemption| exemption.label.as_str())),
        neutralise(exemption.map_or("", |exemption| exemption.reason)),
        Cow::Borrowed(exemption.map_or("", |exemption| exemption.expires.as_str())),
        neutralise(exemption.map_or("", |exemption| exemption.approved_by)),
        joined(view.members.iter().map(|member| member.id).collect()),
        joined(view.members.iter().map(|member| member.email).collect()),
        joined(view.members.iter().map(|member| member.name).collect()),
        Cow::Owned(kinds.join("; ")),
        Cow::Owned(resources.len().to_string()),
        joined(resources.iter().map(|resource| resource.id.as_ref()).collect()),
        joined(resources.iter().map(|resource| resource.name).collect()),
        Cow::Borrowed(view.role.unwrap_or("")),
        joined(view.paths.iter().map(String::as_str).collect()),
        neutralise(&view.detail),
        neutralise(&view.remediation),
    ]
}
