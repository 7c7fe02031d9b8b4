//! A diff as text: the two collections, a summary, the changes by member with their causes, then the
//! raw changes without effect (with their reasons) and those of unknown effect.

use super::{describe_cause, describe_change, describe_member, raw_id};
use crate::diff::{ChangeKind, Diff, DiffSide, Effect, EffectiveChange, RawChange};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes the text rendering of a diff.
pub fn write_text<W: Write>(mut writer: W, diff: &Diff) -> io::Result<()> {
    let mut text = String::new();
    header(&mut text, diff);
    summary(&mut text, diff);
    let _ = writeln!(text, "\nChanges by member");
    if diff.changes.is_empty() {
        let _ = writeln!(text, "  none");
    }
    writer.write_all(text.as_bytes())?;
    // Each member's block is rendered on its own, in parallel, and written in order.
    let blocks: Vec<String> = member_runs(&diff.changes).into_par_iter().map(|run| member_block(diff, run)).collect();
    for block in &blocks {
        writer.write_all(block.as_bytes())?;
    }
    let mut text = String::new();
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

/// Returns the positions of each member's run of changes (changes are grouped by member).
fn member_runs(changes: &[EffectiveChange]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for position in 1..=changes.len() {
        if position == changes.len() || changes[position].member.id != changes[start].member.id {
            runs.push(start..position);
            start = position;
        }
    }
    runs
}

/// Returns one member's changes with their causes.
fn member_block(diff: &Diff, run: std::ops::Range<usize>) -> String {
    let changes = &diff.changes[run];
    let mut text = format!("\n{}\n", describe_member(&changes[0].member));
    for change in changes {
        let flag = if change.is_escalation() { " [escalation]" } else { "" };
        let _ = writeln!(text, "  {}{flag}", describe_change(change));
        if change.kind == ChangeKind::Unknown {
            let _ = writeln!(text, "    inside a collection gap: {}", change.gaps.join("; "));
        }
        for cause in &change.causes {
            let _ = writeln!(text, "    - {} ({})", describe_cause(diff, cause), raw_id(cause.raw));
        }
    }
    text
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
