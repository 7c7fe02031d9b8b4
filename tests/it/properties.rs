//! Property tests over generated organizations: every effective role equals the best over all
//! derivation paths under R3/R4 (checked against a naive reference written from the spec, with no
//! graph and no index), the provenance lists every path, and the output does not depend on the number
//! of threads. The offboarding planner agrees with the engine after every step of every plan.

use permaudit::model::*;
use permaudit::report::offboarding::plan::{plan, plan_by_exhaustive_search, Holding};
use permaudit::report::permissions::{write_streamed, PermissionsDocument};
use permaudit::resolve::{resolve, AnomalyKind, Engine, Entry, OrgIndex, Source};
use permaudit::synth::{generate, Shape};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::collections::{BTreeMap, BTreeSet};

const LEVELS: [&str; 4] = ["owner", "collaborator", "unspecified", ""];
const NAMES: [&str; 4] = ["a", "B", "é", "a"];
const DIRECT: [DirectLevel; 3] = [DirectLevel::Owner, DirectLevel::Write, DirectLevel::Readonly];
const ROLES: [Role; 3] = [Role::Owner, Role::Collaborator, Role::Readonly];

type MemberSpec = (usize, bool, usize);
type Grant = (usize, usize, usize);

fn member_id(index: usize) -> String {
    format!("usr_{index}")
}

/// Builds an organization; indices past the end of a list name unknown records on purpose.
#[allow(clippy::type_complexity)]
fn build(
    (members, groups, clouds, parents, memberships, cloud_grants, project_grants, cloud_bindings, project_bindings): (
        Vec<MemberSpec>,
        Vec<(usize, bool)>,
        usize,
        Vec<usize>,
        Vec<(usize, usize)>,
        Vec<(usize, usize, Vec<usize>)>,
        Vec<Grant>,
        Vec<Grant>,
        Vec<Grant>,
    ),
) -> Organization {
    let member = |(i, &(level, sa, name)): (usize, &MemberSpec)| Member {
        id: format!("idn_{i}"),
        user_id: Some(UserId(member_id(i))),
        email: format!("{}@x.com", NAMES[name]),
        name: NAMES[name].to_owned(),
        created_at: "2024-01-01T00:00:00+00:00".to_owned(),
        permission_level: LEVELS[level].to_owned(),
        base_role: None,
        additional_roles: vec![],
        is_service_account: sa,
    };
    let group = |(i, &(role, deleted)): (usize, &(usize, bool))| Group {
        id: GroupId(format!("ug_{i}")),
        name: NAMES[i % 4].to_owned(),
        source: GroupSource::User,
        org_role: [None, Some(OrgRole::Collaborator), Some(OrgRole::Owner)][role],
        created_at: String::new(),
        updated_at: String::new(),
        deleted_at: deleted.then(|| "2025-01-01T00:00:00+00:00".to_owned()),
    };
    let mut organization = Organization {
        id: OrgId("org_prop".to_owned()),
        members: members.iter().enumerate().map(member).collect(),
        groups: groups.iter().enumerate().map(group).collect(),
        memberships: memberships
            .iter()
            .map(|&(group, user)| Membership {
                group_id: GroupId(format!("ug_{group}")),
                group_name: String::new(),
                user_ids: vec![UserId(member_id(user))],
            })
            .collect(),
        clouds: (0..clouds)
            .map(|i| Cloud {
                id: CloudId(format!("cld_{i}")),
                name: NAMES[i % 4].to_owned(),
                collaborators: vec![],
                bindings: vec![],
            })
            .collect(),
        projects: parents
            .iter()
            .enumerate()
            .map(|(i, &parent)| Project {
                id: ProjectId(format!("prj_{i}")),
                name: NAMES[(i + 1) % 4].to_owned(),
                parent_cloud_id: CloudId(format!("cld_{parent}")),
                collaborators: vec![],
                bindings: vec![],
            })
            .collect(),
    };
    for (cloud, user, levels) in cloud_grants {
        if let Some(cloud) = organization.clouds.get_mut(cloud) {
            let levels = levels.iter().map(|&level| DIRECT[level]).collect();
            cloud.collaborators.push(CloudCollaborator { user_id: UserId(member_id(user)), levels });
        }
    }
    for (project, user, level) in project_grants {
        if let Some(project) = organization.projects.get_mut(project) {
            project.collaborators.push(ProjectCollaborator { user_id: UserId(member_id(user)), level: DIRECT[level] });
        }
    }
    let binding =
        |group: usize, role: usize| Binding { role: ROLES[role], groups: vec![GroupId(format!("ug_{group}"))] };
    for (cloud, group, role) in cloud_bindings {
        if let Some(cloud) = organization.clouds.get_mut(cloud) {
            cloud.bindings.push(binding(group, role));
        }
    }
    for (project, group, role) in project_bindings {
        if let Some(project) = organization.projects.get_mut(project) {
            project.bindings.push(binding(group, role));
        }
    }
    organization
}

