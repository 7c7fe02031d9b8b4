//! A report directory, replaced as a whole or not at all: every file is first written into a staging
//! folder inside the directory, and only once all of them were written are they moved into place, one
//! rename each on the same file system. Files of an earlier report that this one does not write are then
//! removed, so a directory never mixes two reports (only names permaudit itself writes are touched; any
//! other file in the directory is left alone).
//!
//! Before the first file moves, the staging folder records which files the report holds (its
//! publication list). A run killed while moving files thus leaves a staging folder with a manifest, and the
//! next report into the directory first finishes that publication, so the directory holds one whole
//! report again before anything else happens; a staging folder without a manifest is a report that
//! never started to publish, and is removed.
//!
//! A report is a derived output: its files and renames are forced to disk only with `PERMAUDIT_FSYNC=1`
//! ([`Durability`]). A killed run loses nothing the recovery above needs, since the system's cache
//! outlives the process; a power cut soon after a run can leave a damaged file, which the manifest lets
//! `permaudit verify` find.
//!
//! Files written together ([`ReportDirectory::write_concurrently`]) are written each on its own thread.
//! Every file is hashed as it is written; the last file of every report is `manifest.json`, which
//! names the report's origin ([`Provenance`]) and every other file by SHA-256 and size, followed, when
//! a signing key is given, by `manifest.sig` (`crate::evidence`, `docs/evidence.md`).

use crate::atomic::Durability;
use crate::digest::HashingWriter;
use crate::evidence::manifest::{FileEntry, Manifest, MANIFEST_JSON, MANIFEST_SIG};
use crate::evidence::{signing, Provenance};
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
/// The controls' findings, `permaudit-findings/2`.
pub const FINDINGS_JSON: &str = "findings.json";
/// One row per finding of the controls.
pub const FINDINGS_CSV: &str = "findings.csv";
/// The controls as JUnit XML (`check --out-dir`).
pub const FINDINGS_JUNIT: &str = "findings.junit.xml";

/// The changes since a baseline collection (`report --baseline`), one row per change and cause.
pub const CHANGES_CSV: &str = "changes.csv";

/// Every file name a permaudit report directory can hold. A report removes the ones it does not write.
pub const REPORT_FILES: &[&str] = &[
    PERMISSIONS_JSON,
    PERMISSIONS_CSV,
    ANOMALIES_CSV,
    REPORT_HTML,
    REVOCATION_CSV,
    FINDINGS_JSON,
    FINDINGS_CSV,
    CHANGES_CSV,
    RESOURCES_CSV,
    MEMBERS_CSV,
    FINDINGS_JUNIT,
    MANIFEST_JSON,
    MANIFEST_SIG,
];

/// What a report's file is written through: a large buffer over a writer that hashes every byte.
pub type FileWriter<'f> = BufWriter<HashingWriter<&'f mut File>>;

/// What writes one file of a report written with others at once.
pub type Fill<'f> = Box<dyn FnOnce(&mut FileWriter<'_>) -> io::Result<()> + Send + 'f>;

/// The start of a staging folder's name.
const STAGING_PREFIX: &str = ".permaudit-staging-";

/// The file in a staging folder that lists the report's files once it starts to be published.
const PUBLICATION: &str = ".manifest";

/// Why a report directory could not be written; nothing in it was replaced.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("cannot create the report directory `{}`: {error}; check the path and its permissions", path.display())]
    Create { path: PathBuf, error: io::Error },
    #[error("cannot write `{}`: {error}; nothing in the report directory was replaced", path.display())]
    Write { path: PathBuf, error: io::Error },
    #[error("`{}` is in the way: it is {what}, not a file; move it away and run the report again (nothing was replaced)", path.display())]
    Blocked { path: PathBuf, what: &'static str },
    #[error(
        "cannot move `{}` into place: {error}; the next report into this directory finishes the publication, run the report again",
        path.display()
    )]
    Publish { path: PathBuf, error: io::Error },
    #[error("cannot finish the report that an interrupted run left in `{}`: {error}; remove that folder and run the report again", path.display())]
    Recover { path: PathBuf, error: io::Error },
}

