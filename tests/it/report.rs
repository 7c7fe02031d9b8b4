//! `permaudit report` and `explain`: golden files on the demo organization, determinism, inert hostile
//! values in CSV and HTML, exit codes, the per-resource and per-member views, implicit org owners,
//! scoped reviews, and the one-person offboarding review.

use crate::support::{assert_golden, demo_org, permaudit, repo_path, stderr, stdout};
use std::path::Path;

const HOSTILE: &str = "fixtures/scenarios/hostile-values/org.json";

/// Runs `permaudit report` into a fresh directory and returns it with the run's output.
fn report(org: &Path, extra: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("report");
    let mut args = vec!["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = permaudit(&args);
    (directory, output)
}

fn read(directory: &tempfile::TempDir, name: &str) -> Vec<u8> {
    std::fs::read(directory.path().join("report").join(name)).unwrap()
}

#[test]
fn the_demo_report_matches_its_golden_files() {
    let (directory, output) = report(&demo_org(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_golden("fixtures/demo/golden/report/permissions.csv", &read(&directory, "permissions.csv"));
    assert_golden("fixtures/demo/golden/report/anomalies.csv", &read(&directory, "anomalies.csv"));
    assert_golden("fixtures/demo/golden/report/resources.csv", &read(&directory, "resources.csv"));
    assert_golden("fixtures/demo/golden/report/members.csv", &read(&directory, "members.csv"));
    assert_golden("fixtures/demo/golden/report/report.html", &read(&directory, "report.html"));
    let names: Vec<String> = std::fs::read_dir(directory.path().join("report"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 9, "eight files, their manifest, and no temporary file left behind: {names:?}");
}

#[test]
fn permissions_json_is_what_list_permissions_output_file_writes() {
    let (directory, _) = report(&demo_org(), &[]);
    assert_golden("fixtures/demo/golden/list-permissions.output-file.json", &read(&directory, "permissions.json"));
}

#[test]
fn report_writing_is_byte_identical_across_runs() {
    let (first, _) = report(&demo_org(), &[]);
    let (second, _) = report(&demo_org(), &[]);
    for name in [
        "permissions.json",
        "permissions.csv",
        "anomalies.csv",
        "resources.csv",
        "members.csv",
        "findings.json",
        "findings.csv",
        "report.html",
    ] {
        assert_eq!(read(&first, name), read(&second, name), "{name} differs between runs");
    }
}

#[test]
fn the_csv_has_one_row_per_member_and_resource_and_says_why_a_member_has_none() {
    let (directory, _) = report(&demo_org(), &[]);
    let text = String::from_utf8(read(&directory, "permissions.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), permaudit::report::csv::PERMISSION_COLUMNS.names());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|row| &row[0] == "permaudit-csv/2"), "the implicit organization rows make version 2");
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let alice_prod = rows.iter().find(|row| &row[4] == "usr_alice" && &row[10] == "cloud").unwrap();
    assert_eq!(&alice_prod[15], "readonly");
    assert_eq!(&alice_prod[16], "readonly");
    assert_eq!(&alice_prod[17], "ml (ug_1): collaborator");
    assert_eq!(&alice_prod[18], "capped to readonly by direct readonly on cloud prod");
    assert_eq!(&alice_prod[19], "readonly-restriction");
    let grace: Vec<_> = rows.iter().filter(|row| &row[4] == "usr_grace").collect();
    assert_eq!(grace.len(), 1, "a member with no access gets one row");
    assert_eq!(&grace[0][15], "none");
    assert_eq!(&grace[0][20], "no base role: grants give nothing (R2)");
    let members: std::collections::BTreeSet<&str> = rows.iter().map(|row| &row[4]).collect();
    assert_eq!(members.len(), 15, "every member appears");
    assert!(rows.iter().all(|row| &row[21] == "true" || &row[21] == "false"));
}

/// Returns the rows of a CSV file of a report, with the header.
fn csv_rows(directory: &tempfile::TempDir, name: &str) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let bytes = read(directory, name);
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let headers = reader.headers().unwrap().clone();
    (headers, reader.records().map(Result::unwrap).collect())
}

#[test]
fn permissions_csv_names_each_org_owners_implicit_access_once() {
    let (directory, _) = report(&demo_org(), &[]);
    let (_, rows) = csv_rows(&directory, "permissions.csv");
    // A filter on cloud_name = lab shows the grants there; the org owners are on their organization rows.
    let lab: Vec<(&str, &str, &str, &str)> =
        rows.iter().filter(|row| &row[12] == "lab").map(|row| (&row[4], &row[10], &row[15], &row[21])).collect();
    assert_eq!(
        lab,
        [
            ("usr_dave", "cloud", "owner", "false"),
            ("usr_dave", "project", "collaborator", "false"),
            ("usr_kim_b", "cloud", "collaborator", "false"),
            ("usr_kim_b", "project", "readonly", "false"),
        ]
    );
    let implicit: Vec<(&str, &str, &str)> =
        rows.iter().filter(|row| &row[21] == "true").map(|row| (&row[4], &row[10], &row[15])).collect();
    assert_eq!(
        implicit,
        [("usr_erin", "organization", "owner"), ("usr_frank", "organization", "owner")],
        "one implicit row per org owner, whatever the number of clouds"
    );
    let frank: Vec<&csv::StringRecord> = rows.iter().filter(|row| &row[4] == "usr_frank").collect();
    assert_eq!(frank.len(), 1, "the implicit row replaces the no-access row");
    assert!((11..=14).chain(16..=18).all(|column| frank[0][column].is_empty()), "no resource, path or cap");
    assert!(frank[0][20].starts_with("org owner: implicit owner access to every cloud and project"));
    // Erin's implicit row comes first, then her explicit collaborator row on dev.
    let erin: Vec<(&str, &str, &str, &str)> =
        rows.iter().filter(|row| &row[4] == "usr_erin").map(|row| (&row[10], &row[12], &row[15], &row[21])).collect();
    assert_eq!(erin, [("organization", "", "owner", "true"), ("cloud", "dev", "collaborator", "false")]);
}

#[test]
fn resources_csv_names_the_org_owners_once_then_lists_every_cloud_and_project() {
    let (directory, _) = report(&demo_org(), &[]);
    let (headers, rows) = csv_rows(&directory, "resources.csv");
    assert_eq!(headers.iter().collect::<Vec<_>>(), permaudit::report::resources::RESOURCE_COLUMNS.names());
    assert!(rows.iter().all(|row| &row[0] == "permaudit-csv/2"), "the organization row makes version 2");
    let organization = &rows[0];
    assert_eq!((&organization[4], &organization[9], &organization[13]), ("organization", "2", "2"));
    assert_eq!(&organization[17], "erin@example.com; frank@example.com", "the org owners, named once");
    let places: Vec<(&str, &str)> = rows[1..].iter().map(|row| (&row[4], &row[8])).collect();
    assert_eq!(places.len(), 3 + 5, "3 clouds and 5 projects, the one of an unknown cloud included");
    assert_eq!(&places[7], &("project", "ghost"), "a project of no known cloud comes last");
    for row in &rows[1..] {
        assert_eq!(&row[13], "2", "every resource counts the org owners");
        assert_eq!(&row[17], "", "and leaves them to the organization row");
    }
    let train = rows.iter().find(|row| &row[7] == "prj_1").unwrap();
    assert_eq!((&train[14], &train[15], &train[16]), ("alice@example.com; bob@example.com", "", "Zoe@example.com"));
    assert_eq!(&train[9], "5", "three with a role and the two org owners reach it");
    let dev = rows.iter().find(|row| &row[5] == "cld_2" && &row[4] == "cloud").unwrap();
    assert_eq!(&dev[9], "6", "Erin holds a role on dev and is an org owner: counted once");
}

#[test]
fn members_csv_has_one_row_per_member_with_reach_and_counts() {
    let (directory, _) = report(&demo_org(), &[]);
    let (headers, rows) = csv_rows(&directory, "members.csv");
    assert_eq!(headers.iter().collect::<Vec<_>>(), permaudit::report::members::MEMBER_COLUMNS.names());
    assert_eq!(rows.len(), 15);
    let row = |id: &str| rows.iter().find(|row| &row[4] == id).unwrap().clone();
    let frank = row("usr_frank");
    assert_eq!((&frank[9], &frank[11], &frank[12], &frank[13], &frank[14]), ("owner", "owner", "3", "5", "0"));
    let alice = row("usr_alice");
    assert_eq!((&alice[11], &alice[12], &alice[13], &alice[14], &alice[15]), ("owner", "1", "2", "3", "2"));
    assert_eq!(&alice[16], "readonly-restriction; project-role-capped");
    assert_eq!(&alice[8], "2024-03-01T09:30:00+00:00");
    let grace = row("usr_grace");
    assert_eq!((&grace[9], &grace[11], &grace[12]), ("none", "none", "0"));
    assert!(rows.iter().all(|row| row[17].parse::<usize>().is_ok()), "the default controls ran: {rows:?}");
    let (scoped, _) = report(&demo_org(), &["--cloud", "prod"]);
    let (_, rows) = csv_rows(&scoped, "members.csv");
    assert!(rows.iter().all(|row| row[17].is_empty()), "a scoped report runs no controls: not evaluated");
}

#[test]
fn finding_counts_fill_members_csv_and_chart_when_controls_ran() {
    let (policy, exemptions) =
        (repo_path("fixtures/policies/example.yaml"), repo_path("fixtures/policies/exemptions.yaml"));
    let args = ["--policy", policy.to_str().unwrap(), "--exemptions", exemptions.to_str().unwrap()];
    let (directory, output) = report(&demo_org(), &args);
    assert!(output.status.code() == Some(0) || output.status.code() == Some(1), "{}", stderr(&output));
    let findings: serde_json::Value = serde_json::from_slice(&read(&directory, "findings.json")).unwrap();
    let mut expected = std::collections::BTreeMap::<String, usize>::new();
    for finding in findings["findings"].as_array().unwrap().iter().filter(|finding| finding["muted"] == false) {
        let mut named: Vec<&str> =
            finding["members"].as_array().unwrap().iter().map(|member| member["id"].as_str().unwrap()).collect();
        named.sort_unstable();
        named.dedup();
        for id in named {
            *expected.entry(id.to_owned()).or_default() += 1;
        }
    }
    assert!(expected.len() > 3, "the example policy names several members");
    let bytes = read(&directory, "members.csv");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 15);
    for row in &rows {
        let count = expected.get(&row[4]).copied().unwrap_or(0);
        assert_eq!(row[17].parse::<usize>().unwrap(), count, "the findings count of {}", &row[4]);
    }
    let html = String::from_utf8(read(&directory, "report.html")).unwrap();
    assert!(html.contains("<svg class=\"chart\" id=\"chart-findings\""));
    assert!(html.contains("\"findings\":["), "the member table gets a findings column");
}

#[test]
fn hostile_values_are_inert_in_the_csv() {
    let (directory, output) = report(&repo_path(HOSTILE), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    for name in ["permissions.csv", "anomalies.csv", "resources.csv", "members.csv"] {
        let text = String::from_utf8(read(&directory, name)).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for row in reader.records() {
            for cell in row.unwrap().iter() {
                let first = cell.chars().next();
                assert!(
                    !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                    "{name}: cell {cell:?} would run as a formula"
                );
            }
        }
    }
    let text = String::from_utf8(read(&directory, "permissions.csv")).unwrap();
    for neutralised in [
        "'=HYPERLINK(",
        "'+cmd|",
        "'@SUM(1+1)",
        "'-2+3 Carol",
        "'\tTabbed Dave",
        "'\rReturn Erin",
        "'@prod <b>bold</b>",
    ] {
        assert!(text.contains(neutralised), "missing {neutralised:?}");
    }
}

#[test]
fn hostile_values_are_escaped_in_the_html() {
    let (directory, _) = report(&repo_path(HOSTILE), &[]);
    let html = String::from_utf8(read(&directory, "report.html")).unwrap();
    assert_eq!(html.matches("<script").count(), 2, "only the data block and the report's own script");
    assert_eq!(html.matches("</script>").count(), 2);
    for markup in ["<img", "<svg onload", "<b>", "onerror=\"", "\u{2028}", "\u{2029}"] {
        assert!(!html.contains(markup), "{markup:?} appears unescaped");
    }
    assert_eq!(html.matches("<svg").count(), 4, "only the four charts");
    assert_eq!(html.matches("<svg class=\"chart\" id=\"chart-").count(), 4);
    assert!(html.contains(">@prod &lt;b&gt;bold&lt;/b&gt;</text>"), "a cloud name is text in the chart");
    assert!(html.contains("&lt;svg onload="), "the group name is shown as text in the summary");
    assert!(html.contains("\\u003c/script\\u003e\\u003cscript\\u003e"), "the data block escapes markup");
    let policy = "default-src 'none'; script-src 'sha256-";
    assert!(html.contains(&policy.replace('\'', "&#x27;")), "a Content-Security-Policy forbids every load");
}

#[test]
fn exit_codes_tell_findings_and_incomplete_collections_apart() {
    let (_, output) = report(&demo_org(), &["--fail-on-anomalies"]);
    assert_eq!(output.status.code(), Some(4), "anomalies with --fail-on-anomalies");
    let (_, output) = report(&repo_path("fixtures/scenarios/r7-user-id/org.json"), &["--fail-on-anomalies"]);
    assert_eq!(output.status.code(), Some(0), "no anomaly: clean");
    let directory = tempfile::tempdir().unwrap();
    let incomplete = directory.path().join("incomplete.json");
    let text = std::fs::read_to_string(demo_org()).unwrap().replacen(
        "\"complete\": true,\n  \"gaps\": []",
        "\"complete\": false,\n  \"gaps\": [\"GET /api/v2/projects: HTTP 503\"]",
        1,
    );
    std::fs::write(&incomplete, text).unwrap();
    let (written, output) = report(&incomplete, &["--fail-on-anomalies"]);
    assert_eq!(output.status.code(), Some(3), "incomplete wins over findings");
    let html = String::from_utf8(read(&written, "report.html")).unwrap();
    assert!(html.contains("This collection is incomplete") && html.contains("HTTP 503"));
    let csv = String::from_utf8(read(&written, "permissions.csv")).unwrap();
    assert!(csv.lines().nth(1).unwrap().contains(",false,"), "every row says the collection is incomplete");
}

#[test]
fn a_missing_org_and_an_unknown_user_are_errors() {
    let directory = tempfile::tempdir().unwrap();
    let output = permaudit(&["report", "--out-dir", directory.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--org FILE"));
    let (_, output) = report(&demo_org(), &["--user-id", "usr_nobody"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`usr_nobody` is neither a member id nor a member email in organization `org_demo`")
    );
}

#[test]
fn the_offboarding_review_finds_a_member_by_email_in_any_case() {
    let (by_id, output) = report(&demo_org(), &["--user-id", "usr_zoe"]);
    assert!(output.status.success(), "{}", stderr(&output));
    for wanted in ["zoe@example.com", "ZOE@EXAMPLE.COM", "Zoe@example.com"] {
        let (by_email, output) = report(&demo_org(), &["--user-id", wanted]);
        assert!(output.status.success(), "{wanted}: {}", stderr(&output));
        for name in ["permissions.json", "revocation-plan.csv", "report.html"] {
            assert_eq!(read(&by_email, name), read(&by_id, name), "{wanted}: {name}");
        }
    }
    let (_, output) = report(&demo_org(), &["--user-id", "KIM@example.com"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("belongs to 2 members (usr_kim_a, usr_kim_b)"), "{}", stderr(&output));
}

#[test]
fn the_offboarding_review_matches_its_golden_files() {
    let (directory, output) = report(&demo_org(), &["--user-id", "usr_alice"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_golden("fixtures/demo/golden/offboarding-usr_alice/report.html", &read(&directory, "report.html"));
    assert_golden(
        "fixtures/demo/golden/offboarding-usr_alice/revocation-plan.csv",
        &read(&directory, "revocation-plan.csv"),
    );
    assert_golden("fixtures/demo/golden/offboarding-usr_alice/permissions.csv", &read(&directory, "permissions.csv"));
    assert_golden(
        "fixtures/demo/golden/list-permissions.user-id-usr_alice.stdout",
        &[read(&directory, "permissions.json").as_slice(), b"\n"].concat(),
    );
}

#[test]
fn the_revocation_plan_never_raises_access() {
    let (directory, _) = report(&demo_org(), &["--user-id", "usr_alice"]);
    let plan = String::from_utf8(read(&directory, "revocation-plan.csv")).unwrap();
    let steps: Vec<&str> = plan.lines().skip(1).collect();
    // Alice's direct readonly on prod restricts the ml group's collaborator: the group goes first.
    let group = steps.iter().position(|step| step.contains("leave group,group,ug_1")).unwrap();
    let restriction = steps.iter().position(|step| step.contains("delete direct grant,cloud,cld_1")).unwrap();
    assert!(group < restriction, "{plan}");
    assert!(!plan.contains("raised"), "{plan}");
    assert!(steps.last().unwrap().contains("remove from organization"));
}

/// Returns the rows of a `revocation-plan.csv`, checking its header.
fn plan_rows(csv_bytes: &[u8]) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(csv_bytes);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), permaudit::report::offboarding::PLAN_COLUMNS);
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn the_offboarding_plan_of_an_org_owner_starts_with_the_demotion_and_names_each_call() {
    let org = repo_path("fixtures/scenarios/offboarding-org-owner/org.json");
    let (directory, output) = report(&org, &["--user-id", "Olga@Example.com"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let plan = read(&directory, "revocation-plan.csv");
    assert_golden("fixtures/scenarios/offboarding-org-owner/revocation-plan.csv", &plan);
    let rows = plan_rows(&plan);
    let (action, how) = (4, 9);
    assert_eq!(&rows[0][action], "change permission level");
    assert!(rows[0][how].starts_with("API: PUT /api/v2/organization_collaborators/idn_olga"), "{:?}", rows[0]);
    let first_revocation = rows.iter().position(|row| &row[action] == "leave group").unwrap();
    let naming: Vec<usize> =
        rows.iter().enumerate().filter(|(_, row)| &row[action] == "name a new owner").map(|(i, _)| i).collect();
    assert_eq!(naming, [1, 2], "a new owner for dev and sandbox, before any revocation");
    assert!(naming.iter().all(|&position| position < first_revocation));
    let scim = rows.iter().find(|row| &row[6] == "ug_sso").unwrap();
    assert!(scim[how].starts_with("in the identity provider"), "{:?}", scim);
    for row in &rows {
        let via_api =
            (row[how].starts_with("API: ") || row[how].starts_with("CLI: anyscale ")) && row[how].contains(" /api/v2/");
        assert!(via_api || row[how].starts_with("in the identity provider"), "{:?}", row);
    }
    assert_eq!(&rows.last().unwrap()[action], "remove from organization");
    let html = String::from_utf8(read(&directory, "report.html")).unwrap().replace("&#x2f;", "/");
    assert!(html.contains("Change the permission level of olga@example.com from owner to collaborator"));
    assert!(html
        .contains("DELETE /api/v2/user_groups/ug_admins/members with {&quot;user_ids&quot;: [&quot;usr_olga&quot;]}"));
    assert!(
        html.contains("Remove olga@example.com from the organization org_offboarding"),
        "no \"organization organization\""
    );
}

#[test]
fn an_owner_by_permission_level_alone_is_demoted_first() {
    let (directory, _) = report(&demo_org(), &["--user-id", "usr_erin"]);
    let rows = plan_rows(&read(&directory, "revocation-plan.csv"));
    let actions: Vec<&str> = rows.iter().map(|row| &row[4]).collect();
    assert_eq!(actions, ["change permission level", "delete direct grant", "remove from organization"]);
    assert!(rows[0][8].contains("ends org ownership"), "{:?}", rows[0]);
    assert_eq!(&rows[2][8], "ends the base role (permission_level collaborator since step 1)");
}

#[test]
fn the_offboarding_review_names_resources_left_without_an_owner() {
    let (directory, _) = report(&demo_org(), &["--user-id", "usr_ivan"]);
    let html = String::from_utf8(read(&directory, "report.html")).unwrap();
    let section = &html[html.find("id=\"left-without-owner\"").unwrap()..];
    assert!(section.contains("project sandbox"), "Ivan is sandbox's only owner");
    let (directory, _) = report(&demo_org(), &["--user-id", "usr_bob"]);
    let html = String::from_utf8(read(&directory, "report.html")).unwrap();
    assert!(html.contains("None: every cloud and project the member owns has another explicit owner."));
}

fn explain(args: &[&str]) -> std::process::Output {
    let org = demo_org();
    permaudit(&[&["explain", "--org", org.to_str().unwrap()], args].concat())
}

#[test]
fn explain_gives_every_path_and_what_remains_without_each() {
    let output = explain(&["--user", "alice@example.com"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_golden("fixtures/demo/golden/explain-usr_alice.txt", &output.stdout);
    let text = stdout(&output);
    assert!(text.contains("- direct readonly: without it, collaborator; project serve would become collaborator"));
    assert!(text.contains("- group ml (ug_1): collaborator: without it, readonly (unchanged)"));
}

/// Returns every string value in a JSON document.
fn strings(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::String(text) => found.push(text.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|item| strings(item, found)),
        serde_json::Value::Object(fields) => fields.values().for_each(|field| strings(field, found)),
        _ => {}
    }
}

#[test]
fn explain_as_json_has_the_content_of_the_text() {
    let output = explain(&["--user", "alice@example.com", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_golden("fixtures/demo/golden/explain-usr_alice.json", &output.stdout);
    let cases: [&[&str]; 5] = [
        &["--user", "usr_alice"],
        &["--user", "usr_bob", "--project", "train"],
        &["--user", "usr_dave", "--cloud", "lab"],
        &["--user", "usr_carol", "--project", "train"],
        &["--user", "usr_grace"],
    ];
    for args in cases {
        let text = stdout(&explain(args));
        let json: serde_json::Value =
            serde_json::from_slice(&explain(&[args, &["--format", "json"]].concat()).stdout).unwrap();
        assert_eq!(json["format"], "permaudit-explain/1");
        let mut found = Vec::new();
        strings(&json, &mut found);
        let shown = ["permaudit-explain/1", "everything", "cloud", "project", "collaborator", "unspecified"];
        for value in found.iter().filter(|value| !shown.contains(&value.as_str())) {
            assert!(text.contains(value.as_str()), "{args:?}: {value:?} is in the JSON but not in the text:\n{text}");
        }
        for line in text.lines().filter(|line| line.trim_start().starts_with("- ") && line.contains("without it, ")) {
            let (path, without) = line.trim_start()[2..].split_once(": without it, ").unwrap();
            assert!(found.contains(&path.to_owned()) && found.contains(&without.to_owned()), "{args:?}: {line}");
        }
    }
}

#[test]
fn explain_narrows_to_a_cloud_or_a_project_by_name_or_id() {
    let by_name = stdout(&explain(&["--user", "usr_bob", "--project", "train"]));
    let by_id = stdout(&explain(&["--user", "usr_bob", "--project", "prj_1"]));
    assert_eq!(by_name, by_id);
    assert!(by_name.contains("project train (prj_1): owner"));
    assert!(by_name.contains("- direct write: without it, owner (unchanged)"));
    let cloud = stdout(&explain(&["--user", "usr_dave", "--cloud", "lab"]));
    assert!(cloud.contains("- direct owner: without it, readonly; project notebooks would become readonly"), "{cloud}");
    let none = stdout(&explain(&["--user", "usr_carol", "--project", "train"]));
    assert!(none.contains("no role on project train") && none.contains("orphan-project-grant"), "{none}");
}

#[test]
fn explain_refuses_an_ambiguous_or_unknown_member() {
    let output = explain(&["--user", "Kim@Example.com"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("belongs to 2 members (usr_kim_a, usr_kim_b); pass one of these member ids"));
    let output = explain(&["--user", "ALICE@example.com"]);
    assert!(stdout(&output).starts_with("alice@example.com (usr_alice, Alice Liddell)"), "emails match in any case");
    let output = explain(&["--user", "nobody@example.com"]);
    assert_eq!(output.status.code(), Some(1));
    let output = explain(&["--user", "usr_alice", "--cloud", "nowhere"]);
    assert!(stderr(&output).contains("no cloud has the id or name `nowhere`"));
}

#[test]
fn no_revocation_plan_raises_access_in_a_generated_organization() {
    use permaudit::model::Collection;
    use permaudit::report::offboarding::Offboarding;
    use permaudit::synth::{generate, Shape};
    let shape = Shape { members: 400, groups: 30, group_size: 20, clouds: 4, projects: 60, grants: 12_000, seed: 11 };
    let organization = generate(&shape);
    let resolution = permaudit::resolve::resolve(&organization);
    let collection =
        Collection { collected_at: String::new(), source: String::new(), complete: true, gaps: Vec::new() };
    let mut planned = 0;
    for access in resolution.listed_members() {
        let review = Offboarding::new(&resolution, &collection, access, &[]);
        let (last, steps) = review.plan.split_last().unwrap();
        assert_eq!(last.action, "remove from organization");
        for step in steps {
            assert!(!step.effect.contains("raised"), "{}: {step:?}", review.member.id);
        }
        planned += steps.len();
    }
    assert!(planned > 1000, "the organization exercises the planner ({planned} steps)");
}

#[test]
fn a_report_directory_is_replaced_as_a_whole_or_not_at_all() {
    let org = demo_org();
    let (directory, output) = report(&org, &["--user-id", "usr_alice"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = directory.path().join("report");
    let person_json = std::fs::read(out.join("permissions.json")).unwrap();
    std::fs::remove_file(out.join("report.html")).unwrap();
    std::fs::create_dir(out.join("report.html")).unwrap();
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()];
    let blocked = permaudit(&args);
    assert_eq!(blocked.status.code(), Some(1));
    assert!(stderr(&blocked).contains("is in the way: it is a directory"), "{}", stderr(&blocked));
    assert_eq!(std::fs::read(out.join("permissions.json")).unwrap(), person_json, "nothing was replaced");
    assert!(out.join("revocation-plan.csv").exists(), "the earlier report is intact");
    std::fs::remove_dir(out.join("report.html")).unwrap();
    std::fs::write(out.join("notes.txt"), "an auditor's own file").unwrap();
    let organization = permaudit(&args);
    assert!(organization.status.success(), "{}", stderr(&organization));
    assert!(!out.join("revocation-plan.csv").exists(), "the one-person report's plan does not linger");
    assert!(out.join("notes.txt").exists(), "files permaudit does not write are left alone");
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|entry| entry.unwrap().file_name().into_string().unwrap()).collect();
    assert!(!names.iter().any(|name| name.starts_with('.')), "no staging folder is left: {names:?}");
}
