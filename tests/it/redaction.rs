//! Redaction: a redacted report names nobody (every byte of every file searched, the HTML's compressed
//! member data inflated), pseudonyms are stable for a key and unrelated across keys, the controls still
//! match the policy against the real records, `permaudit redact` keeps the structure, and the key is
//! required and never shown.

use crate::support::{command, demo_org, permaudit, stderr, stdout};
use aho_corasick::AhoCorasick;
use base64::Engine as _;
use permaudit::evidence::manifest::Manifest;
use permaudit::model::Snapshot;
use permaudit::redact::{RedactKey, RedactKinds, Redactor};
use permaudit::resolve::resolve;
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A key whose bytes are easy to search for in outputs.
const KEY: &str = "permaudit-test-redaction-key-0123456789";
const OTHER_KEY: &str = "another-test-redaction-key-9876543210";

/// Writes `key` into a file of `folder` and returns its path.
fn key_file(folder: &Path, key: &str) -> PathBuf {
    let path = folder.join(format!("{}.key", &key[..7]));
    fs::write(&path, key).unwrap();
    path
}

fn redactor(key: &str, kinds: RedactKinds) -> Redactor {
    Redactor::new(&RedactKey::from_bytes(key.as_bytes().to_vec(), "test").unwrap(), kinds)
}

/// Runs a command and insists on its exit code.
fn run(args: &[&str], code: i32) -> Output {
    let output = permaudit(args);
    assert_eq!(output.status.code(), Some(code), "{args:?}: {}", stderr(&output));
    output
}

/// Returns every email, name, member id and identity id of a snapshot, as written and as Python's
/// `json.dumps` escapes them.
fn people(snapshot: &Snapshot) -> Vec<String> {
    let mut values = Vec::new();
    for member in &snapshot.organization.members {
        values.extend([member.email.clone(), member.name.clone(), member.id.clone()]);
        values.extend(member.user_id.as_ref().map(|id| id.to_string()));
    }
    let escaped: Vec<String> =
        values.iter().filter(|value| !value.is_ascii()).map(|value| ascii_escaped(value)).collect();
    values.extend(escaped);
    values.retain(|value| !value.is_empty());
    values
}

fn ascii_escaped(value: &str) -> String {
    value.chars().map(|c| if c.is_ascii() { c.to_string() } else { format!("\\u{:04x}", c as u32) }).collect()
}

/// Returns the bytes of every file in `directory`, with the HTML's compressed member data inflated.
fn every_byte(directory: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(&path).unwrap();
        if let Some(packed) = packed_data(&bytes) {
            files.push((format!("{name} (inflated data)"), packed));
        }
        files.push((name, bytes));
    }
    files
}

/// Returns the inflated `packed` member data of a report page, if it has one.
fn packed_data(page: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(page).ok()?;
    let start = text.find("\"packed\":\"")? + "\"packed\":\"".len();
    let end = start + text[start..].find('"')?;
    let compressed = base64::engine::general_purpose::STANDARD.decode(&text[start..end]).unwrap();
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..]).read_to_end(&mut inflated).unwrap();
    Some(inflated)
}

/// Panics naming the first of `values` found as a whole word in any of `files` (a pseudonym such as
/// `prj_2f0c…` holds the id `prj_2` as its start, which is no leak).
fn assert_none_found(values: &[String], files: &[(String, Vec<u8>)]) {
    let searcher = AhoCorasick::new(values).unwrap();
    let is_word = |byte: Option<&u8>| byte.is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'_');
    for (name, bytes) in files {
        for found in searcher.find_overlapping_iter(bytes) {
            let before = found.start().checked_sub(1).and_then(|position| bytes.get(position));
            if !is_word(before) && !is_word(bytes.get(found.end())) {
                let context = String::from_utf8_lossy(
                    &bytes[found.start().saturating_sub(60)..(found.end() + 20).min(bytes.len())],
                )
                .into_owned();
                panic!("{name} holds `{}`: {context}", values[found.pattern().as_usize()]);
            }
        }
    }
}

