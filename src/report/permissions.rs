//! The list-permissions document: `{org_owners, organization_id, users}` exactly as the official
//! `anyscale user list-permissions` prints it, built from the engine's result.

use crate::compat::pyjson::{self, write_spaces};
use crate::resolve::{
    Anomaly, AnomalyKind, CloudAccess, Engine, MemberAccess, MemberIx, OrgIndex, ProjectAccess, Resolution,
};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use std::io::{self, Write};
use std::sync::Mutex;

/// The list-permissions document of a resolution, optionally narrowed to one member (R7) or to the
/// entries of a scoped report.
///
/// It serializes with keys in alphabetical order at every level, which is both the official CLI's
/// `sort_keys=True` order and the order `permaudit serve` sends.
pub struct PermissionsDocument<'r, 'a> {
    resolution: &'r Resolution<'a>,
    only: Option<Vec<&'r MemberAccess>>,
}

impl<'r, 'a> PermissionsDocument<'r, 'a> {
    /// Returns the document for every member.
    pub fn new(resolution: &'r Resolution<'a>) -> Self {
        PermissionsDocument { resolution, only: None }
    }

    /// Returns the document narrowed to one member id; `None` when the id is not a member (R7).
    pub fn for_member(resolution: &'r Resolution<'a>, member_id: &str) -> Option<Self> {
        let only = resolution.member(member_id)?;
        Some(PermissionsDocument { resolution, only: Some(vec![only]) })
    }

    /// Returns the document of some members' entries (those of a scoped report, in output order):
    /// `users` holds the ones with a cloud entry left (R5), and `org_owners` stays whole, as with R7.
    pub fn for_members(resolution: &'r Resolution<'a>, members: Vec<&'r MemberAccess>) -> Self {
        PermissionsDocument { resolution, only: Some(members) }
    }

    /// Returns the members the `users` list holds (R5, R7).
    fn users(&self) -> Vec<&'r MemberAccess> {
        match &self.only {
            Some(members) => members.iter().copied().filter(|access| !access.clouds.is_empty()).collect(),
            None => self.resolution.listed_members().collect(),
        }
    }

    /// Writes the document as Python's `json.dumps(doc, indent=indent, sort_keys=True)` does, rendering
    /// users in parallel chunks; the bytes are the same as serializing the document in one piece.
    pub fn write_json<W: Write>(&self, mut writer: W, indent: usize) -> io::Result<()> {
        write_opening(&mut writer, indent, &self.owner_views(), self.resolution.organization_id())?;
        self.write_users(&mut writer, indent)?;
        writer.write_all(b"\n}")
    }

    /// Renders windows of users in parallel chunks while the previous window is being written.
    fn write_users<W: Write>(&self, writer: &mut W, indent: usize) -> io::Result<()> {
        let fragments = Fragments::new(&self.resolution.index, indent);
        write_user_list(writer, indent, &self.users(), |chunk| Ok(self.render_chunk(chunk, indent, &fragments)))
    }

    fn render_chunk(&self, chunk: &[&MemberAccess], indent: usize, fragments: &Fragments) -> Vec<u8> {
        let mut buffer = Vec::with_capacity(chunk.len() * 4096);
        for access in chunk {
            buffer.extend_from_slice(b",");
            UserWriter { index: &self.resolution.index, out: &mut buffer, indent, fragments }.user(access);
        }
        buffer
    }

    fn owner_views(&self) -> Vec<OwnerView<'a>> {
        owner_views(&self.resolution.index, self.resolution.org_owners().map(|access| access.member))
    }

    fn user_view(&self, access: &'r MemberAccess) -> View<'r, 'a, MemberAccess> {
        View { resolution: self.resolution, item: access }
    }
}

impl Serialize for PermissionsDocument<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let users: Vec<View<MemberAccess>> = self.users().into_iter().map(|access| self.user_view(access)).collect();
        let mut document = serializer.serialize_struct("Permissions", 3)?;
        document.serialize_field("org_owners", &self.owner_views())?;
        document.serialize_field("organization_id", self.resolution.organization_id())?;
        document.serialize_field("users", &users)?;
        document.end()
    }
}

