//! The controls: every built-in control passes on one fixture and fails on another, every anomaly kind
//! is a control, exemptions mute, expire and go unused, malformed policies and exemptions name their
//! line and key, exit codes, JUnit XML read by a real XML parser, and golden files for every format.

use crate::python_parity::python;
use crate::support::{assert_golden, demo_org, permaudit, repo_path, stderr, stdout};
use chrono::NaiveDate;
use permaudit::controls::{evaluate, Evaluation, Exemptions, Policy, Request, Status};
use permaudit::model::{Organization, Snapshot};
use permaudit::resolve::resolve;
use std::path::Path;
use std::process::Output;

const FIXTURES: &str = "fixtures/controls";
const EXAMPLE_POLICY: &str = "fixtures/policies/example.yaml";
const EXAMPLE_EXEMPTIONS: &str = "fixtures/policies/exemptions.yaml";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

/// Evaluates `organization` under the policy (and exemptions) files, and hands the result to `look`.
fn with_evaluation<T>(
    organization: &Organization,
    complete: bool,
    policy: Option<&str>,
    exemptions: Option<&str>,
    look: impl FnOnce(&Evaluation<'_, '_>) -> T,
) -> T {
    let policy = policy.map_or_else(Policy::default, |path| Policy::load(&repo_path(path)).unwrap());
    let exemptions =
        exemptions.map_or_else(Exemptions::default, |path| Exemptions::load(&repo_path(path), &policy).unwrap());
    let collection = permaudit::model::Collection {
        collected_at: "2026-11-24T09:00:00+00:00".to_owned(),
        source: "test".to_owned(),
        complete,
        gaps: if complete { Vec::new() } else { vec!["GET /api/v2/policy/cloud/cld_1: HTTP 503".to_owned()] },
    };
    let resolution = resolve(organization);
    let evaluation = evaluate(Request {
        resolution: &resolution,
        collection: &collection,
        policy: &policy,
        exemptions: &exemptions,
        today: today(),
        originals: Default::default(),
    });
    look(&evaluation)
}

fn load(relative: &str) -> Organization {
    Snapshot::load(&repo_path(relative)).unwrap().organization
}

/// Returns each control's id and status.
fn statuses(evaluation: &Evaluation<'_, '_>) -> Vec<(String, Status)> {
    evaluation.controls.iter().map(|control| (control.definition.id.clone(), control.status)).collect()
}

fn status_of(evaluation: &Evaluation<'_, '_>, id: &str) -> Status {
    let found = evaluation.controls.iter().find(|control| control.definition.id == id);
    found.unwrap_or_else(|| panic!("no control {id}")).status
}

/// A finding as its member ids and its resource ids.
type Named = (Vec<String>, Vec<String>);

/// Returns a control's findings as (member ids, resource ids).
fn findings_of(evaluation: &Evaluation<'_, '_>, id: &str) -> Vec<Named> {
    let control = evaluation.controls.iter().find(|control| control.definition.id == id).unwrap();
    evaluation.findings[control.findings.clone()]
        .iter()
        .map(|finding| {
            let view = evaluation.view(finding);
            let members = view.members.iter().map(|member| member.id.to_owned()).collect();
            (members, view.resources.into_iter().map(|resource| resource.id.into_owned()).collect())
        })
        .collect()
}

fn finding(members: &[&str], resource: Option<&str>) -> Named {
    finding_on(members, resource.as_slice())
}

fn finding_on(members: &[&str], resources: &[&str]) -> Named {
    let owned = |values: &[&str]| values.iter().map(|value| (*value).to_owned()).collect();
    (owned(members), owned(resources))
}

#[test]
fn the_base_fixture_passes_every_control() {
    let organization = load("fixtures/controls/base/org.json");
    with_evaluation(&organization, true, Some("fixtures/controls/policy.yaml"), None, |evaluation| {
        for (id, status) in statuses(evaluation) {
            let expected = if id == "groups-only-direct-grant" { Status::Skipped } else { Status::Pass };
            assert_eq!(status, expected, "{id}");
        }
        assert!(evaluation.findings.is_empty());
    });
}

