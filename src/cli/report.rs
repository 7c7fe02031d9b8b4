//! `permaudit report`: from one collection, the audit report directory (list-permissions JSON, CSV,
//! HTML), limited to some clouds and projects with `--cloud` / `--project`, or with `--user-id` the
//! one-person offboarding review.

use super::controls::{ControlsArgs, FailOn, Settings};
use super::output::{info, phase, start_clock};
use super::source::load_organization;
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::controls::{evaluate, Request};
use crate::diff::{compare_resolved, Diff, Options};
use crate::model::{Collection, Severity, Snapshot};
use crate::report::bundle::{self, OrganizationReport, Written};
use crate::report::scope::ReportScope;
use crate::resolve::{resolve, Resolution};
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};
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
    #[arg(long = "user-id", value_name = "ID|EMAIL", conflicts_with_all = ["policy", "exemptions", "fail_on"])]
    pub user_id: Option<String>,
    /// Exits with code 4 when the report holds anomalies (for automation).
    #[arg(long)]
    pub fail_on_anomalies: bool,
    #[command(flatten)]
    pub controls: ControlsArgs,
    /// Exits with code 4 when a finding of the controls, not muted, reaches this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,
    /// Snapshot of an earlier collection: adds a "Changes since" section and `changes.csv`.
    #[arg(long, value_name = "OLD", conflicts_with = "user_id")]
    pub baseline: Option<PathBuf>,
    /// Limits the report to this cloud (name or id) and its projects, for a per-team review; repeatable.
    #[arg(long = "cloud", value_name = "NAME|ID", conflicts_with_all = ["user_id", "policy", "exemptions", "fail_on"])]
    pub clouds: Vec<String>,
    /// Limits the report to this project (name or id; its cloud's entries come with it); repeatable.
    #[arg(long = "project", value_name = "NAME|ID", conflicts_with_all = ["user_id", "policy", "exemptions", "fail_on"])]
    pub projects: Vec<String>,
}

/// Writes the report and returns the exit code: incomplete data (3) wins over findings (4).
pub fn run(args: ReportArgs) -> anyhow::Result<u8> {
    start_clock();
    let settings = args.controls.settings()?;
    let started = Instant::now();
    let snapshot = load_organization(args.org.as_deref())?;
    phase("read", started);
    let started = Instant::now();
    let resolution = resolve(&snapshot.organization);
    phase("resolve", started);
    let started = Instant::now();
    let collection = &snapshot.collection;
    let changes = args.baseline.as_deref().map(|path| changes_since(path, &resolution, collection)).transpose()?;
    let (written, fails) = match args.user_id.as_deref() {
        None => organization_report(&args, &settings, &resolution, collection, changes.as_ref())?,
        Some(wanted) => {
            let member = resolution.find_member(wanted)?.member;
            let member_id = resolution.index.member_record(member).member_id();
            let written = bundle::write_person(&args.out_dir, &resolution, collection, member_id)?
                .with_context(|| format!("member `{member_id}` has no list-permissions entry"))?;
            (written, false)
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
    let complete = snapshot.collection.complete && changes.as_ref().is_none_or(|diff| diff.is_complete());
    std::mem::forget(snapshot);
    let anomalies = args.fail_on_anomalies && written.anomalies > 0;
    Ok(exit_code(complete, anomalies || fails))
}

/// Runs the controls, writes the organization's report, and says whether a finding reaches `--fail-on`.
fn organization_report(
    args: &ReportArgs,
    settings: &Settings,
    resolution: &Resolution<'_>,
    collection: &Collection,
    changes: Option<&Diff>,
) -> anyhow::Result<(Written, bool)> {
    if let Some(scope) = scope(resolution, args)? {
        let options = OrganizationReport { scope: Some(scope), evaluation: None, changes };
        return Ok((bundle::write_organization(&args.out_dir, resolution, collection, &options)?, false));
    }
    let request = Request {
        resolution,
        collection,
        policy: &settings.policy,
        exemptions: &settings.exemptions,
        today: settings.today,
    };
    let evaluation = evaluate(request);
    let options = OrganizationReport { scope: None, evaluation: Some(&evaluation), changes };
    let written = bundle::write_organization(&args.out_dir, resolution, collection, &options)?;
    let (unmuted, muted) = evaluation.totals();
    if unmuted + muted > 0 {
        info(&format!("{unmuted} findings of the controls, {muted} muted (see findings.csv)"));
    }
    let fails = args.fail_on.is_some_and(|threshold| evaluation.fails_at(Severity::from(threshold)));
    // Freeing a large evaluation piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(evaluation);
    Ok((written, fails))
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

/// Returns the scope asked for with `--cloud` and `--project`, if any.
fn scope(resolution: &Resolution<'_>, args: &ReportArgs) -> anyhow::Result<Option<ReportScope>> {
    if args.clouds.is_empty() && args.projects.is_empty() {
        return Ok(None);
    }
    Ok(Some(ReportScope::resolve(resolution, &args.clouds, &args.projects)?))
}

fn exit_code(complete: bool, findings: bool) -> u8 {
    if !complete {
        EXIT_INCOMPLETE
    } else if findings {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
