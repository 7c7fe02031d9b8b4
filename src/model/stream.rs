//! Reads a snapshot file in pieces and parses the pieces in parallel, so that a large organization
//! never has its whole text and its parsed records in memory at once.
//!
//! It relies on the layout that `Snapshot::save` writes (serde_json's pretty printer): top-level keys
//! on lines indented by two spaces, and each element of the long lists (members, groups, memberships,
//! clouds, projects) starting on a line indented by four spaces with `{`. A raw newline cannot occur
//! inside a JSON string, so every line start lies outside strings; and every piece handed to serde_json
//! is a whole JSON value, so a line that only looks like a boundary leaves a piece with unbalanced
//! brackets, which fails to parse. Any file this reader cannot take, or any piece that fails, makes it
//! answer `None`: the caller then parses the whole file with serde_json, whose errors name the field.
//! The records are parsed by the same `Deserialize` implementations either way.

use super::ids::OrgId;
use super::layout::{SnapshotFile, BYTE_ORDER_MARK};
use super::org::{Cloud, Group, Member, Membership, Project};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Bytes read from the file at a time.
const BLOCK: usize = 8 << 20;
/// A list's elements are parsed in batches of about this many bytes.
const BATCH: usize = 1 << 20;
/// Batches waiting to be parsed together, in parallel.
const PENDING: usize = 16;

/// The lists read element by element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List {
    Members,
    Groups,
    Memberships,
    Clouds,
    Projects,
}

impl List {
    const ALL: [(List, &'static [u8]); 5] = [
        (List::Members, b"  \"members\": ["),
        (List::Groups, b"  \"groups\": ["),
        (List::Memberships, b"  \"memberships\": ["),
        (List::Clouds, b"  \"clouds\": ["),
        (List::Projects, b"  \"projects\": ["),
    ];

    /// Returns the list a key line opens, when the line is exactly `  "name": [`.
    fn opened_by(line: &[u8]) -> Option<List> {
        List::ALL.iter().find(|(_, opening)| line == *opening).map(|&(list, _)| list)
    }
}

/// Top-level fields given on lines of their own (and lists written inline, such as `[]`), each parsed
/// from its own small piece; a field that appears twice or with `null` makes the reader give up.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    format: Option<String>,
    organization_id: Option<OrgId>,
    collected_at: Option<String>,
    source: Option<String>,
    complete: Option<bool>,
    gaps: Option<Vec<String>>,
    members: Option<Vec<Member>>,
    groups: Option<Vec<Group>>,
    memberships: Option<Vec<Membership>>,
    clouds: Option<Vec<Cloud>>,
    projects: Option<Vec<Project>>,
}

/// A piece of text waiting to be parsed: a batch of a list's elements, or one top-level field.
struct Piece {
    list: Option<List>,
    /// A whole JSON value: `[...]` for a batch, `{...}` for a field.
    text: Vec<u8>,
}

/// A parsed piece.
enum Parsed {
    Members(Vec<Member>),
    Groups(Vec<Group>),
    Memberships(Vec<Membership>),
    Clouds(Vec<Cloud>),
    Projects(Vec<Project>),
    Fields(Box<Fields>),
}

/// Where the reader stands in the document.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening `{`.
    Start,
    /// Between top-level fields.
    Top,
    /// Inside a field given on lines of its own.
    Field,
    /// Inside a list read element by element.
    List(List),
    /// After the closing `}`.
    End,
}

/// Reads the snapshot at `path`, showing every byte read to `hasher` when given; `Ok(None)` when the
/// file is not in the layout this reader takes or does not parse, and the caller must parse it whole.
pub(super) fn read(path: &Path, mut hasher: Option<&mut Sha256>) -> io::Result<Option<SnapshotFile>> {
    let mut file = File::open(path)?;
    let mut reader = Reader::default();
    let mut block = Vec::with_capacity(BLOCK);
    let mut first = true;
    loop {
        let start = block.len();
        block.resize(start + BLOCK, 0);
        let count = read_full(&mut file, &mut block[start..])?;
        block.truncate(start + count);
        if let Some(hasher) = hasher.as_deref_mut() {
            hasher.update(&block[start..]);
        }
        if first {
            if let Some(rest) = block.strip_prefix(BYTE_ORDER_MARK) {
                block = rest.to_vec();
            }
            first = false;
        }
        let at_end = count == 0;
        let consumed = match reader.lines(&block, at_end) {
            Some(consumed) => consumed,
            None => return Ok(None),
        };
        block.drain(..consumed);
        if reader.flush(at_end).is_none() {
            return Ok(None);
        }
        if at_end {
            return Ok(reader.finish());
        }
    }
}