/// Writes a generated organization large enough that the report compresses its member data.
fn generated(folder: &Path) -> PathBuf {
    let path = folder.join("generated.json");
    let args = ["generate", "--members", "9000", "--groups", "60", "--clouds", "6", "--projects", "150"];
    run(&[&args[..], &["--grants", "45000", "--seed", "11", "--out", path.to_str().unwrap()]].concat(), 0);
    path
}

#[test]
fn a_redacted_report_of_a_generated_organization_names_nobody() {
    let folder = tempfile::tempdir().unwrap();
    let org = generated(folder.path());
    let key = key_file(folder.path(), KEY);
    let (org, key) = (org.to_str().unwrap(), key.to_str().unwrap());
    let out = folder.path().join("report");
    let redact = ["--redact", "emails,names,ids", "--redact-key-file", key];
    let report = run(&[&["report", "--org", org, "--out-dir", out.to_str().unwrap()], &redact[..]].concat(), 0);
    let mut files = every_byte(&out);
    assert!(files.iter().any(|(name, _)| name == "report.html (inflated data)"), "the member data is compressed");
    let original = Snapshot::load(Path::new(org)).unwrap();
    let member = &original.organization.members[42];
    let check = run(&[&["check", "--org", org, "--format", "json", "--fail-on", "critical"], &redact[..]].concat(), 0);
    let explain = run(&[&["explain", "--org", org, "--user", &member.email], &redact[..]].concat(), 0);
    let redactor = redactor(KEY, RedactKinds::PEOPLE);
    assert!(stdout(&explain).starts_with(&redactor.email(&member.email)), "{}", stdout(&explain));
    for (name, output) in [("report", &report), ("check", &check), ("explain", &explain)] {
        files.push((format!("{name} stdout"), output.stdout.clone()));
        files.push((format!("{name} stderr"), output.stderr.clone()));
    }
    assert_none_found(&people(&original), &files);
    let groups: Vec<String> = original.organization.groups.iter().map(|group| group.name.clone()).collect();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(groups.iter().any(|group| html.contains(group.as_str())), "group names are kept without `resources`");
}

#[test]
fn resources_are_redacted_on_request() {
    let folder = tempfile::tempdir().unwrap();
    let key = key_file(folder.path(), KEY);
    let org = folder.path().join("small.json");
    let shape = ["--members", "300", "--groups", "12", "--clouds", "3", "--projects", "20", "--grants", "3000"];
    run(&[&["generate"][..], &shape[..], &["--seed", "5", "--out", org.to_str().unwrap()]].concat(), 0);
    let out = folder.path().join("report");
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()];
    run(
        &[&args[..], &["--redact", "emails,names,ids,resources", "--redact-key-file", key.to_str().unwrap()]].concat(),
        0,
    );
    let original = Snapshot::load(&org).unwrap();
    let organization = &original.organization;
    let mut values = people(&original);
    values.extend(organization.clouds.iter().flat_map(|cloud| [cloud.id.to_string(), cloud.name.clone()]));
    values.extend(organization.projects.iter().flat_map(|project| [project.id.to_string(), project.name.clone()]));
    values.extend(organization.groups.iter().flat_map(|group| [group.id.to_string(), group.name.clone()]));
    assert_none_found(&values, &every_byte(&out));
}

