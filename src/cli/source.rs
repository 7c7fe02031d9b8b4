//! Where a command's organization comes from: `--org FILE`, or else a live collection from the API.

use super::output::info;
use crate::collect::http::Limits;
use crate::collect::{collect, ApiClient, ApiConfig, CollectError, CollectOptions, Collected};
use crate::digest::Sha256Digest;
use crate::model::Snapshot;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

/// A collection that gave up on some endpoints; commands that read live refuse to report on it.
#[derive(Debug, thiserror::Error)]
#[error("the collection is incomplete, so its results would miss access: {}", gaps.join("; "))]
pub struct IncompleteCollection {
    pub gaps: Vec<String>,
}

/// How a live collection is run.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    pub concurrency: usize,
    pub attempts: u32,
    pub timeout: Duration,
    /// What the server may send before a list or an answer is given up as endless.
    pub limits: Limits,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions { concurrency: 16, attempts: 6, timeout: Duration::from_secs(30), limits: Limits::default() }
    }
}

/// Loads the snapshot at `org`, or collects the organization live when no file is given.
pub fn load_organization(org: Option<&Path>) -> anyhow::Result<Snapshot> {
    match org {
        Some(path) => Ok(warn_when_incomplete(Snapshot::load(path)?, path)),
        None => collect_complete(),
    }
}

/// Loads the snapshot at `org` with the SHA-256 of its bytes, or collects the organization live with
/// the SHA-256 of the snapshot `collect` would write.
pub fn load_with_digest(org: Option<&Path>) -> anyhow::Result<(Snapshot, Sha256Digest)> {
    match org {
        Some(path) => {
            let (snapshot, digest) = Snapshot::load_with_digest(path)?;
            Ok((warn_when_incomplete(snapshot, path), digest))
        }
        None => {
            let snapshot = collect_complete()?;
            let digest = snapshot.digest();
            Ok((snapshot, digest))
        }
    }
}

/// Collects the organization live, refusing an incomplete collection.
fn collect_complete() -> anyhow::Result<Snapshot> {
    let collected = collect_live(&LiveOptions::default())?;
    let snapshot = collected.snapshot;
    if !snapshot.collection.complete {
        return Err(IncompleteCollection { gaps: snapshot.collection.gaps }.into());
    }
    Ok(snapshot)
}

fn warn_when_incomplete(snapshot: Snapshot, path: &Path) -> Snapshot {
    if !snapshot.collection.complete {
        eprintln!(
            "Warning: snapshot `{}` is incomplete ({}); results may miss access",
            path.display(),
            snapshot.collection.gaps.join("; ")
        );
    }
    snapshot
}

/// Collects the organization of the configured token (ANYSCALE_HOST, ANYSCALE_CLI_TOKEN).
pub fn collect_live(options: &LiveOptions) -> anyhow::Result<Collected> {
    let config = ApiConfig::from_env()?;
    let retry = crate::collect::http::RetryPolicy { attempts: options.attempts.max(1), ..Default::default() };
    let client = ApiClient::new(&config, options.timeout, retry)?.with_limits(options.limits);
    info(&format!("Collecting the organization from {}...", config.host));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let collect_options =
        CollectOptions { concurrency: options.concurrency, progress: std::io::stderr().is_terminal() };
    let collected = runtime.block_on(collect(&client, &collect_options))?;
    Ok(collected)
}

/// Returns true when an error means the collection gave up part way (exit code 3).
pub fn is_incomplete(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.is::<IncompleteCollection>() || matches!(cause.downcast_ref(), Some(CollectError::GaveUp { .. }))
    })
}
