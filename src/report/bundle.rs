//! The audit report directory: from one resolved collection, the list-permissions JSON, the CSV
//! reports and the HTML report, for the whole organization (or a scope of it) or one person, published
//! as a whole ([`ReportDirectory`]) with the manifest of its [`Provenance`].

use super::csv as csv_report;
use super::diff::{changes_section, write_csv, REPORT_SECTION_ROWS};
use super::directory::{
    DirectoryError, Fill, ReportDirectory, ANOMALIES_CSV, CHANGES_CSV, FINDINGS_CSV, FINDINGS_JSON, MEMBERS_CSV,
    PERMISSIONS_CSV, PERMISSIONS_JSON, REPORT_HTML, RESOURCES_CSV, REVOCATION_CSV,
};
use super::facts::AnomalyLookup;
use super::findings::{self, html::ControlsSection};
use super::html::{self, charts, data, HtmlError};
use super::members::{self, FindingTally};
use super::offboarding::Offboarding;
use super::permissions::PermissionsDocument;
use super::resources::{self, ResourceTally};
use super::scope::ReportScope;
use super::summary::Summary;
use super::view::ReportView;
use crate::controls::Evaluation;
use crate::diff::Diff;
use crate::evidence::{Provenance, Stamp};
use crate::model::Collection;
use crate::resolve::{Anomaly, MemberAccess, Resolution};
use std::io::{self, Write};
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

/// What an organization report covers beyond the resolution, and what other analyses add to it.
#[derive(Default)]
pub struct OrganizationReport<'e, 'r, 'a> {
    /// Only these clouds and projects (a per-team review); the whole organization when `None`.
    pub scope: Option<ReportScope>,
    /// The controls run over the same resolution and collection: their findings are written, counted
    /// in `members.csv` and shown in the HTML report.
    pub evaluation: Option<&'e Evaluation<'r, 'a>>,
    /// What changed since a baseline collection: the "Changes since" section and `changes.csv`.
    pub changes: Option<&'e Diff>,
}

/// Writes the organization's report files into `directory`.
pub fn write_organization(
    directory: &Path,
    resolution: &Resolution<'_>,
    collection: &Collection,
    options: &OrganizationReport<'_, '_, '_>,
    provenance: &Provenance,
) -> Result<Written, ReportError> {
    let view = match &options.scope {
        Some(scope) => ReportView::scoped(resolution, scope.clone()),
        None => ReportView::whole(resolution),
    };
    let finding_counts = options.evaluation.map(finding_tally);
    let stamp = provenance.stamp();
    let mut report = ReportDirectory::create(directory, provenance)?;
    let members: Vec<&MemberAccess> = view.members().iter().collect();
    let document = match view.scope {
        Some(_) => PermissionsDocument::for_members(resolution, members.clone()),
        None => PermissionsDocument::new(resolution),
    };
    let anomalies = view.anomalies();
    let tally = ResourceTally::new(&view);
    let sources = data::DataSources { view: &view, tally: &tally, findings: finding_counts.as_ref() };
    let (members, view, tally, stamp) = (&members, &view, &tally, &stamp);
    let mut files: Vec<(&str, Fill<'_>)> = vec![
        (PERMISSIONS_JSON, Box::new(|out| document.write_json(out, 2))),
        (
            PERMISSIONS_CSV,
            Box::new(|out| csv_report::write_permissions(out, resolution, collection, members, anomalies)),
        ),
        (ANOMALIES_CSV, Box::new(|out| csv_report::write_anomalies(out, resolution, collection, anomalies))),
        (RESOURCES_CSV, Box::new(|out| resources::write_resources(out, view, collection, tally))),
        (MEMBERS_CSV, Box::new(|out| members::write_members(out, view, collection, tally, finding_counts.as_ref()))),
    ];
    if let Some(evaluation) = options.evaluation {
        files.push((FINDINGS_JSON, Box::new(|out| findings::json::write(out, evaluation, stamp))));
        files.push((FINDINGS_CSV, Box::new(|out| findings::csv::write(out, evaluation))));
    }
    if let Some(diff) = options.changes {
        files.push((CHANGES_CSV, Box::new(|out| write_csv(out, diff))));
    }
    // The page is made while the other files are written: its data block is built on one core.
    files.push((
        REPORT_HTML,
        Box::new(|out| {
            let page = render_page(&sources, collection, options, stamp).map_err(io::Error::other)?;
            out.write_all(page.as_bytes())
        }),
    ));
    report.write_concurrently(files)?;
    Ok(Written { paths: report.publish()?, anomalies: anomalies.len() })
}

/// Returns `report.html`: the summary, the charts and the data block of one view, and the stamp its
/// header shows.
fn render_page(
    sources: &data::DataSources<'_, '_, '_>,
    collection: &Collection,
    options: &OrganizationReport<'_, '_, '_>,
    stamp: &Stamp,
) -> Result<String, HtmlError> {
    let summary = Summary::new(sources.view, collection);
    let charts = charts::charts(sources.view, sources.tally, &summary.anomaly_kinds, sources.findings);
    let data = data::data_block(sources);
    let controls = options.evaluation.map(ControlsSection::new);
    let changes = options.changes.map(|diff| changes_section(diff, Some(REPORT_SECTION_ROWS)));
    html::render_report(&summary, &charts, controls.as_ref(), data, changes.as_ref(), stamp)
}

/// Counts the findings that no exemption mutes, per control and per member they name.
fn finding_tally(evaluation: &Evaluation<'_, '_>) -> FindingTally {
    let resolution = evaluation.request.resolution;
    let mut tally = FindingTally::default();
    for finding in evaluation.findings.iter().filter(|finding| finding.muted_by.is_none()) {
        let id = &evaluation.control_of(finding).definition.id;
        let members = finding
            .evidence
            .members(resolution)
            .iter()
            .map(|&member| resolution.index.member_record(member).member_id());
        tally.record(id, members);
    }
    tally
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
    let every_anomaly: Vec<&Anomaly> = resolution.anomalies.iter().collect();
    report.write(PERMISSIONS_CSV, |out| {
        csv_report::write_permissions(out, resolution, collection, &[access], &every_anomaly)
    })?;
    report.write(ANOMALIES_CSV, |out| csv_report::write_anomalies(out, resolution, collection, &anomalies))?;
    report.write(REVOCATION_CSV, |out| offboarding.write_plan_csv(out))?;
    report.write(REPORT_HTML, |out| out.write_all(page.as_bytes()))?;
    Ok(Some(Written { paths: report.publish()?, anomalies: anomalies.len() }))
}
