//! Atomic file writes: data goes to a temporary file beside the target, which is renamed over it only
//! once everything was written, so that no reader ever sees a half-written file.
//!
//! The target is what `cat > PATH` would write to. A symbolic link is followed to the real file, which
//! is replaced with its mode and owner kept. A path that exists but is not a regular file (a FIFO, a
//! terminal, `/dev/null`, `/proc/self/fd/1`) is written into directly: replacing it would swap a system
//! entry for a plain file. A file with other hard links is refused, since replacing one of its names
//! would silently leave the others with the old content.
//!
//! How far a write goes before it returns is its [`Durability`]. Primary records (snapshots, signing
//! keys) are forced to disk with [`write_file`]: losing one to a power cut loses data nobody can make
//! again. Derived outputs (reports, `--output-file` of the commands that read a snapshot) are replaced
//! with [`replace_file`], which is just as atomic for every reader but leaves the bytes to the system's
//! cache: they can be written again from their snapshot, and forcing hundreds of megabytes to a slow
//! disk costs more than making them. `PERMAUDIT_FSYNC=1` makes derived outputs durable too.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// How many links are followed before a path is taken for a loop, as the kernel does.
const MAX_LINKS: usize = 40;

/// The longest part of a target's name that goes into its temporary file's name.
const NAME_IN_TEMPORARY: usize = 96;

/// The environment variable that makes derived outputs durable when set to `1`.
pub const FSYNC_VARIABLE: &str = "PERMAUDIT_FSYNC";

/// Whether a write is forced to disk before it returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// The data and the rename are on disk when the write returns, and survive a power cut.
    Durable,
    /// Every reader sees the old file or the new one, never a mix; a power cut soon after the write
    /// can lose the new one (a report's manifest lets `permaudit verify` tell).
    Cached,
}

impl Durability {
    /// Returns the durability of derived outputs: [`Durability::Cached`], unless `PERMAUDIT_FSYNC=1`.
    pub fn of_derived_outputs() -> Durability {
        Durability::from_setting(std::env::var_os(FSYNC_VARIABLE).as_deref())
    }

    /// Returns the durability of derived outputs when [`FSYNC_VARIABLE`] has `value`.
    fn from_setting(value: Option<&std::ffi::OsStr>) -> Durability {
        match value {
            Some(value) if value == "1" => Durability::Durable,
            _ => Durability::Cached,
        }
    }

    /// Forces `file`'s data to disk when durable.
    pub fn sync_file(self, file: &File) -> io::Result<()> {
        match self {
            Durability::Durable => file.sync_all(),
            Durability::Cached => Ok(()),
        }
    }

    /// Makes the renames in `directory` durable when durable; a file system that cannot sync a
    /// directory loses nothing else.
    pub fn sync_directory(self, directory: &Path) {
        if self == Durability::Durable {
            if let Ok(directory) = File::open(directory) {
                let _ = directory.sync_all();
            }
        }
    }
}

/// Writes the primary record `path` through `fill`, durably, replacing any previous regular file only
/// when `fill` succeeded.
pub fn write_file(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    write_with(path, Durability::Durable, fill)
}

/// Writes the derived output `path` through `fill` as [`write_file`] does, with the durability of
/// derived outputs ([`Durability::of_derived_outputs`]).
pub fn replace_file(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    write_with(path, Durability::of_derived_outputs(), fill)
}

/// Writes `path` through `fill`, replacing any previous regular file only when `fill` succeeded, and
/// forces it to disk as `durability` says.
pub fn write_with(
    path: &Path,
    durability: Durability,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    if fs::metadata(path).is_ok_and(|metadata| !metadata.is_file()) {
        return write_into(path, fill);
    }
    let target = resolve_links(path)?;
    let existing = match fs::metadata(&target) {
        Ok(metadata) => Some(metadata),
        Err(error) if error.kind() == io::ErrorKind::NotFound => None,
        Err(error) => return Err(error),
    };
    if let Some(metadata) = &existing {
        refuse_other_links(metadata)?;
    }
    let directory = parent_of(&target);
    let mut temporary = tempfile::Builder::new()
        .prefix(&temporary_prefix(&target))
        .suffix(".tmp")
        .tempfile_in(directory)
        .map_err(|error| in_folder(directory, error))?;
    if let Some(metadata) = &existing {
        keep_mode_and_owner(temporary.as_file(), metadata)?;
    }
    fill(temporary.as_file_mut())?;
    durability.sync_file(temporary.as_file())?;
    temporary.persist(&target).map_err(|error| error.error)?;
    durability.sync_directory(directory);
    Ok(())
}

