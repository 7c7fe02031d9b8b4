//! `permaudit explain`: why one member has each role, every path, and what would remain without each.

use super::evidence::{find_member, first_found, load_input, RedactArgs};
use super::EXIT_OK;
use crate::redact::{Named, Redactor};
use crate::report::explain::{Explanation, Scope};
use crate::resolve::{resolve, OrgIndex};
use anyhow::bail;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Options of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[arg(long, value_name = "FILE", help = super::help::ORG)]
    pub org: Option<PathBuf>,
    /// The member: a member id, or an email (compared case-insensitively; an email shared by several
    /// members is refused with their ids).
    #[arg(long, value_name = "EMAIL|ID")]
    pub user: String,
    /// Only this cloud (name or id) and its projects.
    #[arg(long, value_name = "NAME|ID", conflicts_with = "project")]
    pub cloud: Option<String>,
    /// Only this project (name or id), with its cloud.
    #[arg(long, value_name = "NAME|ID")]
    pub project: Option<String>,
    /// How to print the explanation: text, or JSON with the same content (format permaudit-explain/1).
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    #[command(flatten)]
    pub redaction: RedactArgs,
}

/// The output formats of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

/// Prints the explanation on stdout.
pub fn run(args: ExplainArgs) -> anyhow::Result<u8> {
    let redactor = args.redaction.redactor()?;
    let input = load_input(args.org.as_deref(), redactor.as_ref())?;
    let resolution = resolve(&input.snapshot.organization);
    let access = find_member(&resolution, &args.user, redactor.as_ref())?;
    let redactor = redactor.as_ref();
    let scope = match (&args.cloud, &args.project) {
        (Some(cloud), _) => Scope::Cloud(find_named(&resolution.index, cloud, Kind::Cloud, redactor)?),
        (None, Some(project)) => Scope::Project(find_named(&resolution.index, project, Kind::Project, redactor)?),
        (None, None) => Scope::Everything,
    };
    let explanation = Explanation::new(&resolution, access, scope);
    let output = match args.format {
        ExplainFormat::Text => explanation.to_text(),
        ExplainFormat::Json => explanation.to_json(),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(output.as_bytes())?;
    stdout.flush()?;
    Ok(EXIT_OK)
}

#[derive(Clone, Copy)]
enum Kind {
    Cloud,
    Project,
}

/// Finds a cloud or project by id, else by name, in a redacted organization also by the pseudonyms of
/// the argument; the error names the argument as given.
fn find_named(index: &OrgIndex<'_>, wanted: &str, kind: Kind, redactor: Option<&Redactor>) -> anyhow::Result<u32> {
    let named = match kind {
        Kind::Cloud => Named::Cloud,
        Kind::Project => Named::Project,
    };
    match first_found(wanted, named, redactor, |candidate| find(index, candidate, kind).ok()) {
        Some(found) => Ok(found),
        None => find(index, wanted, kind),
    }
}

/// Finds a cloud or project by id, else by name; a name shared by several is an error.
fn find(index: &OrgIndex<'_>, wanted: &str, kind: Kind) -> anyhow::Result<u32> {
    let (noun, by_id, count) = match kind {
        Kind::Cloud => ("cloud", index.cloud(wanted), index.clouds.len()),
        Kind::Project => ("project", index.project(wanted), index.projects.len()),
    };
    if let Some(found) = by_id {
        return Ok(found);
    }
    let name_and_id = |position: u32| match kind {
        Kind::Cloud => (index.cloud_record(position).name.as_str(), index.cloud_record(position).id.as_str()),
        Kind::Project => (index.project_record(position).name.as_str(), index.project_record(position).id.as_str()),
    };
    let matches: Vec<u32> = (0..count as u32).filter(|&position| name_and_id(position).0 == wanted).collect();
    match matches.as_slice() {
        [found] => Ok(*found),
        [] => bail!("no {noun} has the id or name `{wanted}`"),
        several => {
            let ids: Vec<&str> = several.iter().map(|&position| name_and_id(position).1).collect();
            bail!("{noun} name `{wanted}` is shared by {} {noun}s ({}); pass the id", ids.len(), ids.join(", "))
        }
    }
}