/// Reads until `buffer` is full or the file ends; returns the bytes read.
fn read_full(file: &mut File, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(count) => filled += count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(filled)
}

#[derive(Default)]
struct Reader {
    state: StateCell,
    /// Whether the last top-level value ended with a comma; `None` before the first one.
    comma_after_value: Option<bool>,
    /// The list or field being gathered.
    current: Vec<u8>,
    pending: Vec<Piece>,
    pending_bytes: usize,
    parsed: Parts,
}

/// The state, defaulting to [`State::Start`].
struct StateCell(State);

impl Default for StateCell {
    fn default() -> Self {
        StateCell(State::Start)
    }
}

/// What has been parsed so far.
#[derive(Default)]
struct Parts {
    fields: Fields,
    members: Vec<Member>,
    groups: Vec<Group>,
    memberships: Vec<Membership>,
    clouds: Vec<Cloud>,
    projects: Vec<Project>,
    /// The lists met as element-by-element lists, to refuse one given twice.
    seen: Vec<List>,
}

impl Reader {
    /// Handles every whole line of `block` (and, at the end of the file, its last line); returns how
    /// many bytes were handled, or `None` when the layout is not the expected one.
    fn lines(&mut self, block: &[u8], at_end: bool) -> Option<usize> {
        let mut start = 0;
        for newline in memchr::memchr_iter(b'\n', block) {
            self.line(&block[start..=newline])?;
            start = newline + 1;
        }
        if at_end && start < block.len() {
            self.line(&block[start..])?;
            start = block.len();
        }
        Some(start)
    }

    /// Handles one line, with its newline.
    fn line(&mut self, line: &[u8]) -> Option<()> {
        let content = trim_end(line);
        match self.state.0 {
            State::Start => {
                (content == b"{").then_some(())?;
                self.state.0 = State::Top;
            }
            State::End => content.is_empty().then_some(())?,
            State::List(list) => self.list_line(list, line, content)?,
            State::Top | State::Field => self.top_line(line, content)?,
        }
        Some(())
    }

    /// Handles a line between or inside top-level fields.
    fn top_line(&mut self, line: &[u8], content: &[u8]) -> Option<()> {
        let is_key = content.starts_with(b"  \"");
        if (is_key || content == b"}") && self.state.0 == State::Field {
            self.end_field();
        }
        if is_key || content == b"}" {
            // A comma separates fields: one before every key but the first, none before the `}`.
            let comma = self.comma_after_value.take();
            let separated = if is_key { comma != Some(false) } else { comma != Some(true) };
            separated.then_some(())?;
        }
        if content == b"}" {
            self.state.0 = State::End;
        } else if let Some(list) = List::opened_by(content).filter(|_| is_key) {
            if self.parsed.seen.contains(&list) {
                return None;
            }
            self.parsed.seen.push(list);
            self.current.clear();
            self.current.push(b'[');
            self.state.0 = State::List(list);
        } else if is_key {
            self.current.clear();
            self.current.push(b'{');
            self.current.extend_from_slice(line);
            self.state.0 = State::Field;
        } else {
            // Only a field's continuation lines may come here.
            (self.state.0 == State::Field).then_some(())?;
            self.current.extend_from_slice(line);
        }
        Some(())
    }

    /// Handles a line of a list read element by element.
    fn list_line(&mut self, list: List, line: &[u8], content: &[u8]) -> Option<()> {
        if content == b"  ]" || content == b"  ]," {
            self.end_batch(list, true)?;
            self.comma_after_value = Some(content.ends_with(b","));
            self.state.0 = State::Top;
        } else {
            if line.starts_with(b"    {") && self.current.len() >= BATCH {
                self.end_batch(list, false)?;
                self.current.push(b'[');
            }
            self.current.extend_from_slice(line);
        }
        Some(())
    }

    /// Queues the elements gathered so far as one batch: `[` elements `]`. A batch cut before the next
    /// element ends with the comma that separates them, which is dropped; the list's last batch ends
    /// without one.
    fn end_batch(&mut self, list: List, is_last: bool) -> Option<()> {
        let mut text = std::mem::take(&mut self.current);
        let has_comma = without_trailing_comma(&mut text);
        (has_comma != is_last).then_some(())?;
        text.push(b']');
        self.queue(Piece { list: Some(list), text });
        Some(())
    }

    /// Queues a top-level field as a one-field object, without its trailing comma.
    fn end_field(&mut self) {
        let mut text = std::mem::take(&mut self.current);
        self.comma_after_value = Some(without_trailing_comma(&mut text));
        text.push(b'}');
        self.queue(Piece { list: None, text });
    }