#[test]
fn a_scoped_report_with_a_baseline_finds_the_cloud_by_its_real_name_and_names_nobody() {
    let folder = tempfile::tempdir().unwrap();
    let key = key_file(folder.path(), KEY);
    let (org, old) = (folder.path().join("new.json"), folder.path().join("old.json"));
    let shape = ["--members", "200", "--groups", "10", "--clouds", "3", "--projects", "12", "--grants", "2000"];
    run(&[&["generate"][..], &shape[..], &["--seed", "6", "--out", old.to_str().unwrap()]].concat(), 0);
    let edit = ["generate", "--edit", old.to_str().unwrap(), "--edits", "40", "--seed", "2"];
    run(&[&edit[..], &["--out", org.to_str().unwrap()]].concat(), 0);
    let original = Snapshot::load(&org).unwrap();
    let cloud = &original.organization.clouds[0];
    let out = folder.path().join("report");
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap(), "--cloud", &cloud.name];
    let redact = ["--redact", "emails,names,ids,resources", "--redact-key-file", key.to_str().unwrap()];
    run(&[&args[..], &redact[..], &["--baseline", old.to_str().unwrap()]].concat(), 0);
    let resources = fs::read_to_string(out.join("resources.csv")).unwrap();
    let in_scope = original.organization.projects.iter().filter(|project| project.parent_cloud_id == cloud.id).count();
    assert_eq!(
        resources.lines().count(),
        1 + 1 + 1 + in_scope,
        "the header, the organization, the cloud and its projects"
    );
    assert!(out.join("changes.csv").exists());
    let mut values = people(&original);
    values.extend(people(&Snapshot::load(&old).unwrap()));
    values.extend([cloud.id.to_string(), cloud.name.clone()]);
    assert_none_found(&values, &every_byte(&out));
}

#[test]
fn a_redacted_diff_names_nobody_and_finds_a_member_by_the_real_email() {
    let folder = tempfile::tempdir().unwrap();
    let key = key_file(folder.path(), KEY);
    let (org, old) = (folder.path().join("new.json"), folder.path().join("old.json"));
    let shape = ["--members", "200", "--groups", "10", "--clouds", "3", "--projects", "12", "--grants", "2000"];
    run(&[&["generate"][..], &shape[..], &["--seed", "8", "--out", old.to_str().unwrap()]].concat(), 0);
    let edit = ["generate", "--edit", old.to_str().unwrap(), "--edits", "60", "--seed", "3"];
    run(&[&edit[..], &["--out", org.to_str().unwrap()]].concat(), 0);
    let redact = ["--redact", "emails,names,ids", "--redact-key-file", key.to_str().unwrap()];
    let (old_path, new_path) = (old.to_str().unwrap(), org.to_str().unwrap());
    let json = run(&[&["diff", old_path, new_path, "--format", "json"][..], &redact[..]].concat(), 0).stdout;
    let mut values = people(&Snapshot::load(&old).unwrap());
    values.extend(people(&Snapshot::load(&org).unwrap()));
    assert_none_found(&values, &[("diff.json".to_owned(), json.clone())]);
    let clear = run(&["diff", old_path, new_path, "--format", "json"], 0).stdout;
    let clear: serde_json::Value = serde_json::from_slice(&clear).unwrap();
    let (id, email) =
        (clear["changes"][0]["member"]["id"].to_string(), clear["changes"][0]["member"]["email"].as_str().unwrap());
    let changes_of = |args: &[&str]| -> Vec<String> {
        let output: serde_json::Value = serde_json::from_slice(&run(args, 0).stdout).unwrap();
        output["changes"].as_array().unwrap().iter().map(|change| change["member"]["id"].to_string()).collect()
    };
    let in_clear = changes_of(&["diff", old_path, new_path, "--format", "json", "--user", email]);
    let redacted =
        changes_of(&[&["diff", old_path, new_path, "--format", "json", "--user", email][..], &redact].concat());
    assert_eq!(redacted.len(), in_clear.len(), "the member's changes, found by the real email");
    assert!(redacted.iter().all(|other| *other == redacted[0] && *other != id), "{redacted:?}");
}

/// Writes the demo report redacted with `key` into `name` inside `folder`.
fn redacted_demo(folder: &Path, name: &str, key: &Path) -> PathBuf {
    let out = folder.join(name);
    let org = demo_org();
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()];
    run(&[&args[..], &["--redact", "emails,names,ids", "--redact-key-file", key.to_str().unwrap()]].concat(), 0);
    out
}

