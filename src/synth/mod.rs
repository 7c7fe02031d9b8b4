//! Synthetic organizations for benchmarks and large tests: deterministic from a seed, with sizes and
//! grant density as parameters, and realistic shape (most grants inside the clouds a member works in,
//! a few orphans, restrictions, deleted groups and service accounts).

mod edit;
mod random;

pub use edit::edit;
pub use random::SplitMix64;

use crate::model::{
    Binding, Cloud, CloudCollaborator, CloudId, DirectLevel, Group, GroupId, GroupSource, Member, Membership, OrgId,
    OrgRole, Organization, Project, ProjectCollaborator, ProjectId, Role, UserId,
};

/// The size and density of a synthetic organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    pub members: usize,
    pub groups: usize,
    /// Average number of members per group.
    pub group_size: usize,
    pub clouds: usize,
    pub projects: usize,
    /// Total grants: direct levels plus group bindings (one per group and resource).
    pub grants: usize,
    pub seed: u64,
}

/// Share of all grants given to groups rather than to members directly.
const GROUP_GRANT_SHARE: f64 = 0.01;

/// Returns a synthetic organization of the given shape; the same shape always gives the same data.
pub fn generate(shape: &Shape) -> Organization {
    let mut rng = SplitMix64::new(shape.seed);
    let clouds = shape.clouds.max(1);
    let projects = shape.projects;
    let mut organization = Organization {
        id: OrgId(format!("org_synthetic_{}", shape.seed)),
        members: (0..shape.members).map(|i| member(i, &mut rng)).collect(),
        groups: (0..shape.groups).map(|i| group(i, &mut rng)).collect(),
        memberships: Vec::new(),
        clouds: (0..clouds).map(cloud).collect(),
        projects: (0..projects).map(|i| project(i, clouds)).collect(),
    };
    organization.memberships = memberships(shape, &mut rng);
    add_group_grants(&mut organization, shape, &mut rng);
    add_direct_grants(&mut organization, shape, &mut rng);
    organization.normalize();
    organization
}

fn user_id(i: usize) -> UserId {
    UserId(format!("usr_{i:07}"))
}

fn timestamp(rng: &mut SplitMix64) -> String {
    let (month, day) = (1 + rng.below(12), 1 + rng.below(28));
    let (hour, minute) = (rng.below(24), rng.below(60));
    format!("2024-{month:02}-{day:02}T{hour:02}:{minute:02}:00+00:00")
}

fn member(i: usize, rng: &mut SplitMix64) -> Member {
    let is_service_account = rng.chance(0.02);
    let permission_level = match rng.below(1000) {
        0..=4 => "owner",
        5..=954 => "collaborator",
        _ => "unspecified",
    };
    let (email, name) = if is_service_account {
        (format!("svc-{i:07}@bots.example.com"), format!("Service {i}"))
    } else {
        (format!("user{i:07}@example.com"), format!("User {i}"))
    };
    Member {
        id: format!("idn_{i:07}"),
        // Some service accounts have no user id, as on the real API.
        user_id: (!is_service_account || rng.chance(0.75)).then(|| user_id(i)),
        email,
        name,
        created_at: timestamp(rng),
        permission_level: permission_level.to_owned(),
        base_role: OrgRole::from_permission_level(permission_level),
        additional_roles: Vec::new(),
        is_service_account,
    }
}

fn group(i: usize, rng: &mut SplitMix64) -> Group {
    let org_role = match rng.below(100) {
        0 => Some(OrgRole::Owner),
        1..=9 => Some(OrgRole::Collaborator),
        _ => None,
    };
    let created_at = timestamp(rng);
    Group {
        id: GroupId(format!("ug_{i:05}")),
        name: format!("team-{i:05}"),
        source: if rng.chance(0.25) { GroupSource::Scim } else { GroupSource::User },
        org_role,
        updated_at: created_at.clone(),
        deleted_at: rng.chance(0.02).then(|| "2025-06-01T00:00:00+00:00".to_owned()),
        created_at,
    }
}

fn cloud(i: usize) -> Cloud {
    Cloud {
        id: CloudId(format!("cld_{i:04}")),
        name: format!("cloud-{i:04}"),
        collaborators: Vec::new(),
        bindings: Vec::new(),
    }
}

