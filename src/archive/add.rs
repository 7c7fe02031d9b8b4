//! Adding a collection: its records from the engine and the diff against the archive's latest
//! collection, then its entry file (written whole, then renamed), then its rows in one transaction.

use super::database::{self, RowIds, SnapshotRow};
use super::derive::{self, Before, Pair};
use super::entry::{self, Entry, Header, NewEntry};
use super::records::{Change, Records};
use super::time::{file_stamp, utc_key};
use super::{write_new, Archive, ArchiveError, SNAPSHOTS};
use crate::diff::{compare_resolved, Options};
use crate::model::Snapshot;
use crate::resolve::{resolve, Resolution};
use std::path::Path;
use std::sync::OnceLock;
use std::thread::ScopedJoinHandle;

/// What adding a collection did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Added {
    pub sequence: i64,
    /// The entry file's name in the archive's `snapshots` folder.
    pub file: String,
    pub collected_at: String,
    /// False when the same snapshot was already archived: nothing was added.
    pub added: bool,
    pub opened: usize,
    pub closed: usize,
    pub uncertain: usize,
}

impl Archive {
    /// Adds a snapshot, given as the bytes of its file (`origin` names it in messages).
    pub fn add(&mut self, bytes: &[u8], origin: &Path) -> Result<Added, ArchiveError> {
        let rows = self.snapshots()?;
        let latest = rows.last().map(|row| self.root.join(SNAPSHOTS).join(&row.file));
        let (previous_slot, new_slot) = (OnceLock::new(), OnceLock::new());
        let Read { sha256, compressed, previous, after } =
            read_and_resolve(bytes, origin, latest.as_deref(), (&previous_slot, &new_slot))?;
        if let Some(row) = rows.iter().find(|row| row.sha256 == sha256) {
            return Ok(already(row));
        }
        let snapshot = new_slot.get().ok_or_else(|| ArchiveError::io(origin, std::io::Error::other("not parsed")))?;
        self.check_fits(snapshot, rows.last(), origin)?;
        let (records, ids) = match (&previous, previous_slot.get(), rows.last()) {
            (Some(before), Some(previous), Some(latest)) => {
                self.changes((before, previous), (&after, snapshot), latest.sequence)?
            }
            _ => (derive::initial(&after), RowIds::read(&self.connection).map_err(|error| self.failed(error))?),
        };
        let header = header(snapshot, &rows, sha256);
        let name = file_name(&header);
        let folder = self.root.join(SNAPSHOTS);
        std::thread::scope(|scope| {
            // The engine's structures are freed while the entry is written and its rows inserted.
            scope.spawn(move || drop((previous, after)));
            let writing = scope.spawn(|| write_entry(&folder, &name, &header, &records, &compressed));
            self.store(ids, (&header, &name), &records, writing)
        })?;
        Ok(counted(&header, name, &records))
    }

    /// Inserts a collection's rows in one transaction, committed once its entry file, which `writing`
    /// writes meanwhile, is durable: a run cut short in between leaves a file without rows, which
    /// opening the archive removes.
    fn store(
        &mut self,
        ids: RowIds,
        (header, name): (&Header, &str),
        records: &Records,
        writing: ScopedJoinHandle<'_, Result<(String, String), ArchiveError>>,
    ) -> Result<(), ArchiveError> {
        let database_path = self.database_path();
        let failed = |error| ArchiveError::database(&database_path, error);
        let transaction = self.connection.transaction().map_err(failed)?;
        database::apply(&transaction, ids, header.sequence, records).map_err(failed)?;
        let entry_path = self.root.join(SNAPSHOTS).join(name);
        let written =
            writing.join().map_err(|_| ArchiveError::io(&entry_path, std::io::Error::other("writing it failed")))?;
        let (entry_sha256, file_sha256) = written?;
        database::record_collection(&transaction, header, (name, &entry_sha256, &file_sha256)).map_err(failed)?;
        transaction.commit().map_err(failed)
    }

