//! The checks of one member as a whole: a service account's privileges, the domain of an email, the
//! direct grants of a groups-only organization, and a member who never got access.

use super::super::finding::Evidence;
use super::super::originals::Originals;
use super::super::policy::Policy;
use crate::model::{OrgRole, Role};
use crate::resolve::{Entry, MemberAccess, Resolution};
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// A service account recorded as org owner, and each of its entries with write (collaborator) or owner.
pub fn service_account(resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<Evidence> {
    let member = access.member;
    if !resolution.index.member_record(member).is_service_account {
        return Vec::new();
    }
    let mut found = Vec::new();
    if access.base.iter().any(|base| base.role() == OrgRole::Owner) {
        found.push(Evidence::ServiceAccountOwnerRecord { member });
    }
    let limit = Some(Role::Readonly);
    for cloud in &access.clouds {
        if cloud.role >= Role::Collaborator {
            found.push(Evidence::Entry { member, entry: Entry::Cloud(cloud.cloud), limit });
        }
        for project in cloud.projects.iter().filter(|project| project.role >= Role::Collaborator) {
            found.push(Evidence::Entry { member, entry: Entry::Project(project.project), limit });
        }
    }
    found
}

/// A member whose email domain matches none of the allowed domains.
pub fn email_domain(
    resolution: &Resolution<'_>,
    policy: &Policy,
    originals: Originals<'_>,
    access: &MemberAccess,
) -> Vec<Evidence> {
    let email = &originals.member(&resolution.index, access.member).email;
    let domain = email.rsplit_once('@').map_or("", |(_, domain)| domain);
    let allowed = !domain.is_empty() && policy.allowed_email_domains.iter().any(|pattern| pattern.matches(domain));
    if allowed {
        Vec::new()
    } else {
        vec![Evidence::ForeignEmail { member: access.member }]
    }
}

/// Each cloud and project on which the member holds a direct grant, whether or not it gives a role.
pub fn direct_grants(resolution: &Resolution<'_>, access: &MemberAccess) -> Vec<Evidence> {
    let member = access.member;
    let entries: BTreeSet<Entry> = resolution.graph.direct_grants(member).map(|(entry, _)| entry).collect();
    entries.into_iter().map(|entry| Evidence::DirectGrants { member, entry }).collect()
}

/// A member with a base role, not an org owner, without any entry, who joined more than
/// `stale_after_days` before `today`. A `created_at` that is not a timestamp says nothing.
pub fn stale(resolution: &Resolution<'_>, policy: &Policy, today: NaiveDate, access: &MemberAccess) -> Vec<Evidence> {
    let Some(limit) = policy.stale_after_days else { return Vec::new() };
    if !access.has_base() || access.is_org_owner || !access.clouds.is_empty() {
        return Vec::new();
    }
    let record = resolution.index.member_record(access.member);
    match joined_on(&record.created_at) {
        Some(joined) if (today - joined).num_days() > i64::from(limit) => {
            vec![Evidence::StaleMember { member: access.member }]
        }
        Some(_) | None => Vec::new(),
    }
}

/// Returns the day of an ISO 8601 timestamp with offset (`2024-03-01T09:30:00+00:00`), in its offset.
pub fn joined_on(created_at: &str) -> Option<NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(created_at).ok().map(|time| time.date_naive())
}

#[cfg(test)]
mod tests {
    use super::joined_on;
    use chrono::NaiveDate;

    #[test]
    fn join_dates_are_read_from_timestamps() {
        assert_eq!(joined_on("2024-03-01T09:30:00+00:00"), NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(joined_on("2024-03-01"), None);
    }
}
