//! Conformance with the official `anyscale` CLI 0.26.112 (installed by `scripts/test-env`): run against
//! `permaudit serve`, its `user` commands must print what permaudit prints and agree with the snapshot.
//! These tests fail, rather than skip, when the CLI is missing: CI installs it.

use crate::emulator::{Emulator, TOKEN};
use crate::support::{demo_org, permaudit, repo_path, stderr, stdout};
use permaudit::model::Snapshot;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Command, Output};

/// Returns the official CLI next to `PERMAUDIT_PYTHON`, or in `target/test-venv`.
fn anyscale_executable() -> PathBuf {
    let python = std::env::var_os("PERMAUDIT_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_path("target/test-venv/bin/python"));
    let executable = python.with_file_name("anyscale");
    assert!(
        executable.is_file(),
        "the official CLI is missing at {}: run scripts/test-env (scripts/test does) to install it",
        executable.display()
    );
    executable
}

/// Runs `anyscale ARGS` against the server, in `directory`, with a throwaway HOME.
fn anyscale(server: &Emulator, directory: &std::path::Path, args: &[&str]) -> Output {
    let home = directory.join("home");
    std::fs::create_dir_all(&home).unwrap();
    Command::new(anyscale_executable())
        .args(args)
        .current_dir(directory)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("ANYSCALE_HOST", &server.base)
        .env("ANYSCALE_CLI_TOKEN", TOKEN)
        .env("ANYSCALE_SUPPRESS_UPGRADE_WARNING", "1")
        .env("ANYSCALE_TELEMETRY_SAMPLE_RATE", "0")
        .output()
        .expect("the official anyscale CLI runs")
}

fn succeeded(output: Output, what: &str) -> Output {
    assert!(output.status.success(), "{what} failed:\n{}\n{}", stdout(&output), stderr(&output));
    output
}

#[test]
fn list_permissions_prints_what_permaudit_prints() {
    let server = Emulator::demo(&[]);
    let directory = tempfile::tempdir().unwrap();
    let org = demo_org();
    let org = org.to_str().unwrap();
    for extra in [&[][..], &["--user-id", "usr_alice"][..], &["--user-id", "idn_svc_deploy"][..]] {
        let official = succeeded(
            anyscale(&server, directory.path(), &[&["user", "list-permissions"], extra].concat()),
            "anyscale",
        );
        let ours = permaudit(&[&["user", "list-permissions", "--org", org], extra].concat());
        assert_eq!(stdout(&official), stdout(&ours), "{extra:?}");
        assert!(stderr(&official).contains("Listing users and their effective permissions..."));
    }
    let (theirs, mine) = (directory.path().join("official.json"), directory.path().join("permaudit.json"));
    succeeded(
        anyscale(&server, directory.path(), &["user", "list-permissions", "--output-file", theirs.to_str().unwrap()]),
        "anyscale",
    );
    permaudit(&["user", "list-permissions", "--org", org, "--output-file", mine.to_str().unwrap()]);
    assert_eq!(std::fs::read(&theirs).unwrap(), std::fs::read(&mine).unwrap());
}

#[test]
fn list_permissions_for_an_unknown_user_fails_with_the_server_detail() {
    let server = Emulator::demo(&[]);
    let directory = tempfile::tempdir().unwrap();
    let output = anyscale(&server, directory.path(), &["user", "list-permissions", "--user-id", "usr_nobody"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("Error: user `usr_nobody` is not a member of organization `org_demo`"),
        "{}",
        stderr(&output)
    );
}

/// Returns the snapshot's members as the official `user list -o json` prints them.
fn expected_users(snapshot: &Snapshot, service_accounts: bool) -> Vec<Value> {
    let members = snapshot.organization.members.iter().filter(|member| member.is_service_account == service_accounts);
    members
        .map(|member| {
            let mut user = json!({
                "email": member.email, "name": member.name, "created_at": member.created_at,
                "permission_level": member.permission_level,
            });
            if let Some(user_id) = &member.user_id {
                user["user_id"] = json!(user_id.as_str());
            }
            user
        })
        .collect()
}

fn listed(server: &Emulator, directory: &std::path::Path, extra: &[&str]) -> Vec<Value> {
    let args = [&["user", "list", "--no-interactive", "--max-items", "100", "-o", "json"], extra].concat();
    let output = succeeded(anyscale(server, directory, &args), "anyscale user list");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn user_list_and_get_agree_with_the_snapshot() {
    let server = Emulator::demo(&[]);
    let directory = tempfile::tempdir().unwrap();
    let snapshot = Snapshot::load(&demo_org()).unwrap();
    assert_eq!(
        listed(&server, directory.path(), &[]),
        expected_users(&snapshot, false),
        "service accounts are hidden by default"
    );
    assert_eq!(listed(&server, directory.path(), &["--page-size", "4"]), expected_users(&snapshot, false));
    assert_eq!(listed(&server, directory.path(), &["--service-account"]), expected_users(&snapshot, true));
    let output = succeeded(
        anyscale(&server, directory.path(), &["user", "get", "--email", "alice@example.com", "-o", "json"]),
        "anyscale user get",
    );
    let alice: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(alice, expected_users(&snapshot, false)[0]);
    let output = anyscale(&server, directory.path(), &["user", "get", "--name", "Nobody Here"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("No user found matching 'Nobody Here'"), "{}", stderr(&output));
}

/// The example users file of the official docs (the seeds).
const USERS_YAML: &str = include_str!("../../fixtures/users/create-users.yaml");

#[test]
fn batch_create_adds_users_to_the_snapshot_and_the_list() {
    let server = Emulator::demo(&[]);
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("users.yaml"), USERS_YAML).unwrap();
    let output =
        succeeded(anyscale(&server, directory.path(), &["user", "batch-create", "-f", "users.yaml"]), "batch-create");
    assert!(stderr(&output).contains("2 users created."), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let snapshot = Snapshot::load(&server.org).unwrap();
    let emails: Vec<&str> = snapshot.organization.members.iter().map(|member| member.email.as_str()).collect();
    assert!(emails.ends_with(&["test1@anyscale.com", "test2@anyscale.com"]), "{emails:?}");
    let users = listed(&server, directory.path(), &[]);
    let listed_emails: Vec<&str> = users.iter().map(|user| user["email"].as_str().unwrap()).collect();
    assert!(listed_emails.ends_with(&["test1@anyscale.com", "test2@anyscale.com"]), "{listed_emails:?}");
    assert_eq!(users.len(), 15);

    let before = std::fs::read(&server.org).unwrap();
    let again = anyscale(&server, directory.path(), &["user", "batch-create", "-f", "users.yaml"]);
    assert_eq!(again.status.code(), Some(1));
    let message = stderr(&again);
    assert!(message.contains("Error: Error creating users: no user was created"), "{message}");
    assert!(
        message.contains("users[0] (test1@anyscale.com)") && message.contains("users[1] (test2@anyscale.com)"),
        "{message}"
    );
    assert_eq!(std::fs::read(&server.org).unwrap(), before);
}

/// Runs permaudit with the same clean environment as the official CLI gets, against the same server
/// (live) or on the snapshot (`--org`).
fn permaudit_like(server: &Emulator, directory: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_permaudit"))
        .args(args)
        .current_dir(directory)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", directory.join("home"))
        .env("ANYSCALE_HOST", &server.base)
        .env("ANYSCALE_CLI_TOKEN", TOKEN)
        .output()
        .expect("permaudit runs")
}

#[test]
fn user_list_and_get_print_what_the_official_cli_prints() {
    let server = Emulator::demo(&[]);
    let directory = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(directory.path().join("home")).unwrap();
    let org = demo_org();
    let cases: [&[&str]; 15] = [
        &["user", "list"],
        &["user", "list", "--max-items", "100", "-o", "json"],
        &["user", "list", "--service-account", "--max-items", "100"],
        &["user", "list", "--user-account", "--page-size", "3", "--max-items", "7"],
        &["user", "list", "--email", "bob@example.com", "--no-interactive"],
        &["user", "list", "--collaborator-type", "only_service_accounts", "--service-account", "-o", "json"],
        &["user", "list", "--json", "--max-items", "2"],
        &["user", "list", "--page-size", "0"],
        &["user", "list", "--max-items", "0"],
        &["user", "get", "--email", "alice@example.com"],
        &["user", "get", "--email", "alice@example.com", "-o", "json"],
        &["user", "get", "--name", "Iván Müller", "-o", "yaml"],
        &["user", "get", "--email", "deploy-bot@example.com", "--service-account", "-o", "yaml"],
        &["user", "get", "--email", "nobody@example.com"],
        &["user", "get", "--name", "Iván Müller", "--json"],
    ];
    for args in cases {
        let official = anyscale(&server, directory.path(), args);
        let live = permaudit_like(&server, directory.path(), args);
        let offline = permaudit_like(&server, directory.path(), &[args, &["--org", org.to_str().unwrap()]].concat());
        for (mode, ours) in [("live", &live), ("--org", &offline)] {
            assert_eq!(stdout(ours), stdout(&official), "stdout of {args:?} ({mode})");
            assert_eq!(stderr(ours), stderr(&official), "stderr of {args:?} ({mode})");
            assert_eq!(ours.status.code(), official.status.code(), "exit code of {args:?} ({mode})");
        }
    }
}

#[test]
fn permaudit_batch_create_live_creates_through_the_server_once() {
    let server = Emulator::demo(&[]);
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("users.yaml"), USERS_YAML).unwrap();
    let output = permaudit_like(&server, directory.path(), &["user", "batch-create", "-f", "users.yaml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains(") 2 users created."), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let snapshot = Snapshot::load(&server.org).unwrap();
    let emails: Vec<&str> = snapshot.organization.members.iter().map(|member| member.email.as_str()).collect();
    assert!(emails.ends_with(&["test1@anyscale.com", "test2@anyscale.com"]), "{emails:?}");
    assert_eq!(emails.len(), 17, "each user is created once");

    let before = std::fs::read(&server.org).unwrap();
    let again = permaudit_like(&server, directory.path(), &["user", "batch-create", "-f", "users.yaml"]);
    assert_eq!(again.status.code(), Some(1));
    let message = stderr(&again);
    assert!(
        message.contains("entry 1 (test1@anyscale.com): a member of the organization already has this email"),
        "{message}"
    );
    assert_eq!(std::fs::read(&server.org).unwrap(), before, "a refused batch sends nothing");
}
