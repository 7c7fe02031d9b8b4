//! The explanation as text, for a terminal or a ticket: the member, then each cloud with its projects,
//! each path with what would remain without it, then the anomalies.

use super::{CloudExplanation, Explanation, PathFacts, ProjectExplanation};
use std::fmt::Write as _;

impl Explanation {
    /// Returns the explanation as text.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        self.write_member(&mut text);
        if let Some(reason) = &self.no_entry {
            let _ = writeln!(text, "\n{reason}");
        }
        for cloud in &self.clouds {
            write_cloud(&mut text, cloud);
        }
        if !self.anomalies.is_empty() {
            let _ = writeln!(text, "\nanomalies:");
            for anomaly in &self.anomalies {
                let _ = writeln!(text, "  - {}: {}", anomaly.code, anomaly.detail);
            }
        }
        text
    }

    fn write_member(&self, text: &mut String) {
        let member = &self.member;
        let kind = if member.is_service_account { ", service account" } else { "" };
        let _ = writeln!(text, "{} ({}, {}{kind})", member.email, member.id, member.name);
        let _ = writeln!(text, "organization {}", self.organization_id);
        let _ = write!(text, "org role: {}", member.org_role);
        if member.org_role_sources.is_empty() {
            let _ = writeln!(
                text,
                " (permission_level `{}`, no org role from a group: no access, R2)",
                member.permission_level
            );
            return;
        }
        let _ = writeln!(text);
        for source in &member.org_role_sources {
            let _ = writeln!(text, "  - {source}");
        }
        if member.is_org_owner {
            let _ =
                writeln!(text, "  org owner: implicit access to every cloud and project, which is never listed (R3)");
        }
    }
}

fn write_cloud(text: &mut String, cloud: &CloudExplanation) {
    let entry = &cloud.entry;
    let _ = writeln!(text, "\ncloud {} ({}): {}", entry.name, entry.id, entry.role);
    if let Some(cap) = &entry.cap {
        let _ = writeln!(text, "  {cap}");
    }
    let _ = writeln!(text, "  paths, and what would remain without each one:");
    write_paths(text, "  ", &entry.paths);
    for project in &cloud.projects {
        write_project(text, project);
    }
    if let Some(project) = &cloud.project_without_role {
        let _ = writeln!(text, "  project {} ({}): no role (no grant reaches it)", project.name, project.id);
    }
}

fn write_project(text: &mut String, project: &ProjectExplanation) {
    let _ = writeln!(text, "  project {} ({}): {}", project.name, project.id, project.role);
    if let Some(cap) = &project.cap {
        let _ = writeln!(text, "    {cap}");
    }
    write_paths(text, "    ", &project.paths);
}

fn write_paths(text: &mut String, indent: &str, paths: &[PathFacts]) {
    for path in paths {
        let _ = writeln!(text, "{indent}- {}: without it, {}", path.path, path.without_it);
    }
}