#[test]
fn each_built_in_control_fails_on_its_fixture_and_names_the_subjects() {
    let cases: [(&str, Vec<Named>); 8] = [
        ("org-owner-count", vec![finding(&["usr_olga"], Some("org_controls"))]),
        ("service-account-privileged", vec![finding(&["usr_svc_reader"], Some("cld_prod"))]),
        ("email-domain", vec![finding(&["usr_paul"], None)]),
        ("resource-without-owner", vec![finding(&[], Some("prj_web"))]),
        ("cloud-owner-limit", vec![finding(&["usr_ophelia", "usr_otto", "usr_owen", "usr_paul"], Some("cld_prod"))]),
        ("owner-with-readonly", vec![finding(&["usr_paul"], Some("cld_prod"))]),
        ("stale-member", vec![finding(&["usr_tom"], None)]),
        ("prod-owners", vec![finding(&["usr_paul"], Some("cld_prod")), finding(&["usr_paul"], Some("prj_web"))]),
    ];
    for (id, expected) in cases {
        let organization = load(&format!("{FIXTURES}/{id}/fail.json"));
        with_evaluation(&organization, true, Some("fixtures/controls/policy.yaml"), None, |evaluation| {
            let failing = if id == "stale-member" { Status::Info } else { Status::Fail };
            assert_eq!(status_of(evaluation, id), failing, "{id}");
            assert_eq!(findings_of(evaluation, id), expected, "{id}");
            for (other, status) in statuses(evaluation) {
                if other != id {
                    assert!(matches!(status, Status::Pass | Status::Skipped), "{id}: {other} is {status:?}");
                }
            }
        });
    }
}

#[test]
fn direct_grants_fail_a_groups_only_organization_and_group_grants_pass() {
    let policy = Some("fixtures/controls/groups-only-direct-grant/policy.yaml");
    let base = load("fixtures/controls/base/org.json");
    with_evaluation(&base, true, policy, None, |evaluation| {
        assert_eq!(status_of(evaluation, "groups-only-direct-grant"), Status::Fail);
        let expected = vec![
            finding(&["usr_paul"], Some("cld_prod")),
            finding(&["usr_paul"], Some("prj_web")),
            finding(&["usr_svc_reader"], Some("cld_prod")),
        ];
        assert_eq!(findings_of(evaluation, "groups-only-direct-grant"), expected);
        let control = evaluation.controls.iter().find(|control| control.definition.id == "groups-only-direct-grant");
        let view = evaluation.view(&evaluation.findings[control.unwrap().findings.start]);
        assert_eq!(view.paths, ["direct owner"]);
        assert!(view.remediation.contains("/api/v2/clouds/cld_prod/collaborators/users"), "{}", view.remediation);
    });
    let grouped = load("fixtures/controls/groups-only-direct-grant/pass.json");
    with_evaluation(&grouped, true, policy, None, |evaluation| {
        assert_eq!(status_of(evaluation, "groups-only-direct-grant"), Status::Pass);
    });
}

#[test]
fn every_anomaly_kind_is_a_control_that_fails_where_the_kind_occurs() {
    let scenario = load("fixtures/scenarios/r9-anomalies/org.json");
    with_evaluation(&scenario, true, None, None, |evaluation| {
        for kind in permaudit::resolve::AnomalyKind::ALL {
            let control = permaudit::controls::CatalogControl::of_anomaly(*kind);
            let expected = match kind.code() {
                "duplicate-id" => Status::Pass,
                "project-role-capped" => Status::Info,
                _ => Status::Fail,
            };
            assert_eq!(status_of(evaluation, &control.id()), expected, "{kind}");
        }
        let owner_readonly = findings_of(evaluation, "owner-with-readonly");
        assert_eq!(owner_readonly.len(), 1, "owner-with-readonly is one control, fed by its anomalies");
    });
    let mut duplicated = load("fixtures/controls/base/org.json");
    duplicated.clouds.push(duplicated.clouds[0].clone());
    with_evaluation(&duplicated, true, None, None, |evaluation| {
        assert_eq!(status_of(evaluation, "anomaly-duplicate-id"), Status::Fail);
        assert_eq!(findings_of(evaluation, "anomaly-duplicate-id"), vec![finding(&[], Some("cld_prod"))]);
    });
}

