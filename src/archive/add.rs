//! Adding a collection: its records from the engine and the diff against the archive's latest
//! collection, then its entry file (written whole, then renamed), then its rows in one transaction.

use super::database::{self, SnapshotRow};
use super::derive::{self, Before, Pair};
use super::entry::{self, Entry, Header, NewEntry};
use super::records::{Change, Records};
use super::time::{file_stamp, utc_key};
use super::{write_new, Archive, ArchiveError, SNAPSHOTS};
use crate::diff::{compare_resolved, Options};
use crate::model::{Role, Snapshot};
use crate::resolve::resolve;
use std::cell::RefCell;
use std::path::Path;

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
        let (sha256, compressed, snapshot) = std::thread::scope(|scope| {
            let hashing = scope.spawn(|| entry::sha256(bytes));
            let compressing = scope.spawn(|| entry::compress(bytes));
            let snapshot = Snapshot::from_slice(bytes, origin);
            (hashing.join(), compressing.join(), snapshot)
        });
        let sha256 = sha256.map_err(|_| ArchiveError::io(origin, std::io::Error::other("hashing failed")))?;
        let compressed = compressed
            .map_err(|_| ArchiveError::io(origin, std::io::Error::other("compression failed")))?
            .map_err(|error| ArchiveError::io(origin, error))?;
        let snapshot = snapshot?;
        let rows = self.snapshots()?;
        if let Some(row) = rows.iter().find(|row| row.sha256 == sha256) {
            return Ok(already(row));
        }
        self.check_fits(&snapshot, rows.last(), origin)?;
        let records = self.records(&snapshot, rows.last())?;
        let header = header(&snapshot, &rows, sha256);
        let new = NewEntry::new(&header, &records).map_err(|message| self.entry_error(&header, message))?;
        let name = file_name(&header);
        let mut file_sha256 = String::new();
        write_new(&self.root.join(SNAPSHOTS), &name, |file| {
            let mut writer = std::io::BufWriter::new(file);
            file_sha256 = new.write(&mut writer, &compressed)?;
            std::io::Write::flush(&mut writer)
        })?;
        let database_path = self.database_path();
        let failed = |error| ArchiveError::database(&database_path, error);
        let transaction = self.connection.transaction().map_err(failed)?;
        database::insert(&transaction, &header, (&name, &new.entry_sha256, &file_sha256), &records)
            .and_then(|()| transaction.commit())
            .map_err(failed)?;
        Ok(counted(&header, name, &records))
    }

    fn entry_error(&self, header: &Header, message: String) -> ArchiveError {
        ArchiveError::Entry { path: self.root.join(SNAPSHOTS).join(file_name(header)), message }
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

    /// Returns the records of a new collection: everything it shows when it is the first, else what
    /// changed since the latest, as the diff module finds it.
    fn records(&self, snapshot: &Snapshot, latest: Option<&SnapshotRow>) -> Result<Records, ArchiveError> {
        let Some(latest) = latest else { return Ok(derive::initial(&resolve(&snapshot.organization))) };
        let path = self.root.join(SNAPSHOTS).join(&latest.file);
        let entry = Entry::read(&path)?;
        let bytes = entry.snapshot().map_err(|message| ArchiveError::Entry { path: path.clone(), message })?;
        let bytes = bytes.ok_or_else(|| ArchiveError::Entry {
            path: path.clone(),
            message:
                "the latest collection is pruned, which prune never does; `permaudit archive verify` checks the archive"
                    .to_owned(),
        })?;
        let previous = Snapshot::from_slice(&bytes, &path)?;
        drop(bytes);
        let (before, after) = (resolve(&previous.organization), resolve(&snapshot.organization));
        let diff =
            compare_resolved((&before, &previous.collection), (&after, &snapshot.collection), &Options::default())?;
        let failure = RefCell::new(None);
        let open_role = |pair: &Pair| -> Option<Role> {
            database::open_role(&self.connection, &pair.0, pair.1, &pair.2).unwrap_or_else(|error| {
                failure.borrow_mut().get_or_insert(error);
                None
            })
        };
        let uncertain =
            database::uncertain_at(&self.connection, latest.sequence).map_err(|error| self.failed(error))?;
        let records =
            derive::changes(&diff, (&after, &snapshot.collection), &Before { open_role: &open_role, uncertain });
        match failure.into_inner() {
            Some(error) => Err(self.failed(error)),
            None => Ok(records),
        }
    }
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
