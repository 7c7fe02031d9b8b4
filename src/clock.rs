//! The one source of "now" for what permaudit writes: the time a report was generated and the day the
//! controls evaluate on. With `SOURCE_DATE_EPOCH` set (the reproducible-builds convention: seconds
//! since 1970-01-01 UTC), now is that instant, so that the same inputs give byte-identical outputs.

use chrono::{DateTime, SecondsFormat, Utc};

/// The environment variable that fixes the clock.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// `SOURCE_DATE_EPOCH` holds something other than a number of seconds in chrono's range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SOURCE_DATE_EPOCH `{value}` is not a number of seconds since 1970-01-01; unset it or set it to one")]
pub struct ClockError {
    pub value: String,
}

/// Returns now: `SOURCE_DATE_EPOCH` when it is set, else the system clock (UTC).
pub fn now() -> Result<DateTime<Utc>, ClockError> {
    match std::env::var(SOURCE_DATE_EPOCH) {
        Ok(value) => from_epoch(&value),
        Err(_) => Ok(Utc::now()),
    }
}

/// Returns the instant `value` seconds after 1970-01-01 UTC.
pub fn from_epoch(value: &str) -> Result<DateTime<Utc>, ClockError> {
    let invalid = || ClockError { value: crate::untrusted::value(value) };
    let seconds: i64 = value.trim().parse().map_err(|_| invalid())?;
    DateTime::from_timestamp(seconds, 0).ok_or_else(invalid)
}

/// Returns an instant as RFC 3339 in UTC, to the second (`2026-12-01T00:00:00Z`).
pub fn rfc3339(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_give_their_utc_instant() {
        let instant = from_epoch("1796083200").unwrap();
        assert_eq!(rfc3339(instant), "2026-12-01T00:00:00Z");
        assert_eq!(from_epoch(" 0\n").map(rfc3339).unwrap(), "1970-01-01T00:00:00Z");
        assert!(from_epoch("yesterday").is_err());
        assert!(from_epoch("99999999999999999").is_err());
    }
}
