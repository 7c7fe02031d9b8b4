//! What every command that writes a report shares: redaction (`--redact`, `--redact-key-file`),
//! signing (`--sign-key`), the organization a command runs on (redacted right after it is read, with
//! its original kept for the policy's patterns) and the provenance its report directory's manifest
//! states.
//!
//! A command plugs in with `#[command(flatten)] redaction: RedactArgs` (and `signing: SignArgs` when it
//! writes a directory), then [`RedactArgs::redactor`], [`load_input`] (or [`redact_input`] for a
//! snapshot it read itself), [`find_member`] / [`first_found`] for arguments that name someone, and
//! [`provenance`] for `ReportDirectory::create`.

use super::source::{load_organization, load_with_digest};
use crate::controls::{Exemptions, Originals, Policy};
use crate::digest::Sha256Digest;
use crate::evidence::{command_line, role, Provenance, RedactionFacts, SnapshotFacts};
use crate::model::{Organization, Snapshot};
use crate::redact::{self, Named, RedactKey, RedactKinds, Redactor, HOW_TO_MAKE_A_KEY, KEY_VARIABLE};
use crate::resolve::{LookupError, MemberAccess, Resolution};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// A kind of value `--redact` replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RedactKind {
    /// Members' emails.
    Emails,
    /// Members' display names.
    Names,
    /// Member ids and identity ids.
    Ids,
    /// Group, cloud and project names and ids.
    Resources,
}

/// Returns the kinds listed.
pub fn kinds_of(listed: &[RedactKind]) -> RedactKinds {
    RedactKinds {
        emails: listed.contains(&RedactKind::Emails),
        names: listed.contains(&RedactKind::Names),
        ids: listed.contains(&RedactKind::Ids),
        resources: listed.contains(&RedactKind::Resources),
    }
}

/// `--redact` and its key.
#[derive(Debug, Args)]
pub struct RedactArgs {
    /// Replaces these values by stable pseudonyms in every output (any subset, comma-separated):
    /// emails, names, ids (member and identity ids), resources (group, cloud and project names and
    /// ids). Needs a key: --redact-key-file or PERMAUDIT_REDACT_KEY.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub redact: Vec<RedactKind>,
    /// File whose bytes, as they are (at least 32), are the redaction key; without it,
    /// PERMAUDIT_REDACT_KEY. The same key gives the same pseudonyms in every run.
    #[arg(long, value_name = "FILE", requires = "redact")]
    pub redact_key_file: Option<PathBuf>,
}

impl RedactArgs {
    /// Returns the redactor asked for, or none without `--redact`; refuses `--redact` without a key.
    pub fn redactor(&self) -> anyhow::Result<Option<Redactor>> {
        if self.redact.is_empty() {
            return Ok(None);
        }
        redactor(kinds_of(&self.redact), self.redact_key_file.as_deref()).map(Some)
    }
}

/// Returns a redactor of `kinds` with the key of `key_file`, else of `PERMAUDIT_REDACT_KEY`.
pub fn redactor(kinds: RedactKinds, key_file: Option<&Path>) -> anyhow::Result<Redactor> {
    let key = match key_file {
        Some(path) => RedactKey::read(path)?,
        None => match std::env::var_os(KEY_VARIABLE) {
            Some(value) => RedactKey::from_bytes(value.into_encoded_bytes(), KEY_VARIABLE)?,
            None => anyhow::bail!(
                "redaction needs a key, and neither --redact-key-file nor {KEY_VARIABLE} gives one; {HOW_TO_MAKE_A_KEY}"
            ),
        },
    };
    Ok(Redactor::new(&key, kinds))
}

/// `--sign-key`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// Signs the manifest with this Ed25519 private key (PKCS#8 PEM, as `permaudit keygen` writes it)
    /// into manifest.sig; `permaudit verify DIR --public-key FILE` checks it.
    #[arg(long, value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
}

impl SignArgs {
    /// Reads the signing key, warning when other users can read its file.
    pub fn key(&self) -> anyhow::Result<Option<ed25519_dalek::SigningKey>> {
        let Some(path) = &self.sign_key else { return Ok(None) };
        let key = crate::evidence::signing::read_signing_key(path)?;
        warn_when_shared(path);
        Ok(Some(key))
    }
}

#[cfg(unix)]
fn warn_when_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::metadata(path).is_ok_and(|metadata| metadata.permissions().mode() & 0o077 != 0) {
        eprintln!("Warning: `{}` is readable by other users; run `chmod 600` on it", path.display());
    }
}

#[cfg(not(unix))]
fn warn_when_shared(_path: &Path) {}

