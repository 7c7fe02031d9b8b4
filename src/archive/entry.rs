//! One archived collection as a file: a zstd file whose skippable frames carry the entry's header
//! (its place in the chain) and its records (what changed), followed by the snapshot itself as a
//! normal zstd frame. `zstd -d` ignores skippable frames, so decompressing the file gives the snapshot
//! byte for byte. A pruned entry keeps its header and records and replaces the snapshot by a note.
//!
//! The chain hashes only the header and the records: pruning removes the snapshot but keeps the
//! link, and the header holds the snapshot's own hash, so the snapshot is covered too.

use super::records::Records;
use super::ArchiveError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;

/// The `format` of an entry's header.
pub const ENTRY_FORMAT: &str = "permaudit-archive-entry/1";

/// Magic numbers of the skippable frames (zstd reserves 0x184D2A50 to 0x184D2A5F).
const HEADER_FRAME: u32 = 0x184D_2A50;
const RECORDS_FRAME: u32 = 0x184D_2A51;
const PRUNED_FRAME: u32 = 0x184D_2A52;
/// The magic number of a normal zstd frame.
const ZSTD_FRAME: u32 = 0xFD2F_B528;
/// The compression level of snapshots and records: zstd's fastest, which compresses the benchmark
/// organization's snapshot about 18×, within 1% of level 3's size, in two thirds of its time.
pub const LEVEL: i32 = 1;

/// An entry's place in the archive: which collection, its hash, and the previous entry's hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub organization_id: String,
    pub sequence: i64,
    pub collected_at: String,
    pub source: String,
    pub complete: bool,
    pub gaps: Vec<String>,
    /// SHA-256 of the snapshot's bytes, as `sha256sum` prints it for the snapshot file.
    pub snapshot_sha256: String,
    /// The entry hash of the previous entry; empty for the first.
    pub previous_entry_sha256: String,
}

/// What replaced a pruned snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PruneNote {
    pub format: String,
    pub pruned_on: String,
    /// SHA-256 of the file before pruning.
    pub file_sha256: String,
}

/// The end of an entry file: the snapshot's compressed bytes, or the note of its pruning.
#[derive(Clone, Debug)]
pub enum Body {
    Snapshot(Vec<u8>),
    Pruned(PruneNote),
}

/// An entry read from its file.
#[derive(Clone, Debug)]
pub struct Entry {
    pub header: Header,
    /// SHA-256 of the header and records frames' contents: the link the next entry records.
    pub entry_sha256: String,
    /// SHA-256 of the whole file.
    pub file_sha256: String,
    records: Vec<u8>,
    pub body: Body,
}

impl Entry {
    /// Reads and parses an entry file; the snapshot stays compressed until [`Entry::snapshot`].
    pub fn read(path: &Path) -> Result<Entry, ArchiveError> {
        let bytes = std::fs::read(path).map_err(|error| ArchiveError::io(path, error))?;
        Entry::parse(&bytes).map_err(|message| ArchiveError::Entry { path: path.to_owned(), message })
    }

    fn parse(bytes: &[u8]) -> Result<Entry, String> {
        let (header_bytes, rest) = skippable(bytes, HEADER_FRAME).ok_or("it does not start with an archive header")?;
        let header: Header =
            serde_json::from_slice(header_bytes).map_err(|error| format!("its header is not valid: {error}"))?;
        if header.format != ENTRY_FORMAT {
            return Err(format!("its header has format `{}`, not `{ENTRY_FORMAT}`", header.format));
        }
        let (records, rest) = skippable(rest, RECORDS_FRAME).ok_or("its records frame is missing")?;
        let body = match skippable(rest, PRUNED_FRAME) {
            Some((note, [])) => Body::Pruned(
                serde_json::from_slice(note).map_err(|error| format!("its pruning note is not valid: {error}"))?,
            ),
            Some(_) => return Err("bytes follow its pruning note".to_owned()),
            None if frame_magic(rest) == Some(ZSTD_FRAME) => Body::Snapshot(rest.to_vec()),
            None => return Err("its snapshot frame is missing".to_owned()),
        };
        Ok(Entry {
            entry_sha256: entry_hash(header_bytes, records),
            file_sha256: hex(&Sha256::digest(bytes)),
            header,
            records: records.to_vec(),
            body,
        })
    }

    /// Decompresses the entry's records.
    pub fn records(&self) -> Result<Records, String> {
        let json =
            zstd::stream::decode_all(self.records.as_slice()).map_err(|error| format!("its records: {error}"))?;
        serde_json::from_slice(&json).map_err(|error| format!("its records are not valid: {error}"))
    }

    /// Decompresses the snapshot; `None` when the entry is pruned.
    pub fn snapshot(&self) -> Result<Option<Vec<u8>>, String> {
        match &self.body {
            Body::Pruned(_) => Ok(None),
            Body::Snapshot(compressed) => decompress(compressed)
                .map(Some)
                .map_err(|error| format!("its snapshot cannot be decompressed: {error}")),
        }
    }

    /// Returns the same entry with its snapshot replaced by a pruning note, as file bytes.
    pub fn pruned_bytes(&self, pruned_on: &str) -> Result<Vec<u8>, String> {
        let header = serde_json::to_vec(&self.header).map_err(|error| error.to_string())?;
        let note = PruneNote {
            format: ENTRY_FORMAT.to_owned(),
            pruned_on: pruned_on.to_owned(),
            file_sha256: self.file_sha256.clone(),
        };
        let note = serde_json::to_vec(&note).map_err(|error| error.to_string())?;
        let mut bytes = Vec::with_capacity(header.len() + self.records.len() + note.len() + 24);
        push_skippable(&mut bytes, HEADER_FRAME, &header)?;
        push_skippable(&mut bytes, RECORDS_FRAME, &self.records)?;
        push_skippable(&mut bytes, PRUNED_FRAME, &note)?;
        Ok(bytes)
    }
}

