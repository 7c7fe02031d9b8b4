//! The Controls section of `report.html`: every control with its status, then, per control with
//! findings, the failing subjects with their paths and fix, and for muted ones the exemption. A control
//! shows its first [`SHOWN`] findings and says how many more the CSV and JSON hold, so that a large
//! organization's page stays small.

use crate::controls::{Evaluation, FindingView};
use crate::model::Severity;
use serde::Serialize;

/// The most findings one control shows in the page.
pub const SHOWN: usize = 50;

/// The section, ready for `templates/controls.html.j2`.
#[derive(Debug, Serialize)]
pub struct ControlsSection<'e> {
    pub evaluated_on: String,
    pub failing: usize,
    pub unmuted: usize,
    pub muted: usize,
    pub controls: Vec<ControlRow<'e>>,
}

/// One control and the findings it shows.
#[derive(Debug, Serialize)]
pub struct ControlRow<'e> {
    pub id: &'e str,
    pub title: &'e str,
    pub severity: Severity,
    pub status: &'static str,
    pub reason: Option<&'e str>,
    pub unmuted: usize,
    pub muted: usize,
    pub rationale: &'e str,
    pub remediation: &'e str,
    /// The first findings: those no exemption mutes, then the muted ones.
    pub findings: Vec<FindingView<'e>>,
    /// How many findings the page leaves to the CSV and JSON.
    pub more: usize,
}

impl<'e> ControlsSection<'e> {
    /// Builds the section of an evaluation.
    pub fn new(evaluation: &'e Evaluation<'_, '_>) -> ControlsSection<'e> {
        let (unmuted, muted) = evaluation.totals();
        let failing =
            evaluation.controls.iter().filter(|control| control.status == crate::controls::Status::Fail).count();
        let controls = evaluation
            .controls
            .iter()
            .map(|control| {
                let definition = &control.definition;
                let findings = &evaluation.findings[control.findings.clone()];
                let unmuted_first = findings.iter().filter(|finding| finding.muted_by.is_none());
                let shown = unmuted_first.chain(findings.iter().filter(|finding| finding.muted_by.is_some()));
                let findings: Vec<FindingView<'e>> =
                    shown.take(SHOWN).map(|finding| evaluation.view(finding)).collect();
                ControlRow {
                    id: &definition.id,
                    title: &definition.title,
                    severity: definition.severity,
                    status: control.status.as_str(),
                    reason: control.reason.as_deref(),
                    unmuted: control.unmuted,
                    muted: control.muted,
                    rationale: &definition.rationale,
                    remediation: &definition.remediation,
                    more: control.findings.len() - findings.len(),
                    findings,
                }
            })
            .collect();
        ControlsSection { evaluated_on: evaluation.request.today.to_string(), failing, unmuted, muted, controls }
    }
}