/// A report being written: its files are staged until [`ReportDirectory::publish`].
pub struct ReportDirectory {
    target: PathBuf,
    staging: tempfile::TempDir,
    files: Vec<FileEntry>,
    provenance: Provenance,
    durability: Durability,
}

impl ReportDirectory {
    /// Creates `target` when missing and a staging folder inside it (removed if the report fails),
    /// after finishing or removing what an interrupted run left there; the manifest will state
    /// `provenance`.
    pub fn create(target: &Path, provenance: &Provenance) -> Result<ReportDirectory, DirectoryError> {
        let failed = |error| DirectoryError::Create { path: target.to_owned(), error };
        fs::create_dir_all(target).map_err(failed)?;
        let durability = Durability::of_derived_outputs();
        recover(target, durability)?;
        let staging = tempfile::Builder::new().prefix(STAGING_PREFIX).tempdir_in(target).map_err(failed)?;
        let provenance = provenance.clone();
        Ok(ReportDirectory { target: target.to_owned(), staging, files: Vec::new(), provenance, durability })
    }

    /// Returns the directory the report is published into.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Returns the provenance the manifest will state.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// Writes one file of the report through a large buffer, readable by its owner only, and records
    /// its SHA-256 and size for the manifest.
    pub fn write(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut FileWriter<'_>) -> io::Result<()>,
    ) -> Result<(), DirectoryError> {
        let entry = self.stage(name, fill)?;
        self.record(entry);
        Ok(())
    }