/// The opening of every cloud and project entry, up to its list of projects or its role, rendered once:
/// the same cloud or project appears in the entries of many users.
struct Fragments {
    clouds: Vec<Vec<u8>>,
    projects: Vec<Vec<u8>>,
}

impl Fragments {
    fn new(index: &OrgIndex<'_>, indent: usize) -> Fragments {
        let render = |fill: &dyn Fn(&mut UserWriter)| {
            let mut out = Vec::new();
            let empty = Fragments { clouds: Vec::new(), projects: Vec::new() };
            fill(&mut UserWriter { index, out: &mut out, indent, fragments: &empty });
            out
        };
        // An entry opens with its id and name, then the key of what follows them.
        let opening = |depth: usize, keys: [&str; 3], id: &str, name: &str| {
            render(&|writer| {
                writer.out.push(b'{');
                writer.string_field(depth, keys[0], id, false);
                writer.string_field(depth, keys[1], name, false);
                writer.key(depth, keys[2]);
            })
        };
        let clouds = (0..index.clouds.len() as u32)
            .map(|cloud| {
                let record = index.cloud_record(cloud);
                opening(5, ["cloud_id", "cloud_name", "projects"], record.id.as_str(), &record.name)
            })
            .collect();
        let projects = (0..index.projects.len() as u32)
            .map(|project| {
                let record = index.project_record(project);
                opening(7, ["project_id", "project_name", "role"], record.id.as_str(), &record.name)
            })
            .collect();
        Fragments { clouds, projects }
    }
}

/// Writes one `users[]` entry straight into bytes: the hot path of large organizations. It produces
/// exactly what serializing a member's [`View`] through [`pyjson`] produces, which the tests check.
struct UserWriter<'o, 'r, 'a> {
    index: &'r OrgIndex<'a>,
    out: &'o mut Vec<u8>,
    indent: usize,
    fragments: &'r Fragments,
}

impl UserWriter<'_, '_, '_> {
    /// Starts a new line indented to `depth`.
    fn line(&mut self, depth: usize) {
        self.out.push(b'\n');
        self.out.resize(self.out.len() + self.indent * depth, b' ');
    }

    fn key(&mut self, depth: usize, key: &str) {
        self.line(depth);
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    fn string_field(&mut self, depth: usize, key: &str, value: &str, last: bool) {
        self.key(depth, key);
        pyjson::push_str(self.out, value);
        if !last {
            self.out.push(b',');
        }
    }

    /// Writes a user object whose opening brace sits at depth 2.
    fn user(&mut self, access: &MemberAccess) {
        let record = self.index.member_record(access.member);
        self.line(2);
        self.out.push(b'{');
        self.key(3, "clouds");
        self.list(3, &access.clouds, |writer, cloud| writer.cloud(cloud));
        self.out.push(b',');
        self.key(3, "is_service_account");
        let flag: &[u8] = if record.is_service_account { b"true," } else { b"false," };
        self.out.extend_from_slice(flag);
        self.string_field(3, "user_email", &record.email, false);
        self.string_field(3, "user_id", record.member_id(), true);
        self.line(2);
        self.out.push(b'}');
    }

    /// Writes a list whose key sits at `depth`; its items sit one level deeper.
    fn list<T>(&mut self, depth: usize, items: &[T], mut item: impl FnMut(&mut Self, &T)) {
        if items.is_empty() {
            self.out.extend_from_slice(b"[]");
            return;
        }
        self.out.push(b'[');
        for (position, value) in items.iter().enumerate() {
            if position > 0 {
                self.out.push(b',');
            }
            self.line(depth + 1);
            item(self, value);
        }
        self.line(depth);
        self.out.push(b']');
    }

    fn cloud(&mut self, cloud: &CloudAccess) {
        self.out.extend_from_slice(&self.fragments.clouds[cloud.cloud as usize]);
        self.list(5, &cloud.projects, |writer, project| writer.project(project));
        self.out.push(b',');
        self.string_field(5, "role", cloud.role.as_str(), true);
        self.line(4);
        self.out.push(b'}');
    }

    fn project(&mut self, project: &ProjectAccess) {
        self.out.extend_from_slice(&self.fragments.projects[project.project as usize]);
        pyjson::push_str(self.out, project.role.as_str());
        self.line(6);
        self.out.push(b'}');
    }
}