/// Removes the temporary files that an interrupted [`write_with`] of `path` left beside it, and
/// returns how many there were. Only names this module gives to temporaries of `path` are touched.
pub fn remove_stale_temporaries(path: &Path) -> io::Result<usize> {
    let target = resolve_links(path)?;
    let prefix = temporary_prefix(&target);
    let mut removed = 0;
    for entry in fs::read_dir(parent_of(&target))? {
        let entry = entry?;
        let name = entry.file_name();
        let is_ours = name.to_str().is_some_and(|name| is_temporary_of(name, &prefix));
        if is_ours && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
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

/// Writes into a FIFO, a device or any other file that is not regular, as `cat > PATH` does.
fn write_into(path: &Path, fill: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).truncate(true).open(path)?;
    fill(&mut file)
}

/// Follows symbolic links from `path` to the file they name, which may not exist yet.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_owned();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = parent_of(&current).join(link);
            }
            Ok(_) => return Ok(current),
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(error) => return Err(error),
        }
    }
    Err(io::Error::other(format!("more than {MAX_LINKS} symbolic links, probably a loop")))
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Returns the start of the names of `target`'s temporary files: `.permaudit-<name>.`.
fn temporary_prefix(target: &Path) -> String {
    let name = target.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let mut end = name.len().min(NAME_IN_TEMPORARY);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!(".permaudit-{}.", &name[..end])
}

/// Returns true for `<prefix><6 letters or digits>.tmp`, the names `tempfile` gives.
fn is_temporary_of(name: &str, prefix: &str) -> bool {
    let Some(middle) = name.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(".tmp")) else {
        return false;
    };
    middle.len() == 6 && middle.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

