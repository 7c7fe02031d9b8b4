//! A timeline as CSV: one row per interval, its boundaries and their causes (one cause a line inside
//! the cell). RFC 4180 and formula-safe like every permaudit CSV.

use super::describe_cause;
use crate::archive::timeline::{Boundary, Interval, Timeline};
use crate::report::cell::{neutralise, render};
use crate::report::csv::CSV_FORMAT;
use std::io::{self, Write};

/// The columns of the history CSV, in order.
pub const HISTORY_COLUMNS: [&str; 20] = [
    "format",
    "organization_id",
    "member_id",
    "member_email",
    "member_name",
    "is_service_account",
    "resource_type",
    "resource_id",
    "resource_name",
    "cloud_id",
    "cloud_name",
    "role",
    "first_seen",
    "changed_after",
    "start_causes",
    "last_seen",
    "gone_at",
    "end_causes",
    "uncertain",
    "overlap",
];

/// Writes the CSV of a timeline.
pub fn write_csv<W: Write>(mut writer: W, timeline: &Timeline) -> io::Result<()> {
    let bytes = render(|csv| {
        csv.write_record(HISTORY_COLUMNS)?;
        for interval in &timeline.intervals {
            let cells = cells(&timeline.organization_id, interval);
            csv.write_record(cells.iter().map(|cell| neutralise(cell).into_owned()))?;
        }
        Ok(())
    })?;
    writer.write_all(&bytes)?;
    writer.flush()
}

fn cells(organization_id: &str, interval: &Interval) -> Vec<String> {
    let (member, resource) = (&interval.member, &interval.resource);
    let cloud = resource.cloud.as_ref();
    let causes = |boundary: Option<&Boundary>| {
        boundary
            .map(|boundary| boundary.causes.iter().map(describe_cause).collect::<Vec<_>>().join("\n"))
            .unwrap_or_default()
    };
    let uncertain = interval
        .uncertain
        .iter()
        .map(|mark| format!("{}: {}", mark.collected_at, mark.gaps.join("; ")))
        .collect::<Vec<_>>()
        .join("\n");
    vec![
        CSV_FORMAT.to_owned(),
        organization_id.to_owned(),
        member.id.clone(),
        member.email.clone(),
        member.name.clone(),
        member.is_service_account.to_string(),
        resource.kind.to_owned(),
        resource.id.clone(),
        resource.name.clone(),
        cloud.map(|cloud| cloud.id.clone()).unwrap_or_default(),
        cloud.map(|cloud| cloud.name.clone()).unwrap_or_default(),
        interval.role.as_str().to_owned(),
        interval.from.collected_at.clone(),
        interval.from.after.clone().unwrap_or_default(),
        causes(Some(&interval.from)),
        interval.last_seen.clone(),
        interval.to.as_ref().map(|to| to.collected_at.clone()).unwrap_or_default(),
        causes(interval.to.as_ref()),
        uncertain,
        match interval.overlap {
            crate::archive::timeline::Overlap::Known => "known".to_owned(),
            crate::archive::timeline::Overlap::Possible => "possible".to_owned(),
        },
    ]
}