#[test]
fn an_incomplete_collection_leaves_controls_on_grants_unknown_never_pass() {
    let organization = load("fixtures/controls/base/org.json");
    with_evaluation(&organization, false, Some("fixtures/controls/policy.yaml"), None, |evaluation| {
        assert_eq!(status_of(evaluation, "resource-without-owner"), Status::Unknown);
        assert_eq!(status_of(evaluation, "prod-owners"), Status::Unknown);
        assert_eq!(status_of(evaluation, "anomaly-orphan-project-grant"), Status::Unknown);
        assert_eq!(status_of(evaluation, "org-owner-count"), Status::Pass, "members and groups are always whole");
        assert_eq!(status_of(evaluation, "email-domain"), Status::Pass);
        assert!(statuses(evaluation).iter().all(|(_, status)| *status != Status::Fail));
    });
}

#[test]
fn exemptions_mute_expire_and_go_unused() {
    let demo = load("fixtures/demo/org.json");
    with_evaluation(&demo, true, Some(EXAMPLE_POLICY), Some(EXAMPLE_EXEMPTIONS), |evaluation| {
        let privileged =
            evaluation.controls.iter().find(|control| control.definition.id == "service-account-privileged");
        let privileged = privileged.unwrap();
        assert_eq!((privileged.unmuted, privileged.muted, privileged.status), (2, 2, Status::Fail));
        let muted: Vec<(Option<String>, String)> = evaluation.findings[privileged.findings.clone()]
            .iter()
            .filter_map(|finding| {
                let view = evaluation.view(finding);
                let exemption = view.exemption?;
                Some((view.resources.first().map(|resource| resource.name.to_owned()), exemption.label))
            })
            .collect();
        let by_bot = "deploy-bot-releases".to_owned();
        assert_eq!(muted, [(Some("prod".to_owned()), by_bot.clone()), (Some("serve".to_owned()), by_bot)]);
        assert_eq!(status_of(evaluation, "anomaly-unknown-cloud"), Status::Muted);
        let frank = findings_of(evaluation, "prod-owners").into_iter().filter(|(members, _)| members == &["usr_frank"]);
        assert_eq!(frank.count(), 3, "an expired exemption no longer mutes");
        assert_eq!(findings_of(evaluation, "exemption-expired"), vec![finding(&[], Some("frank-interim-admin"))]);
        assert_eq!(findings_of(evaluation, "exemption-unused"), vec![finding(&[], Some("exemption 4"))]);
        assert_eq!(status_of(evaluation, "exemption-unused"), Status::Info);
    });
}

const PER_MEMBER: &str = "fixtures/controls/per-member-anomalies";

#[test]
fn a_per_project_anomaly_control_finds_each_member_once_with_every_project() {
    let organization = load(&format!("{PER_MEMBER}/org.json"));
    let exemptions = format!("{PER_MEMBER}/exemptions.yaml");
    with_evaluation(&organization, true, None, Some(&exemptions), |evaluation| {
        let capped = findings_of(evaluation, "anomaly-project-role-capped");
        let unmuted = finding_on(&["usr_rita"], &["prj_api", "prj_batch", "prj_ml", "prj_ops"]);
        assert_eq!(capped, [unmuted, finding_on(&["usr_rita"], &["prj_web"])], "web muted apart, etl not capped");
        let control = evaluation.controls.iter().find(|control| control.definition.id == "anomaly-project-role-capped");
        let control = control.unwrap();
        assert_eq!((control.unmuted, control.muted), (1, 1));
        let first = evaluation.view(&evaluation.findings[control.findings.start]);
        assert!(!first.muted && first.detail.contains("on 4 projects") && first.detail.ends_with("`ml` and 1 more"));
        assert_eq!(first.paths.len(), 8, "each project's grant and cap: {:?}", first.paths);
        assert_eq!(evaluation.exemption_states[0], permaudit::controls::ExemptionState::Active { matched: 1 });
        let orphans = findings_of(evaluation, "anomaly-orphan-project-grant");
        assert_eq!(orphans, [finding_on(&["usr_rita"], &["prj_lab", "prj_notes"])], "notes once for its two grants");
    });
}

