//! A timeline as one JSON document, `permaudit-history/1`, indented by two spaces.

use crate::archive::timeline::{CollectionInfo, DatePlace, Interval, MemberName, ResourceName, Timeline};
use serde::Serialize;
use std::io::{self, Write};

/// The `format` of the history document.
pub const HISTORY_FORMAT: &str = "permaudit-history/1";

#[derive(Serialize)]
struct Document<'t> {
    format: &'static str,
    organization_id: &'t str,
    collections: &'t [CollectionInfo],
    query: Query<'t>,
    members: &'t [MemberName],
    resource: &'t Option<ResourceName>,
    from: &'t Option<DatePlace>,
    to: &'t Option<DatePlace>,
    at: &'t Option<DatePlace>,
    intervals: &'t [Interval],
}

#[derive(Serialize)]
struct Query<'t> {
    user: &'t Option<String>,
    cloud: &'t Option<String>,
    project: &'t Option<String>,
    from: Option<&'t str>,
    to: Option<&'t str>,
    at: Option<&'t str>,
    role: Option<&'static str>,
}

/// Writes the JSON document of a timeline, with a final newline.
pub fn write_json<W: Write>(mut writer: W, timeline: &Timeline) -> io::Result<()> {
    let query = &timeline.query;
    let document = Document {
        format: HISTORY_FORMAT,
        organization_id: &timeline.organization_id,
        collections: &timeline.collections,
        query: Query {
            user: &query.user,
            cloud: &query.cloud,
            project: &query.project,
            from: query.from.as_ref().map(|date| date.text.as_str()),
            to: query.to.as_ref().map(|date| date.text.as_str()),
            at: query.at.as_ref().map(|date| date.text.as_str()),
            role: query.role.map(|role| role.as_str()),
        },
        members: &timeline.members,
        resource: &timeline.resource,
        from: &timeline.from,
        to: &timeline.to,
        at: &timeline.at,
        intervals: &timeline.intervals,
    };
    serde_json::to_writer_pretty(&mut writer, &document)?;
    writer.write_all(b"\n")?;
    writer.flush()
}