/// Project `i` belongs to cloud `i % clouds`, so the projects of cloud `c` are `c, c + clouds, ...`.
fn project(i: usize, clouds: usize) -> Project {
    Project {
        id: ProjectId(format!("prj_{i:06}")),
        name: format!("project-{i:06}"),
        parent_cloud_id: CloudId(format!("cld_{:04}", i % clouds)),
        collaborators: Vec::new(),
        bindings: Vec::new(),
    }
}

fn memberships(shape: &Shape, rng: &mut SplitMix64) -> Vec<Membership> {
    if shape.members == 0 {
        return Vec::new();
    }
    (0..shape.groups)
        .map(|i| {
            let size = 1 + rng.below(2 * shape.group_size.max(1) - 1);
            let mut user_ids: Vec<UserId> = (0..size).map(|_| user_id(rng.below(shape.members))).collect();
            user_ids.sort();
            user_ids.dedup();
            Membership { group_id: GroupId(format!("ug_{i:05}")), group_name: format!("team-{i:05}"), user_ids }
        })
        .collect()
}

/// Picks a project of cloud `cloud`, or any project when the cloud has none.
fn project_of(cloud: usize, shape: &Shape, rng: &mut SplitMix64) -> Option<usize> {
    let clouds = shape.clouds.max(1);
    let per_cloud = shape.projects / clouds + usize::from(cloud < shape.projects % clouds);
    if per_cloud == 0 {
        return None;
    }
    Some(cloud + clouds * rng.below(per_cloud))
}

fn random_role(rng: &mut SplitMix64) -> Role {
    match rng.below(100) {
        0..=29 => Role::Readonly,
        30..=89 => Role::Collaborator,
        _ => Role::Owner,
    }
}

fn add_group_grants(organization: &mut Organization, shape: &Shape, rng: &mut SplitMix64) {
    if shape.groups == 0 {
        return;
    }
    let per_group = (shape.grants as f64 * GROUP_GRANT_SHARE / shape.groups as f64).round() as usize;
    let clouds = organization.clouds.len();
    for i in 0..shape.groups {
        let home = rng.below(clouds);
        for _ in 0..per_group {
            let cloud_grant = rng.chance(0.2) || shape.projects == 0;
            let role = random_role(rng);
            let group = GroupId(format!("ug_{i:05}"));
            let binding = Binding { role, groups: vec![group] };
            if cloud_grant {
                // Groups rarely hold owner on a cloud, which the engine reports as an anomaly.
                let role = if role == Role::Owner && !rng.chance(0.05) { Role::Collaborator } else { role };
                organization.clouds[home].bindings.push(Binding { role, ..binding });
            } else if let Some(project) = project_of(home, shape, rng) {
                organization.projects[project].bindings.push(binding);
            }
        }
    }
}

fn direct_level(rng: &mut SplitMix64) -> DirectLevel {
    match rng.below(100) {
        0..=24 => DirectLevel::Readonly,
        25..=94 => DirectLevel::Write,
        _ => DirectLevel::Owner,
    }
}

fn add_direct_grants(organization: &mut Organization, shape: &Shape, rng: &mut SplitMix64) {
    if shape.members == 0 {
        return;
    }
    let group_grants =
        (shape.grants as f64 * GROUP_GRANT_SHARE / shape.groups.max(1) as f64).round() as usize * shape.groups;
    let direct = shape.grants.saturating_sub(group_grants);
    let clouds = organization.clouds.len();
    for i in 0..shape.members {
        let budget = direct / shape.members + usize::from(i < direct % shape.members);
        if budget == 0 {
            continue;
        }
        let member = organization.members[i].member_id().to_owned();
        let home_count = 1 + rng.below(3.min(budget));
        let homes: Vec<usize> = (0..home_count).map(|_| rng.below(clouds)).collect();
        for &home in &homes {
            let mut levels = vec![direct_level(rng)];
            if levels[0] == DirectLevel::Owner && rng.chance(0.1) {
                levels.push(DirectLevel::Readonly);
            }
            let collaborator = CloudCollaborator { user_id: UserId(member.clone()), levels };
            organization.clouds[home].collaborators.push(collaborator);
        }
        for _ in home_count..budget {
            // A few grants land outside the member's clouds: orphans, as in real organizations.
            let cloud = if rng.chance(0.03) { rng.below(clouds) } else { homes[rng.below(homes.len())] };
            if let Some(project) = project_of(cloud, shape, rng) {
                let level = direct_level(rng);
                let collaborator = ProjectCollaborator { user_id: UserId(member.clone()), level };
                organization.projects[project].collaborators.push(collaborator);
            }
        }
    }
}
