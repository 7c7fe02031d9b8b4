//! Rebuilding the database from the entry files: their chain is checked, then their records are
//! applied in order, exactly as each add applied them, so the rebuilt tables are the same rows.

use super::database;
use super::entry::{Body, Entry};
use super::lock::{Lock, Wait};
use super::{entry_files, file_names, remove, ArchiveError, DATABASE, SNAPSHOTS};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// What a rebuild did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rebuilt {
    pub collections: usize,
    pub pruned: usize,
    /// The database the rebuild replaced, kept beside it, if there was one.
    pub replaced: Option<PathBuf>,
}

/// One entry file of the chain, as its header and hashes say.
pub(super) struct Link {
    pub name: String,
    pub entry: Entry,
}

/// Rebuilds the database of the archive at `root` from its entry files.
pub fn rebuild(root: &Path, wait: Wait) -> Result<Rebuilt, ArchiveError> {
    if !root.join(SNAPSHOTS).is_dir() {
        return Err(ArchiveError::NotAnArchive { path: root.to_owned() });
    }
    let _lock = Lock::take(root, wait)?;
    for name in file_names(&root.join(SNAPSHOTS))? {
        if name.starts_with(super::TEMPORARY) {
            remove(&root.join(SNAPSHOTS).join(name))?;
        }
    }
    let chain = chain(root)?;
    let building = root.join(format!(".{DATABASE}.rebuilding"));
    for stale in [building.clone(), root.join(format!(".{DATABASE}.rebuilding-journal"))] {
        if stale.exists() {
            remove(&stale)?;
        }
    }
    super::private_options()
        .write(true)
        .create_new(true)
        .open(&building)
        .map_err(|error| ArchiveError::io(&building, error))?;
    let mut connection = database::open(&building)?;
    replay(&mut connection, root, &chain, &building)?;
    drop(connection);
    let target = root.join(DATABASE);
    let replaced = match target.exists() {
        true => {
            let kept = root.join(format!("{DATABASE}.replaced"));
            std::fs::rename(&target, &kept).map_err(|error| ArchiveError::io(&target, error))?;
            Some(kept)
        }
        false => None,
    };
    let journal = root.join(format!("{DATABASE}-journal"));
    if journal.exists() {
        remove(&journal)?;
    }
    std::fs::rename(&building, &target).map_err(|error| ArchiveError::io(&target, error))?;
    let pruned = chain.iter().filter(|link| matches!(link.entry.body, Body::Pruned(_))).count();
    Ok(Rebuilt { collections: chain.len(), pruned, replaced })
}

/// Reads every entry file's header and checks that they form one chain: sequences 1, 2, ... with each
/// entry naming the previous one's hash, of one organization, in collection order.
pub(super) fn chain(root: &Path) -> Result<Vec<Link>, ArchiveError> {
    let folder = root.join(SNAPSHOTS);
    let mut links = Vec::new();
    for name in entry_files(root)? {
        let mut entry = Entry::read(&folder.join(&name))?;
        // The snapshot is not needed to rebuild; dropping it keeps one file in memory at a time.
        if let Body::Snapshot(bytes) = &mut entry.body {
            *bytes = Vec::new();
        }
        links.push(Link { name, entry });
    }
    links.sort_by_key(|link| link.entry.header.sequence);
    drop_pruning_leftovers(root, &mut links)?;
    check_chain(root, &links)?;
    Ok(links)
}

/// An interrupted prune may leave a collection's file beside its pruned copy: the full file is kept.
fn drop_pruning_leftovers(root: &Path, links: &mut Vec<Link>) -> Result<(), ArchiveError> {
    let mut kept: Vec<Link> = Vec::with_capacity(links.len());
    for link in links.drain(..) {
        let stub = match kept.last_mut() {
            Some(last) if last.entry.entry_sha256 == link.entry.entry_sha256 => match link.entry.body {
                Body::Pruned(_) => link,
                Body::Snapshot(_) => std::mem::replace(last, link),
            },
            _ => {
                kept.push(link);
                continue;
            }
        };
        remove(&root.join(SNAPSHOTS).join(&stub.name))?;
    }
    *links = kept;
    Ok(())
}

fn check_chain(root: &Path, links: &[Link]) -> Result<(), ArchiveError> {
    let broken =
        |link: &Link, message: String| ArchiveError::Chain { path: root.to_owned(), file: link.name.clone(), message };
    let mut previous: Option<&Link> = None;
    for (position, link) in links.iter().enumerate() {
        let header = &link.entry.header;
        let expected = position as i64 + 1;
        if header.sequence != expected {
            return Err(broken(link, format!("it is collection #{} where #{expected} should be", header.sequence)));
        }
        let previous_hash = previous.map_or("", |previous| previous.entry.entry_sha256.as_str());
        if header.previous_entry_sha256 != previous_hash {
            return Err(broken(link, "it does not follow the previous collection's entry".to_owned()));
        }
        if let Some(previous) = previous {
            if previous.entry.header.organization_id != header.organization_id {
                return Err(broken(link, format!("it is of organization `{}`", header.organization_id)));
            }
        }
        previous = Some(link);
    }
    Ok(())
}

/// Applies every entry's records to an empty database, in order, as the adds did; `database`
/// names it in errors.
pub(super) fn replay(
    connection: &mut Connection,
    root: &Path,
    links: &[Link],
    database: &Path,
) -> Result<(), ArchiveError> {
    let failed = |error| ArchiveError::Database { path: database.to_owned(), source: error };
    for link in links {
        let path = root.join(SNAPSHOTS).join(&link.name);
        let records =
            Entry::read(&path)?.records().map_err(|message| ArchiveError::Entry { path: path.clone(), message })?;
        let transaction = connection.transaction().map_err(failed)?;
        let entry = &link.entry;
        let names = (link.name.as_str(), entry.entry_sha256.as_str(), entry.file_sha256.as_str());
        database::insert(&transaction, &entry.header, names, &records).map_err(failed)?;
        if let Body::Pruned(note) = &entry.body {
            database::mark_pruned(
                &transaction,
                entry.header.sequence,
                (&link.name, &entry.file_sha256),
                &note.pruned_on,
            )
            .map_err(failed)?;
        }
        transaction.commit().map_err(failed)?;
    }
    Ok(())
}
