//! `permaudit user list-permissions`: effective cloud and project roles, as the official CLI prints them.

use crate::cli::output::{info, phase, start_clock};
use crate::cli::source::load_organization;
use crate::cli::EXIT_OK;
use crate::compat::pyyaml::{self, yaml_value};
use crate::report::permissions::PermissionsDocument;
use crate::resolve::{resolve, AnomalyKind, Resolution};
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
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
    if args.output.is_some() {
        eprintln!("Warning: -o/--output is deprecated; use --output-file instead.");
    }
    if let Some(target) = args.output_file.as_ref().or(args.output.as_ref()) {
        crate::atomic::write_file(target, |file| {
            let mut writer = BufWriter::with_capacity(1 << 20, file);
            document.write_json(&mut writer, 2)?;
            writer.flush()
        })
        .with_context(|| format!("cannot write `{}`", target.display()))?;
        info(&format!("Results written to {}", target.display()));
    } else {
        print_document(&document, args.output_format)?;
    }
    phase("write", started);
    report_anomalies(&resolution);
    // Freeing a large organization piece by piece takes longer than the exit that reclaims it whole.
    std::mem::forget(resolution);
    std::mem::forget(snapshot);
    Ok(EXIT_OK)
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
fn report_anomalies(resolution: &Resolution) {
    if resolution.anomalies.is_empty() {
        return;
    }
    let counts: Vec<String> = AnomalyKind::ALL
        .iter()
        .filter_map(|&kind| {
            let count = resolution.anomalies.iter().filter(|anomaly| anomaly.kind() == kind).count();
            (count > 0).then(|| format!("{count} {kind}"))
        })
        .collect();
    let total = crate::plural::count(resolution.anomalies.len(), "anomaly", "anomalies");
    info(&format!("{total} in the organization's data: {}", counts.join(", ")));
}
