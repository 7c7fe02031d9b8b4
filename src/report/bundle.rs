//! The audit report directory: from one resolved collection, the list-permissions JSON, the CSV
//! reports and the HTML report, for the whole organization or one person, published as a whole
//! ([`ReportDirectory`]) with the manifest of its [`Provenance`].

use super::csv as csv_report;
use super::directory::{
    DirectoryError, ReportDirectory, ANOMALIES_CSV, FINDINGS_CSV, FINDINGS_JSON, PERMISSIONS_CSV, PERMISSIONS_JSON,
    REPORT_HTML, REVOCATION_CSV,
};
use super::facts::AnomalyLookup;
use super::findings::{self, html::ControlsSection};
use super::html::{self, data, HtmlError};
use super::offboarding::Offboarding;
use super::permissions::PermissionsDocument;
use super::summary::Summary;
use crate::controls::Evaluation;
use crate::evidence::Provenance;
use crate::model::Collection;
use crate::resolve::{Anomaly, MemberAccess, Resolution};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Html(#[from] HtmlError),
}

/// What a report wrote, and how many anomalies it holds (for the exit code).
#[derive(Debug)]
pub struct Written {
    pub paths: Vec<PathBuf>,
    pub anomalies: usize,
}

/// Writes the organization's report files into `directory`, with the findings of `evaluation` (the
/// controls run over the same resolution and collection).
pub fn write_organization(
    directory: &Path,
    evaluation: &Evaluation<'_, '_>,
    provenance: &Provenance,
) -> Result<Written, ReportError> {
    let (resolution, collection) = (evaluation.resolution, evaluation.collection);
    let stamp = provenance.stamp();
    let mut report = ReportDirectory::create(directory, provenance)?;
    let members: Vec<&MemberAccess> = resolution.members.iter().collect();
    let document = PermissionsDocument::new(resolution);
    let anomalies: Vec<&Anomaly> = resolution.anomalies.iter().collect();
    let summary = Summary::new(resolution, collection);
    let controls = ControlsSection::new(evaluation);
    let page = html::render_report(&summary, &controls, data::data_block(resolution, &members), &stamp)?;
    report.write(PERMISSIONS_JSON, |out| document.write_json(out, 2))?;
    report.write(PERMISSIONS_CSV, |out| csv_report::write_permissions(out, resolution, collection, &members))?;
    report.write(ANOMALIES_CSV, |out| csv_report::write_anomalies(out, resolution, collection, &anomalies))?;
    report.write(FINDINGS_JSON, |out| findings::json::write(out, evaluation, &stamp))?;
    report.write(FINDINGS_CSV, |out| findings::csv::write(out, evaluation))?;
    report.write(REPORT_HTML, |out| out.write_all(page.as_bytes()))?;
    Ok(Written { paths: report.publish()?, anomalies: anomalies.len() })
}

/// Writes the one-person (offboarding) report of `member_id` into `directory`; `None` when the id is
/// not a member.
pub fn write_person(
    directory: &Path,
    resolution: &Resolution<'_>,
    collection: &Collection,
    member_id: &str,
    provenance: &Provenance,
) -> Result<Option<Written>, ReportError> {
    let (Some(access), Some(document)) =
        (resolution.member(member_id), PermissionsDocument::for_member(resolution, member_id))
    else {
        return Ok(None);
    };
    let mut report = ReportDirectory::create(directory, provenance)?;
    let anomalies = AnomalyLookup::new(resolution).of_member(access.member).to_vec();
    let offboarding = Offboarding::new(resolution, collection, access, &anomalies);
    let page = html::render_person_report(&offboarding, &provenance.stamp())?;
    report.write(PERMISSIONS_JSON, |out| document.write_json(out, 2))?;
    report.write(PERMISSIONS_CSV, |out| csv_report::write_permissions(out, resolution, collection, &[access]))?;
    report.write(ANOMALIES_CSV, |out| csv_report::write_anomalies(out, resolution, collection, &anomalies))?;
    report.write(REVOCATION_CSV, |out| offboarding.write_plan_csv(out))?;
    report.write(REPORT_HTML, |out| out.write_all(page.as_bytes()))?;
    Ok(Some(Written { paths: report.publish()?, anomalies: anomalies.len() }))
}
