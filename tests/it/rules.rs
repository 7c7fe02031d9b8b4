//! One scenario per rule of the permission model (R1–R9) and the spec's worked example. Each
//! scenario's expected output and anomalies were written by hand from the spec, not produced by
//! permaudit.

use crate::support::{anomaly_keys, load, permaudit, render_text, repo_path, stderr, stdout};
use permaudit::report::permissions::PermissionsDocument;
use permaudit::resolve::resolve;

fn expected_anomalies(scenario: &str) -> Vec<(String, Vec<String>)> {
    let path = repo_path(&format!("fixtures/scenarios/{scenario}/anomalies.json"));
    let listed: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut keys: Vec<(String, Vec<String>)> = listed
        .iter()
        .map(|item| {
            let subjects = item["subjects"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned());
            (item["code"].as_str().unwrap().to_owned(), subjects.collect())
        })
        .collect();
    keys.sort();
    keys
}

/// Checks a scenario's list-permissions output and anomalies against its hand-written expectations.
fn check_scenario(scenario: &str) {
    let snapshot = load(&format!("fixtures/scenarios/{scenario}/org.json"));
    let expected = std::fs::read_to_string(repo_path(&format!("fixtures/scenarios/{scenario}/expected.json"))).unwrap();
    assert_eq!(render_text(&snapshot), expected, "list-permissions output of scenario {scenario}");
    let resolution = resolve(&snapshot.organization);
    assert_eq!(anomaly_keys(&resolution), expected_anomalies(scenario), "anomalies of scenario {scenario}");
}

#[test]
fn worked_example_of_the_spec() {
    check_scenario("worked-example");
}

#[test]
fn r1_org_owners_exclude_service_accounts_and_deleted_groups() {
    check_scenario("r1-org-owners");
}

#[test]
fn r2_members_without_a_base_role_get_nothing() {
    check_scenario("r2-no-base-role");
}

#[test]
fn r3_cloud_role_owner_then_readonly_restriction_then_highest() {
    check_scenario("r3-cloud-role");
}

#[test]
fn r4_project_role_strict_hierarchy_and_readonly_cap() {
    check_scenario("r4-project-role");
}

#[test]
fn r5_only_members_with_a_cloud_entry_are_listed() {
    check_scenario("r5-who-is-listed");
}

#[test]
fn r6_output_order_is_by_code_point() {
    check_scenario("r6-order");
}

#[test]
fn r7_user_id_filters_users_and_keeps_every_owner() {
    check_scenario("r7-user-id");
    let org = repo_path("fixtures/scenarios/r7-user-id/org.json");
    let org = org.to_str().unwrap();
    for user in ["usr_amy", "usr_cat"] {
        let output = permaudit(&["user", "list-permissions", "--org", org, "--user-id", user]);
        assert!(output.status.success(), "{}", stderr(&output));
        let expected =
            std::fs::read_to_string(repo_path(&format!("fixtures/scenarios/r7-user-id/expected-{user}.json"))).unwrap();
        assert_eq!(stdout(&output), expected, "--user-id {user}");
    }
}

#[test]
fn r7_an_unknown_user_id_is_an_error() {
    let org = repo_path("fixtures/scenarios/r7-user-id/org.json");
    let output = permaudit(&["user", "list-permissions", "--org", org.to_str().unwrap(), "--user-id", "usr_zed"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(message.contains("`usr_zed` is not a member of organization `org_r7`"), "{message}");
}

#[test]
fn r7_the_alias_id_and_an_empty_id_behave_as_the_official_cli() {
    let org = repo_path("fixtures/scenarios/r7-user-id/org.json");
    let org = org.to_str().unwrap();
    let by_alias = permaudit(&["user", "list-permissions", "--org", org, "--id", "usr_amy"]);
    let expected = std::fs::read_to_string(repo_path("fixtures/scenarios/r7-user-id/expected-usr_amy.json")).unwrap();
    assert_eq!(stdout(&by_alias), expected);
    // The official CLI does not send an empty id, so it lists everyone.
    let empty = permaudit(&["user", "list-permissions", "--org", org, "--user-id", ""]);
    let everyone = std::fs::read_to_string(repo_path("fixtures/scenarios/r7-user-id/expected.json")).unwrap();
    assert_eq!(stdout(&empty), everyone);
}

#[test]
fn r8_deleted_groups_and_unknown_ids_are_ignored_and_matching_is_by_id() {
    check_scenario("r8-deleted-and-unknown");
}

#[test]
fn r9_every_anomaly_kind_is_recorded_with_its_ids() {
    check_scenario("r9-anomalies");
}

#[test]
fn r9_anomalies_never_change_the_json() {
    let snapshot = load("fixtures/scenarios/r9-anomalies/org.json");
    let mut resolution = resolve(&snapshot.organization);
    let render = |resolution: &permaudit::resolve::Resolution| {
        let mut bytes = Vec::new();
        PermissionsDocument::new(resolution).write_json(&mut bytes, 2).unwrap();
        bytes
    };
    let with_anomalies = render(&resolution);
    assert!(!resolution.anomalies.is_empty());
    resolution.anomalies.clear();
    assert_eq!(render(&resolution), with_anomalies);
}

#[test]
fn r9_anomalies_are_counted_on_stderr() {
    let org = repo_path("fixtures/scenarios/r9-anomalies/org.json");
    let output = permaudit(&["user", "list-permissions", "--org", org.to_str().unwrap()]);
    let message = stderr(&output);
    assert!(
        message.contains("13 anomalies in the organization's data: 1 service-account-owner, 1 no-base-role"),
        "{message}"
    );
}

#[test]
fn r9_every_anomaly_says_what_was_ignored_in_words() {
    let snapshot = load("fixtures/scenarios/r9-anomalies/org.json");
    let resolution = resolve(&snapshot.organization);
    let details: Vec<String> = resolution.anomalies.iter().map(|anomaly| anomaly.detail(&resolution.index)).collect();
    let expected = [
        "service account `svc@example.com` is recorded as `owner`; service accounts are never org owners",
        "`b@example.com` has permission level `unspecified` and no org role from a group, so its 1 cloud grant and 0 project grants give nothing",
        "group `owners-on-cloud` holds `owner` on cloud `prod`; groups cannot own clouds, so it counts as `collaborator`",
        "`a@example.com` holds direct readonly on cloud `prod`, which restricts a `collaborator` grant there to `readonly`",
        "`a@example.com` is granted `collaborator` on project `train`, capped to `readonly` by the readonly role on cloud `prod`",
        "`a@example.com` holds direct write on project `notes` but no role on its cloud `dev`; the grant is dropped",
        "group `deleted` was deleted at 2025-01-01T00:00:00+00:00; its 1 membership and 1 grant are ignored",
        "group ug_own names user `usr_x`, who is not a member of the organization; ignored",
        "a membership list names group `ug_missing`, which is not in the organization; its 1 member is ignored",
        "project `lost` names parent cloud `cld_nowhere`, which is not in the organization; its grants are ignored",
        "`A@example.com` holds both direct owner and direct readonly on cloud `dev`; the owner wins, but a cloud owner should not be read-only restricted",
        "service account `svc@example.com` is in group `admins` (ug_adm), whose org role is `owner`; service accounts are never org owners",
        "email `A@example.com` belongs to 2 member ids (usr_a2, usr_a); each id is a separate member",
    ];
    for sentence in expected {
        assert!(details.iter().any(|detail| detail == sentence), "missing: {sentence}\nin: {details:#?}");
    }
}