/// The organization a command runs on: redacted when asked, with the original kept for the patterns
/// of the policy and exemptions, and the facts of the snapshot it came from.
pub struct Input {
    pub snapshot: Snapshot,
    /// The organization as read, when `snapshot` is its redaction.
    pub original: Option<Organization>,
    pub facts: SnapshotFacts,
}

impl Input {
    /// Returns what the controls match patterns against.
    pub fn originals(&self) -> Originals<'_> {
        self.original.as_ref().map(Originals::of).unwrap_or_default()
    }
}

/// What a command that writes evidence starts from.
pub struct Start {
    pub redactor: Option<Redactor>,
    pub signing_key: Option<ed25519_dalek::SigningKey>,
    pub input: Input,
}

/// Reads the redactor and the signing key (first, so that a bad key fails before a long read), then the
/// organization (`--org FILE`, else live), redacted when asked.
pub fn start(org: Option<&Path>, redaction: &RedactArgs, signing: &SignArgs, digest: Digest) -> anyhow::Result<Start> {
    let redactor = redaction.redactor()?;
    let signing_key = signing.key()?;
    let started = std::time::Instant::now();
    let input = match digest {
        Digest::Shown => load_input(org, redactor.as_ref())?,
        Digest::Unshown => redact_input(load_organization(org)?, None, role::ORGANIZATION, redactor.as_ref())?,
    };
    super::output::phase("read", started);
    Ok(Start { redactor, signing_key, input })
}

/// Whether any output of a command names the snapshot it read by its SHA-256 (its provenance): only
/// then is the snapshot hashed, which takes about a tenth of reading a large one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Digest {
    Shown,
    Unshown,
}

/// Reads the organization (`--org FILE`, else live) and redacts it when a redactor is given.
pub fn load_input(org: Option<&Path>, redactor: Option<&Redactor>) -> anyhow::Result<Input> {
    let (snapshot, digest) = load_with_digest(org)?;
    redact_input(snapshot, Some(digest), role::ORGANIZATION, redactor)
}

/// Returns a snapshot read by the command itself, whose bytes have `digest`, as its input in `role`.
pub fn redact_input(
    snapshot: Snapshot,
    digest: Option<Sha256Digest>,
    role: &str,
    redactor: Option<&Redactor>,
) -> anyhow::Result<Input> {
    let facts = SnapshotFacts::new(role, digest, &snapshot);
    let Some(redactor) = redactor else { return Ok(Input { snapshot, original: None, facts }) };
    let redacted = redact::redact_snapshot(&snapshot, redactor)?;
    Ok(Input { snapshot: redacted, original: Some(snapshot.organization), facts })
}

/// Returns the provenance of a report made from `snapshots` by this run, signed with `signing_key`
/// ([`SignArgs::key`], read before the organization so that a bad key fails at once).
pub fn provenance(
    snapshots: Vec<SnapshotFacts>,
    redactor: Option<&Redactor>,
    signing_key: Option<ed25519_dalek::SigningKey>,
) -> anyhow::Result<Provenance> {
    let arguments: Vec<String> = std::env::args_os().map(|argument| argument.to_string_lossy().into_owned()).collect();
    Ok(Provenance {
        command_line: command_line::sanitize(&arguments, redactor),
        generated_at: crate::clock::rfc3339(crate::clock::now()?),
        snapshots,
        redaction: redactor.map(RedactionFacts::of),
        signing_key,
    })
}

/// Finds a member by id or email; in a redacted organization, also by the pseudonyms of the argument
/// (an error names the argument as given).
pub fn find_member<'r>(
    resolution: &'r Resolution<'_>,
    wanted: &str,
    redactor: Option<&Redactor>,
) -> Result<&'r MemberAccess, LookupError> {
    let Some(redactor) = redactor else { return resolution.find_member(wanted) };
    for candidate in redactor.candidates(wanted, Named::Member) {
        match resolution.find_member(&candidate) {
            Err(LookupError::NotFound { .. }) => continue,
            found => return found,
        }
    }
    resolution.find_member(wanted)
}

/// Returns the first of the argument's candidates (itself, then its pseudonyms) that `lookup` finds.
pub fn first_found<T>(
    wanted: &str,
    named: Named,
    redactor: Option<&Redactor>,
    lookup: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let candidates = match redactor {
        Some(redactor) => redactor.candidates(wanted, named),
        None => vec![wanted.to_owned()],
    };
    candidates.iter().find_map(|candidate| lookup(candidate))
}

/// Returns the policy and exemptions as a redacted report shows them ([`crate::controls::Evaluation::shown_with`]);
/// none without redaction.
pub fn shown_controls(
    policy: &Policy,
    exemptions: &Exemptions,
    redactor: Option<&Redactor>,
) -> Option<(Policy, Exemptions)> {
    let redactor = redactor?;
    Some((redact::redact_policy(policy, redactor), redact::redact_exemptions(exemptions, redactor)))
}
