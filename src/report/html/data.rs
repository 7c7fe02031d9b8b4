//! The data block of `report.html`: every member's access in a compact JSON document that the page's
//! script decodes one page at a time, escaped so that no value can ever close the `<script>` element
//! that holds it (`docs/reports.md` documents format `permaudit-html-data/2`).
//!
//! Member records and their access entries are two parallel arrays, so that the entries, nine tenths
//! of the bytes, stay apart from the member index. In a large report everything but the format and the
//! anomaly kinds is compressed.

use crate::model::{DirectLevel, OrgRole, Role};
use crate::report::facts::AnomalyLookup;
use crate::report::members::FindingTally;
use crate::report::resources::{Resource, ResourceRow, ResourceTally};
use crate::report::view::ReportView;
use crate::resolve::{Anomaly, AnomalyKind, BaseSource, MemberAccess, Resolution, Source};
use base64::Engine as _;
use rayon::prelude::*;
use std::fmt::Write as _;

/// The format version of the data block.
pub const DATA_FORMAT: &str = "permaudit-html-data/2";

/// Flag bit of a service account in a member record.
const SERVICE_ACCOUNT: u8 = 1;
/// Flag bit of an org owner in a member record.
const ORG_OWNER: u8 = 2;

/// Above this many bytes of resources, groups, member records and entries, the data block carries them
/// gzip-compressed (base64), which the page inflates with the browser's own `DecompressionStream`,
/// without any request: a 100,000-member organization's data shrinks about fourfold, while small
/// reports stay readable.
pub const COMPRESS_ABOVE: usize = 1 << 20;

/// The anomaly kinds whose sentences the page writes itself from the member's entries (a capped
/// project entry) or from the `orphans` field: they are most of the anomalies of a large organization,
/// and their sentences would outweigh everything else in the page.
const WRITTEN_BY_THE_PAGE: [AnomalyKind; 2] = [AnomalyKind::ProjectRoleCapped, AnomalyKind::OrphanProjectGrant];

/// What the data block is made from.
pub struct DataSources<'v, 'r, 'a> {
    pub view: &'v ReportView<'r, 'a>,
    pub tally: &'v ResourceTally,
    pub findings: Option<&'v FindingTally>,
}

/// Returns the data block, as JSON that is safe inside a `<script>` element.
pub fn data_block(sources: &DataSources<'_, '_, '_>) -> String {
    data_block_with(sources, COMPRESS_ABOVE)
}

