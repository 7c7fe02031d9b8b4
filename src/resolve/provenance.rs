//! Provenance in words: how a grant reads in explanations, anomalies and reports.

use super::index::{CloudIx, OrgIndex};
use super::rules::Source;
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

/// Returns why a role is lower than the best grant, when a rule capped it; `None` when nothing did.
///
/// `best` is the highest role the grants ask for; `role` is the effective one. `cloud` names the cloud
/// whose direct `readonly` restricted it (for a cloud role) or whose `readonly` role capped it (for a
/// project role).
pub fn describe_limit(
    index: &OrgIndex<'_>,
    best: Role,
    role: Role,
    cloud: CloudIx,
    on_project: bool,
) -> Option<String> {
    if role >= best {
        return None;
    }
    let name = &index.cloud_record(cloud).name;
    if on_project {
        Some(format!("capped to {role} by the readonly role on cloud {name}"))
    } else {
        Some(format!("capped to {role} by direct readonly on cloud {name}"))
    }
}