fn organizations() -> impl Strategy<Value = Organization> {
    (
        prop::collection::vec((0usize..4, prop::bool::weighted(0.2), 0usize..4), 0..8),
        prop::collection::vec((0usize..3, prop::bool::weighted(0.2)), 0..4),
        1usize..4,
        prop::collection::vec(0usize..4, 0..6),
        prop::collection::vec((0usize..5, 0usize..9), 0..12),
        prop::collection::vec((0usize..4, 0usize..9, prop::collection::vec(0usize..3, 1..3)), 0..14),
        prop::collection::vec((0usize..6, 0usize..9, 0usize..3), 0..18),
        prop::collection::vec((0usize..4, 0usize..5, 0usize..3), 0..6),
        prop::collection::vec((0usize..6, 0usize..5, 0usize..3), 0..8),
    )
        .prop_map(build)
}

/// Organizations where a few members hold many overlapping grants and group roles: the plans of
/// their members are long, and steps often change what later steps do.
fn dense_organizations() -> impl Strategy<Value = Organization> {
    (
        prop::collection::vec((0usize..4, prop::bool::weighted(0.15), 0usize..4), 1..4),
        prop::collection::vec((0usize..3, prop::bool::weighted(0.1)), 1..7),
        1usize..4,
        prop::collection::vec(0usize..4, 0..7),
        prop::collection::vec((0usize..7, 0usize..4), 0..18),
        prop::collection::vec((0usize..4, 0usize..4, prop::collection::vec(0usize..3, 1..3)), 0..8),
        prop::collection::vec((0usize..7, 0usize..4, 0usize..3), 0..12),
        prop::collection::vec((0usize..4, 0usize..7, 0usize..3), 0..12),
        prop::collection::vec((0usize..7, 0usize..7, 0usize..3), 0..14),
    )
        .prop_map(build)
}

/// A path, named by ids: `direct owner` or `group ug_1: collaborator`.
type Paths = BTreeSet<String>;
/// Member id -> cloud id -> (role, paths, project id -> (role, paths)).
type Access = BTreeMap<String, BTreeMap<String, (Role, Paths, BTreeMap<String, (Role, Paths)>)>>;

fn direct_path(level: DirectLevel) -> String {
    format!("direct {level}")
}

fn group_path(group: &str, role: Role) -> String {
    format!("group {group}: {role}")
}

