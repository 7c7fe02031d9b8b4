//! `permaudit report`: from one collection, the audit report directory (list-permissions JSON, CSV,
//! HTML), limited to some clouds and projects with `--cloud` / `--project`, or with `--user-id` the
//! one-person offboarding review.

use super::output::{info, phase, start_clock};
use super::source::load_organization;
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::report::bundle::{self, OrganizationReport};
use crate::report::scope::ReportScope;
use crate::resolve::{resolve, Resolution};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Options of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Snapshot file to read the organization from.
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Directory to write the report files into (created when missing; files are replaced atomically).
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Writes the one-person offboarding review of this member id instead of the organization report.
    #[arg(long = "user-id", value_name = "ID")]
    pub user_id: Option<String>,
    /// Exits with code 4 when the report holds anomalies (for automation).
    #[arg(long)]
    pub fail_on_anomalies: bool,
    /// Limits the report to this cloud (name or id) and its projects, for a per-team review; repeatable.
    #[arg(long = "cloud", value_name = "NAME|ID", conflicts_with = "user_id")]
    pub clouds: Vec<String>,
    /// Limits the report to this project (name or id; its cloud's entries come with it); repeatable.
    #[arg(long = "project", value_name = "NAME|ID", conflicts_with = "user_id")]
    pub projects: Vec<String>,
}

/// Writes the report and returns the exit code: incomplete data (3) wins over anomalies (4).
pub fn run(args: ReportArgs) -> anyhow::Result<u8> {
    start_clock();
    let started = Instant::now();
    let snapshot = load_organization(args.org.as_deref())?;
    phase("read", started);
    let started = Instant::now();
    let resolution = resolve(&snapshot.organization);
    phase("resolve", started);
    let started = Instant::now();
    let collection = &snapshot.collection;
    let written = match args.user_id.as_deref() {
        None => {
            let options = OrganizationReport { scope: scope(&resolution, &args)?, findings: None };
            bundle::write_organization(&args.out_dir, &resolution, collection, &options)?
        }
        Some(user_id) => bundle::write_person(&args.out_dir, &resolution, collection, user_id)?.with_context(|| {
            format!(
                "user `{user_id}` is not a member of organization `{}`; `permaudit user list-permissions` shows member ids",
                resolution.organization_id()
            )
        })?,
    };
    phase("write", started);
    for path in &written.paths {
        info(&format!("Wrote {}", path.display()));
    }
    if written.anomalies > 0 {
        info(&format!("{} anomalies in the report (see anomalies.csv)", written.anomalies));
    }
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(resolution);
    let complete = snapshot.collection.complete;
    std::mem::forget(snapshot);
    Ok(exit_code(complete, written.anomalies, args.fail_on_anomalies))
}

/// Returns the scope asked for with `--cloud` and `--project`, if any.
fn scope(resolution: &Resolution<'_>, args: &ReportArgs) -> anyhow::Result<Option<ReportScope>> {
    if args.clouds.is_empty() && args.projects.is_empty() {
        return Ok(None);
    }
    Ok(Some(ReportScope::resolve(resolution, &args.clouds, &args.projects)?))
}

fn exit_code(complete: bool, anomalies: usize, fail_on_anomalies: bool) -> u8 {
    if !complete {
        EXIT_INCOMPLETE
    } else if fail_on_anomalies && anomalies > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
