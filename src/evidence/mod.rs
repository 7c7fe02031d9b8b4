//! Evidence that a report can be checked against: where it came from and whether it was changed since
//! (`docs/evidence.md`).
//!
//! Every report directory ends with `manifest.json` ([`manifest`]): permaudit's version, the command
//! line with its secrets removed, the generation time, the snapshots the report was made from (by the
//! SHA-256 of their bytes) and the SHA-256 and size of every file written. `manifest.sig`
//! ([`signing`]) is an Ed25519 signature of the manifest's bytes; [`verify`] checks a directory
//! against both. The files themselves carry the [`Stamp`] (snapshot digest and version) where their
//! format has room for it.

pub mod command_line;
pub mod manifest;
pub mod signing;
pub mod verify;

use crate::digest::Sha256Digest;
use crate::model::Snapshot;
use crate::redact::Redactor;
use serde::{Deserialize, Serialize};

/// permaudit's version, as every piece of evidence names it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Which part a snapshot played in a report.
pub mod role {
    /// The organization a report is about.
    pub const ORGANIZATION: &str = "organization";
    /// The earlier collection a report or a diff compares with.
    pub const BASELINE: &str = "baseline";
}

/// One snapshot a report was made from, as the manifest names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotFacts {
    /// What the snapshot was to the report ([`role`]).
    pub role: String,
    /// The SHA-256 of the snapshot file's bytes; for a live collection, of the file `collect` would
    /// have written.
    pub sha256: String,
    pub organization_id: String,
    pub collected_at: String,
    pub source: String,
    pub complete: bool,
}

impl SnapshotFacts {
    /// Returns the facts of `snapshot`, whose bytes have `digest` when it was hashed, in `role`. A
    /// snapshot is left unhashed only by a command none of whose outputs names it by its digest: its
    /// `sha256` is then empty.
    pub fn new(role: &str, digest: Option<Sha256Digest>, snapshot: &Snapshot) -> SnapshotFacts {
        let collection = &snapshot.collection;
        SnapshotFacts {
            role: role.to_owned(),
            sha256: digest.map(|digest| digest.to_string()).unwrap_or_default(),
            organization_id: snapshot.organization.id.to_string(),
            collected_at: collection.collected_at.clone(),
            source: collection.source.clone(),
            complete: collection.complete,
        }
    }
}

/// What a redacted report says of its redaction: what was redacted, and which key did it (by an id
/// derived from the key that reveals nothing of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactionFacts {
    pub redacted: Vec<String>,
    pub key_id: String,
}

impl RedactionFacts {
    /// Returns the facts of `redactor`'s redaction.
    pub fn of(redactor: &Redactor) -> RedactionFacts {
        let redacted = redactor.kinds().names().into_iter().map(str::to_owned).collect();
        RedactionFacts { redacted, key_id: redactor.key_id() }
    }
}

/// The snapshot digest and version that the HTML header and `findings.json` carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stamp {
    pub permaudit_version: String,
    pub snapshot_sha256: String,
}

/// Everything a report directory's manifest states besides its files, and the key to sign it with.
#[derive(Clone, Debug)]
pub struct Provenance {
    /// The command line, secrets removed and, in a redacted report, the people it names redacted
    /// ([`command_line::sanitize`]).
    pub command_line: Vec<String>,
    /// When the report was generated, RFC 3339 in UTC ([`crate::clock::now`]).
    pub generated_at: String,
    /// The snapshots the report was made from, the one it is about first.
    pub snapshots: Vec<SnapshotFacts>,
    pub redaction: Option<RedactionFacts>,
    /// Signs the manifest into `manifest.sig` when given.
    pub signing_key: Option<ed25519_dalek::SigningKey>,
}

impl Provenance {
    /// Returns the stamp of the snapshot the report is about (the first).
    pub fn stamp(&self) -> Stamp {
        let snapshot_sha256 = self.snapshots.first().map(|facts| facts.sha256.clone()).unwrap_or_default();
        Stamp { permaudit_version: VERSION.to_owned(), snapshot_sha256 }
    }

    /// Returns the provenance of a report made by this program from `snapshot` (in memory only: no
    /// command line, the epoch as its time), for tests and library callers that state no more.
    pub fn of_snapshot(snapshot: &Snapshot) -> Provenance {
        Provenance {
            command_line: vec!["permaudit".to_owned()],
            generated_at: crate::clock::rfc3339(chrono::DateTime::UNIX_EPOCH),
            snapshots: vec![SnapshotFacts::new(role::ORGANIZATION, Some(snapshot.digest()), snapshot)],
            redaction: None,
            signing_key: None,
        }
    }
}
