//! What one organization report covers: every member and anomaly of the resolution, or, for a scoped
//! review, the members, entries and anomalies within the scope. Every file of the report is written
//! from one view, so that they all cover the same clouds and projects.

use super::scope::{ReportScope, ScopedReport};
use crate::resolve::{Anomaly, CloudIx, MemberAccess, ProjectIx, Resolution};
use std::borrow::Cow;

/// The members, entries and anomalies a report covers.
pub struct ReportView<'r, 'a> {
    pub resolution: &'r Resolution<'a>,
    pub scope: Option<ReportScope>,
    members: Cow<'r, [MemberAccess]>,
    anomalies: Vec<&'r Anomaly>,
}

impl<'r, 'a> ReportView<'r, 'a> {
    /// Returns the view of the whole organization (nothing is copied).
    pub fn whole(resolution: &'r Resolution<'a>) -> Self {
        ReportView {
            resolution,
            scope: None,
            members: Cow::Borrowed(&resolution.members),
            anomalies: resolution.anomalies.iter().collect(),
        }
    }

    /// Returns the view within `scope` (see [`ScopedReport::select`]).
    pub fn scoped(resolution: &'r Resolution<'a>, scope: ReportScope) -> Self {
        let selected = ScopedReport::select(resolution, &scope);
        ReportView {
            resolution,
            scope: Some(scope),
            members: Cow::Owned(selected.members),
            anomalies: selected.anomalies,
        }
    }

    /// Returns the members the report shows, in output order.
    pub fn members(&self) -> &[MemberAccess] {
        &self.members
    }

    /// Returns the anomalies the report holds, in the resolution's order.
    pub fn anomalies(&self) -> &[&'r Anomaly] {
        &self.anomalies
    }

    /// Returns the org owners among the members, in output order.
    pub fn org_owners(&self) -> impl Iterator<Item = &MemberAccess> {
        self.members.iter().filter(|access| access.is_org_owner)
    }

    /// True when the cloud is covered.
    pub fn has_cloud(&self, cloud: CloudIx) -> bool {
        self.scope.as_ref().is_none_or(|scope| scope.has_cloud(cloud))
    }

    /// True when the project is covered.
    pub fn has_project(&self, project: ProjectIx) -> bool {
        self.scope.as_ref().is_none_or(|scope| scope.has_project(project))
    }

    /// Returns the covered clouds, in output order.
    pub fn clouds(&self) -> Vec<CloudIx> {
        (0..self.resolution.index.clouds.len() as CloudIx).filter(|&cloud| self.has_cloud(cloud)).collect()
    }

    /// Returns the covered projects, in output order.
    pub fn projects(&self) -> Vec<ProjectIx> {
        (0..self.resolution.index.projects.len() as ProjectIx).filter(|&project| self.has_project(project)).collect()
    }

    /// Returns the phrases describing the scope (empty for the whole organization).
    pub fn scope_phrases(&self) -> Vec<String> {
        self.scope.as_ref().map(|scope| scope.describe(self.resolution)).unwrap_or_default()
    }
}
