//! `permaudit diff`: what changed between two collections of one organization, and why.

use super::evidence::RedactArgs;
use super::output::{info, phase, start_clock};
use super::source::{collect_live, LiveOptions};
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::diff::{compare_resolved, Diff, Options};
use crate::model::{same_email, Organization, Snapshot};

use crate::redact::{redact_snapshot, Redactor};
use crate::report::diff::{render_page, write_csv, write_json, write_text};
use crate::resolve::resolve;
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How `diff` prints the changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A summary, then the changes by member with their causes.
    Text,
    /// The `permaudit-diff/1` document.
    Json,
    /// One row per change and cause, and per raw change without effect.
    Csv,
    /// A self-contained page in the style of the report.
    Html,
}

/// Which changes make `diff` exit with code 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any effective change.
    Any,
    /// Access gained, a role raised, a new org owner (a service account gaining write or owner is one
    /// of these).
    Escalation,
}

const AFTER_HELP: &str = "\
Examples:
  permaudit diff monday.json tuesday.json
  permaudit diff monday.json tuesday.json --format html --output-file changes.html
  permaudit diff monday.json --fail-on-change escalation      # against a live collection
  permaudit diff monday.json tuesday.json --user alice@example.com --format json
  permaudit diff monday.json tuesday.json --redact emails,names,ids --redact-key-file redact.key

Exit codes:
  0  no change, or changes without --fail-on-change
  1  error: unreadable snapshot, two organizations, unknown --user
  2  command-line usage error
  3  a collection is incomplete: changes inside its gaps are unknown (wins over 4)
  4  --fail-on-change any and a change, or escalation and an escalation";

/// Options of `diff`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct DiffArgs {
    /// Snapshot file of the older collection.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// Snapshot file of the newer collection; without it, the organization is collected live from the
    /// Anyscale API (ANYSCALE_HOST, ANYSCALE_CLI_TOKEN).
    #[arg(value_name = "NEW")]
    pub new: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text, ignore_case = true)]
    pub format: DiffFormat,
    /// Writes the output to this file (atomically) instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Only this member (member id, or email compared case-insensitively), found on either side.
    #[arg(long, value_name = "ID|EMAIL")]
    pub user: Option<String>,
    /// Exits with code 4 on any change, or on an escalation (access gained, role raised, a new org
    /// owner, a service account gaining write or owner).
    #[arg(long, value_enum, value_name = "any|escalation")]
    pub fail_on_change: Option<FailOn>,
    #[command(flatten)]
    pub redaction: RedactArgs,
}

/// Compares the two collections, writes the changes, and returns the exit code.
pub fn run(args: DiffArgs) -> anyhow::Result<u8> {
    start_clock();
    let redactor = args.redaction.redactor()?;
    let started = Instant::now();
    let (old, new, member) = read(&args, redactor.as_ref())?;
    phase("read", started);
    let started = Instant::now();
    // One after the other: each resolution already runs on every thread of the pool.
    let (before, after) = (resolve(&old.organization), resolve(&new.organization));
    phase("resolve", started);
    let started = Instant::now();
    let options = Options { member };
    let diff = compare_resolved((&before, &old.collection), (&after, &new.collection), &options)?;
    phase("compare", started);
    let started = Instant::now();
    write(&args, &diff)?;
    phase("write", started);
    let summary = &diff.summary;
    info(&format!(
        "{} changes ({} escalations) for {} members; {} raw changes, {} without effect",
        summary.changes, summary.escalations, summary.members, summary.raw_changes, summary.raw_without_effect
    ));
    let code = exit_code(&diff, args.fail_on_change);
    // Freeing two large organizations piece by piece takes longer than the exit that reclaims them.
    std::mem::forget(diff);
    std::mem::forget((before, after));
    std::mem::forget((old, new));
    Ok(code)
}

/// Reads both collections and redacts them when asked, with `--user` as the redacted collections name
/// the member: the argument itself without redaction (or when it names nobody in clear: it may be a
/// pseudonym), else the redacted id of the member it names, found by id or email in either collection.
fn read(args: &DiffArgs, redactor: Option<&Redactor>) -> anyhow::Result<(Snapshot, Snapshot, Option<String>)> {
    let (old, new) = load_both(&args.old, args.new.as_deref())?;
    let Some(redactor) = redactor else { return Ok((old, new, args.user.clone())) };
    let named = |organization: &Organization, wanted: &str| {
        let mut members = organization.members.iter();
        members
            .position(|member| member.member_id() == wanted || member.id == wanted || same_email(&member.email, wanted))
    };
    let (old, new) = ((redact_snapshot(&old, redactor)?, &old), (redact_snapshot(&new, redactor)?, &new));
    let member = args.user.as_deref().map(|wanted| {
        [&new, &old]
            .iter()
            .find_map(|(redacted, original)| {
                let position = named(&original.organization, wanted)?;
                Some(redacted.organization.members[position].member_id().to_owned())
            })
            .unwrap_or_else(|| wanted.to_owned())
    });
    Ok((old.0, new.0, member))
}

/// Reads both collections at once: the old snapshot, and the new one or a live collection.
fn load_both(old: &Path, new: Option<&Path>) -> anyhow::Result<(Snapshot, Snapshot)> {
    std::thread::scope(|scope| {
        let reading = scope.spawn(|| load(old));
        let new = match new {
            Some(path) => load(path),
            None => collect_live(&LiveOptions::default()).map(|collected| collected.snapshot),
        };
        let old = reading.join().map_err(|_| anyhow::anyhow!("reading `{}` failed", old.display()))??;
        Ok((old, new?))
    })
}

fn load(path: &Path) -> anyhow::Result<Snapshot> {
    let snapshot = Snapshot::load(path)?;
    if !snapshot.collection.complete {
        eprintln!(
            "Warning: snapshot `{}` is incomplete ({}); changes inside its gaps are unknown",
            path.display(),
            snapshot.collection.gaps.join("; ")
        );
    }
    Ok(snapshot)
}

/// Writes the diff in the chosen format, to the output file (atomically) or to stdout.
fn write(args: &DiffArgs, diff: &Diff) -> anyhow::Result<()> {
    let page = match args.format {
        DiffFormat::Html => Some(render_page(diff)?),
        _ => None,
    };
    let fill = |writer: &mut dyn Write| -> std::io::Result<()> {
        let mut writer = BufWriter::with_capacity(1 << 20, writer);
        match (&page, args.format) {
            (Some(page), _) => writer.write_all(page.as_bytes())?,
            (None, DiffFormat::Json) => write_json(&mut writer, diff)?,
            (None, DiffFormat::Csv) => write_csv(&mut writer, diff)?,
            (None, _) => write_text(&mut writer, diff)?,
        }
        writer.flush()
    };
    match &args.output_file {
        Some(path) => {
            crate::atomic::replace_file(path, |file| fill(file))
                .with_context(|| format!("cannot write `{}`", path.display()))?;
            info(&format!("Changes written to {}", path.display()));
        }
        None => fill(&mut std::io::stdout().lock())?,
    }
    Ok(())
}

/// Incomplete data (3) wins over changes that `--fail-on-change` asks to fail on (4).
fn exit_code(diff: &Diff, fail_on: Option<FailOn>) -> u8 {
    let failing = match fail_on {
        None => false,
        Some(FailOn::Any) => !diff.changes.is_empty(),
        Some(FailOn::Escalation) => diff.summary.escalations > 0,
    };
    if !diff.is_complete() {
        EXIT_INCOMPLETE
    } else if failing {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
