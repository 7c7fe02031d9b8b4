//! The data block of `report.html`: every member's access in a compact JSON document that the page's
//! script decodes one page at a time, escaped so that no value can ever close the `<script>` element
//! that holds it (`docs/reports.md` documents format `permaudit-html-data/1`).
//!
//! Member records and their access entries are two parallel arrays, so that the entries, nine tenths
//! of the bytes, can be compressed on their own while the member index stays plain JSON.

use crate::model::{DirectLevel, OrgRole, Role};
use crate::report::facts::{self, AnomalyLookup};
use crate::resolve::{AnomalyKind, BaseSource, MemberAccess, Resolution, Source};
use base64::Engine as _;
use flate2::write::GzEncoder;
use flate2::Compression;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::Write as _;

/// The format version of the data block.
pub const DATA_FORMAT: &str = "permaudit-html-data/1";

/// Flag bit of a service account in a member record.
const SERVICE_ACCOUNT: u8 = 1;
/// Flag bit of an org owner in a member record.
const ORG_OWNER: u8 = 2;

/// Above this many bytes of member records and entries, the data block carries them gzip-compressed
/// (base64), which the page inflates with the browser's own `DecompressionStream`, without any request:
/// a 100,000-member organization's data shrinks about threefold, while small reports stay readable.
pub const COMPRESS_ABOVE: usize = 1 << 20;

/// Returns the data block for `members`, as JSON that is safe inside a `<script>` element.
pub fn data_block(resolution: &Resolution<'_>, members: &[&MemberAccess]) -> String {
    data_block_with(resolution, members, COMPRESS_ABOVE)
}

/// Returns the data block, compressing the member records and entries above `compress_above` bytes.
pub fn data_block_with(resolution: &Resolution<'_>, members: &[&MemberAccess], compress_above: usize) -> String {
    let positions = ProjectPositions::new(resolution);
    let mut json = String::with_capacity(1024 + members.len() * 64);
    push_header(&mut json, resolution, &positions);
    let body = member_body(resolution, members, &positions);
    if body.len() > compress_above {
        json.push_str(",\"packed\":\"");
        json.push_str(&gzip_base64(format!("{{{body}}}").as_bytes()));
        json.push('"');
    } else {
        json.push(',');
        json.push_str(&body);
    }
    json.push('}');
    escape_for_script(&json)
}

/// Writes the opening of the data block: its format, the anomaly kinds, clouds, projects and groups.
fn push_header(json: &mut String, resolution: &Resolution<'_>, positions: &ProjectPositions) {
    let index = &resolution.index;
    json.push_str("{\"format\":");
    push_json(json, DATA_FORMAT);
    json.push_str(",\"kinds\":");
    push_kinds(json);
    json.push_str(",\"clouds\":");
    push_clouds(json, resolution, positions);
    json.push_str(",\"projects\":");
    push_records(
        json,
        (0..index.projects.len() as u32).map(|project| {
            let record = index.project_record(project);
            (record.id.as_str(), record.name.as_str())
        }),
    );
    json.push_str(",\"groups\":");
    push_records(
        json,
        (0..index.groups.len() as u32).map(|group| {
            let record = index.group_record(group);
            (record.id.as_str(), record.name.as_str())
        }),
    );
}

/// Returns `"members":[...],"access":[...]`: the member records and, in parallel, their entries.
fn member_body(resolution: &Resolution<'_>, members: &[&MemberAccess], positions: &ProjectPositions) -> String {
    let anomalies = AnomalyLookup::new(resolution);
    let mut body = String::with_capacity(members.len() * 160);
    body.push_str("\"members\":[");
    push_joined(&mut body, members, |out, access| push_member(out, resolution, &anomalies, access));
    body.push_str("],\"access\":[");
    push_joined(&mut body, members, |out, member| {
        out.push('"');
        push_access(out, resolution, positions, member);
        out.push('"');
    });
    body.push(']');
    body
}

