//! Provenance in words: how a grant, an org-role source and a cap read in explanations, anomalies and
//! reports.

use super::index::OrgIndex;
use super::ix::CloudIx;
use super::rules::{BaseSource, Cap, Source};
use crate::model::Role;

/// Returns a grant as an auditor reads it: `direct write`, or `group ml (ug_1): collaborator`.
pub fn describe_source(index: &OrgIndex<'_>, source: Source) -> String {
    match source {
        Source::Direct(level) => format!("direct {level}"),
        Source::Group { group, role } => {
            let record = index.group_record(group);
            format!("group {} ({}): {role}", record.name, record.id)
        }
    }
}

/// Returns one source of an org role in words: `permission_level owner`, `group admins (ug_a): owner`.
pub fn describe_base(index: &OrgIndex<'_>, base: BaseSource) -> String {
    match base {
        BaseSource::PermissionLevel(role) => format!("permission_level {role}"),
        BaseSource::Group { group, role } => {
            let record = index.group_record(group);
            format!("group {} ({}): {role}", record.name, record.id)
        }
    }
}

/// Returns why a role was lowered to `role`: the cap, on the member's entry under (or on) `cloud`.
pub fn describe_cap(index: &OrgIndex<'_>, cap: Cap, role: Role, cloud: CloudIx) -> String {
    let name = &index.cloud_record(cloud).name;
    match cap {
        Cap::DirectReadonly => format!("capped to {role} by direct readonly on cloud {name}"),
        Cap::ReadonlyCloud => format!("capped to {role} by the readonly role on cloud {name}"),
    }
}
