//! The data block of `report.html`: every member's access in a compact JSON document that the page's
//! script decodes one page at a time, escaped so that no value can ever close the `<script>` element
//! that holds it (`docs/reports.md` documents format `permaudit-html-data/1`).

use crate::model::{DirectLevel, OrgRole, Role};
use crate::report::facts::{self, AnomalyLookup};
use crate::report::summary::kind_meaning;
use crate::resolve::{AnomalyKind, BaseSource, MemberAccess, Resolution, Source};
use rayon::prelude::*;
use std::fmt::Write as _;

/// The format version of the data block.
pub const DATA_FORMAT: &str = "permaudit-html-data/1";

/// Flag bit of a service account in a member record.
const SERVICE_ACCOUNT: u8 = 1;
/// Flag bit of an org owner in a member record.
const ORG_OWNER: u8 = 2;

/// Returns the data block for `members`, as JSON that is safe inside a `<script>` element.
pub fn data_block(resolution: &Resolution<'_>, members: &[&MemberAccess]) -> String {
    let mut json = String::with_capacity(64 + members.len() * 256);
    json.push_str("{\"format\":");
    push_json(&mut json, DATA_FORMAT);
    json.push_str(",\"kinds\":");
    push_kinds(&mut json);
    json.push_str(",\"clouds\":");
    push_records(
        &mut json,
        (0..resolution.index.clouds.len() as u32).map(|cloud| {
            let record = resolution.index.cloud_record(cloud);
            (record.id.as_str(), record.name.as_str())
        }),
    );
    json.push_str(",\"projects\":");
    push_records(
        &mut json,
        (0..resolution.index.projects.len() as u32).map(|project| {
            let record = resolution.index.project_record(project);
            (record.id.as_str(), record.name.as_str())
        }),
    );
    json.push_str(",\"groups\":");
    push_records(
        &mut json,
        (0..resolution.index.groups.len() as u32).map(|group| {
            let record = resolution.index.group_record(group);
            (record.id.as_str(), record.name.as_str())
        }),
    );
    json.push_str(",\"members\":[");
    push_members(&mut json, resolution, members);
    json.push_str("]}");
    escape_for_script(&json)
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
        push_json(json, kind_meaning(*kind));
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

fn push_members(json: &mut String, resolution: &Resolution<'_>, members: &[&MemberAccess]) {
    const CHUNK: usize = 1024;
    let anomalies = AnomalyLookup::new(resolution);
    let chunks: Vec<String> = members
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut out = String::with_capacity(chunk.len() * 256);
            for access in chunk {
                out.push(',');
                push_member(&mut out, resolution, &anomalies, access);
            }
            out
        })
        .collect();
    for (position, chunk) in chunks.iter().enumerate() {
        // Every member starts with a comma; the very first one drops it.
        json.push_str(if position == 0 { &chunk[1..] } else { chunk });
    }
}

/// Writes `[id, email, name, flags, base, access, anomalies]`.
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
    push_access(json, resolution, access);
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
                json.push('g');
                push_base36(json, group);
                json.push(org_role_char(role));
            }
        }
    }
}

/// Writes the entries: `c<cloud>/<role>/<paths>` then `p<project>/<role>/<paths>` for its projects.
fn push_access(json: &mut String, resolution: &Resolution<'_>, access: &MemberAccess) {
    let index = &resolution.index;
    let mut first = true;
    for cloud in &access.clouds {
        push_entry(
            json,
            &mut first,
            'c',
            cloud.cloud,
            cloud.role,
            facts::cloud_cap(index, cloud).is_some(),
            &cloud.sources,
        );
        for project in &cloud.projects {
            let capped = facts::project_cap(index, cloud, project).is_some();
            push_entry(json, &mut first, 'p', project.project, project.role, capped, &project.sources);
        }
    }
}

fn push_entry(json: &mut String, first: &mut bool, kind: char, at: u32, role: Role, capped: bool, sources: &[Source]) {
    if !*first {
        json.push(' ');
    }
    *first = false;
    json.push(kind);
    push_base36(json, at);
    json.push('/');
    let letter = role_char(role);
    json.push(if capped { letter.to_ascii_uppercase() } else { letter });
    json.push('/');
    for (position, source) in sources.iter().enumerate() {
        if position > 0 {
            json.push('+');
        }
        match *source {
            Source::Direct(level) => {
                json.push('d');
                json.push(level_char(level));
            }
            Source::Group { group, role } => {
                json.push('g');
                push_base36(json, group);
                json.push(role_char(role));
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

fn push_base36(json: &mut String, mut value: u32) {
    let mut digits = [0u8; 8];
    let mut length = 0;
    loop {
        // `value % 36` is below 36, so the digit always exists.
        digits[length] = char::from_digit(value % 36, 36).map_or(b'0', |digit| digit as u8);
        length += 1;
        value /= 36;
        if value == 0 {
            break;
        }
    }
    json.extend(digits[..length].iter().rev().map(|&digit| digit as char));
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

    #[test]
    fn base36_is_compact() {
        let mut text = String::new();
        for value in [0, 35, 36, 20_000] {
            push_base36(&mut text, value);
            text.push(' ');
        }
        assert_eq!(text, "0 z 10 ffk ");
    }
}
