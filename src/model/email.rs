//! Email addresses as the organization compares them: one rule for every place that matches, dedups or
//! looks up a person by email, so that `Zoe@example.com` and `zoe@example.com` are the same person
//! everywhere (filters, batch duplicates, lookups, the `duplicate-email` anomaly).

/// Returns the key two emails are compared by: the address lowercased (Unicode case folding of each
/// character), so that addresses differing only in case have the same key.
pub fn email_key(email: &str) -> String {
    email.to_lowercase()
}

/// Returns true when two addresses name the same mailbox for the organization (case-insensitive).
pub fn same_email(left: &str, right: &str) -> bool {
    left == right || email_key(left) == email_key(right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_compare_without_regard_to_case() {
        assert!(same_email("Zoe@Example.com", "zoe@example.com"));
        assert!(same_email("ÉLODIE@x.com", "élodie@x.com"));
        assert!(!same_email("zoe@example.com", "zoe@example.org"));
        assert_eq!(email_key("Ann@X.COM"), "ann@x.com");
    }
}