#[cfg(unix)]
fn refuse_other_links(metadata: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let links = metadata.nlink();
    if links > 1 {
        return Err(io::Error::other(format!(
            "the file has {links} hard links, and replacing it would leave the other names with the old content; \
             remove the other links (or copy the file) and try again"
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_other_links(_metadata: &Metadata) -> io::Result<()> {
    Ok(())
}

/// Gives the new file the permissions and owner of the one it replaces. The owner can only be changed
/// by a privileged user; anyone else keeps being the owner, as when writing any new file.
#[cfg(unix)]
fn keep_mode_and_owner(file: &File, original: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    file.set_permissions(fs::Permissions::from_mode(original.mode() & 0o777))?;
    let current = file.metadata()?;
    if (current.uid(), current.gid()) != (original.uid(), original.gid()) {
        match std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())) {
            Err(error) if error.kind() != io::ErrorKind::PermissionDenied => return Err(error),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn keep_mode_and_owner(file: &File, original: &Metadata) -> io::Result<()> {
    file.set_permissions(original.permissions())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn write(path: &Path, text: &str) -> io::Result<()> {
        write_file(path, |file| file.write_all(text.as_bytes()))
    }

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

    #[test]
    fn a_new_file_is_private_and_a_failed_fill_leaves_nothing() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("out.json");
        write(&path, "one").unwrap();
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        let failed = write_file(&path, |file| {
            file.write_all(b"half")?;
            Err(io::Error::other("stopped"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        assert_eq!(fs::read_dir(directory.path()).unwrap().count(), 1, "no temporary file is left");
    }

    #[test]
    fn derived_outputs_are_durable_only_when_asked() {
        assert_eq!(Durability::from_setting(None), Durability::Cached);
        assert_eq!(Durability::from_setting(Some("0".as_ref())), Durability::Cached);
        assert_eq!(Durability::from_setting(Some("".as_ref())), Durability::Cached);
        assert_eq!(Durability::from_setting(Some("1".as_ref())), Durability::Durable);
    }

    #[test]
    fn a_replaced_file_is_atomic_too() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("out.json");
        replace_file(&path, |file| file.write_all(b"one")).unwrap();
        let failed = replace_file(&path, |file| {
            file.write_all(b"half")?;
            Err(io::Error::other("stopped"))
        });
        assert!(failed.is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "one");
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        assert_eq!(fs::read_dir(directory.path()).unwrap().count(), 1, "no temporary file is left");
    }

    #[test]
    fn a_link_is_followed_to_the_real_file_whose_mode_is_kept() {
        let directory = tempfile::tempdir().unwrap();
        let real = directory.path().join("data").join("org.json");
        fs::create_dir(real.parent().unwrap()).unwrap();
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = directory.path().join("org.json");
        std::os::unix::fs::symlink("data/org.json", &link).unwrap();
        write(&link, "new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(fs::metadata(&real).unwrap().mode() & 0o777, 0o640);
        let dangling = directory.path().join("later.json");
        std::os::unix::fs::symlink("data/later.json", &dangling).unwrap();
        write(&dangling, "made").unwrap();
        assert_eq!(fs::read_to_string(directory.path().join("data/later.json")).unwrap(), "made");
    }

    #[test]
    fn the_owner_is_kept_when_the_writer_may_change_it() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("org.json");
        fs::write(&path, "old").unwrap();
        if fs::metadata(&path).unwrap().uid() != 0 {
            return; // Only a privileged writer can give a file to another user.
        }
        std::os::unix::fs::chown(&path, Some(1000), Some(1000)).unwrap();
        write(&path, "new").unwrap();
        let metadata = fs::metadata(&path).unwrap();
        assert_eq!((metadata.uid(), metadata.gid()), (1000, 1000));
    }

    #[test]
    fn a_file_with_other_hard_links_is_refused() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("org.json");
        fs::write(&path, "old").unwrap();
        fs::hard_link(&path, directory.path().join("copy.json")).unwrap();
        let error = write(&path, "new").unwrap_err().to_string();
        assert!(error.contains("2 hard links"), "{error}");
        assert_eq!(fs::read_to_string(directory.path().join("copy.json")).unwrap(), "old");
        assert_eq!(fs::read_dir(directory.path()).unwrap().count(), 2, "no temporary file is left");
    }

    #[test]
    fn a_fifo_or_a_device_is_written_into_not_replaced() {
        let directory = tempfile::tempdir().unwrap();
        let fifo = directory.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut text = String::new();
                File::open(fifo).unwrap().read_to_string(&mut text).unwrap();
                text
            })
        };
        write(&fifo, "through the pipe").unwrap();
        assert!(!fs::symlink_metadata(&fifo).unwrap().is_file(), "the FIFO is still a FIFO");
        assert_eq!(reader.join().unwrap(), "through the pipe");
        let null = directory.path().join("null");
        std::os::unix::fs::symlink("/dev/null", &null).unwrap();
        write(&null, "gone").unwrap();
        assert!(fs::symlink_metadata(&null).unwrap().file_type().is_symlink());
        assert!(!fs::metadata("/dev/null").unwrap().is_file(), "/dev/null is still a device");
    }

    #[test]
    fn stale_temporaries_of_a_file_are_removed_and_nothing_else() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("org.json");
        fs::write(&path, "{}").unwrap();
        for name in [".permaudit-org.json.a1B2c3.tmp", ".permaudit-other.json.a1B2c3.tmp", ".permaudit-org.json.x.tmp"]
        {
            fs::write(directory.path().join(name), "").unwrap();
        }
        assert_eq!(remove_stale_temporaries(&path).unwrap(), 1);
        assert!(!directory.path().join(".permaudit-org.json.a1B2c3.tmp").exists());
        assert_eq!(fs::read_dir(directory.path()).unwrap().count(), 3);
    }
}
