//! The findings CSV: one row per finding, with its control, severity, status, exemption, members,
//! resource, role, paths and remediation. RFC 4180, comma, UTF-8, formula-safe, format `permaudit-csv/1`
//! like the other CSV reports.

use super::render_chunks;
use crate::controls::{Evaluation, FindingView};
use crate::report::csv::{neutralise, render, CSV_FORMAT};
use std::io::{self, Write};

/// The columns of the findings CSV, in order.
pub const FINDING_COLUMNS: [&str; 23] = [
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
    "resource_id",
    "resource_name",
    "role",
    "paths",
    "detail",
    "remediation",
];

/// Writes every finding of the evaluation, rendering rows in parallel chunks.
pub fn write<W: Write>(mut writer: W, evaluation: &Evaluation<'_, '_>) -> io::Result<()> {
    let head = [
        CSV_FORMAT.to_owned(),
        neutralise(evaluation.resolution.organization_id()).into_owned(),
        neutralise(&evaluation.collection.collected_at).into_owned(),
        evaluation.today.to_string(),
    ];
    writer.write_all(&render(|csv| csv.write_record(FINDING_COLUMNS))?)?;
    render_chunks(
        &evaluation.findings,
        |chunk| {
            render(|csv| chunk.iter().try_for_each(|finding| csv.write_record(row(&head, &evaluation.view(finding)))))
        },
        |bytes| writer.write_all(bytes),
    )?;
    writer.flush()
}

/// Returns one finding's cells, every value from the data neutralised.
fn row(head: &[String; 4], view: &FindingView<'_>) -> Vec<String> {
    let joined = |values: Vec<&str>| neutralise(&values.join("; ")).into_owned();
    let exemption = view.exemption.as_ref();
    let resource = view.resource.as_ref();
    let mut cells: Vec<String> = head.to_vec();
    cells.extend([
        view.control.to_owned(),
        neutralise(view.control_title).into_owned(),
        view.severity.as_str().to_owned(),
        view.status.to_owned(),
        view.muted.to_string(),
        neutralise(&exemption.map_or_else(String::new, |exemption| exemption.label.clone())).into_owned(),
        neutralise(exemption.map_or("", |exemption| exemption.reason)).into_owned(),
        exemption.map_or_else(String::new, |exemption| exemption.expires.clone()),
        neutralise(exemption.map_or("", |exemption| exemption.approved_by)).into_owned(),
        joined(view.members.iter().map(|member| member.id).collect()),
        joined(view.members.iter().map(|member| member.email).collect()),
        joined(view.members.iter().map(|member| member.name).collect()),
        resource.map_or("", |resource| resource.kind).to_owned(),
        neutralise(resource.map_or("", |resource| &resource.id)).into_owned(),
        neutralise(resource.map_or("", |resource| resource.name)).into_owned(),
        view.role.unwrap_or("").to_owned(),
        joined(view.paths.iter().map(String::as_str).collect()),
        neutralise(&view.detail).into_owned(),
        neutralise(&view.remediation).into_owned(),
    ]);
    cells
}
