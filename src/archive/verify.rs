//! Verification: every entry file is hashed again and checked against the database and its place in
//! the chain, every snapshot against the hash its entry records, and the database against the
//! records of the files (rebuilt in memory and compared row by row).

use super::database::{self, SnapshotRow};
use super::entry::{Body, Entry};
use super::rebuild::{chain, replay};
use super::{entry_files, Archive, ArchiveError, SNAPSHOTS};
use rusqlite::Connection;
use std::collections::BTreeSet;

/// The kind of a verification finding; its code is stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    /// An entry file whose bytes, or whose snapshot, differ from those archived.
    Modified,
    /// An archived collection whose file is gone.
    Missing,
    /// An entry file that holds another collection than the one its name stands for.
    Reordered,
    /// A file that is not one of the archive's entries.
    Foreign,
    /// The database differs from what the entry files record.
    Database,
}

impl FindingKind {
    /// Returns the kind's stable code.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::Modified => "modified",
            FindingKind::Missing => "missing",
            FindingKind::Reordered => "reordered",
            FindingKind::Foreign => "foreign",
            FindingKind::Database => "database",
        }
    }
}

/// One problem found, naming the file (or the database table) concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub file: String,
    pub detail: String,
}

/// A collection whose snapshot was pruned: its file keeps the records and the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrunedEntry {
    pub file: String,
    pub collected_at: String,
    pub pruned_on: String,
}

/// The result of a verification.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verification {
    /// Collections checked.
    pub collections: usize,
    pub findings: Vec<Finding>,
    pub pruned: Vec<PrunedEntry>,
}

impl Archive {
    /// Verifies the files, the chain and the database.
    pub fn verify(&self) -> Result<Verification, ArchiveError> {
        let rows = self.snapshots()?;
        let mut verification = Verification { collections: rows.len(), ..Verification::default() };
        let mut previous: Option<&SnapshotRow> = None;
        for row in &rows {
            self.check_row(row, previous, &mut verification);
            previous = Some(row);
        }
        let named: BTreeSet<&str> = rows.iter().map(|row| row.file.as_str()).collect();
        for name in entry_files(&self.root)? {
            if !named.contains(name.as_str()) {
                let detail = self.foreign_detail(&name);
                verification.findings.push(Finding { kind: FindingKind::Foreign, file: name, detail });
            }
        }
        if verification.findings.is_empty() {
            verification.findings.extend(self.compare_database()?);
        }
        Ok(verification)
    }

    fn check_row(&self, row: &SnapshotRow, previous: Option<&SnapshotRow>, verification: &mut Verification) {
        let finding = |kind, detail: String| Finding { kind, file: row.file.clone(), detail };
        let expected_previous = previous.map_or("", |previous| previous.entry_sha256.as_str());
        if row.previous_entry_sha256 != expected_previous {
            let detail =
                format!("the database's chain is broken before collection #{} ({})", row.sequence, row.collected_at);
            verification.findings.push(Finding {
                kind: FindingKind::Database,
                file: super::DATABASE.to_owned(),
                detail,
            });
        }
        let path = self.root.join(SNAPSHOTS).join(&row.file);
        if !path.exists() {
            let detail = format!("collection #{} ({}) has no file", row.sequence, row.collected_at);
            verification.findings.push(finding(FindingKind::Missing, detail));
            return;
        }
        let entry = match Entry::read(&path) {
            Ok(entry) => entry,
            Err(error) => {
                verification.findings.push(finding(FindingKind::Modified, error.to_string()));
                return;
            }
        };
        if let Some(problem) = entry_problem(row, &entry) {
            verification.findings.push(problem);
            return;
        }
        match (&entry.body, &row.pruned_on) {
            (Body::Pruned(note), Some(_)) => verification.pruned.push(PrunedEntry {
                file: row.file.clone(),
                collected_at: row.collected_at.clone(),
                pruned_on: note.pruned_on.clone(),
            }),
            (Body::Snapshot(_), _) => match entry.snapshot() {
                Ok(Some(bytes)) if super::entry::sha256(&bytes) == entry.header.snapshot_sha256 => {}
                Ok(_) => verification.findings.push(finding(
                    FindingKind::Modified,
                    format!("its snapshot differs from the one collection #{} archived", row.sequence),
                )),
                Err(message) => verification.findings.push(finding(FindingKind::Modified, message)),
            },
            (Body::Pruned(_), None) => verification
                .findings
                .push(finding(FindingKind::Modified, "its snapshot was removed without a recorded pruning".to_owned())),
        }
    }