#[test]
fn golden_files_for_a_member_with_many_projects() {
    let org = repo_path(&format!("{PER_MEMBER}/org.json"));
    let exemptions = repo_path(&format!("{PER_MEMBER}/exemptions.yaml"));
    let base = ["--org", org.to_str().unwrap(), "--exemptions", exemptions.to_str().unwrap(), "--today", "2026-12-01"];
    for (format, name) in
        [("text", "check.txt"), ("json", "check.json"), ("csv", "check.csv"), ("junit", "check.junit.xml")]
    {
        let output = check(&[&base[..], &["--format", format]].concat());
        assert_eq!(output.status.code(), Some(0), "{format}: {}", stderr(&output));
        assert_golden(&format!("{PER_MEMBER}/golden/{name}"), &output.stdout);
    }
}

#[test]
fn an_exemption_mutes_through_its_last_day() {
    let args = ["--today", "2026-11-30", "--format", "json"];
    let output = check_demo_example(&args);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let frank = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["control"] == "prod-owners" && finding["members"][0]["id"] == "usr_frank");
    assert!(
        frank.clone().count() == 3 && frank.clone().all(|finding| finding["exemption"]["id"] == "frank-interim-admin")
    );
    let expired = document["controls"].as_array().unwrap().iter().find(|control| control["id"] == "exemption-expired");
    assert_eq!(expired.unwrap()["status"], "pass");
}

fn check(args: &[&str]) -> Output {
    permaudit(&[&["check"], args].concat())
}

fn check_demo_example(extra: &[&str]) -> Output {
    let org = demo_org();
    let (policy, exemptions) = (repo_path(EXAMPLE_POLICY), repo_path(EXAMPLE_EXEMPTIONS));
    let args = [
        "--org",
        org.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--exemptions",
        exemptions.to_str().unwrap(),
    ];
    check(&[&args[..], extra].concat())
}