/// A new entry's frames, ready to be written.
pub struct NewEntry {
    pub header_bytes: Vec<u8>,
    pub records: Vec<u8>,
    pub entry_sha256: String,
}

impl NewEntry {
    /// Serializes the header and compresses the records.
    pub fn new(header: &Header, records: &Records) -> Result<NewEntry, String> {
        let header_bytes = serde_json::to_vec(header).map_err(|error| error.to_string())?;
        let mut encoder = zstd::stream::Encoder::new(Vec::new(), LEVEL).map_err(|error| error.to_string())?;
        serde_json::to_writer(&mut encoder, records).map_err(|error| error.to_string())?;
        let records = encoder.finish().map_err(|error| error.to_string())?;
        let entry_sha256 = entry_hash(&header_bytes, &records);
        Ok(NewEntry { header_bytes, records, entry_sha256 })
    }

    /// Writes the entry file: header, records, then the snapshot compressed (already, by the caller).
    pub fn write(&self, out: &mut impl Write, compressed_snapshot: &[u8]) -> std::io::Result<String> {
        let mut head = Vec::with_capacity(self.header_bytes.len() + self.records.len() + 16);
        push_skippable(&mut head, HEADER_FRAME, &self.header_bytes).map_err(std::io::Error::other)?;
        push_skippable(&mut head, RECORDS_FRAME, &self.records).map_err(std::io::Error::other)?;
        out.write_all(&head)?;
        out.write_all(compressed_snapshot)?;
        let mut hasher = Sha256::new();
        hasher.update(&head);
        hasher.update(compressed_snapshot);
        Ok(hex(&hasher.finalize()))
    }
}

/// Compresses a snapshot as the archive stores it: one frame that records its size, so that reading
/// it back allocates once.
pub fn compress(snapshot: &[u8]) -> std::io::Result<Vec<u8>> {
    zstd::bulk::compress(snapshot, LEVEL)
}

/// The largest size a frame's header may claim before the frame is read as a stream instead: a damaged
/// header must not make the reader allocate what it cannot.
const MOST_BYTES_PER_COMPRESSED_BYTE: usize = 1024;

/// Decompresses a snapshot frame, in one allocation when its header says its size.
fn decompress(compressed: &[u8]) -> std::io::Result<Vec<u8>> {
    let limit = compressed.len().saturating_mul(MOST_BYTES_PER_COMPRESSED_BYTE);
    match zstd::bulk::Decompressor::upper_bound(compressed) {
        Some(size) if size <= limit => zstd::bulk::decompress(compressed, size),
        _ => zstd::stream::decode_all(compressed),
    }
}

/// Returns the SHA-256 of bytes in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn entry_hash(header: &[u8], records: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(header);
    hasher.update(records);
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn frame_magic(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?))
}

/// Splits a skippable frame with this magic number off the front: its content, and what follows.
fn skippable(bytes: &[u8], magic: u32) -> Option<(&[u8], &[u8])> {
    if frame_magic(bytes)? != magic {
        return None;
    }
    let size = u32::from_le_bytes(bytes.get(4..8)?.try_into().ok()?) as usize;
    let content = bytes.get(8..8 + size)?;
    Some((content, &bytes[8 + size..]))
}

fn push_skippable(out: &mut Vec<u8>, magic: u32, content: &[u8]) -> Result<(), String> {
    let size = u32::try_from(content.len()).map_err(|_| "a frame larger than 4 GiB".to_owned())?;
    out.extend_from_slice(&magic.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(content);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            format: ENTRY_FORMAT.to_owned(),
            organization_id: "org_1".to_owned(),
            sequence: 1,
            collected_at: "2026-03-01T00:00:00+00:00".to_owned(),
            source: "test".to_owned(),
            complete: true,
            gaps: Vec::new(),
            snapshot_sha256: sha256(b"{}"),
            previous_entry_sha256: String::new(),
        }
    }

    #[test]
    fn an_entry_decompresses_to_its_snapshot_and_survives_pruning() {
        let new = NewEntry::new(&header(), &Records::default()).unwrap();
        let mut file = Vec::new();
        let file_sha256 = new.write(&mut file, &compress(b"{\"a\": 1}").unwrap()).unwrap();
        assert_eq!(
            zstd::stream::decode_all(file.as_slice()).unwrap(),
            b"{\"a\": 1}",
            "zstd skips the archive's frames"
        );
        let entry = Entry::parse(&file).unwrap();
        assert_eq!(entry.file_sha256, file_sha256);
        assert_eq!(entry.entry_sha256, new.entry_sha256);
        assert_eq!(entry.snapshot().unwrap().unwrap(), b"{\"a\": 1}");
        let pruned = Entry::parse(&entry.pruned_bytes("2026-04-01").unwrap()).unwrap();
        assert_eq!(pruned.entry_sha256, entry.entry_sha256, "pruning keeps the chain's link");
        assert!(pruned.snapshot().unwrap().is_none());
    }

    #[test]
    fn a_file_that_is_not_an_entry_is_refused() {
        assert!(Entry::parse(b"{\"format\": \"permaudit-snapshot/1\"}").is_err());
        assert!(Entry::parse(&compress(b"{}").unwrap()).is_err());
    }
}