    /// Writes `files` as [`ReportDirectory::write`] does, each on its own thread, since they are
    /// independent; they are recorded in the order given, and the first failure in that order is
    /// returned.
    pub fn write_concurrently(&mut self, files: Vec<(&str, Fill<'_>)>) -> Result<(), DirectoryError> {
        let staged: Vec<Result<FileEntry, DirectoryError>> = std::thread::scope(|scope| {
            let this = &*self;
            let running: Vec<_> = files
                .into_iter()
                .map(|(name, fill)| {
                    let writer = std::thread::Builder::new().name(format!("write {name}"));
                    let spawned = writer.spawn_scoped(scope, move || this.stage(name, fill));
                    (name, spawned)
                })
                .collect();
            running.into_iter().map(|(name, spawned)| this.finished(name, spawned)).collect()
        });
        for entry in staged {
            self.record(entry?);
        }
        Ok(())
    }

    /// Returns what a thread of [`ReportDirectory::write_concurrently`] staged, or why it could not.
    fn finished(
        &self,
        name: &str,
        spawned: io::Result<std::thread::ScopedJoinHandle<'_, Result<FileEntry, DirectoryError>>>,
    ) -> Result<FileEntry, DirectoryError> {
        let running = spawned.map_err(|error| DirectoryError::Write { path: self.target.join(name), error })?;
        running.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    /// Writes one file into the staging folder and returns its manifest entry.
    fn stage(
        &self,
        name: &str,
        fill: impl FnOnce(&mut FileWriter<'_>) -> io::Result<()>,
    ) -> Result<FileEntry, DirectoryError> {
        let staged = self.staging.path().join(name);
        let failed = |error| DirectoryError::Write { path: self.target.join(name), error };
        let mut file = owner_only().open(&staged).map_err(failed)?;
        let mut writer = BufWriter::with_capacity(1 << 20, HashingWriter::new(&mut file));
        fill(&mut writer).and_then(|()| writer.flush()).map_err(failed)?;
        let (digest, size) = writer.into_inner().map_err(|error| failed(error.into_error()))?.finish();
        self.durability.sync_file(&file).map_err(failed)?;
        Ok(FileEntry { name: name.to_owned(), sha256: digest.to_string(), size })
    }

    /// Records a staged file for the manifest, in place of an earlier one of the same name.
    fn record(&mut self, entry: FileEntry) {
        self.files.retain(|file| file.name != entry.name);
        self.files.push(entry);
    }

    /// Writes the manifest (and its signature, with a signing key) last, moves every staged file into
    /// place, then removes the files of an earlier report that this one did not write; returns the
    /// paths written, in the order they were written.
    pub fn publish(mut self) -> Result<Vec<PathBuf>, DirectoryError> {
        let manifest = Manifest::new(&self.provenance, self.files.clone()).to_bytes();
        self.write(MANIFEST_JSON, |out| out.write_all(&manifest))?;
        if let Some(key) = self.provenance.signing_key.clone() {
            self.write(MANIFEST_SIG, |out| out.write_all(&signing::sign(&key, &manifest)))?;
        }
        let names: Vec<String> = self.files.iter().map(|file| file.name.clone()).collect();
        for name in &names {
            check_replaceable(&self.target.join(name))?;
        }
        self.write_publication(&names)?;
        move_into_place(self.staging.path(), &self.target, &names, self.durability)
    }

    /// Records the report's files in the staging folder before the first one moves (durably when the
    /// report is: a power cut must not leave renames without their list).
    fn write_publication(&self, names: &[String]) -> Result<(), DirectoryError> {
        let path = self.staging.path().join(PUBLICATION);
        let failed = |error| DirectoryError::Write { path: self.target.clone(), error };
        let mut file = owner_only().open(&path).map_err(failed)?;
        let durability = self.durability;
        file.write_all(names.join("\n").as_bytes()).and_then(|()| durability.sync_file(&file)).map_err(failed)?;
        durability.sync_directory(self.staging.path());
        Ok(())
    }
}

/// Moves the staged `files` into `target` and removes the report files not among them, forcing the
/// renames to disk as `durability` says; returns the paths written.
fn move_into_place(
    staging: &Path,
    target: &Path,
    files: &[String],
    durability: Durability,
) -> Result<Vec<PathBuf>, DirectoryError> {
    let mut published = Vec::with_capacity(files.len());
    for name in files {
        let path = target.join(name);
        let staged = staging.join(name);
        // A file that an interrupted run already moved is in place.
        if staged.exists() {
            fs::rename(staged, &path).map_err(|error| DirectoryError::Publish { path: path.clone(), error })?;
        }
        published.push(path);
    }
    for stale in REPORT_FILES.iter().filter(|name| !files.iter().any(|written| written == *name)) {
        let path = target.join(stale);
        if fs::symlink_metadata(&path).is_ok_and(|metadata| metadata.is_file()) {
            fs::remove_file(&path).map_err(|error| DirectoryError::Publish { path: path.clone(), error })?;
        }
    }
    durability.sync_directory(target);
    Ok(published)
}

/// Finishes the publication an interrupted run started in `target`, and removes the staging folders
/// of runs that never started one.
fn recover(target: &Path, durability: Durability) -> Result<(), DirectoryError> {
    let failed = |error| DirectoryError::Create { path: target.to_owned(), error };
    let mut leftovers: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(target).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let is_staging = entry.file_name().to_str().is_some_and(|name| name.starts_with(STAGING_PREFIX));
        if is_staging && entry.file_type().map_err(failed)?.is_dir() {
            leftovers.push(entry.path());
        }
    }
    leftovers.sort();
    for staging in leftovers {
        let recovered = |error| DirectoryError::Recover { path: staging.clone(), error };
        match fs::read_to_string(staging.join(PUBLICATION)) {
            Ok(list) => {
                let files: Vec<String> =
                    list.lines().filter(|name| REPORT_FILES.contains(name)).map(str::to_owned).collect();
                for name in &files {
                    check_replaceable(&target.join(name))?;
                }
                move_into_place(&staging, target, &files, durability)?;
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(recovered(error)),
        }
        fs::remove_dir_all(&staging).map_err(recovered)?;
    }
    Ok(())
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

    fn provenance() -> Provenance {
        Provenance {
            command_line: vec!["permaudit".to_owned(), "report".to_owned()],
            generated_at: "2026-12-01T00:00:00Z".to_owned(),
            snapshots: Vec::new(),
            redaction: None,
            signing_key: None,
        }
    }

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
        let mut directory = ReportDirectory::create(&target, &provenance()).unwrap();
        write(&mut directory, "report.html", "new");
        assert!(!target.join("report.html").exists(), "nothing is visible before publishing");
        directory.publish().unwrap();
        assert_eq!(fs::read_to_string(target.join("report.html")).unwrap(), "new");
        assert!(!target.join("revocation-plan.csv").exists(), "a stale report file is removed");
        assert_eq!(fs::read_to_string(target.join("notes.txt")).unwrap(), "mine", "other files stay");
        let left: Vec<_> = fs::read_dir(&target).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(left.len(), 3, "no staging folder is left: {left:?}");
    }

    #[test]
    fn the_manifest_names_every_file_by_digest_and_size_and_comes_last() {
        let root = tempfile::tempdir().unwrap();
        let mut directory = ReportDirectory::create(root.path(), &provenance()).unwrap();
        write(&mut directory, "report.html", "abc");
        write(&mut directory, "anomalies.csv", "");
        let written = directory.publish().unwrap();
        assert_eq!(written.last().unwrap(), &root.path().join(MANIFEST_JSON));
        let manifest = Manifest::parse(&fs::read(root.path().join(MANIFEST_JSON)).unwrap()).unwrap();
        let files: Vec<(&str, &str, u64)> =
            manifest.files.iter().map(|file| (file.name.as_str(), file.sha256.as_str(), file.size)).collect();
        assert_eq!(
            files,
            [
                ("anomalies.csv", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0),
                ("report.html", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 3),
            ]
        );
        assert_eq!(manifest.command_line, ["permaudit", "report"]);
        assert!(!root.path().join(MANIFEST_SIG).exists(), "no key, no signature");
    }

    #[test]
    fn files_written_at_once_are_recorded_as_if_written_in_turn() {
        let contents = [("report.html", "page"), ("permissions.csv", "rows"), ("anomalies.csv", "")];
        let root = tempfile::tempdir().unwrap();
        let in_turn = root.path().join("in-turn");
        let mut directory = ReportDirectory::create(&in_turn, &provenance()).unwrap();
        contents.iter().for_each(|(name, text)| write(&mut directory, name, text));
        let expected = directory.publish().unwrap();
        let at_once = root.path().join("at-once");
        let mut directory = ReportDirectory::create(&at_once, &provenance()).unwrap();
        let files: Vec<(&str, Fill<'_>)> = contents
            .iter()
            .map(|&(name, text)| -> (&str, Fill<'_>) { (name, Box::new(move |out| out.write_all(text.as_bytes()))) })
            .collect();
        directory.write_concurrently(files).unwrap();
        let written = directory.publish().unwrap();
        let names =
            |paths: &[PathBuf]| -> Vec<_> { paths.iter().map(|path| path.file_name().unwrap().to_owned()).collect() };
        assert_eq!(names(&written), names(&expected));
        for path in &expected {
            let name = path.file_name().unwrap();
            assert_eq!(fs::read(at_once.join(name)).unwrap(), fs::read(path).unwrap(), "{name:?}");
        }
    }

    #[test]
    fn the_first_failure_of_files_written_at_once_is_returned_and_nothing_published() {
        let root = tempfile::tempdir().unwrap();
        let mut directory = ReportDirectory::create(root.path(), &provenance()).unwrap();
        let files: Vec<(&str, Fill<'_>)> = vec![
            ("report.html", Box::new(|out| out.write_all(b"page"))),
            ("permissions.csv", Box::new(|_| Err(io::Error::other("first")))),
            ("anomalies.csv", Box::new(|_| Err(io::Error::other("second")))),
        ];
        let error = directory.write_concurrently(files).unwrap_err().to_string();
        assert!(error.contains("permissions.csv") && error.contains("first"), "{error}");
        drop(directory);
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0, "nothing is published");
    }

    #[test]
    fn a_signing_key_adds_the_signature_of_the_manifest() {
        let root = tempfile::tempdir().unwrap();
        let key = signing::generate().unwrap();
        let provenance = Provenance { signing_key: Some(key.clone()), ..provenance() };
        let mut directory = ReportDirectory::create(root.path(), &provenance).unwrap();
        write(&mut directory, "report.html", "abc");
        directory.publish().unwrap();
        let manifest = fs::read(root.path().join(MANIFEST_JSON)).unwrap();
        let signature = fs::read(root.path().join(MANIFEST_SIG)).unwrap();
        signing::check(&key.verifying_key(), &manifest, &signature).unwrap();
    }

    /// Leaves in `target` what a run killed while publishing leaves: a staging folder with its list
    /// and the files not moved yet, the moved ones in place beside an older report's.
    fn interrupted_publication(target: &Path) {
        let staging = target.join(".permaudit-staging-AbC123");
        fs::create_dir_all(&staging).unwrap();
        fs::write(staging.join(PUBLICATION), "permissions.json\nreport.html").unwrap();
        fs::write(staging.join("report.html"), "new").unwrap();
        fs::write(target.join("permissions.json"), "new").unwrap();
        fs::write(target.join("report.html"), "old").unwrap();
        fs::write(target.join("revocation-plan.csv"), "old").unwrap();
    }

    #[test]
    fn an_interrupted_publication_is_finished_before_the_next_report() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        interrupted_publication(&target);
        let never_published = target.join(".permaudit-staging-XyZ789");
        fs::create_dir_all(&never_published).unwrap();
        fs::write(never_published.join("report.html"), "half").unwrap();
        let directory = ReportDirectory::create(&target, &provenance()).unwrap();
        assert_eq!(fs::read_to_string(target.join("report.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(target.join("permissions.json")).unwrap(), "new");
        assert!(!target.join("revocation-plan.csv").exists(), "the interrupted report did not hold it");
        assert!(!never_published.exists(), "a staging folder that never published is removed");
        drop(directory);
        let left: Vec<_> = fs::read_dir(&target).unwrap().map(|entry| entry.unwrap().file_name()).collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }

    #[test]
    fn a_report_that_fails_after_a_recovery_leaves_the_recovered_one_whole() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        interrupted_publication(&target);
        fs::remove_file(target.join("revocation-plan.csv")).unwrap();
        fs::create_dir(target.join("revocation-plan.csv")).unwrap();
        let mut directory = ReportDirectory::create(&target, &provenance()).unwrap();
        write(&mut directory, "permissions.json", "newer");
        write(&mut directory, "revocation-plan.csv", "newer");
        assert!(directory.publish().is_err(), "the path in the way stops this report");
        assert_eq!(fs::read_to_string(target.join("permissions.json")).unwrap(), "new");
        assert_eq!(fs::read_to_string(target.join("report.html")).unwrap(), "new");
    }

    #[test]
    fn errors_name_their_cause_once() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("a-file");
        fs::write(&file, "").unwrap();
        let error = ReportDirectory::create(&file, &provenance()).err().unwrap();
        let chained = format!("{:#}", anyhow::Error::new(error));
        assert_eq!(chained.matches("os error").count(), 1, "{chained}");
    }

    #[test]
    fn a_blocked_path_replaces_nothing() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        fs::create_dir_all(target.join("report.html")).unwrap();
        fs::write(target.join("permissions.json"), "old").unwrap();
        let mut directory = ReportDirectory::create(&target, &provenance()).unwrap();
        write(&mut directory, "permissions.json", "new");
        write(&mut directory, "report.html", "new");
        let error = directory.publish().unwrap_err().to_string();
        assert!(error.contains("is in the way: it is a directory"), "{error}");
        assert_eq!(fs::read_to_string(target.join("permissions.json")).unwrap(), "old");
    }
}