/// Each project's position in its cloud's list of projects: entries name a project by that small
/// number after their cloud's entry, which is shorter and compresses better than a global index.
struct ProjectPositions {
    by_cloud: Vec<Vec<u32>>,
    position: Vec<u32>,
}

impl ProjectPositions {
    fn new(resolution: &Resolution<'_>) -> Self {
        let mut by_cloud = vec![Vec::new(); resolution.index.clouds.len()];
        let mut position = vec![0; resolution.index.projects.len()];
        for (project, parent) in resolution.graph.project_parents().iter().enumerate() {
            if let Some(cloud) = parent {
                let list: &mut Vec<u32> = &mut by_cloud[*cloud as usize];
                position[project] = list.len() as u32;
                list.push(project as u32);
            }
        }
        ProjectPositions { by_cloud, position }
    }
}

/// Writes `[[id, name, [project, ...]], ...]`: each cloud with its projects' indices.
fn push_clouds(json: &mut String, resolution: &Resolution<'_>, positions: &ProjectPositions) {
    json.push('[');
    for (cloud, projects) in positions.by_cloud.iter().enumerate() {
        if cloud > 0 {
            json.push(',');
        }
        let record = resolution.index.cloud_record(cloud as u32);
        json.push('[');
        push_json(json, record.id.as_str());
        json.push(',');
        push_json(json, &record.name);
        json.push_str(",[");
        let list: Vec<String> = projects.iter().map(u32::to_string).collect();
        json.push_str(&list.join(","));
        json.push_str("]]");
    }
    json.push(']');
}

/// Returns `bytes` gzip-compressed (no name, no time: the output is deterministic) in base64.
fn gzip_base64(bytes: &[u8]) -> String {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::new(6));
    // Writing into a Vec cannot fail.
    let compressed = encoder.write_all(bytes).and_then(|()| encoder.finish()).unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(compressed)
}

/// Appends one JSON value per member, comma-separated, rendering chunks of members in parallel.
fn push_joined(json: &mut String, members: &[&MemberAccess], render: impl Fn(&mut String, &MemberAccess) + Sync) {
    const CHUNK: usize = 1024;
    let chunks: Vec<String> = members
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut out = String::with_capacity(chunk.len() * 128);
            for access in chunk.iter() {
                out.push(',');
                render(&mut out, access);
            }
            out
        })
        .collect();
    for (position, chunk) in chunks.iter().enumerate() {
        // Every value starts with a comma; the very first one drops it.
        json.push_str(if position == 0 { &chunk[1..] } else { chunk });
    }
}

fn push_kinds(json: &mut String) {
    json.push('[');
    for (position, kind) in AnomalyKind::ALL.iter().enumerate() {
        if position > 0 {
            json.push(',');
        }
        json.push('[');
        push_json(json, kind.code());
        json.push(',');
        push_json(json, kind.meaning());
        json.push(']');
    }
    json.push(']');
}

fn push_records<'s>(json: &mut String, records: impl Iterator<Item = (&'s str, &'s str)>) {
    json.push('[');
    for (position, (id, name)) in records.enumerate() {
        if position > 0 {
            json.push(',');
        }
        json.push('[');
        push_json(json, id);
        json.push(',');
        push_json(json, name);
        json.push(']');
    }
    json.push(']');
}

/// Writes `[id, email, name, flags, base, anomalies]`.
fn push_member(json: &mut String, resolution: &Resolution<'_>, anomalies: &AnomalyLookup<'_>, access: &MemberAccess) {
    let record = resolution.index.member_record(access.member);
    let mut flags = 0;
    if record.is_service_account {
        flags |= SERVICE_ACCOUNT;
    }
    if access.is_org_owner {
        flags |= ORG_OWNER;
    }
    json.push('[');
    push_json(json, record.member_id());
    json.push(',');
    push_json(json, &record.email);
    json.push(',');
    push_json(json, &record.name);
    let _ = write!(json, ",{flags},\"");
    push_base(json, &access.base);
    json.push_str("\",\"");
    for anomaly in anomalies.of_member(access.member) {
        json.push(kind_digit(anomaly.kind()));
    }
    json.push_str("\"]");
}

