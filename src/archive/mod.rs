//! The snapshot archive (`docs/archive.md`): every collection of one organization kept compressed in a
//! folder, chained by hash, with an embedded SQLite database of the intervals of access they show.
//!
//! - [`entry`]: the file of one collection (a zstd file: header, records, snapshot);
//! - [`derive`]: its records, from the engine's resolution and the diff module's changes;
//! - [`database`]: the schema, and the one function that writes records into it;
//! - [`Archive`]: the folder, locked while a run changes it, repaired on open after a crash; adding,
//!   pruning, rebuilding and verifying are in their own modules, the timeline queries in [`timeline`].
//!
//! Crash safety rests on one order: an entry file is written under a temporary name, synced and
//! renamed, and only then is its row committed. A file without a row is an add that did not finish
//! and is removed on the next open; the database's own journal undoes a transaction cut short.

mod add;
pub mod database;
pub mod derive;
pub mod entry;
mod lock;
mod prune;
mod rebuild;
pub mod records;
pub mod time;
pub mod timeline;
mod verify;

pub use add::Added;
pub use lock::Wait;
pub use prune::Pruned;
pub use rebuild::{rebuild, Rebuilt};
pub use verify::{Finding, FindingKind, PrunedEntry, Verification};

use entry::Entry;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// The database's file name in the archive folder.
pub const DATABASE: &str = "archive.sqlite";
/// The lock file's name in the archive folder.
pub const LOCK: &str = "archive.lock";
/// The folder of the entry files.
pub const SNAPSHOTS: &str = "snapshots";
/// The start of the name of an entry file being written.
const TEMPORARY: &str = ".tmp-";

/// Why an archive operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("archive `{path}`: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("archive database `{path}`: {source}")]
    Database { path: PathBuf, source: rusqlite::Error },
    #[error("archive database `{path}` has schema version {found}, but this permaudit reads version {}; use a matching permaudit, or `permaudit archive rebuild` to make it again from the snapshot files", database::SCHEMA_VERSION)]
    Schema { path: PathBuf, found: i64 },
    #[error("archive file `{path}` is not a valid archive entry: {message}; `permaudit archive verify` reports every problem")]
    Entry { path: PathBuf, message: String },
    #[error("archive `{path}` is in use by another run (lock file `{LOCK}`); run again later, or without --no-wait to wait for it")]
    Locked { path: PathBuf },
    #[error("archive `{path}` has snapshot files but no database `{DATABASE}`; run `permaudit archive rebuild {}` to make it again from the files", path.display())]
    NoDatabase { path: PathBuf },
    #[error("`{path}` is not an archive: it has no database `{DATABASE}`; `permaudit archive add SNAPSHOT --archive {}` creates one", path.display())]
    NotAnArchive { path: PathBuf },
    #[error("snapshot `{path}` is of organization `{found}`, but the archive holds organization `{expected}`; an archive holds one organization")]
    OtherOrganization { path: PathBuf, found: String, expected: String },
    #[error("snapshot `{path}` was collected at `{collected_at}`, not after the archive's latest collection (`{latest}`); collections are added in the order they were made")]
    NotLater { path: PathBuf, collected_at: String, latest: String },
    #[error("snapshot `{path}` has collection time `{collected_at}`, which is not an RFC 3339 date-time; the archive orders collections by it")]
    BadTime { path: PathBuf, collected_at: String },
    #[error("archive `{path}`: the chain of snapshot files is broken at `{file}`: {message}; `permaudit archive verify` reports every problem")]
    Chain { path: PathBuf, file: String, message: String },
    #[error(transparent)]
    Snapshot(#[from] crate::model::SnapshotError),
    #[error(transparent)]
    Diff(#[from] crate::diff::DiffError),
}

impl ArchiveError {
    fn io(path: &Path, source: std::io::Error) -> ArchiveError {
        ArchiveError::Io { path: path.to_owned(), source }
    }

    fn database(path: &Path, source: rusqlite::Error) -> ArchiveError {
        ArchiveError::Database { path: path.to_owned(), source }
    }
}

/// An archive folder, locked for this run, with its database open.
pub struct Archive {
    root: PathBuf,
    connection: Connection,
    _lock: lock::Lock,
    /// What opening repaired: the leftovers of an interrupted add or prune.
    pub repairs: Vec<String>,
}

impl Archive {
    /// Opens the archive at `root` to change it, creating it when the folder is new or empty: takes
    /// the lock (waiting for another run, or not), opens the database and repairs what a crash left.
    pub fn open(root: &Path, wait: Wait) -> Result<Archive, ArchiveError> {
        std::fs::create_dir_all(root.join(SNAPSHOTS)).map_err(|error| ArchiveError::io(root, error))?;
        let lock = lock::Lock::take(root, wait)?;
        let path = root.join(DATABASE);
        if !path.exists() && !entry_files(root)?.is_empty() {
            return Err(ArchiveError::NoDatabase { path: root.to_owned() });
        }
        if !path.exists() {
            // SQLite gives its journal the database's mode: creating the file first keeps both private.
            private_options()
                .write(true)
                .create_new(true)
                .open(&path)
                .map_err(|error| ArchiveError::io(&path, error))?;
        }
        let connection = database::open(&path)?;
        let mut archive = Archive { root: root.to_owned(), connection, _lock: lock, repairs: Vec::new() };
        archive.repairs = archive.repair()?;
        Ok(archive)
    }

    /// Returns the archive's folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn database_path(&self) -> PathBuf {
        self.root.join(DATABASE)
    }

    fn failed(&self, error: rusqlite::Error) -> ArchiveError {
        ArchiveError::database(&self.database_path(), error)
    }

    /// Returns every archived collection, by sequence.
    pub fn snapshots(&self) -> Result<Vec<database::SnapshotRow>, ArchiveError> {
        database::snapshots(&self.connection).map_err(|error| self.failed(error))
    }

    /// Removes what an interrupted run left: temporary files, the file of an add whose row was never
    /// committed, and the files a committed pruning had still to remove or not yet replaced.
    fn repair(&mut self) -> Result<Vec<String>, ArchiveError> {
        let rows = self.snapshots()?;
        let folder = self.root.join(SNAPSHOTS);
        let mut repairs = Vec::new();
        for name in file_names(&folder)? {
            let path = folder.join(&name);
            if name.starts_with(TEMPORARY) {
                remove(&path)?;
                repairs.push(format!("removed `{name}`, a file an interrupted run was writing"));
                continue;
            }
            if rows.iter().any(|row| row.file == name) {
                continue;
            }
            let Ok(entry) = Entry::read(&path) else { continue };
            if let Some(reason) = leftover(&rows, &entry) {
                remove(&path)?;
                repairs.push(format!("removed `{name}`, {reason}"));
            }
        }
        Ok(repairs)
    }
}