#[test]
fn pseudonyms_are_stable_for_a_key_and_unrelated_across_keys() {
    let folder = tempfile::tempdir().unwrap();
    let (key, other_key) = (key_file(folder.path(), KEY), key_file(folder.path(), OTHER_KEY));
    let first = redacted_demo(folder.path(), "first", &key);
    let second = redacted_demo(folder.path(), "second", &key);
    let other = redacted_demo(folder.path(), "other", &other_key);
    for name in ["permissions.json", "permissions.csv", "anomalies.csv", "findings.json", "findings.csv", "report.html"]
    {
        assert_eq!(fs::read(first.join(name)).unwrap(), fs::read(second.join(name)).unwrap(), "{name}");
    }
    let permissions = |directory: &Path| fs::read_to_string(directory.join("permissions.json")).unwrap();
    let (one, two) = (redactor(KEY, RedactKinds::PEOPLE), redactor(OTHER_KEY, RedactKinds::PEOPLE));
    for (redactor, directory, elsewhere) in [(&one, &first, &other), (&two, &other, &first)] {
        let pseudonym = redactor.id("usr_alice");
        assert!(permissions(directory).contains(&pseudonym), "{pseudonym}");
        assert!(!permissions(elsewhere).contains(&pseudonym), "another key, another pseudonym");
    }
    let manifest = Manifest::parse(&fs::read(first.join("manifest.json")).unwrap()).unwrap();
    let redaction = manifest.redaction.unwrap();
    assert_eq!(redaction.redacted, ["emails", "names", "ids"]);
    assert_eq!(redaction.key_id, one.key_id());
}

#[test]
fn the_command_line_of_a_redacted_report_names_the_pseudonym() {
    let folder = tempfile::tempdir().unwrap();
    let key = key_file(folder.path(), KEY);
    let out = folder.path().join("offboarding");
    let org = demo_org();
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap()];
    let redact = ["--user-id", "Alice@Example.com", "--redact", "emails,names,ids", "--redact-key-file"];
    run(&[&args[..], &redact[..], &[key.to_str().unwrap()]].concat(), 0);
    let manifest = Manifest::parse(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let pseudonym = redactor(KEY, RedactKinds::PEOPLE).email("alice@example.com");
    let position = manifest.command_line.iter().position(|argument| argument == "--user-id").unwrap();
    assert_eq!(manifest.command_line[position + 1], pseudonym);
    assert_none_found(&people(&Snapshot::load(&org).unwrap()), &every_byte(&out));
}

