//! `permaudit report`: from one collection, the audit report directory (list-permissions JSON, CSV,
//! HTML), or with `--user-id` the one-person offboarding review.

use super::output::{info, phase, start_clock};
use super::source::load_organization;
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::report::bundle;
use crate::resolve::resolve;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Options of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(long, value_name = "FILE", help = super::help::ORG)]
    pub org: Option<PathBuf>,
    /// Directory to write the report files into (created when missing; files are replaced atomically).
    #[arg(long, value_name = "DIR")]
    pub out_dir: PathBuf,
    /// Writes the one-person offboarding review of this member instead of the organization report: a
    /// member id, or an email (compared case-insensitively; an email shared by several members is
    /// refused with their ids).
    #[arg(long = "user-id", value_name = "ID|EMAIL")]
    pub user_id: Option<String>,
    /// Exits with code 4 when the report holds anomalies (for automation).
    #[arg(long)]
    pub fail_on_anomalies: bool,
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
        None => bundle::write_organization(&args.out_dir, &resolution, collection)?,
        Some(wanted) => {
            let member = resolution.find_member(wanted)?.member;
            let member_id = resolution.index.member_record(member).member_id();
            bundle::write_person(&args.out_dir, &resolution, collection, member_id)?
                .with_context(|| format!("member `{member_id}` has no list-permissions entry"))?
        }
    };
    phase("write", started);
    for path in &written.paths {
        info(&format!("Wrote {}", path.display()));
    }
    if written.anomalies > 0 {
        info(&format!(
            "{} in the report (see anomalies.csv)",
            crate::plural::count(written.anomalies, "anomaly", "anomalies")
        ));
    }
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(resolution);
    let complete = snapshot.collection.complete;
    std::mem::forget(snapshot);
    Ok(exit_code(complete, written.anomalies, args.fail_on_anomalies))
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
