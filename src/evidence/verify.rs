//! Checks a report directory against its manifest: every file the manifest names is hashed again, and
//! every other entry in the directory is named as extra (a report directory holds the report and
//! nothing else; notes belong beside it). With a public key, `manifest.sig` must be its signature of
//! the manifest's bytes.

use super::manifest::{Manifest, ManifestError, MANIFEST_JSON, MANIFEST_SIG};
use super::signing;
use crate::digest::Sha256Digest;
use ed25519_dalek::VerifyingKey;
use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

/// One way a directory differs from its manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `manifest.json` is missing or does not parse.
    Manifest { why: String },
    /// A file's bytes are not those the manifest names.
    Changed { name: String, why: String },
    /// A file the manifest names is not there.
    Missing { name: String },
    /// An entry the manifest does not name.
    Extra { name: String },
    /// The signature is missing or does not match (checked only with a public key).
    Signature { why: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Manifest { why } => write!(f, "manifest: {why}"),
            Problem::Changed { name, why } => write!(f, "changed: {name}: {why}"),
            Problem::Missing { name } => write!(f, "missing: {name}"),
            Problem::Extra { name } => write!(f, "extra: {name}"),
            Problem::Signature { why } => write!(f, "signature: {why}"),
        }
    }
}

/// What became of the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureState {
    /// Checked with the public key given: it matches.
    Valid,
    /// Checked with the public key given: missing or not matching (a [`Problem::Signature`]).
    Invalid,
    /// `manifest.sig` is there, but no public key was given to check it with.
    Unchecked,
    /// No `manifest.sig`, and no public key was given.
    Unsigned,
}

/// The result of checking a directory.
#[derive(Debug)]
pub struct Verification {
    /// The manifest, when it parses.
    pub manifest: Option<Manifest>,
    /// Every difference, in the order: manifest, files in manifest order, extra entries by name,
    /// signature. None: the directory is what the manifest says.
    pub problems: Vec<Problem>,
    pub signature: SignatureState,
}

/// Why a directory could not be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read the report directory `{}`: {source}", path.display())]
    Directory { path: PathBuf, source: io::Error },
    #[error("`{}` {source}", path.display())]
    Format { path: PathBuf, source: ManifestError },
}

/// Checks `directory` against its manifest, and its signature when `public_key` is given.
pub fn verify_directory(directory: &Path, public_key: Option<&VerifyingKey>) -> Result<Verification, VerifyError> {
    let unreadable = |source| VerifyError::Directory { path: directory.to_owned(), source };
    if !fs::metadata(directory).map_err(unreadable)?.is_dir() {
        let source = io::Error::new(io::ErrorKind::NotADirectory, "it is not a directory");
        return Err(VerifyError::Directory { path: directory.to_owned(), source });
    }
    let mut problems = Vec::new();
    let manifest_bytes = read_regular(&directory.join(MANIFEST_JSON));
    let manifest = match &manifest_bytes {
        Ok(bytes) => match Manifest::parse(bytes) {
            Ok(manifest) => Some(manifest),
            Err(ManifestError::Malformed(why)) => {
                problems.push(Problem::Manifest { why: format!("{MANIFEST_JSON} {}", ManifestError::Malformed(why)) });
                None
            }
            Err(source) => return Err(VerifyError::Format { path: directory.join(MANIFEST_JSON), source }),
        },
        Err(why) => {
            problems.push(Problem::Manifest { why: format!("{MANIFEST_JSON} {why}") });
            None
        }
    };
    if let Some(manifest) = &manifest {
        problems.extend(manifest.files.iter().filter_map(|file| check_file(directory, file)));
    }
    problems.extend(extra_entries(directory, manifest.as_ref()).map_err(unreadable)?);
    let signature = check_signature(directory, manifest_bytes.as_deref().ok(), public_key, &mut problems);
    Ok(Verification { manifest, problems, signature })
}

/// Returns the problem with one file the manifest names, if any.
fn check_file(directory: &Path, file: &super::manifest::FileEntry) -> Option<Problem> {
    let path = directory.join(&file.name);
    let name = file.name.clone();
    match fs::symlink_metadata(&path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Some(Problem::Missing { name }),
        Err(error) => return Some(Problem::Changed { name, why: format!("cannot be read: {error}") }),
        Ok(metadata) if !metadata.is_file() => {
            return Some(Problem::Changed { name, why: "is no longer a regular file".to_owned() })
        }
        Ok(_) => {}
    }
    let hashed = fs::File::open(&path).and_then(|opened| Sha256Digest::of_reader(BufReader::new(opened)));
    let (digest, size) = match hashed {
        Ok(found) => found,
        Err(error) => return Some(Problem::Changed { name, why: format!("cannot be read: {error}") }),
    };
    let expected = Sha256Digest::from_hex(&file.sha256);
    if size != file.size {
        Some(Problem::Changed { name, why: format!("{size} bytes, the manifest says {}", file.size) })
    } else if expected != Some(digest) {
        Some(Problem::Changed { name, why: format!("SHA-256 {digest}, the manifest says {}", file.sha256) })
    } else {
        None
    }
}

/// Returns every entry of `directory` that is neither a file the manifest names nor the manifest and
/// its signature, sorted by name (a folder's name ends with `/`).
fn extra_entries(directory: &Path, manifest: Option<&Manifest>) -> io::Result<Vec<Problem>> {
    let mut expected: BTreeSet<&str> = [MANIFEST_JSON, MANIFEST_SIG].into_iter().collect();
    if let Some(manifest) = manifest {
        expected.extend(manifest.files.iter().map(|file| file.name.as_str()));
    }
    let mut extra = Vec::new();
    for entry in fs::read_dir(directory)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if expected.contains(name.as_str()) {
            continue;
        }
        let is_folder = entry.file_type().is_ok_and(|kind| kind.is_dir());
        extra.push(if is_folder { format!("{name}/") } else { name });
    }
    extra.sort();
    Ok(extra.into_iter().map(|name| Problem::Extra { name }).collect())
}

/// Checks `manifest.sig` when a public key is given; says whether one is there otherwise.
fn check_signature(
    directory: &Path,
    manifest: Option<&[u8]>,
    public_key: Option<&VerifyingKey>,
    problems: &mut Vec<Problem>,
) -> SignatureState {
    let signature = read_regular(&directory.join(MANIFEST_SIG));
    let Some(public_key) = public_key else {
        return if signature.is_ok() { SignatureState::Unchecked } else { SignatureState::Unsigned };
    };
    let (Some(manifest), Ok(signature)) = (manifest, &signature) else {
        let why = match signature {
            Err(why) => format!("{MANIFEST_SIG} {why}: the report is not signed, or its signature was removed"),
            Ok(_) => format!("there is no {MANIFEST_JSON} to check {MANIFEST_SIG} against"),
        };
        problems.push(Problem::Signature { why });
        return SignatureState::Invalid;
    };
    match signing::check(public_key, manifest, signature) {
        Ok(()) => SignatureState::Valid,
        Err(error) => {
            problems.push(Problem::Signature { why: error.to_string() });
            SignatureState::Invalid
        }
    }
}

/// Reads a regular file (never through a link); the error says why in words that follow its name.
fn read_regular(path: &Path) -> Result<Vec<u8>, String> {
    match fs::symlink_metadata(path) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Err("is missing".to_owned()),
        Err(error) => return Err(format!("cannot be read: {error}")),
        Ok(metadata) if !metadata.is_file() => return Err("is not a regular file".to_owned()),
        Ok(_) => {}
    }
    fs::read(path).map_err(|error| format!("cannot be read: {error}"))
}
