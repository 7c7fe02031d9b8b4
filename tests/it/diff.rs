//! `permaudit diff`: one scenario per cause kind, renames, a moved project, a gap on either side and
//! `--user`, each a pair of hand-written snapshots (`fixtures/diff/base.json`, or the scenario's own
//! `old.json`, and its `new.json`) with the changes, causes and no-effect reasons written by hand from
//! the rules in `expected.txt`; then golden files for every output format, exit codes, and the report's
//! `--baseline`.

use crate::support::{assert_golden, load, permaudit, repo_path, stderr, stdout};
use permaudit::diff::{compare, Diff, Effect, Options, RawChange};
use std::fmt::Write as _;

/// Returns a raw change as `kind member:ID group:ID cloud:ID`, naming only what it is about.
fn raw_key(raw: &RawChange) -> String {
    let mut key = raw.kind.code().to_owned();
    if let Some(member) = &raw.member {
        let _ = write!(key, " member:{}", member.id);
    }
    if let Some(group) = &raw.group {
        let _ = write!(key, " group:{}", group.id);
    }
    if let Some(resource) = &raw.resource {
        let _ = write!(key, " {}:{}", resource.kind.as_str(), resource.id);
    }
    key
}

/// Returns a diff in the compact form of the scenarios' `expected.txt`.
fn projection(diff: &Diff) -> String {
    let mut text = String::new();
    for change in &diff.changes {
        let resource = change.resource.as_ref().map(|r| format!(" {}:{}", r.kind.as_str(), r.id)).unwrap_or_default();
        let _ = writeln!(
            text,
            "change {} {}{resource} {} -> {}",
            change.member.id,
            change.kind.code(),
            change.before,
            change.after
        );
        for cause in &change.causes {
            let raw = raw_key(diff.raw_of(cause));
            let target = raw.split_once(' ').map_or("", |(_, rest)| rest);
            let _ = writeln!(text, "  cause {} {target} via {}", cause.kind.code(), cause.via.code());
        }
    }
    for raw in &diff.raw {
        match &raw.effect {
            Effect::Changes { .. } => {}
            Effect::Unknown { .. } => _ = writeln!(text, "unknown-effect {}", raw_key(raw)),
            Effect::None { reasons, more } => {
                let codes: Vec<&str> = reasons.iter().map(|reason| reason.code()).collect();
                let more = if *more > 0 { format!(" (+{more} more)") } else { String::new() };
                let _ = writeln!(text, "no-effect {}: {}{more}", raw_key(raw), codes.join(", "));
            }
        }
    }
    text
}

fn expected(path: &str) -> String {
    let text = std::fs::read_to_string(repo_path(path)).unwrap();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Returns the old snapshot path of a scenario: its own `old.json`, or the shared base.
fn old_path(scenario: &str) -> String {
    let own = format!("fixtures/diff/{scenario}/old.json");
    if repo_path(&own).exists() {
        own
    } else {
        "fixtures/diff/base.json".to_owned()
    }
}

fn diff_of(scenario: &str, member: Option<&str>) -> Diff {
    let old = load(&old_path(scenario));
    let new = load(&format!("fixtures/diff/{scenario}/new.json"));
    compare(&old, &new, &Options { member: member.map(str::to_owned) }).unwrap()
}

fn check_scenario(scenario: &str) {
    let diff = diff_of(scenario, None);
    assert_eq!(projection(&diff), expected(&format!("fixtures/diff/{scenario}/expected.txt")), "scenario {scenario}");
    assert!(diff.changes.iter().all(|change| !change.causes.is_empty()), "every change has a cause in {scenario}");
}

#[test]
fn direct_level_added() {
    check_scenario("direct-level-added");
}

#[test]
fn direct_level_removed() {
    check_scenario("direct-level-removed");
}

#[test]
fn direct_level_changed() {
    check_scenario("direct-level-changed");
}

#[test]
fn membership_added() {
    check_scenario("membership-added");
}

#[test]
fn membership_removed() {
    check_scenario("membership-removed");
}

#[test]
fn group_grant_added() {
    check_scenario("group-grant-added");
}

#[test]
fn group_grant_removed() {
    check_scenario("group-grant-removed");
}

#[test]
fn group_grant_changed() {
    check_scenario("group-grant-changed");
}

#[test]
fn group_deleted() {
    check_scenario("group-deleted");
}

#[test]
fn group_restored() {
    check_scenario("group-restored");
}

#[test]
fn group_org_role_changed() {
    check_scenario("group-org-role-changed");
}

#[test]
fn permission_level_changed() {
    check_scenario("permission-level-changed");
}

#[test]
fn readonly_restriction_added_on_the_parent_cloud() {
    check_scenario("readonly-restriction-added");
}

#[test]
fn readonly_restriction_removed_on_the_parent_cloud() {
    check_scenario("readonly-restriction-removed");
}

#[test]
fn project_moved_to_another_cloud() {
    check_scenario("project-moved");
}

#[test]
fn resource_created() {
    check_scenario("resource-created");
}

#[test]
fn resource_deleted() {
    check_scenario("resource-deleted");
}

#[test]
fn renamed_clouds_projects_and_groups_keep_their_old_name() {
    check_scenario("renames");
    let diff = diff_of("renames", None);
    let cloud = diff.changes[0].resource.as_ref().unwrap();
    assert_eq!((cloud.name.as_str(), cloud.old_name.as_deref()), ("production", Some("prod")));
    assert_eq!(cloud.label(), "cloud production (cld_prod, was prod)");
}

#[test]
fn members_joining_leaving_and_changing_their_record() {
    check_scenario("members");
}

#[test]
fn a_gap_in_the_old_collection_makes_its_changes_unknown() {
    check_scenario("gap-old");
}

#[test]
fn a_gap_in_the_new_collection_makes_its_changes_unknown_never_removals() {
    check_scenario("gap-new");
}

#[test]
fn user_restricts_the_diff_to_one_member_on_either_side() {
    for (wanted, file) in [("robert@example.com", "robert"), ("BOB@example.com", "robert"), ("usr_frank", "frank")] {
        let diff = diff_of("members", Some(wanted));
        assert_eq!(projection(&diff), expected(&format!("fixtures/diff/members/expected-user-{file}.txt")), "{wanted}");
    }
}
