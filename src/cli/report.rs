//! `permaudit report`: from one collection, the audit report directory (list-permissions JSON, CSV,
//! HTML), or with `--user-id` the one-person offboarding review.

use super::output::{info, phase, start_clock};
use super::source::load_organization;
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::diff::{compare_resolved, Diff, Options};
use crate::model::{Collection, Snapshot};
use crate::report::bundle;
use crate::resolve::{resolve, Resolution};
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};
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
    /// Snapshot of an earlier collection: adds a "Changes since" section and `changes.csv`.
    #[arg(long, value_name = "OLD", conflicts_with = "user_id")]
    pub baseline: Option<PathBuf>,
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
    let changes = args.baseline.as_deref().map(|path| changes_since(path, &resolution, collection)).transpose()?;
    let written = match args.user_id.as_deref() {
        None => bundle::write_organization_with_changes(&args.out_dir, &resolution, collection, changes.as_ref())?,
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
    let complete = snapshot.collection.complete && changes.as_ref().is_none_or(|diff| diff.is_complete());
    std::mem::forget(snapshot);
    Ok(exit_code(complete, written.anomalies, args.fail_on_anomalies))
}

/// Returns what changed since the baseline collection at `path` (`--baseline`).
fn changes_since(path: &Path, resolution: &Resolution<'_>, collection: &Collection) -> anyhow::Result<Diff> {
    let baseline = Snapshot::load(path)?;
    if !baseline.collection.complete {
        eprintln!("Warning: baseline `{}` is incomplete; changes inside its gaps are unknown", path.display());
    }
    let old = resolve(&baseline.organization);
    let diff = compare_resolved((&old, &baseline.collection), (resolution, collection), &Options::default())?;
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(old);
    std::mem::forget(baseline);
    Ok(diff)
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
