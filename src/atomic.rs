//! Atomic file writes: data goes to a temporary file beside the target, which is renamed over it only
//! once everything was written, so that no reader ever sees a half-written file.

use std::fs::File;
use std::io;
use std::path::Path;

/// Writes `path` through `fill`, replacing any previous file only when `fill` succeeded.
pub fn write_file(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new().prefix(".permaudit-").suffix(".tmp").tempfile_in(directory)?;
    fill(temporary.as_file_mut())?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}
