//! `permaudit redact`: writes a redacted copy of a snapshot, for sharing with support or a vendor. It
//! resolves to the same structure (the same members, owners, entries and anomalies) with emails,
//! names and ids (or what `--redact` says) replaced by pseudonyms.

use super::evidence::{kinds_of, redactor, RedactKind};
use super::output::{info, start_clock};
use super::EXIT_OK;
use crate::model::Snapshot;
use crate::redact::{redact_snapshot, RedactKinds};
use clap::Args;
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Examples:
  head -c 32 /dev/urandom > redact.key && chmod 600 redact.key
  permaudit redact snap.json --out shared.json --redact-key-file redact.key
  permaudit redact snap.json --out shared.json --redact emails,names,ids,resources

Exit codes:
  0  the redacted snapshot is written
  1  error: an unreadable snapshot, no key or a short one, an unwritable file
  2  command-line usage error";

/// Options of `redact`.
#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub struct RedactArgs {
    /// The snapshot to redact.
    #[arg(value_name = "SNAPSHOT")]
    pub snapshot: PathBuf,
    /// Where to write the redacted snapshot (atomically; never the snapshot itself).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// What to replace by pseudonyms (any subset, comma-separated): emails, names, ids, resources;
    /// default: emails,names,ids.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub redact: Vec<RedactKind>,
    /// File whose bytes, as they are (at least 32), are the redaction key; without it,
    /// PERMAUDIT_REDACT_KEY.
    #[arg(long, value_name = "FILE")]
    pub redact_key_file: Option<PathBuf>,
}

/// Redacts the snapshot and writes the copy.
pub fn run(args: RedactArgs) -> anyhow::Result<u8> {
    start_clock();
    let kinds = if args.redact.is_empty() { RedactKinds::PEOPLE } else { kinds_of(&args.redact) };
    let redactor = redactor(kinds, args.redact_key_file.as_deref())?;
    if same_file(&args.snapshot, &args.out) {
        anyhow::bail!("--out `{}` is the snapshot itself; write the redacted copy to another file", args.out.display());
    }
    let snapshot = Snapshot::load(&args.snapshot)?;
    let redacted = redact_snapshot(&snapshot, &redactor)?;
    redacted.save(&args.out)?;
    info(&format!(
        "Redacted {} of {} members (key id {}); wrote {}",
        kinds.names().join(", "),
        redacted.organization.members.len(),
        redactor.key_id(),
        args.out.display()
    ));
    Ok(EXIT_OK)
}

fn same_file(snapshot: &std::path::Path, out: &std::path::Path) -> bool {
    match (snapshot.canonicalize(), out.canonicalize()) {
        (Ok(snapshot), Ok(out)) => snapshot == out,
        _ => false,
    }
}
