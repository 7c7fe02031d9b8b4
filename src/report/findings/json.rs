//! `findings.json`: the whole evaluation as one JSON document of format `permaudit-findings/2`: the
//! collection, the day it was evaluated on, every control with its status, every exemption with what
//! became of it, and every finding with its members, resources, role, paths and remediation.

use super::{render_chunks, render_views, state_name};
use crate::compat::pyjson::PythonFormatter;
use crate::controls::{Evaluation, ExemptionState, Status};
use crate::evidence::Stamp;
use crate::model::Severity;
use serde::Serialize;
use std::io::{self, Write};

/// The format version of `findings.json`.
pub const FINDINGS_FORMAT: &str = "permaudit-findings/2";

/// The counts a reader wants first.
#[derive(Serialize)]
struct Summary {
    controls: usize,
    controls_by_status: StatusCounts,
    findings: usize,
    unmuted: usize,
    muted: usize,
    unmuted_by_severity: SeverityCounts,
}

/// How many controls have each status.
#[derive(Serialize)]
struct StatusCounts {
    pass: usize,
    fail: usize,
    info: usize,
    muted: usize,
    unknown: usize,
    skipped: usize,
}

/// How many unmuted findings each severity has.
#[derive(Serialize)]
struct SeverityCounts {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct ControlEntry<'e> {
    id: &'e str,
    title: &'e str,
    severity: Severity,
    status: &'static str,
    reason: Option<&'e str>,
    findings: usize,
    unmuted: usize,
    muted: usize,
    rationale: &'e str,
    remediation: &'e str,
}

#[derive(Serialize)]
struct ExemptionEntry<'e> {
    label: String,
    id: Option<&'e str>,
    number: usize,
    control: &'e str,
    member: Option<&'e str>,
    resource: Option<&'e str>,
    reason: &'e str,
    expires: String,
    approved_by: &'e str,
    state: &'static str,
    matched: usize,
}

/// Writes the document, pretty-printed with an indent of two spaces, findings rendered in parallel;
/// it names the snapshot and the permaudit version of `stamp`.
pub fn write<W: Write>(mut writer: W, evaluation: &Evaluation<'_, '_>, stamp: &Stamp) -> io::Result<()> {
    let collection = evaluation.request.collection;
    writer.write_all(b"{\n")?;
    field(&mut writer, "format", &FINDINGS_FORMAT)?;
    field(&mut writer, "permaudit_version", &stamp.permaudit_version)?;
    field(&mut writer, "snapshot_sha256", &stamp.snapshot_sha256)?;
    field(&mut writer, "organization_id", &evaluation.request.resolution.organization_id())?;
    field(&mut writer, "collected_at", &collection.collected_at)?;
    field(&mut writer, "collection_complete", &collection.complete)?;
    field(&mut writer, "gaps", &collection.gaps)?;
    field(&mut writer, "evaluated_on", &evaluation.request.today.to_string())?;
    field(&mut writer, "summary", &summary(evaluation))?;
    field(&mut writer, "controls", &controls(evaluation))?;
    field(&mut writer, "exemptions", &exemptions(evaluation))?;
    writer.write_all(b"  \"findings\": [")?;
    let mut first = true;
    render_chunks(
        &evaluation.findings,
        |chunk| {
            render_views(evaluation, chunk, |buffer, view| {
                buffer.extend_from_slice(b",\n    ");
                pretty_at(buffer, view, 2)
            })
        },
        |bytes| {
            // Every finding starts with ","; the very first one drops it.
            let bytes = if first { bytes.get(1..).unwrap_or_default() } else { bytes };
            first = false;
            writer.write_all(bytes)
        },
    )?;
    writer.write_all(if evaluation.findings.is_empty() { b"]\n}\n" } else { b"\n  ]\n}\n" })?;
    writer.flush()
}

/// Writes `  "key": value,` with the value pretty-printed at depth one.
fn field<W: Write, T: Serialize + ?Sized>(writer: &mut W, key: &str, value: &T) -> io::Result<()> {
    let mut line = Vec::new();
    line.extend_from_slice(b"  ");
    line.extend_from_slice(&serde_json::to_vec(key).map_err(io::Error::other)?);
    line.extend_from_slice(b": ");
    pretty_at(&mut line, value, 1)?;
    line.extend_from_slice(b",\n");
    writer.write_all(&line)
}

/// Appends `value` pretty-printed (indent 2) as it reads at `depth` in the document.
fn pretty_at<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T, depth: usize) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, PythonFormatter::unicode(2, depth));
    value.serialize(&mut serializer).map_err(io::Error::other)
}

fn summary(evaluation: &Evaluation<'_, '_>) -> Summary {
    let with_status = |status: Status| evaluation.controls.iter().filter(|control| control.status == status).count();
    let unmuted_at = |severity: Severity| {
        let of_severity = evaluation.controls.iter().filter(|control| control.definition.severity == severity);
        of_severity.map(|control| control.unmuted).sum()
    };
    let (unmuted, muted) = evaluation.totals();
    Summary {
        controls: evaluation.controls.len(),
        controls_by_status: StatusCounts {
            pass: with_status(Status::Pass),
            fail: with_status(Status::Fail),
            info: with_status(Status::Info),
            muted: with_status(Status::Muted),
            unknown: with_status(Status::Unknown),
            skipped: with_status(Status::Skipped),
        },
        findings: evaluation.findings.len(),
        unmuted,
        muted,
        unmuted_by_severity: SeverityCounts {
            critical: unmuted_at(Severity::Critical),
            high: unmuted_at(Severity::High),
            medium: unmuted_at(Severity::Medium),
            low: unmuted_at(Severity::Low),
            info: unmuted_at(Severity::Info),
        },
    }
}

fn controls<'e>(evaluation: &'e Evaluation<'_, '_>) -> Vec<ControlEntry<'e>> {
    evaluation
        .controls
        .iter()
        .map(|control| {
            let definition = &control.definition;
            ControlEntry {
                id: &definition.id,
                title: &definition.title,
                severity: definition.severity,
                status: control.status.as_str(),
                reason: control.reason.as_deref(),
                findings: control.findings.len(),
                unmuted: control.unmuted,
                muted: control.muted,
                rationale: &definition.rationale,
                remediation: &definition.remediation,
            }
        })
        .collect()
}

fn exemptions<'e>(evaluation: &'e Evaluation<'_, '_>) -> Vec<ExemptionEntry<'e>> {
    evaluation
        .request
        .exemptions
        .list
        .iter()
        .zip(&evaluation.exemption_states)
        .map(|(exemption, &state)| ExemptionEntry {
            label: exemption.label(),
            id: exemption.id.as_deref(),
            number: exemption.number,
            control: &exemption.control,
            member: exemption.member.as_ref().map(|pattern| pattern.as_str()),
            resource: exemption.resource.as_ref().map(|pattern| pattern.as_str()),
            reason: &exemption.reason,
            expires: exemption.expires.to_string(),
            approved_by: &exemption.approved_by,
            state: state_name(state),
            matched: match state {
                ExemptionState::Active { matched } => matched,
                ExemptionState::Expired => 0,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::pretty_at;

    #[test]
    fn nested_values_print_as_serde_json_prints_them_shifted() {
        let value = serde_json::json!({"a": [1, {"b": []}], "c": {}, "d": "x"});
        let mut nested = Vec::new();
        pretty_at(&mut nested, &value, 2).unwrap();
        let shifted = serde_json::to_string_pretty(&value).unwrap().replace('\n', "\n    ");
        assert_eq!(String::from_utf8(nested).unwrap(), shifted);
    }
}
