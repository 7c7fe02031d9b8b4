//! Timestamps as the official client handles them: parsed from the API's ISO 8601 text, printed as
//! Python's `datetime.isoformat()` prints them.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Timelike};
use std::fmt;

/// A point in time with or without a UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timestamp {
    Aware(DateTime<FixedOffset>),
    Naive(NaiveDateTime),
}

/// A text that is not an ISO 8601 timestamp.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 8601 timestamp")]
pub struct TimestampError(pub String);

impl Timestamp {
    /// Parses ISO 8601 with or without an offset (`Z`, `+00:00`), with `T` or a space.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        let trimmed = text.trim();
        if let Ok(aware) = DateTime::parse_from_rfc3339(trimmed) {
            return Ok(Timestamp::Aware(aware));
        }
        if let Ok(aware) = DateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S%.f%:z") {
            return Ok(Timestamp::Aware(aware));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(trimmed, format) {
                return Ok(Timestamp::Naive(naive));
            }
        }
        Err(TimestampError(text.to_owned()))
    }

    /// Returns the current time in UTC, to the second.
    pub fn now_utc() -> Timestamp {
        let now = chrono::Utc::now().with_nanosecond(0).unwrap_or_else(chrono::Utc::now);
        Timestamp::Aware(now.fixed_offset())
    }

    fn naive(&self) -> NaiveDateTime {
        match self {
            Timestamp::Aware(aware) => aware.naive_local(),
            Timestamp::Naive(naive) => *naive,
        }
    }

    /// Returns the text Python's `isoformat(sep)` prints: microseconds only when not zero, and the
    /// offset as `+HH:MM` when there is one.
    pub fn isoformat(&self, separator: char) -> String {
        let naive = self.naive();
        let mut text = naive.format(&format!("%Y-%m-%d{separator}%H:%M:%S")).to_string();
        let micros = naive.and_utc().timestamp_subsec_micros();
        if micros != 0 {
            text.push_str(&format!(".{micros:06}"));
        }
        if let Timestamp::Aware(aware) = self {
            text.push_str(&python_offset(aware.offset().local_minus_utc()));
        }
        text
    }

    /// Returns `strftime("%Y-%m-%d %H:%M")`, the official table's CREATED AT.
    pub fn minutes(&self) -> String {
        self.naive().format("%Y-%m-%d %H:%M").to_string()
    }
}

fn python_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.unsigned_abs();
    let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    if rest == 0 {
        format!("{sign}{hours:02}:{minutes:02}")
    } else {
        format!("{sign}{hours:02}:{minutes:02}:{rest:02}")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.isoformat('T'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_python_isoformat() {
        let cases = [
            ("2024-01-01T12:00:00Z", "2024-01-01T12:00:00+00:00"),
            ("2024-01-01T12:00:00.5+02:00", "2024-01-01T12:00:00.500000+02:00"),
            ("2024-01-01 12:00:00-05:30", "2024-01-01T12:00:00-05:30"),
            ("2024-01-01T12:00:00", "2024-01-01T12:00:00"),
        ];
        for (input, expected) in cases {
            assert_eq!(Timestamp::parse(input).unwrap().isoformat('T'), expected, "{input}");
        }
        let stamp = Timestamp::parse("2026-01-05T00:00:00+00:00").unwrap();
        assert_eq!(stamp.isoformat(' '), "2026-01-05 00:00:00+00:00");
        assert_eq!(stamp.minutes(), "2026-01-05 00:00");
    }

    #[test]
    fn rejects_text_that_is_no_timestamp() {
        assert!(Timestamp::parse("yesterday").is_err());
    }
}
