//! The audit report directory: from one resolved collection, the list-permissions JSON, the CSV
//! reports and the HTML report, each written atomically, for the whole organization or one person.

use super::csv as csv_report;
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
    #[error("cannot write `{path}`: {source}")]
    Html { path: PathBuf, source: HtmlError },
}

/// Writes the organization's report files into `directory` and returns their paths.
pub fn write_organization(
    directory: &Path,
    resolution: &Resolution<'_>,
    collection: &Collection,
) -> Result<Vec<PathBuf>, ReportError> {
    create_directory(directory)?;
    let members: Vec<&MemberAccess> = resolution.members.iter().collect();
    let document = PermissionsDocument::new(resolution);
    let anomalies: Vec<&Anomaly> = resolution.anomalies.iter().collect();
    let mut written = vec![
        write(directory, PERMISSIONS_JSON, |out| document.write_json(out, 2))?,
        write(directory, PERMISSIONS_CSV, |out| csv_report::write_permissions(out, resolution, collection, &members))?,
        write(directory, ANOMALIES_CSV, |out| csv_report::write_anomalies(out, resolution, collection, &anomalies))?,
    ];
    let summary = Summary::new(resolution, collection);
    let block = data::data_block(resolution, &members);
    written.push(write_html(directory, |out| html::write_report(out, &summary, block))?);
    Ok(written)
}

/// Writes the one-person (offboarding) report of `member_id` into `directory`; `None` when the id is
/// not a member.
pub fn write_person(
    directory: &Path,
    resolution: &Resolution<'_>,
    collection: &Collection,
    member_id: &str,
) -> Result<Option<Vec<PathBuf>>, ReportError> {
    let (Some(access), Some(document)) =
        (resolution.member(member_id), PermissionsDocument::for_member(resolution, member_id))
    else {
        return Ok(None);
    };
    create_directory(directory)?;
    let offboarding = Offboarding::new(resolution, collection, access);
    let anomalies = offboarding.anomalies(resolution);
    let mut written = vec![
        write(directory, PERMISSIONS_JSON, |out| document.write_json(out, 2))?,
        write(directory, PERMISSIONS_CSV, |out| csv_report::write_permissions(out, resolution, collection, &[access]))?,
        write(directory, ANOMALIES_CSV, |out| csv_report::write_anomalies(out, resolution, collection, &anomalies))?,
        write(directory, REVOCATION_CSV, |out| offboarding.write_plan_csv(out))?,
    ];
    written.push(write_html(directory, |out| html::write_person_report(out, &offboarding))?);
    Ok(Some(written))
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

fn write_html(
    directory: &Path,
    fill: impl FnOnce(&mut BufWriter<&mut File>) -> Result<(), HtmlError>,
) -> Result<PathBuf, ReportError> {
    let path = directory.join(REPORT_HTML);
    let mut failure = None;
    let result = crate::atomic::write_file(&path, |file| {
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        match fill(&mut writer) {
            Ok(()) => writer.flush(),
            Err(error) => {
                failure = Some(error);
                Err(io::Error::other("the HTML report could not be rendered"))
            }
        }
    });
    match (result, failure) {
        (_, Some(source)) => Err(ReportError::Html { path, source }),
        (Err(source), None) => Err(ReportError::Write { path, source }),
        (Ok(()), None) => Ok(path),
    }
}
