//! `permaudit report`: from one collection, the audit report directory (list-permissions JSON, CSV,
//! HTML), or with `--user-id` the one-person offboarding review.

use super::controls::{ControlsArgs, FailOn, Settings};
use super::evidence::{find_member, load_input, provenance, shown_controls, Input, RedactArgs, SignArgs};
use super::output::{info, phase, start_clock};
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::controls::{evaluate, Request};
use crate::evidence::Provenance;
use crate::model::Severity;
use crate::redact::Redactor;
use crate::report::bundle::{self, Written};
use crate::resolve::{resolve, Resolution};
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
    #[command(flatten)]
    pub redaction: RedactArgs,
    #[command(flatten)]
    pub signing: SignArgs,
}

/// Writes the report and returns the exit code: incomplete data (3) wins over findings (4).
pub fn run(args: ReportArgs) -> anyhow::Result<u8> {
    start_clock();
    let settings = args.controls.settings()?;
    let redactor = args.redaction.redactor()?;
    let signing_key = args.signing.key()?;
    let started = Instant::now();
    let input = load_input(args.org.as_deref(), redactor.as_ref())?;
    phase("read", started);
    let provenance = provenance(vec![input.facts.clone()], redactor.as_ref(), signing_key)?;
    let started = Instant::now();
    let resolution = resolve(&input.snapshot.organization);
    phase("resolve", started);
    let started = Instant::now();
    let collection = &input.snapshot.collection;
    let (written, fails) = match args.user_id.as_deref() {
        None => {
            let organization =
                Organization { args: &args, settings: &settings, input: &input, provenance: &provenance };
            organization.write(&resolution, redactor.as_ref())?
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
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(resolution);
    let complete = input.snapshot.collection.complete;
    std::mem::forget(input);
    let anomalies = args.fail_on_anomalies && written.anomalies > 0;
    Ok(exit_code(complete, anomalies || fails))
}

/// What the organization's report is made of.
struct Organization<'a> {
    args: &'a ReportArgs,
    settings: &'a Settings,
    input: &'a Input,
    provenance: &'a Provenance,
}

impl Organization<'_> {
    /// Runs the controls, writes the organization's report, and says whether a finding reaches
    /// `--fail-on`.
    fn write(&self, resolution: &Resolution<'_>, redactor: Option<&Redactor>) -> anyhow::Result<(Written, bool)> {
        let settings = self.settings;
        let request = Request {
            resolution,
            collection: &self.input.snapshot.collection,
            policy: &settings.policy,
            exemptions: &settings.exemptions,
            today: settings.today,
            originals: self.input.originals(),
        };
        let shown = shown_controls(&settings.policy, &settings.exemptions, redactor);
        let mut evaluation = evaluate(request);
        if let Some((policy, exemptions)) = &shown {
            evaluation.shown_with(policy, exemptions);
        }
        let written = bundle::write_organization(&self.args.out_dir, &evaluation, self.provenance)?;
        let (unmuted, muted) = evaluation.totals();
        if unmuted + muted > 0 {
            info(&format!("{unmuted} findings of the controls, {muted} muted (see findings.csv)"));
        }
        let fails = self.args.fail_on.is_some_and(|threshold| evaluation.fails_at(Severity::from(threshold)));
        // Freeing a large evaluation piece by piece takes longer than the exit that reclaims it whole.
        std::mem::forget(evaluation);
        Ok((written, fails))
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
