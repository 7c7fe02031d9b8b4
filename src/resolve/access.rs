//! One member's effective access, computed by one pure function from what reaches the member: its
//! org-role sources, and every direct and group grant on every cloud and project (R1–R4, with the
//! anomalies of R9 met on the way). The engine calls it for every member; the explanations, what-ifs
//! and offboarding plans compute with the same rules through [`super::simulate::Simulation`].

use super::anomaly::Anomaly;
use super::ix::{CloudIx, MemberIx, ProjectIx};
use super::rules::{cloud_verdict, org_standing, project_verdict, BaseGrants, BaseSource, Cap, Grants, Source};
use crate::model::{DirectLevel, OrgRole, Role};

/// A member's effective role on a project, with every grant that reaches it there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectAccess {
    pub project: ProjectIx,
    pub role: Role,
    /// The best role the grants ask for, before the parent cloud's cap.
    pub granted: Role,
    /// Set when the parent cloud's `readonly` role lowered `granted` to `role` (R4).
    pub cap: Option<Cap>,
    pub sources: Vec<Source>,
}

/// A member's effective role on a cloud, its grants, and the projects of that cloud it reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudAccess {
    pub cloud: CloudIx,
    pub role: Role,
    /// The best role the grants count for on the cloud, before a direct `readonly` restricts it.
    pub granted: Role,
    /// Set when a direct `readonly` lowered `granted` to `role` (R3).
    pub cap: Option<Cap>,
    pub sources: Vec<Source>,
    pub projects: Vec<ProjectAccess>,
}

/// Everything one member can reach, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberAccess {
    pub member: MemberIx,
    /// Where the member's org role comes from; empty means no base role (R2).
    pub base: Vec<BaseSource>,
    /// True when the member is an org owner (R1).
    pub is_org_owner: bool,
    /// Cloud entries in output order; empty when the member reaches no cloud.
    pub clouds: Vec<CloudAccess>,
}

impl MemberAccess {
    /// True when the member has a base role in the organization (R2).
    pub fn has_base(&self) -> bool {
        !self.base.is_empty()
    }

    /// Returns the roles of every entry: each cloud role, then each project role under it.
    pub fn roles(&self) -> impl Iterator<Item = Role> + '_ {
        self.clouds.iter().flat_map(|cloud| std::iter::once(cloud.role).chain(cloud.projects.iter().map(|p| p.role)))
    }
}

/// Everything that reaches one member before the rules apply, each list sorted and without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    pub member: MemberIx,
    pub is_service_account: bool,
    /// The member's own `permission_level` (when it gives a role) and its groups' org roles.
    pub base: Vec<BaseSource>,
    pub clouds: Vec<(CloudIx, Source)>,
    pub projects: Vec<(ProjectIx, Source)>,
}

impl Reach {
    /// Sorts every list and drops repeated entries, as [`member_access`] expects.
    pub fn normalize(&mut self) {
        self.base.sort_unstable();
        self.base.dedup();
        self.clouds.sort_unstable();
        self.clouds.dedup();
        self.projects.sort_unstable();
        self.projects.dedup();
    }
}

/// Computes one member's access from what reaches it (R1–R4), and the anomalies met (R9).
///
/// `parents` gives each project's parent cloud. Project grants whose parent cloud gives the member no
/// role are dropped as orphans; a member without a base role gets nothing (R2).
pub fn member_access(reach: Reach, parents: &[Option<CloudIx>]) -> (MemberAccess, Vec<Anomaly>) {
    let member = reach.member;
    let standing = org_standing(&BaseGrants::of(&reach.base), reach.is_service_account);
    let mut anomalies = service_account_anomalies(&reach);
    let clouds = if standing.has_base {
        let mut clouds = cloud_entries(member, &reach.clouds, &mut anomalies);
        add_project_entries(member, &reach.projects, parents, &mut clouds, &mut anomalies);
        clouds
    } else {
        if !reach.clouds.is_empty() || !reach.projects.is_empty() {
            let (cloud_grants, project_grants) = (reach.clouds.len(), reach.projects.len());
            anomalies.push(Anomaly::NoBaseRole { member, cloud_grants, project_grants });
        }
        Vec::new()
    };
    let access = MemberAccess { member, base: reach.base, is_org_owner: standing.is_org_owner, clouds };
    (access, anomalies)
}

/// A service account recorded as owner, or in an owner group, is not an org owner (R1).
fn service_account_anomalies(reach: &Reach) -> Vec<Anomaly> {
    if !reach.is_service_account {
        return Vec::new();
    }
    let member = reach.member;
    reach
        .base
        .iter()
        .filter_map(|&base| match base {
            BaseSource::PermissionLevel(OrgRole::Owner) => Some(Anomaly::ServiceAccountOwner { member }),
            BaseSource::Group { group, role: OrgRole::Owner } => {
                Some(Anomaly::ServiceAccountInOwnerGroup { member, group })
            }
            BaseSource::PermissionLevel(OrgRole::Collaborator) | BaseSource::Group { .. } => None,
        })
        .collect()
}

/// Applies R3 to each cloud's run of grants.
fn cloud_entries(member: MemberIx, grants: &[(CloudIx, Source)], anomalies: &mut Vec<Anomaly>) -> Vec<CloudAccess> {
    let mut clouds = Vec::new();
    for run in grants.chunk_by(|a, b| a.0 == b.0) {
        let (cloud, sources) = (run[0].0, sources_of(run));
        let counts = Grants::of(&sources);
        let Some(verdict) = cloud_verdict(&counts) else { continue };
        if verdict.cap.is_some() {
            anomalies.push(Anomaly::ReadonlyRestriction { member, cloud, best: verdict.granted });
        }
        if counts.has_direct(DirectLevel::Owner) && counts.has_direct(DirectLevel::Readonly) {
            anomalies.push(Anomaly::OwnerWithReadonly { member, cloud });
        }
        let (role, granted, cap) = (verdict.role, verdict.granted, verdict.cap);
        clouds.push(CloudAccess { cloud, role, granted, cap, sources, projects: Vec::new() });
    }
    clouds
}

/// Applies R4 to each project's run of grants, under the member's role on its parent cloud.
fn add_project_entries(
    member: MemberIx,
    grants: &[(ProjectIx, Source)],
    parents: &[Option<CloudIx>],
    clouds: &mut [CloudAccess],
    anomalies: &mut Vec<Anomaly>,
) {
    for run in grants.chunk_by(|a, b| a.0 == b.0) {
        let (project, sources) = (run[0].0, sources_of(run));
        let Some(parent) = parents.get(project as usize).copied().flatten() else { continue };
        let Ok(position) = clouds.binary_search_by_key(&parent, |access| access.cloud) else {
            anomalies.extend(sources.into_iter().map(|source| Anomaly::OrphanProjectGrant {
                member,
                project,
                cloud: parent,
                source,
            }));
            continue;
        };
        let cloud = &mut clouds[position];
        let Some(verdict) = project_verdict(&Grants::of(&sources), cloud.role) else { continue };
        if verdict.cap.is_some() {
            anomalies.push(Anomaly::ProjectRoleCapped { member, project, cloud: parent, best: verdict.granted });
        }
        let (role, granted, cap) = (verdict.role, verdict.granted, verdict.cap);
        cloud.projects.push(ProjectAccess { project, role, granted, cap, sources });
    }
}

fn sources_of<T>(run: &[(T, Source)]) -> Vec<Source> {
    run.iter().map(|&(_, source)| source).collect()
}
