//! A report directory, replaced as a whole or not at all: every file is first written into a staging
//! folder inside the directory, and only once all of them were written are they moved into place, one
//! rename each on the same file system. Files of an earlier report that this one does not write are then
//! removed, so a directory never mixes two reports (only names permaudit itself writes are touched; any
//! other file in the directory is left alone).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The list-permissions document, byte for byte what `user list-permissions --output-file` writes.
pub const PERMISSIONS_JSON: &str = "permissions.json";
/// One row per member and resource.
pub const PERMISSIONS_CSV: &str = "permissions.csv";
/// One row per anomaly.
pub const ANOMALIES_CSV: &str = "anomalies.csv";
/// One row per cloud and project: who holds which role there, and the org owners reaching it.
pub const RESOURCES_CSV: &str = "resources.csv";
/// One row per member: org role, highest role, reach, anomaly and finding counts.
pub const MEMBERS_CSV: &str = "members.csv";
/// The HTML report.
pub const REPORT_HTML: &str = "report.html";
/// The offboarding plan of a one-person report, one row per step.
pub const REVOCATION_CSV: &str = "revocation-plan.csv";

/// Every file name a permaudit report directory can hold. A report removes the ones it does not write.
pub const REPORT_FILES: &[&str] =
    &[PERMISSIONS_JSON, PERMISSIONS_CSV, ANOMALIES_CSV, RESOURCES_CSV, MEMBERS_CSV, REPORT_HTML, REVOCATION_CSV];

/// Why a report directory could not be written; nothing in it was replaced.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("cannot create the report directory `{path}`: {source}; check the path and its permissions")]
    Create { path: PathBuf, source: io::Error },
    #[error("cannot write `{path}`: {source}; nothing in the report directory was replaced")]
    Write { path: PathBuf, source: io::Error },
    #[error("`{path}` is in the way: it is {what}, not a file; move it away and run the report again (nothing was replaced)")]
    Blocked { path: PathBuf, what: &'static str },
    #[error(
        "cannot move `{path}` into place: {source}; the report directory may mix two reports, run the report again"
    )]
    Publish { path: PathBuf, source: io::Error },
}

/// A report being written: its files are staged until [`ReportDirectory::publish`].
pub struct ReportDirectory {
    target: PathBuf,
    staging: tempfile::TempDir,
    files: Vec<String>,
}

impl ReportDirectory {
    /// Creates `target` when missing and a staging folder inside it (removed if the report fails).
    pub fn create(target: &Path) -> Result<ReportDirectory, DirectoryError> {
        let failed = |source| DirectoryError::Create { path: target.to_owned(), source };
        fs::create_dir_all(target).map_err(failed)?;
        let staging = tempfile::Builder::new().prefix(".permaudit-staging-").tempdir_in(target).map_err(failed)?;
        Ok(ReportDirectory { target: target.to_owned(), staging, files: Vec::new() })
    }

    /// Returns the directory the report is published into.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file of the report through a large buffer, readable by its owner only.
    pub fn write(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut BufWriter<&mut File>) -> io::Result<()>,
    ) -> Result<(), DirectoryError> {
        let staged = self.staging.path().join(name);
        let failed = |source| DirectoryError::Write { path: self.target.join(name), source };
        let mut file = owner_only().open(&staged).map_err(failed)?;
        let mut writer = BufWriter::with_capacity(1 << 20, &mut file);
        fill(&mut writer).and_then(|()| writer.flush()).map_err(failed)?;
        drop(writer);
        file.sync_all().map_err(failed)?;
        self.files.push(name.to_owned());
        Ok(())
    }

    /// Moves every staged file into place, then removes the files of an earlier report that this one
    /// did not write; returns the paths written, in the order they were written.
    pub fn publish(self) -> Result<Vec<PathBuf>, DirectoryError> {
        for name in &self.files {
            check_replaceable(&self.target.join(name))?;
        }
        let mut published = Vec::with_capacity(self.files.len());
        for name in &self.files {
            let path = self.target.join(name);
            fs::rename(self.staging.path().join(name), &path)
                .map_err(|source| DirectoryError::Publish { path: path.clone(), source })?;
            published.push(path);
        }
        for stale in REPORT_FILES.iter().filter(|name| !self.files.iter().any(|written| written == *name)) {
            let path = self.target.join(stale);
            if fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_file()) {
                fs::remove_file(&path).map_err(|source| DirectoryError::Publish { path: path.clone(), source })?;
            }
        }
        if let Ok(directory) = File::open(&self.target) {
            // Makes the renames durable; a file system that cannot sync a directory loses nothing else.
            let _ = directory.sync_all();
        }
        Ok(published)
    }
}

fn owner_only() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Refuses a target path that holds something other than a regular file (or nothing).
fn check_replaceable(path: &Path) -> Result<(), DirectoryError> {
    let Ok(metadata) = fs::symlink_metadata(path) else { return Ok(()) };
    let kind = metadata.file_type();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    };
    Err(DirectoryError::Blocked { path: path.to_owned(), what })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(directory: &mut ReportDirectory, name: &str, text: &str) {
        directory.write(name, |out| out.write_all(text.as_bytes())).unwrap();
    }

    #[test]
    fn files_appear_only_when_published_and_stale_ones_go() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("revocation-plan.csv"), "old").unwrap();
        fs::write(target.join("notes.txt"), "mine").unwrap();
        let mut directory = ReportDirectory::create(&target).unwrap();
        write(&mut directory, "report.html", "new");
        assert!(!target.join("report.html").exists(), "nothing is visible before publishing");
        directory.publish().unwrap();
        assert_eq!(fs::read_to_string(target.join("report.html")).unwrap(), "new");
        assert!(!target.join("revocation-plan.csv").exists(), "a stale report file is removed");
        assert_eq!(fs::read_to_string(target.join("notes.txt")).unwrap(), "mine", "other files stay");
        let left: Vec<_> = fs::read_dir(&target).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "no staging folder is left: {left:?}");
    }

    #[test]
    fn a_blocked_path_replaces_nothing() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        fs::create_dir_all(target.join("report.html")).unwrap();
        fs::write(target.join("permissions.json"), "old").unwrap();
        let mut directory = ReportDirectory::create(&target).unwrap();
        write(&mut directory, "permissions.json", "new");
        write(&mut directory, "report.html", "new");
        let error = directory.publish().unwrap_err().to_string();
        assert!(error.contains("is in the way: it is a directory"), "{error}");
        assert_eq!(fs::read_to_string(target.join("permissions.json")).unwrap(), "old");
    }
}
