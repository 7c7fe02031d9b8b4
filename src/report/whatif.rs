//! What would remain if one path were removed: the member's access recomputed with the rules
//! ([`Simulation`]) without that one grant, including the effect on the projects under a cloud.

use crate::model::Role;
use crate::resolve::{CloudAccess, Entry, OrgIndex, ProjectAccess, Removal, Simulation, Source};

/// Returns the removal of one grant on one entry.
fn one_grant(entry: Entry, source: Source) -> Removal {
    Removal { base: Vec::new(), grants: vec![(entry, source)] }
}

/// Returns, in words, what the member keeps on a cloud once the grant at `position` is removed,
/// including what changes for the projects under it.
pub fn without_cloud_path(
    index: &OrgIndex<'_>,
    simulation: &Simulation<'_>,
    cloud: &CloudAccess,
    position: usize,
) -> String {
    let entry = Entry::Cloud(cloud.cloud);
    let outcome = simulation.outcome(&one_grant(entry, cloud.sources[position]));
    let Some(role) = outcome.after(entry, Some(cloud.role)) else {
        return match cloud.projects.len() {
            0 => "no role on the cloud".to_owned(),
            count => format!(
                "no role on the cloud, and its {} would go too (R4)",
                crate::plural::count(count, "project entry", "project entries")
            ),
        };
    };
    let mut text = describe_role(role, cloud.role);
    for project in &cloud.projects {
        let after = outcome.after(Entry::Project(project.project), Some(project.role));
        if let Some(after) = after.filter(|&after| after != project.role) {
            let name = &index.project_record(project.project).name;
            text.push_str(&format!("; project {name} would become {after}"));
        }
    }
    text
}

/// Returns, in words, what the member keeps on a project once the grant at `position` is removed.
pub fn without_project_path(simulation: &Simulation<'_>, project: &ProjectAccess, position: usize) -> String {
    let entry = Entry::Project(project.project);
    let outcome = simulation.outcome(&one_grant(entry, project.sources[position]));
    match outcome.after(entry, Some(project.role)) {
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

    #[test]
    fn an_unchanged_role_says_so() {
        assert_eq!(describe_role(Role::Collaborator, Role::Readonly), "collaborator");
        assert_eq!(describe_role(Role::Readonly, Role::Readonly), "readonly (unchanged)");
    }
}
