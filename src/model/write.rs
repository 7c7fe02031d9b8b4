//! Writes a snapshot file's JSON on every core: the bytes are those of serde_json's pretty printer
//! (two-space indent), which the reader in pieces relies on, but the long lists are rendered in
//! parallel chunks while the previous chunks are written. Each element is printed by a formatter
//! that starts at the depth the element has in the document.

use super::layout::SnapshotFileRef;
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io::{self, Write};

/// The bytes of elements rendered together as one chunk, about.
const CHUNK_BYTES: usize = 1 << 20;
/// Chunks rendered in parallel while the previous ones are written.
const WINDOW: usize = 8;
/// The depth of the top-level keys.
const KEY_DEPTH: usize = 1;
/// The depth of a top-level list's elements.
const ELEMENT_DEPTH: usize = 2;

/// Writes `file` as `serde_json::to_writer_pretty` would.
pub(super) fn write_pretty<W: Write>(file: &SnapshotFileRef<'_>, writer: &mut W) -> io::Result<()> {
    writer.write_all(b"{")?;
    field(writer, "format", &file.format, true)?;
    field(writer, "organization_id", file.organization_id, false)?;
    field(writer, "collected_at", &file.collected_at, false)?;
    field(writer, "source", &file.source, false)?;
    field(writer, "complete", &file.complete, false)?;
    field(writer, "gaps", &file.gaps, false)?;
    list(writer, "members", file.members)?;
    list(writer, "groups", file.groups)?;
    list(writer, "memberships", file.memberships)?;
    list(writer, "clouds", file.clouds)?;
    list(writer, "projects", file.projects)?;
    writer.write_all(b"\n}")
}

/// Writes a top-level key and its value, printed whole.
fn field<W: Write, T: Serialize + ?Sized>(writer: &mut W, key: &str, value: &T, first: bool) -> io::Result<()> {
    open_field(writer, key, first)?;
    print(&mut *writer, value, KEY_DEPTH)
}

/// Writes a top-level key and its list, whose elements are rendered in parallel chunks of about
/// [`CHUNK_BYTES`], sized from the first element.
fn list<W: Write, T: Serialize + Sync>(writer: &mut W, key: &str, items: &[T]) -> io::Result<()> {
    open_field(writer, key, false)?;
    let Some(first) = items.first() else {
        return writer.write_all(b"[]");
    };
    writer.write_all(b"[")?;
    let mut sample = Vec::new();
    print(&mut sample, first, ELEMENT_DEPTH)?;
    let chunk = (CHUNK_BYTES / sample.len().max(1)).max(1);
    let render = |chunk: &[T]| -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        for item in chunk {
            out.extend_from_slice(b",\n    ");
            print(&mut out, item, ELEMENT_DEPTH)?;
        }
        Ok(out)
    };
    let mut opening = true;
    crate::parallel::render_and_write(items, chunk, WINDOW, render, |rendered| {
        // The very first element follows the bracket, not a comma.
        let rendered = if std::mem::take(&mut opening) { &rendered[1..] } else { rendered };
        writer.write_all(rendered)
    })?;
    writer.write_all(b"\n  ]")
}

fn open_field<W: Write>(writer: &mut W, key: &str, first: bool) -> io::Result<()> {
    writer.write_all(if first { b"\n  " } else { b",\n  " })?;
    serde_json::to_writer(&mut *writer, key)?;
    writer.write_all(b": ")
}

/// Prints `value` as the pretty printer does at `depth`.
fn print<W: Write, T: Serialize + ?Sized>(writer: W, value: &T, depth: usize) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, Pretty { depth, has_value: false });
    Ok(value.serialize(&mut serializer)?)
}

/// serde_json's `PrettyFormatter` with a two-space indent, started at a given depth.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            indent(writer, self.depth)?;
        }
        writer.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        indent(writer, self.depth)
    }
}

fn indent<W: ?Sized + Write>(writer: &mut W, depth: usize) -> io::Result<()> {
    (0..depth).try_for_each(|_| writer.write_all(b"  "))
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.next(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.next(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Collection, Organization, Snapshot};
    use crate::synth::{generate, Shape};

    fn serde_pretty(snapshot: &Snapshot) -> Vec<u8> {
        serde_json::to_vec_pretty(&snapshot.file_ref()).expect("serialized")
    }

    fn written(snapshot: &Snapshot) -> Vec<u8> {
        let mut out = Vec::new();
        snapshot.to_writer(&mut out).expect("written");
        out
    }

    fn snapshot(organization: Organization, gaps: Vec<String>) -> Snapshot {
        let collection = Collection {
            collected_at: "2026-01-01T00:00:00+00:00".to_owned(),
            source: "a \"quoted\"\nsource".to_owned(),
            complete: gaps.is_empty(),
            gaps,
        };
        Snapshot { organization, collection }
    }

    #[test]
    fn the_bytes_are_those_of_serde_json_pretty_printer() {
        for (members, seed) in [(0, 1), (1, 2), (7, 3), (3000, 4)] {
            let shape = Shape {
                members,
                groups: members / 10,
                group_size: 5,
                clouds: 3,
                projects: members / 5,
                grants: members * 4,
                seed,
            };
            let gaps =
                if seed % 2 == 0 { vec!["GET /x: 500\nline two".to_owned(), "é \u{2028}".to_owned()] } else { vec![] };
            let snapshot = snapshot(generate(&shape), gaps);
            assert_eq!(written(&snapshot), serde_pretty(&snapshot), "{members} members");
        }
    }

    #[test]
    fn names_with_newlines_and_unicode_are_written_as_serde_json_writes_them() {
        let shape = Shape { members: 50, groups: 4, group_size: 5, clouds: 2, projects: 6, grants: 200, seed: 9 };
        let mut organization = generate(&shape);
        organization.members[3].name = "line\nbreak \"quote\" \\ \u{1f600}".to_owned();
        organization.groups[1].name = "tab\there".to_owned();
        organization.clouds[0].name = "\u{7f}\u{1}".to_owned();
        let snapshot = snapshot(organization, vec![]);
        assert_eq!(written(&snapshot), serde_pretty(&snapshot));
    }
}
