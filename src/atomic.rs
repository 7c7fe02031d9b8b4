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
    let mut temporary = tempfile::Builder::new()
        .prefix(".permaudit-")
        .suffix(".tmp")
        .tempfile_in(directory)
        .map_err(|error| in_folder(directory, error))?;
    fill(temporary.as_file_mut())?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Words a failure to create the temporary file by its folder, which the user chose, rather than by
/// the temporary file's own name, which they never saw.
fn in_folder(directory: &Path, error: io::Error) -> io::Error {
    if error.kind() == io::ErrorKind::NotFound {
        let message = format!("the folder `{}` does not exist; create it first", directory.display());
        return io::Error::new(io::ErrorKind::NotFound, message);
    }
    // The error names the temporary file; its source is the system's own error without the name.
    let cause = error.get_ref().and_then(|inner| inner.source()).map_or_else(|| error.to_string(), ToString::to_string);
    io::Error::new(error.kind(), format!("cannot create a file in the folder `{}`: {cause}", directory.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_folder_is_named_and_no_temporary_file() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("missing").join("file.json");
        let error = write_file(&target, |_| Ok(())).unwrap_err();
        let message = error.to_string();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(message.contains(&format!("`{}` does not exist", root.path().join("missing").display())), "{message}");
        assert!(!message.contains(".permaudit-"), "{message}");
    }
}
