//! The checks of ownership: how many org owners the organization has, and who explicitly owns each
//! cloud and project (org owners own everything implicitly and are not counted there).

use super::super::finding::Evidence;
use super::Inputs;
use crate::model::Role;
use crate::resolve::{CloudIx, Entry, MemberIx, ProjectIx, Resolution};

/// The org owners, when their number lies outside the policy's bounds.
pub fn org_owner_count(inputs: &Inputs<'_, '_>) -> Option<Evidence> {
    let owners: Vec<MemberIx> = inputs.resolution.org_owners().map(|access| access.member).collect();
    let bounds = inputs.policy.org_owners;
    let count = u32::try_from(owners.len()).unwrap_or(u32::MAX);
    (count < bounds.min || count > bounds.max).then_some(Evidence::OrgOwners { owners })
}

/// The explicit owners of every cloud, and whether each project has one.
pub struct ResourceOwners {
    clouds: Vec<Vec<MemberIx>>,
    projects: Vec<bool>,
}

impl ResourceOwners {
    /// Counts, in one pass over every entry, the members whose effective role is owner.
    pub fn count(resolution: &Resolution<'_>) -> ResourceOwners {
        let index = &resolution.index;
        let mut owners = ResourceOwners {
            clouds: vec![Vec::new(); index.clouds.len()],
            projects: vec![false; index.projects.len()],
        };
        for access in &resolution.members {
            for cloud in &access.clouds {
                if cloud.role == Role::Owner {
                    owners.clouds[cloud.cloud as usize].push(access.member);
                }
                for project in cloud.projects.iter().filter(|project| project.role == Role::Owner) {
                    owners.projects[project.project as usize] = true;
                }
            }
        }
        owners
    }

    /// Every cloud, then every project under an existing cloud, that no member explicitly owns.
    pub fn without_owner(&self, resolution: &Resolution<'_>) -> Vec<Evidence> {
        let clouds = (0..self.clouds.len() as CloudIx)
            .filter(|&cloud| self.clouds[cloud as usize].is_empty())
            .map(|cloud| Evidence::NoOwner { entry: Entry::Cloud(cloud) });
        let projects = (0..self.projects.len() as ProjectIx)
            .filter(|&project| !self.projects[project as usize] && resolution.graph.project_parent(project).is_some())
            .map(|project| Evidence::NoOwner { entry: Entry::Project(project) });
        clouds.chain(projects).collect()
    }

    /// Every cloud with more explicit owners than `limit`.
    pub fn over_limit(&self, limit: u32) -> Vec<Evidence> {
        let limit = limit as usize;
        self.clouds
            .iter()
            .enumerate()
            .filter(|(_, owners)| owners.len() > limit)
            .map(|(cloud, owners)| Evidence::CloudOwners { cloud: cloud as CloudIx, owners: owners.clone() })
            .collect()
    }
}