#[test]
fn golden_files_for_every_format_on_the_demo_organization() {
    let org = demo_org();
    let output = check(&["--org", org.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert_golden("fixtures/demo/golden/check/default.txt", &output.stdout);
    let output = check_demo_example(&[]);
    assert_golden("fixtures/demo/golden/check/example.txt", &output.stdout);
    for (format, name) in [("json", "example.json"), ("csv", "example.csv"), ("junit", "example.junit.xml")] {
        let output = check_demo_example(&["--format", format]);
        assert_eq!(output.status.code(), Some(4), "{format}: {}", stderr(&output));
        assert_golden(&format!("fixtures/demo/golden/check/{name}"), &output.stdout);
    }
    let output = check(&["--print-default-policy"]);
    assert_eq!(output.status.code(), Some(0));
    assert_golden("fixtures/demo/golden/check/default-policy.yaml", &output.stdout);
}

#[test]
fn the_printed_default_policy_reads_back_as_the_defaults() {
    let printed = stdout(&check(&["--print-default-policy"]));
    let directory = tempfile::tempdir().unwrap();
    let policy = directory.path().join("policy.yaml");
    std::fs::write(&policy, printed).unwrap();
    let org = demo_org();
    let with_file = check(&["--org", org.to_str().unwrap(), "--policy", policy.to_str().unwrap(), "--format", "json"]);
    let without = check(&["--org", org.to_str().unwrap(), "--format", "json"]);
    assert_eq!(with_file.stdout, without.stdout);
}

#[test]
fn output_file_holds_the_same_bytes_and_output_is_deterministic() {
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("findings.json");
    let output = check_demo_example(&["--format", "json", "--output-file", target.to_str().unwrap()]);
    assert!(output.stdout.is_empty());
    assert!(stderr(&output).contains(&format!("Results written to {}", target.display())));
    let written = std::fs::read(&target).unwrap();
    assert_eq!(written, check_demo_example(&["--format", "json"]).stdout);
    assert_eq!(written, check_demo_example(&["--format", "json"]).stdout, "same input, same bytes");
}

#[test]
fn findings_do_not_depend_on_the_number_of_threads() {
    let directory = tempfile::tempdir().unwrap();
    let org = directory.path().join("org.json");
    let sizes = ["--members", "3000", "--groups", "60", "--clouds", "6", "--projects", "300", "--grants", "40000"];
    let output = permaudit(&[&["generate"][..], &sizes, &["--seed", "5", "--out", org.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let run = |threads: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_permaudit"))
            .args(["check", "--org", org.to_str().unwrap(), "--format", "json", "--today", "2026-12-01"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap()
    };
    let (one, four) = (run("1"), run("4"));
    assert_eq!(one.status.code(), Some(4));
    assert!(one.stdout.len() > 100_000, "the organization exercises the controls");
    assert!(one.stdout == four.stdout, "one thread and four give the same bytes");
}

#[test]
fn today_comes_from_the_option_else_source_date_epoch() {
    let org = demo_org();
    let evaluated_on = |output: &Output| -> String {
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        document["evaluated_on"].as_str().unwrap().to_owned()
    };
    let args = ["--org", org.to_str().unwrap(), "--format", "json"];
    assert_eq!(evaluated_on(&check(&args)), "2026-12-01", "SOURCE_DATE_EPOCH 1796083200");
    assert_eq!(evaluated_on(&check(&[&args[..], &["--today", "2027-02-03"]].concat())), "2027-02-03");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["check"])
        .args(args)
        .env("SOURCE_DATE_EPOCH", "last tuesday")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("SOURCE_DATE_EPOCH `last tuesday` is not a number of seconds"));
}

/// Writes `text` as a file and returns its path.
fn file(directory: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = directory.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn malformed_policies_name_the_file_the_line_and_the_key() {
    let directory = tempfile::tempdir().unwrap();
    let org = demo_org();
    let cases = [
        ("format: permaudit-policy/1\nmax_owner_per_cloud: 3\n", "line 2, key `max_owner_per_cloud`: unknown field"),
        (
            "format: permaudit-policy/1\ncontrols:\n  email-domain:\n    severity: severe\n",
            "line 4, key `controls.email-domain.severity`: unknown variant `severe`",
        ),
        (
            "format: permaudit-policy/1\nrules:\n  - id: r\n    clouds: [\"prod-[\"]\n    role: owner\n",
            "line 4, key `rules[0].clouds[0]`: `prod-[` is not a valid pattern",
        ),
        ("format: permaudit-policy/9\n", "line 1, key `format`: the format is `permaudit-policy/9`"),
    ];
    for (text, expected) in cases {
        let policy = file(&directory, "policy.yaml", text);
        let output = check(&["--org", org.to_str().unwrap(), "--policy", &policy]);
        assert_eq!(output.status.code(), Some(1), "{text}");
        let message = stderr(&output);
        assert!(message.contains(&format!("policy `{policy}`, {expected}")), "{message}");
        assert!(output.stdout.is_empty(), "nothing is printed for a bad policy");
    }
}

#[test]
fn malformed_exemptions_name_the_file_the_line_and_the_key() {
    let directory = tempfile::tempdir().unwrap();
    let org = demo_org();
    let head = "format: permaudit-exemptions/1\nexemptions:\n  - control: email-domain\n";
    let cases = [
        (format!("{head}    expires: 2027-01-01\n    approved_by: x\n"), "line 3, key `exemptions[0]`: missing field `reason`"),
        (
            format!("{head}    reason: r\n    expires: 01/02/2027\n    approved_by: x\n"),
            "line 5, key `exemptions[0].expires`: `01/02/2027` is not a date",
        ),
        (
            "format: permaudit-exemptions/1\nexemptions:\n  - control: no-such-control\n    reason: r\n    expires: 2027-01-01\n    approved_by: x\n".to_owned(),
            "line 3, key `exemptions[0].control`: unknown control `no-such-control`",
        ),
        (
            format!("{head}    member: \"[x\"\n    reason: r\n    expires: 2027-01-01\n    approved_by: x\n"),
            "line 4, key `exemptions[0].member`: `[x` is not a valid pattern",
        ),
    ];
    for (text, expected) in cases {
        let exemptions = file(&directory, "exemptions.yaml", &text);
        let output = check(&["--org", org.to_str().unwrap(), "--exemptions", &exemptions]);
        assert_eq!(output.status.code(), Some(1), "{text}");
        let message = stderr(&output);
        assert!(message.contains(&format!("exemptions file `{exemptions}`, {expected}")), "{message}");
    }
    let rule_exemption = "format: permaudit-exemptions/1\nexemptions:\n  - control: lab-writers\n    reason: r\n    expires: 2027-01-01\n    approved_by: x\n";
    let exemptions = file(&directory, "rule.yaml", rule_exemption);
    let policy = repo_path(EXAMPLE_POLICY);
    let output =
        check(&["--org", org.to_str().unwrap(), "--policy", policy.to_str().unwrap(), "--exemptions", &exemptions]);
    assert_eq!(output.status.code(), Some(4), "a rule of the policy can be exempted: {}", stderr(&output));
}

#[test]
fn exit_codes_follow_the_threshold_and_the_collection() {
    let org = demo_org();
    let org = org.to_str().unwrap();
    assert_eq!(check(&["--org", org]).status.code(), Some(4), "high findings fail the default threshold");
    assert_eq!(check(&["--org", org, "--fail-on", "critical"]).status.code(), Some(0));
    let stale = repo_path("fixtures/controls/stale-member/fail.json");
    let policy = repo_path("fixtures/controls/policy.yaml");
    let only_info = ["--org", stale.to_str().unwrap(), "--policy", policy.to_str().unwrap()];
    assert_eq!(check(&only_info).status.code(), Some(0), "an info finding never fails by default");
    assert_eq!(check(&[&only_info[..], &["--fail-on", "low"]].concat()).status.code(), Some(0));
    assert_eq!(check(&[&only_info[..], &["--fail-on", "info"]].concat()).status.code(), Some(4));
    let directory = tempfile::tempdir().unwrap();
    let incomplete = incomplete_demo(&directory);
    let output = check(&["--org", &incomplete, "--format", "json"]);
    assert_eq!(output.status.code(), Some(3), "incomplete wins over findings");
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let controls = document["controls"].as_array().unwrap();
    let owners = controls.iter().find(|control| control["id"] == "resource-without-owner").unwrap();
    assert_eq!(owners["status"], "unknown");
    assert!(controls.iter().all(|control| control["status"] != "pass"
        || control["id"] == "org-owner-count"
        || control["id"].as_str().unwrap().starts_with("exemption-")
        || control["id"] == "anomaly-duplicate-email"
        || control["id"] == "anomaly-service-account-owner"
        || control["id"] == "anomaly-service-account-in-owner-group"));
    assert_eq!(check(&["--org", org, "--fail-on", "severe"]).status.code(), Some(2));
    assert_eq!(check(&["--org", org, "--format", "xml"]).status.code(), Some(2));
    assert_eq!(check(&["--org", org, "--policy", "/nonexistent/policy.yaml"]).status.code(), Some(1));
}

/// Writes the demo organization marked incomplete and returns its path.
fn incomplete_demo(directory: &tempfile::TempDir) -> String {
    let text = std::fs::read_to_string(demo_org()).unwrap().replacen(
        "\"complete\": true,\n  \"gaps\": []",
        "\"complete\": false,\n  \"gaps\": [\"GET /api/v2/projects: HTTP 503\"]",
        1,
    );
    file(directory, "incomplete.json", &text)
}

/// Parses JUnit XML with Python's xml.etree.ElementTree and returns, per test case, its name and its
/// counts of failure, skipped and error elements, with the suite's totals first.
fn parse_junit(xml: &[u8]) -> serde_json::Value {
    let script = "import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
suite = root.find('testsuite')
cases = [{'name': c.get('name'), 'failures': len(c.findall('failure')), 'skipped': len(c.findall('skipped')),
          'errors': len(c.findall('error')), 'messages': [f.get('message') for f in c.findall('failure')]}
         for c in suite.findall('testcase')]
props = {p.get('name'): p.get('value') for p in suite.find('properties').findall('property')}
print(json.dumps({'root': root.tag, 'suite': dict(suite.attrib), 'properties': props, 'cases': cases}))";
    serde_json::from_slice(&python(script, xml)).unwrap()
}

#[test]
fn junit_xml_is_read_by_a_real_xml_parser_as_one_test_per_control() {
    let parsed = parse_junit(&check_demo_example(&["--format", "junit"]).stdout);
    let document: serde_json::Value =
        serde_json::from_slice(&check_demo_example(&["--format", "json"]).stdout).unwrap();
    assert_eq!(parsed["root"], "testsuites");
    assert_eq!(parsed["properties"]["format"], "permaudit-junit/1");
    assert_eq!(parsed["properties"]["evaluated_on"], "2026-12-01");
    let controls = document["controls"].as_array().unwrap();
    let cases = parsed["cases"].as_array().unwrap();
    assert_eq!(cases.len(), controls.len(), "a test case per control");
    assert_eq!(parsed["suite"]["tests"], controls.len().to_string());
    for (case, control) in cases.iter().zip(controls) {
        assert_eq!(case["name"], control["id"]);
        let failures = if control["status"] == "fail" { control["unmuted"].as_u64().unwrap() } else { 0 };
        assert_eq!(case["failures"], failures, "a failure per failing subject: {}", control["id"]);
        assert_eq!(case["skipped"], u64::from(control["status"] == "skipped"), "{}", control["id"]);
    }
    let failing = controls.iter().filter(|control| control["status"] == "fail").count();
    assert_eq!(parsed["suite"]["failures"], failing.to_string());
    let lab = cases.iter().find(|case| case["name"] == "lab-writers").unwrap();
    assert!(lab["messages"][2]
        .as_str()
        .unwrap()
        .starts_with("kim@example.com (usr_kim_b) is collaborator on cloud lab"));
}

#[test]
fn hostile_values_stay_inert_in_junit_csv_and_text() {
    let org = repo_path("fixtures/scenarios/hostile-values/org.json");
    let org = org.to_str().unwrap();
    let parsed = parse_junit(&check(&["--org", org, "--format", "junit"]).stdout);
    let messages =
        parsed["cases"].as_array().unwrap().iter().flat_map(|case| case["messages"].as_array().unwrap().clone());
    assert!(
        messages.clone().any(|message| message.as_str().unwrap().contains("@prod <b>bold</b>")),
        "read back as text"
    );
    let csv = check(&["--org", org, "--format", "csv"]).stdout;
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), permaudit::report::findings::csv::FINDING_COLUMNS);
    for row in reader.records() {
        for cell in row.unwrap().iter() {
            assert!(!matches!(cell.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')), "{cell:?}");
        }
    }
    let text = stdout(&check(&["--org", org]));
    assert!(!text.contains('\r') && !text.contains('\u{2028}'), "control characters are escaped in the text");
}

#[test]
fn report_writes_the_findings_and_takes_fail_on() {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("report");
    let (org, policy, exemptions) = (demo_org(), repo_path(EXAMPLE_POLICY), repo_path(EXAMPLE_EXEMPTIONS));
    let args = [
        "report",
        "--org",
        org.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--exemptions",
        exemptions.to_str().unwrap(),
    ];
    let output = permaudit(&args);
    assert_eq!(output.status.code(), Some(0), "without --fail-on, written is success: {}", stderr(&output));
    let findings = std::fs::read(out.join("findings.json")).unwrap();
    assert_eq!(findings, check_demo_example(&["--format", "json"]).stdout, "report and check agree");
    let csv = std::fs::read(out.join("findings.csv")).unwrap();
    assert_eq!(csv, check_demo_example(&["--format", "csv"]).stdout);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let controls = html.find("<section id=\"controls\"").unwrap();
    assert!(controls < html.find("<section id=\"summary\"").unwrap(), "the Controls section comes first");
    assert!(html.contains("Muted by deploy-bot-releases until 2027-06-30, approved by security@example.com"));
    assert_eq!(permaudit(&[&args[..], &["--fail-on", "high"]].concat()).status.code(), Some(4));
    assert_eq!(permaudit(&[&args[..], &["--fail-on", "critical"]].concat()).status.code(), Some(0));
    let person =
        ["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap(), "--user-id", "usr_alice"];
    let output = permaudit(&[&person[..], &["--fail-on", "high"]].concat());
    assert_eq!(output.status.code(), Some(2), "the one-person review runs no controls");
    assert!(permaudit(&person).status.success());
    assert!(!out.join("findings.json").exists(), "the organization's findings do not linger");
}

#[test]
fn a_large_organization_report_keeps_its_controls_section_small() {
    let directory = tempfile::tempdir().unwrap();
    let org = directory.path().join("org.json");
    let sizes = ["--members", "3000", "--groups", "60", "--clouds", "6", "--projects", "300", "--grants", "40000"];
    let output = permaudit(&[&["generate"][..], &sizes, &["--seed", "5", "--out", org.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let out = directory.path().join("report");
    let output = permaudit(&["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let section = &html[html.find("<section id=\"controls\"").unwrap()..html.find("<section id=\"summary\"").unwrap()];
    assert!(section.contains(" more in <code>findings.csv</code>"), "long lists are cut, and say so");
    let shown = section.matches("<li class=\"finding").count();
    assert!(shown <= 50 * 25, "{shown} findings shown");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("findings.json")).unwrap()).unwrap();
    assert!(json["findings"].as_array().unwrap().len() > shown, "the JSON holds every finding");
}

#[test]
fn check_reads_only_its_snapshot() {
    assert!(Path::new(&repo_path(EXAMPLE_POLICY)).exists() && Path::new(&repo_path(EXAMPLE_EXEMPTIONS)).exists());
    let output = check(&["--policy", repo_path(EXAMPLE_POLICY).to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "without --org and a token there is nothing to read");
    assert!(stderr(&output).contains("--org FILE"), "{}", stderr(&output));
}

#[test]
fn the_documented_controls_are_the_catalog() {
    let documentation = std::fs::read_to_string(repo_path("docs/controls.md")).unwrap();
    for definition in permaudit::controls::definition::definitions(&Policy::default()) {
        let row = format!("| `{}` | {} | {} |", definition.id, definition.title, definition.severity);
        assert!(documentation.contains(&row), "docs/controls.md lacks the row {row}");
    }
}

#[test]
fn check_runs_live_when_no_snapshot_is_given() {
    let server = crate::emulator::Emulator::demo(&[]);
    let home = tempfile::tempdir().unwrap();
    let live = std::process::Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(["check", "--format", "json", "--today", "2026-12-01"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("ANYSCALE_HOST", &server.base)
        .env("ANYSCALE_CLI_TOKEN", crate::emulator::TOKEN)
        .output()
        .unwrap();
    assert_eq!(live.status.code(), Some(4), "{}", stderr(&live));
    let offline = check(&["--org", demo_org().to_str().unwrap(), "--format", "json"]);
    let parse = |output: &Output| -> serde_json::Value { serde_json::from_slice(&output.stdout).unwrap() };
    let (live, offline) = (parse(&live), parse(&offline));
    assert_eq!(live["controls"], offline["controls"]);
    let sorted = |document: &serde_json::Value| {
        let mut findings: Vec<String> =
            document["findings"].as_array().unwrap().iter().map(|f| f.to_string()).collect();
        findings.sort();
        findings
    };
    assert_eq!(sorted(&live), sorted(&offline), "the same findings, live or from the snapshot");
}
