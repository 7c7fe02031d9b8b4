//! The archive's lock: one run at a time changes an archive. The lock is an advisory lock on
//! `archive.lock` in the archive folder (fs4's portable `flock`), released when the run ends, even
//! when it is killed, since the operating system drops the locks of a dead process.

use super::{ArchiveError, LOCK};
use fs4::{FileExt, TryLockError};
use std::fs::File;
use std::path::Path;

/// What to do when another run holds the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Waits for it, saying so on stderr.
    Block,
    /// Fails at once with [`ArchiveError::Locked`].
    NoWait,
}

/// The held lock; dropping it releases the lock.
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock of the archive at `root`.
    pub fn take(root: &Path, wait: Wait) -> Result<Lock, ArchiveError> {
        let path = root.join(LOCK);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|error| ArchiveError::io(&path, error))?;
        match FileExt::try_lock(&file) {
            Ok(()) => return Ok(Lock { _file: file }),
            Err(TryLockError::Error(error)) => return Err(ArchiveError::io(&path, error)),
            Err(TryLockError::WouldBlock) if wait == Wait::NoWait => {
                return Err(ArchiveError::Locked { path: root.to_owned() })
            }
            Err(TryLockError::WouldBlock) => {}
        }
        eprintln!("Waiting for another run to finish with archive `{}`...", root.display());
        FileExt::lock(&file).map_err(|error| ArchiveError::io(&path, error))?;
        Ok(Lock { _file: file })
    }
}