/// The naive reference: R1–R8 read straight off the organization's lists, by id.
fn reference(organization: &Organization) -> (Vec<String>, Access) {
    let live: BTreeMap<&str, &Group> =
        organization.groups.iter().filter(|g| !g.is_deleted()).map(|g| (g.id.as_str(), g)).collect();
    let groups_of = |id: &str| -> Vec<&Group> {
        let mut groups: Vec<&Group> = organization
            .memberships
            .iter()
            .filter(|m| m.user_ids.iter().any(|u| u.as_str() == id))
            .filter_map(|m| live.get(m.group_id.as_str()).copied())
            .collect();
        groups.dedup_by_key(|g| g.id.clone());
        groups
    };
    let mut members: Vec<&Member> = organization.members.iter().collect();
    members.sort_by(|a, b| (&a.email, a.member_id()).cmp(&(&b.email, b.member_id())));
    let mut owners = Vec::new();
    let mut access = Access::new();
    for member in members {
        let id = member.member_id();
        let groups = groups_of(id);
        let level = member.permission_level.as_str();
        let group_roles: Vec<OrgRole> = groups.iter().filter_map(|g| g.org_role).collect();
        if !member.is_service_account && (level == "owner" || group_roles.contains(&OrgRole::Owner)) {
            owners.push(id.to_owned());
        }
        if !(level == "owner" || level == "collaborator" || !group_roles.is_empty()) {
            continue;
        }
        let reaches = |bindings: &[Binding], paths: &mut Vec<(Option<DirectLevel>, Role, String)>| {
            for binding in bindings {
                for group in &groups {
                    if binding.groups.contains(&group.id) {
                        paths.push((None, binding.role, group_path(group.id.as_str(), binding.role)));
                    }
                }
            }
        };
        let mut clouds = BTreeMap::new();
        for cloud in &organization.clouds {
            let mut paths = Vec::new();
            for collaborator in cloud.collaborators.iter().filter(|c| c.user_id.as_str() == id) {
                for &level in &collaborator.levels {
                    paths.push((Some(level), level.role(), direct_path(level)));
                }
            }
            reaches(&cloud.bindings, &mut paths);
            if paths.is_empty() {
                continue;
            }
            let has = |level| paths.iter().any(|(direct, _, _)| *direct == Some(level));
            let role = if has(DirectLevel::Owner) {
                Role::Owner
            } else if has(DirectLevel::Readonly) {
                Role::Readonly
            } else {
                paths.iter().map(|(_, role, _)| (*role).min(Role::Collaborator)).max().unwrap()
            };
            let names = paths.iter().map(|(_, _, name)| name.clone()).collect();
            clouds.insert(cloud.id.to_string(), (role, names, BTreeMap::new()));
        }
        for project in &organization.projects {
            let Some((cloud_role, _, projects)) = clouds.get_mut(project.parent_cloud_id.as_str()) else { continue };
            let mut paths = Vec::new();
            for collaborator in project.collaborators.iter().filter(|c| c.user_id.as_str() == id) {
                paths.push((Some(collaborator.level), collaborator.level.role(), direct_path(collaborator.level)));
            }
            reaches(&project.bindings, &mut paths);
            let Some(best) = paths.iter().map(|(_, role, _)| *role).max() else { continue };
            let role = if *cloud_role == Role::Readonly && best != Role::Owner { Role::Readonly } else { best };
            let names = paths.iter().map(|(_, _, name)| name.clone()).collect();
            projects.insert(project.id.to_string(), (role, names));
        }
        if !clouds.is_empty() {
            access.insert(id.to_owned(), clouds);
        }
    }
    (owners, access)
}

/// The engine's answer, in the reference's shape.
fn engine(organization: &Organization) -> (Vec<String>, Access) {
    let resolution = resolve(organization);
    let index = &resolution.index;
    let name = |source: &Source| match *source {
        Source::Direct(level) => direct_path(level),
        Source::Group { group, role } => group_path(index.group_record(group).id.as_str(), role),
    };
    let owners = resolution.org_owners().map(|a| index.member_record(a.member).member_id().to_owned()).collect();
    let mut access = Access::new();
    for member in resolution.listed_members() {
        let mut clouds = BTreeMap::new();
        for cloud in &member.clouds {
            let projects = cloud
                .projects
                .iter()
                .map(|p| {
                    (index.project_record(p.project).id.to_string(), (p.role, p.sources.iter().map(name).collect()))
                })
                .collect();
            let id = index.cloud_record(cloud.cloud).id.to_string();
            clouds.insert(id, (cloud.role, cloud.sources.iter().map(name).collect(), projects));
        }
        access.insert(index.member_record(member.member).member_id().to_owned(), clouds);
    }
    (owners, access)
}

