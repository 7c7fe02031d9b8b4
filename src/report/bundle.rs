//! The audit report directory: from one resolved collection, the list-permissions JSON, the CSV
//! reports and the HTML report, each written atomically, for the whole organization or one person.

use super::csv as csv_report;
use super::facts::AnomalyLookup;
use super::html::{self, data, HtmlError};
use super::offboarding::Offboarding;
use super::permissions::PermissionsDocument;
use super::summary::Summary;
use crate::model::Collection;
use crate::resolve::{Anomaly, MemberAccess, Resolution};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The list-permissions document, byte for byte what `user list-permissions --output-file` writes.
pub const PERMISSIONS_JSON: &str = "permissions.json";
/// One row per member and resource.
pub const PERMISSIONS_CSV: &str = "permissions.csv";
/// One row per anomaly.
pub const ANOMALIES_CSV: &str = "anomalies.csv";
/// The HTML report.
pub const REPORT_HTML: &str = "report.html";
/// The offboarding plan of a one-person report, one row per step.
pub const REVOCATION_CSV: &str = "revocation-plan.csv";

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot create the report directory `{path}`: {source}; check the path and its permissions")]
    Directory { path: PathBuf, source: io::Error },
    #[error("cannot write `{path}`: {source}")]
    Write { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Html(#[from] HtmlError),
}

/// What a report wrote, and how many anomalies it holds (for the exit code).
#[derive(Debug)]
pub struct Written {
    pub paths: Vec<PathBuf>,
    pub anomalies: usize,
}

/// Writes the organization's report files into `directory`.
pub fn write_organization(
    directory: &Path,
    resolution: &Resolution<'_>,
    collection: &Collection,
) -> Result<Written, ReportError> {
    create_directory(directory)?;
    let members: Vec<&MemberAccess> = resolution.members.iter().collect();
    let document = PermissionsDocument::new(resolution);
    let anomalies: Vec<&Anomaly> = resolution.anomalies.iter().collect();
    let page = html::render_report(&Summary::new(resolution, collection), data::data_block(resolution, &members))?;
    let paths = vec![
        write(directory, PERMISSIONS_JSON, |out| document.write_json(out, 2))?,
        write(directory, PERMISSIONS_CSV, |out| csv_report::write_permissions(out, resolution, collection, &members))?,
        write(directory, ANOMALIES_CSV, |out| csv_report::write_anomalies(out, resolution, collection, &anomalies))?,
        write(directory, REPORT_HTML, |out| out.write_all(page.as_bytes()))?,
    ];
    Ok(Written { paths, anomalies: anomalies.len() })
}

/// Writes the one-person (offboarding) report of `member_id` into `directory`; `None` when the id is
/// not a member.
pub fn write_person(
    directory: &Path,
    resolution: &Resolution<'_>,
    collection: &Collection,
    member_id: &str,
) -> Result<Option<Written>, ReportError> {
    let (Some(access), Some(document)) =
        (resolution.member(member_id), PermissionsDocument::for_member(resolution, member_id))
    else {
        return Ok(None);
    };
    create_directory(directory)?;
    let anomalies = AnomalyLookup::new(resolution).of_member(access.member).to_vec();
    let offboarding = Offboarding::new(resolution, collection, access, &anomalies);
    let page = html::render_person_report(&offboarding)?;
    let paths = vec![
        write(directory, PERMISSIONS_JSON, |out| document.write_json(out, 2))?,
        write(directory, PERMISSIONS_CSV, |out| csv_report::write_permissions(out, resolution, collection, &[access]))?,
        write(directory, ANOMALIES_CSV, |out| csv_report::write_anomalies(out, resolution, collection, &anomalies))?,
        write(directory, REVOCATION_CSV, |out| offboarding.write_plan_csv(out))?,
        write(directory, REPORT_HTML, |out| out.write_all(page.as_bytes()))?,
    ];
    Ok(Some(Written { paths, anomalies: anomalies.len() }))
}

fn create_directory(directory: &Path) -> Result<(), ReportError> {
    std::fs::create_dir_all(directory).map_err(|source| ReportError::Directory { path: directory.to_owned(), source })
}

/// Writes one file atomically through a large buffer.
fn write(
    directory: &Path,
    name: &str,
    fill: impl FnOnce(&mut BufWriter<&mut File>) -> io::Result<()>,
) -> Result<PathBuf, ReportError> {
    let path = directory.join(name);
    crate::atomic::write_file(&path, |file| {
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        fill(&mut writer)?;
        writer.flush()
    })
    .map_err(|source| ReportError::Write { path: path.clone(), source })?;
    Ok(path)
}
