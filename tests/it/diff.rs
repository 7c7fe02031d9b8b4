//! `permaudit diff`: one scenario per cause kind, renames, a moved project, a gap on either side and
//! `--user`, each a pair of hand-written snapshots (`fixtures/diff/base.json`, or the scenario's own
//! `old.json`, and its `new.json`) with the changes, causes and no-effect reasons written by hand from
//! the rules in `expected.txt`; then golden files for every output format, exit codes, and the report's
//! `--baseline`.

use crate::support::{assert_golden, load, permaudit, repo_path, stderr, stdout};
use permaudit::diff::{compare, Diff, Effect, Options, RawChange};
use std::fmt::Write as _;
use std::path::Path;

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

const BASE: &str = "fixtures/diff/base.json";
const DEMO: &str = "fixtures/diff/demo/new.json";

/// Runs `permaudit diff OLD NEW ARGS...` on repository paths.
fn diff_command(old: &str, new: &str, extra: &[&str]) -> std::process::Output {
    let (old, new) = (repo_path(old), repo_path(new));
    let mut args = vec!["diff", old.to_str().unwrap(), new.to_str().unwrap()];
    args.extend_from_slice(extra);
    permaudit(&args)
}

#[test]
fn the_demo_diff_matches_its_golden_file_in_every_format() {
    for (format, golden) in [("text", "diff.txt"), ("json", "diff.json"), ("csv", "diff.csv"), ("html", "diff.html")] {
        let output = diff_command(BASE, DEMO, &["--format", format]);
        assert_eq!(output.status.code(), Some(0), "{format}: {}", stderr(&output));
        assert_golden(&format!("fixtures/diff/demo/golden/{golden}"), &output.stdout);
        assert_eq!(output.stdout, diff_command(BASE, DEMO, &["--format", format]).stdout, "{format} is deterministic");
    }
    let message = stderr(&diff_command(BASE, DEMO, &[]));
    assert!(message.contains("8 changes (4 escalations) for 5 members; 12 raw changes, 4 without effect"), "{message}");
}

#[test]
fn the_output_file_holds_the_same_bytes_and_nothing_else_is_left() {
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("changes.json");
    let output = diff_command(BASE, DEMO, &["--format", "json", "--output-file", target.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    assert_golden("fixtures/diff/demo/golden/diff.json", &std::fs::read(&target).unwrap());
    assert_eq!(std::fs::read_dir(directory.path()).unwrap().count(), 1, "no temporary file is left");
}

#[test]
fn the_json_document_has_every_change_its_causes_both_roles_and_both_times() {
    let output = diff_command(BASE, DEMO, &["--format", "json"]);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["format"], "permaudit-diff/1");
    assert_eq!(document["old"]["collected_at"], "2026-03-01T09:00:00+00:00");
    assert_eq!(document["new"]["collected_at"], "2026-04-01T09:00:00+00:00");
    let changes = document["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 8);
    for change in changes {
        for key in ["id", "kind", "escalation", "member", "resource", "before", "after", "gaps", "causes"] {
            assert!(change.get(key).is_some(), "{key} in {change}");
        }
        assert!(!change["causes"].as_array().unwrap().is_empty());
    }
    let raw = document["raw_changes"].as_array().unwrap();
    assert!(raw.iter().all(|raw| ["changes", "none", "unknown"].contains(&raw["effect"].as_str().unwrap())));
}

#[test]
fn the_csv_is_one_row_per_change_and_cause_and_formula_safe() {
    let output = diff_command(BASE, DEMO, &["--format", "csv"]);
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), permaudit::report::diff::CHANGE_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|row| &row[0] == "permaudit-csv/1"));
    let changes = rows.iter().filter(|row| &row[4] == "change").count();
    assert_eq!(changes, 11, "eight changes, three of them with two causes");
    assert_eq!(rows.iter().filter(|row| &row[4] == "no-effect").count(), 4);
    let hostile = rows.iter().find(|row| &row[19] == "ug_old").unwrap();
    assert!(hostile[20].starts_with("'=HYPERLINK"), "a formula cell is neutralised: {}", &hostile[20]);
}