fn render(organization: &Organization, threads: usize) -> Vec<u8> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| {
        let resolution = resolve(organization);
        let mut bytes = Vec::new();
        PermissionsDocument::new(&resolution).write_json(&mut bytes, 2).unwrap();
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_role_is_the_best_over_all_paths_and_every_path_is_kept(organization in organizations()) {
        prop_assert_eq!(engine(&organization), reference(&organization));
    }

    #[test]
    fn output_does_not_depend_on_thread_count(organization in organizations()) {
        prop_assert_eq!(render(&organization, 1), render(&organization, 3));
    }

    #[test]
    fn the_streamed_writer_equals_plain_serialization(organization in organizations()) {
        let resolution = resolve(&organization);
        let document = PermissionsDocument::new(&resolution);
        let mut streamed = Vec::new();
        document.write_json(&mut streamed, 2).unwrap();
        prop_assert_eq!(String::from_utf8(streamed).unwrap(), permaudit::compat::pyjson::to_string(&document, 2));
    }

    #[test]
    fn resolving_while_writing_equals_the_whole_resolution(organization in organizations(), indent in 1usize..5) {
        let (whole, whole_counts) = whole_document(&organization, indent);
        let engine = Engine::new(OrgIndex::new(&organization));
        let mut streamed = Vec::new();
        let counts = write_streamed(&engine, &mut streamed, indent).unwrap();
        prop_assert_eq!(String::from_utf8(streamed).unwrap(), whole);
        prop_assert_eq!(counts, whole_counts);
    }
}

/// Returns the list-permissions document of a whole resolution and its anomaly counts by kind.
fn whole_document(organization: &Organization, indent: usize) -> (String, Vec<usize>) {
    let resolution = resolve(organization);
    let mut bytes = Vec::new();
    PermissionsDocument::new(&resolution).write_json(&mut bytes, indent).unwrap();
    let counts = AnomalyKind::ALL
        .iter()
        .map(|&kind| resolution.anomalies.iter().filter(|anomaly| anomaly.kind() == kind).count())
        .collect();
    (String::from_utf8(bytes).unwrap(), counts)
}

#[test]
fn a_larger_synthetic_organization_renders_the_same_on_one_and_many_threads() {
    let shape = Shape { members: 3000, groups: 30, group_size: 40, clouds: 6, projects: 120, grants: 40_000, seed: 11 };
    let organization = generate(&shape);
    let single = render(&organization, 1);
    assert_eq!(single, render(&organization, 4));
    let resolution = resolve(&organization);
    let document = PermissionsDocument::new(&resolution);
    assert_eq!(String::from_utf8(single.clone()).unwrap(), permaudit::compat::pyjson::to_string(&document, 2));
    assert_eq!(engine(&organization), reference(&organization));
    for threads in [1, 4] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let streamed = pool.install(|| {
            let mut bytes = Vec::new();
            write_streamed(&Engine::new(OrgIndex::new(&organization)), &mut bytes, 2).unwrap();
            bytes
        });
        assert_eq!(streamed, single, "{threads} threads");
    }
}

/// Returns `organization` without what a revocation step takes from `member_id`: its `owner` level
/// (demoted to `collaborator`), its membership of a group, or its direct grants on one cloud or project.
fn without_holding(organization: &mut Organization, index_ids: (&str, Holding, &OrgIdsOf)) {
    let (member_id, holding, ids) = index_ids;
    match holding {
        Holding::OwnerLevel => {
            for member in organization.members.iter_mut().filter(|m| m.member_id() == member_id) {
                member.permission_level = "collaborator".to_owned();
                member.base_role = Some(OrgRole::Collaborator);
            }
        }
        Holding::Group(group) => {
            let group_id = &ids.groups[group as usize];
            for membership in organization.memberships.iter_mut().filter(|m| &m.group_id.0 == group_id) {
                membership.user_ids.retain(|user| user.as_str() != member_id);
            }
        }
        Holding::Direct(Entry::Cloud(cloud)) => {
            let cloud_id = &ids.clouds[cloud as usize];
            for cloud in organization.clouds.iter_mut().filter(|c| &c.id.0 == cloud_id) {
                cloud.collaborators.retain(|c| c.user_id.as_str() != member_id);
            }
        }
        Holding::Direct(Entry::Project(project)) => {
            let project_id = &ids.projects[project as usize];
            for project in organization.projects.iter_mut().filter(|p| &p.id.0 == project_id) {
                project.collaborators.retain(|c| c.user_id.as_str() != member_id);
            }
        }
    }
}

/// The ids behind a resolution's dense indices, so that a changed organization can be edited by id.
struct OrgIdsOf {
    groups: Vec<String>,
    clouds: Vec<String>,
    projects: Vec<String>,
}

