//! `manifest.json`, format `permaudit-manifest/1`: what a report directory holds and where it came
//! from. It is the last file a report writes, and names every other one by SHA-256 and size, so that
//! `permaudit verify` can tell a changed, missing or extra file (`docs/evidence.md`).

use super::{Provenance, RedactionFacts, SnapshotFacts, VERSION};
use serde::{Deserialize, Serialize};

/// The `format` value of the manifests this build writes and reads.
pub const MANIFEST_FORMAT: &str = "permaudit-manifest/1";

/// The manifest's file name in a report directory.
pub const MANIFEST_JSON: &str = "manifest.json";

/// The signature's file name in a report directory.
pub const MANIFEST_SIG: &str = "manifest.sig";

/// One file of a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// The file's name in the directory (never a path).
    pub name: String,
    pub sha256: String,
    pub size: u64,
}

/// The manifest of a report directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub permaudit_version: String,
    pub command_line: Vec<String>,
    pub generated_at: String,
    pub snapshots: Vec<SnapshotFacts>,
    pub redaction: Option<RedactionFacts>,
    /// Every file of the report but the manifest and its signature, by name.
    pub files: Vec<FileEntry>,
}

/// Why a manifest cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("is not a permaudit manifest: {0}")]
    Malformed(String),
    #[error(
        "has format `{0}`, but this permaudit reads `{MANIFEST_FORMAT}`; verify it with the version that wrote it"
    )]
    Format(String),
}

impl Manifest {
    /// Returns the manifest of a report with `provenance` whose files are `files` (sorted by name here).
    pub fn new(provenance: &Provenance, mut files: Vec<FileEntry>) -> Manifest {
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Manifest {
            format: MANIFEST_FORMAT.to_owned(),
            permaudit_version: VERSION.to_owned(),
            command_line: provenance.command_line.clone(),
            generated_at: provenance.generated_at.clone(),
            snapshots: provenance.snapshots.clone(),
            redaction: provenance.redaction.clone(),
            files,
        }
    }

    /// Returns the manifest's bytes: JSON with an indent of two spaces, keys in a fixed order, and a
    /// final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing strings, numbers and lists into memory cannot fail.
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Parses a manifest and checks that every file it names is a plain file name.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|error| ManifestError::Malformed(error.to_string()))?;
        match value.get("format").and_then(serde_json::Value::as_str) {
            Some(MANIFEST_FORMAT) => {}
            Some(other) => return Err(ManifestError::Format(crate::untrusted::value(other))),
            None => return Err(ManifestError::Malformed("no `format`".to_owned())),
        }
        let manifest: Manifest =
            serde_json::from_value(value).map_err(|error| ManifestError::Malformed(error.to_string()))?;
        let mut names: Vec<&str> = manifest.files.iter().map(|file| file.name.as_str()).collect();
        if let Some(bad) = names.iter().find(|name| !is_plain_name(name)) {
            return Err(ManifestError::Malformed(format!("`{}` is not a file name", crate::untrusted::value(bad))));
        }
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(ManifestError::Malformed(format!("`{}` is listed twice", crate::untrusted::value(pair[0]))));
        }
        Ok(manifest)
    }
}

/// Returns true for a name that stays inside its directory: no separator, not `.` or `..`, not the
/// manifest or its signature.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.contains(['/', '\\', '\0'])
        && name != "."
        && name != ".."
        && name != MANIFEST_JSON
        && name != MANIFEST_SIG
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provenance() -> Provenance {
        Provenance {
            command_line: vec!["permaudit".into(), "report".into()],
            generated_at: "2026-12-01T00:00:00Z".into(),
            snapshots: Vec::new(),
            redaction: None,
            signing_key: None,
        }
    }

    #[test]
    fn a_manifest_reads_back_what_it_wrote() {
        let files = vec![
            FileEntry { name: "report.html".into(), sha256: "b".repeat(64), size: 2 },
            FileEntry { name: "anomalies.csv".into(), sha256: "a".repeat(64), size: 1 },
        ];
        let manifest = Manifest::new(&provenance(), files);
        assert_eq!(manifest.files[0].name, "anomalies.csv", "files are sorted by name");
        let bytes = manifest.to_bytes();
        assert!(bytes.starts_with(b"{\n  \"format\": \"permaudit-manifest/1\",\n"));
        assert!(bytes.ends_with(b"}\n"));
        assert_eq!(Manifest::parse(&bytes).unwrap(), manifest);
    }

    #[test]
    fn names_that_leave_the_directory_are_refused() {
        for name in ["../secret", "a/b", "..", "", "manifest.json"] {
            let files = vec![FileEntry { name: name.into(), sha256: String::new(), size: 0 }];
            let bytes = Manifest::new(&provenance(), files).to_bytes();
            assert!(matches!(Manifest::parse(&bytes), Err(ManifestError::Malformed(_))), "{name}");
        }
        let twice = vec![
            FileEntry { name: "a".into(), sha256: String::new(), size: 0 },
            FileEntry { name: "a".into(), sha256: String::new(), size: 0 },
        ];
        let error = Manifest::parse(&Manifest::new(&provenance(), twice).to_bytes()).unwrap_err();
        assert!(error.to_string().contains("listed twice"), "{error}");
    }

    #[test]
    fn another_format_is_named() {
        let error = Manifest::parse(br#"{"format": "permaudit-manifest/9"}"#).unwrap_err();
        assert!(matches!(error, ManifestError::Format(found) if found == "permaudit-manifest/9"));
        assert!(matches!(Manifest::parse(b"not json"), Err(ManifestError::Malformed(_))));
    }
}