    /// Refuses a snapshot of another organization, or one not collected after the latest.
    fn check_fits(&self, snapshot: &Snapshot, latest: Option<&SnapshotRow>, origin: &Path) -> Result<(), ArchiveError> {
        let collected_at = &snapshot.collection.collected_at;
        let key = utc_key(collected_at)
            .ok_or_else(|| ArchiveError::BadTime { path: origin.to_owned(), collected_at: collected_at.clone() })?;
        let organization = database::organization(&self.connection).map_err(|error| self.failed(error))?;
        if let Some(expected) = organization.filter(|expected| expected != snapshot.organization.id.as_str()) {
            let found = snapshot.organization.id.as_str().to_owned();
            return Err(ArchiveError::OtherOrganization { path: origin.to_owned(), found, expected });
        }
        match latest {
            Some(row) if key <= row.collected_utc => Err(ArchiveError::NotLater {
                path: origin.to_owned(),
                collected_at: collected_at.clone(),
                latest: row.collected_at.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// Returns the records of a later collection: what changed since the latest, as the diff module
    /// finds it, turned into boundaries against the intervals the database holds open; and the row
    /// ids of the database's members and resources, which inserting the records needs again.
    fn changes(
        &self,
        (before, previous): (&Resolution<'_>, &Snapshot),
        (after, snapshot): (&Resolution<'_>, &Snapshot),
        latest: i64,
    ) -> Result<(Records, RowIds), ArchiveError> {
        let diff =
            compare_resolved((before, &previous.collection), (after, &snapshot.collection), &Options::default())?;
        let failed = |error| self.failed(error);
        // One read transaction for the reads: SQLite then locks and checks its journal once.
        let reading = self.connection.unchecked_transaction().map_err(failed)?;
        let ids = RowIds::read(&reading).map_err(failed)?;
        let uncertain = database::uncertain_at(&reading, latest).map_err(failed)?;
        let open = database::open_roles(&reading, &ids, &derive::entries(&diff, &uncertain)).map_err(failed)?;
        reading.rollback().map_err(failed)?;
        let open_role = |pair: &Pair| open.get(pair).copied();
        let records =
            derive::changes(&diff, (after, &snapshot.collection), &Before { open_role: &open_role, uncertain });
        Ok((records, ids))
    }
}

/// Writes a new entry file: its header, its records compressed, and the snapshot compressed (already).
/// Returns its entry hash and its file hash.
fn write_entry(
    folder: &Path,
    name: &str,
    header: &Header,
    records: &Records,
    compressed: &[u8],
) -> Result<(String, String), ArchiveError> {
    let new =
        NewEntry::new(header, records).map_err(|message| ArchiveError::Entry { path: folder.join(name), message })?;
    let mut file_sha256 = String::new();
    write_new(folder, name, |file| {
        let mut writer = std::io::BufWriter::new(file);
        file_sha256 = new.write(&mut writer, compressed)?;
        std::io::Write::flush(&mut writer)
    })?;
    Ok((new.entry_sha256, file_sha256))
}

/// What the add reads and resolves before it decides anything.
struct Read<'s> {
    sha256: String,
    compressed: Vec<u8>,
    /// The archive's latest collection, resolved, to compare with.
    previous: Option<Resolution<'s>>,
    after: Resolution<'s>,
}

/// Hashes and compresses the new snapshot, and parses and resolves it, while the latest collection is
/// read back from the archive and resolved: independent steps that keep both cores busy. The
/// snapshots go into the slots, which the resolutions borrow.
fn read_and_resolve<'s>(
    bytes: &[u8],
    origin: &Path,
    latest: Option<&Path>,
    (previous_slot, new_slot): (&'s OnceLock<Snapshot>, &'s OnceLock<Snapshot>),
) -> Result<Read<'s>, ArchiveError> {
    let failed = |what: &str| ArchiveError::io(origin, std::io::Error::other(format!("{what} failed")));
    std::thread::scope(|scope| {
        let hashing = scope.spawn(|| entry::sha256(bytes));
        let compressing = scope.spawn(|| entry::compress(bytes));
        let reading = latest.map(|path| {
            scope.spawn(move || -> Result<Resolution<'s>, ArchiveError> {
                let previous = read_latest(path)?;
                let previous = previous_slot.get_or_init(|| previous);
                Ok(resolve(&previous.organization))
            })
        });
        let parsed = Snapshot::from_slice(bytes, origin)?;
        let snapshot = new_slot.get_or_init(|| parsed);
        let after = resolve(&snapshot.organization);
        let previous = match reading {
            Some(reading) => Some(reading.join().map_err(|_| failed("reading the latest collection"))??),
            None => None,
        };
        Ok(Read {
            sha256: hashing.join().map_err(|_| failed("hashing"))?,
            compressed: compressing
                .join()
                .map_err(|_| failed("compression"))?
                .map_err(|error| ArchiveError::io(origin, error))?,
            previous,
            after,
        })
    })
}

/// Reads the snapshot of the archive's latest collection back from its entry file.
fn read_latest(path: &Path) -> Result<Snapshot, ArchiveError> {
    let entry = Entry::read(path)?;
    let bytes = entry.snapshot().map_err(|message| ArchiveError::Entry { path: path.to_owned(), message })?;
    let bytes = bytes.ok_or_else(|| ArchiveError::Entry {
        path: path.to_owned(),
        message:
            "the latest collection is pruned, which prune never does; `permaudit archive verify` checks the archive"
                .to_owned(),
    })?;
    Ok(Snapshot::from_slice(&bytes, path)?)
}

fn header(snapshot: &Snapshot, rows: &[SnapshotRow], sha256: String) -> Header {
    let collection = &snapshot.collection;
    Header {
        format: entry::ENTRY_FORMAT.to_owned(),
        organization_id: snapshot.organization.id.as_str().to_owned(),
        sequence: rows.last().map_or(1, |row| row.sequence + 1),
        collected_at: collection.collected_at.clone(),
        source: collection.source.clone(),
        complete: collection.complete,
        gaps: collection.gaps.clone(),
        snapshot_sha256: sha256,
        previous_entry_sha256: rows.last().map(|row| row.entry_sha256.clone()).unwrap_or_default(),
    }
}

/// Names an entry file by collection time and snapshot hash: `20260301T000000Z-1a2b3c4d5e6f.json.zst`.
pub fn file_name(header: &Header) -> String {
    let stamp = file_stamp(&header.collected_at).unwrap_or_else(|| "undated".to_owned());
    format!("{stamp}-{}.json.zst", &header.snapshot_sha256[..12.min(header.snapshot_sha256.len())])
}

fn already(row: &SnapshotRow) -> Added {
    Added {
        sequence: row.sequence,
        file: row.file.clone(),
        collected_at: row.collected_at.clone(),
        added: false,
        opened: 0,
        closed: 0,
        uncertain: 0,
    }
}

fn counted(header: &Header, file: String, records: &Records) -> Added {
    let count = |change: Change| records.events.iter().filter(|event| event.change == change).count();
    Added {
        sequence: header.sequence,
        file,
        collected_at: header.collected_at.clone(),
        added: true,
        opened: count(Change::Open),
        closed: count(Change::Close),
        uncertain: count(Change::Uncertain),
    }
}
