//! A diff as text: the two collections, a summary, the changes by member with their causes, then the
//! raw changes without effect (with their reasons) and those of unknown effect.

use super::{describe_cause, describe_change, describe_member, raw_id};
use crate::diff::{ChangeKind, Diff, DiffSide, Effect, RawChange};
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes the text rendering of a diff.
pub fn write_text<W: Write>(mut writer: W, diff: &Diff) -> io::Result<()> {
    let mut text = String::new();
    header(&mut text, diff);
    summary(&mut text, diff);
    changes(&mut text, diff);
    raw_changes(&mut text, diff);
    writer.write_all(text.as_bytes())?;
    writer.flush()
}

fn header(text: &mut String, diff: &Diff) {
    let _ = writeln!(text, "Changes in organization {}", diff.organization_id);
    side(text, "old", &diff.old);
    side(text, "new", &diff.new);
    for member in diff.member.iter().flatten() {
        let _ = writeln!(text, "  only member: {}", member.label());
    }
}

fn side(text: &mut String, name: &str, side: &DiffSide) {
    let complete = if side.complete { "complete" } else { "INCOMPLETE" };
    let _ = writeln!(text, "  {name}: {} ({}, {complete})", side.collected_at, side.source);
    for gap in &side.gaps {
        let _ = writeln!(text, "    gap: {gap}");
    }
}

fn summary(text: &mut String, diff: &Diff) {
    let summary = &diff.summary;
    let _ = writeln!(text, "\nSummary");
    let _ = writeln!(text, "  {} changes, {} members changed", summary.changes, summary.members);
    let _ = writeln!(text, "  {} escalations (access gained, role raised, new org owner)", summary.escalations);
    let _ = writeln!(text, "  {} service-account changes to write or owner", summary.service_accounts_gaining_write);
    for kind in summary.kinds.iter().filter(|kind| kind.count > 0) {
        let _ = writeln!(text, "  {} {}", kind.count, kind.label);
    }
    let _ = writeln!(
        text,
        "  {} raw changes: {} with an effect, {} without, {} of unknown effect",
        summary.raw_changes, summary.raw_with_effect, summary.raw_without_effect, summary.raw_unknown
    );
    if !diff.is_complete() {
        let _ = writeln!(text, "  a collection is incomplete: changes inside its gaps are unknown, never removals");
    }
}

fn changes(text: &mut String, diff: &Diff) {
    let _ = writeln!(text, "\nChanges by member");
    if diff.changes.is_empty() {
        let _ = writeln!(text, "  none");
    }
    let mut current: Option<&str> = None;
    for change in &diff.changes {
        if current != Some(change.member.id.as_str()) {
            let _ = writeln!(text, "\n{}", describe_member(&change.member));
            current = Some(change.member.id.as_str());
        }
        let flag = if change.is_escalation() { " [escalation]" } else { "" };
        let _ = writeln!(text, "  {}{flag}", describe_change(change));
        if change.kind == ChangeKind::Unknown {
            let _ = writeln!(text, "    inside a collection gap: {}", change.gaps.join("; "));
        }
        for cause in &change.causes {
            let _ = writeln!(text, "    - {} ({})", describe_cause(diff, cause), raw_id(cause.raw));
        }
    }
}

fn raw_changes(text: &mut String, diff: &Diff) {
    let without: Vec<(usize, &RawChange)> =
        diff.raw.iter().enumerate().filter(|(_, raw)| matches!(raw.effect, Effect::None { .. })).collect();
    let unknown: Vec<(usize, &RawChange)> =
        diff.raw.iter().enumerate().filter(|(_, raw)| matches!(raw.effect, Effect::Unknown { .. })).collect();
    let _ = writeln!(text, "\nRaw changes without effect");
    if without.is_empty() {
        let _ = writeln!(text, "  none");
    }
    for (position, raw) in without {
        let _ = writeln!(text, "  {} ({}): {}", raw.kind.code(), raw_id(position), raw.describe());
        if let Effect::None { reasons, more } = &raw.effect {
            for reason in reasons {
                let _ = writeln!(text, "    no effect: {}", reason.describe());
            }
            if *more > 0 {
                let _ = writeln!(text, "    and {more} more members or entries not examined");
            }
        }
    }
    if unknown.is_empty() {
        return;
    }
    let _ = writeln!(text, "\nRaw changes of unknown effect (collection gaps)");
    for (position, raw) in unknown {
        let _ = writeln!(text, "  {} ({}): {}", raw.kind.code(), raw_id(position), raw.describe());
    }
}
