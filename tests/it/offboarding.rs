//! The offboarding planner on a member in many groups: the plan of a member in thousands of groups is
//! complete and safe, equals the exhaustive search where that search is affordable, and is found with
//! work that grows with the member's grants, not with the square of its groups (the exhaustive search
//! simulates about half the square of the holdings). Timings are in `benches/offboarding.sh`.

use permaudit::model::Snapshot;
use permaudit::report::offboarding::plan::{plan_by_exhaustive_search, plan_counted, Holding};
use permaudit::resolve::resolve;
use permaudit::synth::SplitMix64;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::Path;

const CLOUDS: usize = 5;
const PROJECTS: usize = 50;

/// Returns an organization where `usr_target` belongs to `groups` groups, each bound on every cloud
/// and on about one project in seven, with roles drawn at random (the shape of the slow case found).
fn member_in_many_groups(groups: usize, seed: u64) -> Snapshot {
    let mut random = SplitMix64::new(seed);
    let roles = ["owner", "collaborator", "readonly"];
    let role = |random: &mut SplitMix64| roles[random.below(roles.len())];
    let group_ids: Vec<String> = (0..groups).map(|group| format!("ug_{group:05}")).collect();
    let bindings = |random: &mut SplitMix64, chance: f64| -> Vec<Value> {
        let mut by_role: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        for group in &group_ids {
            if random.chance(chance) {
                by_role.entry(role(random)).or_default().push(group);
            }
        }
        by_role.into_iter().map(|(role, groups)| json!({"role": role, "groups": groups})).collect()
    };
    let clouds: Vec<Value> = (0..CLOUDS)
        .map(|cloud| {
            let collaborators = if cloud == 0 { json!([{"user_id": "usr_target", "levels": ["readonly"]}]) } else { json!([]) };
            json!({"id": format!("cld_{cloud}"), "name": format!("c{cloud}"), "collaborators": collaborators, "bindings": bindings(&mut random, 1.0)})
        })
        .collect();
    let projects: Vec<Value> = (0..PROJECTS)
        .map(|project| {
            json!({"id": format!("prj_{project:02}"), "name": format!("p{project:02}"), "parent_cloud_id": format!("cld_{}", project % CLOUDS),
                   "collaborators": [], "bindings": bindings(&mut random, 1.0 / 7.0)})
        })
        .collect();
    let group_records: Vec<Value> = group_ids
        .iter()
        .map(|id| json!({"id": id, "name": id, "source": "user", "org_role": null, "created_at": "2024-01-01T00:00:00+00:00", "updated_at": "2024-01-01T00:00:00+00:00", "deleted_at": null}))
        .collect();
    let memberships: Vec<Value> =
        group_ids.iter().map(|id| json!({"group_id": id, "group_name": id, "user_ids": ["usr_target"]})).collect();
    let snapshot = json!({
        "format": "permaudit-snapshot/1", "organization_id": "org_many", "collected_at": "2024-01-01T00:00:00+00:00",
        "source": "generated", "complete": true, "gaps": [],
        "members": [{"id": "idn_target", "user_id": "usr_target", "email": "target@x.com", "name": "Target",
                     "created_at": "2024-01-01T00:00:00+00:00", "permission_level": "collaborator", "base_role": "collaborator",
                     "additional_roles": [], "is_service_account": false}],
        "groups": group_records, "memberships": memberships, "clouds": clouds, "projects": projects,
    });
    Snapshot::from_slice(snapshot.to_string().as_bytes(), Path::new("many-groups.json")).unwrap()
}

#[test]
fn the_plan_of_a_member_in_thousands_of_groups_is_complete_safe_and_cheap() {
    let groups = 3000;
    let snapshot = member_in_many_groups(groups, 11);
    let resolution = resolve(&snapshot.organization);
    let member = resolution.find_member("usr_target").unwrap().member;
    let (steps, evaluations) = plan_counted(&resolution, member);
    let revoked_groups = steps.iter().filter(|step| matches!(step.holding, Holding::Group(_))).count();
    assert_eq!(revoked_groups, groups, "every membership is revoked once");
    assert!(steps.iter().all(|step| !step.outcome.raises()), "no step raises access");
    let holdings = steps.len();
    // The exhaustive search simulates holdings² / 2 removals (4.5 million here); the planner re-scores
    // only the holdings a step may have changed.
    assert!(evaluations <= 20 * holdings, "{evaluations} removals simulated for {holdings} holdings");
    let mut roles = BTreeMap::new();
    for step in &steps {
        for change in &step.outcome.changes {
            roles.insert(change.entry, change.after);
        }
    }
    assert!(roles.values().all(Option::is_none), "after the last step the member reaches nothing");
}

#[test]
fn the_plan_of_a_member_in_many_groups_equals_the_exhaustive_search() {
    for (groups, seed) in [(60, 1), (150, 2)] {
        let snapshot = member_in_many_groups(groups, seed);
        let resolution = resolve(&snapshot.organization);
        let member = resolution.find_member("usr_target").unwrap().member;
        let (steps, _) = plan_counted(&resolution, member);
        assert_eq!(steps, plan_by_exhaustive_search(&resolution, member), "{groups} groups");
    }
}
