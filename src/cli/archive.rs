//! `permaudit archive`: adds snapshots to an archive, verifies it, rebuilds its database from its
//! files, and prunes old snapshots (`docs/archive.md`).

use super::output::{info, phase, start_clock};
use super::{EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK};
use crate::archive::{rebuild, Added, Archive, Verification, Wait};
use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Instant;

const ADD_HELP: &str = "\
Examples:
  permaudit archive add snap.json --archive /var/lib/permaudit/archive
  permaudit collect --archive /var/lib/permaudit/archive        (collect live and archive in one run)
  permaudit archive add snap.json --archive archive --no-wait

Exit codes:
  0  the snapshot is archived (or already was)
  1  error: unreadable snapshot, another organization, a collection not after the latest, the
     archive locked with --no-wait; nothing is added
  2  command-line usage error
  3  the snapshot is incomplete: it is archived, and what its gaps hide is marked uncertain";

const VERIFY_HELP: &str = "\
Examples:
  permaudit archive verify /var/lib/permaudit/archive

Exit codes:
  0  every file, the chain and the database agree (pruned collections are listed)
  1  error: not an archive, an unreadable database
  2  command-line usage error
  4  findings: a modified, missing, reordered or foreign file, or a database that differs from
     the files, each named";

const REBUILD_HELP: &str = "\
Examples:
  permaudit archive rebuild /var/lib/permaudit/archive

Exit codes:
  0  the database is made again from the snapshot files (a previous one is kept as
     archive.sqlite.replaced)
  1  error: the files do not form one chain (the message names the file; run archive verify)
  2  command-line usage error";

const PRUNE_HELP: &str = "\
Examples:
  permaudit archive prune /var/lib/permaudit/archive --keep-days 90
  permaudit archive prune archive --keep-days 30 --today 2026-07-01

Exit codes:
  0  the snapshots older than the kept days are removed; their intervals stay queryable
  1  error: a file that is not the one archived (run archive verify), an unwritable folder
  2  command-line usage error";

/// The `archive` subcommands.
#[derive(Debug, Subcommand)]
pub enum ArchiveCommand {
    /// Adds a snapshot to an archive (created when new): compressed, chained, and its changes recorded.
    #[command(after_help = ADD_HELP)]
    Add(AddArgs),
    /// Re-hashes every file of an archive and checks the chain and the database against the files.
    #[command(after_help = VERIFY_HELP)]
    Verify(FolderArgs),
    /// Makes an archive's database again from its snapshot files.
    #[command(after_help = REBUILD_HELP)]
    Rebuild(FolderArgs),
    /// Removes old snapshots from an archive, keeping their intervals and the chain.
    #[command(after_help = PRUNE_HELP)]
    Prune(PruneArgs),
}

/// Options of `archive add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Snapshot file to add.
    #[arg(value_name = "SNAPSHOT")]
    pub snapshot: PathBuf,
    /// The archive folder (created when it does not exist).
    #[arg(long, value_name = "DIR")]
    pub archive: PathBuf,
    /// Fails at once when another run is changing the archive, instead of waiting for it.
    #[arg(long)]
    pub no_wait: bool,
}

/// Options of the commands that take only an archive folder.
#[derive(Debug, Args)]
pub struct FolderArgs {
    /// The archive folder.
    #[arg(value_name = "DIR")]
    pub archive: PathBuf,
    /// Fails at once when another run is changing the archive, instead of waiting for it.
    #[arg(long)]
    pub no_wait: bool,
}

/// Options of `archive prune`.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// The archive folder.
    #[arg(value_name = "DIR")]
    pub archive: PathBuf,
    /// Keeps the snapshots of the collections made in the last N days (the latest is always kept).
    #[arg(long, value_name = "N")]
    pub keep_days: u32,
    /// The day to count from, as YYYY-MM-DD; default: the date of SOURCE_DATE_EPOCH when it is set,
    /// else today's date in UTC.
    #[arg(long, value_name = "DATE", value_parser = parse_day)]
    pub today: Option<NaiveDate>,
    /// Fails at once when another run is changing the archive, instead of waiting for it.
    #[arg(long)]
    pub no_wait: bool,
}

/// Runs an `archive` subcommand.
pub fn run(command: ArchiveCommand) -> anyhow::Result<u8> {
    start_clock();
    match command {
        ArchiveCommand::Add(args) => run_add(args),
        ArchiveCommand::Verify(args) => run_verify(args),
        ArchiveCommand::Rebuild(args) => run_rebuild(args),
        ArchiveCommand::Prune(args) => run_prune(args),
    }
}

fn wait(no_wait: bool) -> Wait {
    if no_wait {
        Wait::NoWait
    } else {
        Wait::Block
    }
}

