//! The renderings of a [`Timeline`]: text for a terminal or a ticket, JSON (`permaudit-history/1`)
//! and CSV (one row per interval), all deterministic (`docs/archive.md` documents each format).

mod csv;
mod json;
mod text;

pub use self::csv::{write_csv, HISTORY_COLUMNS};
pub use json::{write_json, HISTORY_FORMAT};
pub use text::write_text;

use crate::archive::timeline::{Boundary, CauseText, MemberName, ResourceName};

/// Returns a member as outputs head its intervals: `dave@corp.com (usr_dave, Dave)`.
pub fn describe_member(member: &MemberName) -> String {
    let kind = if member.is_service_account { ", service account" } else { "" };
    format!("{} ({}, {}{kind})", member.email, member.id, member.name)
}

/// Returns a resource in words: `project train (prj_1) in cloud prod (cld_1)`, or org ownership.
pub fn describe_resource(resource: &ResourceName) -> String {
    match (&resource.cloud, resource.kind) {
        (_, "organization") => format!("org owner of {} (implicit owner of every cloud and project)", resource.id),
        (Some(cloud), kind) => {
            format!("{kind} {} ({}) in cloud {} ({})", resource.name, resource.id, cloud.name, cloud.id)
        }
        (None, kind) => format!("{kind} {} ({})", resource.name, resource.id),
    }
}

/// Returns one cause in words: `group-grant-added: group ml (ug_1) bound ...`, with its path when it
/// is not the entry itself.
pub fn describe_cause(cause: &CauseText) -> String {
    let path = match cause.via.as_str() {
        "parent-cloud" => " (parent cloud)",
        "organization" => " (org role)",
        _ => "",
    };
    format!("{}{path}: {}", cause.kind, cause.description)
}

/// Returns when a start happened, as far as the collections tell.
pub fn describe_start(boundary: &Boundary) -> String {
    match &boundary.after {
        Some(after) => format!("from {} (changed after {after})", boundary.collected_at),
        None => {
            format!("from {} (held at the archive's first collection; earlier is not known)", boundary.collected_at)
        }
    }
}

/// Returns when an end happened, as far as the collections tell.
pub fn describe_end(boundary: Option<&Boundary>, last_seen: &str) -> String {
    match boundary {
        Some(boundary) => format!("to {} (last seen {last_seen}; changed in between)", boundary.collected_at),
        None => format!("still held at the latest collection, {last_seen}"),
    }
}
