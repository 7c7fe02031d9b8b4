//! How an operator carries out each step of an offboarding plan: the official `anyscale` CLI command
//! where one exists, the Anyscale API call (method, path and body), or the place where the change is
//! made instead.
//!
//! permaudit itself only reads (`docs/wire-api.md`). The API calls are the ones the official `anyscale`
//! Python client defines in its generated API client, not documented public commands; `docs/reports.md`
//! says which is which. Members are named in paths by their identity id (the `id` of their organization
//! collaborator record), which is what those endpoints take; group membership calls take member ids. A
//! group synced by SCIM cannot be edited through the API: its membership is changed in the identity
//! provider.

use crate::model::{GroupSource, Member};
use crate::resolve::{Entry, GroupIx, OrgIndex};

/// The console page of the organization's members, as the official CLI links to it.
const MEMBERS_PAGE: &str = "console: the organization's members page (/collaborators)";

/// Returns how to change the member's `permission_level` from `owner` to `collaborator`.
pub fn demote(member: &Member) -> String {
    format!(
        "API: PUT /api/v2/organization_collaborators/{} with {{\"permission_level\": \"collaborator\"}}; {MEMBERS_PAGE}",
        member.id
    )
}

/// Returns how to make someone else an owner of a cloud or project.
pub fn name_owner(index: &OrgIndex<'_>, entry: Entry) -> String {
    match entry {
        Entry::Cloud(cloud) => format!(
            "API: POST /api/v2/clouds/{}/collaborators/users with {{\"email\": \"NEW_OWNER_EMAIL\", \"permission_level\": \"owner\"}} \
             (for someone who already has a direct grant there: PUT /api/v2/clouds/{}/collaborators/users/IDENTITY_ID with {{\"permission_level\": \"owner\"}})",
            index.cloud_record(cloud).id,
            index.cloud_record(cloud).id
        ),
        Entry::Project(project) => {
            let record = index.project_record(project);
            let cloud = index.cloud(record.parent_cloud_id.as_str()).map(|cloud| index.cloud_record(cloud).name.as_str());
            format!(
                "CLI: anyscale project add-collaborators -c {} -p {} --users-file FILE, FILE holding \
                 `collaborators: [{{email: NEW_OWNER_EMAIL, permission_level: owner}}]`; \
                 API: POST /api/v2/projects/{}/collaborators/users with {{\"value\": {{\"email\": \"NEW_OWNER_EMAIL\"}}, \"permission_level\": \"owner\"}}",
                shell_word(cloud.unwrap_or(record.parent_cloud_id.as_str())),
                shell_word(&record.name),
                record.id
            )
        }
    }
}

/// Returns a name as one shell word: as it is when it is plain, else single-quoted.
fn shell_word(name: &str) -> String {
    let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.@/".contains(c));
    if plain {
        name.to_owned()
    } else {
        format!("'{}'", name.replace('\'', "'\\''"))
    }
}

/// Returns how to take the member out of a group: through the API, or in the identity provider for a
/// group synced by SCIM.
pub fn leave_group(index: &OrgIndex<'_>, group: GroupIx, member: &Member) -> String {
    let record = index.group_record(group);
    match record.source {
        GroupSource::User => format!(
            "API: DELETE /api/v2/user_groups/{}/members with {{\"user_ids\": [\"{}\"]}}",
            record.id,
            member.member_id()
        ),
        GroupSource::Scim => format!(
            "in the identity provider: remove {} from the group it syncs to `{}` ({}); the group is managed by SCIM, \
             so Anyscale refuses changes to its members; leave the group itself in place",
            member.email, record.name, record.id
        ),
    }
}

/// Returns how to delete the member's direct grants on a cloud or project.
pub fn delete_direct(index: &OrgIndex<'_>, entry: Entry, member: &Member) -> String {
    match entry {
        Entry::Cloud(cloud) => {
            format!("API: DELETE /api/v2/clouds/{}/collaborators/{}", index.cloud_record(cloud).id, member.id)
        }
        Entry::Project(project) => {
            format!("API: DELETE /api/v2/projects/{}/collaborators/{}", index.project_record(project).id, member.id)
        }
    }
}

/// Returns how to remove the member from the organization.
pub fn remove(member: &Member) -> String {
    format!("API: DELETE /api/v2/organization_collaborators/{}; {MEMBERS_PAGE}", member.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_word("sandbox"), "sandbox");
        assert_eq!(shell_word("ml team"), "'ml team'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
