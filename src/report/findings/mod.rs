//! The renderings of an evaluation of the controls: `findings.json` (format `permaudit-findings/2`),
//! the findings CSV, JUnit XML for CI systems, the text of `permaudit check`, and the Controls section
//! of `report.html` (`docs/controls.md` documents each format); and the directory of `check --out-dir`,
//! which holds the three files with their manifest.

pub mod csv;
pub mod html;
pub mod json;
pub mod junit;
pub mod text;

use super::directory::{DirectoryError, ReportDirectory, FINDINGS_CSV, FINDINGS_JSON, FINDINGS_JUNIT};
use crate::controls::{Evaluation, ExemptionState, Finding, FindingView};
use crate::evidence::Provenance;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `findings.json`, `findings.csv` and `findings.junit.xml` into `directory`, with the manifest
/// of `provenance`; returns the paths written.
pub fn write_directory(
    directory: &Path,
    evaluation: &Evaluation<'_, '_>,
    provenance: &Provenance,
) -> Result<Vec<PathBuf>, DirectoryError> {
    let stamp = provenance.stamp();
    let mut report = ReportDirectory::create(directory, provenance)?;
    let stamp = &stamp;
    report.write_concurrently(vec![
        (FINDINGS_JSON, Box::new(|out| json::write(out, evaluation, stamp))),
        (FINDINGS_CSV, Box::new(|out| csv::write(out, evaluation))),
        (FINDINGS_JUNIT, Box::new(|out| junit::write(out, evaluation))),
    ])?;
    report.publish()
}

/// How many findings one parallel task renders.
const CHUNK: usize = 1024;

/// Renders `findings` in parallel chunks, each through `render` into one buffer, and hands the buffers
/// to `write` in order: the bytes are those of rendering the findings one after another.
pub(crate) fn render_chunks(
    findings: &[Finding],
    render: impl Fn(&[Finding]) -> io::Result<Vec<u8>> + Sync,
    write: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    crate::parallel::render_and_write(findings, CHUNK, 16, render, write)
}

/// Renders each finding of a chunk in words through `render`, into one buffer.
pub(crate) fn render_views(
    evaluation: &Evaluation<'_, '_>,
    chunk: &[Finding],
    render: impl Fn(&mut Vec<u8>, &FindingView<'_>) -> io::Result<()>,
) -> io::Result<Vec<u8>> {
    let mut buffer = Vec::with_capacity(chunk.len() * 512);
    for finding in chunk {
        render(&mut buffer, &evaluation.view(finding))?;
    }
    Ok(buffer)
}

/// Returns an exemption's state as reports name it: `active`, `expired` or `unused`.
pub fn state_name(state: ExemptionState) -> &'static str {
    match state {
        ExemptionState::Active { matched: 0 } => "unused",
        ExemptionState::Active { .. } => "active",
        ExemptionState::Expired => "expired",
    }
}
