//! The snapshot file: one organization's raw data, versioned, loaded with errors that name the file and
//! the field, and written atomically (`docs/snapshot-format.md`). A value an error quotes is escaped and
//! shortened ([`crate::untrusted`]); a byte order mark before the JSON is accepted, as editors on some
//! systems write one.

use super::layout::{SnapshotFile, SnapshotFileRef, BYTE_ORDER_MARK};
use super::org::Organization;
use crate::digest::{HashingWriter, Sha256Digest};
use crate::untrusted;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The `format` value of the snapshot version this build reads and writes.
pub const SNAPSHOT_FORMAT: &str = "permaudit-snapshot/1";

/// Where and when a snapshot's data was collected, and whether the collection finished.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    pub collected_at: String,
    pub source: String,
    pub complete: bool,
    /// One line per endpoint that could not be read, when `complete` is false.
    pub gaps: Vec<String>,
}

/// An organization together with how it was collected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub organization: Organization,
    pub collection: Collection,
}

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read snapshot `{path}`: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write snapshot `{}`: {error}", path.display())]
    Write { path: PathBuf, error: std::io::Error },
    #[error("snapshot `{path}` {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("snapshot `{path}`, field `{field}`: {message}; see docs/snapshot-format.md")]
    Field { path: PathBuf, field: String, message: String },
    #[error("snapshot `{path}` has format `{found}`, but this permaudit reads `{SNAPSHOT_FORMAT}`; collect it again with this version")]
    Format { path: PathBuf, found: String },
    #[error("snapshot `{path}`, field `{field}`: the id `{id}` appears twice; ids must be unique")]
    Duplicate { path: PathBuf, field: String, id: String },
}

/// Reads only the `format` field, to tell a version mismatch from a malformed file.
#[derive(Deserialize)]
struct FormatProbe {
    format: Option<serde_json::Value>,
}

impl Snapshot {
    /// Loads and checks the snapshot at `path`.
    ///
    /// A file in the layout [`Snapshot::save`] writes is read in pieces parsed in parallel; any other
    /// file, or one that does not parse, is parsed whole, which gives the same records or the error
    /// that names the field.
    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        Snapshot::read(path, None)
    }

    /// Loads and checks the snapshot at `path`, and returns the SHA-256 of the file's bytes with it:
    /// what a report's evidence names the snapshot by.
    pub fn load_with_digest(path: &Path) -> Result<(Snapshot, Sha256Digest), SnapshotError> {
        let mut hasher = Sha256::new();
        let snapshot = Snapshot::read(path, Some(&mut hasher))?;
        Ok((snapshot, Sha256Digest(hasher.finalize().into())))
    }

    /// Reads the snapshot at `path` in pieces, else whole; `hasher`, when given, sees every byte of the
    /// file once.
    fn read(path: &Path, mut hasher: Option<&mut Sha256>) -> Result<Snapshot, SnapshotError> {
        let read_error = |source| SnapshotError::Read { path: path.to_owned(), source };
        if let Some(file) = super::stream::read(path, hasher.as_deref_mut()).map_err(read_error)? {
            return Snapshot::from_file(file, path);
        }
        let bytes = std::fs::read(path).map_err(read_error)?;
        if let Some(hasher) = hasher {
            // The reader in pieces may have hashed part of the file before it gave up.
            *hasher = Sha256::new();
            hasher.update(&bytes);
        }
        Snapshot::parse_whole(without_byte_order_mark(&bytes), path)
    }

    /// Returns the SHA-256 of the file [`Snapshot::save`] writes, without writing it: a live
    /// collection is named by the snapshot `collect` would have written.
    pub fn digest(&self) -> Sha256Digest {
        let mut writer = HashingWriter::new(std::io::sink());
        // Serializing the organization's own types into a sink cannot fail.
        let _ = self.write_file(&mut writer);
        writer.finish().0
    }

    /// Parses and checks a snapshot held in memory; `path` names it in errors.
    ///
    /// Bytes in the layout [`Snapshot::save`] writes are parsed in pieces in parallel, as
    /// [`Snapshot::load`] reads a file; any others are parsed whole, with the same outcome.
    pub fn from_slice(bytes: &[u8], path: &Path) -> Result<Snapshot, SnapshotError> {
        let bytes = without_byte_order_mark(bytes);
        match super::stream::read_slice(bytes) {
            Some(file) => Snapshot::from_file(file, path),
            None => Snapshot::parse_whole(bytes, path),
        }
    }

    /// Parses a snapshot's bytes, without a byte order mark, as one JSON document: the parse whose
    /// errors name the field.
    fn parse_whole(bytes: &[u8], path: &Path) -> Result<Snapshot, SnapshotError> {
        let file: SnapshotFile = match serde_json::from_slice(bytes) {
            Ok(file) => file,
            Err(error) => return Err(explain_parse_error(bytes, path, error)),
        };
        Snapshot::from_file(file, path)
    }

    /// Checks a parsed file and returns its snapshot.
    pub(super) fn from_file(file: SnapshotFile, path: &Path) -> Result<Snapshot, SnapshotError> {
        if file.format != SNAPSHOT_FORMAT {
            return Err(SnapshotError::Format { path: path.to_owned(), found: untrusted::value(&file.format) });
        }
        let snapshot = Snapshot {
            organization: Organization {
                id: file.organization_id,
                members: file.members,
                groups: file.groups,
                memberships: file.memberships,
                clouds: file.clouds,
                projects: file.projects,
            },
            collection: Collection {
                collected_at: file.collected_at,
                source: file.source,
                complete: file.complete,
                gaps: file.gaps,
            },
        };
        check_unique_ids(&snapshot.organization, path)?;
        Ok(snapshot)
    }

    /// Writes the snapshot as JSON with stable key order: serde_json's pretty printing, rendered on
    /// every core.
    pub fn to_writer<W: Write>(&self, mut writer: W) -> std::io::Result<()> {
        super::write::write_pretty(&self.file_ref(), &mut writer)
    }

    /// Returns the file layout of this snapshot, borrowed.
    pub(super) fn file_ref(&self) -> SnapshotFileRef<'_> {
        let organization = &self.organization;
        SnapshotFileRef {
            format: SNAPSHOT_FORMAT,
            organization_id: &organization.id,
            collected_at: &self.collection.collected_at,
            source: &self.collection.source,
            complete: self.collection.complete,
            gaps: &self.collection.gaps,
            members: &organization.members,
            groups: &organization.groups,
            memberships: &organization.memberships,
            clouds: &organization.clouds,
            projects: &organization.projects,
        }
    }

    /// Writes the snapshot to `path` atomically: a reader sees the old file or the whole new one.
    pub fn save(&self, path: &Path) -> Result<(), SnapshotError> {
        crate::atomic::write_file(path, |out| {
            let mut writer = BufWriter::new(out);
            self.write_file(&mut writer)?;
            writer.flush()
        })
        .map_err(|error| SnapshotError::Write { path: path.to_owned(), error })
    }

    /// Writes the bytes of a snapshot file: the JSON, then a newline.
    fn write_file<W: Write>(&self, mut writer: W) -> std::io::Result<()> {
        self.to_writer(&mut writer)?;
        writer.write_all(b"\n")
    }
}