#[test]
fn the_html_page_escapes_values_and_runs_no_script() {
    let output = diff_command(BASE, DEMO, &["--format", "html"]);
    let page = stdout(&output);
    assert!(page.contains("<meta name=\"permaudit-format\" content=\"permaudit-diff-html&#x2f;1\">"));
    assert!(page.contains("script-src &#x27;none&#x27;"), "the page needs no script");
    assert!(!page.contains("<script"), "no script element");
    assert!(!page.contains("<b>click</b>"), "a value never becomes markup");
    assert!(page.contains("&lt;b&gt;click&lt;&#x2f;b&gt;"), "the value is shown escaped");
}

#[test]
fn fail_on_change_exits_4_on_any_change_or_on_an_escalation() {
    let same = diff_command(BASE, BASE, &["--fail-on-change", "any"]);
    assert_eq!(same.status.code(), Some(0), "no change: {}", stderr(&same));
    assert!(stdout(&same).contains("0 changes, 0 members changed"));
    assert_eq!(diff_command(BASE, DEMO, &[]).status.code(), Some(0), "changes without --fail-on-change");
    assert_eq!(diff_command(BASE, DEMO, &["--fail-on-change", "any"]).status.code(), Some(4));
    assert_eq!(diff_command(BASE, DEMO, &["--fail-on-change", "escalation"]).status.code(), Some(4));
    let lowered = "fixtures/diff/readonly-restriction-added/new.json";
    assert_eq!(
        diff_command(BASE, lowered, &["--fail-on-change", "escalation"]).status.code(),
        Some(0),
        "no escalation"
    );
    assert_eq!(diff_command(BASE, lowered, &["--fail-on-change", "any"]).status.code(), Some(4));
    let owner = "fixtures/diff/group-org-role-changed/new.json";
    assert_eq!(
        diff_command(BASE, owner, &["--fail-on-change", "escalation"]).status.code(),
        Some(4),
        "a new org owner"
    );
}

