//! The renderings of a [`Diff`]: text for a terminal or a ticket, JSON (`permaudit-diff/1`), CSV (one
//! row per change and cause, and per raw change without effect) and a self-contained HTML page, all
//! deterministic (`docs/diff.md` documents each format).

mod csv;
mod json;
mod page;
mod text;

pub use self::csv::{write_csv, CHANGE_COLUMNS};
pub use json::{write_json, DIFF_FORMAT};
pub use page::{changes_section, render_page, ChangesSection, DIFF_HTML_FORMAT, REPORT_SECTION_ROWS};
pub use text::write_text;

use crate::diff::{Cause, Diff, EffectiveChange, Via};

/// Returns a change's id in outputs: `c1`, `c2`, ... in the diff's order.
pub fn change_id(position: usize) -> String {
    format!("c{}", position + 1)
}

/// Returns a raw change's id in outputs: `r1`, `r2`, ... in the diff's order.
pub fn raw_id(position: usize) -> String {
    format!("r{}", position + 1)
}

/// Returns what a change is, in words: `access gained: cloud prod (cld_prod): none -> collaborator`.
pub fn describe_change(change: &EffectiveChange) -> String {
    use crate::diff::ChangeKind;
    let (before, after) = (&change.before, &change.after);
    let resource = change.resource.as_ref().map(|resource| resource.located());
    match (change.kind, resource) {
        (ChangeKind::MemberJoined, _) => format!("joined the organization (org role {after})"),
        (ChangeKind::MemberLeft, _) => format!("left the organization (org role was {before})"),
        (kind, Some(resource)) => format!("{}: {resource}: {before} -> {after}", kind.title()),
        (kind, None) => format!("{}: {before} -> {after}", kind.title()),
    }
}

/// Returns one cause in words: `readonly-restriction-added (parent cloud): direct readonly ...`.
pub fn describe_cause(diff: &Diff, cause: &Cause) -> String {
    let path = match cause.via {
        Via::Member | Via::Entry => "",
        Via::ParentCloud => " (parent cloud)",
        Via::Organization => " (org role)",
    };
    format!("{}{path}: {}", cause.kind.code(), diff.raw_of(cause).describe())
}

/// Returns a member as the outputs head its changes: `alice@example.com (usr_alice, Alice)`.
pub fn describe_member(member: &crate::diff::MemberRef) -> String {
    let kind = if member.is_service_account { ", service account" } else { "" };
    format!("{} ({}, {}{kind})", member.email, member.id, member.name)
}
