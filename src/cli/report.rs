//! `permaudit report`: from one collection, the audit report directory (list-permissions JSON, CSV,
//! HTML), limited to some clouds and projects with `--cloud` / `--project`, or with `--user-id` the
//! one-person offboarding review.

use super::controls::{ControlsArgs, FailOn, Settings};
use super::evidence::{find_member, first_found, provenance, redact_input, shown_controls, Input};
use super::evidence::{start, Digest, RedactArgs, SignArgs, Start};
use super::output::{info, phase, start_clock};
use super::source::load_with_digest;
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::controls::{evaluate, Request};
use crate::diff::{compare_resolved, Diff, Options};
use crate::evidence::{role, Provenance, SnapshotFacts};
use crate::model::Severity;
use crate::redact::{Named, Redactor};
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
    #[command(flatten)]
    pub redaction: RedactArgs,
    #[command(flatten)]
    pub signing: SignArgs,
}

/// Writes the report and returns the exit code: incomplete data (3) wins over findings (4).
pub fn run(args: ReportArgs) -> anyhow::Result<u8> {
    start_clock();
    let settings = args.controls.settings()?;
    let Start { redactor, signing_key, input } =
        start(args.org.as_deref(), &args.redaction, &args.signing, Digest::Shown)?;
    let started = Instant::now();
    let resolution = resolve(&input.snapshot.organization);
    phase("resolve", started);
    let baseline = args.baseline.as_deref().map(|path| Baseline::read(path, &resolution, &input, redactor.as_ref()));
    let baseline = baseline.transpose()?;
    let mut snapshots = vec![input.facts.clone()];
    snapshots.extend(baseline.as_ref().map(|baseline| baseline.facts.clone()));
    let provenance = provenance(snapshots, redactor.as_ref(), signing_key)?;
    let started = Instant::now();
    let collection = &input.snapshot.collection;
    let changes = baseline.as_ref().map(|baseline| &baseline.changes);
    let (written, fails) = match args.user_id.as_deref() {
        None => {
            let organization = Organization {
                args: &args,
                settings: &settings,
                input: &input,
                provenance: &provenance,
                redactor: redactor.as_ref(),
                changes,
            };
            organization.write(&resolution)?
        }
        Some(wanted) => {
            let member = find_member(&resolution, wanted, redactor.as_ref())?.member;
            let member_id = resolution.index.member_record(member).member_id();
            let written = bundle::write_person(&args.out_dir, &resolution, collection, member_id, &provenance)?
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
    let complete = collection.complete && changes.is_none_or(Diff::is_complete);
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(resolution);
    std::mem::forget(baseline);
    std::mem::forget(input);
    let anomalies = args.fail_on_anomalies && written.anomalies > 0;
    Ok(exit_code(complete, anomalies || fails))
}

/// The earlier collection of `--baseline`: what changed since, and the facts the manifest states.
struct Baseline {
    changes: Diff,
    facts: SnapshotFacts,
}

impl Baseline {
    /// Reads the baseline at `path`, redacted as the organization is, and compares it with the
    /// organization.
    fn read(
        path: &Path,
        resolution: &Resolution<'_>,
        input: &Input,
        redactor: Option<&Redactor>,
    ) -> anyhow::Result<Self> {
        let (snapshot, digest) = load_with_digest(Some(path))?;
        let baseline = redact_input(snapshot, Some(digest), role::BASELINE, redactor)?;
        let old = resolve(&baseline.snapshot.organization);
        let options = Options::default();
        let new = (resolution, &input.snapshot.collection);
        let changes = compare_resolved((&old, &baseline.snapshot.collection), new, &options)?;
        let facts = baseline.facts.clone();
        // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
        std::mem::forget(old);
        std::mem::forget(baseline);
        Ok(Baseline { changes, facts })
    }
}

/// What the organization's report is made of.
struct Organization<'a> {
    args: &'a ReportArgs,
    settings: &'a Settings,
    input: &'a Input,
    provenance: &'a Provenance,
    redactor: Option<&'a Redactor>,
    changes: Option<&'a Diff>,
}

impl Organization<'_> {
    /// Runs the controls (not for a scoped review), writes the organization's report, and says whether
    /// a finding reaches `--fail-on`.
    fn write(&self, resolution: &Resolution<'_>) -> anyhow::Result<(Written, bool)> {
        let (out_dir, collection) = (&self.args.out_dir, &self.input.snapshot.collection);
        if let Some(scope) = self.scope(resolution)? {
            let options = OrganizationReport { scope: Some(scope), evaluation: None, changes: self.changes };
            return Ok((
                bundle::write_organization(out_dir, resolution, collection, &options, self.provenance)?,
                false,
            ));
        }
        let settings = self.settings;
        let request = Request {
            resolution,
            collection,
            policy: &settings.policy,
            exemptions: &settings.exemptions,
            today: settings.today,
            originals: self.input.originals(),
        };
        let shown = shown_controls(&settings.policy, &settings.exemptions, self.redactor);
        let mut evaluation = evaluate(request);
        if let Some((policy, exemptions)) = &shown {
            evaluation.shown_with(policy, exemptions);
        }
        let options = OrganizationReport { scope: None, evaluation: Some(&evaluation), changes: self.changes };
        let written = bundle::write_organization(out_dir, resolution, collection, &options, self.provenance)?;
        let (unmuted, muted) = evaluation.totals();
        if unmuted + muted > 0 {
            info(&format!("{unmuted} findings of the controls, {muted} muted (see findings.csv)"));
        }
        let fails = self.args.fail_on.is_some_and(|threshold| evaluation.fails_at(Severity::from(threshold)));
        // Freeing a large evaluation piece by piece takes longer than the exit that reclaims it whole.
        std::mem::forget(evaluation);
        Ok((written, fails))
    }

    /// Returns the scope asked for with `--cloud` and `--project`, if any; in a redacted organization a
    /// name or id given in clear finds its pseudonym.
    fn scope(&self, resolution: &Resolution<'_>) -> anyhow::Result<Option<ReportScope>> {
        let args = self.args;
        if args.clouds.is_empty() && args.projects.is_empty() {
            return Ok(None);
        }
        let index = &resolution.index;
        let is_cloud = |name: &str| {
            index.cloud(name).is_some() || (0..index.clouds.len() as u32).any(|at| index.cloud_record(at).name == name)
        };
        let is_project = |name: &str| {
            index.project(name).is_some()
                || (0..index.projects.len() as u32).any(|at| index.project_record(at).name == name)
        };
        let clouds = self.found(&args.clouds, Named::Cloud, is_cloud);
        let projects = self.found(&args.projects, Named::Project, is_project);
        Ok(Some(ReportScope::resolve(resolution, &clouds, &projects)?))
    }

    /// Returns each name as the organization holds it: itself, or the first of its pseudonyms it holds.
    fn found(&self, names: &[String], named: Named, holds: impl Fn(&str) -> bool) -> Vec<String> {
        let lookup = |candidate: &str| holds(candidate).then(|| candidate.to_owned());
        names
            .iter()
            .map(|name| first_found(name, named, self.redactor, lookup).unwrap_or_else(|| name.clone()))
            .collect()
    }
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
