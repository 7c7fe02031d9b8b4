//! A timeline as text: what was asked and where its dates fall among the collections, then each
//! member's intervals with their boundaries and causes.

use super::{describe_cause, describe_end, describe_member, describe_resource, describe_start};
use crate::archive::timeline::{DatePlace, Interval, Overlap, Timeline};
use std::io::{self, Write};

/// Writes the text of a timeline.
pub fn write_text<W: Write>(mut writer: W, timeline: &Timeline) -> io::Result<()> {
    write_head(&mut writer, timeline)?;
    let mut member = None;
    for interval in &timeline.intervals {
        if member != Some(&interval.member) {
            writeln!(writer)?;
            writeln!(writer, "{}", describe_member(&interval.member))?;
            member = Some(&interval.member);
        }
        write_interval(&mut writer, interval)?;
    }
    if timeline.intervals.is_empty() {
        writeln!(writer)?;
        writeln!(writer, "No access matches.")?;
    }
    writer.flush()
}

fn write_head<W: Write>(writer: &mut W, timeline: &Timeline) -> io::Result<()> {
    let collections = &timeline.collections;
    match (collections.first(), collections.last()) {
        (Some(first), Some(last)) => writeln!(
            writer,
            "Organization {}: {} collections, from {} to {}",
            timeline.organization_id,
            collections.len(),
            first.collected_at,
            last.collected_at
        )?,
        _ => writeln!(writer, "The archive holds no collection yet.")?,
    }
    if !timeline.members.is_empty() {
        let named: Vec<String> = timeline.members.iter().map(describe_member).collect();
        writeln!(writer, "Member: {}", named.join("; "))?;
    }
    if let Some(resource) = &timeline.resource {
        writeln!(writer, "Resource: {} (with the org owners, implicit owners of it)", describe_resource(resource))?;
    }
    if let Some(role) = timeline.query.role {
        writeln!(writer, "Role: {role}")?;
    }
    for (label, place) in [("From", &timeline.from), ("To", &timeline.to)] {
        if let Some(place) = place {
            writeln!(writer, "{label} {}: {}", place.date, between(place))?;
        }
    }
    if let Some(place) = &timeline.at {
        writeln!(writer, "As of {}: {}", place.date, as_of(place))?;
    }
    for collection in collections.iter().filter(|collection| !collection.complete) {
        writeln!(writer, "Incomplete collection {}: {}", collection.collected_at, collection.gaps.join("; "))?;
    }
    Ok(())
}

/// Says where a period's end falls: on a collection, between two, or outside the archive.
fn between(place: &DatePlace) -> String {
    match (&place.collection_before, &place.collection_after) {
        (Some(before), Some(after)) => {
            format!(
                "falls between the collections of {before} and {after}; access in between is known only at those times"
            )
        }
        (Some(before), None) => format!("after the latest collection ({before})"),
        (None, Some(after)) => format!("before the first collection ({after}); nothing earlier is known"),
        (None, None) => "no collection".to_owned(),
    }
}

fn as_of(place: &DatePlace) -> String {
    match (&place.collection_before, &place.collection_after) {
        (Some(before), Some(after)) => {
            format!("access as the collection of {before} shows it (the next collection, {after}, is after the date)")
        }
        (Some(before), None) => format!("access as the latest collection, {before}, shows it"),
        (None, _) => "no collection on or before this date; nothing is known".to_owned(),
    }
}

fn write_interval<W: Write>(writer: &mut W, interval: &Interval) -> io::Result<()> {
    let possibly = match interval.overlap {
        Overlap::Known => "",
        Overlap::Possible => " [possibly in the period: no collection inside it shows this]",
    };
    writeln!(writer, "  {}: {}{possibly}", describe_resource(&interval.resource), interval.role)?;
    writeln!(writer, "    {}", describe_start(&interval.from))?;
    for cause in &interval.from.causes {
        writeln!(writer, "      - {}", describe_cause(cause))?;
    }
    writeln!(writer, "    {}", describe_end(interval.to.as_ref(), &interval.last_seen))?;
    for cause in interval.to.iter().flat_map(|to| &to.causes) {
        writeln!(writer, "      - {}", describe_cause(cause))?;
    }
    for mark in &interval.uncertain {
        writeln!(
            writer,
            "    uncertain at {}: that collection could not read this entry ({})",
            mark.collected_at,
            mark.gaps.join("; ")
        )?;
    }
    Ok(())
}