    fn queue(&mut self, piece: Piece) {
        self.pending_bytes += piece.text.len();
        self.pending.push(piece);
    }

    /// Parses the queued pieces when enough are waiting, or at the end; `None` when one fails.
    fn flush(&mut self, at_end: bool) -> Option<()> {
        if !at_end && self.pending.len() < PENDING && self.pending_bytes < BLOCK {
            return Some(());
        }
        use rayon::prelude::*;
        let pieces = std::mem::take(&mut self.pending);
        self.pending_bytes = 0;
        let parsed: Option<Vec<Parsed>> = pieces.par_iter().map(parse).collect();
        for part in parsed? {
            self.parsed.add(part)?;
        }
        Some(())
    }

    /// Returns the sections once the whole document has been read.
    fn finish(self) -> Option<SnapshotFile> {
        (self.state.0 == State::End && self.pending.is_empty()).then_some(())?;
        self.parsed.sections()
    }
}

fn parse(piece: &Piece) -> Option<Parsed> {
    fn records<T: DeserializeOwned>(text: &[u8]) -> Option<Vec<T>> {
        serde_json::from_slice(text).ok()
    }
    let text = piece.text.as_slice();
    Some(match piece.list {
        Some(List::Members) => Parsed::Members(records(text)?),
        Some(List::Groups) => Parsed::Groups(records(text)?),
        Some(List::Memberships) => Parsed::Memberships(records(text)?),
        Some(List::Clouds) => Parsed::Clouds(records(text)?),
        Some(List::Projects) => Parsed::Projects(records(text)?),
        None => Parsed::Fields(Box::new(serde_json::from_slice(text).ok()?)),
    })
}

impl Parts {
    fn add(&mut self, part: Parsed) -> Option<()> {
        match part {
            Parsed::Members(records) => self.members.extend(records),
            Parsed::Groups(records) => self.groups.extend(records),
            Parsed::Memberships(records) => self.memberships.extend(records),
            Parsed::Clouds(records) => self.clouds.extend(records),
            Parsed::Projects(records) => self.projects.extend(records),
            Parsed::Fields(fields) => self.merge(*fields)?,
        }
        Some(())
    }

    /// Takes the one field of a piece; a field given twice, or a list given both inline and element by
    /// element, is refused.
    fn merge(&mut self, fields: Fields) -> Option<()> {
        fn take<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
            match (slot.is_some(), value) {
                (true, Some(_)) => None,
                (_, Some(value)) => {
                    *slot = Some(value);
                    Some(())
                }
                (_, None) => Some(()),
            }
        }
        let own = &mut self.fields;
        take(&mut own.format, fields.format)?;
        take(&mut own.organization_id, fields.organization_id)?;
        take(&mut own.collected_at, fields.collected_at)?;
        take(&mut own.source, fields.source)?;
        take(&mut own.complete, fields.complete)?;
        take(&mut own.gaps, fields.gaps)?;
        take(&mut own.members, fields.members)?;
        take(&mut own.groups, fields.groups)?;
        take(&mut own.memberships, fields.memberships)?;
        take(&mut own.clouds, fields.clouds)?;
        take(&mut own.projects, fields.projects)
    }

    /// Returns the file's fields when every one was given exactly once.
    fn sections(self) -> Option<SnapshotFile> {
        let fields = self.fields;
        let seen = &self.seen;
        Some(SnapshotFile {
            format: fields.format?,
            organization_id: fields.organization_id?,
            collected_at: fields.collected_at?,
            source: fields.source?,
            complete: fields.complete?,
            gaps: fields.gaps?,
            members: one_of(fields.members, self.members, seen.contains(&List::Members))?,
            groups: one_of(fields.groups, self.groups, seen.contains(&List::Groups))?,
            memberships: one_of(fields.memberships, self.memberships, seen.contains(&List::Memberships))?,
            clouds: one_of(fields.clouds, self.clouds, seen.contains(&List::Clouds))?,
            projects: one_of(fields.projects, self.projects, seen.contains(&List::Projects))?,
        })
    }
}

/// Returns a list given either inline or element by element, but not both nor neither.
fn one_of<T>(inline: Option<Vec<T>>, streamed: Vec<T>, was_streamed: bool) -> Option<Vec<T>> {
    match (inline, was_streamed) {
        (Some(records), false) => Some(records),
        (None, true) => Some(streamed),
        _ => None,
    }
}

/// Removes the whitespace at the end of `text`, then a comma there; returns whether there was one.
fn without_trailing_comma(text: &mut Vec<u8>) -> bool {
    let kept = trim_end(text).len();
    text.truncate(kept);
    let has_comma = text.last() == Some(&b',');
    if has_comma {
        text.pop();
    }
    has_comma
}