/// Says why an entry file without a row of its own is a leftover of this archive's own runs.
fn leftover(rows: &[database::SnapshotRow], entry: &Entry) -> Option<&'static str> {
    let header = &entry.header;
    let last = rows.last();
    let next = last.map_or(1, |row| row.sequence + 1);
    let previous = last.map_or("", |row| row.entry_sha256.as_str());
    if header.sequence == next && header.previous_entry_sha256 == previous {
        return Some(
            "the file of an add that was interrupted before it was recorded (the collection is not in the archive)",
        );
    }
    let same = rows.iter().find(|row| row.entry_sha256 == entry.entry_sha256)?;
    match (&same.pruned_on, &entry.body) {
        (Some(_), entry::Body::Snapshot(_)) => Some("the snapshot of a collection pruned by an interrupted prune"),
        (None, entry::Body::Pruned(_)) => Some("the pruned copy an interrupted prune was writing"),
        _ => None,
    }
}

/// Returns the names of the files in a folder, sorted.
fn file_names(folder: &Path) -> Result<Vec<String>, ArchiveError> {
    let mut names = Vec::new();
    let listing = std::fs::read_dir(folder).map_err(|error| ArchiveError::io(folder, error))?;
    for item in listing {
        let item = item.map_err(|error| ArchiveError::io(folder, error))?;
        if item.file_type().map_err(|error| ArchiveError::io(folder, error))?.is_file() {
            names.push(item.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// Returns the entry files of an archive folder (not the temporaries), sorted by name.
fn entry_files(root: &Path) -> Result<Vec<String>, ArchiveError> {
    let folder = root.join(SNAPSHOTS);
    if !folder.exists() {
        return Ok(Vec::new());
    }
    Ok(file_names(&folder)?.into_iter().filter(|name| !name.starts_with(TEMPORARY)).collect())
}

/// Options that create a file readable by its owner only, as every snapshot permaudit writes: the
/// archive says who can access what.
fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

fn remove(path: &Path) -> Result<(), ArchiveError> {
    std::fs::remove_file(path).map_err(|error| ArchiveError::io(path, error))
}

/// Writes a file under a temporary name in the same folder, syncs it, renames it into place, and syncs
/// the folder: a reader (or a crash) sees the whole file or nothing.
fn write_new(
    folder: &Path,
    name: &str,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), ArchiveError> {
    let temporary = folder.join(format!("{TEMPORARY}{name}"));
    let target = folder.join(name);
    let written = (|| {
        let mut file = private_options().write(true).create_new(true).open(&temporary)?;
        fill(&mut file)?;
        file.sync_all()?;
        std::fs::rename(&temporary, &target)?;
        if let Ok(directory) = std::fs::File::open(folder) {
            // Makes the rename durable; a file system that cannot sync a folder loses nothing else.
            let _ = directory.sync_all();
        }
        Ok(())
    })();
    written.map_err(|error| {
        let _ = std::fs::remove_file(&temporary);
        ArchiveError::io(&target, error)
    })
}