/// Writes the list-permissions document of every member as [`PermissionsDocument::write_json`] does,
/// resolving the members window by window as they are written rather than holding every member's
/// access; returns how many anomalies of each kind the engine found, in [`AnomalyKind::ALL`] order.
pub fn write_streamed<W: Write>(engine: &Engine<'_>, mut writer: W, indent: usize) -> io::Result<Vec<usize>> {
    let members: Vec<MemberIx> = (0..engine.index.members.len() as MemberIx).collect();
    let owners = {
        use rayon::prelude::*;
        let owners: Vec<MemberIx> = members.par_iter().copied().filter(|&member| engine.is_org_owner(member)).collect();
        owner_views(&engine.index, owners.into_iter())
    };
    write_opening(&mut writer, indent, &owners, engine.index.organization.id.as_str())?;
    let counts = Mutex::new(kind_counts(&engine.anomalies));
    write_streamed_users(engine, &members, &mut writer, indent, &counts)?;
    writer.write_all(b"\n}")?;
    Ok(counts.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()))
}

/// Resolves and renders windows of members in parallel chunks while the previous window is written;
/// a member without a cloud entry is left out (R5), and `[]` stands for an empty list.
fn write_streamed_users<W: Write>(
    engine: &Engine<'_>,
    members: &[MemberIx],
    writer: &mut W,
    indent: usize,
    counts: &Mutex<Vec<usize>>,
) -> io::Result<()> {
    let fragments = Fragments::new(&engine.index, indent);
    let render = |chunk: &[MemberIx]| -> io::Result<Vec<u8>> {
        let mut buffer = Vec::with_capacity(chunk.len() * 4096);
        let mut found = vec![0; AnomalyKind::ALL.len()];
        for &member in chunk {
            let (access, anomalies) = engine.member_access(member);
            add_kind_counts(&mut found, &anomalies);
            if !access.clouds.is_empty() {
                buffer.extend_from_slice(b",");
                UserWriter { index: &engine.index, out: &mut buffer, indent, fragments: &fragments }.user(&access);
            }
        }
        let mut counts = counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        counts.iter_mut().zip(found).for_each(|(count, more)| *count += more);
        Ok(buffer)
    };
    write_user_list(writer, indent, members, render)
}

/// Writes the document's opening up to the value of `users`: the org owners and the organization's id.
fn write_opening<W: Write>(
    writer: &mut W,
    indent: usize,
    owners: &[OwnerView],
    organization_id: &str,
) -> io::Result<()> {
    writer.write_all(b"{\n")?;
    write_spaces(writer, indent)?;
    writer.write_all(b"\"org_owners\": ")?;
    pyjson::write(&mut *writer, owners, indent, 1)?;
    writer.write_all(b",\n")?;
    write_spaces(writer, indent)?;
    writer.write_all(b"\"organization_id\": ")?;
    pyjson::write(&mut *writer, organization_id, indent, 1)?;
    writer.write_all(b",\n")?;
    write_spaces(writer, indent)?;
    writer.write_all(b"\"users\": ")
}

