//! `permaudit explain`: why one member has each role, every path, and what would remain without each.

use super::source::load_organization;
use super::EXIT_OK;
use crate::report::explain::{explain, Scope};
use crate::resolve::{resolve, OrgIndex};
use anyhow::bail;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Options of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[arg(long, value_name = "FILE", help = super::help::ORG)]
    pub org: Option<PathBuf>,
    /// The member: member id or email.
    #[arg(long, value_name = "EMAIL|ID")]
    pub user: String,
    /// Only this cloud (name or id) and its projects.
    #[arg(long, value_name = "NAME|ID", conflicts_with = "project")]
    pub cloud: Option<String>,
    /// Only this project (name or id), with its cloud.
    #[arg(long, value_name = "NAME|ID")]
    pub project: Option<String>,
}

/// Prints the explanation on stdout.
pub fn run(args: ExplainArgs) -> anyhow::Result<u8> {
    let snapshot = load_organization(args.org.as_deref())?;
    let resolution = resolve(&snapshot.organization);
    let access = resolution.find_member(&args.user)?;
    let scope = match (&args.cloud, &args.project) {
        (Some(cloud), _) => Scope::Cloud(find(&resolution.index, cloud, Kind::Cloud)?),
        (None, Some(project)) => Scope::Project(find(&resolution.index, project, Kind::Project)?),
        (None, None) => Scope::Everything,
    };
    let text = explain(&resolution, access, scope);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(EXIT_OK)
}

#[derive(Clone, Copy)]
enum Kind {
    Cloud,
    Project,
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