#[test]
fn an_incomplete_collection_exits_3_even_with_fail_on_change() {
    let old = "fixtures/diff/gap-old/old.json";
    let output = diff_command(old, "fixtures/diff/gap-old/new.json", &["--fail-on-change", "any"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("is incomplete"), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("unknown (collection gap): cloud dev (cld_dev): none -> collaborator"), "{text}");
    assert!(!text.contains("access gained:"), "{text}");
    let new_gap = diff_command(BASE, "fixtures/diff/gap-new/new.json", &[]);
    assert_eq!(new_gap.status.code(), Some(3));
    assert!(!stdout(&new_gap).contains("access lost:"), "a gap is never a removal");
}

#[test]
fn two_organizations_an_unknown_user_or_a_bad_file_exit_1_with_a_clear_error() {
    let other = tempfile::tempdir().unwrap();
    let renamed = other.path().join("other.json");
    let text = std::fs::read_to_string(repo_path(BASE)).unwrap().replace("\"org_diff\"", "\"org_other\"");
    std::fs::write(&renamed, text).unwrap();
    let output = permaudit(&["diff", repo_path(BASE).to_str().unwrap(), renamed.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("the collections are of two organizations (`org_diff` and `org_other`)"),
        "{}",
        stderr(&output)
    );
    let output = diff_command(BASE, DEMO, &["--user", "nobody@example.com"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`nobody@example.com` is neither a member id nor a member email in either collection")
    );
    let missing = permaudit(&["diff", "/nonexistent/old.json", repo_path(DEMO).to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("cannot read snapshot `/nonexistent/old.json`"), "{}", stderr(&missing));
    let usage = diff_command(BASE, DEMO, &["--fail-on-change", "sometimes"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn user_on_the_command_line_shows_only_that_member() {
    let output = diff_command(BASE, "fixtures/diff/members/new.json", &["--user", "usr_frank"]);
    let text = stdout(&output);
    assert!(text.contains("only member: frank@example.com (usr_frank)"), "{text}");
    assert!(text.contains("left the organization") && !text.contains("gina"), "{text}");
}

#[test]
fn help_ends_with_examples_and_exit_codes() {
    let help = stdout(&permaudit(&["diff", "--help"]));
    assert!(help.contains("Examples:") && help.contains("Exit codes:"), "{help}");
    assert!(help.trim_end().ends_with("escalation and an escalation"), "{help}");
}

/// Runs `permaudit report --baseline` into a fresh directory.
fn report_with_baseline(baseline: &str, org: &str) -> (tempfile::TempDir, std::process::Output) {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("report");
    let (baseline, org) = (repo_path(baseline), repo_path(org));
    let args = [
        "report",
        "--org",
        org.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--baseline",
        baseline.to_str().unwrap(),
    ];
    let output = permaudit(&args);
    (directory, output)
}

fn report_file(directory: &tempfile::TempDir, name: &str) -> Vec<u8> {
    std::fs::read(directory.path().join("report").join(name)).unwrap()
}

#[test]
fn report_baseline_adds_a_changes_section_and_changes_csv() {
    let (directory, output) = report_with_baseline(BASE, DEMO);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_golden("fixtures/diff/demo/golden/report-changes.csv", &report_file(&directory, "changes.csv"));
    assert_eq!(report_file(&directory, "changes.csv"), diff_command(BASE, DEMO, &["--format", "csv"]).stdout);
    let page = String::from_utf8(report_file(&directory, "report.html")).unwrap();
    assert!(page.contains("<h2 id=\"changes-title\">Changes since 2026-03-01T09:00:00+00:00</h2>"));
    assert!(page.contains("<summary>8 changes</summary>"));
    let again = report_with_baseline(BASE, DEMO).0;
    assert_eq!(report_file(&directory, "report.html"), report_file(&again, "report.html"), "deterministic");
}

#[test]
fn a_report_without_baseline_removes_an_earlier_changes_csv() {
    let (directory, _) = report_with_baseline(BASE, DEMO);
    let out = directory.path().join("report");
    let org = repo_path(DEMO);
    let output = permaudit(&["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!Path::new(&out.join("changes.csv")).exists(), "a stale changes.csv is removed");
    let page = String::from_utf8(std::fs::read(out.join("report.html")).unwrap()).unwrap();
    assert!(!page.contains("changes-title"));
}

#[test]
fn report_baseline_with_an_incomplete_collection_exits_3() {
    let (_directory, output) = report_with_baseline("fixtures/diff/gap-old/old.json", "fixtures/diff/gap-old/new.json");
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
}

#[test]
fn the_report_section_shows_the_first_rows_and_counts_them_all() {
    let diff = compare(&load(BASE), &load(DEMO), &Options::default()).unwrap();
    let section = permaudit::report::diff::changes_section(&diff, Some(2));
    assert_eq!((section.change_count, section.shown), (8, 2));
    assert_eq!(section.members.iter().map(|member| member.changes.len()).sum::<usize>(), 2);
    assert_eq!((section.without_effect_count, section.without_effect.len()), (4, 2));
    let whole = permaudit::report::diff::changes_section(&diff, None);
    assert_eq!((whole.shown, whole.without_effect.len()), (8, 4));
}

#[test]
fn without_new_the_organization_is_collected_live() {
    let server = crate::emulator::Emulator::start(&repo_path(DEMO), &[]);
    let home = tempfile::tempdir().unwrap();
    let base = repo_path(BASE);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["diff", base.to_str().unwrap(), "--format", "json", "--fail-on-change", "escalation"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("ANYSCALE_HOST", &server.base)
        .env("ANYSCALE_CLI_TOKEN", crate::emulator::TOKEN)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "escalations, live: {}", stderr(&output));
    let live: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let from_file: serde_json::Value =
        serde_json::from_slice(&diff_command(BASE, DEMO, &["--format", "json"]).stdout).unwrap();
    assert_eq!(live["new"]["source"], server.base.as_str());
    assert_eq!(live["changes"], from_file["changes"], "the live collection gives the same changes");
}
