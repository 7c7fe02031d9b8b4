//! Times in the archive: collection times as the snapshots write them (RFC 3339), turned into UTC
//! keys that sort as text, and the dates of queries (an ISO 8601 date or date-time).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// The UTC key of a collection time: `2026-03-01T09:30:00.000000Z`, fixed width, so that keys sort
/// as times do. `None` when the text is not an RFC 3339 date-time.
pub fn utc_key(collected_at: &str) -> Option<String> {
    let time = DateTime::parse_from_rfc3339(collected_at.trim()).ok()?;
    Some(key(time.with_timezone(&Utc)))
}

fn key(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// The compact UTC stamp of an entry's file name: `20260301T093000Z`.
pub fn file_stamp(collected_at: &str) -> Option<String> {
    let time = DateTime::parse_from_rfc3339(collected_at.trim()).ok()?;
    Some(time.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string())
}

/// Which end of a day a date alone stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayEnd {
    Start,
    End,
}

/// A query date: an ISO 8601 date (`2026-03-01`) or date-time (`2026-03-01T09:30:00Z`, or with an
/// offset; without one it is UTC), as the text given and its UTC key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryDate {
    pub text: String,
    pub key: String,
}

/// Parses a query date; a date alone is the start or the end of that day, in UTC.
pub fn parse_query_date(text: &str, end: DayEnd) -> Result<QueryDate, String> {
    let trimmed = text.trim();
    let time = if let Ok(time) = DateTime::parse_from_rfc3339(trimmed) {
        time.with_timezone(&Utc)
    } else if let Ok(time) = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%dT%H:%M:%S%.f") {
        time.and_utc()
    } else if let Ok(day) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
        let clock = match end {
            DayEnd::Start => NaiveTime::MIN,
            DayEnd::End => NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap_or(NaiveTime::MIN),
        };
        day.and_time(clock).and_utc()
    } else {
        return Err(format!(
            "`{text}` is not an ISO 8601 date; write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC unless an offset follows)"
        ));
    };
    Ok(QueryDate { text: trimmed.to_owned(), key: key(time) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_as_times_whatever_the_offset() {
        let early = utc_key("2026-03-01T10:00:00+02:00").unwrap();
        let late = utc_key("2026-03-01T09:00:00Z").unwrap();
        assert_eq!(early, "2026-03-01T08:00:00.000000Z");
        assert!(early < late);
        assert_eq!(file_stamp("2026-03-01T10:00:00.5+02:00").unwrap(), "20260301T080000Z");
        assert!(utc_key("yesterday").is_none());
    }

    #[test]
    fn a_date_alone_spans_its_day() {
        assert_eq!(parse_query_date("2026-07-01", DayEnd::Start).unwrap().key, "2026-07-01T00:00:00.000000Z");
        assert_eq!(parse_query_date("2026-07-01", DayEnd::End).unwrap().key, "2026-07-01T23:59:59.999999Z");
        assert_eq!(parse_query_date("2026-07-01T12:00:00", DayEnd::End).unwrap().key, "2026-07-01T12:00:00.000000Z");
        assert!(parse_query_date("2026-13-01", DayEnd::Start).is_err());
    }
}
