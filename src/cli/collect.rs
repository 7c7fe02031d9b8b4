//! `permaudit collect`: reads an organization from the Anyscale API and writes its snapshot.

use super::output::{info, start_clock};
use super::source::{collect_live, LiveOptions};
use super::{EXIT_INCOMPLETE, EXIT_OK};
use crate::collect::http::{Limits, DEFAULT_MAX_PAGES, DEFAULT_MAX_RESPONSE_BYTES};
use crate::model::Organization;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

/// Options of `collect`.
#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Where to write the snapshot (atomically: a reader never sees a half-written file).
    #[arg(long, value_name = "FILE", required_unless_present = "archive")]
    pub out: Option<PathBuf>,
    /// Also (or instead) adds the snapshot to this archive folder (docs/archive.md), created when new.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// With --archive: fails at once when another run is changing the archive, instead of waiting.
    #[arg(long, requires = "archive")]
    pub no_wait: bool,
    /// Requests on the wire at once, the organization's lists included.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// Attempts per request before giving up; 429, 5xx, timeouts and dropped connections are retried
    /// with backoff, honouring Retry-After.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub attempts: u32,
    /// Seconds before one request times out.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// Pages read of one list before it is given up as endless (the API serves 50 items a page).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PAGES, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pages: u64,
    /// Bytes read of one answer before it is given up as endless.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_RESPONSE_BYTES, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_response_bytes: u64,
}

/// Collects and writes the snapshot; an incomplete collection is written marked incomplete, exit 3.
pub fn run(args: CollectArgs) -> anyhow::Result<u8> {
    start_clock();
    let options = LiveOptions {
        concurrency: args.concurrency as usize,
        attempts: args.attempts,
        timeout: Duration::from_secs(args.timeout),
        limits: Limits { max_pages: args.max_pages, max_response_bytes: args.max_response_bytes },
    };
    let collected = collect_live(&options)?;
    let snapshot = &collected.snapshot;
    let summary = collected_summary(&snapshot.organization, collected.requests);
    if let Some(out) = &args.out {
        snapshot.save(out).with_context(|| "the collection succeeded but its snapshot could not be written")?;
        info(&format!("{summary}; wrote {}", out.display()));
    } else {
        info(&summary);
    }
    if let Some(archive) = &args.archive {
        archive_snapshot(snapshot, archive, args.no_wait)?;
    }
    if snapshot.collection.complete {
        return Ok(EXIT_OK);
    }
    eprintln!("Error: the collection is incomplete; the snapshot is marked `\"complete\": false`. Gave up on:");
    for gap in &snapshot.collection.gaps {
        eprintln!("  - {gap}");
    }
    Ok(EXIT_INCOMPLETE)
}

/// Adds the collected snapshot to an archive, as `archive add` adds a file holding it.
fn archive_snapshot(snapshot: &crate::model::Snapshot, archive: &std::path::Path, no_wait: bool) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    snapshot.to_writer(&mut bytes).context("the collection succeeded but could not be serialized")?;
    bytes.push(b'\n');
    let wait = if no_wait { crate::archive::Wait::NoWait } else { crate::archive::Wait::Block };
    let origin = std::path::Path::new("(the live collection)");
    super::archive::add_bytes(archive, &bytes, origin, wait)
        .with_context(|| "the collection succeeded but could not be archived")?;
    Ok(())
}

/// Returns what a collection read, counted in words: "Collected 1 member, 2 groups, ...".
fn collected_summary(organization: &Organization, requests: u64) -> String {
    use crate::plural::count;
    format!(
        "Collected {}, {}, {} and {} in {}",
        count(organization.members.len(), "member", "members"),
        count(organization.groups.len(), "group", "groups"),
        count(organization.clouds.len(), "cloud", "clouds"),
        count(organization.projects.len(), "project", "projects"),
        count(usize::try_from(requests).unwrap_or(usize::MAX), "request", "requests"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_in_words() {
        let organization = crate::synth::generate(&crate::synth::Shape {
            members: 1,
            groups: 2,
            group_size: 1,
            clouds: 1,
            projects: 0,
            grants: 0,
            seed: 1,
        });
        let summary = collected_summary(&organization, 1);
        assert_eq!(summary, "Collected 1 member, 2 groups, 1 cloud and 0 projects in 1 request");
    }
}