    fn foreign_detail(&self, name: &str) -> String {
        match Entry::read(&self.root.join(SNAPSHOTS).join(name)) {
            Ok(entry) => format!(
                "an entry of organization `{}` (collection #{}, {}) that is not in this archive's chain",
                entry.header.organization_id, entry.header.sequence, entry.header.collected_at
            ),
            Err(_) => "not an entry of this archive".to_owned(),
        }
    }

    /// Rebuilds the tables in memory from the files and compares them with the database.
    fn compare_database(&self) -> Result<Vec<Finding>, ArchiveError> {
        let links = chain(&self.root)?;
        let memory = || ArchiveError::Database { path: ":memory:".into(), source: rusqlite::Error::InvalidQuery };
        let mut rebuilt = Connection::open_in_memory().map_err(|_| memory())?;
        database::prepare(&rebuilt).map_err(|_| memory())?;
        replay(&mut rebuilt, &self.root, &links, std::path::Path::new(":memory:"))?;
        let expected = database::dump(&rebuilt).map_err(|error| self.failed(error))?;
        let found = database::dump(&self.connection).map_err(|error| self.failed(error))?;
        Ok(expected.iter().zip(&found).filter_map(|(expected, found)| table_finding(expected, found)).collect())
    }
}

/// Compares an entry file with its row: its bytes, and which collection it holds.
fn entry_problem(row: &SnapshotRow, entry: &Entry) -> Option<Finding> {
    let finding = |kind, detail: String| Some(Finding { kind, file: row.file.clone(), detail });
    let header = &entry.header;
    if header.sequence != row.sequence
        || entry.entry_sha256 != row.entry_sha256 && header.collected_at != row.collected_at
    {
        return finding(
            FindingKind::Reordered,
            format!(
                "it holds collection #{} ({}) where the archive has collection #{} ({})",
                header.sequence, header.collected_at, row.sequence, row.collected_at
            ),
        );
    }
    if entry.file_sha256 != row.file_sha256 || entry.entry_sha256 != row.entry_sha256 {
        return finding(
            FindingKind::Modified,
            format!("its bytes differ from those archived for collection #{} ({})", row.sequence, row.collected_at),
        );
    }
    None
}

/// Returns a finding for a table whose rows differ, with the first differing rows.
fn table_finding((table, expected): &(String, Vec<String>), (_, found): &(String, Vec<String>)) -> Option<Finding> {
    let expected_set: BTreeSet<&String> = expected.iter().collect();
    let found_set: BTreeSet<&String> = found.iter().collect();
    let unexpected: Vec<&&String> = found_set.difference(&expected_set).collect();
    let lacking: Vec<&&String> = expected_set.difference(&found_set).collect();
    if unexpected.is_empty() && lacking.is_empty() {
        return None;
    }
    let sample = |rows: &[&&String]| rows.iter().take(3).map(|row| format!("`{row}`")).collect::<Vec<_>>().join(", ");
    let mut detail = format!("table `{table}` differs from what the snapshot files record:");
    if !unexpected.is_empty() {
        detail.push_str(&format!(" {} row(s) not in the files ({})", unexpected.len(), sample(&unexpected)));
    }
    if !lacking.is_empty() {
        detail.push_str(&format!(" {} row(s) missing ({})", lacking.len(), sample(&lacking)));
    }
    detail.push_str("; `permaudit archive rebuild` makes the database again from the files");
    Some(Finding { kind: FindingKind::Database, file: super::DATABASE.to_owned(), detail })
}
