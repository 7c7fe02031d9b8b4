//! Parses the pieces and assembles the snapshot file's sections from them, refusing any field given
//! twice or missing.

use super::scan::{List, Piece};
use crate::model::ids::OrgId;
use crate::model::layout::SnapshotFile;
use crate::model::org::{Cloud, Group, Member, Membership, Project};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Top-level fields given on lines of their own (and lists written inline, such as `[]`), each parsed
/// from its own small piece; a field that appears twice or with `null` makes the reader give up.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Fields {
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

/// A parsed piece.
pub(super) enum Parsed {
    Members(Vec<Member>),
    Groups(Vec<Group>),
    Memberships(Vec<Membership>),
    Clouds(Vec<Cloud>),
    Projects(Vec<Project>),
    Fields(Box<Fields>),
}

/// Parses a piece with the same `Deserialize` implementations as the whole-file parse; `None` when it
/// does not parse.
///
/// The piece's UTF-8 is checked once, as a whole, so that serde_json need not check each string on its
/// own (its slice parser checks each one in a call of its own). On valid UTF-8 both parsers accept the
/// same text with the same values; a piece that is not UTF-8 is left to the whole parse.
pub(super) fn parse(piece: &Piece) -> Option<Parsed> {
    fn records<T: DeserializeOwned>(text: &str) -> Option<Vec<T>> {
        serde_json::from_str(text).ok()
    }
    let text = std::str::from_utf8(&piece.text).ok()?;
    Some(match piece.list {
        Some(List::Members) => Parsed::Members(records(text)?),
        Some(List::Groups) => Parsed::Groups(records(text)?),
        Some(List::Memberships) => Parsed::Memberships(records(text)?),
        Some(List::Clouds) => Parsed::Clouds(records(text)?),
        Some(List::Projects) => Parsed::Projects(records(text)?),
        None => Parsed::Fields(Box::new(serde_json::from_str(text).ok()?)),
    })
}

/// A list read element by element: its batches, joined into one vector once the last one is in, so
/// that the list's vector is allocated once at its final size instead of growing as batches arrive.
struct Streamed<T> {
    batches: Vec<Vec<T>>,
    joined: Option<Vec<T>>,
}

impl<T> Default for Streamed<T> {
    fn default() -> Self {
        Streamed { batches: Vec::new(), joined: None }
    }
}

impl<T> Streamed<T> {
    /// Adds the list's next batch; `None` when the list has already ended.
    fn add(&mut self, batch: Vec<T>, last: bool) -> Option<()> {
        self.joined.is_none().then_some(())?;
        self.batches.push(batch);
        if last {
            self.joined = Some(joined(std::mem::take(&mut self.batches)));
        }
        Some(())
    }
}

/// Moves the records of `batches` into one vector, freeing each batch as soon as it is moved.
fn joined<T>(mut batches: Vec<Vec<T>>) -> Vec<T> {
    if batches.len() == 1 {
        return batches.pop().unwrap_or_default();
    }
    let mut records = Vec::with_capacity(batches.iter().map(Vec::len).sum());
    for batch in batches {
        records.extend(batch);
    }
    records
}

/// What has been parsed so far.
#[derive(Default)]
pub(super) struct Parts {
    fields: Fields,
    members: Streamed<Member>,
    groups: Streamed<Group>,
    memberships: Streamed<Membership>,
    clouds: Streamed<Cloud>,
    projects: Streamed<Project>,
}

impl Parts {
    /// Adds a parsed piece, in the document's order; `last` tells a list's last batch.
    pub(super) fn add(&mut self, part: Parsed, last: bool) -> Option<()> {
        match part {
            Parsed::Members(records) => self.members.add(records, last),
            Parsed::Groups(records) => self.groups.add(records, last),
            Parsed::Memberships(records) => self.memberships.add(records, last),
            Parsed::Clouds(records) => self.clouds.add(records, last),
            Parsed::Projects(records) => self.projects.add(records, last),
            Parsed::Fields(fields) => self.merge(*fields),
        }
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
    pub(super) fn sections(self) -> Option<SnapshotFile> {
        let fields = self.fields;
        Some(SnapshotFile {
            format: fields.format?,
            organization_id: fields.organization_id?,
            collected_at: fields.collected_at?,
            source: fields.source?,
            complete: fields.complete?,
            gaps: fields.gaps?,
            members: one_of(fields.members, self.members)?,
            groups: one_of(fields.groups, self.groups)?,
            memberships: one_of(fields.memberships, self.memberships)?,
            clouds: one_of(fields.clouds, self.clouds)?,
            projects: one_of(fields.projects, self.projects)?,
        })
    }
}

/// Returns a list given either inline or element by element, but not both nor neither.
fn one_of<T>(inline: Option<Vec<T>>, streamed: Streamed<T>) -> Option<Vec<T>> {
    match (inline, streamed.joined, streamed.batches.is_empty()) {
        (Some(records), None, true) => Some(records),
        (None, Some(records), true) => Some(records),
        _ => None,
    }
}
