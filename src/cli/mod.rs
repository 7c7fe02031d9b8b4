//! Command-line interface: clap argument structs and one function per command.

mod archive;
mod check;
mod collect;
mod controls;
mod diff;
pub mod evidence;
mod explain;
mod generate;
mod help;
mod history;
mod keygen;
mod manual;
mod output;
mod redact;
mod report;
mod serve;
pub mod source;
pub mod user;
mod verify;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit code of a successful run.
pub const EXIT_OK: u8 = 0;
/// Exit code of a failed run: bad input, an unknown id, an unreachable API.
pub const EXIT_ERROR: u8 = 1;
/// Exit code of a command-line usage error (clap's own).
pub const EXIT_USAGE: u8 = 2;
/// Exit code of incomplete data: a collection gave up on some endpoint after its retries (or a report
/// was made from an incomplete snapshot). No result is reported as complete.
pub const EXIT_INCOMPLETE: u8 = 3;
/// Exit code of findings: `check` (or `report --fail-on`) found a finding, not muted, at or above the
/// threshold, `report --fail-on-anomalies` found anomalies (the files are written), or `diff
/// --fail-on-change` found changes of the kind it names.
pub const EXIT_FINDINGS: u8 = 4;

/// Audits who can reach which Anyscale cloud and project, with which role, and why.
#[derive(Debug, Parser)]
#[command(name = "permaudit", version, about, propagate_version = true, after_help = help::PERMAUDIT)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The `anyscale user` commands: list, get, batch-create, list-permissions.
    #[command(subcommand, after_help = help::USER)]
    User(user::UserCommand),
    /// Reads the organization from the Anyscale API and writes its snapshot.
    #[command(after_help = help::COLLECT)]
    Collect(collect::CollectArgs),
    /// Writes the audit reports (list-permissions JSON, CSV, HTML) from one collection, or with
    /// --user-id the one-person offboarding review.
    #[command(after_help = help::REPORT)]
    Report(report::ReportArgs),
    /// Explains why a member has each role: every path, and what would remain without each one.
    #[command(after_help = help::EXPLAIN)]
    Explain(explain::ExplainArgs),
    /// Runs the controls of a policy (pass/fail checks with severities and exemptions) for CI gates.
    Check(check::CheckArgs),
    /// Compares two collections: what changed in effective access, and the raw changes that caused it.
    Diff(diff::DiffArgs),
    /// Checks a report directory against its manifest.json (and manifest.sig with a public key).
    Verify(verify::VerifyArgs),
    /// Makes an Ed25519 key pair (PREFIX.key, PREFIX.pub) for signing report manifests.
    Keygen(keygen::KeygenArgs),
    /// Writes a redacted copy of a snapshot: emails, names and ids replaced by stable pseudonyms.
    Redact(redact::RedactArgs),
    /// Keeps collections in an archive: add, verify, rebuild the database, prune old snapshots.
    #[command(subcommand, after_help = help::ARCHIVE)]
    Archive(archive::ArchiveCommand),
    /// Prints the timeline of access an archive recorded: who held what, since when, and why.
    History(history::HistoryArgs),
    /// Writes a synthetic organization snapshot, deterministic from a seed (for benchmarks and tests).
    #[command(after_help = help::GENERATE)]
    Generate(generate::GenerateArgs),
    /// Serves the Anyscale HTTP API from a snapshot, for testing clients against a known organization.
    #[command(after_help = help::SERVE)]
    Serve(serve::ServeArgs),
    /// Prints the shell completion script of bash, zsh, fish, elvish or PowerShell.
    #[command(after_help = help::COMPLETIONS)]
    Completions(manual::CompletionsArgs),
    /// Prints the manual page, or writes one page per command into a folder.
    #[command(after_help = help::MAN)]
    Man(manual::ManArgs),
}

/// Runs the command line of this process and returns its exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) if is_broken_pipe(&error) => ExitCode::from(EXIT_OK),
        Err(error) => {
            eprintln!("Error: {}", describe_error(&error));
            ExitCode::from(if source::is_incomplete(&error) { EXIT_INCOMPLETE } else { EXIT_ERROR })
        }
    }
}

/// Runs one parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::User(command) => user::run(command),
        Command::Collect(args) => collect::run(args),
        Command::Report(args) => report::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Redact(args) => redact::run(args),
        Command::Archive(command) => archive::run(command),
        Command::History(args) => history::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Completions(args) => manual::run_completions(args),
        Command::Man(args) => manual::run_man(args),
    }
}

/// Returns an error and its causes on one line, leaving out a cause whose words the line already holds
/// (an I/O error that a message quotes and also keeps as its source would otherwise show twice).
pub fn describe_error(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// A closed stdout (`permaudit ... | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