/// Writes the `users` list from chunks rendered in parallel windows while the previous window is
/// written. Every rendered user starts with ",\n"; the first one opens the list instead, and `[]`
/// stands for a list that nothing was rendered into.
fn write_user_list<T: Sync, W: Write>(
    writer: &mut W,
    indent: usize,
    items: &[T],
    render: impl Fn(&[T]) -> io::Result<Vec<u8>> + Sync,
) -> io::Result<()> {
    const CHUNK: usize = 256;
    const WINDOW: usize = 16;
    let mut is_first = true;
    crate::parallel::render_and_write(items, CHUNK, WINDOW, render, |chunk| {
        if chunk.is_empty() {
            return Ok(());
        }
        if is_first {
            is_first = false;
            writer.write_all(b"[")?;
            return writer.write_all(chunk.get(1..).unwrap_or_default());
        }
        writer.write_all(chunk)
    })?;
    if is_first {
        return writer.write_all(b"[]");
    }
    writer.write_all(b"\n")?;
    write_spaces(writer, indent)?;
    writer.write_all(b"]")
}

/// Returns how many anomalies of each kind `anomalies` holds, in [`AnomalyKind::ALL`] order.
pub fn kind_counts(anomalies: &[Anomaly]) -> Vec<usize> {
    let mut counts = vec![0; AnomalyKind::ALL.len()];
    add_kind_counts(&mut counts, anomalies);
    counts
}

fn add_kind_counts(counts: &mut [usize], anomalies: &[Anomaly]) {
    for anomaly in anomalies {
        if let Some(position) = AnomalyKind::ALL.iter().position(|&kind| kind == anomaly.kind()) {
            counts[position] += 1;
        }
    }
}

fn owner_views<'a>(index: &OrgIndex<'a>, owners: impl Iterator<Item = MemberIx>) -> Vec<OwnerView<'a>> {
    owners
        .map(|member| {
            let record = index.member_record(member);
            OwnerView {
                is_service_account: record.is_service_account,
                user_email: &record.email,
                user_id: record.member_id(),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct OwnerView<'a> {
    is_service_account: bool,
    user_email: &'a str,
    user_id: &'a str,
}

/// A member's access, one of its cloud entries or one of its project entries, with the resolution
/// that names them: serialized as the official CLI prints them.
struct View<'r, 'a, T> {
    resolution: &'r Resolution<'a>,
    item: &'r T,
}

impl<'r, 'a, T> View<'r, 'a, T> {
    fn of<U>(&self, item: &'r U) -> View<'r, 'a, U> {
        View { resolution: self.resolution, item }
    }
}

impl Serialize for View<'_, '_, MemberAccess> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let record = self.resolution.index.member_record(self.item.member);
        let clouds = self.item.clouds.iter().map(|cloud| self.of(cloud));
        let mut user = serializer.serialize_struct("User", 4)?;
        user.serialize_field("clouds", &Sequence::new(clouds))?;
        user.serialize_field("is_service_account", &record.is_service_account)?;
        user.serialize_field("user_email", &record.email)?;
        user.serialize_field("user_id", record.member_id())?;
        user.end()
    }
}

impl Serialize for View<'_, '_, CloudAccess> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let record = self.resolution.index.cloud_record(self.item.cloud);
        let projects = self.item.projects.iter().map(|project| self.of(project));
        let mut cloud = serializer.serialize_struct("Cloud", 4)?;
        cloud.serialize_field("cloud_id", &record.id)?;
        cloud.serialize_field("cloud_name", &record.name)?;
        cloud.serialize_field("projects", &Sequence::new(projects))?;
        cloud.serialize_field("role", &self.item.role)?;
        cloud.end()
    }
}

impl Serialize for View<'_, '_, ProjectAccess> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let record = self.resolution.index.project_record(self.item.project);
        let mut project = serializer.serialize_struct("Project", 3)?;
        project.serialize_field("project_id", &record.id)?;
        project.serialize_field("project_name", &record.name)?;
        project.serialize_field("role", &self.item.role)?;
        project.end()
    }
}

/// Serializes an iterator as a JSON array without collecting it first.
struct Sequence<I>(I);

impl<I> Sequence<I> {
    fn new(items: I) -> Self {
        Sequence(items)
    }
}

impl<I: Iterator<Item = T> + Clone, T: Serialize> Serialize for Sequence<I> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}