/// Returns `bytes` without the byte order mark some editors write first.
fn without_byte_order_mark(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BYTE_ORDER_MARK).unwrap_or(bytes)
}

fn explain_parse_error(bytes: &[u8], path: &Path, error: serde_json::Error) -> SnapshotError {
    use serde_json::error::Category;
    if matches!(error.classify(), Category::Syntax | Category::Eof | Category::Io) {
        return SnapshotError::Syntax { path: path.to_owned(), message: syntax_message(&error) };
    }
    if let Ok(probe) = serde_json::from_slice::<FormatProbe>(bytes) {
        match probe.format {
            Some(serde_json::Value::String(found)) if found == SNAPSHOT_FORMAT => {}
            Some(other) => {
                let found = match other {
                    serde_json::Value::String(text) => text,
                    value => value.to_string(),
                };
                return SnapshotError::Format { path: path.to_owned(), found: untrusted::value(&found) };
            }
            None => {
                return SnapshotError::Field {
                    path: path.to_owned(),
                    field: "format".to_owned(),
                    message: format!("missing; a snapshot starts with \"format\": \"{SNAPSHOT_FORMAT}\""),
                }
            }
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, SnapshotFile>(&mut deserializer) {
        Err(located) => SnapshotError::Field {
            path: path.to_owned(),
            field: untrusted::value(&located.path().to_string()),
            message: untrusted::message(&located.inner().to_string()),
        },
        Ok(_) => SnapshotError::Field {
            path: path.to_owned(),
            field: ".".to_owned(),
            message: untrusted::message(&error.to_string()),
        },
    }
}

/// Tells a file cut short (a collection or a copy that did not finish) from a file that is not JSON
/// at all (another file given by mistake), and says where.
fn syntax_message(error: &serde_json::Error) -> String {
    let (line, column) = (error.line(), error.column());
    if error.classify() == serde_json::error::Category::Eof {
        return format!(
            "ends before the JSON does (line {line} column {column}): the file is truncated; collect it again"
        );
    }
    let reason = untrusted::message(&error.to_string());
    let reason = reason.split(" at line ").next().unwrap_or(&reason);
    format!(
        "is not JSON: {reason} at line {line} column {column}; a snapshot is the JSON file that `permaudit collect --out FILE` writes"
    )
}

fn check_unique_ids(organization: &Organization, path: &Path) -> Result<(), SnapshotError> {
    let members = organization.members.iter().map(|m| m.member_id());
    first_duplicate(members, path, "members", "user_id")?;
    let groups = organization.groups.iter().map(|g| g.id.as_str());
    first_duplicate(groups, path, "groups", "id")?;
    let clouds = organization.clouds.iter().map(|c| c.id.as_str());
    first_duplicate(clouds, path, "clouds", "id")?;
    let projects = organization.projects.iter().map(|p| p.id.as_str());
    first_duplicate(projects, path, "projects", "id")
}

fn first_duplicate<'a>(
    ids: impl Iterator<Item = &'a str>,
    path: &Path,
    list: &str,
    key: &str,
) -> Result<(), SnapshotError> {
    let mut seen = HashSet::new();
    for (position, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(SnapshotError::Duplicate {
                path: path.to_owned(),
                field: format!("{list}[{position}].{key}"),
                id: untrusted::value(id),
            });
        }
    }
    Ok(())
}