/// Returns `bytes` without the JSON whitespace at its end.
fn trim_end(bytes: &[u8]) -> &[u8] {
    let kept = bytes.iter().rposition(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r')).map_or(0, |last| last + 1);
    &bytes[..kept]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Collection, Snapshot};
    use crate::synth::{generate, Shape};

    fn saved_snapshot(directory: &Path, members: usize) -> std::path::PathBuf {
        let shape = Shape { members, groups: 40, group_size: 8, clouds: 6, projects: 90, grants: 4000, seed: 3 };
        let collection = Collection {
            collected_at: "2026-01-01T00:00:00+00:00".to_owned(),
            source: "test".to_owned(),
            complete: false,
            gaps: vec!["clouds: one\nline".to_owned(), "projects".to_owned()],
        };
        let snapshot = Snapshot { organization: generate(&shape), collection };
        let path = directory.join(format!("org-{members}.json"));
        snapshot.save(&path).expect("the snapshot is written");
        path
    }

    /// The whole-file parse: the slow, obvious twin of the reader.
    fn parsed_whole(path: &Path) -> Snapshot {
        let bytes = std::fs::read(path).expect("the file is read");
        Snapshot::from_slice(&bytes, path).expect("the snapshot parses")
    }

    fn parsed_in_pieces(path: &Path) -> Option<Snapshot> {
        let file = read(path, None).expect("the file is read")?;
        Some(Snapshot::from_file(file, path).expect("the snapshot is valid"))
    }

    #[test]
    fn a_saved_snapshot_read_in_pieces_equals_the_whole_file_parse() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        // 6,000 members make several batches of members, parsed in parallel.
        for members in [0, 1, 6000] {
            let path = saved_snapshot(directory.path(), members);
            assert_eq!(parsed_in_pieces(&path), Some(parsed_whole(&path)), "{members} members");
        }
    }

    #[test]
    fn other_layouts_are_left_to_the_whole_file_parse() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let path = saved_snapshot(directory.path(), 50);
        let text = std::fs::read_to_string(&path).expect("the file is read");
        let compact =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&text).expect("json")).expect("json");
        let unknown_field = text.replacen("  \"source\"", "  \"extra\": 1,\n  \"source\"", 1);
        let twice = text.replacen("  \"source\"", "  \"format\": \"permaudit-snapshot/1\",\n  \"source\"", 1);
        let list_twice = text.replacen("  \"source\"", "  \"groups\": [],\n  \"source\"", 1);
        let cut = text[..text.len() / 2].to_owned();
        let trailing = format!("{text}x");
        let null_field = text.replacen("\"complete\": false", "\"complete\": null", 1);
        // Invalid JSON that pieces cut at the lines would hide: a missing or an extra comma.
        let no_comma = text.replacen("\"complete\": false,", "\"complete\": false", 1);
        let extra_comma = text.replacen("\n  ]\n}", "\n  ],\n}", 1);
        let last_element_comma = text.replacen("\n    }\n  ],\n  \"groups\"", "\n    },\n  ],\n  \"groups\"", 1);
        let element_without_comma = text.replacen("\n    },\n    {", "\n    }\n    {", 1);
        for (modified, original) in [(&no_comma, &text), (&extra_comma, &text), (&last_element_comma, &text)] {
            assert_ne!(modified, original, "the variant differs from the saved file");
        }
        for (name, variant) in [
            ("no-comma", no_comma),
            ("extra-comma", extra_comma),
            ("last-element-comma", last_element_comma),
            ("element-without-comma", element_without_comma),
            ("compact", compact),
            ("unknown", unknown_field),
            ("twice", twice),
            ("list-twice", list_twice),
            ("cut", cut),
            ("trailing", trailing),
            ("null", null_field),
        ] {
            let variant_path = directory.path().join(format!("{name}.json"));
            std::fs::write(&variant_path, variant).expect("the variant is written");
            assert!(parsed_in_pieces(&variant_path).is_none(), "{name}");
        }
    }

    #[test]
    fn a_byte_order_mark_and_windows_line_ends_are_read_in_pieces() {
        let directory = tempfile::tempdir().expect("a temporary folder");
        let path = saved_snapshot(directory.path(), 30);
        let expected = parsed_whole(&path);
        let text = std::fs::read_to_string(&path).expect("the file is read");
        let variant = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        std::fs::write(&path, variant).expect("the variant is written");
        assert_eq!(parsed_in_pieces(&path), Some(expected));
    }
}
