//! Retention: the snapshots of old collections are removed, and their entry files keep their header
//! and records with a note of the pruning, so the chain holds and the intervals stay queryable. The
//! latest collection is never pruned: the next add compares with it.

use super::database;
use super::entry::{Body, Entry};
use super::{remove, write_new, Archive, ArchiveError, SNAPSHOTS};
use chrono::NaiveDate;

/// One collection whose snapshot was removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pruned {
    pub sequence: i64,
    pub collected_at: String,
    /// The entry file's new name (`….pruned.zst`).
    pub file: String,
}

impl Archive {
    /// Removes the snapshots of collections made before `today` less `keep_days` days.
    pub fn prune(&mut self, keep_days: u32, today: NaiveDate) -> Result<Vec<Pruned>, ArchiveError> {
        let cutoff = today - chrono::Days::new(u64::from(keep_days));
        let cutoff_key = format!("{}T00:00:00.000000Z", cutoff.format("%Y-%m-%d"));
        let rows = self.snapshots()?;
        let latest = rows.last().map_or(0, |row| row.sequence);
        let pruned_on = today.format("%Y-%m-%d").to_string();
        let mut pruned = Vec::new();
        for row in rows.iter().filter(|row| row.pruned_on.is_none() && row.sequence != latest) {
            if row.collected_utc >= cutoff_key {
                continue;
            }
            let file = self.prune_one(row, &pruned_on)?;
            pruned.push(Pruned { sequence: row.sequence, collected_at: row.collected_at.clone(), file });
        }
        Ok(pruned)
    }

    /// Writes the pruned copy of one entry, records it, then removes the full file.
    fn prune_one(&mut self, row: &database::SnapshotRow, pruned_on: &str) -> Result<String, ArchiveError> {
        let folder = self.root.join(SNAPSHOTS);
        let path = folder.join(&row.file);
        let entry = Entry::read(&path)?;
        if entry.file_sha256 != row.file_sha256 || matches!(entry.body, Body::Pruned(_)) {
            let message =
                "it is not the file the archive recorded; run `permaudit archive verify` before pruning".to_owned();
            return Err(ArchiveError::Entry { path, message });
        }
        let bytes =
            entry.pruned_bytes(pruned_on).map_err(|message| ArchiveError::Entry { path: path.clone(), message })?;
        let stem = row.file.strip_suffix(".json.zst").unwrap_or(&row.file);
        let name = format!("{stem}.pruned.zst");
        write_new(&folder, &name, |file| std::io::Write::write_all(file, &bytes))?;
        let database_path = self.database_path();
        let failed = |error| ArchiveError::Database { path: database_path.clone(), source: error };
        let transaction = self.connection.transaction().map_err(failed)?;
        let file_sha256 = super::entry::sha256(&bytes);
        database::mark_pruned(&transaction, row.sequence, (&name, &file_sha256), pruned_on)
            .and_then(|()| transaction.commit())
            .map_err(failed)?;
        remove(&path)?;
        Ok(name)
    }
}
