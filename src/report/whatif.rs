//! What would remain if one path were removed: each role recomputed with the pure rules R3 and R4
//! over its grants with that one grant left out, and the effect on the projects under a cloud.

use crate::model::Role;
use crate::resolve::{cloud_role, project_role, CloudAccess, OrgIndex, ProjectAccess, Source};

/// Returns `sources` without the grant at `position`.
fn without(sources: &[Source], position: usize) -> Vec<Source> {
    let mut remaining = sources.to_vec();
    remaining.remove(position);
    remaining
}

/// Returns, in words, what the member keeps on a cloud once the grant at `position` is removed,
/// including what changes for the projects under it.
pub fn without_cloud_path(index: &OrgIndex<'_>, cloud: &CloudAccess, position: usize) -> String {
    let remaining = without(&cloud.sources, position);
    let Some(role) = cloud_role(&remaining) else {
        return match cloud.projects.len() {
            0 => "no role on the cloud".to_owned(),
            count => format!("no role on the cloud, and its {count} project entries would go too (R4)"),
        };
    };
    let mut text = describe_role(role, cloud.role);
    let changes: Vec<String> = cloud
        .projects
        .iter()
        .filter_map(|project| {
            let after = project_role(&project.sources, role)?;
            let name = &index.project_record(project.project).name;
            (after != project.role).then(|| format!("project {name} would become {after}"))
        })
        .collect();
    if !changes.is_empty() {
        text.push_str("; ");
        text.push_str(&changes.join("; "));
    }
    text
}

/// Returns, in words, what the member keeps on a project once the grant at `position` is removed.
pub fn without_project_path(cloud: &CloudAccess, project: &ProjectAccess, position: usize) -> String {
    let remaining = without(&project.sources, position);
    match project_role(&remaining, cloud.role) {
        None => "no role on the project".to_owned(),
        Some(role) => describe_role(role, project.role),
    }
}

fn describe_role(after: Role, before: Role) -> String {
    if after == before {
        format!("{after} (unchanged)")
    } else {
        after.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DirectLevel;

    #[test]
    fn a_removed_cloud_path_recomputes_the_role() {
        let sources = [Source::Direct(DirectLevel::Write), Source::Direct(DirectLevel::Readonly)];
        let remaining = without(&sources, 1);
        assert_eq!(cloud_role(&remaining), Some(Role::Collaborator));
        assert_eq!(describe_role(Role::Collaborator, Role::Readonly), "collaborator");
        assert_eq!(describe_role(Role::Readonly, Role::Readonly), "readonly (unchanged)");
    }
}
