//! Scoped reviews, `report --cloud C --project P`: every file holds only those clouds and projects, the
//! list-permissions document is the whole one narrowed to them, and names that match no single cloud or
//! project are errors that list candidates.

use crate::support::{assert_golden, demo_org, permaudit, stderr};
use serde_json::Value;
use std::path::Path;

/// Runs `permaudit report` with `extra` into a fresh directory; returns it with the run's output.
fn report(org: &Path, extra: &[&str]) -> (tempfile::TempDir, std::process::Output) {
    let directory = tempfile::tempdir().unwrap();
    let out = directory.path().join("report");
    let mut args = vec!["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let output = permaudit(&args);
    (directory, output)
}

fn read(directory: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(directory.path().join("report").join(name)).unwrap()
}

const FILES: [&str; 6] =
    ["permissions.json", "permissions.csv", "anomalies.csv", "resources.csv", "members.csv", "report.html"];

#[test]
fn a_scoped_report_holds_only_its_clouds_and_projects() {
    // Cloud lab with its project notebooks, and project train, which brings the entries of its cloud
    // prod but not prod's other project, serve.
    let (directory, output) = report(&demo_org(), &["--cloud", "lab", "--project", "prj_1"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_golden(
        "fixtures/demo/golden/report-scoped/permissions.json",
        read(&directory, "permissions.json").as_bytes(),
    );
    for name in FILES {
        let text = read(&directory, name);
        for outside in ["cld_2", "prj_2", "prj_3", "prj_5", "sandbox", "ghost", "cld_gone"] {
            assert!(!text.contains(outside), "{name} names {outside}, which is out of scope");
        }
    }
    let column = |name: &str, number: usize| -> Vec<String> {
        read(&directory, name).lines().skip(1).map(|line| line.split(',').nth(number).unwrap().to_owned()).collect()
    };
    assert_eq!(
        column("resources.csv", 8),
        ["", "", "notebooks", "", "train"],
        "the organization, lab, notebooks, prod and train"
    );
    let members = column("members.csv", 4);
    // Carol holds a dropped grant on train; Kim A reaches only dev, though she shares Kim B's email.
    assert_eq!(
        members,
        [
            "usr_zoe",
            "usr_alice",
            "usr_bob",
            "usr_carol",
            "usr_dave",
            "idn_svc_deploy",
            "usr_erin",
            "usr_frank",
            "usr_kim_b"
        ]
    );
    let anomalies = read(&directory, "anomalies.csv");
    assert!(anomalies.contains("orphan-project-grant,user usr_carol; project prj_1"));
    assert!(anomalies.contains("duplicate-email") && !anomalies.contains("group-owner-on-cloud"));
    let html = read(&directory, "report.html");
    assert!(html.contains("<strong>Scoped review.</strong>"));
    assert!(html.contains("<li>cloud lab (cld_3) with its 1 project</li>"));
    assert!(html.contains("<li>project train (prj_1) of cloud prod (cld_1)</li>"));
    let (whole, _) = report(&demo_org(), &[]);
    assert!(!read(&whole, "report.html").contains("Scoped review"), "only a scoped report says so");
}

/// Returns the list-permissions document narrowed by hand: each user's entries on `clouds` (with all
/// their projects) and on the `projects` named with their cloud, `(cloud id, project id)`, whose cloud
/// entry comes along; users left without a cloud are dropped, `org_owners` stays whole.
fn narrowed(document: &Value, clouds: &[&str], projects: &[(&str, &str)]) -> Value {
    let mut document = document.clone();
    let users = document["users"].as_array_mut().unwrap();
    for user in users.iter_mut() {
        let entries = user["clouds"].as_array_mut().unwrap();
        entries.retain(|cloud| {
            let id = cloud["cloud_id"].as_str().unwrap();
            clouds.contains(&id) || projects.iter().any(|(parent, _)| *parent == id)
        });
        for cloud in entries.iter_mut() {
            let whole = clouds.contains(&cloud["cloud_id"].as_str().unwrap());
            cloud["projects"].as_array_mut().unwrap().retain(|project| {
                whole || projects.iter().any(|(_, id)| *id == project["project_id"].as_str().unwrap())
            });
        }
    }
    users.retain(|user| !user["clouds"].as_array().unwrap().is_empty());
    document
}

#[test]
fn a_scoped_permissions_json_is_the_whole_document_narrowed_to_the_scope() {
    let directory = tempfile::tempdir().unwrap();
    let org = directory.path().join("org.json");
    let sizes = ["--members", "400", "--groups", "30", "--clouds", "6", "--projects", "60", "--grants", "9000"];
    let output = permaudit(&[&["generate"][..], &sizes, &["--seed", "5", "--out", org.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let (whole, _) = report(&org, &[]);
    let document: Value = serde_json::from_str(&read(&whole, "permissions.json")).unwrap();
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&org).unwrap()).unwrap();
    let id = |value: &Value, key: &str| value[key].as_str().unwrap().to_owned();
    let projects: Vec<(String, String)> = snapshot["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|project| (id(project, "parent_cloud_id"), id(project, "id")))
        .collect();
    let clouds: Vec<String> = snapshot["clouds"].as_array().unwrap().iter().map(|cloud| id(cloud, "id")).collect();
    let cases: [(Vec<&str>, Vec<usize>); 3] =
        [(vec![clouds[0].as_str()], vec![]), (vec![], vec![3, 17, 40]), (vec![clouds[2].as_str()], vec![5, 59])];
    for (scope_clouds, scope_projects) in cases {
        let named: Vec<(&str, &str)> = scope_projects
            .iter()
            .map(|&project| (projects[project].0.as_str(), projects[project].1.as_str()))
            .collect();
        let mut args: Vec<&str> = Vec::new();
        scope_clouds.iter().for_each(|cloud| args.extend(["--cloud", cloud]));
        named.iter().for_each(|(_, project)| args.extend(["--project", project]));
        let (scoped, output) = report(&org, &args);
        assert!(output.status.success(), "{}", stderr(&output));
        let actual: Value = serde_json::from_str(&read(&scoped, "permissions.json")).unwrap();
        assert_eq!(actual, narrowed(&document, &scope_clouds, &named), "scope {args:?}");
        assert!(!actual["users"].as_array().unwrap().is_empty(), "the scope {args:?} reaches someone");
        assert_eq!(actual["org_owners"], document["org_owners"]);
    }
}

#[test]
fn a_scope_name_that_matches_no_single_resource_is_an_error_listing_candidates() {
    let (_, output) = report(&demo_org(), &["--cloud", "pro"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("no cloud has the id or name `pro` in organization `org_demo`; close clouds: prod (cld_1)"),
        "{}",
        stderr(&output)
    );
    let (_, output) = report(&demo_org(), &["--project", "nowhere"]);
    assert!(
        stderr(&output).contains("projects: ghost (prj_5), notebooks (prj_4), sandbox (prj_3)"),
        "{}",
        stderr(&output)
    );
    let directory = tempfile::tempdir().unwrap();
    let twins = directory.path().join("twins.json");
    let text = std::fs::read_to_string(demo_org()).unwrap().replace("\"name\": \"lab\"", "\"name\": \"prod\"");
    std::fs::write(&twins, text).unwrap();
    let (written, output) = report(&twins, &["--cloud", "prod"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .contains("cloud name `prod` is shared by 2 clouds (cld_1, cld_3); pass one of these ids instead"),
        "{}",
        stderr(&output)
    );
    assert!(!written.path().join("report").exists(), "nothing is written");
    let (_, output) = report(&twins, &["--cloud", "cld_3"]);
    assert_eq!(output.status.code(), Some(0), "an id is never ambiguous: {}", stderr(&output));
    let (_, output) = report(&demo_org(), &["--cloud", "lab", "--user-id", "usr_alice"]);
    assert_eq!(output.status.code(), Some(2), "a scope does not apply to the one-person review");
}