impl OrgIdsOf {
    fn new(resolution: &permaudit::resolve::Resolution<'_>) -> Self {
        let index = &resolution.index;
        OrgIdsOf {
            groups: (0..index.groups.len() as u32).map(|g| index.group_record(g).id.0.clone()).collect(),
            clouds: (0..index.clouds.len() as u32).map(|c| index.cloud_record(c).id.0.clone()).collect(),
            projects: (0..index.projects.len() as u32).map(|p| index.project_record(p).id.0.clone()).collect(),
        }
    }
}

/// A member's access as (org owner, role per entry), as the engine computes it.
fn engine_state(organization: &Organization, member_id: &str) -> (bool, BTreeMap<Entry, Role>) {
    let resolution = resolve(organization);
    let access = resolution.member(member_id).expect("the member stays in the organization");
    let mut roles = BTreeMap::new();
    for cloud in &access.clouds {
        roles.insert(Entry::Cloud(cloud.cloud), cloud.role);
        for project in &cloud.projects {
            roles.insert(Entry::Project(project.project), project.role);
        }
    }
    (access.is_org_owner, roles)
}

/// Checks that org ownership goes first: a member who owns the organization through its own level is
/// demoted in the first step, and while the member is still an org owner every step leaves an owner
/// group.
fn check_ownership_goes_first(
    organization: &Organization,
    member_id: &str,
    steps: &[permaudit::report::offboarding::plan::Revocation],
    ids: &OrgIdsOf,
) -> Result<(), TestCaseError> {
    let record = organization.members.iter().find(|member| member.member_id() == member_id).unwrap();
    let owner_level = record.permission_level == "owner" && !record.is_service_account;
    prop_assert_eq!(steps.first().map(|step| step.holding) == Some(Holding::OwnerLevel), owner_level);
    prop_assert!(steps.iter().skip(1).all(|step| step.holding != Holding::OwnerLevel));
    for step in steps.iter().skip(usize::from(owner_level)).filter(|step| step.outcome.was_org_owner) {
        let Holding::Group(group) = step.holding else {
            return Err(TestCaseError::fail(format!("{member_id}: {:?} before ownership ends", step.holding)));
        };
        let group_id = &ids.groups[group as usize];
        let role = organization.groups.iter().find(|g| &g.id.0 == group_id).and_then(|g| g.org_role);
        prop_assert_eq!(role, Some(OrgRole::Owner), "{}: group {} before ownership ends", member_id, group_id);
    }
    Ok(())
}

/// Checks every member's plan: the fast planner equals the exhaustive one, no step raises access,
/// ownership goes first, and after every step the planner's account of the member's access is the
/// engine's on the organization with the revoked holdings removed.
fn check_plans(organization: &Organization) -> Result<(), TestCaseError> {
    let resolution = resolve(organization);
    let ids = OrgIdsOf::new(&resolution);
    for access in &resolution.members {
        let member_id = resolution.index.member_record(access.member).member_id().to_owned();
        let steps = plan(&resolution, access.member);
        prop_assert_eq!(&steps, &plan_by_exhaustive_search(&resolution, access.member), "member {}", member_id);
        check_ownership_goes_first(organization, &member_id, &steps, &ids)?;
        let (mut is_owner, mut roles) = engine_state(organization, &member_id);
        let mut changed = organization.clone();
        for step in &steps {
            prop_assert!(!step.outcome.raises(), "step {:?} of {} raises access", step.holding, member_id);
            prop_assert_eq!(step.outcome.was_org_owner, is_owner);
            is_owner = step.outcome.is_org_owner;
            for change in &step.outcome.changes {
                prop_assert_eq!(roles.get(&change.entry).copied(), change.before);
                match change.after {
                    Some(role) => roles.insert(change.entry, role),
                    None => roles.remove(&change.entry),
                };
            }
            without_holding(&mut changed, (&member_id, step.holding, &ids));
            prop_assert_eq!(engine_state(&changed, &member_id), (is_owner, roles.clone()), "after {:?}", step.holding);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn offboarding_plans_agree_with_the_engine_after_every_step(organization in dense_organizations()) {
        check_plans(&organization)?;
    }
}

#[test]
fn offboarding_plans_agree_with_the_engine_on_a_generated_organization() {
    let shape = Shape { members: 60, groups: 12, group_size: 15, clouds: 4, projects: 24, grants: 900, seed: 5 };
    check_plans(&generate(&shape)).unwrap();
}
