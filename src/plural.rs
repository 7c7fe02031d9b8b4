//! Counts in words, so that every message that counts something agrees with its number: "1 cloud",
//! "2 clouds", "0 anomalies".

/// Returns `count` followed by `singular` when it is exactly one, else by `plural`.
pub fn count(count: usize, singular: &str, plural: &str) -> String {
    format!("{count} {}", noun(count, singular, plural))
}

/// Returns `singular` when `count` is exactly one, else `plural` (for a verb or a noun apart from its
/// number: "1 of 3 entries is invalid").
pub fn noun<'w>(count: usize, singular: &'w str, plural: &'w str) -> &'w str {
    if count == 1 {
        singular
    } else {
        plural
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(1, "cloud", "clouds"), "1 cloud");
        assert_eq!(count(0, "anomaly", "anomalies"), "0 anomalies");
        assert_eq!(count(2, "entry", "entries"), "2 entries");
        assert_eq!(noun(1, "is", "are"), "is");
    }
}