fn run_add(args: AddArgs) -> anyhow::Result<u8> {
    let bytes =
        std::fs::read(&args.snapshot).with_context(|| format!("cannot read snapshot `{}`", args.snapshot.display()))?;
    add_bytes(&args.archive, &bytes, &args.snapshot, wait(args.no_wait))
}

/// Adds a snapshot's bytes to an archive and reports it; the exit code says whether it is complete.
pub fn add_bytes(archive: &Path, bytes: &[u8], origin: &Path, wait: Wait) -> anyhow::Result<u8> {
    let mut opened = Archive::open(archive, wait)?;
    report_repairs(&opened.repairs);
    let started = Instant::now();
    let added = opened.add(bytes, origin)?;
    phase("archive add", started);
    info(&added_line(&added, archive));
    let complete = opened.snapshots()?.iter().find(|row| row.sequence == added.sequence).is_none_or(|row| row.complete);
    Ok(if complete { EXIT_OK } else { EXIT_INCOMPLETE })
}

fn added_line(added: &Added, archive: &Path) -> String {
    if !added.added {
        return format!(
            "The snapshot is already in archive {} as collection #{} ({}); nothing added",
            archive.display(),
            added.sequence,
            added.file
        );
    }
    format!(
        "Archived collection #{} of {} as {} in {}: {} opened, {} closed, {} uncertain",
        added.sequence,
        added.collected_at,
        added.file,
        archive.display(),
        crate::plural::count(added.opened, "interval", "intervals"),
        crate::plural::count(added.closed, "interval", "intervals"),
        crate::plural::count(added.uncertain, "entry", "entries")
    )
}

fn report_repairs(repairs: &[String]) {
    for repair in repairs {
        eprintln!("Repaired the archive: {repair}");
    }
}

fn run_verify(args: FolderArgs) -> anyhow::Result<u8> {
    if !args.archive.join(crate::archive::DATABASE).is_file() {
        return Err(crate::archive::ArchiveError::NotAnArchive { path: args.archive.clone() }.into());
    }
    let archive = Archive::open(&args.archive, wait(args.no_wait))?;
    report_repairs(&archive.repairs);
    let verification = archive.verify()?;
    print_verification(&verification, &args.archive);
    Ok(if verification.findings.is_empty() { EXIT_OK } else { EXIT_FINDINGS })
}

fn print_verification(verification: &Verification, archive: &Path) {
    for pruned in &verification.pruned {
        println!(
            "pruned: {} (collection of {}): its snapshot was removed on {}; its intervals and its link in the chain are kept",
            pruned.file, pruned.collected_at, pruned.pruned_on
        );
    }
    for finding in &verification.findings {
        println!("{}: {}: {}", finding.kind.code(), finding.file, finding.detail);
    }
    let verdict = match verification.findings.len() {
        0 => "the files, the chain and the database agree".to_owned(),
        1 => "1 finding".to_owned(),
        count => format!("{count} findings"),
    };
    println!(
        "Verified archive {}: {}, {} pruned; {verdict}",
        archive.display(),
        crate::plural::count(verification.collections, "collection", "collections"),
        verification.pruned.len()
    );
}

fn run_rebuild(args: FolderArgs) -> anyhow::Result<u8> {
    let rebuilt = rebuild(&args.archive, wait(args.no_wait))?;
    let kept = match &rebuilt.replaced {
        Some(path) => format!("; the previous database is kept as {}", path.display()),
        None => String::new(),
    };
    info(&format!(
        "Rebuilt the database of archive {} from {} ({} pruned){kept}",
        args.archive.display(),
        crate::plural::count(rebuilt.collections, "collection", "collections"),
        rebuilt.pruned
    ));
    Ok(EXIT_OK)
}

fn run_prune(args: PruneArgs) -> anyhow::Result<u8> {
    if !args.archive.join(crate::archive::DATABASE).is_file() {
        return Err(crate::archive::ArchiveError::NotAnArchive { path: args.archive.clone() }.into());
    }
    let today = super::controls::today(args.today)?;
    let mut archive = Archive::open(&args.archive, wait(args.no_wait))?;
    report_repairs(&archive.repairs);
    let pruned = archive.prune(args.keep_days, today)?;
    for entry in &pruned {
        println!("pruned: collection #{} of {}, now {}", entry.sequence, entry.collected_at, entry.file);
    }
    println!(
        "Pruned {} collected before {} from archive {}",
        crate::plural::count(pruned.len(), "snapshot", "snapshots"),
        today - chrono::Days::new(u64::from(args.keep_days)),
        args.archive.display()
    );
    Ok(EXIT_OK)
}

fn parse_day(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| format!("`{value}` is not a date; write it as YYYY-MM-DD"))
}