/// Returns the data block, compressing everything but its format and kinds above `compress_above` bytes.
pub fn data_block_with(sources: &DataSources<'_, '_, '_>, compress_above: usize) -> String {
    let numbering = Numbering::new(sources.view.resolution, sources.tally);
    let members: Vec<&MemberAccess> = sources.view.members().iter().collect();
    let mut json = String::with_capacity(1024 + members.len() * 64);
    json.push_str("{\"format\":");
    push_json(&mut json, DATA_FORMAT);
    json.push_str(",\"kinds\":");
    push_kinds(&mut json);
    let mut body = String::with_capacity(members.len() * 160);
    push_resources(&mut body, sources, &numbering);
    body.push(',');
    push_members(&mut body, sources, &numbering, &members);
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

/// Writes `"clouds":[...],"projects":[...],"groups":[...]`.
fn push_resources(json: &mut String, sources: &DataSources<'_, '_, '_>, numbering: &Numbering) {
    let resolution = sources.view.resolution;
    let index = &resolution.index;
    let owners = sources.tally.org_owners.len();
    json.push_str("\"clouds\":[");
    let mut first = true;
    for (row, projects) in sources.tally.rows.iter().zip(&numbering.children) {
        let Resource::Cloud(cloud) = row.resource else { continue };
        push_separator(json, &mut first);
        let record = index.cloud_record(cloud);
        json.push('[');
        push_json(json, record.id.as_str());
        json.push(',');
        push_json(json, &record.name);
        let list: Vec<String> = projects.iter().map(u32::to_string).collect();
        let _ = write!(json, ",[{}],", list.join(","));
        push_counts(json, row, owners);
        json.push(']');
    }
    json.push_str("],\"projects\":[");
    let mut first = true;
    for &row in &numbering.project_rows {
        let row = &sources.tally.rows[row];
        let Resource::Project(project, _) = row.resource else { continue };
        push_separator(json, &mut first);
        let record = index.project_record(project);
        json.push('[');
        push_json(json, record.id.as_str());
        json.push(',');
        push_json(json, &record.name);
        json.push(',');
        push_counts(json, row, owners);
        json.push(']');
    }
    json.push_str("],\"groups\":");
    push_records(
        json,
        (0..index.groups.len() as u32).map(|group| {
            let record = index.group_record(group);
            (record.id.as_str(), record.name.as_str())
        }),
    );
}

fn push_separator(json: &mut String, first: &mut bool) {
    if !*first {
        json.push(',');
    }
    *first = false;
}

/// Writes a resource's counts: owners, collaborators, readonly, and every member reaching it.
fn push_counts(json: &mut String, row: &ResourceRow, org_owners: usize) {
    let _ = write!(
        json,
        "{},{},{},{}",
        row.owners.len(),
        row.collaborators.len(),
        row.readonly.len(),
        row.reaching(org_owners)
    );
}

/// Writes `"members":[...],"access":[...]` and, when controls ran, `"findings":[...]`: the member
/// records and, in parallel, their entries and finding counts.
fn push_members(
    body: &mut String,
    sources: &DataSources<'_, '_, '_>,
    numbering: &Numbering,
    members: &[&MemberAccess],
) {
    let resolution = sources.view.resolution;
    let anomalies = AnomalyLookup::of(sources.view.anomalies());
    body.push_str("\"members\":[");
    push_joined(body, members, |out, access| push_member(out, resolution, numbering, &anomalies, access));
    body.push_str("],\"access\":[");
    push_joined(body, members, |out, member| {
        out.push('"');
        push_access(out, numbering, member);
        out.push('"');
    });
    body.push(']');
    if let Some(findings) = sources.findings {
        body.push_str(",\"findings\":[");
        push_joined(body, members, |out, access| {
            let count = findings.of_member(resolution.index.member_record(access.member).member_id());
            let _ = write!(out, "{count}");
        });
        body.push(']');
    }
}

/// The data block's own numbering of the clouds and projects a report covers, so that a scoped report
/// names no other resource: clouds in output order, projects in output order (name, then id). Entries
/// name a project by its position in its cloud's list, which is shorter and compresses better than a
/// project number.
struct Numbering {
    /// Each cloud's number, by cloud index.
    cloud: Vec<Option<u32>>,
    /// Each project's number, by project index.
    project: Vec<Option<u32>>,
    /// Each project's position in its cloud's list, by project index.
    position: Vec<u32>,
    /// For each tally row: the numbers of the projects under it (empty but for clouds).
    children: Vec<Vec<u32>>,
    /// The tally row of each numbered project, in number order.
    project_rows: Vec<usize>,
}

impl Numbering {
    fn new(resolution: &Resolution<'_>, tally: &ResourceTally) -> Self {
        let index = &resolution.index;
        let mut numbering = Numbering {
            cloud: vec![None; index.clouds.len()],
            project: vec![None; index.projects.len()],
            position: vec![0; index.projects.len()],
            children: vec![Vec::new(); tally.rows.len()],
            project_rows: tally.project_rows.iter().flatten().copied().collect(),
        };
        for (number, &row) in numbering.project_rows.iter().enumerate() {
            if let Resource::Project(project, _) = tally.rows[row].resource {
                numbering.project[project as usize] = Some(number as u32);
            }
        }
        let mut clouds = 0;
        let mut current: Option<usize> = None;
        for (row_number, row) in tally.rows.iter().enumerate() {
            match row.resource {
                Resource::Cloud(cloud) => {
                    numbering.cloud[cloud as usize] = Some(clouds);
                    clouds += 1;
                    current = Some(row_number);
                }
                Resource::Project(project, Some(_)) => {
                    let Some(cloud_row) = current else { continue };
                    let list = &mut numbering.children[cloud_row];
                    numbering.position[project as usize] = list.len() as u32;
                    list.push(numbering.project[project as usize].unwrap_or(0));
                }
                Resource::Project(_, None) => {}
            }
        }
        numbering
    }
}

/// Returns `bytes` gzip-compressed (no name, no time: the output is deterministic) in base64.
fn gzip_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(super::gzip::gzip(bytes))
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

/// Writes `[id, email, name, flags, base, anomalies]`, then `{"orphans": ..., "notes": [...]}` when
/// the member has anomalies the page cannot word from the entries alone.
fn push_member(
    json: &mut String,
    resolution: &Resolution<'_>,
    numbering: &Numbering,
    anomalies: &AnomalyLookup<'_>,
    access: &MemberAccess,
) {
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
    let own = anomalies.of_member(access.member);
    for anomaly in own {
        json.push(kind_digit(anomaly.kind()));
    }
    json.push('"');
    push_anomaly_words(json, resolution, numbering, own);
    json.push(']');
}

/// Writes the words the page needs for a member's anomalies, if any: the dropped project grants
/// (`orphans`: `<project><path>`, space-separated, each project number given as the difference from the
/// one before, which keeps the numbers small) and the sentence of every other anomaly whose sentence
/// the page does not write itself (`notes`), each in the order of the anomaly codes.
fn push_anomaly_words(json: &mut String, resolution: &Resolution<'_>, numbering: &Numbering, own: &[&Anomaly]) {
    let mut orphans = String::new();
    let mut previous: i64 = 0;
    let mut notes: Vec<String> = Vec::new();
    for anomaly in own {
        match anomaly {
            Anomaly::OrphanProjectGrant { project, source, .. } => {
                if !orphans.is_empty() {
                    orphans.push(' ');
                }
                let number = i64::from(numbering.project[*project as usize].unwrap_or(0));
                let _ = write!(orphans, "{}", number - previous);
                previous = number;
                push_paths(&mut orphans, std::slice::from_ref(source));
            }
            other if WRITTEN_BY_THE_PAGE.contains(&other.kind()) => {}
            other => notes.push(other.detail(&resolution.index)),
        }
    }
    if orphans.is_empty() && notes.is_empty() {
        return;
    }
    json.push_str(",{");
    if !orphans.is_empty() {
        json.push_str("\"orphans\":");
        push_json(json, &orphans);
    }
    if !notes.is_empty() {
        json.push_str(if orphans.is_empty() { "\"notes\":[" } else { ",\"notes\":[" });
        for (position, note) in notes.iter().enumerate() {
            if position > 0 {
                json.push(',');
            }
            push_json(json, note);
        }
        json.push(']');
    }
    json.push('}');
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
fn push_access(json: &mut String, numbering: &Numbering, access: &MemberAccess) {
    for (number, cloud) in access.clouds.iter().enumerate() {
        if number > 0 {
            json.push(' ');
        }
        let _ = write!(json, "C{}", numbering.cloud[cloud.cloud as usize].unwrap_or(0));
        push_spec(json, cloud.role, cloud.granted, cloud.cap.is_some(), &cloud.sources);
        for project in &cloud.projects {
            let _ = write!(json, " {}", numbering.position[project.project as usize]);
            push_spec(json, project.role, project.granted, project.cap.is_some(), &project.sources);
        }
    }
}

/// Writes the role (upper case when a rule capped it, followed by `^` and the role granted when that
/// is not `collaborator`) and the paths; the paths are left out in the commonest case, a single direct
/// grant whose level is the role.
fn push_spec(json: &mut String, role: Role, granted: Role, capped: bool, sources: &[Source]) {
    let letter = role_char(role);
    json.push(if capped { letter.to_ascii_uppercase() } else { letter });
    if capped && granted != Role::Collaborator {
        json.push('^');
        json.push(role_char(granted));
    }
    if let [Source::Direct(level)] = sources {
        if level.role() == role {
            return;
        }
    }
    push_paths(json, sources);
}

/// Writes paths: `.<level>` for a direct grant, `g<group><role>` for a group's.
fn push_paths(json: &mut String, sources: &[Source]) {
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
