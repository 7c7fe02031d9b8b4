//! `permaudit check`: runs the controls of a policy over the organization, mutes what the exemptions
//! cover, prints the result (text, JSON, CSV or JUnit XML), and exits 4 when a finding no exemption
//! mutes reaches `--fail-on`.

use super::controls::{ControlsArgs, FailOn};
use super::evidence::{provenance, shown_controls, start, Digest, RedactArgs, SignArgs, Start};
use super::output::{info, phase, start_clock};
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::controls::{default_policy_text, evaluate, Evaluation, Request};
use crate::evidence::{Provenance, Stamp};
use crate::report::findings;
use crate::resolve::resolve;
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

const AFTER_HELP: &str = "\
Examples:
  permaudit check --org snapshot.json
  permaudit check --org snapshot.json --policy policy.yaml --exemptions exemptions.yaml
  permaudit check --org snapshot.json --fail-on medium --format junit --output-file permaudit.xml
  permaudit check --org snapshot.json --out-dir evidence --sign-key audit.key
  permaudit check --org snapshot.json --redact emails,names,ids --redact-key-file redact.key
  permaudit check --print-default-policy > policy.yaml

Exit codes:
  0  no finding that no exemption mutes reaches --fail-on
  1  error: an unreadable or invalid snapshot, policy or exemptions file
  2  command-line usage error
  3  the collection is incomplete: controls on missing data are unknown (3 wins over 4)
  4  a finding that no exemption mutes reaches --fail-on";

/// The formats `check` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// A table of the controls, then the failures grouped by control.
    Text,
    /// The findings document, format permaudit-findings/2.
    Json,
    /// One row per finding, format permaudit-csv/1.
    Csv,
    /// JUnit XML: a test case per control, a failure per finding not muted.
    Junit,
}

/// Options of `check`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct CheckArgs {
    /// Snapshot file to read the organization from; without it, the organization is collected live from
    /// the Anyscale API (ANYSCALE_HOST, ANYSCALE_CLI_TOKEN).
    #[arg(long, value_name = "FILE")]
    pub org: Option<PathBuf>,
    #[command(flatten)]
    pub controls: ControlsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Writes the output to this file (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Also writes findings.json, findings.csv and findings.junit.xml into this directory, with their
    /// manifest.json (replaced as a whole); --format still decides what stdout or --output-file gets.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// The lowest severity of a finding, not muted, that makes the run exit with code 4.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::High)]
    pub fail_on: FailOn,
    /// Prints the default policy as a commented file, and exits.
    #[arg(long)]
    pub print_default_policy: bool,
    #[command(flatten)]
    pub redaction: RedactArgs,
    #[command(flatten)]
    pub signing: SignArgs,
}

/// Runs `check` and returns its exit code: incomplete data (3) wins over findings (4).
pub fn run(args: CheckArgs) -> anyhow::Result<u8> {
    if args.print_default_policy {
        let text = default_policy_text();
        write_output(args.output_file.as_ref(), |out| out.write_all(text.as_bytes()))?;
        return Ok(EXIT_OK);
    }
    start_clock();
    if args.signing.sign_key.is_some() && args.out_dir.is_none() {
        anyhow::bail!("--sign-key signs the manifest of a report directory: give --out-dir DIR as well");
    }
    let settings = args.controls.settings()?;
    // Only the findings document and a report directory name the snapshot by its digest.
    let digest = match args.out_dir.is_some() || args.format == CheckFormat::Json {
        true => Digest::Shown,
        false => Digest::Unshown,
    };
    let Start { redactor, signing_key, input } = start(args.org.as_deref(), &args.redaction, &args.signing, digest)?;
    let provenance = provenance(vec![input.facts.clone()], redactor.as_ref(), signing_key)?;
    let started = Instant::now();
    let resolution = resolve(&input.snapshot.organization);
    phase("resolve", started);
    let started = Instant::now();
    let shown = shown_controls(&settings.policy, &settings.exemptions, redactor.as_ref());
    let mut evaluation = evaluate(Request {
        resolution: &resolution,
        collection: &input.snapshot.collection,
        policy: &settings.policy,
        exemptions: &settings.exemptions,
        today: settings.today,
        originals: input.originals(),
    });
    if let Some((policy, exemptions)) = &shown {
        evaluation.shown_with(policy, exemptions);
    }
    phase("evaluate", started);
    let started = Instant::now();
    write(&args, &evaluation, &provenance)?;
    phase("write", started);
    let code = exit_code(&evaluation, args.fail_on);
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(evaluation);
    std::mem::forget(resolution);
    std::mem::forget(input);
    Ok(code)
}

/// Writes the chosen format to stdout or `--output-file`, and the directory of `--out-dir`.
fn write(args: &CheckArgs, evaluation: &Evaluation<'_, '_>, provenance: &Provenance) -> anyhow::Result<()> {
    let stamp = provenance.stamp();
    write_output(args.output_file.as_ref(), |out| render(out, evaluation, args.format, &stamp))?;
    if let Some(path) = &args.output_file {
        info(&format!("Results written to {}", path.display()));
    }
    if let Some(directory) = &args.out_dir {
        for path in findings::write_directory(directory, evaluation, provenance)? {
            info(&format!("Wrote {}", path.display()));
        }
    }
    Ok(())
}

fn render(
    out: &mut dyn Write,
    evaluation: &Evaluation<'_, '_>,
    format: CheckFormat,
    stamp: &Stamp,
) -> std::io::Result<()> {
    match format {
        CheckFormat::Text => findings::text::write(out, evaluation),
        CheckFormat::Json => findings::json::write(out, evaluation, stamp),
        CheckFormat::Csv => findings::csv::write(out, evaluation),
        CheckFormat::Junit => findings::junit::write(out, evaluation),
    }
}

/// Writes through a large buffer to `path` atomically, or to stdout without one.
fn write_output(
    path: Option<&PathBuf>,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(path) => crate::atomic::replace_file(path, |file| {
            let mut writer = BufWriter::with_capacity(1 << 20, file);
            fill(&mut writer)?;
            writer.flush()
        })
        .with_context(|| format!("cannot write `{}`", path.display())),
        None => {
            let mut writer = BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
            fill(&mut writer)?;
            writer.flush()?;
            Ok(())
        }
    }
}

/// Returns the exit code of an evaluation: 3 when the collection is incomplete, else 4 when a finding
/// no exemption mutes reaches the threshold, else 0.
pub fn exit_code(evaluation: &Evaluation<'_, '_>, fail_on: FailOn) -> u8 {
    if !evaluation.request.collection.complete {
        EXIT_INCOMPLETE
    } else if evaluation.fails_at(fail_on.into()) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
