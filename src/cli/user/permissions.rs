//! `permaudit user list-permissions`: effective cloud and project roles, as the official CLI prints them.

use crate::cli::output::{info, phase, start_clock};
use crate::cli::source::load_organization;
use crate::cli::EXIT_OK;
use crate::compat::pyyaml::{self, yaml_value};
use crate::model::Organization;
use crate::report::permissions::{kind_counts, write_streamed, PermissionsDocument};
use crate::resolve::{resolve, AnomalyKind, Engine, OrgIndex};
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How `list-permissions` prints its result when no file is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PermissionsFormat {
    /// The sorted JSON document, indent 2 (the official default).
    Text,
    /// JSON with indent 4.
    Json,
    /// YAML.
    Yaml,
}

/// Options of `user list-permissions`, as the official CLI has them.
#[derive(Debug, Args)]
pub struct ListPermissionsArgs {
    #[arg(long, value_name = "FILE", help = crate::cli::help::ORG)]
    pub org: Option<PathBuf>,
    /// Filter to a specific user ID. If not provided, lists permissions for all users.
    #[arg(long = "user-id", visible_alias = "id", value_name = "ID")]
    pub user_id: Option<String>,
    /// Write JSON output to a file instead of stdout.
    #[arg(long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,
    /// Deprecated: use --output-file.
    #[arg(short = 'o', long = "output", value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Output format on stdout (ignored when writing a file).
    #[arg(long, value_enum, default_value_t = PermissionsFormat::Text, ignore_case = true)]
    pub output_format: PermissionsFormat,
}

/// Runs `user list-permissions`.
pub fn run(args: ListPermissionsArgs) -> anyhow::Result<u8> {
    start_clock();
    let started = Instant::now();
    let snapshot = load_organization(args.org.as_deref())?;
    phase("read", started);
    info("Listing users and their effective permissions...");
    let everyone = args.user_id.as_deref().is_none_or(str::is_empty);
    if everyone
        && (args.output_file.is_some() || args.output.is_some() || args.output_format != PermissionsFormat::Yaml)
    {
        write_everyone(&args, &snapshot.organization)?;
        std::mem::forget(snapshot);
        return Ok(EXIT_OK);
    }
    let started = Instant::now();
    let resolution = resolve(&snapshot.organization);
    phase("resolve", started);
    let started = Instant::now();
    let document = match args.user_id.as_deref().filter(|id| !id.is_empty()) {
        None => PermissionsDocument::new(&resolution),
        Some(user_id) => PermissionsDocument::for_member(&resolution, user_id).with_context(|| {
            format!(
                "user `{user_id}` is not a member of organization `{}`; `permaudit user list` shows member ids",
                resolution.organization_id()
            )
        })?,
    };
    if let Some(target) = output_target(&args) {
        write_file(target, |writer| document.write_json(writer, 2))?;
    } else {
        print_document(&document, args.output_format)?;
    }
    phase("write", started);
    report_anomalies(&kind_counts(&resolution.anomalies));
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(resolution);
    std::mem::forget(snapshot);
    Ok(EXIT_OK)
}

/// Lists every member's permissions as JSON, each member resolved as it is written, so that no more
/// than a window of members' accesses is held at a time.
fn write_everyone(args: &ListPermissionsArgs, organization: &Organization) -> anyhow::Result<()> {
    let started = Instant::now();
    let engine = Engine::new(OrgIndex::new(organization));
    phase("resolve", started);
    let started = Instant::now();
    let counts = match output_target(args) {
        Some(target) => write_file(target, |writer| write_streamed(&engine, writer, 2))?,
        None => {
            let indent = if args.output_format == PermissionsFormat::Json { 4 } else { 2 };
            let stdout = std::io::stdout();
            let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
            let counts = write_streamed(&engine, &mut out, indent)?;
            out.write_all(b"\n")?;
            out.flush()?;
            counts
        }
    };
    phase("write", started);
    report_anomalies(&counts);
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(engine);
    Ok(())
}

/// Returns the file to write, warning about the deprecated option.
fn output_target(args: &ListPermissionsArgs) -> Option<&PathBuf> {
    if args.output.is_some() {
        eprintln!("Warning: -o/--output is deprecated; use --output-file instead.");
    }
    args.output_file.as_ref().or(args.output.as_ref())
}

/// Writes a derived output atomically through a large buffer, and says where the results went.
fn write_file<T>(
    target: &Path,
    write: impl FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<T>,
) -> anyhow::Result<T> {
    let mut result = None;
    crate::atomic::replace_file(target, |file| {
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        result = Some(write(&mut writer)?);
        writer.flush()
    })
    .with_context(|| format!("cannot write `{}`", target.display()))?;
    info(&format!("Results written to {}", target.display()));
    result.context("the output was not written")
}

fn print_document(document: &PermissionsDocument, format: PermissionsFormat) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    match format {
        PermissionsFormat::Text => document.write_json(&mut out, 2)?,
        PermissionsFormat::Json => document.write_json(&mut out, 4)?,
        PermissionsFormat::Yaml => {
            let value = serde_json::to_value(document)?;
            let text = pyyaml::to_pyyaml_string(&yaml_value(&value));
            out.write_all(text.trim_end_matches('\n').as_bytes())?;
        }
    }
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

/// Prints the number of anomalies of each kind on stderr; they never change the JSON (R9).
fn report_anomalies(counts: &[usize]) {
    let total: usize = counts.iter().sum();
    if total == 0 {
        return;
    }
    let counts: Vec<String> = AnomalyKind::ALL
        .iter()
        .zip(counts)
        .filter(|&(_, &count)| count > 0)
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    let total = crate::plural::count(total, "anomaly", "anomalies");
    info(&format!("{total} in the organization's data: {}", counts.join(", ")));
}
