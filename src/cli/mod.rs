//! Command-line interface: clap argument structs and one function per command.

mod collect;
mod diff;
mod explain;
mod generate;
mod output;
mod report;
mod serve;
pub mod source;
pub mod user;

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
/// Exit code of `report --fail-on-anomalies` when the report holds anomalies (the files are written),
/// and of `diff --fail-on-change` when the collections differ as it says.
pub const EXIT_FINDINGS: u8 = 4;

/// Audits who can reach which Anyscale cloud and project, with which role, and why.
#[derive(Debug, Parser)]
#[command(name = "permaudit", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// The `anyscale user` commands: list-permissions.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Reads the organization from the Anyscale API and writes its snapshot.
    Collect(collect::CollectArgs),
    /// Writes the audit reports (list-permissions JSON, CSV, HTML) from one collection, or with
    /// --user-id the one-person offboarding review.
    Report(report::ReportArgs),
    /// Explains why a member has each role: every path, and what would remain without each one.
    Explain(explain::ExplainArgs),
    /// Compares two collections: what changed in effective access, and the raw changes that caused it.
    Diff(diff::DiffArgs),
    /// Writes a synthetic organization snapshot, deterministic from a seed (for benchmarks and tests).
    Generate(generate::GenerateArgs),
    /// Serves the Anyscale HTTP API from a snapshot, for testing clients against a known organization.
    Serve(serve::ServeArgs),
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
            eprintln!("Error: {error:#}");
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
        Command::Diff(args) => diff::run(args),
        Command::Generate(args) => generate::run(args),
        Command::Serve(args) => serve::run(args),
    }
}

/// A closed stdout (`permaudit ... | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