/// Returns what `check --format json` says of each control and exemption, and its summary.
fn verdicts(output: &Output) -> serde_json::Value {
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let controls: Vec<serde_json::Value> = document["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|control| serde_json::json!([control["id"], control["status"], control["unmuted"], control["muted"]]))
        .collect();
    let exemptions: Vec<serde_json::Value> = document["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|exemption| serde_json::json!([exemption["label"], exemption["state"], exemption["matched"]]))
        .collect();
    serde_json::json!({"summary": document["summary"], "controls": controls, "exemptions": exemptions})
}

#[test]
fn the_controls_match_policy_and_exemptions_against_the_real_records() {
    let folder = tempfile::tempdir().unwrap();
    let key = key_file(folder.path(), KEY);
    let org = demo_org();
    let policy = crate::support::repo_path("fixtures/policies/example.yaml");
    let exemptions = crate::support::repo_path("fixtures/policies/exemptions.yaml");
    let args = [
        "check",
        "--org",
        org.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
        "--exemptions",
        exemptions.to_str().unwrap(),
        "--format",
        "json",
    ];
    let plain = run(&args, 4);
    let redacted = run(
        &[&args[..], &["--redact", "emails,names,ids,resources", "--redact-key-file", key.to_str().unwrap()]].concat(),
        4,
    );
    let expected = verdicts(&plain);
    assert!(expected["summary"]["muted"].as_u64().unwrap() > 0, "the exemptions mute findings: {expected}");
    assert_eq!(verdicts(&redacted), expected, "the same verdicts, redacted or not");
    let mut values = people(&Snapshot::load(&org).unwrap());
    values.extend(["security@example.com".to_owned(), "cto@example.com".to_owned()]);
    assert_none_found(&values, &[("check --format json".to_owned(), redacted.stdout)]);
}

/// Returns a snapshot's shape: members, org owners, listed members, entries, anomalies by kind.
fn shape(snapshot: &Snapshot) -> (usize, usize, usize, usize, BTreeMap<String, usize>) {
    let resolution = resolve(&snapshot.organization);
    let entries = resolution.members.iter().flat_map(|access| &access.clouds).map(|cloud| 1 + cloud.projects.len());
    let mut anomalies = BTreeMap::new();
    for anomaly in &resolution.anomalies {
        *anomalies.entry(anomaly.kind().code().to_owned()).or_default() += 1;
    }
    let owners = resolution.org_owners().count();
    (resolution.members.len(), owners, resolution.listed_members().count(), entries.sum(), anomalies)
}

#[test]
fn a_redacted_snapshot_resolves_to_the_same_counts() {
    let folder = tempfile::tempdir().unwrap();
    let key = key_file(folder.path(), KEY);
    let generated = generated(folder.path());
    for org in [demo_org(), generated] {
        for kinds in [None, Some("emails,names,ids,resources")] {
            let out = folder.path().join("redacted.json");
            let mut args = vec!["redact", org.to_str().unwrap(), "--out", out.to_str().unwrap()];
            args.extend(["--redact-key-file", key.to_str().unwrap()]);
            args.extend(kinds.map(|kinds| ["--redact", kinds]).into_iter().flatten());
            run(&args, 0);
            let (original, redacted) = (Snapshot::load(&org).unwrap(), Snapshot::load(&out).unwrap());
            let shape_of_original = shape(&original);
            assert!(shape_of_original.4.contains_key("duplicate-email") || org != demo_org());
            assert_eq!(shape(&redacted), shape_of_original, "{} redacted with {kinds:?}", org.display());
            let text = fs::read_to_string(&out).unwrap();
            assert!(text.starts_with("{\n  \"format\": \"permaudit-snapshot/1\""), "the format is unchanged");
            assert_none_found(&people(&original), &[(out.display().to_string(), text.into_bytes())]);
        }
    }
}

#[test]
fn redaction_needs_a_key_of_32_bytes_and_never_shows_it() {
    let folder = tempfile::tempdir().unwrap();
    let org = demo_org();
    let out = folder.path().join("report");
    let args = ["report", "--org", org.to_str().unwrap(), "--out-dir", out.to_str().unwrap(), "--redact", "emails"];
    let refused = run(&args, 1);
    assert!(stderr(&refused).contains("head -c 32 /dev/urandom > redact.key"), "{}", stderr(&refused));
    assert!(!out.exists(), "nothing is written");
    let short = key_file(folder.path(), "too-short-key");
    let refused = run(&[&args[..], &["--redact-key-file", short.to_str().unwrap()]].concat(), 1);
    assert!(stderr(&refused).contains("has 13 bytes, fewer than 32"), "{}", stderr(&refused));
    assert!(!stderr(&refused).contains("too-short-key\n"), "the key is not quoted");
    let from_environment = command().args(args).env("PERMAUDIT_REDACT_KEY", KEY).output().unwrap();
    assert_eq!(from_environment.status.code(), Some(0), "{}", stderr(&from_environment));
    let mut files = every_byte(&out);
    files.push(("stderr".to_owned(), from_environment.stderr));
    assert_none_found(&[KEY.to_owned()], &files);
    let permissions = fs::read_to_string(out.join("permissions.json")).unwrap();
    assert!(permissions.contains(&redactor(KEY, RedactKinds::PEOPLE).email("alice@example.com")));
    let without = run(&["report", "--org", org.to_str().unwrap(), "--out-dir", "x", "--redact-key-file", "k"], 2);
    assert!(stderr(&without).contains("--redact"), "a key file alone is a usage error: {}", stderr(&without));
}