/// Writes the org role sources: `lo` / `lc` for the permission level, `g<group><o|c>` for a group.
fn push_base(json: &mut String, base: &[BaseSource]) {
    for (position, source) in base.iter().enumerate() {
        if position > 0 {
            json.push(' ');
        }
        match *source {
            BaseSource::PermissionLevel(role) => {
                json.push('l');
                json.push(org_role_char(role));
            }
            BaseSource::Group { group, role } => {
                let _ = write!(json, "g{group}{}", org_role_char(role));
            }
        }
    }
}

/// Writes the entries: `C<cloud><spec>` for a cloud, then `<position><spec>` for each project under it.
fn push_access(json: &mut String, resolution: &Resolution<'_>, positions: &ProjectPositions, access: &MemberAccess) {
    let index = &resolution.index;
    for (number, cloud) in access.clouds.iter().enumerate() {
        if number > 0 {
            json.push(' ');
        }
        let _ = write!(json, "C{}", cloud.cloud);
        push_spec(json, cloud.role, facts::cloud_cap(index, cloud).is_some(), &cloud.sources);
        for project in &cloud.projects {
            let _ = write!(json, " {}", positions.position[project.project as usize]);
            push_spec(json, project.role, facts::project_cap(index, cloud, project).is_some(), &project.sources);
        }
    }
}

/// Writes the role (upper case when a rule capped it) and the paths; the paths are left out in the
/// commonest case, a single direct grant whose level is the role.
fn push_spec(json: &mut String, role: Role, capped: bool, sources: &[Source]) {
    let letter = role_char(role);
    json.push(if capped { letter.to_ascii_uppercase() } else { letter });
    if let [Source::Direct(level)] = sources {
        if level.role() == role {
            return;
        }
    }
    for source in sources {
        match *source {
            Source::Direct(level) => {
                json.push('.');
                json.push(level_char(level));
            }
            Source::Group { group, role } => {
                let _ = write!(json, "g{group}{}", role_char(role));
            }
        }
    }
}

/// Returns the letter of a cloud or project role: `o`, `c` or `r`.
fn role_char(role: Role) -> char {
    match role {
        Role::Owner => 'o',
        Role::Collaborator => 'c',
        Role::Readonly => 'r',
    }
}

fn level_char(level: DirectLevel) -> char {
    match level {
        DirectLevel::Owner => 'o',
        DirectLevel::Write => 'w',
        DirectLevel::Readonly => 'r',
    }
}

fn org_role_char(role: OrgRole) -> char {
    match role {
        OrgRole::Owner => 'o',
        OrgRole::Collaborator => 'c',
    }
}

/// Returns the one-digit base-36 position of an anomaly kind in `kinds`.
fn kind_digit(kind: AnomalyKind) -> char {
    let position = AnomalyKind::ALL.iter().position(|&known| known == kind).unwrap_or(0);
    char::from_digit(position as u32, 36).unwrap_or('0')
}

/// Appends `text` as a JSON string.
fn push_json(json: &mut String, text: &str) {
    // Serializing a string into a String cannot fail.
    if let Ok(quoted) = serde_json::to_string(text) {
        json.push_str(&quoted);
    }
}

/// Returns JSON that can sit inside `<script type="application/json">`: `<`, `>` and `&` become
/// `\u003c`, `\u003e` and `\u0026`, so no value can close the element or open a comment, and the line
/// separators U+2028 and U+2029 are escaped too. These characters only occur inside JSON strings,
/// where the escapes mean the same characters.
pub fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 64);
    for character in json.chars() {
        match character {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_escaping_leaves_no_markup() {
        let json = serde_json::to_string("</script><!--&\u{2028}").unwrap();
        let escaped = escape_for_script(&json);
        assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('&'));
        assert!(!escaped.contains('\u{2028}'));
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, "</script><!--&\u{2028}");
    }
}
